-- 0003: reservation holds, staff adjustments, per-room-type overbooking allowance.

ALTER TABLE room_type
    ADD COLUMN overbooking_allowance INTEGER NOT NULL DEFAULT 0 CHECK (overbooking_allowance BETWEEN 0 AND 1000);

-- A hold is the inventory one booking takes: one room of one room type on
-- each of its nights. No foreign key to booking: the services may live in
-- separate databases.
CREATE TABLE hold (
    booking_id           TEXT    PRIMARY KEY CHECK (length(booking_id) = 36),
    hotel_id             INTEGER NOT NULL,
    room_type_id         INTEGER NOT NULL,
    check_in             TEXT    NOT NULL CHECK (check_in = date(check_in)),
    check_out            TEXT    NOT NULL CHECK (check_out = date(check_out)),
    status               TEXT    NOT NULL CHECK (status IN ('held', 'released')),
    request_room_type_id INTEGER NOT NULL,
    request_check_in     TEXT    NOT NULL CHECK (request_check_in = date(request_check_in)),
    request_check_out    TEXT    NOT NULL CHECK (request_check_out = date(request_check_out)),
    created_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT hold_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT hold_stay CHECK (check_out >= check_in AND request_check_out > request_check_in)
) STRICT;

-- The nights a hold currently holds: held on inventory_night equals the
-- number of hold_night rows of that night (the reconciliation check).
CREATE TABLE hold_night (
    booking_id   TEXT    NOT NULL REFERENCES hold (booking_id),
    hotel_id     INTEGER NOT NULL,
    room_type_id INTEGER NOT NULL,
    night        TEXT    NOT NULL,
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
    CONSTRAINT hold_night_pkey PRIMARY KEY (booking_id, night),
    CONSTRAINT hold_night_inventory_fkey FOREIGN KEY (hotel_id, room_type_id, night)
        REFERENCES inventory_night (hotel_id, room_type_id, night)
) STRICT, WITHOUT ROWID;
CREATE INDEX hold_night_inventory_idx ON hold_night (hotel_id, room_type_id, night);

CREATE TABLE inventory_adjustment (
    id              INTEGER PRIMARY KEY,
    hotel_id        INTEGER NOT NULL,
    room_type_id    INTEGER NOT NULL,
    start_date      TEXT    NOT NULL CHECK (start_date = date(start_date)),
    end_date        TEXT    NOT NULL CHECK (end_date = date(end_date)),
    num_rooms       INTEGER NOT NULL CHECK (num_rooms <> 0),
    reason          TEXT    CHECK (length(reason) <= 500),
    actor           TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    idempotency_key TEXT    CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT inventory_adjustment_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT inventory_adjustment_range CHECK (end_date >= start_date)
) STRICT;
CREATE UNIQUE INDEX inventory_adjustment_idempotency_key ON inventory_adjustment (actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX inventory_adjustment_hotel_idx ON inventory_adjustment (hotel_id, id);
