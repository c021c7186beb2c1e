package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hotelplatform/hotel"
)

// SnapshotBuilder assembles the hotel.ARISnapshot of LoadARI from the rows
// a driver reads, in this order: Room, Plan, then Night, Rate and Rule.
type SnapshotBuilder struct {
	snap     hotel.ARISnapshot
	defaults map[int64]int64 // room type id → its default plan's id
	plans    int             // base plans added
	nights   int             // from Reserve
}

// NewSnapshotBuilder returns an empty builder.
func NewSnapshotBuilder() *SnapshotBuilder {
	return &SnapshotBuilder{
		snap:     hotel.ARISnapshot{Hotels: map[int64]hotel.Hotel{}, Plans: hotel.Plans{}, ARI: hotel.NewARI()},
		defaults: map[int64]int64{},
	}
}

// Room adds a selected room type and its hotel.
func (b *SnapshotBuilder) Room(h hotel.Hotel, taxes string, rt hotel.RoomType) error {
	if prev, ok := b.snap.Hotels[h.ID]; ok {
		h.Taxes = prev.Taxes // the hotel of an earlier room type: read once
	} else {
		t, err := ParseTaxes(taxes)
		if err != nil {
			return fmt.Errorf("hotel %d: taxes: %w", h.ID, err)
		}
		h.Taxes = t
	}
	b.snap.Hotels[h.ID] = h
	b.snap.RoomTypes = append(b.snap.RoomTypes, rt)
	return nil
}

// HotelIDs returns the hotels of the room types added, ascending.
func (b *SnapshotBuilder) HotelIDs() []int64 {
	var out []int64
	for _, rt := range b.snap.RoomTypes {
		if len(out) == 0 || out[len(out)-1] != rt.HotelID {
			out = append(out, rt.HotelID)
		}
	}
	return out
}

// RoomTypeIDs returns the ids of the room types added.
func (b *SnapshotBuilder) RoomTypeIDs() []int64 {
	out := make([]int64, len(b.snap.RoomTypes))
	for i, rt := range b.snap.RoomTypes {
		out[i] = rt.ID
	}
	return out
}

// Reserve sizes the snapshot's ARI for the room types added over a number
// of nights, and the prices for the base plans added before the first
// Night (a hint: rows beyond it are still added).
func (b *SnapshotBuilder) Reserve(nights int) {
	if nights <= 0 || len(b.snap.ARI.Rooms) > 0 {
		return
	}
	b.nights = nights
	b.snap.ARI.Rooms = make(map[hotel.RoomNight]int, len(b.snap.RoomTypes)*nights)
}

// Plan adds a rate plan.
func (b *SnapshotBuilder) Plan(p hotel.RatePlan) {
	b.snap.Plans[p.ID] = p
	if p.ParentID == 0 {
		b.plans++
	}
	if p.Default {
		b.defaults[p.RoomTypeID] = p.ID
	}
}

// Night adds an inventory night: rooms for sale, and the price, which is
// the default plan's.
func (b *SnapshotBuilder) Night(roomTypeID int64, night hotel.Date, available int, price hotel.Cents) {
	if b.nights > 0 && len(b.snap.ARI.Prices) == 0 {
		b.snap.ARI.Prices = make(map[hotel.PlanNight]hotel.Cents, b.plans*b.nights)
		b.nights = 0
	}
	b.snap.ARI.Rooms[hotel.RoomNight{RoomTypeID: roomTypeID, Night: night}] = available
	if id, ok := b.defaults[roomTypeID]; ok {
		b.snap.ARI.Prices[hotel.PlanNight{PlanID: id, Night: night}] = price
	}
}

// ForeignDefaults returns the room types, not among those added, whose
// default plan is the base of a plan of a room type added (a plan derived
// from another room type's default plan): the driver reads their nights'
// prices too (Price), after the plans.
func (b *SnapshotBuilder) ForeignDefaults() []int64 {
	selected := make(map[int64]bool, len(b.snap.RoomTypes))
	for _, rt := range b.snap.RoomTypes {
		selected[rt.ID] = true
	}
	var out []int64
	for _, p := range b.snap.Plans {
		if !selected[p.RoomTypeID] || p.ParentID == 0 {
			continue
		}
		chain, err := b.snap.Plans.Chain(p)
		if err != nil {
			continue // the stores refuse cycles; Quote reports a broken chain
		}
		if base := chain[len(chain)-1]; base.Default && !selected[base.RoomTypeID] && !slices.Contains(out, base.RoomTypeID) {
			out = append(out, base.RoomTypeID)
		}
	}
	slices.Sort(out)
	return out
}

