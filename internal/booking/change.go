package booking

import (
	"context"
	"errors"

	"github.com/hotelplatform/hotel"
)

// Modify applies c to a confirmed booking. A change of arrival date, stay
// length or room type moves the hold (all new nights or no change) and
// re-prices the booking; a change of guest name or party is one update.
// version, if positive, must be the booking's. Errors: ENOTFOUND, EINVALID,
// ECONFLICT (not confirmed, sold out with the nights, a concurrent change),
// EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) Modify(ctx context.Context, id string, c hotel.BookingChange, version int) (*hotel.Booking, error) {
	b, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(b, version); err != nil {
		return nil, err
	}
	if err := mustBeConfirmed(b, "modified"); err != nil {
		return nil, err
	}
	if c == (hotel.BookingChange{}) {
		return s.shown(ctx, b), nil // nothing to change: no new version
	}
	next := b
	apply(&next, c)
	var v hotel.Validation
	info, err := s.check(ctx, &v, &next, c.ArrivalDate != nil && *c.ArrivalDate != b.ArrivalDate)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if next.RoomTypeID != b.RoomTypeID && c.RatePlan == nil {
		next.RatePlan = "" // another room type: its default plan
	}
	// A new party is priced again before the stay begins; once it has
	// begun the party may still change (someone leaves early, say) but the
	// nights keep the prices and terms they were sold at for the party
	// that arrived (terms.party).
	begun := b.ArrivalDate.Before(info.today(s.now()))
	moved := next.ArrivalDate != b.ArrivalDate || next.StayLength != b.StayLength || next.RoomTypeID != b.RoomTypeID ||
		next.RatePlan != b.RatePlan || !begun && party(next).Key() != party(b).Key()
	if !moved {
		if err := s.update(ctx, &next, false); err != nil {
			return nil, changed(b.ID, version, err)
		}
		return s.shown(ctx, next), nil
	}
	if begun {
		return nil, hotel.Errorf(hotel.ECONFLICT, "The stay of booking %s has begun; its dates, room type and rate plan can no longer change (check out instead).", b.ID)
	}

	// Claim the booking by marking it (a concurrent change, which expects
	// no mark, loses; the version stays, as nothing has changed yet): from
	// here until the last update the hold may not match the row.
	if err := s.mark(ctx, &b, true); err != nil {
		return nil, changed(b.ID, version, err)
	}
	ctx = context.WithoutCancel(ctx)
	var h *hotel.Hold
	err = s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.MoveHold(ctx, b.ID, hotel.HoldMove{RoomTypeID: next.RoomTypeID, CheckIn: next.ArrivalDate, CheckOut: next.CheckOutDate,
			RatePlan: next.RatePlan, Adults: next.Adults, ChildAges: party(next).ChildAges})
		return err
	})
	switch hotel.ErrorCode(err) {
	case "":
	case hotel.EUNAVAILABLE:
		// The hold may have moved or not: Recover moves it back to the
		// stay the row still has.
		s.log.WarnContext(ctx, "hold move not confirmed; left for recovery", "booking_id", b.ID, "err", err)
		return nil, unavailable(err)
	default:
		// Refused (sold out, a rule of the plan, a plan the room type does
		// not have): the hold is where it was, as is the booking, version
		// included.
		s.clearSync(ctx, &b)
		if code := hotel.ErrorCode(err); code == hotel.ECONFLICT || code == hotel.EINVALID {
			return nil, refused(next, err)
		}
		return nil, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: err}
	}
	next.Version = b.Version
	next.SyncPending = false
	next.PriceBy(h)
	if c.RatePlan != nil {
		named(&next, next.RatePlan)
	}
	if err := s.update(ctx, &next, true); err != nil {
		// The hold has moved but the row has not: Recover moves it back.
		s.log.WarnContext(ctx, "booking not updated after its hold moved; left for recovery", "booking_id", b.ID, "err", err)
		return nil, storeError(err, b.ID)
	}
	s.log.InfoContext(ctx, "booking moved", "booking_id", b.ID, "nights", len(next.NightlyPrices))
	return s.shown(ctx, next), nil
}

// apply sets the fields c carries on b.
func apply(b *hotel.Booking, c hotel.BookingChange) {
	if c.GuestName != nil {
		b.GuestName = *c.GuestName
	}
	if c.ArrivalDate != nil {
		b.ArrivalDate = *c.ArrivalDate
	}
	if c.StayLength != nil {
		b.StayLength = *c.StayLength
	}
	if c.RoomType != nil {
		b.RoomType = *c.RoomType
	}
	if c.Adults != nil {
		b.Adults = *c.Adults
	}
	if c.Children != nil {
		if *c.Children != b.Children && c.ChildAges == nil {
			b.ChildAges = nil // other children: their ages are not known
		}
		b.Children = *c.Children
	}
	if c.ChildAges != nil {
		b.ChildAges = *c.ChildAges
		if c.Children == nil {
			b.Children = len(b.ChildAges)
		}
	}
	if c.RatePlan != nil {
		b.RatePlan = *c.RatePlan
	}
}

