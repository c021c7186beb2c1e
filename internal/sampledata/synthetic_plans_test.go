package sampledata

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

func TestSyntheticPlans(t *testing.T) {
	o := SyntheticOptions{Hotels: 300, Days: 60, Seed: 5, Start: testStart, FirstHotelID: 10, FirstRoomTypeID: 100, FirstRatePlanID: 1000}
	ds, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	roomTypes := map[int64]hotel.RoomType{}
	for rt := range ds.RoomTypes {
		roomTypes[rt.ID] = rt
	}
	plans := slices.Collect(ds.RatePlans)
	if avg := float64(len(plans)) / float64(len(roomTypes)); avg < 4.7 || avg > 5.3 {
		t.Errorf("%.2f plans per room type, want about 5", avg)
	}
	all := hotel.PlansOf(plans)
	defaults := map[int64]int{}
	policies := map[string]int{}
	maxID := o.FirstRatePlanID + int64(len(roomTypes))*plansPerRoomType - 1
	for _, p := range plans {
		if rt, ok := roomTypes[p.RoomTypeID]; !ok || rt.HotelID != p.HotelID || p.ID < o.FirstRatePlanID || p.ID > maxID {
			t.Fatalf("plan %+v: unknown room type or id outside %d..%d", p, o.FirstRatePlanID, maxID)
		}
		chain, err := all.Chain(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chain {
			if c.RoomTypeID != p.RoomTypeID {
				t.Fatalf("plan %s derives from %s of another room type", p.Code, c.Code)
			}
		}
		if p.Default {
			defaults[p.RoomTypeID]++
		}
		// Terms consistent with refundable: non-refundable plans are
		// prepaid, the others free until a deadline, then a fee.
		checkTerms(t, p)
		switch c := p.Cancellation; {
		case c == nil:
		case !p.Refundable && (!c.NonRefundable || p.Guarantee.Kind != hotel.GuaranteeDeposit):
			t.Errorf("non-refundable plan %s: %s", p.Code, store.PoliciesJSON(p))
		case p.Refundable && (c.Deadline == nil || c.Fee == (hotel.Fee{})):
			t.Errorf("refundable plan %s: %s; want a deadline and a fee", p.Code, store.PoliciesJSON(p))
		}
		policies[jsonOf(p.Cancellation)]++
	}
	if len(policies) != len(flexiblePolicies)+1 {
		t.Errorf("cancellation policies %v; want every flexible one and non-refundable", policies)
	}
	for id := range roomTypes {
		if defaults[id] != 1 {
			t.Fatalf("room type %d has %d default plans", id, defaults[id])
		}
	}

	// Every advance purchase plan has a price on every night, below the
	// night's inventory price.
	inv := map[hotel.RoomNight]hotel.Cents{}
	for n := range ds.Nights {
		inv[hotel.RoomNight{RoomTypeID: n.RoomTypeID, Night: n.Date}] = n.Price
	}
	priced := map[int64]int{}
	for n := range ds.RateNights {
		p, ok := all[n.RatePlanID]
		if !ok || p.ParentID != 0 || p.Default || p.HotelID != n.HotelID {
			t.Fatalf("rate night %+v is not of a base plan other than the default", n)
		}
		if base := inv[hotel.RoomNight{RoomTypeID: p.RoomTypeID, Night: n.Night}]; n.Price <= 0 || n.Price >= base {
			t.Fatalf("rate night %+v: want a price below the inventory's %s", n, base)
		}
		priced[n.RatePlanID]++
	}
	for _, p := range plans {
		if !p.Default && p.ParentID == 0 && priced[p.ID] != o.Days {
			t.Errorf("base plan %s has %d priced nights, want %d", p.Code, priced[p.ID], o.Days)
		}
	}

	// About a fifth of the room types' nights have a restriction, of
	// each kind.
	type key struct {
		rt   int64
		date hotel.Date
	}
	restricted := map[key]bool{}
	kinds := map[string]int{}
	for r := range ds.Restrictions {
		if rt, ok := roomTypes[r.RoomTypeID]; !ok || rt.HotelID != r.HotelID {
			t.Fatalf("restriction %+v names an unknown room type", r)
		}
		if p, ok := all[r.RatePlanID]; r.RatePlanID != 0 && (!ok || p.RoomTypeID != r.RoomTypeID) {
			t.Fatalf("restriction %+v names a plan of another room type", r)
		}
		if restricted[key{r.RoomTypeID, r.Night}] {
			t.Fatalf("two restrictions of room type %d on %s", r.RoomTypeID, r.Night)
		}
		restricted[key{r.RoomTypeID, r.Night}] = true
		switch x := r.Restrictions; {
		case x.MinStayArrival > 0:
			kinds["min_stay_arrival"]++
		case x.ClosedToArrival:
			kinds["closed_to_arrival"]++
		case x.ClosedToDeparture:
			kinds["closed_to_departure"]++
		case x.MinStayThrough > 0:
			kinds["min_stay_through"]++
		case x.MaxStayArrival > 0:
			kinds["max_stay_arrival"]++
		case x.MinAdvance > 0:
			kinds["min_advance"]++
		case x.StopSell:
			kinds["stop_sell"]++
		default:
			t.Fatalf("empty restriction %+v", r)
		}
	}
	if share := float64(len(restricted)) / float64(len(inv)); share < 0.18 || share > 0.22 {
		t.Errorf("%.3f of the nights restricted, want about 0.20", share)
	}
	if len(kinds) != 7 {
		t.Errorf("restriction kinds %v, want all seven", kinds)
	}

	// Deterministic.
	again, _ := Synthetic(o)
	if digest(again) != digest(ds) {
		t.Error("same options gave different plans, rate nights or restrictions")
	}
}

// TestSyntheticTaxes: about 60 % of the synthetic hotels have their
// city's taxes, valid ones, of every kind.
func TestSyntheticTaxes(t *testing.T) {
	o := SyntheticOptions{Hotels: 2000, Days: 1, Seed: 9, Start: testStart}
	ds, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	taxed := 0
	kinds := map[string]int{}
	byCity := map[string]string{}
	for h := range ds.Hotels {
		if len(h.Taxes) == 0 {
			continue
		}
		taxed++
		var v hotel.Validation
		hotel.CheckTaxes(&v, "taxes", h.Taxes)
		if err := v.Err(); err != nil {
			t.Fatalf("hotel %d: taxes %+v: %v", h.ID, h.Taxes, err)
		}
		if h.Taxes[0].Code != "VAT" || !h.Taxes[0].Inclusive {
			t.Errorf("hotel %d: taxes %+v, want an inclusive VAT first", h.ID, h.Taxes)
		}
		for _, x := range h.Taxes {
			kinds[x.Code]++
			if x.PerPersonNight%hotel.MinorUnit(h.Currency) != 0 {
				t.Errorf("hotel %d (%s): city tax %s is not a whole amount of the currency", h.ID, h.Currency, x.PerPersonNight)
			}
		}
		if prev, ok := byCity[h.Location]; ok && prev != jsonOf(h.Taxes) {
			t.Errorf("two hotels in %s with different taxes: %s and %s", h.Location, prev, jsonOf(h.Taxes))
		}
		byCity[h.Location] = jsonOf(h.Taxes)
	}
	if share := float64(taxed) / float64(o.Hotels); share < 0.55 || share > 0.65 {
		t.Errorf("%.3f of the hotels have taxes, want about 0.60", share)
	}
	if len(kinds) != 3 {
		t.Errorf("taxes %v; want VAT, city taxes and service charges", kinds)
	}
	// The same seed taxes the same hotels the same way; another, others.
	taxesOf := func(o SyntheticOptions) string {
		ds, _ := Synthetic(o)
		var b strings.Builder
		for h := range ds.Hotels {
			b.WriteString(jsonOf(h.Taxes))
		}
		return b.String()
	}
	again := taxesOf(o)
	if o.Seed++; again != taxesOf(SyntheticOptions{Hotels: 2000, Days: 1, Seed: 9, Start: testStart}) || again == taxesOf(o) {
		t.Error("the taxes do not follow the seed")
	}
}

// TestSyntheticAfterSample loads the synthetic data after the sample
// hotels, as `hotel seed --hotels N` does on a seeded database, and
// searches a synthetic hotel.
func TestSyntheticAfterSample(t *testing.T) {
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
	if _, err := Seed(ctx, st, now, 1); err != nil {
		t.Fatal(err)
	}
	ids, err := st.MaxIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := hotel.Today(now, time.UTC)
	o := SyntheticOptions{Hotels: 20, Days: 30, Seed: 1, Start: start,
		FirstHotelID: ids.Hotel + 1, FirstRoomTypeID: ids.RoomType + 1, FirstRatePlanID: ids.RatePlan + 1}
	ds, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Load(ctx, ds, false); err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	after, err := st.MaxIDs(ctx)
	if err != nil || after.Hotel != ids.Hotel+20 || after.RatePlan <= ids.RatePlan {
		t.Fatalf("MaxIDs after = %+v, %v", after, err)
	}
	// The synthetic hotels offer their other plans for a 3-night stay.
	plans := 0
	for hid := ids.Hotel + 1; hid <= after.Hotel; hid++ {
		q := hotel.SearchQuery{HotelID: hid, CheckIn: start.AddDays(20), CheckOut: start.AddDays(23), Adults: 2}
		snap, err := st.LoadARI(ctx, q.ARIQuery())
		if err != nil {
			t.Fatal(err)
		}
		offers, _, err := hotel.SearchOffers(snap, q, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offers {
			if !snap.Plans[o.RatePlanID].Default {
				plans++
			}
		}
	}
	if plans < 100 {
		t.Errorf("20 synthetic hotels offered %d non-default plans for a 3-night stay, want many", plans)
	}
}
