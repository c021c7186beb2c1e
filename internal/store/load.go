package store

import (
	"encoding/json"
	"fmt"

	"github.com/hotelplatform/hotel"
)

// LoadRatePlanColumns are the columns of table rate_plan a Load writes, in the
// order of RatePlanValues.
var LoadRatePlanColumns = []string{"id", "hotel_id", "room_type_id", "code", "name", "meal_plan", "refundable", "sellable",
	"is_default", "parent_id", "adjust_percent_bp", "adjust_amount_cents", "follows_parent_restrictions",
	"base_adults", "extra_adult_cents", "child_bands", "policies"}

// RatePlanValues returns p as the values of LoadRatePlanColumns (parent_id nil
// for a base plan, booleans as bools, child bands as the JSON the store
// reads back).
func RatePlanValues(p hotel.RatePlan) ([]any, error) {
	bands := p.Occupancy.ChildBands
	if bands == nil {
		bands = []hotel.ChildBand{}
	}
	js, err := json.Marshal(bands)
	if err != nil {
		return nil, fmt.Errorf("rate plan %d: child bands: %w", p.ID, err)
	}
	var parent any
	if p.ParentID != 0 {
		parent = p.ParentID
	}
	return []any{p.ID, p.HotelID, p.RoomTypeID, p.Code, p.Name, p.MealPlan, p.Refundable, p.Sellable,
		p.Default, parent, int32(p.PercentBP), int64(p.AmountCents), p.FollowsParentRestrictions,
		int32(p.Occupancy.BaseAdults), int64(p.Occupancy.ExtraAdult), string(js), PoliciesJSON(p)}, nil
}

// LoadRestrictionColumns are the columns of table restriction_night, in the
// order of RestrictionValues.
var LoadRestrictionColumns = []string{"hotel_id", "room_type_id", "rate_plan_id", "night",
	"min_stay_arrival", "max_stay_arrival", "min_stay_through", "max_stay_through",
	"closed_to_arrival", "closed_to_departure", "stop_sell", "min_advance", "max_advance"}

// RestrictionValues returns r's values of LoadRestrictionColumns, the night
// as night (each driver writes dates its own way).
func RestrictionValues(r Restriction, night any) []any {
	x := r.Restrictions
	return []any{r.HotelID, r.RoomTypeID, r.RatePlanID, night,
		int32(x.MinStayArrival), int32(x.MaxStayArrival), int32(x.MinStayThrough), int32(x.MaxStayThrough),
		x.ClosedToArrival, x.ClosedToDeparture, x.StopSell, int32(x.MinAdvance), int32(x.MaxAdvance)}
}

// MissingDefaultPlans is the error of a Load whose rate plans do not give
// each of its room types its default plan.
func MissingDefaultPlans(roomTypes, defaults int64) error {
	return fmt.Errorf("%w: the data set's rate plans hold %d default plans for its %d room types; each needs exactly one",
		ErrConflict, defaults, roomTypes)
}