// Cancel cancels a confirmed booking and returns its nights. If inventory
// cannot be reached the booking is still cancelled (and returned); Recover
// releases the nights later, exactly once since a release is idempotent.
// Errors: ENOTFOUND, ECONFLICT (not confirmed, a concurrent change),
// EPRECONDITION (version).
func (s *Service) Cancel(ctx context.Context, id string, version int) (*hotel.Booking, error) {
	b, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(b, version); err != nil {
		return nil, err
	}
	if err := mustBeConfirmed(b, "cancelled"); err != nil {
		return nil, err
	}
	// The fee is the one that applies at the moment of cancelling, by the
	// policy the booking was sold on.
	loc, err := s.zone(ctx, &b)
	if err != nil {
		return nil, err
	}
	now := s.now()
	b.Status = hotel.StatusCancelled
	b.CancelledAt = now
	b.CancellationCharge = b.CancellationAt(now, loc).Fee
	b.SyncPending = true
	if err := s.update(ctx, &b, false); err != nil {
		return nil, changed(b.ID, version, err)
	}
	s.log.InfoContext(ctx, "booking cancelled", "booking_id", b.ID, "fee", b.CancellationCharge)
	s.settle(ctx, &b, hotel.HoldRelease{})
	return s.shown(ctx, b), nil
}

// PreviewCancellation answers what cancelling confirmed booking id now
// would cost, changing nothing. Errors: ENOTFOUND, ECONFLICT (not
// confirmed), EUNAVAILABLE.
func (s *Service) PreviewCancellation(ctx context.Context, id string) (*hotel.CancellationPreview, error) {
	b, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != hotel.StatusConfirmed {
		return nil, hotel.Errorf(hotel.ECONFLICT, "Only confirmed bookings can be cancelled; booking %s is %s.", b.ID, b.Status)
	}
	loc, err := s.zone(ctx, &b)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return &hotel.CancellationPreview{BookingID: b.ID, AsOf: now.In(loc), Currency: b.Currency,
		CancellationQuote: b.CancellationAt(now, loc)}, nil
}

// CheckOut completes a stay early: from the arrival day on (hotel-local),
// a confirmed or checked-in booking becomes completed, departed today, and
// the nights from today on return to inventory. Errors: ENOTFOUND,
// ECONFLICT (neither confirmed nor checked in, not
// arrived yet, a concurrent change), EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) CheckOut(ctx context.Context, id string, version int) (*hotel.Booking, error) {
	b, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(b, version); err != nil {
		return nil, err
	}
	if err := mustBeOpen(b, "checked out"); err != nil {
		return nil, err
	}
	info, err := s.hotelInfo(ctx, b.HotelID)
	if err != nil {
		return nil, err
	}
	today := info.today(s.now())
	if today.Before(b.ArrivalDate) {
		return nil, hotel.Errorf(hotel.ECONFLICT, "The stay of booking %s begins on %s; cancel the booking instead.", b.ID, b.ArrivalDate)
	}
	b.Status = hotel.StatusCompleted
	b.DepartedOn = today
	if b.CheckOutDate.Before(today) {
		b.DepartedOn = b.CheckOutDate
	}
	b.SyncPending = true
	if err := s.update(ctx, &b, false); err != nil {
		return nil, changed(b.ID, version, err)
	}
	s.log.InfoContext(ctx, "booking checked out", "booking_id", b.ID, "departed_on", b.DepartedOn)
	s.settle(ctx, &b, hotel.HoldRelease{From: b.DepartedOn})
	return s.shown(ctx, b), nil
}

// settle returns b's nights (r) to inventory and clears SyncPending. A
// failure is logged and leaves SyncPending set, for Recover to finish.
func (s *Service) settle(ctx context.Context, b *hotel.Booking, r hotel.HoldRelease) bool {
	ctx = context.WithoutCancel(ctx)
	if err := s.releaseHold(ctx, b.ID, r); err != nil {
		s.log.WarnContext(ctx, "nights not released; left for recovery", "booking_id", b.ID, "err", err)
		return false
	}
	return s.clearSync(ctx, b)
}

// releaseHold releases nights of a booking's hold; no hold is no error.
func (s *Service) releaseHold(ctx context.Context, id string, r hotel.HoldRelease) error {
	err := s.call(ctx, func(ctx context.Context) error {
		_, err := s.inv.ReleaseHold(ctx, id, r)
		return err
	})
	if hotel.ErrorCode(err) == hotel.ENOTFOUND {
		return nil
	}
	return err
}

// clearSync records that b's hold matches it, without a new version. On
// failure b keeps its mark and Recover will try again.
func (s *Service) clearSync(ctx context.Context, b *hotel.Booking) bool {
	next := *b
	if err := s.mark(ctx, &next, false); err != nil {
		if !errors.Is(err, context.Canceled) {
			s.log.WarnContext(ctx, "could not clear sync flag; left for recovery", "booking_id", b.ID, "err", err)
		}
		return false
	}
	*b = next
	return true
}
