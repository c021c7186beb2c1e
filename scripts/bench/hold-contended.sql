-- pgbench script: what one operation of BenchmarkHoldContended does, with
-- the SQL of internal/store/postgres/holds.go: CreateHold of one night of one
-- room type (every client the same: pgbench -D h=.. -D rt=.. -D night=..),
-- then, if the hold was taken, ReleaseHold of it in a second transaction
-- (lock the hold row, return the night, mark the hold released, read it
-- back as getHold does). So the night never sells out and every operation
-- fights for the same inventory_night row. Differences from the Go path: the
-- booking id comes from gen_random_uuid() on the server, and the hold
-- statement returns the count of nights taken instead of the rows.
BEGIN;
WITH h AS (
    INSERT INTO hold (booking_id, hotel_id, room_type_id, check_in, check_out, status,
        request_room_type_id, request_check_in, request_check_out)
    VALUES (gen_random_uuid(), :h, :rt, :night::date, :night::date + 1, 'held', :rt, :night::date, :night::date + 1)
    ON CONFLICT (booking_id) DO NOTHING
    RETURNING booking_id, created_at),
l AS (
    SELECT night FROM inventory_night
    WHERE hotel_id = :h AND room_type_id = :rt AND night BETWEEN :night::date AND :night::date
      AND night = ANY(ARRAY[:night::date]) AND EXISTS (SELECT FROM h)
    ORDER BY night
    FOR NO KEY UPDATE),
u AS (
    UPDATE inventory_night n SET held = n.held + 1, updated_at = now()
    FROM l
    WHERE n.hotel_id = :h AND n.room_type_id = :rt AND n.night = l.night
      AND n.held + n.blocked < n.capacity + n.allowance
    RETURNING n.night, n.price_cents),
i AS (
    INSERT INTO hold_night (booking_id, hotel_id, room_type_id, night, price_cents)
    SELECT h.booking_id, :h, :rt, u.night, u.price_cents FROM h, u)
SELECT (SELECT booking_id FROM h) AS id, (SELECT currency FROM hotel WHERE id = :h) AS currency,
       count(u.night) AS taken, sum(u.price_cents) AS cents
FROM h LEFT JOIN u ON true \gset
\if :taken = 1
COMMIT;
BEGIN;
SELECT hotel_id, room_type_id, check_in, check_out, status FROM hold WHERE booking_id = :id FOR UPDATE;
WITH d AS (
    DELETE FROM hold_night WHERE booking_id = :id AND night <> ALL('{}'::date[])
    RETURNING hotel_id, room_type_id, night),
l AS (
    SELECT n.hotel_id, n.room_type_id, n.night
    FROM inventory_night n JOIN d ON d.hotel_id = n.hotel_id AND d.room_type_id = n.room_type_id AND d.night = n.night
    ORDER BY n.room_type_id, n.night
    FOR NO KEY UPDATE OF n)
UPDATE inventory_night n SET held = n.held - 1, updated_at = now()
FROM l
WHERE n.hotel_id = l.hotel_id AND n.room_type_id = l.room_type_id AND n.night = l.night;
UPDATE hold SET check_out = :night::date + 1, status = 'released', updated_at = now() WHERE booking_id = :id;
SELECT h.booking_id::text, h.hotel_id, h.room_type_id, h.check_in, h.check_out, h.status,
       h.created_at, h.updated_at, ho.currency,
       coalesce(array_agg(hn.night ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}'),
       coalesce(array_agg(hn.price_cents ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}')
FROM hold h
JOIN hotel ho ON ho.id = h.hotel_id
LEFT JOIN hold_night hn ON hn.booking_id = h.booking_id
WHERE h.booking_id = :id
GROUP BY h.booking_id, ho.id;
COMMIT;
\else
ROLLBACK;
\endif
