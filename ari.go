package hotel

import (
	"context"
	"time"
)

// This file holds what an administrator (or a channel manager) writes and
// reads of a hotel's rates and restrictions: rate plans, bulk ARI updates
// with their audit log, and the ARI calendar.

// ARIAdmin is the part of the inventory service that manages rate plans
// and ARI (availability, rates and inventory); writes need the
// inventory:write scope.
type ARIAdmin interface {
	// ListRatePlans returns a hotel's rate plans by room type, then id.
	// Errors: ENOTFOUND (hotel).
	ListRatePlans(ctx context.Context, hotelID int64) ([]RatePlan, error)
	// GetRatePlan returns one plan of a hotel. Errors: ENOTFOUND.
	GetRatePlan(ctx context.Context, hotelID, id int64) (*RatePlan, error)
	// CreateRatePlan validates p, stores it and sets p.ID (p.Default is
	// always false: the default plan comes with its room type). Errors:
	// ENOTFOUND (hotel), EINVALID (fields; a room type or parent the hotel
	// does not have), ECONFLICT (code taken).
	CreateRatePlan(ctx context.Context, p *RatePlan) error
	// UpdateRatePlan replaces every field of p.ID but its room type and
	// default mark. Errors: ENOTFOUND, EINVALID (fields, unknown parent, a
	// derivation cycle, a derived default plan), ECONFLICT (code taken).
	UpdateRatePlan(ctx context.Context, p *RatePlan) error
	// ApplyARI applies every update of c in one transaction, or none, and
	// records c (sets ID, CreatedAt, Result). With c.IdempotencyKey set and
	// an earlier change by the same Actor under that key: the same request
	// replays it (replayed true), another is EUNPROCESSABLE. Errors:
	// ENOTFOUND (hotel), EINVALID (fields; nights without inventory, with
	// Nights), ECONFLICT (capacity below the rooms held and blocked, with
	// Nights).
	ApplyARI(ctx context.Context, c *ARIChange) (replayed bool, err error)
	// ListARIChanges returns a page of a hotel's ARI changes, newest first:
	// those with id < beforeID, or the newest when beforeID is 0.
	ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]ARIChange, error)
	// ARICalendar returns the availability, prices and effective
	// restrictions of a hotel's room types and plans over a range of dates.
	// Errors: ENOTFOUND (hotel), EINVALID.
	ARICalendar(ctx context.Context, q ARICalendarQuery) (*ARICalendar, error)
}

// Limits of one bulk ARI update.
const (
	MaxARIUpdates = 1000
	MaxARINights  = 50_000 // summed over the updates of one call
)

// ARIChange is one bulk ARI update: what was asked (Reason, Updates), by
// whom, and what it did. It is the audit log's entry.
type ARIChange struct {
	ID        int64       `json:"change_id"`
	HotelID   int64       `json:"hotel_id"`
	Actor     string      `json:"actor"`
	Reason    string      `json:"reason,omitempty"`
	Updates   []ARIUpdate `json:"updates"`
	Result    ARIResult   `json:"result"`
	CreatedAt time.Time   `json:"created_at"`
	// IdempotencyKey, when set, makes a retry of the same request return
	// this change instead of applying it twice (see Adjustment).
	IdempotencyKey string `json:"-"`
}

// ARIUpdate sets, on the dates [From, To] of a room type falling on
// Weekdays (all when empty), a plan's price, the room type's capacity and
// the restrictions of the plan (RatePlan, a code) or, without RatePlan,
// of every plan of the room type. Nil fields keep their value.
type ARIUpdate struct {
	RoomTypeID int64             `json:"room_type_id"`
	RatePlan   string            `json:"rate_plan,omitempty"`
	From       Date              `json:"from"`
	To         Date              `json:"to"`
	Weekdays   []string          `json:"weekdays,omitempty"`
	Price      *Cents            `json:"price,omitempty"`
	Capacity   *int              `json:"capacity,omitempty"`
	Rules      *RestrictionPatch `json:"restrictions,omitempty"`
}

