package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	if err := checkHoldRequest(&req); err != nil {
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
	if err != nil {
		return nil, false, s.holdsError(ctx, []hotel.HoldRequest{req}, err, func(_ int, field string) string { return field }, fmt.Sprintf(
			"Booking %s already holds rooms for a different request; a booking id holds one request only.", req.BookingID))
	}
	return &h, created, nil
}

// checkHoldRequest validates a hold request but for its booking id,
// upper-casing its plan code. Errors: EINVALID naming the fields.
func checkHoldRequest(req *hotel.HoldRequest) error {
	var v hotel.Validation
	requiredID(&v, "hotel_id", req.HotelID)
	requiredID(&v, "room_type_id", req.RoomTypeID)
	checkStay(&v, req.CheckIn, req.CheckOut, hotel.MaxRangeDays)
	checkHoldTerms(&v, &req.RatePlan, req.Adults, req.ChildAges)
	return v.Err()
}

// CreateHolds holds the rooms of one booking: every night of every room,
// or none. Each request is checked as CreateHold checks it (its fields
// named rooms[i].…); the group needs 1 to hotel.MaxRoomsPerBooking rooms of
// one hotel and one stay, the i-th under the hold id of room i+1 of the
// booking (CheckGroupIDs).
func (s *Service) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	if err := CheckGroupIDs(reqs); err != nil {
		return nil, false, err
	}
	reqs = slices.Clone(reqs)
	var v hotel.Validation
	for i := range reqs {
		if err := checkHoldRequest(&reqs[i]); err != nil {
			addFields(&v, roomField(i, ""), err)
		}
		if i == 0 {
			continue
		}
		if reqs[i].HotelID != reqs[0].HotelID && reqs[i].HotelID > 0 && reqs[0].HotelID > 0 {
			v.Add(roomField(i, "hotel_id"), "must be the hotel of rooms[0]: the rooms of a booking are in one hotel")
		}
		if reqs[i].CheckIn != reqs[0].CheckIn && !v.Has(roomField(i, "check_in")) {
			v.Add(roomField(i, "check_in"), "must be the check-in of rooms[0]: the rooms of a booking share one stay")
		}
		if reqs[i].CheckOut != reqs[0].CheckOut && !v.Has(roomField(i, "check_out")) {
			v.Add(roomField(i, "check_out"), "must be the check-out of rooms[0]: the rooms of a booking share one stay")
		}
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	at := s.now()
	for i := range reqs {
		reqs[i].At = at
		if !reqs[i].Restore {
			price := holdPrice(reqs[i], at)
			reqs[i].Price = func(snap hotel.ARISnapshot) (*hotel.HoldQuote, error) {
				q, err := price(snap)
				return q, roomError(i, err)
			}
		}
	}
	conflict := fmt.Sprintf("Booking %s already holds rooms for a different request, or only some of its rooms; a booking holds one request only.", reqs[0].BookingID)
	hs, created, err := s.store.CreateHolds(ctx, reqs)
	if err != nil {
		return nil, false, s.holdsError(ctx, reqs, err, roomField, conflict)
	}
	if !created && len(reqs) < hotel.MaxRoomsPerBooking {
		// A retry names every room the booking holds: fewer rooms are
		// another request. (Holds are never deleted, so a room found now
		// was held by an earlier, larger group.)
		_, err := s.store.GetHold(ctx, hotel.RoomHoldID(reqs[0].BookingID, len(reqs)+1))
		switch {
		case err == nil:
			return nil, false, &hotel.Error{Code: hotel.ECONFLICT, Message: conflict}
		case !errors.Is(err, store.ErrNotFound):
			return nil, false, storeError(err, "hold group")
		}
	}
	return hs, created, nil
}

