-- 0012: the feed of ARI changes (store.ARIFeed); see the PostgreSQL
-- migration of the same number. SQLite has no statement-level triggers:
-- each changed row writes a touch of its own night. Ids are AUTOINCREMENT,
-- never reused (not even after the newest touches are pruned), and, with
-- one writer at a time, assigned in commit order: a reader takes the
-- touches after the last id it read.

CREATE TABLE ari_touch (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL CHECK (kind IN ('nights', 'rates', 'rules', 'catalogue')),
    hotel_id     INTEGER NOT NULL,
    room_type_id INTEGER NOT NULL DEFAULT 0,
    first_night  TEXT    CHECK (first_night = date(first_night)),
    last_night   TEXT    CHECK (last_night = date(last_night)),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ari_touch_range CHECK ((kind = 'catalogue') = (first_night IS NULL)
        AND (first_night IS NULL) = (last_night IS NULL) AND first_night <= last_night)
) STRICT;

-- Load writes whole hotels: the catalogue touch of each hotel it inserts
-- covers every row it writes, and it pauses the touches of each night,
-- price and restriction with a row here, inserted and deleted in its
-- transaction (so no other connection ever sees one).
CREATE TABLE ari_touch_pause (
    paused INTEGER NOT NULL PRIMARY KEY CHECK (paused = 1)
) STRICT;

-- The hotel itself, its room types or rate plans: a catalogue touch.
CREATE TRIGGER hotel_touch_insert AFTER INSERT ON hotel FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.id);
END;
CREATE TRIGGER hotel_touch_update AFTER UPDATE ON hotel FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.id);
END;
CREATE TRIGGER hotel_touch_delete AFTER DELETE ON hotel FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', OLD.id);
END;

CREATE TRIGGER room_type_touch_insert AFTER INSERT ON room_type FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.hotel_id);
END;
CREATE TRIGGER room_type_touch_update AFTER UPDATE ON room_type FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.hotel_id);
END;
CREATE TRIGGER room_type_touch_delete AFTER DELETE ON room_type FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', OLD.hotel_id);
END;
CREATE TRIGGER rate_plan_touch_insert AFTER INSERT ON rate_plan FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.hotel_id);
END;
CREATE TRIGGER rate_plan_touch_update AFTER UPDATE ON rate_plan FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', NEW.hotel_id);
END;
CREATE TRIGGER rate_plan_touch_delete AFTER DELETE ON rate_plan FOR EACH ROW
BEGIN
    INSERT INTO ari_touch (kind, hotel_id) VALUES ('catalogue', OLD.hotel_id);
END;

-- inventory_night: the night of the room type.
CREATE TRIGGER inventory_night_touch_insert AFTER INSERT ON inventory_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('nights', NEW.hotel_id, NEW.room_type_id, NEW.night, NEW.night);
END;
CREATE TRIGGER inventory_night_touch_update AFTER UPDATE ON inventory_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('nights', NEW.hotel_id, NEW.room_type_id, NEW.night, NEW.night);
END;
CREATE TRIGGER inventory_night_touch_delete AFTER DELETE ON inventory_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('nights', OLD.hotel_id, OLD.room_type_id, OLD.night, OLD.night);
END;

-- rate_night: the base-plan prices of the hotel (every plan, room type 0).
CREATE TRIGGER rate_night_touch_insert AFTER INSERT ON rate_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, first_night, last_night)
    VALUES ('rates', NEW.hotel_id, NEW.night, NEW.night);
END;
CREATE TRIGGER rate_night_touch_update AFTER UPDATE ON rate_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, first_night, last_night)
    VALUES ('rates', NEW.hotel_id, NEW.night, NEW.night);
END;
CREATE TRIGGER rate_night_touch_delete AFTER DELETE ON rate_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, first_night, last_night)
    VALUES ('rates', OLD.hotel_id, OLD.night, OLD.night);
END;

-- restriction_night: the restrictions of the room type.
CREATE TRIGGER restriction_night_touch_insert AFTER INSERT ON restriction_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('rules', NEW.hotel_id, NEW.room_type_id, NEW.night, NEW.night);
END;
CREATE TRIGGER restriction_night_touch_update AFTER UPDATE ON restriction_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('rules', NEW.hotel_id, NEW.room_type_id, NEW.night, NEW.night);
END;
CREATE TRIGGER restriction_night_touch_delete AFTER DELETE ON restriction_night FOR EACH ROW
    WHEN NOT EXISTS (SELECT 1 FROM ari_touch_pause)
BEGIN
    INSERT INTO ari_touch (kind, hotel_id, room_type_id, first_night, last_night)
    VALUES ('rules', OLD.hotel_id, OLD.room_type_id, OLD.night, OLD.night);
END;
