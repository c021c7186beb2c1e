package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// wantOffer is the offer the fixture gives for room type rt over [in, out).
func (f Fixture) wantOffer(rt int64, in, out hotel.Date) hotel.Offer {
	r := f.roomType(rt)
	h := f.findHotel(r.HotelID)
	o := hotel.Offer{
		HotelID: h.ID, HotelName: h.Name, Location: h.Location, TimeZone: h.TimeZone,
		RoomTypeID: rt, RoomType: r.Name, MaxOccupancy: r.MaxOccupancy,
		CheckIn: in, CheckOut: out, AvailableRooms: -1, Currency: h.Currency,
	}
	for d := in; d.Before(out); d = d.AddDays(1) {
		n, ok := f.night(rt, d)
		if !ok {
			panic(fmt.Sprintf("storetest: fixture has no night %s of room type %d", d, rt))
		}
		o.NightlyPrices = append(o.NightlyPrices, hotel.NightPrice{Date: d, Price: n.Price})
		o.TotalPrice += n.Price
		if o.AvailableRooms < 0 || n.Available() < o.AvailableRooms {
			o.AvailableRooms = n.Available()
		}
	}
	return o // the terms: onDefaultPlans
}

// offerEqual reports whether two offers are the same (the deadline as the
// same instant with the same offset: as the API shows it).
func offerEqual(a, b hotel.Offer) bool {
	if !slices.Equal(a.NightlyPrices, b.NightlyPrices) {
		return false
	}
	a.NightlyPrices, b.NightlyPrices = nil, nil
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func formatOffers(os []hotel.Offer) string {
	var b strings.Builder
	for _, o := range os {
		fmt.Fprintf(&b, "\n\t%+v", o)
	}
	if len(os) == 0 {
		b.WriteString(" none")
	}
	return b.String()
}

// storeSearch answers q as the inventory service does: the ARI LoadARI
// reads, quoted by hotel.SearchOffers, on the fixture's first day.
func storeSearch(ctx context.Context, s store.Store, q hotel.SearchQuery) ([]hotel.Offer, error) {
	snap, err := s.LoadARI(ctx, q.ARIQuery())
	if err != nil {
		return nil, err
	}
	offers, _, err := hotel.SearchOffers(snap, q, Start.Time())
	return offers, err
}

// search fails t unless a search for q returns exactly want, in order,
// each want sold through its room type's default plan.
func search(t *testing.T, s store.Store, what string, q hotel.SearchQuery, want ...hotel.Offer) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	got, err := storeSearch(context.Background(), s, q)
	if err != nil {
		t.Fatalf("Search %s: %v", what, err)
	}
	want = onDefaultPlans(t, s, want)
	if !slices.EqualFunc(got, want, offerEqual) {
		t.Fatalf("Search %s returned%s\nwant%s", what, formatOffers(got), formatOffers(want))
	}
}