// CheckGroupIDs checks the size of a group of holds and its booking ids:
// 1 to hotel.MaxRoomsPerBooking requests, the first under a booking id,
// the i-th under hotel.RoomHoldID(that id, i+1). Errors: EINVALID naming
// booking_id, rooms or rooms[i].booking_id.
func CheckGroupIDs(reqs []hotel.HoldRequest) error {
	var v hotel.Validation
	switch {
	case len(reqs) == 0:
		v.Add("rooms", "must list at least one room")
	case len(reqs) > hotel.MaxRoomsPerBooking:
		v.Add("rooms", fmt.Sprintf("must list at most %d rooms; this booking asks for %d", hotel.MaxRoomsPerBooking, len(reqs)))
	default:
		if err := CheckBookingID(reqs[0].BookingID); err != nil {
			return err
		}
		for i, r := range reqs[1:] {
			if want := hotel.RoomHoldID(reqs[0].BookingID, i+2); r.BookingID != want {
				v.Add(roomField(i+1, "booking_id"), fmt.Sprintf("must be %s, the hold id of room %d of booking %s", want, i+2, reqs[0].BookingID))
			}
		}
	}
	return v.Err()
}

// roomField names field of the i-th room of a group: rooms[i].field.
func roomField(i int, field string) string { return fmt.Sprintf("rooms[%d].%s", i, field) }

// addFields adds the fields of err, an EINVALID *hotel.Error, to v, each
// name after prefix.
func addFields(v *hotel.Validation, prefix string, err error) {
	var he *hotel.Error
	if errors.As(err, &he) {
		for _, f := range he.Fields {
			v.Add(prefix+f.Field, f.Reason)
		}
	}
}

// roomError is err, a refusal of the i-th room of a group by its plan's
// rules, saying which room: the fields of EINVALID named rooms[i].…, the
// message of another code led by the room.
func roomError(i int, err error) error {
	var he *hotel.Error
	if !errors.As(err, &he) {
		return err
	}
	c := *he
	if c.Code != hotel.EINVALID || len(c.Fields) == 0 {
		c.Message = fmt.Sprintf("Room %d: %s", i+1, c.Message)
		return &c
	}
	c.Fields = make([]hotel.FieldError, len(he.Fields))
	for j, f := range he.Fields {
		c.Fields[j] = hotel.FieldError{Field: roomField(i, f.Field), Reason: f.Reason}
	}
	return &c
}

// holdsError is the error of holds reqs the store refused with err: a
// plan's refusal as it is; conflict for an id held for another request;
// EINVALID naming the field (field(i, name) of the i-th request) of a
// hotel or room type that does not exist; else ECONFLICT naming the
// sold-out nights.
func (s *Service) holdsError(ctx context.Context, reqs []hotel.HoldRequest, err error, field func(i int, name string) string, conflict string) error {
	var he *hotel.Error
	switch {
	case errors.As(err, &he):
		return err // refused by the plan's rules
	case isPlainConflict(err):
		return &hotel.Error{Code: hotel.ECONFLICT, Err: err, Message: conflict}
	case !isNights(err) && !errors.Is(err, store.ErrNotFound):
		return storeError(err, "create hold")
	}
	if _, err := s.store.GetHotel(ctx, reqs[0].HotelID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return hotelInvalid(field(0, "hotel_id"))
		}
		return storeError(err, "hold hotel")
	}
	var names []string
	for i, r := range reqs {
		rt, err := s.fieldRoomType(ctx, field(i, "room_type_id"), r.HotelID, r.RoomTypeID)
		if err != nil {
			return err
		}
		if !slices.Contains(names, rt.Name) {
			names = append(names, rt.Name)
		}
	}
	if len(reqs) == 1 {
		return HoldError(err, names[0])
	}
	rooms := strings.Join(names, ", ")
	return nightsFault(err, func(nights string) string {
		return fmt.Sprintf("Not enough rooms left on %s for the %d rooms asked (%s).", nights, len(reqs), rooms)
	}, rooms, field(0, "check_in"), "create holds")
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
	return s.fieldRoomType(ctx, "room_type_id", hotelID, id)
}

// fieldRoomType is bodyRoomType for the room type id of field.
func (s *Service) fieldRoomType(ctx context.Context, field string, hotelID, id int64) (hotel.RoomType, error) {
	rt, err := s.store.GetRoomType(ctx, hotelID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return rt, roomTypeInvalid(field, hotelID)
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
