-- 0013: the terms a stay is sold on and the booking lifecycle of issue 18.
--
-- hotel.taxes: the hotel's taxes and fees, a JSON array of hotel.Tax.
-- rate_plan.policies: the plan's cancellation policy, no-show policy and
-- guarantee, a JSON object (store.PoliciesJSON; '{}' = none set).
-- A booking snapshots both in its terms (booking.terms) when it is sold.
--
-- Bookings gain two statuses — checked_in and no_show — and record when
-- the guest checked in, when the booking was cancelled and the fee that
-- applied at that moment, and the fee of a no-show.

ALTER TABLE hotel ADD COLUMN taxes TEXT NOT NULL DEFAULT '[]' CHECK (length(taxes) <= 10000);
ALTER TABLE rate_plan ADD COLUMN policies TEXT NOT NULL DEFAULT '{}' CHECK (length(policies) <= 4000);

ALTER TABLE booking
    DROP CONSTRAINT booking_status_check,
    ADD CONSTRAINT booking_status_check
        CHECK (status IN ('pending', 'confirmed', 'checked_in', 'cancelled', 'no_show', 'completed', 'failed')),
    ADD COLUMN checked_in_at          TIMESTAMPTZ,
    ADD COLUMN cancelled_at           TIMESTAMPTZ,
    ADD COLUMN cancellation_fee_cents BIGINT CHECK (cancellation_fee_cents >= 0),
    ADD COLUMN no_show_fee_cents      BIGINT CHECK (no_show_fee_cents >= 0);

-- The completion job: stays still open (confirmed or checked in) by check-out.
DROP INDEX booking_confirmed_check_out_idx;
CREATE INDEX booking_open_check_out_idx ON booking (check_out_date, id) WHERE status IN ('confirmed', 'checked_in');
-- The no-show job: confirmed stays by arrival.
CREATE INDEX booking_confirmed_arrival_idx ON booking (arrival_date, id) WHERE status = 'confirmed';
