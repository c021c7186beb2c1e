-- 0019: cheaper event writes on SQLite (issue 19). A change of several
-- nights writes a touch per night here (row triggers), and so an event per
-- night, each a row in five indexes. Now a touch continuing the event just
-- written (the same subject and kind, its nights adjacent or overlapping,
-- not yet published) widens that event instead of writing another: a hold
-- of three nights writes one event, as on PostgreSQL (statement triggers).
-- The publisher still merges what this leaves (store.MergeARIEvents).

DROP TRIGGER ari_touch_event;

CREATE TRIGGER ari_touch_event AFTER INSERT ON ari_touch FOR EACH ROW
BEGIN
    UPDATE event SET payload = json_set(payload,
            '$.first_night', min(payload ->> '$.first_night', NEW.first_night),
            '$.last_night', max(payload ->> '$.last_night', NEW.last_night))
    WHERE id = (SELECT max(id) FROM event) AND pos IS NULL AND type = 'ari.changed' AND NEW.kind <> 'catalogue'
      AND subject = 'hotel/' || NEW.hotel_id || CASE WHEN NEW.room_type_id = 0 THEN '' ELSE '/room-type/' || NEW.room_type_id END
      AND payload ->> '$.what' = CASE NEW.kind WHEN 'nights' THEN 'availability' WHEN 'rules' THEN 'restrictions' ELSE NEW.kind END
      AND NEW.first_night <= date(payload ->> '$.last_night', '+1 day')
      AND NEW.last_night >= date(payload ->> '$.first_night', '-1 day');
    INSERT INTO event (type, hotel_id, subject, payload)
    SELECT CASE NEW.kind WHEN 'catalogue' THEN 'hotel.changed' ELSE 'ari.changed' END, NEW.hotel_id,
           'hotel/' || NEW.hotel_id || CASE WHEN NEW.room_type_id = 0 THEN '' ELSE '/room-type/' || NEW.room_type_id END,
           json_object('what', CASE NEW.kind WHEN 'nights' THEN 'availability' WHEN 'rules' THEN 'restrictions' ELSE NEW.kind END,
               'room_type_id', nullif(NEW.room_type_id, 0), 'first_night', NEW.first_night, 'last_night', NEW.last_night)
    WHERE changes() = 0;
END;
