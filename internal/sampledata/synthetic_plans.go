package sampledata

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The plan slots of a synthetic room type, in id order.
const (
	slotBAR  = iota // the default plan
	slotAP          // advance purchase: a base plan with rate nights
	slotNR          // BAR − 10 %, non-refundable
	slotBB          // BAR + breakfast
	slotNRBB        // NR + breakfast
	slotHB          // BB + dinner
	plansPerRoomType
)

// Shares in percent of the room types with the optional plans.
const (
	shareAP   = 75
	shareNRBB = 75
	shareHB   = 50
	// restrictedPct is the share of a room type's nights with a restriction.
	restrictedPct = 20
	// apAdvance is the advance purchase plan's minimum lead time in days.
	apAdvance = 14
)

// The synthetic plans' terms, shared by every plan that has them (never
// modified). The refundable plans (BAR, BB, HB) have one of
// flexiblePolicies, chosen per hotel; the others (AP, NR, NRBB) are
// non-refundable and prepaid. Breakfast and half board hold a card on
// file; a no-show costs one night on every plan.
var (
	flexiblePolicies = [...]hotel.CancellationPolicy{
		{Deadline: &hotel.Deadline{DaysBefore: 1, At: "18:00"}, Fee: hotel.Fee{Nights: 1}},
		{Deadline: &hotel.Deadline{DaysBefore: 2, At: "18:00"}, Fee: hotel.Fee{Nights: 1}},
		{Deadline: &hotel.Deadline{HoursBefore: 48, At: "15:00"}, Fee: hotel.Fee{Nights: 1}},
		{Deadline: &hotel.Deadline{DaysBefore: 7, At: "00:00"}, Fee: hotel.Fee{PercentBP: 5000}},
	}
	nonRefundable   = hotel.CancellationPolicy{NonRefundable: true}
	oneNightNoShow  = hotel.NoShowPolicy{Fee: hotel.Fee{Nights: 1}}
	prepaid         = hotel.Guarantee{Kind: hotel.GuaranteeDeposit, DepositPercentBP: 10_000}
	cardOnFile      = hotel.Guarantee{Kind: hotel.GuaranteeCard}
	nothingToSecure = hotel.Guarantee{Kind: hotel.GuaranteeNone}
)

// flexiblePolicy returns the cancellation policy of hotel i's refundable
// plans, from (Seed, i).
func (g *generator) flexiblePolicy(i int) *hotel.CancellationPolicy {
	x := mix64(mix64(g.o.Seed^0x2545_f491_4f6c_dd1d) ^ uint64(i))
	return &flexiblePolicies[x%uint64(len(flexiblePolicies))]
}

// planSet is which optional plans a room type has.
type planSet struct{ ap, nrbb, hb bool }

// roomPlans returns the plans of room type k of hotel i, from (Seed, i, k).
func (g *generator) roomPlans(i, k int) planSet {
	x := mix64(mix64(g.o.Seed^0x7c15_9e37_79b9_4a7c) ^ uint64(i)<<2 ^ uint64(k))
	return planSet{
		ap:   x%100 < shareAP,
		nrbb: (x>>8)%100 < shareNRBB,
		hb:   (x>>16)%100 < shareHB,
	}
}

// planID returns the id of a plan slot of room type k of hotel i.
func (g *generator) planID(i, k, slot int) int64 {
	return g.o.FirstRatePlanID + int64(i*roomTypesPerHotel+k)*plansPerRoomType + int64(slot)
}

// maxAmount is the largest supplement the schema takes (rate_plan's
// extra_adult_cents and adjust_amount_cents): a million units.
const maxAmount = 100_000_000

// amount returns cents as a supplement of h: rounded to its currency's
// step, at most maxAmount (reached in currencies of many units per dollar).
func (h *synthHotel) amount(cents int64) hotel.Cents {
	return hotel.Cents(min(roundTo(cents, h.step), maxAmount))
}

