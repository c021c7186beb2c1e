-- pgbench script: the booking SQL of the issue's ceiling — one transaction,
-- a 2-night conditional update of inventory plus the insert of the booking
-- row — for a random "Standard Rooms" or "Deluxe Rooms" room type (synthetic
-- room type r belongs to hotel (r-1)/4+1, the first two of each hotel) and
-- check-in first + 0..span. Variables (pgbench -D): first, span, nhotels.
-- Contended (booking-contended.sql): every transaction on one hotel-night.
\set h random(1, :nhotels)
\set rt (:h - 1) * 4 + random(1, 2)
\set d random(0, :span)
BEGIN;
UPDATE inventory_night SET held = held + 1, updated_at = now()
WHERE hotel_id = :h AND room_type_id = :rt
  AND night IN (:first::date + :d::int, :first::date + :d::int + 1)
  AND held + blocked < capacity + allowance;
INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, children, total_cents, currency, status)
VALUES (gen_random_uuid(), upper(substr(md5(random()::text), 1, 12)), :h, :rt, 'Bench Guest',
    :first::date + :d::int, 2, :first::date + :d::int + 2, 2, 0, 20000, 'GBP', 'confirmed');
COMMIT;
