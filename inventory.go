package hotel

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Offer is one room type of one hotel available for every night of a stay
// (an availability search result).
type Offer struct {
	HotelID      int64  `json:"hotel_id"`
	HotelName    string `json:"hotel_name"`
	Location     string `json:"location"`
	TimeZone     string `json:"time_zone"`
	RoomTypeID   int64  `json:"room_type_id"`
	RoomType     string `json:"room_type"`
	MaxOccupancy int    `json:"max_occupancy"`
	// The rate plan the room type is sold through, and its terms.
	RatePlanID   int64  `json:"rate_plan_id"`
	RatePlan     string `json:"rate_plan"` // the plan's code
	RatePlanName string `json:"rate_plan_name"`
	MealPlan     string `json:"meal_plan"`
	Refundable   bool   `json:"refundable"`
	CheckIn      Date   `json:"check_in"`
	CheckOut     Date   `json:"check_out"`
	// AvailableRooms is the lowest number of rooms for sale over the stay.
	AvailableRooms int          `json:"available_rooms"`
	NightlyPrices  []NightPrice `json:"nightly_prices"`
	TotalPrice     Cents        `json:"total_price"`
	Currency       string       `json:"currency"`
	// The terms the stay would be sold on: the plan's policies, the last
	// instant of free cancellation for this stay (with the hotel's offset;
	// absent when non-refundable), and the total split into net, each of
	// the hotel's taxes and gross.
	CancellationPolicy   CancellationPolicy `json:"cancellation_policy"`
	CancellationDeadline *time.Time         `json:"cancellation_deadline,omitempty"`
	NoShowPolicy         NoShowPolicy       `json:"no_show_policy"`
	Guarantee            Guarantee          `json:"guarantee"`
	PriceBreakdown       TaxBreakdown       `json:"price_breakdown"`
}

// NightPrice is the price of one night (for an offer or a booking, the
// price for its party on its rate plan).
type NightPrice struct {
	Date  Date  `json:"date"`
	Price Cents `json:"price"`
}

// SearchQuery asks for offers. Location or HotelID is required. Offers come
// ordered by total price, hotel id, room type id, rate plan id; After
// continues a page.
type SearchQuery struct {
	Location string // case-insensitive exact match
	HotelID  int64
	RoomType string // room type name, case-insensitive exact match
	CheckIn  Date
	CheckOut Date // exclusive: the stay is the nights [CheckIn, CheckOut)
	Adults   int
	Children int
	// ChildAges, when given, are the children's ages (one per child; then
	// Children is their number); without them children are of unknown age.
	ChildAges []int
	// MaxPrice, when positive, excludes offers with any night above it
	// (the night's price for the party).
	MaxPrice Cents
	// MealPlan, when set, keeps the plans of that meal plan; Refundable,
	// when set, the plans that are (or are not) refundable.
	MealPlan   string
	Refundable *bool
	// Explain asks which rules left plans out (SearchPage.Excluded).
	Explain bool
	Limit   int
	After   *SearchCursor
}

// Guests returns the party size.
func (q SearchQuery) Guests() int { return q.Adults + q.Children }

// SearchCursor is the position after the last offer of a page.
type SearchCursor struct {
	Total      Cents
	HotelID    int64
	RoomTypeID int64
	RatePlanID int64 // 0 in a cursor made before rate plans: before every plan
}

// SearchPage is one page of offers; Next is empty on the last page.
// Excluded explains left-out plans when the query asked (first page only).
type SearchPage struct {
	Offers   []Offer
	Excluded []Exclusion
	Next     string
}

// Search limits.
const (
	// MaxStayNights is the longest stay search and holds accept.
	MaxStayNights = 30
	// DefaultSearchPageSize and MaxSearchPageSize bound a search page.
	DefaultSearchPageSize = 50
	MaxSearchPageSize     = 500
)

// Hold statuses.
const (
	HoldHeld     = "held"     // the hold's nights are taken from inventory
	HoldReleased = "released" // every night has been returned
)

// HoldRequest asks to hold one room of a room type for every night of
// [CheckIn, CheckOut) for a booking.
type HoldRequest struct {
	BookingID  string `json:"-"`
	HotelID    int64  `json:"hotel_id"`
	RoomTypeID int64  `json:"room_type_id"`
	CheckIn    Date   `json:"check_in"`
	CheckOut   Date   `json:"check_out"`
	// RatePlan is the code of the plan to sell (default: the room type's
	// default plan); Adults and ChildAges the party (-1: age unknown; no
	// adults and no children: the plan's base occupancy). The inventory
	// service checks every rule of the plan for the stay and party, and
	// prices the nights for them (through Price).
	RatePlan  string `json:"rate_plan,omitempty"`
	Adults    int    `json:"adults,omitempty"`
	ChildAges []int  `json:"children_ages,omitempty"`
	// Price, set by the inventory service, is called by the store inside
	// the hold's transaction, once the stay's nights through its check-out
	// are locked, with the ARI of the stay read in that transaction: it
	// returns the plan, party, prices and terms of the hold, or an error
	// that refuses it (returned as it is, unless the request is a retry of
	// a hold that exists). Without it the nights take the inventory price.
	Price func(ARISnapshot) (*HoldQuote, error) `json:"-"`
	// Restore takes the hold of a booking already sold (a repair): no rule
	// of the plan is checked and the nights take the inventory price.
	Restore bool `json:"restore,omitempty"`
	// At is when the hold is made, by the inventory service's clock (the
	// store's when zero): the recovery pass ages unconfirmed holds by it.
	At time.Time `json:"-"`
}

