package hotel

import (
	"encoding/json"
	"time"
)

// Event is one committed change as the event feed shows it (GET /events).
// Every change of a booking row writes one, in the change's own
// transaction (the stores' triggers), so the feed has no event without its
// change and no change without its event.
type Event struct {
	// ID is the event's position in the feed (commit order), as a decimal
	// string: unique, the same on every read and delivery, and the cursor
	// to resume after it.
	ID string `json:"id"`
	// Type is one of EventTypes.
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	HotelID int64     `json:"hotel_id"`
	// Subject is what changed (a booking row: the booking's id, or room
	// k's own id), and Sequence its changes counted from 1, in order.
	Subject  string          `json:"subject"`
	Sequence int64           `json:"sequence"`
	Data     json.RawMessage `json:"data"`
}

// The types of events.
const (
	EventBookingCreated   = "booking.created"
	EventBookingFailed    = "booking.failed"
	EventBookingModified  = "booking.modified"
	EventBookingCancelled = "booking.cancelled"
	EventBookingCheckedIn = "booking.checked_in"
	EventBookingNoShow    = "booking.no_show"
	EventBookingCompleted = "booking.completed"
	EventARIChanged       = "ari.changed"
	EventHotelChanged     = "hotel.changed"
)

// EventTypes are the types of events, in the order documented.
var EventTypes = []string{EventBookingCreated, EventBookingFailed, EventBookingModified, EventBookingCancelled,
	EventBookingCheckedIn, EventBookingNoShow, EventBookingCompleted, EventARIChanged, EventHotelChanged}

// BookingEventTypes are the types of the events of booking rows.
var BookingEventTypes = EventTypes[:7]

// ARIEvent is the data of an ari.changed event — What (availability,
// rates or restrictions) changed for room type RoomTypeID (0: every room
// type of the hotel, as the base-plan prices are kept) over the nights
// FirstNight…LastNight — or of a hotel.changed event (What "catalogue":
// the hotel, its room types or rate plans; no nights). Read the ARI
// calendar or the catalogue for the new values.
type ARIEvent struct {
	What       string `json:"what"`
	RoomTypeID int64  `json:"room_type_id,omitempty"`
	FirstNight Date   `json:"first_night,omitzero"`
	LastNight  Date   `json:"last_night,omitzero"`
}

// BookingEvent is the data of a booking event: the row's state after the
// change. It never carries the guest's name (read the booking for it, with
// guests:read).
type BookingEvent struct {
	// BookingID is the booking's id; RoomID the row's own (the booking's
	// for room 1), RoomNo its room number.
	BookingID        string `json:"booking_id"`
	RoomID           string `json:"room_id"`
	RoomNo           int    `json:"room_no"`
	ConfirmationCode string `json:"confirmation_code"`
	Status           string `json:"reservation_status"`
	Version          int    `json:"version"`
	RoomTypeID       int64  `json:"room_type_id"`
	RatePlan         string `json:"rate_plan,omitempty"`
	ArrivalDate      Date   `json:"arrival_date"`
	StayLength       int    `json:"stay_length"`
	CheckOutDate     Date   `json:"check_out_date"`
	DepartedOn       Date   `json:"departed_on,omitzero"`
	Adults           int    `json:"adults"`
	Children         int    `json:"children"`
	TotalPrice       Cents  `json:"total_price"`
	Currency         string `json:"currency"`
	CancellationFee  *Cents `json:"cancellation_fee,omitempty"`
	NoShowFee        *Cents `json:"no_show_fee,omitempty"`
}

// EventFilter selects events of the feed: those after position After (0:
// from the start of retention), of the types Types (none: every type), of
// hotel HotelID (0: every hotel), at most Limit.
type EventFilter struct {
	After   int64
	Types   []string
	HotelID int64
	Limit   int
}

// EventConsumer is a named consumer of the feed (PUT
// /events/consumers/{name}): the position it stored, to resume after, and
// where its unacknowledged view of booking events starts.
type EventConsumer struct {
	Name      string    `json:"name"`
	Position  int64     `json:"position,string"`
	AckFrom   int64     `json:"acknowledge_from,string"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}
