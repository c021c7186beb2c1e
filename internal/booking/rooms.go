package booking

import (
	"context"
	"fmt"
	"slices"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
)

// A booking of several rooms is stored as one row per room (see
// hotel.CombineRooms): room 1's row is the booking itself, and each
// further room k a row with GroupID the booking's id, id
// hotel.RoomHoldID(booking, k) (its hold's) and confirmation code the
// booking's with "-k". The service reads, shows and changes the rows
// together; the scheduler's jobs and Recover work on each row as a stay
// of its own.

// perRoom are the fields of NewBooking that a booking of several rooms
// gives per room.
var perRoom = []string{"room_type", "rate_plan", "adults", "children", "children_ages", "meal_plan"}

// newRows returns the rows booking cid of nb is made of, validated: one
// for a booking of one room (the flat fields, or rooms with one room in
// it), one per room otherwise — each with the booking's hotel, stay,
// labels and lead guest (unless the room names its own guest). Field
// errors of a room are named rooms[i].field (0-based, as in the request),
// those of the fields all rooms share once, by their own name. It also
// returns the hotel; its error is EINVALID, or one that is not the
// client's (EUNAVAILABLE).
func (s *Service) newRows(ctx context.Context, cid string, nb hotel.NewBooking) ([]hotel.Booking, cachedHotel, error) {
	var v hotel.Validation
	lead := hotel.Booking{
		ID: cid, RoomNo: 1, GuestName: nb.GuestName, HotelID: nb.HotelID, RoomType: nb.RoomType,
		ArrivalDate: nb.ArrivalDate, StayLength: nb.StayLength, Adults: nb.Adults, Children: nb.Children,
		ChildAges: nb.ChildAges, RatePlan: nb.RatePlan, IsHoliday: nb.IsHoliday,
	}
	lead.MarketSegment = checkLabel(&v, "market_segment", nb.MarketSegment)
	lead.BookingChannel = checkLabel(&v, "booking_channel", nb.BookingChannel)
	if len(nb.Rooms) == 0 {
		lead.MealPlan = checkLabel(&v, "meal_plan", nb.MealPlan)
		c, err := s.check(ctx, &v, &lead, true)
		if err == nil {
			err = v.Err()
		}
		return []hotel.Booking{lead}, c, err
	}
	given := []bool{nb.RoomType != "", nb.RatePlan != "", nb.Adults != 0, nb.Children != 0, nb.ChildAges != nil, nb.MealPlan != ""}
	for i, field := range perRoom {
		if given[i] {
			v.Add(field, "is given per room in rooms, not for the whole booking")
		}
	}
	if len(nb.Rooms) > hotel.MaxRoomsPerBooking {
		v.Add("rooms", fmt.Sprintf("at most %d rooms per booking", hotel.MaxRoomsPerBooking))
		return nil, cachedHotel{}, v.Err()
	}
	rows := make([]hotel.Booking, len(nb.Rooms))
	var c cachedHotel
	for i, r := range nb.Rooms {
		b := lead
		b.ID, b.RoomNo = hotel.RoomHoldID(cid, i+1), i+1
		if i > 0 {
			b.GroupID = cid
		}
		b.RoomType, b.RatePlan, b.Adults, b.Children, b.ChildAges = r.RoomType, r.RatePlan, r.Adults, r.Children, r.ChildAges
		if r.GuestName != "" {
			b.GuestName = r.GuestName
		}
		var w hotel.Validation
		b.MealPlan = checkLabel(&w, "meal_plan", r.MealPlan)
		var err error
		if c, err = s.check(ctx, &w, &b, true); err != nil {
			return nil, c, err
		}
		v.Merge(w, func(field string) string {
			switch field {
			case "hotel_id", "arrival_date", "stay_length":
			case "guest_name":
				if r.GuestName != "" {
					return fmt.Sprintf("rooms[%d].%s", i, field)
				}
			default:
				return fmt.Sprintf("rooms[%d].%s", i, field)
			}
			if i > 0 {
				return "" // the booking's field: named once
			}
			return field
		})
		rows[i] = b
	}
	return rows, c, v.Err()
}

// loadRooms reads booking id (any case) with its further rooms, in one
// query: room 1 (the booking's own row) first. Errors: ENOTFOUND (a
// room's own id is not a booking's, or the booking is of a hotel the
// caller is limited away from), EUNAVAILABLE.
func (s *Service) loadRooms(ctx context.Context, id string) ([]hotel.Booking, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, notFound(id)
	}
	rows, err := s.store.GetBookingRooms(ctx, cid)
	if err == nil && !auth.PrincipalFrom(ctx).MayAccessHotel(rows[0].HotelID) {
		return nil, notFound(id) // a caller limited to other hotels: not theirs to know of
	}
	return rows, storeError(err, cid)
}

// withRooms returns booking b with its further rooms read, b first.
func (s *Service) withRooms(ctx context.Context, b hotel.Booking) ([]hotel.Booking, error) {
	rooms, err := s.store.BookingRooms(ctx, []string{b.ID})
	if err != nil {
		return nil, storeError(err, b.ID)
	}
	return append([]hotel.Booking{b}, rooms[b.ID]...), nil
}

