package hotel

import (
	"slices"
	"testing"
	"time"
)

var day0 = NewDate(2027, time.March, 1) // a Monday

// view is the ARI the rule tables change.
type view struct{ *ARI }

// newView has 10 rooms and a price of 100.00 on plan 1 for 30 nights from day0.
func newView() view {
	v := view{NewARI()}
	for i := range 30 {
		v.Rooms[RoomNight{1, day0.AddDays(i)}] = 10
		v.Prices[PlanNight{1, day0.AddDays(i)}] = 10000
	}
	return v
}

func (v view) set(rt, plan int64, d Date, r Restrictions) { v.Rules[RuleKey{rt, plan, d}] = r }

var (
	room = RoomType{ID: 1, HotelID: 1, Name: "Double", MaxOccupancy: 4}
	flex = RatePlan{ID: 1, HotelID: 1, RoomTypeID: 1, Code: "FLEX", Sellable: true, Default: true}
)

func rules(t *testing.T, ps Plans, v view, p RatePlan, s Stay) []string {
	t.Helper()
	_, vs, err := ps.Quote(v, room, p, s)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range vs {
		out = append(out, x.Rule+"@"+x.Date.String())
	}
	return out
}

func stay(in, nights int) Stay {
	return Stay{CheckIn: day0.AddDays(in), CheckOut: day0.AddDays(in + nights), Today: day0, Party: Party{Adults: 2}}
}

func TestRestrictions(t *testing.T) {
	d := day0.AddDays
	cases := []struct {
		name string
		set  func(v view)
		stay Stay
		want []string
	}{
		{"nothing set", func(view) {}, stay(2, 3), nil},
		{"min stay on arrival: met", func(v view) { v.set(1, 1, d(2), Restrictions{MinStayArrival: 3}) }, stay(2, 3), nil},
		{"min stay on arrival: short", func(v view) { v.set(1, 1, d(2), Restrictions{MinStayArrival: 3}) }, stay(2, 2),
			[]string{"min_stay_arrival@" + d(2).String()}},
		{"min stay on arrival applies to arrival only", func(v view) { v.set(1, 1, d(3), Restrictions{MinStayArrival: 5}) }, stay(2, 2), nil},
		{"min stay through a night that is not the arrival night", func(v view) { v.set(1, 1, d(3), Restrictions{MinStayThrough: 3}) }, stay(2, 2),
			[]string{"min_stay_through@" + d(3).String()}},
		{"min stay through: the check-out date is not a night", func(v view) { v.set(1, 1, d(4), Restrictions{MinStayThrough: 3}) }, stay(2, 2), nil},
		{"max stay through", func(v view) { v.set(1, 1, d(4), Restrictions{MaxStayThrough: 2}) }, stay(2, 3),
			[]string{"max_stay_through@" + d(4).String()}},
		{"max stay on arrival", func(v view) { v.set(1, 1, d(2), Restrictions{MaxStayArrival: 2}) }, stay(2, 3),
			[]string{"max_stay_arrival@" + d(2).String()}},
		{"closed to arrival", func(v view) { v.set(1, 1, d(2), Restrictions{ClosedToArrival: true}) }, stay(2, 1),
			[]string{"closed_to_arrival@" + d(2).String()}},
		{"closed to arrival on a later night: staying through is fine", func(v view) { v.set(1, 1, d(3), Restrictions{ClosedToArrival: true}) }, stay(2, 3), nil},
		{"closed to departure on the check-out date", func(v view) { v.set(1, 1, d(4), Restrictions{ClosedToDeparture: true}) }, stay(2, 2),
			[]string{"closed_to_departure@" + d(4).String()}},
		{"closed to departure on the last night is not the check-out", func(v view) { v.set(1, 1, d(3), Restrictions{ClosedToDeparture: true}) }, stay(2, 2), nil},
		{"stop-sell on a middle night", func(v view) { v.set(1, 1, d(3), Restrictions{StopSell: true}) }, stay(2, 3),
			[]string{"stop_sell@" + d(3).String()}},
		{"stop-sell on the check-out date", func(v view) { v.set(1, 1, d(5), Restrictions{StopSell: true}) }, stay(2, 3), nil},
		{"room type level applies to every plan", func(v view) { v.set(1, 0, d(2), Restrictions{MinStayArrival: 2}) }, stay(2, 1),
			[]string{"min_stay_arrival@" + d(2).String()}},
		{"the stricter of room type and plan", func(v view) {
			v.set(1, 0, d(2), Restrictions{MinStayArrival: 2, MaxStayArrival: 5})
			v.set(1, 1, d(2), Restrictions{MinStayArrival: 3, MaxStayArrival: 7})
		}, stay(2, 6), []string{"max_stay_arrival@" + d(2).String()}},
		{"min advance: met", func(v view) { v.set(1, 1, d(2), Restrictions{MinAdvance: 2}) }, stay(2, 1), nil},
		{"min advance: too late", func(v view) { v.set(1, 1, d(2), Restrictions{MinAdvance: 3}) }, stay(2, 1),
			[]string{"min_advance@" + d(2).String()}},
		{"max advance: too early", func(v view) { v.set(1, 1, d(20), Restrictions{MaxAdvance: 14}) }, stay(20, 1),
			[]string{"max_advance@" + d(20).String()}},
		{"sold out and no inventory", func(v view) { v.Rooms[RoomNight{1, d(3)}] = 0; delete(v.Rooms, RoomNight{1, d(4)}) }, stay(2, 3),
			[]string{"sold_out@" + d(3).String(), "no_inventory@" + d(4).String()}},
		{"no price", func(v view) { delete(v.Prices, PlanNight{1, d(2)}) }, stay(2, 1), []string{"no_price@" + d(2).String()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newView()
			c.set(v)
			got := rules(t, Plans{1: flex}, v, flex, c.stay)
			if !slices.Equal(got, c.want) {
				t.Fatalf("broken rules %q, want %q", got, c.want)
			}
		})
	}
}