// RestrictionPatch changes restrictions: a set field overwrites (0 and
// false clear it), a nil one keeps what is stored.
type RestrictionPatch struct {
	MinStayArrival    *int  `json:"min_stay_arrival,omitempty"`
	MaxStayArrival    *int  `json:"max_stay_arrival,omitempty"`
	MinStayThrough    *int  `json:"min_stay_through,omitempty"`
	MaxStayThrough    *int  `json:"max_stay_through,omitempty"`
	ClosedToArrival   *bool `json:"closed_to_arrival,omitempty"`
	ClosedToDeparture *bool `json:"closed_to_departure,omitempty"`
	StopSell          *bool `json:"stop_sell,omitempty"`
	MinAdvance        *int  `json:"min_advance,omitempty"`
	MaxAdvance        *int  `json:"max_advance,omitempty"`
}

// Apply returns r with the fields p sets replaced.
func (p RestrictionPatch) Apply(r Restrictions) Restrictions {
	setInt := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	setBool := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	setInt(&r.MinStayArrival, p.MinStayArrival)
	setInt(&r.MaxStayArrival, p.MaxStayArrival)
	setInt(&r.MinStayThrough, p.MinStayThrough)
	setInt(&r.MaxStayThrough, p.MaxStayThrough)
	setBool(&r.ClosedToArrival, p.ClosedToArrival)
	setBool(&r.ClosedToDeparture, p.ClosedToDeparture)
	setBool(&r.StopSell, p.StopSell)
	setInt(&r.MinAdvance, p.MinAdvance)
	setInt(&r.MaxAdvance, p.MaxAdvance)
	return r
}

// Weekdays are the names ARIUpdate.Weekdays takes, Sunday first as
// time.Weekday counts.
var Weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Nights returns the dates of [u.From, u.To] on u's weekdays, ascending
// (unknown weekday names match no date; the service refuses them).
func (u ARIUpdate) Nights() []Date {
	var days [7]bool
	for _, w := range u.Weekdays {
		for i, name := range Weekdays {
			if w == name {
				days[i] = true
			}
		}
	}
	var out []Date
	for d := u.From; !d.After(u.To); d = d.AddDays(1) {
		if len(u.Weekdays) == 0 || days[d.Time().Weekday()] {
			out = append(out, d)
		}
	}
	return out
}

// ARIResult counts what a bulk ARI update wrote: nights whose capacity,
// prices set, dates whose restrictions changed, inventory nights created.
type ARIResult struct {
	Capacity     int `json:"capacity"`
	Prices       int `json:"prices"`
	Restrictions int `json:"restrictions"`
	Created      int `json:"created"`
}

// ARICalendarQuery selects an ARI calendar: a hotel's room types (one with
// RoomTypeID) over [From, To] (inclusive; From defaults to today in the
// hotel's zone, To to DefaultRangeDays nights).
type ARICalendarQuery struct {
	HotelID    int64
	RoomTypeID int64
	From, To   Date
}

// ARICalendar is a hotel's ARI over a range of dates.
type ARICalendar struct {
	HotelID   int64             `json:"hotel_id"`
	Currency  string            `json:"currency"`
	From      Date              `json:"from"`
	To        Date              `json:"to"`
	RoomTypes []ARIRoomCalendar `json:"room_types"`
}

// ARIRoomCalendar is one room type's calendar: its nights and its plans'.
type ARIRoomCalendar struct {
	RoomTypeID int64             `json:"room_type_id"`
	RoomType   string            `json:"room_type"`
	Nights     []ARIRoomNight    `json:"nights"`
	Plans      []ARIPlanCalendar `json:"rate_plans"`
}

// ARIRoomNight is a room type's inventory on a date; a date without
// inventory is left out.
type ARIRoomNight struct {
	Date      Date `json:"date"`
	Capacity  int  `json:"total_rooms"`
	Available int  `json:"available_rooms"`
}

// ARIPlanCalendar is one plan's prices and effective restrictions.
type ARIPlanCalendar struct {
	RatePlanID int64          `json:"rate_plan_id"`
	Code       string         `json:"code"`
	Sellable   bool           `json:"sellable"`
	Nights     []ARIPlanNight `json:"nights"`
}

// ARIPlanNight is a plan on a date: its price for the base occupancy
// (absent without one) and the restrictions that apply (its room type's,
// its own, its ancestors' it follows).
type ARIPlanNight struct {
	Date         Date         `json:"date"`
	Price        *Cents       `json:"price,omitempty"`
	Restrictions Restrictions `json:"restrictions"`
}