func testSearchOffers(t *testing.T, h Harness) {
	f := newInventoryFixture(100, 10)
	// Hotel 100 (London): 1000 Standard (2 guests, 10 rooms), 1001 Deluxe (3 guests, 11 rooms).
	// Hotel 101 (Auckland): 1002 Standard, 1003 Deluxe.
	f.set(1000, 2, func(n *hotel.Night) { n.Held = 7 })                               // 3 left
	f.set(1001, 1, func(n *hotel.Night) { n.Held = 11 })                              // sold out by holds
	f.set(1003, 3, func(n *hotel.Night) { n.Blocked = 11 })                           // sold out by blocks
	f.set(1000, 6, func(n *hotel.Night) { n.Held, n.Blocked, n.Allowance = 8, 2, 1 }) // 1 left, in the allowance
	f.drop(1002, 2)                                                                   // no inventory
	s := loaded(t, h, f)
	london := func(in, out int, adults, children int) hotel.SearchQuery {
		return hotel.SearchQuery{Location: "London", CheckIn: day(in), CheckOut: day(out), Adults: adults, Children: children}
	}
	offer := func(rt int64, in, out int) hotel.Offer { return f.wantOffer(rt, day(in), day(out)) }
	if o := offer(1000, 0, 3); o.AvailableRooms != 3 || o.TotalPrice != 30400+30500+30600 {
		t.Fatalf("fixture check: %+v", o) // the expectations below rest on these values
	}

	search(t, s, "3 nights, one room type sold out on a night", london(0, 3, 2, 0), offer(1000, 0, 3))
	search(t, s, "2 nights, by total", london(2, 4, 1, 0), offer(1000, 2, 4), offer(1001, 2, 4))
	search(t, s, "party of 3 (2+1)", london(2, 4, 2, 1), offer(1001, 2, 4))
	search(t, s, "party of 4", london(2, 4, 3, 1))
	search(t, s, "single night", london(1, 2, 1, 0), offer(1000, 1, 2))
	search(t, s, "last room is in the allowance", london(6, 7, 1, 0), offer(1000, 6, 7), offer(1001, 6, 7))
	search(t, s, "stay past the calendar", london(9, 11, 1, 0))
	q := london(2, 4, 1, 0)
	q.Location = "lOnDoN"
	search(t, s, "location in any case", q, offer(1000, 2, 4), offer(1001, 2, 4))
	q.Location = "Paris"
	search(t, s, "unknown location", q)
	auckland := func(in, out int) hotel.SearchQuery {
		return hotel.SearchQuery{Location: "Auckland", CheckIn: day(in), CheckOut: day(out), Adults: 1}
	}
	search(t, s, "a night without inventory", auckland(0, 3), offer(1003, 0, 3))
	search(t, s, "a night blocked out", auckland(3, 5), offer(1002, 3, 5))
	search(t, s, "by hotel id", hotel.SearchQuery{HotelID: 101, CheckIn: day(4), CheckOut: day(6), Adults: 1}, offer(1002, 4, 6), offer(1003, 4, 6))
	search(t, s, "hotel id and another location", hotel.SearchQuery{HotelID: 101, Location: "London", CheckIn: day(4), CheckOut: day(6), Adults: 1})
	q = london(2, 4, 1, 0)
	q.RoomType = "deluxe rooms"
	search(t, s, "room type name in any case", q, offer(1001, 2, 4))
	q = london(2, 4, 1, 0)
	q.MaxPrice = 30700 // the dearest night of 1000 (306.00, 307.00); 1001 costs 366.80, 367.80
	search(t, s, "max price equal to the dearest night", q, offer(1000, 2, 4))
	q.MaxPrice = 30699
	search(t, s, "max price below one night", q)
	q.MaxPrice = 36780
	search(t, s, "max price above every night", q, offer(1000, 2, 4), offer(1001, 2, 4))
}

