package sampledata

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

func TestSamplePlans(t *testing.T) {
	ds := Sample(testStart, 1)
	roomTypes := map[int64]hotel.RoomType{}
	for rt := range ds.RoomTypes {
		roomTypes[rt.ID] = rt
	}
	plans := slices.Collect(ds.RatePlans)
	byHotel := map[int64][]hotel.RatePlan{}
	perRoomType := map[int64]int{}
	defaults := map[int64]int{}
	ids := map[int64]bool{}
	for _, p := range plans {
		rt, ok := roomTypes[p.RoomTypeID]
		if !ok || rt.HotelID != p.HotelID {
			t.Fatalf("plan %+v names an unknown room type or the wrong hotel", p)
		}
		if ids[p.ID] || p.ID <= 0 {
			t.Fatalf("plan id %d repeated or not positive", p.ID)
		}
		ids[p.ID] = true
		byHotel[p.HotelID] = append(byHotel[p.HotelID], p)
		perRoomType[p.RoomTypeID]++
		if p.Default {
			defaults[p.RoomTypeID]++
			if p.ParentID != 0 || !p.Refundable || p.MealPlan != "RO" || p.Occupancy.BaseAdults != 2 || len(p.Occupancy.ChildBands) != 3 {
				t.Errorf("default plan %+v: want a flexible, room only base plan priced for two with child bands", p)
			}
		}
		if !slices.Contains(hotel.MealPlans, p.MealPlan) || !p.Sellable {
			t.Errorf("plan %+v: meal plan or not for sale", p)
		}
	}
	for id := range roomTypes {
		if n := perRoomType[id]; n < 2 || n > 3 || defaults[id] != 1 {
			t.Errorf("room type %d has %d plans, %d default; want 2–3 with one default", id, n, defaults[id])
		}
	}
	meals := map[string]int{}
	for hid, hp := range byHotel {
		ps := hotel.PlansOf(hp)
		codes := map[string]bool{}
		for _, p := range hp {
			if codes[p.Code] {
				t.Errorf("hotel %d: code %s twice", hid, p.Code)
			}
			codes[p.Code] = true
			chain, err := ps.Chain(p) // the parent is in the same hotel, no cycle
			if err != nil {
				t.Fatalf("hotel %d: %v", hid, err)
			}
			base := chain[len(chain)-1]
			if !base.Default || base.RoomTypeID != p.RoomTypeID {
				t.Errorf("plan %s derives from %+v, not its room type's default plan", p.Code, base)
			}
			meals[p.MealPlan]++
			checkTerms(t, p)
			flexible := hotel.CancellationPolicy{Deadline: &hotel.Deadline{DaysBefore: 2, At: "18:00"}, Fee: hotel.Fee{Nights: 1}}
			switch {
			case !p.Refundable:
				if p.PercentBP != -1000 || !p.FollowsParentRestrictions || p.MealPlan != "RO" {
					t.Errorf("non-refundable plan %+v: want 10 %% below its parent, following its restrictions", p)
				}
				if p.Guarantee != (hotel.Guarantee{Kind: hotel.GuaranteeDeposit, DepositPercentBP: 10_000}) {
					t.Errorf("non-refundable plan %s: guarantee %+v, want the whole stay at booking", p.Code, p.Guarantee)
				}
			case p.MealPlan == "BB":
				if p.AmountCents <= 0 || p.ParentID == 0 {
					t.Errorf("breakfast plan %+v: want a fixed amount over its parent", p)
				}
				if p.Guarantee.Kind != hotel.GuaranteeCard || jsonOf(p.Cancellation) != jsonOf(flexible) {
					t.Errorf("breakfast plan %s: %s, guarantee %+v; want the flexible terms with a card", p.Code, jsonOf(p.Cancellation), p.Guarantee)
				}
			default:
				if p.Guarantee.Kind != hotel.GuaranteeNone || jsonOf(p.Cancellation) != jsonOf(flexible) {
					t.Errorf("flexible plan %s: %s, guarantee %+v; want free until 18:00 two days before, then one night", p.Code, jsonOf(p.Cancellation), p.Guarantee)
				}
			}
		}
	}
	if meals["BB"] != 21 || meals["RO"] != 56 {
		t.Errorf("meal plans %v; want 21 BB and 56 RO", meals)
	}
}

