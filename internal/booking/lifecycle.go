package booking

import (
	"context"
	"errors"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// CheckIn records that the guests of booking id have arrived: from the
// arrival day (hotel-local) until the day before check-out, each room of
// it still confirmed becomes checked_in. The holds do not change.
// version, if positive, must be the booking's. Errors: ENOTFOUND,
// ECONFLICT (not confirmed, before the arrival day, after the stay, a
// concurrent change), EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) CheckIn(ctx context.Context, id string, version int) (*hotel.Booking, error) {
	now := s.now()
	return s.change(ctx, id, 0, version, step{
		action: "checked in", done: "guest checked in",
		whole: []string{hotel.StatusConfirmed, hotel.StatusCheckedIn}, rooms: []string{hotel.StatusConfirmed},
		apply: func(b *hotel.Booking) error {
			info, err := s.hotelInfo(ctx, b.HotelID)
			if err != nil {
				return err
			}
			switch today := info.today(now); {
			case today.Before(b.ArrivalDate):
				return hotel.Errorf(hotel.ECONFLICT, "The stay of booking %s begins on %s; check in from that day (hotel time).", bookingOf(*b), b.ArrivalDate)
			case !today.Before(b.CheckOutDate):
				return hotel.Errorf(hotel.ECONFLICT, "The stay of booking %s ended on %s; it can no longer be checked in.", bookingOf(*b), b.CheckOutDate)
			}
			b.Status = hotel.StatusCheckedIn
			b.CheckedInAt = now
			return nil
		},
		release: noRelease,
	})
}

// MarkNoShow marks confirmed booking b, whose guest did not check in by
// the no-show time (the scheduler's mark-no-shows decides when), a
// no-show: it records the no-show fee of the policy the stay was sold on
// and, when that policy gives the later nights back, releases every night
// after the first (DepartedOn becomes the second night). The update is
// conditional on b.Version, so of two schedulers marking the same booking
// one does it and the other gets false. A release that fails leaves the
// booking marked for Recover.
func (s *Service) MarkNoShow(ctx context.Context, b hotel.Booking) (bool, error) {
	if b.Status != hotel.StatusConfirmed || b.SyncPending {
		return false, nil // checked in, changed, or a change settling: not (yet) a no-show
	}
	var policy hotel.NoShowPolicy
	if b.Terms != nil {
		policy = b.Terms.RatePlan.NoShow
	}
	b.Status = hotel.StatusNoShow
	b.NoShowFee = policy.FeeOf(b.NightlyPrices, hotel.MinorUnit(b.Currency))
	released := policy.Released(b.NightlyPrices)
	if len(released) > 0 {
		b.DepartedOn = released[0]
		b.SyncPending = true
	}
	if err := s.update(ctx, &b, false); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return false, nil // changed meanwhile: checked in, cancelled, or marked elsewhere
		}
		return false, storeError(err, b.ID)
	}
	s.log.InfoContext(ctx, "booking marked a no-show", "booking_id", b.ID, "fee", b.NoShowFee, "released_nights", len(released))
	if len(released) > 0 {
		s.settle(ctx, &b, hotel.HoldRelease{From: b.DepartedOn})
	}
	return true, nil
}
