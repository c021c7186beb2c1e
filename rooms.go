package hotel

import (
	"encoding/json"
	"time"
)

// A booking of several rooms (POST /bookings/ with "rooms") is stored as
// one booking row per room: room 1 is the booking itself and each further
// room k a row of its own (GroupID the booking's id, RoomNo k, id
// RoomHoldID(booking, k)). Every room is a stay with its own room type,
// rate plan, party, guest name, nights, terms and status, so holds, the
// scheduler's jobs and recovery work room by room; the booking shows their
// sum (CombineRooms).

// NewRoom is one room of a booking of several rooms (NewBooking.Rooms).
type NewRoom struct {
	RoomType  string `json:"room_type"` // room type name, case-insensitive
	RatePlan  string `json:"rate_plan,omitempty"`
	Adults    int    `json:"adults"`
	Children  int    `json:"children"`
	ChildAges []int  `json:"children_ages,omitempty"`
	// GuestName is the name of the room's guest (default: the booking's
	// guest_name, the lead guest's).
	GuestName string `json:"guest_name,omitempty"`
	MealPlan  string `json:"meal_plan,omitempty"`
}

// roomStatusOrder ranks the statuses of a booking's rooms: the booking has
// the first of them any of its rooms has — a booking is checked in while a
// guest of it is, confirmed while a room of it is still to come, and
// cancelled only when every room is.
var roomStatusOrder = []string{StatusCheckedIn, StatusConfirmed, StatusPending, StatusCompleted, StatusNoShow, StatusCancelled, StatusFailed}

// CombineRooms returns the booking of several rooms rooms (room 1 first, as
// read and shown room by room: ShowTerms already applied) as a client sees
// it: room 1's booking fields and lead guest, with Rooms the rooms and
//
//   - Status the first status of roomStatusOrder a room has;
//   - TotalPrice and PriceBreakdown the sums over the rooms that are sold
//     (not cancelled or failed);
//   - the cancellation quote: while a room is confirmed, the sum of the
//     confirmed rooms' quotes (what cancelling the rest costs now, the
//     earliest deadline); once every room is cancelled, the sum of the fees
//     recorded; CancellationFees the fees recorded for the rooms cancelled
//     so far, NoShowFee the sum of the rooms' no-show fees;
//   - Guarantee the sum of the amounts, due at the earliest time, of the
//     strongest kind a room asks (deposit, then card, then none);
//   - Adults and Children the party in all rooms; Version the sum of the
//     rooms' versions (it moves whenever any room changes, so it serves
//     as the booking's ETag).
//
// One room (or none) is returned as it is.
func CombineRooms(rooms []Booking) Booking {
	if len(rooms) == 0 {
		return Booking{}
	}
	b := rooms[0]
	if len(rooms) == 1 {
		b.Rooms = nil
		return b
	}
	b.Rooms = rooms
	b.ChildAges, b.Terms, b.NightlyPrices, b.RoomPrice = nil, nil, nil, 0
	b.TotalPrice, b.Adults, b.Children, b.Version, b.NoShowFee, b.CancellationFees = 0, 0, 0, 0, 0, 0
	var open, cancelled []CancellationQuote
	var sold []TaxBreakdown
	rank := len(roomStatusOrder)
	g := GuaranteeDue{Kind: GuaranteeNone}
	for _, r := range rooms {
		b.Adults += r.Adults
		b.Children += r.Children
		b.Version += r.Version
		b.NoShowFee += r.NoShowFee
		if r.UpdatedAt.After(b.UpdatedAt) {
			b.UpdatedAt = r.UpdatedAt
		}
		for i, s := range roomStatusOrder {
			if s == r.Status && i < rank {
				rank = i
			}
		}
		switch r.Status {
		case StatusCancelled, StatusFailed:
			b.CancellationFees += r.CancellationCharge
			if r.CancellationQuote != nil {
				cancelled = append(cancelled, *r.CancellationQuote)
			}
			continue
		case StatusConfirmed:
			if r.CancellationQuote != nil {
				open = append(open, *r.CancellationQuote)
			}
		}
		b.TotalPrice += r.TotalPrice
		if r.PriceBreakdown != nil {
			sold = append(sold, *r.PriceBreakdown)
		}
		if r.Guarantee != nil {
			g = g.plus(*r.Guarantee)
		}
	}
	if rank < len(roomStatusOrder) {
		b.Status = roomStatusOrder[rank]
	}
	b.CancellationQuote = nil
	switch {
	case len(open) > 0:
		q := SumQuotes(open)
		b.CancellationQuote = &q
	case b.Status == StatusCancelled && len(cancelled) > 0:
		q := SumQuotes(cancelled)
		q.Fee, q.Free = b.CancellationFees, b.CancellationFees == 0
		b.CancellationQuote = &q
	}
	b.Guarantee = &g
	b.PriceBreakdown = nil
	if len(sold) > 0 || rooms[0].PriceBreakdown != nil {
		br := SumBreakdowns(sold)
		b.PriceBreakdown = &br
	}
	return b
}

