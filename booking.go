package hotel

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Booking statuses. Transitions (transitions is the one place that knows
// them): pending → confirmed | failed; confirmed → checked_in | cancelled |
// no_show | completed (a stay never checked in completes after check-out,
// as before check-in existed); checked_in → completed.
const (
	StatusPending   = "pending"
	StatusConfirmed = "confirmed"
	StatusCheckedIn = "checked_in"
	StatusCancelled = "cancelled"
	StatusNoShow    = "no_show"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
)

// Statuses are every booking status, in lifecycle order.
var Statuses = []string{StatusPending, StatusConfirmed, StatusCheckedIn, StatusCancelled, StatusNoShow, StatusCompleted, StatusFailed}

var transitions = map[string][]string{
	StatusPending:   {StatusConfirmed, StatusFailed},
	StatusConfirmed: {StatusCheckedIn, StatusCancelled, StatusNoShow, StatusCompleted},
	StatusCheckedIn: {StatusCompleted},
}

// CanTransition reports whether a booking may go from status from to to.
func CanTransition(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Redacted replaces personal data a caller may not see.
const Redacted = "[REDACTED]"

// CanSeePII reports whether p may see the personal data (guest name, any
// future PII field) of booking bookingID: keys with guests:read (or admin)
// and the booking's own access token.
func (p Principal) CanSeePII(bookingID string) bool {
	return p.Has(ScopeGuestsRead) || (p.Kind == BookingOwner && strings.EqualFold(p.BookingID, bookingID))
}

// Booking is a guest's stay: one room of one room type for StayLength nights
// from ArrivalDate (seed field names).
type Booking struct {
	ID               string `json:"booking_id"`
	ConfirmationCode string `json:"confirmation_code"`
	// AccessToken lets its holder read, modify and cancel this booking only.
	// It is returned once, in the response that creates the booking.
	AccessToken  string `json:"access_token,omitempty"`
	HotelID      int64  `json:"hotel_id"`
	HotelName    string `json:"hotel_name"`
	RoomTypeID   int64  `json:"room_type_id"`
	RoomType     string `json:"room_type"`
	GuestName    string `json:"guest_name"`
	ArrivalDate  Date   `json:"arrival_date"`
	StayLength   int    `json:"stay_length"`
	CheckOutDate Date   `json:"check_out_date"`
	Adults       int    `json:"adults"`
	Children     int    `json:"children"`
	// ChildAges are the children's ages when the client gave them (one per
	// child); the party is priced by them.
	ChildAges []int  `json:"children_ages,omitempty"`
	MealPlan  string `json:"meal_plan,omitempty"`
	// RatePlan is the code of the rate plan the stay was sold on (empty for
	// a booking made before rate plans: the default plan's prices), and
	// RatePlanID its id; Terms the plan, party and restrictions as they
	// were when the stay was priced — a later change never alters them.
	RatePlan   string `json:"rate_plan,omitempty"`
	RatePlanID int64  `json:"rate_plan_id,omitempty"`
	Terms      *Terms `json:"terms,omitempty"`
	// MarketSegment and BookingChannel are the seed's optional analytics fields.
	MarketSegment  string `json:"market_segment,omitempty"`
	BookingChannel string `json:"booking_channel,omitempty"`
	IsWeekend      bool   `json:"is_weekend"` // derived: any night is a Saturday or Sunday
	IsHoliday      bool   `json:"is_holiday"`
	// RoomPrice is the first night's price (seed compatibility); TotalPrice is
	// the sum of NightlyPrices, never RoomPrice × StayLength.
	RoomPrice     Cents        `json:"room_price"`
	NightlyPrices []NightPrice `json:"nightly_prices"`
	TotalPrice    Cents        `json:"total_price"`
	Currency      string       `json:"currency"`
	Status        string       `json:"reservation_status"`
	// DepartedOn is set by an early departure: the day the guest left; and
	// by a no-show whose policy gives the later nights back: the first
	// night given back.
	DepartedOn Date `json:"departed_on,omitzero"`
	// CheckedInAt is when the guest checked in; CancelledAt when the
	// booking was cancelled, and CancellationCharge the fee that applied
	// at that moment (shown as cancellation_fee); NoShowFee the fee
	// recorded when the booking was marked a no-show.
	CheckedInAt        time.Time `json:"checked_in_at,omitzero"`
	CancelledAt        time.Time `json:"cancelled_at,omitzero"`
	CancellationCharge Cents     `json:"-"`
	NoShowFee          Cents     `json:"no_show_fee,omitempty"`
	// What the terms mean, set by ShowTerms when the booking is read: the
	// cancellation deadline and fee (a confirmed booking's if cancelled
	// now, a cancelled one's as recorded), the guarantee due, and the
	// price split into net, each tax and gross.
	*CancellationQuote
	Guarantee      *GuaranteeDue `json:"guarantee,omitempty"`
	PriceBreakdown *TaxBreakdown `json:"price_breakdown,omitempty"`
	Version        int           `json:"version"`
	// GroupID is the booking a further room of a booking of several rooms
	// belongs to (empty for a booking itself, which is its room 1); RoomNo
	// is the room's number in its booking (1 for the booking itself).
	GroupID string `json:"-"`
	RoomNo  int    `json:"-"`
	// Rooms are the rooms of a booking of several rooms as read (room 1,
	// the booking's own row, first) and CancellationFees the fees recorded
	// for those cancelled: set by CombineRooms, nil for a booking of one
	// room. Shown by MarshalJSON.
	Rooms            []Booking `json:"-"`
	CancellationFees Cents     `json:"-"`
	// SyncPending marks a booking whose hold may not match it yet (a saga
	// step in flight or interrupted); the recovery pass finishes it.
	SyncPending bool      `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PriceBy prices b by the hold of its stay: the hold's nights and their
// prices, the first night's price as RoomPrice, their sum as TotalPrice,
// and the hold's currency.
func (b *Booking) PriceBy(h *Hold) {
	b.NightlyPrices = h.Nights
	b.RoomPrice, b.TotalPrice = 0, 0
	if len(h.Nights) > 0 {
		b.RoomPrice = h.Nights[0].Price
	}
	for _, n := range h.Nights {
		b.TotalPrice += n.Price
	}
	b.Currency = h.Currency
	b.RatePlanID = h.RatePlanID
	if h.Terms != nil {
		b.Terms = h.Terms
		b.RatePlan = h.Terms.RatePlan.Code
	}
}

// ShowTerms sets what b's terms mean at now (see the fields it sets):
// the deadlines in the zone its terms were sold in, or loc for a booking
// sold before terms named one. A booking that is neither confirmed nor
// cancelled has no cancellation to show.
func (b *Booking) ShowTerms(now time.Time, loc *time.Location) {
	var t Terms
	if b.Terms != nil {
		t = *b.Terms
	}
	loc = b.zone(loc)
	unit := MinorUnit(b.Currency)
	b.CancellationQuote = nil
	switch b.Status {
	case StatusConfirmed:
		q := b.CancellationAt(now, loc)
		b.CancellationQuote = &q
	case StatusCancelled:
		q := b.CancellationAt(b.CancelledAt, loc)
		q.Fee = b.CancellationCharge
		q.Free = q.Fee == 0
		b.CancellationQuote = &q
	}
	g := t.RatePlan.Guarantee.Due(b.CreatedAt, b.NightlyPrices, b.ArrivalDate, loc, unit)
	b.Guarantee = &g
	party := t.Party
	if b.Terms == nil {
		party = PartyOf(b.Adults, b.Children, b.ChildAges)
	}
	br := ApplyTaxes(t.Taxes, b.TotalPrice, len(b.NightlyPrices), party, unit)
	b.PriceBreakdown = &br
}

// CancellationAt returns what cancelling b at now costs under the policy
// it was sold on (a booking sold before rate plans: free until its
// arrival date begins), deadlines in the zone of its terms or else loc.
func (b *Booking) CancellationAt(now time.Time, loc *time.Location) CancellationQuote {
	policy := CancellationPolicy{}
	if b.Terms != nil {
		policy = b.Terms.RatePlan.CancellationTerms()
	}
	return policy.Quote(now, b.NightlyPrices, b.ArrivalDate, b.zone(loc), MinorUnit(b.Currency))
}

// zone is the time zone of b's terms, else loc, else UTC.
func (b *Booking) zone(loc *time.Location) *time.Location {
	if b.Terms != nil && b.Terms.TimeZone != "" {
		if z, err := LoadZone(b.Terms.TimeZone); err == nil {
			return z
		}
	}
	if loc == nil {
		return time.UTC
	}
	return loc
}

// Redact replaces the personal data of b unless p may see it.
func (b *Booking) Redact(p Principal) {
	owner := b.ID // a room's guest is seen by whoever may see its booking's
	if b.GroupID != "" {
		owner = b.GroupID
	}
	if !p.CanSeePII(owner) {
		b.GuestName = Redacted
	}
}

// WeekendNight reports whether any night of [arrival, arrival+nights) is a
// Saturday or Sunday night (the seed's is_weekend).
func WeekendNight(arrival Date, nights int) bool {
	for i := range min(nights, 7) {
		if wd := arrival.AddDays(i).Weekday(); wd == time.Saturday || wd == time.Sunday {
			return true
		}
	}
	return false
}

// CancellationPreview is what cancelling a booking at AsOf would cost (GET
// /bookings/{id}/cancellation).
type CancellationPreview struct {
	BookingID string    `json:"booking_id"`
	AsOf      time.Time `json:"as_of"`
	Currency  string    `json:"currency"`
	CancellationQuote
}

// NewBooking is the body of POST /bookings/ (seed fields).
type NewBooking struct {
	GuestName   string `json:"guest_name"`
	HotelID     int64  `json:"hotel_id"`
	RoomType    string `json:"room_type"` // room type name, case-insensitive
	ArrivalDate Date   `json:"arrival_date"`
	StayLength  int    `json:"stay_length"`
	Adults      int    `json:"adults"`
	Children    int    `json:"children"`
	// ChildAges, when given, are the children's ages, one per child (0–17).
	ChildAges []int  `json:"children_ages,omitempty"`
	MealPlan  string `json:"meal_plan,omitempty"`
	// RatePlan is the code of the rate plan to book (default: the room
	// type's default plan). Named, the booking's meal plan is the plan's.
	RatePlan       string `json:"rate_plan,omitempty"`
	MarketSegment  string `json:"market_segment,omitempty"`
	BookingChannel string `json:"booking_channel,omitempty"`
	IsHoliday      bool   `json:"is_holiday,omitempty"`
	// Rooms books several rooms (2 to MaxRoomsPerBooking) for the stay, all
	// or none; then room_type, rate_plan, adults, children, children_ages
	// and meal_plan are given per room, and guest_name is the lead guest's
	// (each room's guest, unless the room names its own). One room is the
	// same as the flat fields.
	Rooms []NewRoom `json:"rooms,omitempty"`
}

// BookingChange is the body of PATCH /bookings/{id}: nil fields keep their value.
type BookingChange struct {
	GuestName   *string `json:"guest_name,omitempty"`
	ArrivalDate *Date   `json:"arrival_date,omitempty"`
	StayLength  *int    `json:"stay_length,omitempty"`
	RoomType    *string `json:"room_type,omitempty"`
	Adults      *int    `json:"adults,omitempty"`
	Children    *int    `json:"children,omitempty"`
	// ChildAges replaces the children's ages (with Children, or alone: then
	// their number is its length); RatePlan moves the booking to another
	// plan of its room type. Either re-checks and re-prices the stay.
	ChildAges *[]int  `json:"children_ages,omitempty"`
	RatePlan  *string `json:"rate_plan,omitempty"`
}

// BookingFilter selects bookings, newest first by id (ids are time-ordered).
type BookingFilter struct {
	HotelID int64
	// HotelIDs, when not empty, admits only bookings of these hotels (the
	// hotels a caller limited to some may see).
	HotelIDs         []int64
	Status           string
	ArrivalFrom      Date // inclusive
	ArrivalTo        Date // inclusive
	DepartureFrom    Date // check-out date, inclusive
	DepartureTo      Date // check-out date, inclusive
	ConfirmationCode string
	// GuestName matches bookings any of whose rooms' guest names contains
	// it, ignoring case.
	GuestName string
	Limit     int
	// BeforeID continues a page: only ids strictly less than it.
	BeforeID string
}

// BookingPage is one page of bookings; Next is empty on the last page.
type BookingPage struct {
	Bookings []Booking
	Next     string
}

// BookingService is the booking bounded context. Every method acts as the
// principal in ctx only in what it shows (Redact); access rules are enforced
// by the router.
type BookingService interface {
	// Create books a room: pending → hold every night → confirmed. Errors:
	// EINVALID (fields named), ECONFLICT (sold out, Error.Nights), EUNAVAILABLE.
	Create(ctx context.Context, nb NewBooking) (*Booking, error)
	Get(ctx context.Context, id string) (*Booking, error)
	List(ctx context.Context, f BookingFilter) (*BookingPage, error)
	// Modify applies c; a change of dates, length or room type moves the hold
	// atomically and re-prices. version, if positive, must equal the booking's
	// (optimistic concurrency). Errors: ECONFLICT (not confirmed, sold out,
	// version), EINVALID, ENOTFOUND.
	Modify(ctx context.Context, id string, c BookingChange, version int) (*Booking, error)
	// Cancel cancels a confirmed booking, records the cancellation fee that
	// applies at that moment, and releases its nights exactly once.
	Cancel(ctx context.Context, id string, version int) (*Booking, error)
	// CancelRoom cancels room number room (1-based) of a booking of
	// several rooms, its fee by its own policy; the other rooms stay.
	// Errors: ENOTFOUND (no such room), ECONFLICT (the room is not
	// confirmed).
	CancelRoom(ctx context.Context, id string, room, version int) (*Booking, error)
	// PreviewCancellation answers what cancelling a confirmed booking now
	// would cost, without cancelling it. Errors: ENOTFOUND, ECONFLICT (not
	// confirmed).
	PreviewCancellation(ctx context.Context, id string) (*CancellationPreview, error)
	// CheckIn records the guest's arrival (from the arrival day,
	// hotel-local): confirmed → checked_in.
	CheckIn(ctx context.Context, id string, version int) (*Booking, error)
	// CheckOut completes a stay early and returns the remaining nights.
	CheckOut(ctx context.Context, id string, version int) (*Booking, error)
	// EraseGuest erases the booking's guest data on the guest's request:
	// the guest name becomes "(erased)" and the access token stops working;
	// dates, prices, status and nights stay. Erasing again changes nothing.
	// Errors: ENOTFOUND, ECONFLICT (a change of the booking is in flight).
	EraseGuest(ctx context.Context, id string) (*Booking, error)
}

// ParseBookingID returns s in the canonical form of a booking id — a
// lower-case, hyphenated UUID — and true, or false when s is not a UUID in
// hyphenated form (of any case): no booking can have it.
func ParseBookingID(s string) (string, bool) {
	if len(s) != len("00000000-0000-0000-0000-000000000000") {
		return "", false // uuid.Parse also takes urn:, {…} and unhyphenated forms
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return u.String(), true
}
