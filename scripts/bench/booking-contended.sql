-- pgbench script: booking.sql on one hotel-night (room type :rt of hotel :h,
-- nights :night and :night + 1), whose capacity the benchmark raised so it
-- never sells out: every transaction waits for the same rows.
BEGIN;
UPDATE inventory_night SET held = held + 1, updated_at = now()
WHERE hotel_id = :h AND room_type_id = :rt
  AND night IN (:night::date, :night::date + 1)
  AND held + blocked < capacity + allowance;
INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, children, total_cents, currency, status)
VALUES (gen_random_uuid(), upper(substr(md5(random()::text), 1, 12)), :h, :rt, 'Bench Guest',
    :night::date, 2, :night::date + 2, 2, 0, 20000, 'GBP', 'confirmed');
COMMIT;
