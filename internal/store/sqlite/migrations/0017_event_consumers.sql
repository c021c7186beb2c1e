-- 0017: named consumers of the event feed (issue 19); see the PostgreSQL
-- migration of the same number.

CREATE TABLE event_consumer (
    name       TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    position   INTEGER NOT NULL CHECK (position >= 0),
    ack_from   INTEGER NOT NULL CHECK (ack_from >= 0),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE event_ack (
    consumer TEXT    NOT NULL REFERENCES event_consumer (name) ON DELETE CASCADE,
    pos      INTEGER NOT NULL REFERENCES event (pos) ON DELETE CASCADE,
    acked_at TEXT    NOT NULL,
    PRIMARY KEY (consumer, pos)
) STRICT;
-- Pruning an event deletes its acknowledgements.
CREATE INDEX event_ack_pos_idx ON event_ack (pos);
CREATE INDEX event_booking_pos_idx ON event (pos) WHERE type LIKE 'booking.%';
