-- 0007: money as integer minor units (cents), under the column names the
-- SQLite schema has used since 0001, so both drivers share one schema shape:
-- NUMERIC(12,2) price → BIGINT price_cents, total_price → total_cents. The
-- conversion is exact (two decimals × 100). It rewrites the four tables
-- under an ACCESS EXCLUSIVE lock: run it in a quiet moment on a big catalogue.

ALTER TABLE inventory_night RENAME COLUMN price TO price_cents;
ALTER TABLE inventory_night ALTER COLUMN price_cents TYPE BIGINT USING (price_cents * 100)::bigint;
ALTER TABLE inventory_night RENAME CONSTRAINT inventory_night_price_check TO inventory_night_price_cents_check;

ALTER TABLE booking RENAME COLUMN total_price TO total_cents;
ALTER TABLE booking ALTER COLUMN total_cents TYPE BIGINT USING (total_cents * 100)::bigint;
ALTER TABLE booking RENAME CONSTRAINT booking_total_price_check TO booking_total_cents_check;

ALTER TABLE booking_night RENAME COLUMN price TO price_cents;
ALTER TABLE booking_night ALTER COLUMN price_cents TYPE BIGINT USING (price_cents * 100)::bigint;
ALTER TABLE booking_night RENAME CONSTRAINT booking_night_price_check TO booking_night_price_cents_check;

ALTER TABLE hold_night RENAME COLUMN price TO price_cents;
ALTER TABLE hold_night ALTER COLUMN price_cents TYPE BIGINT USING (price_cents * 100)::bigint;
ALTER TABLE hold_night RENAME CONSTRAINT hold_night_price_check TO hold_night_price_cents_check;