// checkTerms fails t unless p's policies are what the inventory service
// accepts from a client (inventory.checkPlan): each valid, and refundable
// agreeing with the cancellation policy; and unless p has a policy of
// each kind (the sample and synthetic plans all do).
func checkTerms(t *testing.T, p hotel.RatePlan) {
	t.Helper()
	if p.Cancellation == nil || p.NoShow.Fee == (hotel.Fee{}) || p.Guarantee.Kind == "" {
		t.Errorf("plan %s: cancellation %v, no-show %+v, guarantee %+v; want all three", p.Code, p.Cancellation, p.NoShow, p.Guarantee)
		return
	}
	var v hotel.Validation
	hotel.CheckCancellationPolicy(&v, "cancellation_policy", *p.Cancellation)
	hotel.CheckNoShowPolicy(&v, "no_show_policy", p.NoShow)
	hotel.CheckGuarantee(&v, "guarantee", p.Guarantee)
	if p.Cancellation.NonRefundable == p.Refundable {
		v.Add("refundable", "must agree with cancellation_policy.non_refundable")
	}
	if err := v.Err(); err != nil {
		t.Errorf("plan %s (%s): %v", p.Code, store.PoliciesJSON(p), err)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSampleRestrictions(t *testing.T) {
	ds := Sample(testStart, 1)
	plans := hotel.PlansOf(slices.Collect(ds.RatePlans))
	count := map[string]int{}
	seen := map[store.Restriction]bool{}
	for r := range ds.Restrictions {
		key := r
		key.Restrictions = hotel.Restrictions{}
		if seen[key] {
			t.Fatalf("restriction %+v twice", r)
		}
		seen[key] = true
		if r.Night.Before(testStart) || !r.Night.Before(testStart.AddDays(SampleDays)) {
			t.Fatalf("restriction %+v outside the nights", r)
		}
		if p, ok := plans[r.RatePlanID]; r.RatePlanID != 0 && (!ok || p.RoomTypeID != r.RoomTypeID || p.HotelID != r.HotelID) {
			t.Fatalf("restriction %+v names a plan of another room type", r)
		}
		wd := r.Night.Time().Weekday()
		switch {
		case r.HotelID == 111 || r.HotelID == 222 || r.HotelID == 333:
			t.Fatalf("restriction %+v on a hotel the end-to-end tests book", r)
		case r.Restrictions == hotel.Restrictions{MinStayArrival: 2}:
			if wd != time.Saturday || (r.HotelID != 444 && r.HotelID != 777) || r.RatePlanID != 0 {
				t.Errorf("min stay %+v", r)
			}
		case r.Restrictions == hotel.Restrictions{ClosedToArrival: true}:
			if wd != time.Sunday || r.Night.Time().Day() > 7 || r.HotelID != 666 || r.RatePlanID != 0 {
				t.Errorf("closed to arrival %+v", r)
			}
		case r.Restrictions == hotel.Restrictions{MinAdvance: 7}:
			if r.HotelID != 555 || plans[r.RatePlanID].Refundable {
				t.Errorf("min advance %+v", r)
			}
		default:
			t.Fatalf("unexpected restriction %+v", r)
		}
		count[fmt.Sprint(r.HotelID)]++
	}
	// 52 or 53 Saturdays × 4 room types; 12 or 13 first Sundays × 4; 365 × 4 plans.
	for hid, lo := range map[string]int{"444": 52 * 4, "777": 52 * 4, "666": 12 * 4, "555": 365 * 4} {
		if n := count[hid]; n < lo || n > lo+4 {
			t.Errorf("hotel %s has %d restrictions, want about %d", hid, n, lo)
		}
	}
}

// TestSampleOffers loads the sample data into a store and searches it as
// the inventory service does (LoadARI, hotel.SearchOffers): every plan is
// offered with its price, and the restrictions leave out what they should.
func TestSampleOffers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if ok, err := Seed(ctx, st, now, 1); err != nil || !ok {
		t.Fatalf("Seed = %v, %v", ok, err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	today := hotel.Today(now, london)
	search := func(q hotel.SearchQuery) ([]hotel.Offer, []hotel.Exclusion) {
		t.Helper()
		snap, err := st.LoadARI(ctx, q.ARIQuery())
		if err != nil {
			t.Fatal(err)
		}
		offers, excluded, err := hotel.SearchOffers(snap, q, now)
		if err != nil {
			t.Fatal(err)
		}
		return offers, excluded
	}

	in := today.AddDays(10)
	offers, _ := search(hotel.SearchQuery{HotelID: 111, CheckIn: in, CheckOut: in.AddDays(2), Adults: 2})
	byCode := map[string]hotel.Offer{}
	for _, o := range offers {
		byCode[o.RatePlan] = o
	}
	if len(offers) != 11 { // 4 default, 4 non-refundable, 3 breakfast plans
		t.Fatalf("hotel 111 offers %d plans, want 11: %v", len(offers), offers)
	}
	for rt := int64(1); rt <= 4; rt++ {
		bar, nr := byCode[fmt.Sprintf("BAR-%d", rt)], byCode[fmt.Sprintf("NR-%d", rt)]
		if bar.TotalPrice == 0 || nr.Refundable || nr.TotalPrice != bar.TotalPrice*9/10 {
			t.Errorf("room type %d: flexible %s, non-refundable %s; want 10 %% less", rt, bar.TotalPrice, nr.TotalPrice)
		}
		if bb, ok := byCode[fmt.Sprintf("BB-%d", rt)]; ok != (rt < 4) || (ok && (bb.MealPlan != "BB" || bb.TotalPrice != bar.TotalPrice+2*4800)) {
			t.Errorf("room type %d: breakfast offer %+v (flexible %s)", rt, bb, bar.TotalPrice)
		}
	}
	// Terms: the flexible rate is free until 18:00 London time two days
	// before arrival, the non-refundable one never; VAT is in the price.
	bar, nr := byCode["BAR-1"], byCode["NR-1"]
	if deadline := in.AddDays(-2).At(18, 0, london); bar.CancellationDeadline == nil || !bar.CancellationDeadline.Equal(deadline) {
		t.Errorf("BAR-1 deadline %v, want %v", bar.CancellationDeadline, deadline)
	}
	if nr.CancellationDeadline != nil || !nr.CancellationPolicy.NonRefundable || nr.Guarantee.Kind != hotel.GuaranteeDeposit {
		t.Errorf("NR-1: deadline %v, policy %+v, guarantee %+v", nr.CancellationDeadline, nr.CancellationPolicy, nr.Guarantee)
	}
	want := hotel.TaxBreakdown{Net: 50667, Taxes: []hotel.TaxLine{{Code: "VAT", Name: "VAT 20 %", Amount: 10133, Included: true}}, Gross: 60800}
	if jsonOf(bar.PriceBreakdown) != jsonOf(want) {
		t.Errorf("BAR-1 for two nights: breakdown %s, want %s", jsonOf(bar.PriceBreakdown), jsonOf(want))
	}
	// St Brides Spa adds its visitor levy: 1.30 a night for each adult,
	// the child of 5 exempt, at most 7 nights of a 9-night stay.
	spaIn := in
	for spaIn.Time().Weekday() == time.Sunday { // some Sundays are closed to arrival there
		spaIn = spaIn.AddDays(1)
	}
	spa, _ := search(hotel.SearchQuery{HotelID: 666, RoomType: "Deluxe Rooms", CheckIn: spaIn, CheckOut: spaIn.AddDays(9), Adults: 2, Children: 1, ChildAges: []int{5}})
	if len(spa) == 0 {
		t.Fatal("St Brides Spa offers nothing for 9 nights")
	}
	for _, o := range spa {
		b := o.PriceBreakdown
		if len(b.Taxes) != 2 || b.Taxes[1].Code != "LEVY" || b.Taxes[1].Amount != 2*7*130 || b.Gross != o.TotalPrice+2*7*130 {
			t.Errorf("666 %s: breakdown %s of %s", o.RatePlan, jsonOf(b), o.TotalPrice)
		}
	}

	// Occupancy: a third adult and a child of 5 in a suite (room type 3).
	family, _ := search(hotel.SearchQuery{HotelID: 111, RoomType: "Suites", CheckIn: in, CheckOut: in.AddDays(1), Adults: 3, Children: 1, ChildAges: []int{5}})
	if len(family) != 3 || family[0].TotalPrice != 45600+5000+2000-(45600+5000+2000)/10 {
		t.Errorf("suite for 3 adults and a child of 5 = %v", family)
	}

	// A Saturday arrival at The Gleneagles: one night is refused on every
	// plan (minimum stay two on arrival), two nights are offered.
	sat := today.AddDays(14)
	for sat.Time().Weekday() != time.Saturday {
		sat = sat.AddDays(1)
	}
	offers, excluded := search(hotel.SearchQuery{HotelID: 444, CheckIn: sat, CheckOut: sat.AddDays(1), Adults: 2, Explain: true})
	if len(offers) != 0 || len(excluded) != 11 || excluded[0].Violations[0].Rule != hotel.RuleMinStayArrival {
		t.Errorf("one Saturday night at 444: %d offers, excluded %+v", len(offers), excluded)
	}
	if offers, _ := search(hotel.SearchQuery{HotelID: 444, CheckIn: sat, CheckOut: sat.AddDays(2), Adults: 2}); len(offers) != 11 {
		t.Errorf("two nights from Saturday at 444: %d offers, want 11", len(offers))
	}
	// The Grand's non-refundable plans sell from seven days ahead.
	soon, _ := search(hotel.SearchQuery{HotelID: 555, CheckIn: today.AddDays(3), CheckOut: today.AddDays(4), Adults: 1})
	later, _ := search(hotel.SearchQuery{HotelID: 555, CheckIn: today.AddDays(8), CheckOut: today.AddDays(9), Adults: 1})
	if count(soon, "NR-") != 0 || count(later, "NR-") != 4 || len(soon) != 7 {
		t.Errorf("555: %d offers (%d non-refundable) 3 days ahead, %d non-refundable 8 days ahead", len(soon), count(soon, "NR-"), count(later, "NR-"))
	}
	ids, err := st.MaxIDs(ctx)
	if err != nil || ids != (store.IDs{Hotel: 777, RoomType: 28, RatePlan: 83}) {
		t.Errorf("MaxIDs = %+v, %v", ids, err)
	}
}

func count(offers []hotel.Offer, prefix string) int {
	n := 0
	for _, o := range offers {
		if strings.HasPrefix(o.RatePlan, prefix) {
			n++
		}
	}
	return n
}
