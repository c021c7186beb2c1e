package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The hold methods take no "past" rule: the booking service decides which
// stays may be sold; holds only guarantee the rooms. A stay may have up to
// hotel.MaxRangeDays nights (the longest calendar range), so any stay the
// booking service accepts can be held.

// CreateHold holds one room on every night of the stay, or none.
func (s *Service) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	if err := CheckBookingID(req.BookingID); err != nil {
		return nil, false, err
	}
	var v hotel.Validation
	requiredID(&v, "hotel_id", req.HotelID)
	requiredID(&v, "room_type_id", req.RoomTypeID)
	checkStay(&v, req.CheckIn, req.CheckOut, hotel.MaxRangeDays)
	checkHoldTerms(&v, &req.RatePlan, req.Adults, req.ChildAges)
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	// The store refuses an unknown hotel or room type itself; they are
	// looked up only to explain a refusal, so a hold that succeeds costs
	// one transaction and no reads besides the ARI its Price reads.
	req.At = s.now()
	if !req.Restore {
		req.Price = holdPrice(req, req.At)
	}
	h, created, err := s.store.CreateHold(ctx, req)
	var he *hotel.Error
	if errors.As(err, &he) {
		return nil, false, err // refused by the plan's rules
	}
	if err != nil {
		if isPlainConflict(err) {
			return nil, false, &hotel.Error{Code: hotel.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"Booking %s already holds rooms for a different request; a booking id holds one request only.", req.BookingID)}
		}
		if !isNights(err) && !errors.Is(err, store.ErrNotFound) {
			return nil, false, storeError(err, "create hold")
		}
		if _, err := s.store.GetHotel(ctx, req.HotelID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, false, hotelInvalid("hotel_id")
			}
			return nil, false, storeError(err, "hold hotel")
		}
		rt, rerr := s.bodyRoomType(ctx, req.HotelID, req.RoomTypeID)
		if rerr != nil {
			return nil, false, rerr
		}
		return nil, false, HoldError(err, rt.Name)
	}
	return &h, created, nil
}

// HoldError is the error of a hold of room type roomType the store refused
// with err (see store.Inventory.CreateHold): ECONFLICT naming the sold-out
// nights, EINVALID naming nights without inventory.
func HoldError(err error, roomType string) error {
	return nightsFault(err, soldOut(roomType), roomType, "check_in", "create hold")
}

// GetHold returns the hold of a booking. Errors: EINVALID, ENOTFOUND.
func (s *Service) GetHold(ctx context.Context, bookingID string) (*hotel.Hold, error) {
	if err := CheckBookingID(bookingID); err != nil {
		return nil, err
	}
	h, err := s.store.GetHold(ctx, bookingID)
	if err != nil {
		return nil, storeError(err, holdName(bookingID))
	}
	return &h, nil
}

// MoveHold moves a hold to m's stay and room type (zero RoomTypeID keeps
// the hold's room type) in one transaction.
func (s *Service) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (*hotel.Hold, error) {
	if err := CheckBookingID(bookingID); err != nil {
		return nil, err
	}
	var v hotel.Validation
	checkID(&v, "room_type_id", m.RoomTypeID)
	checkStay(&v, m.CheckIn, m.CheckOut, hotel.MaxRangeDays)
	checkHoldTerms(&v, &m.RatePlan, m.Adults, m.ChildAges)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cur, err := s.store.GetHold(ctx, bookingID)
	if err != nil {
		return nil, storeError(err, holdName(bookingID))
	}
	if m.RoomTypeID == 0 {
		m.RoomTypeID = cur.RoomTypeID
	}
	rt, err := s.bodyRoomType(ctx, cur.HotelID, m.RoomTypeID)
	if err != nil {
		return nil, err
	}
	m.At = s.now()
	if !m.Restore {
		m.Price = movePrice(m, m.At)
	}
	h, err := s.store.MoveHold(ctx, bookingID, m)
	var he *hotel.Error
	if errors.As(err, &he) {
		return nil, err // refused by the plan's rules
	}
	if err != nil {
		if isPlainConflict(err) {
			return nil, &hotel.Error{Code: hotel.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"The hold of booking %s is released; a released hold cannot move.", bookingID)}
		}
		if errors.Is(err, store.ErrNotFound) && !isNights(err) {
			return nil, storeError(err, holdName(bookingID))
		}
		return nil, nightsFault(err, soldOut(rt.Name), rt.Name, "check_in", "move hold")
	}
	return &h, nil
}

// ReleaseHold returns a hold's nights (from r.From on, or all) to inventory.
func (s *Service) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (*hotel.Hold, error) {
	if err := CheckBookingID(bookingID); err != nil {
		return nil, err
	}
	if !r.From.IsZero() && !onWire(r.From) {
		var v hotel.Validation
		v.Add("from", "must be a date from year 1 to 9999")
		return nil, v.Err()
	}
	r.At = s.now()
	h, err := s.store.ReleaseHold(ctx, bookingID, r)
	if err != nil {
		return nil, storeError(err, holdName(bookingID))
	}
	return &h, nil
}

// UnconfirmedHolds lists holds made before before and not confirmed since.
func (s *Service) UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]hotel.Hold, error) {
	if limit < 1 || limit > hotel.MaxHoldBatch {
		var v hotel.Validation
		v.Add("limit", fmt.Sprintf("must be between 1 and %d", hotel.MaxHoldBatch))
		return nil, v.Err()
	}
	hs, err := s.store.UnconfirmedHolds(ctx, before, limit)
	if err != nil {
		return nil, storeError(err, "unconfirmed holds")
	}
	return hs, nil
}

// ConfirmHolds confirms the holds of ids.
func (s *Service) ConfirmHolds(ctx context.Context, ids []string) (int, error) {
	var v hotel.Validation
	if len(ids) > hotel.MaxHoldBatch {
		v.Add("booking_ids", fmt.Sprintf("must list at most %d ids", hotel.MaxHoldBatch))
	}
	for _, id := range ids {
		if CheckBookingID(id) != nil {
			v.Add("booking_ids", "must list booking ids (UUIDs)")
			break
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	n, err := s.store.ConfirmHolds(ctx, ids, s.now())
	if err != nil {
		return 0, storeError(err, "confirm holds")
	}
	return n, nil
}

func holdName(bookingID string) string { return "The hold of booking " + bookingID }

// soldOut is the conflict message of a hold that found no room.
func soldOut(roomType string) func(string) string {
	return func(nights string) string { return fmt.Sprintf("No %s left on %s.", roomType, nights) }
}

// bodyRoomType returns a room type named by id in a request body: one the
// hotel does not have makes the request invalid (EINVALID room_type_id).
func (s *Service) bodyRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	rt, err := s.store.GetRoomType(ctx, hotelID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return rt, roomTypeInvalid("room_type_id", hotelID)
	case err != nil:
		return rt, storeError(err, "room type lookup")
	}
	return rt, nil
}

// isNights reports whether err is a *store.NightsError.
func isNights(err error) bool {
	var ne *store.NightsError
	return errors.As(err, &ne)
}

// isPlainConflict reports whether err is store.ErrConflict not about nights.
func isPlainConflict(err error) bool {
	return errors.Is(err, store.ErrConflict) && !isNights(err)
}
