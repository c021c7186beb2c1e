package booking

import (
	"context"
	"errors"
	"time"

	"github.com/hotelplatform/hotel"
)

// Modify applies c to a confirmed booking. A change of arrival date, stay
// length or room type moves the hold (all new nights or no change) and
// re-prices the booking; a change of guest name or party is one update.
// version, if positive, must be the booking's. Errors: ENOTFOUND, EINVALID,
// ECONFLICT (not confirmed, sold out with the nights, a concurrent change),
// EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) Modify(ctx context.Context, id string, c hotel.BookingChange, version int) (*hotel.Booking, error) {
	rows, err := s.loadRooms(ctx, id)
	if err != nil {
		return nil, err
	}
	b := rows[0]
	if err := checkVersion(b, version); err != nil {
		return nil, err
	}
	if err := mustBeConfirmed(b, "modified"); err != nil {
		return nil, err
	}
	if len(rows) > 1 {
		return nil, hotel.Errorf(hotel.ECONFLICT, "Booking %s has %d rooms, and a booking of several rooms cannot be changed in place; "+
			"cancel a room (DELETE /bookings/%s/rooms/{room_no}) and book another instead.", b.ID, len(rows), b.ID)
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
			return nil, refused([]hotel.Booking{next}, err)
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

// Cancel cancels a confirmed booking — every room of it still confirmed —
// records the fee that applies at that moment by each room's policy, and
// returns the nights. If inventory cannot be reached the booking is still
// cancelled (and returned); Recover releases the nights later, exactly
// once since a release is idempotent. Errors: ENOTFOUND, ECONFLICT (not
// confirmed, a room checked in, a concurrent change), EPRECONDITION
// (version).
func (s *Service) Cancel(ctx context.Context, id string, version int) (*hotel.Booking, error) {
	return s.change(ctx, id, 0, version, s.cancelStep(ctx))
}

// CancelRoom cancels room number room (1-based) of booking id, as Cancel
// does the booking: its fee by its own policy; the other rooms stay.
// Cancelling the last confirmed room cancels the booking. Errors:
// ENOTFOUND (no such booking or room), ECONFLICT (the room is not
// confirmed, a concurrent change), EPRECONDITION (version).
func (s *Service) CancelRoom(ctx context.Context, id string, room, version int) (*hotel.Booking, error) {
	if room < 1 {
		return nil, hotel.Errorf(hotel.ENOTFOUND, "Booking %s has no room %d.", clip(id), room)
	}
	return s.change(ctx, id, room, version, s.cancelStep(ctx))
}

// cancelStep cancels a room: the fee is the one that applies at the
// moment of cancelling, by the policy the room was sold on.
func (s *Service) cancelStep(ctx context.Context) step {
	now := s.now()
	return step{
		action: "cancelled", done: "booking cancelled",
		whole: []string{hotel.StatusConfirmed}, rooms: []string{hotel.StatusConfirmed},
		apply: func(b *hotel.Booking) error {
			loc, err := s.zone(ctx, b)
			if err != nil {
				return err
			}
			b.Status = hotel.StatusCancelled
			b.CancelledAt = now
			b.CancellationCharge = b.CancellationAt(now, loc).Fee
			return nil
		},
		logged:  func(b hotel.Booking) []any { return []any{"fee", b.CancellationCharge} },
		release: func(hotel.Booking) (hotel.HoldRelease, bool) { return hotel.HoldRelease{}, true },
	}
}

// PreviewCancellation answers what cancelling confirmed booking id now
// would cost — the sum over its rooms still confirmed — changing nothing.
// Errors: ENOTFOUND, ECONFLICT (not confirmed), EUNAVAILABLE.
func (s *Service) PreviewCancellation(ctx context.Context, id string) (*hotel.CancellationPreview, error) {
	rows, err := s.loadRooms(ctx, id)
	if err != nil {
		return nil, err
	}
	whole := hotel.CombineRooms(rows)
	if whole.Status != hotel.StatusConfirmed {
		return nil, hotel.Errorf(hotel.ECONFLICT, "Only confirmed bookings can be cancelled; booking %s is %s.", whole.ID, whole.Status)
	}
	now := s.now()
	var loc *time.Location
	var quotes []hotel.CancellationQuote
	for _, b := range rows {
		if b.Status != hotel.StatusConfirmed {
			continue
		}
		if loc, err = s.zone(ctx, &b); err != nil {
			return nil, err
		}
		quotes = append(quotes, b.CancellationAt(now, loc))
	}
	q := quotes[0]
	if len(quotes) > 1 {
		q = hotel.SumQuotes(quotes)
	}
	return &hotel.CancellationPreview{BookingID: whole.ID, AsOf: now.In(loc), Currency: whole.Currency, CancellationQuote: q}, nil
}

// CheckOut completes a stay early: from the arrival day on (hotel-local),
// each room of the booking confirmed or checked in becomes completed,
// departed today, and its nights from today on return to inventory.
// Errors: ENOTFOUND, ECONFLICT (neither confirmed nor checked in, not
// arrived yet, a concurrent change), EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) CheckOut(ctx context.Context, id string, version int) (*hotel.Booking, error) {
	open := []string{hotel.StatusConfirmed, hotel.StatusCheckedIn}
	return s.change(ctx, id, 0, version, step{
		action: "checked out", done: "booking checked out", whole: open, rooms: open,
		apply: func(b *hotel.Booking) error {
			info, err := s.hotelInfo(ctx, b.HotelID)
			if err != nil {
				return err
			}
			today := info.today(s.now())
			if today.Before(b.ArrivalDate) {
				return hotel.Errorf(hotel.ECONFLICT, "The stay of booking %s begins on %s; cancel the booking instead.", bookingOf(*b), b.ArrivalDate)
			}
			b.Status = hotel.StatusCompleted
			b.DepartedOn = today
			if b.CheckOutDate.Before(today) {
				b.DepartedOn = b.CheckOutDate
			}
			return nil
		},
		logged:  func(b hotel.Booking) []any { return []any{"departed_on", b.DepartedOn} },
		release: func(b hotel.Booking) (hotel.HoldRelease, bool) { return hotel.HoldRelease{From: b.DepartedOn}, true },
	})
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
