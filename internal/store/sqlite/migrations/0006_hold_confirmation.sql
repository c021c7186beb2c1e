-- 0006: a hold is taken before its booking is recorded; confirmed_at says
-- the booking service has seen the booking recorded. Holds left
-- unconfirmed past a bound are settled by the booking service's recovery
-- pass: confirmed when their booking exists, released when none does.

ALTER TABLE hold ADD COLUMN confirmed_at TEXT;

-- Every hold made before this migration had its booking recorded first.
UPDATE hold SET confirmed_at = created_at;

-- The recovery pass: unconfirmed holds, oldest first. Small: only holds in flight.
CREATE INDEX hold_unconfirmed_idx ON hold (created_at, booking_id) WHERE confirmed_at IS NULL;