// Hold is the inventory a booking holds: one room of one room type on each
// of its nights. Nights lists the nights currently held, with prices; a
// released hold has none. CheckIn and CheckOut describe the stay the hold
// was last made for (an early departure moves CheckOut earlier).
type Hold struct {
	BookingID  string       `json:"booking_id"`
	HotelID    int64        `json:"hotel_id"`
	RoomTypeID int64        `json:"room_type_id"`
	CheckIn    Date         `json:"check_in"`
	CheckOut   Date         `json:"check_out"`
	Status     string       `json:"status"`
	Nights     []NightPrice `json:"nights"`
	TotalPrice Cents        `json:"total_price"`
	Currency   string       `json:"currency"`
	// RatePlanID and Terms: the plan and terms the nights are priced on
	// (none for a hold made before rate plans: the default plan's prices).
	RatePlanID int64     `json:"rate_plan_id,omitempty"`
	Terms      *Terms    `json:"terms,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// HoldMove asks to move a hold to another stay and/or room type of the same hotel.
type HoldMove struct {
	RoomTypeID int64 `json:"room_type_id"`
	CheckIn    Date  `json:"check_in"`
	CheckOut   Date  `json:"check_out"`
	// RatePlan, Adults and ChildAges as in HoldRequest: the moved hold is
	// checked and priced again (the hold's plan when RatePlan is empty and
	// the room type unchanged, else the room type's default plan).
	RatePlan  string `json:"rate_plan,omitempty"`
	Adults    int    `json:"adults,omitempty"`
	ChildAges []int  `json:"children_ages,omitempty"`
	// Price is HoldRequest.Price for a move, also given the hold as it is
	// (locked) before the move; its quote prices every night of the new
	// stay. With Price set, a move to the same stay still applies it.
	Price func(cur Hold, snap ARISnapshot) (*HoldQuote, error) `json:"-"`
	// Restore puts the hold back on the stay its booking records (the
	// recovery of an interrupted change): no rule is checked, the plan,
	// party and terms stay, new nights take the inventory price.
	Restore bool `json:"restore,omitempty"`
	// At is when, by the inventory service's clock (the store's when zero).
	At time.Time `json:"-"`
}

// HoldRelease asks to return a hold's nights to inventory: all of them, or
// with From set only the nights on or after From (an early departure).
type HoldRelease struct {
	From Date `json:"from,omitzero"`
	// At is when, by the inventory service's clock (the store's when zero).
	At time.Time `json:"-"`
}

// Adjustment takes rooms out of sale (NumRooms > 0, "blocked") or returns
// blocked rooms to sale (NumRooms < 0) for every night of [StartDate, EndDate]
// (inclusive; the seed's single date when EndDate equals StartDate).
type Adjustment struct {
	ID         int64     `json:"adjustment_id"`
	HotelID    int64     `json:"hotel_id"`
	RoomTypeID int64     `json:"room_type_id"`
	RoomType   string    `json:"room_type"`
	StartDate  Date      `json:"date"`
	EndDate    Date      `json:"end_date"`
	NumRooms   int       `json:"num_rooms"`
	Reason     string    `json:"reason,omitempty"`
	Actor      string    `json:"actor"` // the key name (or principal) that made it
	CreatedAt  time.Time `json:"created_at"`
	// IdempotencyKey, when set, makes a retry of the same request return this
	// adjustment instead of applying it twice (the same key with another
	// request is EUNPROCESSABLE). The HTTP server sets it to the id its
	// Idempotency-Key claim chose for the request (package idempotency), so
	// a retry that resumes an interrupted request finds the adjustment.
	IdempotencyKey string `json:"-"`
}

// CalendarUpdate sets capacity, price and/or demand level for every night of
// [StartDate, EndDate] (inclusive) of one room type. Nil fields keep their
// value; nights that do not exist yet are created and need Capacity and Price.
type CalendarUpdate struct {
	HotelID     int64   `json:"-"`
	RoomTypeID  int64   `json:"room_type_id"`
	StartDate   Date    `json:"start_date"`
	EndDate     Date    `json:"end_date"`
	Capacity    *int    `json:"capacity,omitempty"`
	Price       *Cents  `json:"price,omitempty"`
	DemandLevel *string `json:"demand_level,omitempty"`
}

// CalendarResult reports what a calendar update did.
type CalendarResult struct {
	Updated int `json:"updated"`
	Created int `json:"created"`
}

// HotelFilter selects hotels, ordered by id.
type HotelFilter struct { //nolint:revive // named like InventoryFilter and BookingFilter beside it
	Location string // case-insensitive exact match
	AfterID  int64
	Limit    int
}

// InventoryAdmin is the part of the inventory service that changes the
// catalogue and calendar; callers need the inventory:write scope.
type InventoryAdmin interface {
	CreateHotel(ctx context.Context, h *Hotel) error
	UpdateHotel(ctx context.Context, h *Hotel) error
	ListHotels(ctx context.Context, f HotelFilter) ([]Hotel, error)
	ListRoomTypes(ctx context.Context, hotelID int64) ([]RoomType, error)
	CreateRoomType(ctx context.Context, rt *RoomType) error
	UpdateRoomType(ctx context.Context, rt *RoomType) error
	SetCalendar(ctx context.Context, u CalendarUpdate) (*CalendarResult, error)
	// Adjust blocks or unblocks rooms; replayed is true when the adjustment's
	// IdempotencyKey matched an earlier identical request.
	Adjust(ctx context.Context, a *Adjustment) (replayed bool, err error)
	// ListAdjustments returns a page of a hotel's adjustment log, newest
	// first: those with id < beforeID, or the newest when beforeID is 0.
	ListAdjustments(ctx context.Context, hotelID int64, beforeID int64, limit int) ([]Adjustment, error)
}

// Holds is the reservation-hold API the booking service uses to take rooms.
// Every call is idempotent on the booking id.
type Holds interface {
	// CreateHold holds every night or none. created is false when an
	// identical hold already existed. Errors: ECONFLICT (sold out, with the
	// short nights in Error.Nights; or the id used for another request),
	// EINVALID (bad input, or a hotel or room type that does not exist,
	// naming the field).
	CreateHold(ctx context.Context, req HoldRequest) (h *Hold, created bool, err error)
	// CreateHolds holds the rooms of a multi-room booking in one step: one
	// hold per request (the k-th request's BookingID is RoomHoldID(booking,
	// k)), every night of every room or nothing at all. Two rooms of one
	// room type need two rooms for sale on each night. created is false
	// when every hold already existed, made by the same requests, and the
	// booking holds no further room (a retry); then nothing changes and the
	// holds are returned as they are. The group has 1 to MaxRoomsPerBooking
	// requests, all of one hotel and one stay (the same check-in and
	// check-out). Errors: ECONFLICT (sold out, with the short nights of all
	// the rooms in Error.Nights; an id used for another request; some of
	// the rooms held and others not, or more rooms held than asked; a rule
	// of a room's plan broken, the message naming the room), EINVALID (bad
	// input naming the field — rooms[i].… for the i-th request, 0-based —,
	// a hotel or room type that does not exist, too many rooms, rooms of
	// different hotels or stays).
	CreateHolds(ctx context.Context, reqs []HoldRequest) (holds []Hold, created bool, err error)
	GetHold(ctx context.Context, bookingID string) (*Hold, error)
	// MoveHold takes the new nights and returns the old ones atomically.
	// Errors: ECONFLICT (sold out with Nights; hold released), ENOTFOUND
	// (no hold), EINVALID.
	MoveHold(ctx context.Context, bookingID string, m HoldMove) (*Hold, error)
	// ReleaseHold returns nights to inventory; releasing again changes nothing.
	ReleaseHold(ctx context.Context, bookingID string, r HoldRelease) (*Hold, error)
	// UnconfirmedHolds returns at most limit (1–MaxHoldBatch) holds made
	// before before and not confirmed since, oldest first: the creates the
	// booking service's recovery pass settles.
	// Errors: EINVALID.
	UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]Hold, error)
	// ConfirmHolds records that the bookings of ids (at most MaxHoldBatch)
	// are recorded, so their holds are settled; ids without a hold, or
	// confirmed already, are skipped. It returns how many it confirmed.
	// Errors: EINVALID (an id that is not a booking id).
	ConfirmHolds(ctx context.Context, ids []string) (int, error)
}

// MaxHoldBatch bounds UnconfirmedHolds and ConfirmHolds.
const MaxHoldBatch = 500

// MaxRoomsPerBooking is the most rooms one booking may hold (CreateHolds).
const MaxRoomsPerBooking = 9

// RoomHoldID returns the hold id of room number room (1-based) of a
// multi-room booking. Room 1 holds under the booking id itself, so a
// booking of one room keeps the hold it always had; room k > 1 under a
// name-based UUID (version 5) derived from the booking id and k, so a
// retry finds the same holds and no two bookings' rooms share an id. It
// returns "" for room < 1, or for room > 1 when bookingID is not a
// booking id (ParseBookingID).
func RoomHoldID(bookingID string, room int) string {
	switch {
	case room < 1:
		return ""
	case room == 1:
		return bookingID
	}
	id, ok := ParseBookingID(bookingID)
	if !ok {
		return ""
	}
	return uuid.NewSHA1(uuid.MustParse(id), []byte("room "+strconv.Itoa(room))).String()
}

// HoldConfirmation is the body of POST /inventory/holds/confirm and its answer.
type HoldConfirmation struct {
	BookingIDs []string `json:"booking_ids,omitempty"`
	Confirmed  int      `json:"confirmed"`
}
