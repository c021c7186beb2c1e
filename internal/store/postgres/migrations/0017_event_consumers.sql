-- 0017: named consumers of the event feed (issue 19). A consumer stores
-- its position (the last event it processed) to resume after a restart,
-- and acknowledges booking events one by one: a booking event after the
-- position the consumer started from stays in its unacknowledged view
-- until acknowledged, as channel managers expect of a booking queue.

CREATE TABLE event_consumer (
    name       TEXT        PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    position   BIGINT      NOT NULL CHECK (position >= 0),
    ack_from   BIGINT      NOT NULL CHECK (ack_from >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE event_ack (
    consumer TEXT        NOT NULL REFERENCES event_consumer (name) ON DELETE CASCADE,
    pos      BIGINT      NOT NULL REFERENCES event (pos) ON DELETE CASCADE,
    acked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consumer, pos)
);
-- Pruning an event deletes its acknowledgements.
CREATE INDEX event_ack_pos_idx ON event_ack (pos);
-- A consumer's unacknowledged view walks the booking events by position.
CREATE INDEX event_booking_pos_idx ON event (pos) WHERE type LIKE 'booking.%';
