package inventoryhttp

import (
	"github.com/hotelplatform/hotel"
)

// Request bodies of the write routes, shared by the server (which decodes
// them, rejecting unknown fields) and the client (which encodes them). Zero
// dates and ids are left out, so a missing value reaches the service as
// missing and both implementations name the same field.

// holdBody is the body of PUT /inventory/holds/{booking_id}.
type holdBody struct {
	HotelID    int64      `json:"hotel_id,omitzero"`
	RoomTypeID int64      `json:"room_type_id,omitzero"`
	CheckIn    hotel.Date `json:"check_in,omitzero"`
	CheckOut   hotel.Date `json:"check_out,omitzero"`
	RatePlan   string     `json:"rate_plan,omitempty"`
	Adults     int        `json:"adults,omitempty"`
	ChildAges  []int      `json:"children_ages,omitempty"`
	Restore    bool       `json:"restore,omitempty"`
}

func holdBodyOf(r hotel.HoldRequest) holdBody {
	return holdBody{HotelID: r.HotelID, RoomTypeID: r.RoomTypeID, CheckIn: r.CheckIn, CheckOut: r.CheckOut,
		RatePlan: r.RatePlan, Adults: r.Adults, ChildAges: r.ChildAges, Restore: r.Restore}
}

func (b holdBody) request(bookingID string) hotel.HoldRequest {
	return hotel.HoldRequest{BookingID: bookingID, HotelID: b.HotelID, RoomTypeID: b.RoomTypeID, CheckIn: b.CheckIn, CheckOut: b.CheckOut,
		RatePlan: b.RatePlan, Adults: b.Adults, ChildAges: b.ChildAges, Restore: b.Restore}
}

// holdGroupBody is the body of PUT /inventory/hold-groups/{booking_id}:
// the rooms of the booking, the k-th held under hotel.RoomHoldID(booking
// id, k).
type holdGroupBody struct {
	Rooms []holdBody `json:"rooms"`
}

func holdGroupBodyOf(reqs []hotel.HoldRequest) holdGroupBody {
	b := holdGroupBody{Rooms: make([]holdBody, len(reqs))}
	for i, r := range reqs {
		b.Rooms[i] = holdBodyOf(r)
	}
	return b
}

func (b holdGroupBody) requests(bookingID string) []hotel.HoldRequest {
	reqs := make([]hotel.HoldRequest, len(b.Rooms))
	for i, r := range b.Rooms {
		reqs[i] = r.request(hotel.RoomHoldID(bookingID, i+1))
	}
	return reqs
}

// holdGroup is the answer of PUT /inventory/hold-groups/{booking_id}: the
// holds of the rooms, in the order asked.
type holdGroup struct {
	Holds []hotel.Hold `json:"holds"`
}

// moveBody is the body of POST /inventory/holds/{booking_id}/move.
type moveBody struct {
	RoomTypeID int64      `json:"room_type_id,omitzero"`
	CheckIn    hotel.Date `json:"check_in,omitzero"`
	CheckOut   hotel.Date `json:"check_out,omitzero"`
	RatePlan   string     `json:"rate_plan,omitempty"`
	Adults     int        `json:"adults,omitempty"`
	ChildAges  []int      `json:"children_ages,omitempty"`
	Restore    bool       `json:"restore,omitempty"`
}

func moveBodyOf(m hotel.HoldMove) moveBody {
	return moveBody{RoomTypeID: m.RoomTypeID, CheckIn: m.CheckIn, CheckOut: m.CheckOut,
		RatePlan: m.RatePlan, Adults: m.Adults, ChildAges: m.ChildAges, Restore: m.Restore}
}

func (b moveBody) move() hotel.HoldMove {
	return hotel.HoldMove{RoomTypeID: b.RoomTypeID, CheckIn: b.CheckIn, CheckOut: b.CheckOut,
		RatePlan: b.RatePlan, Adults: b.Adults, ChildAges: b.ChildAges, Restore: b.Restore}
}

// hotelBody is the body of POST /inventory/hotels (every field required)
// and PATCH /inventory/hotels/{hotel_id} (any of them).
type hotelBody struct {
	Name     *string `json:"hotel_name,omitempty"`
	Location *string `json:"location,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Currency *string `json:"currency,omitempty"`
	// Taxes, when given, replace the hotel's taxes ([] removes them all).
	Taxes *[]hotel.Tax `json:"taxes,omitempty"`
}

// apply copies the fields present in b onto h.
func (b hotelBody) apply(h *hotel.Hotel) {
	set(&h.Name, b.Name)
	set(&h.Location, b.Location)
	set(&h.TimeZone, b.TimeZone)
	set(&h.Currency, b.Currency)
	set(&h.Taxes, b.Taxes)
}

// roomTypeBody is the body of POST …/room-types (room_type and
// max_occupancy required) and PATCH …/room-types/{room_type_id} (any).
type roomTypeBody struct {
	Name                 *string `json:"room_type,omitempty"`
	MaxOccupancy         *int    `json:"max_occupancy,omitempty"`
	OverbookingAllowance *int    `json:"overbooking_allowance,omitempty"`
}

// apply copies the fields present in b onto rt.
func (b roomTypeBody) apply(rt *hotel.RoomType) {
	set(&rt.Name, b.Name)
	set(&rt.MaxOccupancy, b.MaxOccupancy)
	set(&rt.OverbookingAllowance, b.OverbookingAllowance)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// calendarBody is the body of PUT /inventory/hotels/{hotel_id}/calendar.
type calendarBody struct {
	RoomTypeID  int64        `json:"room_type_id,omitzero"`
	StartDate   hotel.Date   `json:"start_date,omitzero"`
	EndDate     hotel.Date   `json:"end_date,omitzero"`
	Capacity    *int         `json:"capacity,omitempty"`
	Price       *hotel.Cents `json:"price,omitempty"`
	DemandLevel *string      `json:"demand_level,omitempty"`
}

// adjustBody is the body of POST /inventory/{hotel_id}/adjust (the seed's
// room_type, date, num_rooms; end_date, reason and room_type_id optional).
type adjustBody struct {
	RoomType   string     `json:"room_type,omitempty"`
	RoomTypeID int64      `json:"room_type_id,omitzero"`
	Date       hotel.Date `json:"date,omitzero"`
	EndDate    hotel.Date `json:"end_date,omitzero"`
	NumRooms   int        `json:"num_rooms"`
	Reason     string     `json:"reason,omitempty"`
}

// searchBody is the body of GET /inventory/search.
type searchBody struct {
	Offers []hotel.Offer `json:"offers"`
	// Excluded explains left-out plans (explain=true, first page).
	Excluded []hotel.Exclusion `json:"excluded,omitempty"`
}