// guaranteeRank orders the kinds of guarantee from the weakest.
var guaranteeRank = map[string]int{GuaranteeNone: 0, GuaranteeCard: 1, GuaranteeDeposit: 2}

// plus is the guarantee of two rooms together.
func (g GuaranteeDue) plus(o GuaranteeDue) GuaranteeDue {
	if guaranteeRank[o.Kind] > guaranteeRank[g.Kind] {
		g.Kind = o.Kind
	}
	g.Amount += o.Amount
	if o.DueAt != nil && (g.DueAt == nil || o.DueAt.Before(*g.DueAt)) {
		g.DueAt = o.DueAt
	}
	return g
}

// bookingJSON is Booking without its MarshalJSON.
type bookingJSON Booking

// roomJSON is one room of a booking of several rooms as shown in its
// "rooms": the room's stay in the fields of a booking, with its number.
type roomJSON struct {
	RoomNo int `json:"room_no"`
	bookingJSON
}

// groupJSON is a booking of several rooms as shown: the booking's fields
// that are not a room's, its sums (CombineRooms) and its rooms.
type groupJSON struct {
	ID               string    `json:"booking_id"`
	ConfirmationCode string    `json:"confirmation_code"`
	AccessToken      string    `json:"access_token,omitempty"`
	HotelID          int64     `json:"hotel_id"`
	HotelName        string    `json:"hotel_name"`
	GuestName        string    `json:"guest_name"`
	ArrivalDate      Date      `json:"arrival_date"`
	StayLength       int       `json:"stay_length"`
	CheckOutDate     Date      `json:"check_out_date"`
	Adults           int       `json:"adults"`
	Children         int       `json:"children"`
	MarketSegment    string    `json:"market_segment,omitempty"`
	BookingChannel   string    `json:"booking_channel,omitempty"`
	IsWeekend        bool      `json:"is_weekend"`
	IsHoliday        bool      `json:"is_holiday"`
	TotalPrice       Cents     `json:"total_price"`
	Currency         string    `json:"currency"`
	Status           string    `json:"reservation_status"`
	CancellationFees Cents     `json:"cancellation_fees"`
	NoShowFee        Cents     `json:"no_show_fee,omitempty"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	*CancellationQuote
	Guarantee      *GuaranteeDue `json:"guarantee,omitempty"`
	PriceBreakdown *TaxBreakdown `json:"price_breakdown,omitempty"`
	Rooms          []roomJSON    `json:"rooms"`
}

// MarshalJSON shows a booking of one room in the seed's flat fields, and a
// booking of several rooms (Rooms set, by CombineRooms) as its sums and
// its rooms, each in the fields of a booking with its room_no.
func (b Booking) MarshalJSON() ([]byte, error) {
	if len(b.Rooms) == 0 {
		return json.Marshal(bookingJSON(b))
	}
	rooms := make([]roomJSON, len(b.Rooms))
	for i, r := range b.Rooms {
		r.Rooms = nil
		rooms[i] = roomJSON{RoomNo: max(r.RoomNo, 1), bookingJSON: bookingJSON(r)}
	}
	return json.Marshal(groupJSON{
		ID: b.ID, ConfirmationCode: b.ConfirmationCode, AccessToken: b.AccessToken, HotelID: b.HotelID, HotelName: b.HotelName,
		GuestName: b.GuestName, ArrivalDate: b.ArrivalDate, StayLength: b.StayLength, CheckOutDate: b.CheckOutDate,
		Adults: b.Adults, Children: b.Children, MarketSegment: b.MarketSegment, BookingChannel: b.BookingChannel,
		IsWeekend: b.IsWeekend, IsHoliday: b.IsHoliday, TotalPrice: b.TotalPrice, Currency: b.Currency, Status: b.Status,
		CancellationFees: b.CancellationFees, NoShowFee: b.NoShowFee, Version: b.Version, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		CancellationQuote: b.CancellationQuote, Guarantee: b.Guarantee, PriceBreakdown: b.PriceBreakdown, Rooms: rooms,
	})
}

// UnmarshalJSON reads either shape MarshalJSON writes: a booking of
// several rooms gets its rooms back in Rooms (and CancellationFees).
func (b *Booking) UnmarshalJSON(data []byte) error {
	var g struct {
		bookingJSON
		CancellationFees Cents      `json:"cancellation_fees"`
		Rooms            []roomJSON `json:"rooms"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		return err
	}
	*b = Booking(g.bookingJSON)
	b.CancellationFees = g.CancellationFees
	for _, r := range g.Rooms {
		room := Booking(r.bookingJSON)
		room.RoomNo = r.RoomNo
		b.Rooms = append(b.Rooms, room)
	}
	return nil
}
