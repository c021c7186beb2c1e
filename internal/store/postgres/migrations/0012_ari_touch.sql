-- 0012: the feed of ARI changes (store.ARIFeed) that keeps a search index
-- in memory up to date, also with the writes of other processes.
--
-- Every statement that inserts, updates or deletes rows search reads
-- (hotel, room_type, rate_plan, inventory_night, rate_night,
-- restriction_night) writes, by the triggers below and in its own
-- transaction, touches that cover them: one row per hotel and room type
-- it changed, with the first and last night changed. A hold of three
-- nights or a COPY of a million writes a handful of rows. txid is the
-- writing transaction's id: a reader takes every touch at or after the
-- xmin of its last snapshot (postgres/touch.go says why that misses none).
-- No foreign keys: a touch is a note, and must stay cheap to write.

CREATE TABLE ari_touch (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT        NOT NULL CHECK (kind IN ('nights', 'rates', 'rules', 'catalogue')),
    hotel_id     BIGINT      NOT NULL,
    room_type_id BIGINT      NOT NULL DEFAULT 0,
    first_night  DATE,
    last_night   DATE,
    txid         BIGINT      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A catalogue touch has no range; the others a range of nights.
    CONSTRAINT ari_touch_range CHECK ((kind = 'catalogue') = (first_night IS NULL)
        AND (first_night IS NULL) = (last_night IS NULL) AND first_night <= last_night)
);
CREATE INDEX ari_touch_txid_idx ON ari_touch (txid);

-- Each function reads the statement's rows from the transition table
-- "changed": the new rows of an INSERT or UPDATE (keys never change), the
-- old rows of a DELETE.

-- The hotel itself (hotel), its room types or rate plans: a catalogue touch.
CREATE FUNCTION ari_touch_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'hotel' THEN
        INSERT INTO ari_touch (kind, hotel_id) SELECT DISTINCT 'catalogue', id FROM changed;
    ELSE
        INSERT INTO ari_touch (kind, hotel_id) SELECT DISTINCT 'catalogue', hotel_id FROM changed;
    END IF;
    RETURN NULL;
END $$;

-- inventory_night: the nights of each room type.
CREATE FUNCTION ari_touch_nights() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    SELECT 'nights', hotel_id, room_type_id, min(night), max(night) FROM changed GROUP BY hotel_id, room_type_id;
    RETURN NULL;
END $$;

-- rate_night: the base-plan prices of each hotel (every plan, room type 0).
CREATE FUNCTION ari_touch_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, first_night, last_night)
    SELECT 'rates', hotel_id, min(night), max(night) FROM changed GROUP BY hotel_id;
    RETURN NULL;
END $$;

-- restriction_night: the restrictions of each room type.
CREATE FUNCTION ari_touch_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    SELECT 'rules', hotel_id, room_type_id, min(night), max(night) FROM changed GROUP BY hotel_id, room_type_id;
    RETURN NULL;
END $$;

-- One trigger per table and event (a trigger with transition tables has
-- one event).
CREATE TRIGGER hotel_touch_insert AFTER INSERT ON hotel
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER hotel_touch_update AFTER UPDATE ON hotel
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER hotel_touch_delete AFTER DELETE ON hotel
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();

CREATE TRIGGER room_type_touch_insert AFTER INSERT ON room_type
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER room_type_touch_update AFTER UPDATE ON room_type
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER room_type_touch_delete AFTER DELETE ON room_type
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();

CREATE TRIGGER rate_plan_touch_insert AFTER INSERT ON rate_plan
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER rate_plan_touch_update AFTER UPDATE ON rate_plan
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();
CREATE TRIGGER rate_plan_touch_delete AFTER DELETE ON rate_plan
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_catalogue();

CREATE TRIGGER inventory_night_touch_insert AFTER INSERT ON inventory_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_nights();
CREATE TRIGGER inventory_night_touch_update AFTER UPDATE ON inventory_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_nights();
CREATE TRIGGER inventory_night_touch_delete AFTER DELETE ON inventory_night
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_nights();

CREATE TRIGGER rate_night_touch_insert AFTER INSERT ON rate_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rates();
CREATE TRIGGER rate_night_touch_update AFTER UPDATE ON rate_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rates();
CREATE TRIGGER rate_night_touch_delete AFTER DELETE ON rate_night
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rates();

CREATE TRIGGER restriction_night_touch_insert AFTER INSERT ON restriction_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rules();
CREATE TRIGGER restriction_night_touch_update AFTER UPDATE ON restriction_night
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rules();
CREATE TRIGGER restriction_night_touch_delete AFTER DELETE ON restriction_night
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_rules();
