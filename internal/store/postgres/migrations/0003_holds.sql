-- 0003: reservation holds, staff adjustments, per-room-type overbooking allowance.

ALTER TABLE room_type
    ADD COLUMN overbooking_allowance INTEGER NOT NULL DEFAULT 0 CHECK (overbooking_allowance BETWEEN 0 AND 1000);

-- A hold is the inventory one booking takes: one room of one room type on
-- each of its nights. The inventory service owns it; there is no foreign key
-- to booking so the two services can live in separate databases.
CREATE TABLE hold (
    booking_id           UUID        PRIMARY KEY,
    hotel_id             BIGINT      NOT NULL,
    room_type_id         BIGINT      NOT NULL,
    check_in             DATE        NOT NULL,
    check_out            DATE        NOT NULL,
    status               TEXT        NOT NULL CHECK (status IN ('held', 'released')),
    -- The request that created the hold, for idempotent retries.
    request_room_type_id BIGINT      NOT NULL,
    request_check_in     DATE        NOT NULL,
    request_check_out    DATE        NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT hold_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT hold_stay CHECK (check_out >= check_in AND request_check_out > request_check_in)
);

-- The nights a hold currently holds: held on inventory_night equals the
-- number of hold_night rows of that night (the reconciliation check).
CREATE TABLE hold_night (
    booking_id   UUID          NOT NULL REFERENCES hold (booking_id),
    hotel_id     BIGINT        NOT NULL,
    room_type_id BIGINT        NOT NULL,
    night        DATE          NOT NULL,
    price        NUMERIC(12,2) NOT NULL CHECK (price >= 0),
    CONSTRAINT hold_night_pkey PRIMARY KEY (booking_id, night),
    CONSTRAINT hold_night_inventory_fkey FOREIGN KEY (hotel_id, room_type_id, night)
        REFERENCES inventory_night (hotel_id, room_type_id, night)
);
CREATE INDEX hold_night_inventory_idx ON hold_night (hotel_id, room_type_id, night);

-- Staff adjustments (rooms taken out of sale or returned), kept as a log.
CREATE TABLE inventory_adjustment (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hotel_id        BIGINT      NOT NULL,
    room_type_id    BIGINT      NOT NULL,
    start_date      DATE        NOT NULL,
    end_date        DATE        NOT NULL,
    num_rooms       INTEGER     NOT NULL CHECK (num_rooms <> 0),
    reason          TEXT        CHECK (length(reason) <= 500),
    actor           TEXT        NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    idempotency_key TEXT        CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inventory_adjustment_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT inventory_adjustment_range CHECK (end_date >= start_date)
);
CREATE UNIQUE INDEX inventory_adjustment_idempotency_key ON inventory_adjustment (actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX inventory_adjustment_hotel_idx ON inventory_adjustment (hotel_id, id);