// Price adds the price of a night of a room type ForeignDefaults named:
// its default plan's, with no rooms (the room type is not offered).
func (b *SnapshotBuilder) Price(roomTypeID int64, night hotel.Date, price hotel.Cents) {
	if id, ok := b.defaults[roomTypeID]; ok {
		b.snap.ARI.Prices[hotel.PlanNight{PlanID: id, Night: night}] = price
	}
}

// Rate adds a base plan's price on a night.
func (b *SnapshotBuilder) Rate(planID int64, night hotel.Date, price hotel.Cents) {
	b.snap.ARI.Prices[hotel.PlanNight{PlanID: planID, Night: night}] = price
}

// Rule adds the restrictions of a date.
func (b *SnapshotBuilder) Rule(roomTypeID, planID int64, date hotel.Date, r hotel.Restrictions) {
	b.snap.ARI.Rules[hotel.RuleKey{RoomTypeID: roomTypeID, PlanID: planID, Date: date}] = r
}

// Snapshot returns what was added.
func (b *SnapshotBuilder) Snapshot() hotel.ARISnapshot { return b.snap }

// RoomTypeColumns are the columns of hotel h and room type rt a driver
// reads for a snapshot into RoomTypeDest, in order.
const RoomTypeColumns = `h.id, h.name, h.location, h.time_zone, h.currency, h.taxes, rt.id, rt.name, rt.max_occupancy, rt.overbooking_allowance`

// RoomTypeDest returns the scan destinations of RoomTypeColumns (the
// hotel's taxes as stored, for Room).
func RoomTypeDest(h *hotel.Hotel, taxes *string, rt *hotel.RoomType) []any {
	return []any{&h.ID, &h.Name, &h.Location, &h.TimeZone, &h.Currency, taxes, &rt.ID, &rt.Name, &rt.MaxOccupancy, &rt.OverbookingAllowance}
}

// RestrictionColumns are the columns of table restriction_night a driver
// reads into RestrictionDest, in order.
const RestrictionColumns = `min_stay_arrival, max_stay_arrival, min_stay_through, max_stay_through,
       closed_to_arrival, closed_to_departure, stop_sell, min_advance, max_advance`

// RestrictionDest returns the scan destinations of RestrictionColumns.
func RestrictionDest(r *hotel.Restrictions) []any {
	return []any{&r.MinStayArrival, &r.MaxStayArrival, &r.MinStayThrough, &r.MaxStayThrough,
		&r.ClosedToArrival, &r.ClosedToDeparture, &r.StopSell, &r.MinAdvance, &r.MaxAdvance}
}

// RatePlanColumns are the columns of table rate_plan a driver reads into
// RatePlanDest, in order.
const RatePlanColumns = `id, hotel_id, room_type_id, code, name, meal_plan, refundable, sellable, is_default,
       parent_id, adjust_percent_bp, adjust_amount_cents, follows_parent_restrictions,
       base_adults, extra_adult_cents, child_bands, policies`

// RatePlanDest returns the scan destinations of RatePlanColumns.
func RatePlanDest(r *RatePlanRow) []any {
	return []any{&r.ID, &r.HotelID, &r.RoomTypeID, &r.Code, &r.Name, &r.MealPlan, &r.Refundable, &r.Sellable, &r.IsDefault,
		&r.ParentID, &r.AdjustPercentBp, &r.AdjustAmountCents, &r.FollowsParentRestrictions,
		&r.BaseAdults, &r.ExtraAdultCents, &r.ChildBands, &r.Policies}
}