func testSearchOrderAndPages(t *testing.T, h Harness) {
	ctx := context.Background()
	a, b, c := newInventoryFixture(100, 5), newInventoryFixture(200, 5), newInventoryFixture(300, 5)
	for d := range 5 {
		b.set(2001, d, func(n *hotel.Night) { n.Price = hotel.Cents(30400 + 100*d) }) // same as 1000 and 2000
		c.set(3000, d, func(n *hotel.Night) { n.Price = 20000 })
		c.set(3001, d, func(n *hotel.Night) { n.Price = 40000 })
	}
	// A room type of hotel 100 whose id is above hotel 200's, priced like 1000:
	// ties go by hotel id before room type id.
	a.RoomTypes = append(a.RoomTypes, hotel.RoomType{ID: 9000, HotelID: 100, Name: "Garden Rooms", MaxOccupancy: 2})
	for d := range 5 {
		a.Nights = append(a.Nights, hotel.Night{HotelID: 100, RoomTypeID: 9000, Date: day(d), Capacity: 5, Price: hotel.Cents(30400 + 100*d), DemandLevel: hotel.DemandLow})
	}
	f := merge(a, b, c)
	s := loaded(t, h, f)
	offer := func(rt int64) hotel.Offer { return f.wantOffer(rt, day(1), day(3)) }
	// Totals: 3000 400.00; 1000, 9000, 2000, 2001 611.00 each (hotel id, then
	// room type id decide); 1001 732.60; 3001 800.00.
	all := []hotel.Offer{offer(3000), offer(1000), offer(9000), offer(2000), offer(2001), offer(1001), offer(3001)}
	q := hotel.SearchQuery{Location: "london", CheckIn: day(1), CheckOut: day(3), Adults: 1, Limit: 100}
	plan := func(rt int64) int64 { return onDefaultPlans(t, s, []hotel.Offer{offer(rt)})[0].RatePlanID }
	search(t, s, "three hotels", q, all...)
	q.Limit = 2
	search(t, s, "first page of 2", q, all[:2]...)
	q.After = &hotel.SearchCursor{Total: 61100, HotelID: 100, RoomTypeID: 1000, RatePlanID: plan(1000)}
	search(t, s, "after a cursor inside a tie", q, all[2:4]...)
	q.After = &hotel.SearchCursor{Total: 61100, HotelID: 100, RoomTypeID: 9000, RatePlanID: plan(9000)}
	search(t, s, "after the last of a hotel inside a tie", q, all[3:5]...)
	q.After = &hotel.SearchCursor{Total: 61100, HotelID: 200, RoomTypeID: 2001, RatePlanID: plan(2001)}
	search(t, s, "after the last of a tie", q, all[5:]...)
	q.After = &hotel.SearchCursor{Total: 80000, HotelID: 300, RoomTypeID: 3001, RatePlanID: plan(3001)}
	search(t, s, "after the last offer", q)

	for limit := 1; limit <= len(all)+1; limit++ {
		q := hotel.SearchQuery{Location: "London", CheckIn: day(1), CheckOut: day(3), Adults: 1, Limit: limit}
		var paged []hotel.Offer
		seen := map[int64]bool{}
		for pages := 0; ; pages++ {
			if pages > len(all)+1 {
				t.Fatalf("limit %d: pagination does not end", limit)
			}
			page, err := storeSearch(ctx, s, q)
			if err != nil {
				t.Fatalf("limit %d, page %d: %v", limit, pages, err)
			}
			if len(page) > limit {
				t.Fatalf("limit %d: page of %d offers", limit, len(page))
			}
			for _, o := range page {
				if seen[o.RoomTypeID] {
					t.Fatalf("limit %d: room type %d returned twice", limit, o.RoomTypeID)
				}
				seen[o.RoomTypeID] = true
			}
			paged = append(paged, page...)
			if len(page) < limit {
				break
			}
			last := page[len(page)-1]
			q.After = new(last.Cursor())
		}
		if !slices.EqualFunc(paged, onDefaultPlans(t, s, all), offerEqual) {
			t.Fatalf("limit %d: pages joined give%s\nwant%s", limit, formatOffers(paged), formatOffers(all))
		}
	}
}

// onDefaultPlans returns offers sold through their room type's default
// plan, with its terms: the default plans of the fixture have no policy
// (free to cancel until the arrival day begins at the hotel), and the
// total split by the hotel's taxes (the fixture's are percentages: the
// party does not matter).
func onDefaultPlans(t *testing.T, s store.Store, offers []hotel.Offer) []hotel.Offer {
	t.Helper()
	out := slices.Clone(offers)
	for i, o := range out {
		plans, err := s.ListRatePlans(context.Background(), o.HotelID)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.GetHotel(context.Background(), o.HotelID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plans {
			if p.RoomTypeID == o.RoomTypeID && p.Default {
				out[i].RatePlanID, out[i].RatePlan, out[i].RatePlanName = p.ID, p.Code, p.Name
				out[i].MealPlan, out[i].Refundable = p.MealPlan, p.Refundable
				out[i].CancellationPolicy, out[i].NoShowPolicy, out[i].Guarantee = p.CancellationTerms(), p.NoShow, p.Guarantee
				if out[i].Guarantee.Kind == "" {
					out[i].Guarantee.Kind = hotel.GuaranteeNone
				}
			}
		}
		out[i].CancellationDeadline = nil
		if deadline, ok := out[i].CancellationPolicy.DeadlineAt(o.CheckIn, h.Zone()); ok {
			out[i].CancellationDeadline = &deadline
		}
		out[i].PriceBreakdown = hotel.ApplyTaxes(h.Taxes, o.TotalPrice, len(o.NightlyPrices), hotel.Party{}, hotel.MinorUnit(h.Currency))
	}
	return out
}
