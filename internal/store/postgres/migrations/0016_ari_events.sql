-- 0016: ARI and catalogue events (issue 19). Every touch the triggers of
-- migration 0012 write — one per statement, hotel and room type changed,
-- with the first and last night changed — writes an event too, in the same
-- transaction: ari.changed (what: availability, rates or restrictions, over
-- first_night…last_night) or hotel.changed (the hotel, its room types or
-- rate plans). Its subject is the hotel ("hotel/111") or the room type
-- ("hotel/111/room-type/2"); the publisher numbers it as any other event.

CREATE FUNCTION ari_touch_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event (type, hotel_id, subject, payload)
    SELECT CASE t.kind WHEN 'catalogue' THEN 'hotel.changed' ELSE 'ari.changed' END, t.hotel_id,
           'hotel/' || t.hotel_id || CASE WHEN t.room_type_id = 0 THEN '' ELSE '/room-type/' || t.room_type_id END,
           json_build_object('what', CASE t.kind WHEN 'nights' THEN 'availability' WHEN 'rules' THEN 'restrictions' ELSE t.kind END,
               'room_type_id', nullif(t.room_type_id, 0), 'first_night', t.first_night, 'last_night', t.last_night)::text
    FROM new_touches t ORDER BY t.id;
    RETURN NULL;
END $$;

CREATE TRIGGER ari_touch_event AFTER INSERT ON ari_touch
    REFERENCING NEW TABLE AS new_touches FOR EACH STATEMENT EXECUTE FUNCTION ari_touch_event();

-- How far the events have been pruned: EventGaps compares only the booking
-- rows created after it, whose every event is still kept.
CREATE TABLE event_horizon (
    id            INTEGER     PRIMARY KEY CHECK (id = 1),
    pruned_before TIMESTAMPTZ NOT NULL
);