// Lead time counts in the hotel's days: at Kiritimati (UTC+14) the date
// turns 14 hours before it does in UTC.
func TestAdvanceAcrossMidnightFarFromUTC(t *testing.T) {
	zone, err := LoadZone("Pacific/Kiritimati")
	if err != nil {
		t.Fatal(err)
	}
	v := newView()
	arrival := day0.AddDays(2) // 2027-03-03
	v.set(1, 1, arrival, Restrictions{MinAdvance: 2})
	for _, c := range []struct {
		utc  string
		want []string
	}{
		{"2027-02-28T09:59:00Z", nil},                                         // 23:59 on 28 Feb at the hotel: 3 days ahead
		{"2027-02-28T10:00:00Z", nil},                                         // 00:00 on 1 Mar: 2 days ahead
		{"2027-03-01T10:00:00Z", []string{"min_advance@" + arrival.String()}}, // 00:00 on 2 Mar: 1 day
	} {
		now, _ := time.Parse(time.RFC3339, c.utc)
		s := Stay{CheckIn: arrival, CheckOut: arrival.AddDays(1), Today: Today(now, zone), Party: Party{Adults: 1}}
		if got := rules(t, Plans{1: flex}, v, flex, s); !slices.Equal(got, c.want) {
			t.Errorf("at %s (hotel date %s): %q, want %q", c.utc, s.Today, got, c.want)
		}
	}
}

func TestDerivedPlans(t *testing.T) {
	nonref := RatePlan{ID: 2, HotelID: 1, RoomTypeID: 1, Code: "NRF", Sellable: true, ParentID: 1, PercentBP: -1000}
	// A derived plan of a derived plan: breakfast on top of non-refundable.
	bb := RatePlan{ID: 3, HotelID: 1, RoomTypeID: 1, Code: "NRF-BB", Sellable: true, ParentID: 2, AmountCents: 1550, FollowsParentRestrictions: true}
	ps := Plans{1: flex, 2: nonref, 3: bb}
	v := newView()
	v.Prices[PlanNight{1, day0.AddDays(2)}] = 9999 // 89.991 → 89.99
	v.Prices[PlanNight{1, day0.AddDays(3)}] = 9995 // 89.955 → 89.96 (half away from zero)
	q, vs, err := ps.Quote(v, room, bb, stay(2, 2))
	if err != nil || vs != nil {
		t.Fatal(err, vs)
	}
	if got := []Cents{q.NightlyPrices[0].Price, q.NightlyPrices[1].Price}; !slices.Equal(got, []Cents{8999 + 1550, 8996 + 1550}) {
		t.Fatalf("prices %v", got)
	}
	if q.Total != 8999+8996+2*1550 {
		t.Fatalf("total %v", q.Total)
	}

	// bb follows its parent's restrictions, nonref does not follow flex's.
	v.set(1, 2, day0.AddDays(2), Restrictions{ClosedToArrival: true})
	v.set(1, 1, day0.AddDays(2), Restrictions{MinStayArrival: 3})
	if got := rules(t, ps, v, bb, stay(2, 2)); !slices.Equal(got, []string{"closed_to_arrival@" + day0.AddDays(2).String()}) {
		t.Fatalf("derived of derived: %q", got)
	}
	bb.FollowsParentRestrictions, nonref.FollowsParentRestrictions = true, true
	ps = Plans{1: flex, 2: nonref, 3: bb}
	if got := rules(t, ps, v, bb, stay(2, 2)); len(got) != 2 {
		t.Fatalf("following the whole chain: %q", got)
	}

	// A plan is never cheaper than free; cycles are refused.
	cheap := RatePlan{ID: 4, Code: "X", Sellable: true, ParentID: 1, AmountCents: -20000}
	if p := cheap.Derive(10000); p != 0 {
		t.Fatalf("negative price %v", p)
	}
	loop := Plans{5: {ID: 5, ParentID: 6}, 6: {ID: 6, ParentID: 5}}
	if _, _, err := loop.Quote(v, room, loop[5], stay(2, 1)); err == nil {
		t.Fatal("a cycle was quoted")
	}
}

