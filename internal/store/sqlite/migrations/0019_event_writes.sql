-- 0019: cheaper event writes on SQLite (issue 19). A change of several
-- nights writes a touch per night here (row triggers), and so an event per
-- night, each a row in five indexes. Now a touch continuing the event just
-- written (the same subject and kind, its nights adjacent or overlapping,
-- not yet published) widens that event instead of writing another: a hold
-- of three nights writes one event, as on PostgreSQL (statement triggers).
-- The publisher still merges what this leaves (store.MergeARIEvents).
--
-- And a booking's event takes its payload from NEW, not from the view
-- booking_event_payload looked up by id: inside a trigger the view was not
-- narrowed to the row, so each event read the whole booking table, a cost
-- that grew with every booking.

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

DROP TRIGGER booking_event_insert;
DROP TRIGGER booking_event_update;
DROP VIEW booking_event_payload;

CREATE TRIGGER booking_event_insert AFTER INSERT ON booking FOR EACH ROW WHEN NEW.status <> 'pending'
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    VALUES (CASE NEW.status WHEN 'failed' THEN 'booking.failed' ELSE 'booking.created' END, NEW.hotel_id, NEW.id, json_object(
        'booking_id', coalesce(NEW.group_id, NEW.id), 'room_id', NEW.id, 'room_no', NEW.room_no,
        'confirmation_code', NEW.confirmation_code, 'status', NEW.status, 'version', NEW.version,
        'room_type_id', NEW.room_type_id, 'rate_plan', NEW.rate_plan_code,
        'arrival_date', NEW.arrival_date, 'stay_length', NEW.stay_length, 'check_out_date', NEW.check_out_date,
        'departed_on', NEW.departed_on, 'adults', NEW.adults, 'children', NEW.children,
        'total_cents', NEW.total_cents, 'currency', NEW.currency,
        'cancellation_fee_cents', NEW.cancellation_fee_cents, 'no_show_fee_cents', NEW.no_show_fee_cents));
END;

CREATE TRIGGER booking_event_update AFTER UPDATE ON booking FOR EACH ROW
    WHEN NEW.status IS NOT OLD.status OR NEW.version <> OLD.version
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    VALUES (CASE WHEN NEW.status IS OLD.status THEN 'booking.modified'
                 WHEN NEW.status = 'confirmed' THEN 'booking.created'
                 ELSE 'booking.' || NEW.status END,
            NEW.hotel_id, NEW.id, json_object(
        'booking_id', coalesce(NEW.group_id, NEW.id), 'room_id', NEW.id, 'room_no', NEW.room_no,
        'confirmation_code', NEW.confirmation_code, 'status', NEW.status, 'version', NEW.version,
        'room_type_id', NEW.room_type_id, 'rate_plan', NEW.rate_plan_code,
        'arrival_date', NEW.arrival_date, 'stay_length', NEW.stay_length, 'check_out_date', NEW.check_out_date,
        'departed_on', NEW.departed_on, 'adults', NEW.adults, 'children', NEW.children,
        'total_cents', NEW.total_cents, 'currency', NEW.currency,
        'cancellation_fee_cents', NEW.cancellation_fee_cents, 'no_show_fee_cents', NEW.no_show_fee_cents));
END;