// ratePlans yields every room type's plans, a base plan before the plans
// derived from it.
func (g *generator) ratePlans(yield func(hotel.RatePlan) bool) {
	var h synthHotel
	src := new(rand.PCG)
	r := rand.New(src)
	for i := range g.o.Hotels {
		g.attrs(i, &h, src, r)
		flexible := g.flexiblePolicy(i)
		for k := range roomTypesPerHotel {
			rt := g.o.FirstRoomTypeID + int64(i*roomTypesPerHotel+k)
			set := g.roomPlans(i, k)
			id := func(slot int) int64 { return g.planID(i, k, slot) }
			code := func(prefix string) string { return fmt.Sprintf("%s-%d", prefix, rt) }
			price := h.price[k] // cents, for two adults
			occ := hotel.Occupancy{BaseAdults: 2, ExtraAdult: h.amount(price / 5),
				ChildBands: []hotel.ChildBand{{MaxAge: 2}, {MaxAge: 11, Price: h.amount(price / 10)}, {MaxAge: 17, Price: h.amount(price / 5)}}}
			breakfast := h.amount(h.price[0] / 10)
			plan := func(slot int, prefix, name, meal string, refundable bool) hotel.RatePlan {
				p := hotel.RatePlan{ID: id(slot), HotelID: h.id, RoomTypeID: rt, Code: code(prefix), Name: name,
					MealPlan: meal, Refundable: refundable, Sellable: true, NoShow: oneNightNoShow}
				switch {
				case !refundable:
					p.Cancellation, p.Guarantee = &nonRefundable, prepaid
				case meal == "RO":
					p.Cancellation, p.Guarantee = flexible, nothingToSecure
				default:
					p.Cancellation, p.Guarantee = flexible, cardOnFile
				}
				return p
			}
			bar := plan(slotBAR, "BAR", "Flexible rate", "RO", true)
			bar.Default, bar.Occupancy = true, occ
			plans := [plansPerRoomType]hotel.RatePlan{slotBAR: bar}
			if set.ap {
				ap := plan(slotAP, "AP", "Advance purchase", "RO", false)
				ap.Occupancy = occ
				plans[slotAP] = ap
			}
			nr := plan(slotNR, "NR", "Non-refundable", "RO", false)
			nr.ParentID, nr.PercentBP, nr.FollowsParentRestrictions = bar.ID, -1000, true
			plans[slotNR] = nr
			bb := plan(slotBB, "BB", "Bed and breakfast", "BB", true)
			bb.ParentID, bb.AmountCents, bb.FollowsParentRestrictions = bar.ID, breakfast, true
			plans[slotBB] = bb
			if set.nrbb {
				nrbb := plan(slotNRBB, "NRBB", "Non-refundable with breakfast", "BB", false)
				nrbb.ParentID, nrbb.AmountCents, nrbb.FollowsParentRestrictions = nr.ID, breakfast, true
				plans[slotNRBB] = nrbb
			}
			if set.hb {
				hb := plan(slotHB, "HB", "Half board", "HB", true)
				hb.ParentID, hb.AmountCents, hb.FollowsParentRestrictions = bb.ID, h.amount(2*int64(breakfast)), true
				plans[slotHB] = hb
			}
			for _, p := range plans {
				if p.ID != 0 && !yield(p) {
					return
				}
			}
		}
	}
}

// rateNights yields the advance purchase plans' prices: 85 % of the
// night's inventory price, rounded to the currency's step.
func (g *generator) rateNights(yield func(store.RateNight) bool) {
	days := dayTable(g.o.Start, g.o.Days)
	var h synthHotel
	src := new(rand.PCG)
	r := rand.New(src)
	for i := range g.o.Hotels {
		var sets [roomTypesPerHotel]planSet
		any := false
		for k := range sets {
			sets[k] = g.roomPlans(i, k)
			any = any || sets[k].ap
		}
		if !any {
			continue
		}
		g.attrs(i, &h, src, r)
		half := h.step * 500_000
		div := h.step * 1_000_000
		for k := range roomTypesPerHotel {
			if !sets[k].ap {
				continue
			}
			id := g.planID(i, k, slotAP)
			for j := range days {
				d := &days[j]
				lvl := demandLevel(&h, k, d, d.bias[h.hemi])
				price := (h.price[k]*d.pct[h.hemi]*demandPct[lvl] + half) / div * h.step
				n := store.RateNight{HotelID: h.id, RatePlanID: id, Night: d.date, Price: hotel.Cents(roundTo(price*85/100, h.step))}
				if !yield(n) {
					return
				}
			}
		}
	}
}

// restrictions yields a restriction on about restrictedPct % of each room
// type's nights, of a kind chosen per night: minimum stays on arrival (3
// on Friday and Saturday arrivals, else 2) and through, closed to arrival
// or departure, a maximum stay, the advance purchase plan's minimum lead
// time, or a stop-sell of the non-refundable plan.
func (g *generator) restrictions(yield func(store.Restriction) bool) {
	days := dayTable(g.o.Start, g.o.Days)
	key := mix64(g.o.Seed ^ 0x3b9a_ca07_15f2_d8e1)
	for i := range g.o.Hotels {
		hid := g.o.FirstHotelID + int64(i)
		for k := range roomTypesPerHotel {
			rt := g.o.FirstRoomTypeID + int64(i*roomTypesPerHotel+k)
			set := g.roomPlans(i, k)
			rk := mix64(key ^ uint64(rt))
			for j := range days {
				d := &days[j]
				x := mix64(rk ^ d.key)
				if x%100 >= restrictedPct {
					continue
				}
				rs := store.Restriction{HotelID: hid, RoomTypeID: rt, Night: d.date}
				switch kind := (x >> 8) % 20; {
				case kind < 7:
					rs.MinStayArrival = 2
					if wd := d.date.Time().Weekday(); wd == time.Friday || wd == time.Saturday {
						rs.MinStayArrival = 3
					}
				case kind < 10:
					rs.ClosedToArrival = true
				case kind < 13:
					rs.ClosedToDeparture = true
				case kind < 16:
					rs.MinStayThrough = 2
				case kind < 17:
					rs.MaxStayArrival = 14
				case kind < 19 && set.ap:
					rs.RatePlanID, rs.MinAdvance = g.planID(i, k, slotAP), apAdvance
				default:
					rs.RatePlanID, rs.StopSell = g.planID(i, k, slotNR), true
				}
				if !yield(rs) {
					return
				}
			}
		}
	}
}
