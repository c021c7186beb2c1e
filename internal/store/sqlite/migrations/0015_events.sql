-- 0015: the event outbox (issue 19); see the PostgreSQL migration of the
-- same number. With one writer at a time, an event is published as it is
-- written: its feed position (pos) and its subject's next sequence number
-- are read and set by the trigger that writes it, in commit order.

CREATE TABLE event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pos         INTEGER UNIQUE,
    type        TEXT    NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
    hotel_id    INTEGER NOT NULL,
    subject     TEXT    NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
    subject_seq INTEGER,
    payload     TEXT    NOT NULL CHECK (length(payload) <= 10000),
    occurred_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT event_published CHECK ((pos IS NULL) = (subject_seq IS NULL))
) STRICT;
CREATE INDEX event_subject_idx ON event (subject, subject_seq);
CREATE INDEX event_occurred_idx ON event (occurred_at);

-- The payload of a booking row's event (no guest name): a view, so both
-- triggers build it in one place.
CREATE VIEW booking_event_payload AS
SELECT id, json_object(
    'booking_id', coalesce(group_id, id), 'room_id', id, 'room_no', room_no,
    'confirmation_code', confirmation_code, 'status', status, 'version', version,
    'room_type_id', room_type_id, 'rate_plan', rate_plan_code,
    'arrival_date', arrival_date, 'stay_length', stay_length, 'check_out_date', check_out_date,
    'departed_on', departed_on, 'adults', adults, 'children', children,
    'total_cents', total_cents, 'currency', currency,
    'cancellation_fee_cents', cancellation_fee_cents, 'no_show_fee_cents', no_show_fee_cents) AS payload
FROM booking;

-- A booking inserted: created, or failed (a pending row, of an earlier
-- version's saga, is none until it is settled).
CREATE TRIGGER booking_event_insert AFTER INSERT ON booking FOR EACH ROW WHEN NEW.status <> 'pending'
BEGIN
    INSERT INTO event (pos, type, hotel_id, subject, subject_seq, payload)
    SELECT (SELECT coalesce(max(pos), 0) + 1 FROM event),
           CASE NEW.status WHEN 'failed' THEN 'booking.failed' ELSE 'booking.created' END,
           NEW.hotel_id, NEW.id,
           (SELECT coalesce(max(subject_seq), 0) + 1 FROM event WHERE subject = NEW.id),
           payload
    FROM booking_event_payload WHERE id = NEW.id;
END;

-- A booking changed: its new status, or (the status unchanged, a new
-- version) modified. The sync mark alone (no new version) is none.
CREATE TRIGGER booking_event_update AFTER UPDATE ON booking FOR EACH ROW
    WHEN NEW.status IS NOT OLD.status OR NEW.version <> OLD.version
BEGIN
    INSERT INTO event (pos, type, hotel_id, subject, subject_seq, payload)
    SELECT (SELECT coalesce(max(pos), 0) + 1 FROM event),
           CASE WHEN NEW.status IS OLD.status THEN 'booking.modified'
                WHEN NEW.status = 'confirmed' THEN 'booking.created'
                ELSE 'booking.' || NEW.status END,
           NEW.hotel_id, NEW.id,
           (SELECT coalesce(max(subject_seq), 0) + 1 FROM event WHERE subject = NEW.id),
           payload
    FROM booking_event_payload WHERE id = NEW.id;
END;
