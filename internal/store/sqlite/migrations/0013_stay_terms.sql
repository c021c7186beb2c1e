-- 0013: the terms a stay is sold on and the booking lifecycle of issue 18.
--
-- hotel.taxes: the hotel's taxes and fees, a JSON array of hotel.Tax.
-- rate_plan.policies: the plan's cancellation policy, no-show policy and
-- guarantee, a JSON object (store.PoliciesJSON; '{}' = none set).
-- A booking snapshots both in its terms (booking.terms) when it is sold.
--
-- Bookings gain two statuses — checked_in and no_show — and record when
-- the guest checked in, when the booking was cancelled and the fee that
-- applied at that moment, and the fee of a no-show. SQLite cannot change a
-- CHECK constraint, so booking is rebuilt, and booking_night with it: the
-- new booking_night references the new booking, so that dropping the old
-- booking (an implicit DELETE) cascades to nothing; renaming the new
-- booking to booking rewrites that reference.

ALTER TABLE hotel ADD COLUMN taxes TEXT NOT NULL DEFAULT '[]' CHECK (length(taxes) <= 10000);
ALTER TABLE rate_plan ADD COLUMN policies TEXT NOT NULL DEFAULT '{}' CHECK (length(policies) <= 4000);

CREATE TABLE booking_new (
    id                     TEXT    PRIMARY KEY CHECK (length(id) = 36),
    confirmation_code      TEXT    NOT NULL CHECK (length(confirmation_code) BETWEEN 6 AND 16),
    hotel_id               INTEGER NOT NULL REFERENCES hotel (id),
    room_type_id           INTEGER NOT NULL,
    guest_name             TEXT    NOT NULL CHECK (length(guest_name) BETWEEN 1 AND 100),
    arrival_date           TEXT    NOT NULL CHECK (arrival_date = date(arrival_date)),
    stay_length            INTEGER NOT NULL CHECK (stay_length BETWEEN 1 AND 366),
    check_out_date         TEXT    NOT NULL,
    adults                 INTEGER NOT NULL CHECK (adults >= 1),
    children               INTEGER NOT NULL DEFAULT 0 CHECK (children >= 0),
    meal_plan              TEXT    CHECK (length(meal_plan) <= 50),
    market_segment         TEXT    CHECK (length(market_segment) <= 50),
    booking_channel        TEXT    CHECK (length(booking_channel) <= 50),
    is_weekend             INTEGER NOT NULL DEFAULT 0 CHECK (is_weekend IN (0, 1)),
    is_holiday             INTEGER NOT NULL DEFAULT 0 CHECK (is_holiday IN (0, 1)),
    total_cents            INTEGER CHECK (total_cents >= 0),
    currency               TEXT    NOT NULL CHECK (length(currency) = 3),
    status                 TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'checked_in', 'cancelled', 'no_show', 'completed', 'failed')),
    access_token_hash      BLOB,
    created_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    version                INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    sync_pending           INTEGER NOT NULL DEFAULT 0 CHECK (sync_pending IN (0, 1)),
    departed_on            TEXT    CHECK (departed_on = date(departed_on)),
    rate_plan_id           INTEGER,
    rate_plan_code         TEXT    CHECK (length(rate_plan_code) <= 32),
    child_ages             TEXT    CHECK (length(child_ages) <= 200),
    terms                  TEXT,
    checked_in_at          TEXT,
    cancelled_at           TEXT,
    cancellation_fee_cents INTEGER CHECK (cancellation_fee_cents >= 0),
    no_show_fee_cents      INTEGER CHECK (no_show_fee_cents >= 0),
    CONSTRAINT booking_confirmation_code_key UNIQUE (confirmation_code),
    CONSTRAINT booking_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT booking_check_out_derived CHECK (check_out_date = date(arrival_date, '+' || stay_length || ' days'))
) STRICT;
INSERT INTO booking_new (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, children, meal_plan, market_segment, booking_channel, is_weekend, is_holiday,
    total_cents, currency, status, access_token_hash, created_at, updated_at, version, sync_pending,
    departed_on, rate_plan_id, rate_plan_code, child_ages, terms)
SELECT id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, children, meal_plan, market_segment, booking_channel, is_weekend, is_holiday,
    total_cents, currency, status, access_token_hash, created_at, updated_at, version, sync_pending,
    departed_on, rate_plan_id, rate_plan_code, child_ages, terms
FROM booking;

CREATE TABLE booking_night_new (
    booking_id  TEXT    NOT NULL REFERENCES booking_new (id) ON DELETE CASCADE,
    night       TEXT    NOT NULL CHECK (night = date(night)),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    CONSTRAINT booking_night_pkey PRIMARY KEY (booking_id, night)
) STRICT, WITHOUT ROWID;
INSERT INTO booking_night_new (booking_id, night, price_cents) SELECT booking_id, night, price_cents FROM booking_night;
DROP TABLE booking_night;
DROP TABLE booking;
ALTER TABLE booking_new RENAME TO booking;
ALTER TABLE booking_night_new RENAME TO booking_night;

CREATE INDEX booking_hotel_arrival_idx ON booking (hotel_id, arrival_date);
CREATE INDEX booking_status_check_out_idx ON booking (status, check_out_date);
CREATE INDEX booking_sync_pending_idx ON booking (updated_at, id) WHERE sync_pending = 1;
CREATE INDEX booking_hotel_id_idx ON booking (hotel_id, id);
-- The completion job: stays still open (confirmed or checked in) by check-out.
CREATE INDEX booking_open_check_out_idx ON booking (check_out_date, id) WHERE status IN ('confirmed', 'checked_in');
-- The no-show job: confirmed stays by arrival.
CREATE INDEX booking_confirmed_arrival_idx ON booking (arrival_date, id) WHERE status = 'confirmed';
