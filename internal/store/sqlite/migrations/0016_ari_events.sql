-- 0016: ARI and catalogue events (issue 19); see the PostgreSQL migration
-- of the same number. Every touch (one per changed row here) writes an
-- event, and from now on events are written unpublished, as on
-- PostgreSQL: the publisher (store.Events.PublishEvents, in one write
-- transaction) gives them, in id order — commit order, with one writer at
-- a time — their positions and sequence numbers, and first merges each
-- run of ari.changed events of one subject and kind over adjacent nights
-- into one event (a hold of three nights writes three touches here).

DROP TRIGGER booking_event_insert;
DROP TRIGGER booking_event_update;

CREATE INDEX event_unpublished_idx ON event (id) WHERE pos IS NULL;

CREATE TRIGGER booking_event_insert AFTER INSERT ON booking FOR EACH ROW WHEN NEW.status <> 'pending'
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    SELECT CASE NEW.status WHEN 'failed' THEN 'booking.failed' ELSE 'booking.created' END, NEW.hotel_id, NEW.id, payload
    FROM booking_event_payload WHERE id = NEW.id;
END;

CREATE TRIGGER booking_event_update AFTER UPDATE ON booking FOR EACH ROW
    WHEN NEW.status IS NOT OLD.status OR NEW.version <> OLD.version
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    SELECT CASE WHEN NEW.status IS OLD.status THEN 'booking.modified'
                WHEN NEW.status = 'confirmed' THEN 'booking.created'
                ELSE 'booking.' || NEW.status END,
           NEW.hotel_id, NEW.id, payload
    FROM booking_event_payload WHERE id = NEW.id;
END;

CREATE TRIGGER ari_touch_event AFTER INSERT ON ari_touch FOR EACH ROW
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    VALUES (CASE NEW.kind WHEN 'catalogue' THEN 'hotel.changed' ELSE 'ari.changed' END, NEW.hotel_id,
            'hotel/' || NEW.hotel_id || CASE WHEN NEW.room_type_id = 0 THEN '' ELSE '/room-type/' || NEW.room_type_id END,
            json_object('what', CASE NEW.kind WHEN 'nights' THEN 'availability' WHEN 'rules' THEN 'restrictions' ELSE NEW.kind END,
                'room_type_id', nullif(NEW.room_type_id, 0), 'first_night', NEW.first_night, 'last_night', NEW.last_night));
END;

-- How far the events have been pruned: EventGaps compares only the booking
-- rows created after it, whose every event is still kept.
CREATE TABLE event_horizon (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_before TEXT    NOT NULL
) STRICT;
