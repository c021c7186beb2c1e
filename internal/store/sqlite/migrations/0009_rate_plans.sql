-- 0009: rate plans and restrictions (issue 17); see the PostgreSQL
-- migration of the same number for what each table is. Booleans are 0/1,
-- dates 'YYYY-MM-DD', money INTEGER cents.

CREATE TABLE rate_plan (
    id                          INTEGER PRIMARY KEY,
    hotel_id                    INTEGER NOT NULL,
    room_type_id                INTEGER NOT NULL,
    code                        TEXT    NOT NULL CHECK (length(code) BETWEEN 1 AND 32 AND code NOT GLOB '*[^A-Z0-9_-]*' AND substr(code, 1, 1) NOT IN ('_', '-')),
    name                        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    meal_plan                   TEXT    NOT NULL DEFAULT 'RO' CHECK (meal_plan IN ('RO', 'BB', 'HB', 'FB', 'AI')),
    refundable                  INTEGER NOT NULL DEFAULT 1 CHECK (refundable IN (0, 1)),
    sellable                    INTEGER NOT NULL DEFAULT 1 CHECK (sellable IN (0, 1)),
    is_default                  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    parent_id                   INTEGER,
    adjust_percent_bp           INTEGER NOT NULL DEFAULT 0 CHECK (adjust_percent_bp BETWEEN -10000 AND 100000),
    adjust_amount_cents         INTEGER NOT NULL DEFAULT 0 CHECK (adjust_amount_cents BETWEEN -100000000 AND 100000000),
    follows_parent_restrictions INTEGER NOT NULL DEFAULT 0 CHECK (follows_parent_restrictions IN (0, 1)),
    base_adults                 INTEGER NOT NULL DEFAULT 0 CHECK (base_adults BETWEEN 0 AND 50),
    extra_adult_cents           INTEGER NOT NULL DEFAULT 0 CHECK (extra_adult_cents BETWEEN 0 AND 100000000),
    child_bands                 TEXT    NOT NULL DEFAULT '[]' CHECK (length(child_bands) <= 2000),
    created_at                  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at                  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT rate_plan_hotel_code_key UNIQUE (hotel_id, code),
    CONSTRAINT rate_plan_hotel_id_key UNIQUE (hotel_id, id),
    CONSTRAINT rate_plan_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id),
    CONSTRAINT rate_plan_parent_fkey FOREIGN KEY (hotel_id, parent_id) REFERENCES rate_plan (hotel_id, id),
    CONSTRAINT rate_plan_default_is_base CHECK (NOT is_default OR parent_id IS NULL),
    CONSTRAINT rate_plan_not_own_parent CHECK (parent_id IS NOT id)
) STRICT;
CREATE UNIQUE INDEX rate_plan_default_key ON rate_plan (room_type_id) WHERE is_default;
CREATE INDEX rate_plan_room_type_idx ON rate_plan (hotel_id, room_type_id, id);

CREATE TRIGGER room_type_default_plan AFTER INSERT ON room_type
BEGIN
    INSERT INTO rate_plan (hotel_id, room_type_id, code, name, is_default)
    VALUES (NEW.hotel_id, NEW.id, 'BAR-' || NEW.id, 'Best available rate', 1);
END;
INSERT INTO rate_plan (hotel_id, room_type_id, code, name, is_default)
SELECT hotel_id, id, 'BAR-' || id, 'Best available rate', 1 FROM room_type;

CREATE TABLE rate_night (
    hotel_id     INTEGER NOT NULL,
    rate_plan_id INTEGER NOT NULL,
    night        TEXT    NOT NULL CHECK (night = date(night)),
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
    CONSTRAINT rate_night_pkey PRIMARY KEY (hotel_id, rate_plan_id, night),
    CONSTRAINT rate_night_plan_fkey FOREIGN KEY (hotel_id, rate_plan_id) REFERENCES rate_plan (hotel_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE restriction_night (
    hotel_id            INTEGER NOT NULL,
    room_type_id        INTEGER NOT NULL,
    rate_plan_id        INTEGER NOT NULL DEFAULT 0 CHECK (rate_plan_id >= 0),
    night               TEXT    NOT NULL CHECK (night = date(night)),
    min_stay_arrival    INTEGER NOT NULL DEFAULT 0 CHECK (min_stay_arrival BETWEEN 0 AND 366),
    max_stay_arrival    INTEGER NOT NULL DEFAULT 0 CHECK (max_stay_arrival BETWEEN 0 AND 366),
    min_stay_through    INTEGER NOT NULL DEFAULT 0 CHECK (min_stay_through BETWEEN 0 AND 366),
    max_stay_through    INTEGER NOT NULL DEFAULT 0 CHECK (max_stay_through BETWEEN 0 AND 366),
    closed_to_arrival   INTEGER NOT NULL DEFAULT 0 CHECK (closed_to_arrival IN (0, 1)),
    closed_to_departure INTEGER NOT NULL DEFAULT 0 CHECK (closed_to_departure IN (0, 1)),
    stop_sell           INTEGER NOT NULL DEFAULT 0 CHECK (stop_sell IN (0, 1)),
    min_advance         INTEGER NOT NULL DEFAULT 0 CHECK (min_advance BETWEEN 0 AND 1000),
    max_advance         INTEGER NOT NULL DEFAULT 0 CHECK (max_advance BETWEEN 0 AND 1000),
    CONSTRAINT restriction_night_pkey PRIMARY KEY (hotel_id, room_type_id, rate_plan_id, night),
    CONSTRAINT restriction_night_room_type_fkey FOREIGN KEY (hotel_id, room_type_id) REFERENCES room_type (hotel_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX restriction_night_hotel_night_idx ON restriction_night (hotel_id, night);
