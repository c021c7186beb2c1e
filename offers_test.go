package hotel

import (
	"fmt"
	"testing"
	"time"
)

// offersSnapshot: one hotel (Pacific/Auckland) with room type 1 (room,
// 100.00 a night on FLEX) and its plans FLEX (default, RO), NR (−10 %,
// not refundable, follows FLEX's restrictions) and BB (+25.00, BB meals).
func offersSnapshot() ARISnapshot {
	v := newView()
	h := Hotel{ID: 1, Name: "Harbour", Location: "Auckland", TimeZone: "Pacific/Auckland", Currency: "NZD"}
	nr := RatePlan{ID: 2, HotelID: 1, RoomTypeID: 1, Code: "NR", Sellable: true, ParentID: 1, PercentBP: -1000, FollowsParentRestrictions: true, MealPlan: "RO"}
	bb := RatePlan{ID: 3, HotelID: 1, RoomTypeID: 1, Code: "BB", Sellable: true, Refundable: true, ParentID: 1, AmountCents: 2500, MealPlan: "BB"}
	f := flex
	f.Refundable, f.MealPlan = true, "RO"
	f.Occupancy = Occupancy{ChildBands: []ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: 2000}}}
	return ARISnapshot{Hotels: map[int64]Hotel{1: h}, RoomTypes: []RoomType{room}, Plans: PlansOf([]RatePlan{f, nr, bb}), ARI: v.ARI}
}

func codes(os []Offer) string {
	var s string
	for _, o := range os {
		s += fmt.Sprintf("%s=%s ", o.RatePlan, o.TotalPrice)
	}
	return s
}

func TestSearchOffers(t *testing.T) {
	now := day0.Time().Add(-12 * time.Hour) // noon UTC the day before: day0 in Auckland
	q := SearchQuery{Location: "Auckland", CheckIn: day0.AddDays(2), CheckOut: day0.AddDays(4), Adults: 2, Limit: 10}
	search := func(q SearchQuery, snap ARISnapshot) ([]Offer, []Exclusion) {
		t.Helper()
		os, ex, err := SearchOffers(snap, q, now)
		if err != nil {
			t.Fatal(err)
		}
		return os, ex
	}
	os, _ := search(q, offersSnapshot())
	if got := codes(os); got != "NR=180.00 FLEX=200.00 BB=250.00 " {
		t.Fatalf("offers by total: %s", got)
	}
	if os[0].MealPlan != "RO" || os[0].Refundable || os[0].RatePlanID != 2 || len(os[0].NightlyPrices) != 2 || os[0].AvailableRooms != 10 {
		t.Fatalf("NR offer = %+v", os[0])
	}

	with := func(mod func(*SearchQuery)) SearchQuery { c := q; mod(&c); return c }
	if os, _ := search(with(func(q *SearchQuery) { q.MealPlan = "BB" }), offersSnapshot()); codes(os) != "BB=250.00 " {
		t.Errorf("meal plan BB: %s", codes(os))
	}
	if os, _ := search(with(func(q *SearchQuery) { q.Refundable = new(false) }), offersSnapshot()); codes(os) != "NR=180.00 " {
		t.Errorf("not refundable: %s", codes(os))
	}
	if os, _ := search(with(func(q *SearchQuery) { q.MaxPrice = 10000 }), offersSnapshot()); codes(os) != "NR=180.00 FLEX=200.00 " {
		t.Errorf("max price 100.00 a night: %s", codes(os))
	}
	// Children by age: 1 (free), 5 (20.00) and unknown (the last band, 20.00).
	kids := with(func(q *SearchQuery) { q.Adults, q.ChildAges = 1, []int{1, 5} })
	if os, _ := search(kids, offersSnapshot()); codes(os) != "NR=216.00 FLEX=240.00 BB=290.00 " {
		t.Errorf("children 1 and 5: %s", codes(os))
	}
	if os, _ := search(with(func(q *SearchQuery) { q.Adults, q.Children = 1, 1 }), offersSnapshot()); codes(os) != "NR=216.00 FLEX=240.00 BB=290.00 " {
		t.Errorf("a child of unknown age: %s", codes(os))
	}
	if os, _ := search(with(func(q *SearchQuery) { q.Adults = 5 }), offersSnapshot()); len(os) != 0 {
		t.Errorf("five guests in a room for four: %s", codes(os))
	}

	// A minimum stay on FLEX (followed by NR), a stop-sell on BB's night.
	snap := offersSnapshot()
	snap.ARI.Rules[RuleKey{1, 1, day0.AddDays(2)}] = Restrictions{MinStayArrival: 3}
	snap.ARI.Rules[RuleKey{1, 3, day0.AddDays(3)}] = Restrictions{StopSell: true}
	os, ex := search(with(func(q *SearchQuery) { q.Explain = true }), snap)
	if len(os) != 0 || len(ex) != 3 {
		t.Fatalf("offers %s, excluded %+v", codes(os), ex)
	}
	want := []string{"FLEX min_stay_arrival " + day0.AddDays(2).String(), "NR min_stay_arrival " + day0.AddDays(2).String(), "BB stop_sell " + day0.AddDays(3).String()}
	for i, e := range ex {
		if got := e.RatePlan + " " + e.Violations[0].Rule + " " + e.Violations[0].Date.String(); got != want[i] || len(e.Violations) != 1 {
			t.Errorf("excluded[%d] = %+v, want %s", i, e, want[i])
		}
	}
	if _, ex := search(q, snap); ex != nil {
		t.Errorf("without explain, excluded = %+v", ex)
	}

	// Pages: after NR's position comes FLEX; a cursor from before rate
	// plans (plan 0) continues before the room type's first plan.
	os, _ = search(with(func(q *SearchQuery) {
		q.Limit = 1
		q.After = &SearchCursor{Total: 18000, HotelID: 1, RoomTypeID: 1, RatePlanID: 2}
	}), offersSnapshot())
	if codes(os) != "FLEX=200.00 " {
		t.Errorf("page after NR: %s", codes(os))
	}
	os, _ = search(with(func(q *SearchQuery) { q.After = &SearchCursor{Total: 20000, HotelID: 1, RoomTypeID: 1} }), offersSnapshot())
	if codes(os) != "FLEX=200.00 BB=250.00 " {
		t.Errorf("page after an old cursor: %s", codes(os))
	}
	// Check-in already past in the hotel's zone: nothing.
	if os, _ := search(with(func(q *SearchQuery) { q.CheckIn, q.CheckOut = day0.AddDays(-1), day0.AddDays(1) }), offersSnapshot()); len(os) != 0 {
		t.Errorf("past check-in: %s", codes(os))
	}
}