// Rates is the rate plan and bulk ARI part of the contract. Its writes
// take the hotel's row lock first (PostgreSQL: FOR NO KEY UPDATE, which
// bookings' foreign keys do not wait for), so the plans and ARI of one
// hotel are written one transaction at a time and the checks of the plans
// read inside it (parents, cycles) hold at commit.
type Rates interface {
	// GetRatePlan returns one plan of a hotel. Errors: ErrNotFound.
	GetRatePlan(ctx context.Context, hotelID, id int64) (hotel.RatePlan, error)
	// CreateRatePlan inserts p (never a default plan) and sets p.ID.
	// Errors: ErrNotFound (hotel, room type of the hotel, or parent of the
	// hotel), ErrConflict (code taken in the hotel).
	CreateRatePlan(ctx context.Context, p *hotel.RatePlan) error
	// UpdateRatePlan replaces every field of p.ID but hotel, room type and
	// default mark. Errors: ErrNotFound (plan or parent), ErrConflict
	// (code taken, a derivation cycle, a derived default plan).
	UpdateRatePlan(ctx context.Context, p hotel.RatePlan) error
	// ApplyARI applies c.Updates (see ARIOps) in one transaction, all or
	// nothing, records c and sets its ID, CreatedAt and Result. With
	// c.IdempotencyKey set and an earlier change by c.Actor with that key:
	// the same request (hotel, reason, updates) replaces *c by it and
	// replayed is true; another is ErrIdempotencyMismatch. Errors:
	// ErrNotFound (hotel), ErrNotFound or ErrConflict from ARIOps,
	// *NightsError wrapping ErrConflict (capacity below held + blocked -
	// allowance) or ErrNotFound (capacity or the default plan's price on
	// nights without inventory, unless both are set: those nights are
	// created).
	ApplyARI(ctx context.Context, c *hotel.ARIChange) (replayed bool, err error)
	// ListARIChanges returns at most limit changes of a hotel with id <
	// beforeID, newest first.
	ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.ARIChange, error)
}