func TestOccupancyPricing(t *testing.T) {
	o := Occupancy{BaseAdults: 2, ExtraAdult: 2500, ChildBands: []ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: 1000}, {MaxAge: 17, Price: 2000}}}
	for _, c := range []struct {
		party Party
		want  Cents
	}{
		{Party{Adults: 1}, 10000},
		{Party{Adults: 2}, 10000},
		{Party{Adults: 3}, 12500},
		{Party{Adults: 2, ChildAges: []int{0}}, 10000},
		{Party{Adults: 2, ChildAges: []int{2}}, 10000},
		{Party{Adults: 2, ChildAges: []int{3}}, 11000},
		{Party{Adults: 2, ChildAges: []int{11}}, 11000},
		{Party{Adults: 2, ChildAges: []int{12}}, 12000},
		{Party{Adults: 2, ChildAges: []int{17}}, 12000},
		{Party{Adults: 2, ChildAges: []int{18}}, 12500}, // an adult
		{Party{Adults: 2, ChildAges: []int{-1}}, 12000}, // age unknown: the last band
		{Party{Adults: 1, ChildAges: []int{5, 14}}, 13000},
	} {
		if got := o.Price(10000, c.party); got != c.want {
			t.Errorf("%+v: %v, want %v", c.party, got, c.want)
		}
	}
	// No bands: children are free; no base occupancy: adults are too.
	if got := (Occupancy{BaseAdults: 4, ExtraAdult: 100}).Price(10000, Party{Adults: 4, ChildAges: []int{5, -1}}); got != 10000 {
		t.Errorf("room price: %v", got)
	}

	v := newView()
	big := Party{Adults: 3, ChildAges: []int{4, 9}}
	if got := rules(t, Plans{1: flex}, v, flex, Stay{CheckIn: day0.AddDays(1), CheckOut: day0.AddDays(2), Today: day0, Party: big}); !slices.Equal(got, []string{"max_occupancy@" + (Date{}).String()}) {
		t.Fatalf("over max occupancy: %q", got)
	}
}

// TestParentOfAnotherRoomType: a plan of the double priced from the suite's
// default plan takes the suite's price, sells the double's rooms, and, when
// it follows its parent, meets the suite's room type restrictions too.
func TestParentOfAnotherRoomType(t *testing.T) {
	suiteBAR := RatePlan{ID: 9, HotelID: 1, RoomTypeID: 2, Code: "SUITE", Sellable: true, Default: true}
	upsell := RatePlan{ID: 10, HotelID: 1, RoomTypeID: 1, Code: "UP", Sellable: true, ParentID: 9, PercentBP: -2000}
	ps := PlansOf([]RatePlan{flex, suiteBAR, upsell})
	v := newView()
	for i := range 30 {
		v.Prices[PlanNight{9, day0.AddDays(i)}] = 25000 // the suite's price; the suite has no rooms here
	}
	q, vs, err := ps.Quote(v, room, upsell, stay(2, 2))
	if err != nil || vs != nil || q.Total != 40000 || q.AvailableRooms != 10 {
		t.Fatalf("Quote = total %d, rooms %d, %v, %v; want 400.00 (2 × 80 %% of 250.00) on the double's 10 rooms", q.Total, q.AvailableRooms, vs, err)
	}
	v.set(2, 0, day0.AddDays(3), Restrictions{StopSell: true}) // the suite's room type
	if got := rules(t, ps, v, upsell, stay(2, 2)); got != nil {
		t.Fatalf("a plan not following its parent broke %v", got)
	}
	upsell.FollowsParentRestrictions = true
	ps[upsell.ID] = upsell
	if got, want := rules(t, ps, v, upsell, stay(2, 2)), []string{"stop_sell@" + day0.AddDays(3).String()}; !slices.Equal(got, want) {
		t.Fatalf("following its parent: %v, want %v", got, want)
	}
}