// combine is what a caller gets back of the booking made of rows (room 1
// first): no access token, with redact each room's guest redacted unless
// the principal in ctx may see it, what each room's terms mean now
// (showTerms), and the rooms summed (hotel.CombineRooms).
func (s *Service) combine(ctx context.Context, rows []hotel.Booking, redact bool) *hotel.Booking {
	now := s.now()
	p := auth.PrincipalFrom(ctx)
	shown := make([]hotel.Booking, len(rows))
	for i, b := range rows {
		b.AccessToken = ""
		if redact {
			b.Redact(p)
		}
		s.showTerms(ctx, &b, now)
		shown[i] = b
	}
	b := hotel.CombineRooms(shown)
	return &b
}

// present is what the principal in ctx gets back of the booking made of
// rows (combine, redacted).
func (s *Service) present(ctx context.Context, rows []hotel.Booking) *hotel.Booking {
	return s.combine(ctx, rows, true)
}

// step is a change of state of the rooms of a booking: cancel, check in,
// check out.
type step struct {
	action string   // in "Only confirmed bookings can be cancelled"
	done   string   // the log line of a room changed
	whole  []string // statuses the booking (its rooms combined) may have
	rooms  []string // statuses of the rooms it changes
	// apply changes room b (whose row is to be written), or refuses it.
	apply func(b *hotel.Booking) error
	// logged are the attributes logged of room b changed (nil: none).
	logged func(b hotel.Booking) []any
	// release is the part of room b's hold to return once b is written,
	// if any.
	release func(b hotel.Booking) (hotel.HoldRelease, bool)
}

// change applies st to booking id: to its room number room, or (room 0)
// to every room whose status st changes, all written in one unit of work
// or none; then returns what each room gives back to inventory (settle).
// version, if positive, must be the booking's (the sum of its rooms'
// versions). Errors: ENOTFOUND (no such booking or room), ECONFLICT (a
// status st does not change, a change under way, a concurrent change, or
// what apply refuses), EPRECONDITION (version), EUNAVAILABLE.
func (s *Service) change(ctx context.Context, id string, room, version int, st step) (*hotel.Booking, error) {
	rows, err := s.loadRooms(ctx, id)
	if err != nil {
		return nil, err
	}
	whole := hotel.CombineRooms(rows)
	if err := checkVersion(whole, version); err != nil {
		return nil, err
	}
	var targets []int
	switch {
	case room > len(rows) || room < 0:
		return nil, hotel.Errorf(hotel.ENOTFOUND, "Booking %s has no room %d; it has %d.", whole.ID, room, len(rows))
	case room > 0:
		r := rows[room-1]
		if !slices.Contains(st.rooms, r.Status) {
			return nil, hotel.Errorf(hotel.ECONFLICT, "Only %s rooms can be %s; room %d of booking %s is %s.",
				orList(st.rooms), st.action, room, whole.ID, r.Status)
		}
		targets = []int{room - 1}
	default:
		allowed := st.whole
		if len(rows) == 1 {
			allowed = st.rooms
		}
		if !slices.Contains(allowed, whole.Status) {
			return nil, hotel.Errorf(hotel.ECONFLICT, "Only %s bookings can be %s; booking %s is %s.",
				orList(allowed), st.action, whole.ID, whole.Status)
		}
		for i, r := range rows {
			if slices.Contains(st.rooms, r.Status) {
				targets = append(targets, i)
			}
		}
		if len(targets) == 0 {
			return nil, hotel.Errorf(hotel.ECONFLICT, "No room of booking %s can be %s: none is %s.", whole.ID, st.action, orList(st.rooms))
		}
	}
	next := slices.Clone(rows)
	for _, i := range targets {
		if next[i].SyncPending {
			return nil, notBusy(whole)
		}
		if err := st.apply(&next[i]); err != nil {
			return nil, err
		}
		next[i].UpdatedAt = s.now()
		_, next[i].SyncPending = st.release(next[i])
	}
	write := func(ctx context.Context) error {
		for _, i := range targets {
			b := next[i] // written afresh on every run of the unit
			if err := s.store.UpdateBooking(ctx, &b, false); err != nil {
				return err
			}
		}
		return nil
	}
	if len(targets) == 1 {
		err = write(ctx)
	} else {
		err = s.store.Atomically(ctx, write)
	}
	if err != nil {
		return nil, changed(whole.ID, version, err)
	}
	for _, i := range targets {
		next[i].Version++
		attrs := []any{"booking_id", whole.ID, "room_no", max(next[i].RoomNo, 1)}
		if st.logged != nil {
			attrs = append(attrs, st.logged(next[i])...)
		}
		s.log.InfoContext(ctx, st.done, attrs...)
		if r, ok := st.release(next[i]); ok {
			s.settle(ctx, &next[i], r)
		}
	}
	return s.present(ctx, next), nil
}

// bookingOf is the id of the booking room b is of.
func bookingOf(b hotel.Booking) string {
	if b.GroupID != "" {
		return b.GroupID
	}
	return b.ID
}

// orList joins statuses with "or".
func orList(statuses []string) string {
	switch len(statuses) {
	case 0:
		return ""
	case 1:
		return statuses[0]
	}
	out := statuses[0]
	for _, st := range statuses[1 : len(statuses)-1] {
		out += ", " + st
	}
	return out + " or " + statuses[len(statuses)-1]
}

// noRelease is the release of a step that keeps the hold as it is.
func noRelease(hotel.Booking) (hotel.HoldRelease, bool) { return hotel.HoldRelease{}, false }
