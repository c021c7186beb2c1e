-- 0015: the event outbox (issue 19). Every committed change of a booking
-- row writes its event in the change's own transaction, by the trigger
-- below: no event without its change, no change without its event.
--
-- id is the order events are written in, not the order they commit, so
-- the feed does not read by id. The publisher (store.Events.PublishEvents,
-- one at a time under an advisory lock) gives every committed event it
-- sees, in id order, the next feed position (pos, gapless) and the next
-- sequence number of its subject (subject_seq): an event committed later
-- gets a later position, so a reader resuming after position p misses
-- nothing. Two changes of one booking row are serialized by the row's lock
-- (the second writes its event after the first committed), so they keep
-- their order in the feed and in subject_seq.

CREATE TABLE event (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pos         BIGINT      UNIQUE,
    type        TEXT        NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
    hotel_id    BIGINT      NOT NULL,
    subject     TEXT        NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
    subject_seq BIGINT,
    payload     TEXT        NOT NULL CHECK (length(payload) <= 10000),
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_published CHECK ((pos IS NULL) = (subject_seq IS NULL))
);
CREATE INDEX event_unpublished_idx ON event (id) WHERE pos IS NULL;
CREATE INDEX event_subject_idx ON event (subject, subject_seq);
CREATE INDEX event_occurred_idx ON event (occurred_at);

-- A booking row's change: created (inserted confirmed, or confirmed after
-- pending), failed, cancelled, checked in, a no-show, completed — or,
-- its status unchanged, modified (a new version: dates, room, party, guest
-- erased). A change of the sync mark alone (no new version) is none. The
-- payload carries no guest name.
CREATE FUNCTION booking_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        t := CASE NEW.status WHEN 'pending' THEN NULL WHEN 'failed' THEN 'booking.failed' ELSE 'booking.created' END;
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        t := CASE NEW.status
            WHEN 'confirmed' THEN 'booking.created'
            WHEN 'checked_in' THEN 'booking.checked_in'
            WHEN 'no_show' THEN 'booking.no_show'
            ELSE 'booking.' || NEW.status END;
    ELSIF NEW.version <> OLD.version THEN
        t := 'booking.modified';
    END IF;
    IF t IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO event (type, hotel_id, subject, payload)
    VALUES (t, NEW.hotel_id, NEW.id::text, json_build_object(
        'booking_id', coalesce(NEW.group_id, NEW.id)::text, 'room_id', NEW.id::text, 'room_no', NEW.room_no,
        'confirmation_code', NEW.confirmation_code, 'status', NEW.status, 'version', NEW.version,
        'room_type_id', NEW.room_type_id, 'rate_plan', NEW.rate_plan_code,
        'arrival_date', NEW.arrival_date, 'stay_length', NEW.stay_length, 'check_out_date', NEW.check_out_date,
        'departed_on', NEW.departed_on, 'adults', NEW.adults, 'children', NEW.children,
        'total_cents', NEW.total_cents, 'currency', NEW.currency,
        'cancellation_fee_cents', NEW.cancellation_fee_cents, 'no_show_fee_cents', NEW.no_show_fee_cents)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER booking_event AFTER INSERT OR UPDATE ON booking
    FOR EACH ROW EXECUTE FUNCTION booking_event();
