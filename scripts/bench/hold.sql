-- pgbench script: the transaction of CreateHold (internal/store/postgres/holds.go)
-- for a 3-night stay on a random room type of a random hotel, as
-- BenchmarkHoldUncontended makes it. Variables (pgbench -D): first (the first
-- bookable night, YYYY-MM-DD), nrt (room types; synthetic room type r belongs
-- to hotel (r-1)/4+1), span (check-in offsets 0..span). Differences from the
-- Go path: the booking id comes from gen_random_uuid() on the server, dates
-- are first + offset expressions, and the statement (holdSQL: the hold row
-- and its nights in one) returns the count of nights taken instead of the
-- rows, so that a stay that could not be taken in full rolls back, as
-- CreateHold does. Holds are not released (neither
-- does the Go benchmark until its run ends); bench-inventory.sh releases them
-- after the run.
\set rt random(1, :nrt)
\set h (:rt - 1) / 4 + 1
\set d random(0, :span)
BEGIN;
WITH h AS (
    INSERT INTO hold (booking_id, hotel_id, room_type_id, check_in, check_out, status,
        request_room_type_id, request_check_in, request_check_out)
    VALUES (gen_random_uuid(), :h, :rt, :first::date + :d::int, :first::date + :d::int + 3, 'held', :rt, :first::date + :d::int, :first::date + :d::int + 3)
    ON CONFLICT (booking_id) DO NOTHING
    RETURNING booking_id, created_at),
l AS (
    SELECT night FROM inventory_night
    WHERE hotel_id = :h AND room_type_id = :rt AND night BETWEEN :first::date + :d::int AND :first::date + :d::int + 2
      AND night = ANY(ARRAY[:first::date + :d::int, :first::date + :d::int + 1, :first::date + :d::int + 2]) AND EXISTS (SELECT FROM h)
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
\if :taken = 3
COMMIT;
\else
ROLLBACK;
\endif