// CheckRatePlan checks p, about to be written, against the other plans of
// its hotel as the writing transaction reads them: its parent is one of
// them, its chain has no cycle, a default plan stays a base plan. Errors
// wrap ErrNotFound (parent) or ErrConflict.
func CheckRatePlan(plans []hotel.RatePlan, p hotel.RatePlan) error {
	ps := hotel.PlansOf(plans)
	if p.ParentID != 0 {
		if _, ok := ps[p.ParentID]; !ok {
			return fmt.Errorf("%w: parent plan %d is not of hotel %d", ErrNotFound, p.ParentID, p.HotelID)
		}
	}
	if p.Default && p.ParentID != 0 {
		return fmt.Errorf("%w: the default plan %s cannot be derived", ErrConflict, p.Code)
	}
	if p.ID == 0 {
		return nil // nothing derives from a new plan yet
	}
	ps[p.ID] = p
	if _, err := ps.Chain(p); err != nil {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return nil
}

// ChildBandsJSON is how both drivers store a plan's child bands.
func ChildBandsJSON(p hotel.RatePlan) string {
	bands := p.Occupancy.ChildBands
	if bands == nil {
		bands = []hotel.ChildBand{}
	}
	b, _ := json.Marshal(bands) // ints and Cents only: cannot fail
	return string(b)
}

// ARIOp is one update of a bulk ARI change as a driver applies it: the
// plan resolved, the dates listed.
type ARIOp struct {
	RoomTypeID int64
	// PlanID is the plan whose price and restrictions are set; 0: the
	// room type's restrictions (for every plan).
	PlanID int64
	// DefaultPlan: PlanID is the room type's default plan, whose price is
	// the inventory night's.
	DefaultPlan bool
	Nights      []hotel.Date // ascending
	Price       *hotel.Cents
	Capacity    *int
	Rules       *hotel.RestrictionPatch
}

// ARIOps resolves the updates of a change against the hotel's plans (read
// in the writing transaction). Errors: ErrNotFound (a plan code the room
// type does not have), ErrConflict (a price for a derived plan, or for no
// plan).
func ARIOps(plans []hotel.RatePlan, updates []hotel.ARIUpdate) ([]ARIOp, error) {
	byCode := make(map[string]hotel.RatePlan, len(plans))
	for _, p := range plans {
		byCode[p.Code] = p
	}
	ops := make([]ARIOp, len(updates))
	for i, u := range updates {
		op := ARIOp{RoomTypeID: u.RoomTypeID, Nights: u.Nights(), Price: u.Price, Capacity: u.Capacity, Rules: u.Rules}
		if u.RatePlan != "" {
			p, ok := byCode[u.RatePlan]
			if !ok || p.RoomTypeID != u.RoomTypeID {
				return nil, fmt.Errorf("%w: update %d: room type %d has no rate plan %s", ErrNotFound, i, u.RoomTypeID, u.RatePlan)
			}
			op.PlanID, op.DefaultPlan = p.ID, p.Default
			if u.Price != nil && p.ParentID != 0 {
				return nil, fmt.Errorf("%w: update %d: rate plan %s is derived: it has no prices of its own", ErrConflict, i, p.Code)
			}
		} else if u.Price != nil {
			return nil, fmt.Errorf("%w: update %d: a price needs a rate plan", ErrConflict, i)
		}
		ops[i] = op
	}
	return ops, nil
}

// ARIRequest is the request of a change as ari_change records it: what an
// idempotent retry must repeat exactly.
func ARIRequest(c *hotel.ARIChange) (string, error) {
	b, err := json.Marshal(struct {
		HotelID int64             `json:"hotel_id"`
		Reason  string            `json:"reason,omitempty"`
		Updates []hotel.ARIUpdate `json:"updates"`
	}{c.HotelID, c.Reason, c.Updates})
	return string(b), err
}

// ARIChangeRow is a row of table ari_change as both drivers read it.
type ARIChangeRow struct {
	ID        int64
	HotelID   int64
	Actor     string
	Reason    sql.NullString
	Request   string
	Result    string
	CreatedAt time.Time
}

// ARIChangeColumns are the columns of table ari_change a driver reads
// into ARIChangeDest, in order.
const ARIChangeColumns = `id, hotel_id, actor, reason, request, result, created_at`

// ARIChange returns the change r holds.
func (r ARIChangeRow) ARIChange() (hotel.ARIChange, error) {
	c := hotel.ARIChange{ID: r.ID, HotelID: r.HotelID, Actor: r.Actor, Reason: r.Reason.String, CreatedAt: r.CreatedAt.UTC()}
	var req struct {
		Updates []hotel.ARIUpdate `json:"updates"`
	}
	if err := json.Unmarshal([]byte(r.Request), &req); err != nil {
		return c, fmt.Errorf("ari change %d: request: %w", r.ID, err)
	}
	c.Updates = req.Updates
	if err := json.Unmarshal([]byte(r.Result), &c.Result); err != nil {
		return c, fmt.Errorf("ari change %d: result: %w", r.ID, err)
	}
	return c, nil
}

// ResultJSON is how both drivers store a change's result.
func ResultJSON(r hotel.ARIResult) string {
	b, _ := json.Marshal(r) // ints only: cannot fail
	return string(b)
}

// ARIChangeDest returns the scan destinations of ARIChangeColumns.
func ARIChangeDest(r *ARIChangeRow) []any {
	return []any{&r.ID, &r.HotelID, &r.Actor, &r.Reason, &r.Request, &r.Result, TimeDest(&r.CreatedAt)}
}

// RestrictionArgs returns the values a patch sets, in the order of
// RestrictionColumns, nil for the fields it keeps.
func RestrictionArgs(p hotel.RestrictionPatch) []any {
	i := func(n *int) any {
		if n == nil {
			return nil
		}
		return int64(*n)
	}
	b := func(v *bool) any {
		if v == nil {
			return nil
		}
		return *v
	}
	return []any{i(p.MinStayArrival), i(p.MaxStayArrival), i(p.MinStayThrough), i(p.MaxStayThrough),
		b(p.ClosedToArrival), b(p.ClosedToDeparture), b(p.StopSell), i(p.MinAdvance), i(p.MaxAdvance)}
}

// RestrictionNames are the column names of RestrictionColumns.
var RestrictionNames = []string{"min_stay_arrival", "max_stay_arrival", "min_stay_through", "max_stay_through",
	"closed_to_arrival", "closed_to_departure", "stop_sell", "min_advance", "max_advance"}
