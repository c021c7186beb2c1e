-- 0001: hotels, room types, per-night inventory and bookings (DESIGN §3).
-- SQLite has no exact decimal type: money is stored as INTEGER hundredths
-- (cents), which is exact. Dates are TEXT 'YYYY-MM-DD', checked to be real dates.

CREATE TABLE hotel (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    location   TEXT    NOT NULL CHECK (length(location) BETWEEN 1 AND 200),
    time_zone  TEXT    NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    currency   TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency) AND currency GLOB '[A-Z][A-Z][A-Z]'),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT hotel_name_key UNIQUE (name)
) STRICT;
CREATE INDEX hotel_location_idx ON hotel (lower(location), id);

CREATE TABLE room_type (
    id            INTEGER PRIMARY KEY,
    hotel_id      INTEGER NOT NULL REFERENCES hotel (id),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    max_occupancy INTEGER NOT NULL CHECK (max_occupancy BETWEEN 1 AND 50),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT room_type_hotel_id_key UNIQUE (hotel_id, id)
) STRICT;
CREATE UNIQUE INDEX room_type_hotel_name_key ON room_type (hotel_id, lower(name));

CREATE TABLE inventory_night (
    hotel_id     INTEGER NOT NULL,
    room_type_id INTEGER NOT NULL,
    night        TEXT    NOT NULL CHECK (night = date(night)),
    capacity     INTEGER NOT NULL CHECK (capacity >= 0),
    held         INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
    blocked      INTEGER NOT NULL DEFAULT 0 CHECK (blocked >= 0),
    allowance    INTEGER NOT NULL DEFAULT 0 CHECK (allowance >= 0),
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
    demand_level TEXT    NOT NULL DEFAULT 'medium' CHECK (demand_level IN ('low', 'medium', 'high')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT inventory_night_pkey PRIMARY KEY (hotel_id, room_type_id, night),
    CONSTRAINT inventory_night_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT inventory_night_no_overbooking CHECK (held + blocked <= capacity + allowance)
) STRICT, WITHOUT ROWID;
CREATE INDEX inventory_night_hotel_night_idx ON inventory_night (hotel_id, night, room_type_id);

CREATE TABLE booking (
    id                TEXT    PRIMARY KEY CHECK (length(id) = 36),
    confirmation_code TEXT    NOT NULL CHECK (length(confirmation_code) BETWEEN 6 AND 16),
    hotel_id          INTEGER NOT NULL REFERENCES hotel (id),
    room_type_id      INTEGER NOT NULL,
    guest_name        TEXT    NOT NULL CHECK (length(guest_name) BETWEEN 1 AND 100),
    arrival_date      TEXT    NOT NULL CHECK (arrival_date = date(arrival_date)),
    stay_length       INTEGER NOT NULL CHECK (stay_length BETWEEN 1 AND 366),
    check_out_date    TEXT    NOT NULL,
    adults            INTEGER NOT NULL CHECK (adults >= 1),
    children          INTEGER NOT NULL DEFAULT 0 CHECK (children >= 0),
    meal_plan         TEXT    CHECK (length(meal_plan) <= 50),
    market_segment    TEXT    CHECK (length(market_segment) <= 50),
    booking_channel   TEXT    CHECK (length(booking_channel) <= 50),
    is_weekend        INTEGER NOT NULL DEFAULT 0 CHECK (is_weekend IN (0, 1)),
    is_holiday        INTEGER NOT NULL DEFAULT 0 CHECK (is_holiday IN (0, 1)),
    total_cents       INTEGER CHECK (total_cents >= 0),
    currency          TEXT    NOT NULL CHECK (length(currency) = 3),
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'completed', 'failed')),
    access_token_hash BLOB,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT booking_confirmation_code_key UNIQUE (confirmation_code),
    CONSTRAINT booking_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT booking_check_out_derived CHECK (check_out_date = date(arrival_date, '+' || stay_length || ' days'))
) STRICT;
CREATE INDEX booking_hotel_arrival_idx ON booking (hotel_id, arrival_date);
CREATE INDEX booking_status_check_out_idx ON booking (status, check_out_date);

CREATE TABLE booking_night (
    booking_id  TEXT    NOT NULL REFERENCES booking (id) ON DELETE CASCADE,
    night       TEXT    NOT NULL CHECK (night = date(night)),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    CONSTRAINT booking_night_pkey PRIMARY KEY (booking_id, night)
) STRICT, WITHOUT ROWID;
