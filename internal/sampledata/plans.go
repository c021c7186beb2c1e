package sampledata

import (
	"fmt"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The rate plans of the sample hotels. Every room type has a default plan
// (BAR-<room type id>, flexible, room only) and a non-refundable plan
// derived from it (NR-<room type id>, 10 % below, following its
// restrictions); every room type but the penthouse has a bed and
// breakfast plan too (BB-<room type id>, the default plan plus breakfast
// for two). Plan ids: 3r-2, 3r-1 and 3r for room type r.
//
// Their terms: the flexible plans (default and breakfast) are free to
// cancel until 18:00 hotel time two days before arrival, then cost one
// night; the non-refundable plans cost the whole stay from booking and
// are prepaid (a deposit of the whole stay, due at booking); breakfast
// plans hold a card on file; a no-show costs one night on every plan.

// The sample plans' policies, shared by the plans of a kind (never
// modified).
var (
	sampleFlexible      = hotel.CancellationPolicy{Deadline: &hotel.Deadline{DaysBefore: 2, At: "18:00"}, Fee: hotel.Fee{Nights: 1}}
	sampleNonRefundable = hotel.CancellationPolicy{NonRefundable: true}
	sampleNoShow        = hotel.NoShowPolicy{Fee: hotel.Fee{Nights: 1}}
	samplePrepaid       = hotel.Guarantee{Kind: hotel.GuaranteeDeposit, DepositPercentBP: 10_000}
)

// Occupancy pricing of the sample default plans: the price is for two
// adults; a third adult, and children by age.
var sampleOccupancy = [roomTypesPerHotel]hotel.Occupancy{
	{BaseAdults: 2, ExtraAdult: 4000, ChildBands: sampleChildBands(1500, 2500)},
	{BaseAdults: 2, ExtraAdult: 4500, ChildBands: sampleChildBands(2000, 3000)},
	{BaseAdults: 2, ExtraAdult: 5000, ChildBands: sampleChildBands(2000, 3500)},
	{BaseAdults: 2, ExtraAdult: 6000, ChildBands: sampleChildBands(2500, 4000)},
}

// sampleChildBands: children up to 2 stay free; 3–11 and 12–17 pay.
func sampleChildBands(child, teen hotel.Cents) []hotel.ChildBand {
	return []hotel.ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: child}, {MaxAge: 17, Price: teen}}
}

// sampleBreakfast is what the bed and breakfast plans add to the default
// plan's price a night, per hotel (breakfast for two).
var sampleBreakfast = map[int64]hotel.Cents{111: 4800, 222: 6000, 333: 3600, 444: 5000, 555: 3000, 666: 3800, 777: 4400}

// samplePlanID returns the id of plan j (0 default, 1 non-refundable, 2
// bed and breakfast) of room type rt.
func samplePlanID(rt int64, j int) int64 { return 3*rt - 2 + int64(j) }

// samplePlans yields the plans of the sample hotels, room type by room type.
func samplePlans(yield func(hotel.RatePlan) bool) {
	for i, h := range sampleHotels {
		for k := range roomSpecs {
			rt := sampleRoomTypeID(i, k)
			def := hotel.RatePlan{ID: samplePlanID(rt, 0), HotelID: h.id, RoomTypeID: rt, Code: fmt.Sprintf("BAR-%d", rt),
				Name: "Flexible rate", MealPlan: "RO", Refundable: true, Sellable: true, Default: true, Occupancy: sampleOccupancy[k],
				Cancellation: &sampleFlexible, NoShow: sampleNoShow, Guarantee: hotel.Guarantee{Kind: hotel.GuaranteeNone}}
			plans := []hotel.RatePlan{def, {ID: samplePlanID(rt, 1), HotelID: h.id, RoomTypeID: rt, Code: fmt.Sprintf("NR-%d", rt),
				Name: "Non-refundable", MealPlan: "RO", Sellable: true, ParentID: def.ID, PercentBP: -1000, FollowsParentRestrictions: true,
				Cancellation: &sampleNonRefundable, NoShow: sampleNoShow, Guarantee: samplePrepaid}}
			if k < 3 {
				plans = append(plans, hotel.RatePlan{ID: samplePlanID(rt, 2), HotelID: h.id, RoomTypeID: rt, Code: fmt.Sprintf("BB-%d", rt),
					Name: "Bed and breakfast", MealPlan: "BB", Refundable: true, Sellable: true, ParentID: def.ID,
					AmountCents: sampleBreakfast[h.id], FollowsParentRestrictions: true,
					Cancellation: &sampleFlexible, NoShow: sampleNoShow, Guarantee: hotel.Guarantee{Kind: hotel.GuaranteeCard}})
			}
			for _, p := range plans {
				if !yield(p) {
					return
				}
			}
		}
	}
}

// Hotels of the sample restrictions. The hotels the end-to-end tests book
// (111, 222, 333) have none.
const (
	// Saturday arrivals stay at least two nights, on every plan.
	sampleMinStayHotelA = 444 // The Gleneagles
	sampleMinStayHotelB = 777 // Cliveden House
	// No arrival on the first Sunday of each month, on every plan.
	sampleClosedSundayHotel = 666 // St Brides Spa
	// The non-refundable plans sell from seven days ahead.
	sampleAdvanceHotel = 555 // The Grand
	sampleAdvanceDays  = 7
)

// sampleRestrictions returns the restrictions of the sample hotels over days.
func sampleRestrictions(days []day) func(yield func(store.Restriction) bool) {
	return func(yield func(store.Restriction) bool) {
		for i, h := range sampleHotels {
			for _, d := range days {
				t := d.date.Time()
				var r hotel.Restrictions
				switch {
				case (h.id == sampleMinStayHotelA || h.id == sampleMinStayHotelB) && t.Weekday() == time.Saturday:
					r.MinStayArrival = 2
				case h.id == sampleClosedSundayHotel && t.Weekday() == time.Sunday && t.Day() <= 7:
					r.ClosedToArrival = true
				}
				for k := range roomSpecs {
					rt := sampleRoomTypeID(i, k)
					if r != (hotel.Restrictions{}) {
						if !yield(store.Restriction{HotelID: h.id, RoomTypeID: rt, Night: d.date, Restrictions: r}) {
							return
						}
					}
					if h.id == sampleAdvanceHotel {
						nr := store.Restriction{HotelID: h.id, RoomTypeID: rt, RatePlanID: samplePlanID(rt, 1), Night: d.date,
							Restrictions: hotel.Restrictions{MinAdvance: sampleAdvanceDays}}
						if !yield(nr) {
							return
						}
					}
				}
			}
		}
	}
}
