package store

import (
	"github.com/hotelplatform/hotel"
)

// SnapshotBuilder assembles the hotel.ARISnapshot of LoadARI from the rows
// a driver reads, in this order: Room, Plan, then Night, Rate and Rule.
type SnapshotBuilder struct {
	snap     hotel.ARISnapshot
	defaults map[int64]int64 // room type id → its default plan's id
}

// NewSnapshotBuilder returns an empty builder.
func NewSnapshotBuilder() *SnapshotBuilder {
	return &SnapshotBuilder{
		snap:     hotel.ARISnapshot{Hotels: map[int64]hotel.Hotel{}, Plans: hotel.Plans{}, ARI: hotel.NewARI()},
		defaults: map[int64]int64{},
	}
}

// Room adds a selected room type and its hotel.
func (b *SnapshotBuilder) Room(h hotel.Hotel, rt hotel.RoomType) {
	b.snap.Hotels[h.ID] = h
	b.snap.RoomTypes = append(b.snap.RoomTypes, rt)
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

// Plan adds a rate plan.
func (b *SnapshotBuilder) Plan(p hotel.RatePlan) {
	b.snap.Plans[p.ID] = p
	if p.Default {
		b.defaults[p.RoomTypeID] = p.ID
	}
}

// Night adds an inventory night: rooms for sale, and the price, which is
// the default plan's.
func (b *SnapshotBuilder) Night(roomTypeID int64, night hotel.Date, available int, price hotel.Cents) {
	b.snap.ARI.Rooms[hotel.RoomNight{RoomTypeID: roomTypeID, Night: night}] = available
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
       base_adults, extra_adult_cents, child_bands`

// RatePlanDest returns the scan destinations of RatePlanColumns.
func RatePlanDest(r *RatePlanRow) []any {
	return []any{&r.ID, &r.HotelID, &r.RoomTypeID, &r.Code, &r.Name, &r.MealPlan, &r.Refundable, &r.Sellable, &r.IsDefault,
		&r.ParentID, &r.AdjustPercentBp, &r.AdjustAmountCents, &r.FollowsParentRestrictions,
		&r.BaseAdults, &r.ExtraAdultCents, &r.ChildBands}
}
