package hotel

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// searchOffersReference is SearchOffers as it was first written: every
// plan quoted by Plans.Quote with its reasons, every offer made, sorted and
// cut. SearchOffers must answer the same.
func searchOffersReference(snap ARISnapshot, q SearchQuery, now time.Time) ([]Offer, []Exclusion, error) {
	party := q.Party()
	var offers []Offer
	var excluded []Exclusion
	byRoomType := map[int64][]RatePlan{}
	for _, p := range snap.Plans {
		byRoomType[p.RoomTypeID] = append(byRoomType[p.RoomTypeID], p)
	}
	for _, rt := range snap.RoomTypes {
		h := snap.Hotels[rt.HotelID]
		today := Today(now, h.Zone())
		if today.After(q.CheckIn) {
			continue
		}
		plans := byRoomType[rt.ID]
		slices.SortFunc(plans, func(a, b RatePlan) int { return cmp.Compare(a.ID, b.ID) })
		stay := Stay{CheckIn: q.CheckIn, CheckOut: q.CheckOut, Today: today, Party: party}
		for _, p := range plans {
			if (q.MealPlan != "" && p.MealPlan != q.MealPlan) || (q.Refundable != nil && p.Refundable != *q.Refundable) {
				continue
			}
			quote, broken, err := snap.Plans.Quote(snap.ARI, rt, p, stay)
			if err != nil {
				return nil, nil, err
			}
			if broken != nil {
				if q.Explain && q.After == nil && len(excluded) < MaxExplained {
					excluded = append(excluded, Exclusion{HotelID: h.ID, RoomTypeID: rt.ID, RatePlanID: p.ID, RatePlan: p.Code, Violations: broken})
				}
				continue
			}
			if q.MaxPrice > 0 && slices.ContainsFunc(quote.NightlyPrices, func(n NightPrice) bool { return n.Price > q.MaxPrice }) {
				continue
			}
			offers = append(offers, offerOf(h, rt, q, q.Party(), quote))
		}
	}
	slices.SortFunc(offers, func(a, b Offer) int { return a.cursor().compare(b.cursor()) })
	if c := q.After; c != nil {
		i := 0
		for i < len(offers) && offers[i].cursor().compare(*c) <= 0 {
			i++
		}
		offers = offers[i:]
	}
	if q.Limit > 0 && len(offers) > q.Limit {
		offers = offers[:q.Limit]
	}
	return offers, excluded, nil
}

// TestSearchOffersAgreesWithQuote draws hotels, room types, plan chains
// (derived plans, some following their parents' restrictions, some on
// another room type's parent), rooms, prices and restrictions, and checks
// that SearchOffers (which quotes without reasons unless explaining, and
// makes offers for the page only) answers random searches, pages and
// filters exactly as quoting every plan with Plans.Quote does.
func TestSearchOffersAgreesWithQuote(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2028))
	now := day0.Time().Add(-12 * time.Hour)
	zones := []string{"UTC", "Pacific/Auckland", "America/New_York"}
	for round := range 150 {
		snap := ARISnapshot{Hotels: map[int64]Hotel{}, Plans: Plans{}, ARI: NewARI()}
		var plans []RatePlan
		planID := int64(0)
		for h := int64(1); h <= 3; h++ {
			snap.Hotels[h] = Hotel{ID: h, Name: fmt.Sprint("H", h), Location: "X", TimeZone: zones[r.IntN(len(zones))], Currency: "EUR"}
			var hotelPlans []RatePlan
			for k := range 1 + r.IntN(3) {
				rt := RoomType{ID: h*10 + int64(k), HotelID: h, Name: fmt.Sprint("R", k), MaxOccupancy: 1 + r.IntN(4)}
				snap.RoomTypes = append(snap.RoomTypes, rt)
				for n := range 1 + r.IntN(4) {
					planID++
					p := RatePlan{ID: planID, HotelID: h, RoomTypeID: rt.ID, Code: fmt.Sprint("P", planID), Sellable: r.Float64() < 0.9,
						Refundable: r.IntN(2) == 0, MealPlan: MealPlans[r.IntN(2)], Default: n == 0,
						Occupancy: Occupancy{BaseAdults: r.IntN(3), ExtraAdult: Cents(r.IntN(3000)), ChildBands: []ChildBand{{MaxAge: 5, Price: Cents(r.IntN(2000))}}}}
					if n > 0 && len(hotelPlans) > 0 && r.Float64() < 0.6 {
						parent := hotelPlans[r.IntN(len(hotelPlans))]
						p.ParentID, p.PercentBP, p.AmountCents = parent.ID, r.IntN(4000)-2000, Cents(r.IntN(2000)-1000)
						p.FollowsParentRestrictions = r.IntN(2) == 0
					}
					hotelPlans = append(hotelPlans, p)
				}
				for i := range 14 {
					d := day0.AddDays(i)
					if r.Float64() < 0.95 {
						snap.ARI.Rooms[RoomNight{rt.ID, d}] = r.IntN(4)
					}
				}
			}
			plans = append(plans, hotelPlans...)
		}
		for _, p := range plans {
			snap.Plans[p.ID] = p
			for i := range 14 {
				d := day0.AddDays(i)
				if p.ParentID == 0 && r.Float64() < 0.95 {
					snap.ARI.Prices[PlanNight{p.ID, d}] = Cents(5000 + r.IntN(20000))
				}
				for _, plan := range []int64{0, p.ID} {
					if r.Float64() < 0.12 {
						snap.ARI.Rules[RuleKey{p.RoomTypeID, plan, d}] = Restrictions{
							MinStayArrival: r.IntN(4), MaxStayArrival: r.IntN(2) * (2 + r.IntN(4)), MinStayThrough: r.IntN(3),
							ClosedToArrival: r.Float64() < 0.3, ClosedToDeparture: r.Float64() < 0.3, StopSell: r.Float64() < 0.2,
							MinAdvance: r.IntN(3), MaxAdvance: r.IntN(2) * (3 + r.IntN(10)),
						}
					}
				}
			}
		}
		for range 20 {
			in := day0.AddDays(r.IntN(8))
			q := SearchQuery{Location: "X", CheckIn: in, CheckOut: in.AddDays(1 + r.IntN(5)), Adults: 1 + r.IntN(3),
				Limit: 1 + r.IntN(8), Explain: r.IntN(2) == 0}
			if r.IntN(3) == 0 {
				q.ChildAges = []int{r.IntN(10)}
				q.Children = 1
			}
			switch r.IntN(5) {
			case 0:
				q.MealPlan = MealPlans[r.IntN(2)]
			case 1:
				q.Refundable = new(r.IntN(2) == 0)
			case 2:
				q.MaxPrice = Cents(10000 + r.IntN(20000))
			}
			for page := 0; page < 5; page++ {
				want, wantEx, err := searchOffersReference(snap, q, now)
				if err != nil {
					t.Fatal(err)
				}
				got, gotEx, err := SearchOffers(snap, q, now)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
					t.Fatalf("round %d, %+v: offers\n%+v\nwant\n%+v", round, q, got, want)
				}
				if len(gotEx) != len(wantEx) || (len(gotEx) > 0 && !reflect.DeepEqual(gotEx, wantEx)) {
					t.Fatalf("round %d, %+v: excluded\n%+v\nwant\n%+v", round, q, gotEx, wantEx)
				}
				if len(got) < q.Limit {
					break
				}
				c := got[len(got)-1].Cursor()
				q.After = &c
			}
		}
	}
}
