package inventoryhttp_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hotelplatform/hotel"
)

// TestRatesAndARI runs the rate plan, bulk ARI and calendar tests on every
// driver × {in-process, HTTP client → server}, each on a fresh store.
func TestRatesAndARI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, svc hotel.InventoryService)
	}{
		{"RatePlans", testRatePlans},
		{"RatePlanErrors", testRatePlanErrors},
		{"ApplyARI", testApplyARI},
		{"ApplyARIErrors", testApplyARIErrors},
	}
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range modes {
				t.Run(m.name, func(t *testing.T) {
					t.Parallel()
					for _, tc := range tests {
						t.Run(tc.name, func(t *testing.T) {
							t.Parallel()
							tc.run(t, m.new(t, seeded(t, d), at(t, noon)))
						})
					}
				})
			}
		})
	}
}

// flexAndSaver creates a base plan FLEX (BB, occupancy pricing) and a plan
// NR derived from it on the London deluxe rooms.
func flexAndSaver(t *testing.T, svc hotel.InventoryService) (hotel.RatePlan, hotel.RatePlan) {
	t.Helper()
	ctx := context.Background()
	flex := hotel.RatePlan{HotelID: london, RoomTypeID: londonDeluxe, Code: "FLEX", Name: " Flexible ", MealPlan: "BB", Refundable: true, Sellable: true,
		Occupancy: hotel.Occupancy{BaseAdults: 2, ExtraAdult: 2000, ChildBands: []hotel.ChildBand{{MaxAge: 2}, {MaxAge: 11, Price: 1550}}}}
	must(t, svc.CreateRatePlan(ctx, &flex))
	nr := hotel.RatePlan{HotelID: london, RoomTypeID: londonDeluxe, Code: "NR", Name: "Saver", MealPlan: "RO", Sellable: true,
		ParentID: flex.ID, PercentBP: -1000, FollowsParentRestrictions: true}
	must(t, svc.CreateRatePlan(ctx, &nr))
	return flex, nr
}

func testRatePlans(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	flex, nr := flexAndSaver(t, svc)
	if flex.ID == 0 || flex.Name != "Flexible" || flex.Default || nr.ParentID != flex.ID {
		t.Fatalf("created %+v and %+v", flex, nr)
	}
	plans, err := svc.ListRatePlans(ctx, london)
	must(t, err)
	if len(plans) != 4 || jsonOf(plans[2]) != jsonOf(flex) || jsonOf(plans[3]) != jsonOf(nr) {
		t.Fatalf("plans = %s", jsonOf(plans))
	}
	got, err := svc.GetRatePlan(ctx, london, nr.ID)
	must(t, err)
	if jsonOf(got) != jsonOf(nr) {
		t.Fatalf("GetRatePlan = %s, want %s", jsonOf(got), jsonOf(nr))
	}
	// NR becomes a base plan of its own, then derived by an amount again.
	nr.ParentID, nr.PercentBP, nr.FollowsParentRestrictions = 0, 0, false
	nr.Occupancy = hotel.Occupancy{BaseAdults: 1, ExtraAdult: 500, ChildBands: []hotel.ChildBand{}}
	must(t, svc.UpdateRatePlan(ctx, &nr))
	nr.ParentID, nr.AmountCents, nr.Occupancy = flex.ID, -525, hotel.Occupancy{ChildBands: []hotel.ChildBand{}}
	must(t, svc.UpdateRatePlan(ctx, &nr))
	got, err = svc.GetRatePlan(ctx, london, nr.ID)
	must(t, err)
	if jsonOf(got) != jsonOf(nr) {
		t.Fatalf("after updates, GetRatePlan = %s, want %s", jsonOf(got), jsonOf(nr))
	}
}

func testRatePlanErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	flex, nr := flexAndSaver(t, svc)
	base := func(mod func(p *hotel.RatePlan)) *hotel.RatePlan {
		p := hotel.RatePlan{HotelID: london, RoomTypeID: londonStandard, Code: "X1", Name: "X", MealPlan: "RO"}
		mod(&p)
		return &p
	}
	for _, tc := range []struct {
		what        string
		p           *hotel.RatePlan
		code, field string
	}{
		{"a lower-case code", base(func(p *hotel.RatePlan) { p.Code = "flex" }), hotel.EINVALID, "code"},
		{"no name", base(func(p *hotel.RatePlan) { p.Name = " " }), hotel.EINVALID, "name"},
		{"an unknown meal plan", base(func(p *hotel.RatePlan) { p.MealPlan = "XX" }), hotel.EINVALID, "meal_plan"},
		{"a derived plan with occupancy", base(func(p *hotel.RatePlan) { p.ParentID, p.Occupancy.BaseAdults = flex.ID, 2 }), hotel.EINVALID, "occupancy"},
		{"percent and amount", base(func(p *hotel.RatePlan) { p.ParentID, p.PercentBP, p.AmountCents = flex.ID, 10, 10 }), hotel.EINVALID, "adjust_amount"},
		{"an adjustment without parent", base(func(p *hotel.RatePlan) { p.PercentBP = -500 }), hotel.EINVALID, "adjust_percent_bp"},
		{"bands not ascending", base(func(p *hotel.RatePlan) { p.Occupancy.ChildBands = []hotel.ChildBand{{MaxAge: 11}, {MaxAge: 2}} }),
			hotel.EINVALID, "occupancy.child_bands[1].max_age"},
		{"a band over 17", base(func(p *hotel.RatePlan) { p.Occupancy.ChildBands = []hotel.ChildBand{{MaxAge: 18}} }),
			hotel.EINVALID, "occupancy.child_bands[0].max_age"},
		{"an unknown parent", base(func(p *hotel.RatePlan) { p.ParentID = 999999 }), hotel.EINVALID, "parent"},
		{"an unknown room type", base(func(p *hotel.RatePlan) { p.RoomTypeID = 999999 }), hotel.EINVALID, "room_type_id"},
		{"a code taken", base(func(p *hotel.RatePlan) { p.Code = "NR" }), hotel.ECONFLICT, ""},
	} {
		t.Run(tc.what, func(t *testing.T) {
			checkError(t, svc.CreateRatePlan(ctx, tc.p), tc.code, tc.field)
		})
	}
	cycle := flex
	cycle.ParentID, cycle.Occupancy = nr.ID, hotel.Occupancy{ChildBands: []hotel.ChildBand{}}
	checkError(t, svc.UpdateRatePlan(ctx, &cycle), hotel.EINVALID, "parent")
	plans, err := svc.ListRatePlans(ctx, london)
	must(t, err)
	def := plans[0]
	def.ParentID = flex.ID
	checkError(t, svc.UpdateRatePlan(ctx, &def), hotel.EINVALID, "parent")
	moved := nr
	moved.RoomTypeID = londonStandard
	checkError(t, svc.UpdateRatePlan(ctx, &moved), hotel.EINVALID, "room_type_id")
	_, err = svc.GetRatePlan(ctx, london, 999999)
	checkError(t, err, hotel.ENOTFOUND, "")
	_, err = svc.GetRatePlan(ctx, auckland, flex.ID)
	checkError(t, err, hotel.ENOTFOUND, "")
	_, err = svc.ListRatePlans(ctx, 999999)
	checkError(t, err, hotel.ENOTFOUND, "")
	if after, _ := svc.ListRatePlans(ctx, london); jsonOf(after) != jsonOf(plans) {
		t.Fatalf("refused writes changed the plans: %s", jsonOf(after))
	}
}

func testApplyARI(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	flex, nr := flexAndSaver(t, svc)
	c := &hotel.ARIChange{HotelID: london, Actor: actorName, Reason: "winter", IdempotencyKey: "ari-1", Updates: []hotel.ARIUpdate{
		// 2030-01-04 and 05 are a Friday and a Saturday.
		{RoomTypeID: londonDeluxe, RatePlan: "FLEX", From: date("2030-01-01"), To: date("2030-01-07"), Weekdays: []string{"fri", "sat"},
			Price: ptr[hotel.Cents](20000), Rules: &hotel.RestrictionPatch{MinStayArrival: ptr(2)}},
		{RoomTypeID: londonDeluxe, From: date("2030-01-05"), To: date("2030-01-05"), Capacity: ptr(5),
			Rules: &hotel.RestrictionPatch{ClosedToDeparture: ptr(true)}},
		{RoomTypeID: londonDeluxe, RatePlan: "NR", From: date("2030-01-04"), To: date("2030-01-04"), Rules: &hotel.RestrictionPatch{StopSell: ptr(true)}},
	}}
	replayed, err := svc.ApplyARI(ctx, c)
	must(t, err)
	if replayed || c.ID == 0 || c.Actor != actorName || c.Result != (hotel.ARIResult{Prices: 2, Restrictions: 4, Capacity: 1}) {
		t.Fatalf("ApplyARI = %v, %s", replayed, jsonOf(c))
	}
	again := &hotel.ARIChange{HotelID: london, Actor: actorName, Reason: "winter", IdempotencyKey: "ari-1", Updates: c.Updates}
	replayed, err = svc.ApplyARI(ctx, again)
	must(t, err)
	if !replayed || again.ID != c.ID {
		t.Fatalf("retry = %v, %s; want a replay of %d", replayed, jsonOf(again), c.ID)
	}
	changes, err := svc.ListARIChanges(ctx, london, 0, 10)
	must(t, err)
	if len(changes) != 1 || changes[0].ID != c.ID || changes[0].Reason != "winter" || jsonOf(changes[0].Updates) != jsonOf(c.Updates) {
		t.Fatalf("changes = %s", jsonOf(changes))
	}

	cal, err := svc.ARICalendar(ctx, hotel.ARICalendarQuery{HotelID: london, RoomTypeID: londonDeluxe, From: date("2030-01-04"), To: date("2030-01-05")})
	must(t, err)
	if len(cal.RoomTypes) != 1 || cal.Currency != "GBP" {
		t.Fatalf("calendar = %s", jsonOf(cal))
	}
	rc := cal.RoomTypes[0]
	if jsonOf(rc.Nights) != jsonOf([]hotel.ARIRoomNight{{Date: date("2030-01-04"), Capacity: 11, Available: 10}, {Date: date("2030-01-05"), Capacity: 5, Available: 4}}) {
		t.Errorf("nights = %s", jsonOf(rc.Nights))
	}
	byCode := map[string]hotel.ARIPlanCalendar{}
	for _, p := range rc.Plans {
		byCode[p.Code] = p
	}
	if len(rc.Plans) != 3 || byCode["NR"].RatePlanID != nr.ID || byCode["FLEX"].RatePlanID != flex.ID {
		t.Fatalf("plans = %s", jsonOf(rc.Plans))
	}
	want := map[string][]hotel.ARIPlanNight{
		"BAR-1001": {{Date: date("2030-01-04"), Price: ptr[hotel.Cents](36480)},
			{Date: date("2030-01-05"), Price: ptr[hotel.Cents](36480), Restrictions: hotel.Restrictions{ClosedToDeparture: true}}},
		"FLEX": {{Date: date("2030-01-04"), Price: ptr[hotel.Cents](20000), Restrictions: hotel.Restrictions{MinStayArrival: 2}},
			{Date: date("2030-01-05"), Price: ptr[hotel.Cents](20000), Restrictions: hotel.Restrictions{MinStayArrival: 2, ClosedToDeparture: true}}},
		// NR follows FLEX's restrictions and costs 10 % less.
		"NR": {{Date: date("2030-01-04"), Price: ptr[hotel.Cents](18000), Restrictions: hotel.Restrictions{MinStayArrival: 2, StopSell: true}},
			{Date: date("2030-01-05"), Price: ptr[hotel.Cents](18000), Restrictions: hotel.Restrictions{MinStayArrival: 2, ClosedToDeparture: true}}},
	}
	for code, nights := range want {
		if jsonOf(byCode[code].Nights) != jsonOf(nights) {
			t.Errorf("%s: %s, want %s", code, jsonOf(byCode[code].Nights), jsonOf(nights))
		}
	}
	// Without dates: 30 days from the hotel's today.
	cal, err = svc.ARICalendar(ctx, hotel.ARICalendarQuery{HotelID: london})
	must(t, err)
	if cal.From != date("2030-01-01") || cal.To != date("2030-01-30") || len(cal.RoomTypes) != 2 {
		t.Errorf("default calendar %s…%s with %d room types", cal.From, cal.To, len(cal.RoomTypes))
	}
}

func testApplyARIErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	flexAndSaver(t, svc)
	one := func(u hotel.ARIUpdate) *hotel.ARIChange {
		return &hotel.ARIChange{HotelID: london, Actor: actorName, Updates: []hotel.ARIUpdate{u}}
	}
	d1, d2 := date("2030-01-01"), date("2030-01-02")
	for _, tc := range []struct {
		what        string
		c           *hotel.ARIChange
		code, field string
	}{
		{"no updates", &hotel.ARIChange{HotelID: london, Actor: actorName}, hotel.EINVALID, "updates"},
		{"nothing to set", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: d1, To: d2}), hotel.EINVALID, "updates[0].price"},
		{"an unknown weekday", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: d1, To: d2, Weekdays: []string{"monday"}, Capacity: ptr(1)}),
			hotel.EINVALID, "updates[0].weekdays"},
		{"to before from", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: d2, To: d1, Capacity: ptr(1)}), hotel.EINVALID, "updates[0].to"},
		{"a price without a plan", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: d1, To: d2, Price: ptr[hotel.Cents](1)}), hotel.EINVALID, "updates[0].rate_plan"},
		{"a derived plan's price", one(hotel.ARIUpdate{RoomTypeID: londonDeluxe, RatePlan: "NR", From: d1, To: d2, Price: ptr[hotel.Cents](1)}), hotel.EINVALID, "updates[0].price"},
		{"a plan of another room type", one(hotel.ARIUpdate{RoomTypeID: londonStandard, RatePlan: "FLEX", From: d1, To: d2, Price: ptr[hotel.Cents](1)}), hotel.EINVALID, "updates[0].rate_plan"},
		{"a room type of another hotel", one(hotel.ARIUpdate{RoomTypeID: auckland * 10, From: d1, To: d2, Capacity: ptr(1)}), hotel.EINVALID, "updates[0].room_type_id"},
		{"a min stay over 366", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: d1, To: d2, Rules: &hotel.RestrictionPatch{MinStayThrough: ptr(367)}}),
			hotel.EINVALID, "updates[0].restrictions.min_stay_through"},
		{"nights without inventory", one(hotel.ARIUpdate{RoomTypeID: londonStandard, From: date("2031-02-05"), To: date("2031-02-06"), Capacity: ptr(1)}),
			hotel.EINVALID, "updates"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			_, err := svc.ApplyARI(ctx, tc.c)
			checkError(t, err, tc.code, tc.field)
		})
	}
	many := &hotel.ARIChange{HotelID: london, Actor: actorName}
	for range 140 {
		many.Updates = append(many.Updates, hotel.ARIUpdate{RoomTypeID: londonStandard, From: d1, To: d1.AddDays(365), Capacity: ptr(12)})
	}
	_, err := svc.ApplyARI(ctx, many)
	checkError(t, err, hotel.EINVALID, "updates")

	// Capacity below what is held refuses the whole change, naming the nights.
	c := &hotel.ARIChange{HotelID: london, Actor: actorName, IdempotencyKey: "ari-2", Updates: []hotel.ARIUpdate{
		{RoomTypeID: londonStandard, From: d1, To: d2, Capacity: ptr(3)},
		{RoomTypeID: londonDeluxe, From: d1, To: date("2030-01-08"), Weekdays: []string{"tue", "wed"}, Capacity: ptr(0)},
	}}
	_, err = svc.ApplyARI(ctx, c)
	checkNights(t, err, hotel.ECONFLICT, "2030-01-01", "2030-01-02", "2030-01-08")
	wantAvailable(t, svc, "after a refused change", london, londonStandard, "2030-01-01", 10, 10)
	c.Updates, c.IdempotencyKey = c.Updates[:1], "ari-3" // over HTTP, ari-2 keeps its 409
	_, err = svc.ApplyARI(ctx, c)
	must(t, err)
	c.Updates[0].Capacity = ptr(4)
	_, err = svc.ApplyARI(ctx, c)
	checkError(t, err, hotel.EUNPROCESSABLE, "")
	_, err = svc.ApplyARI(ctx, &hotel.ARIChange{HotelID: 999999, Actor: actorName, Updates: c.Updates})
	checkError(t, err, hotel.ENOTFOUND, "")
	_, err = svc.ARICalendar(ctx, hotel.ARICalendarQuery{HotelID: london, From: d2, To: d1})
	checkError(t, err, hotel.EINVALID, "to")
	_, err = svc.ListARIChanges(ctx, 999999, 0, 0)
	checkError(t, err, hotel.ENOTFOUND, "")
}

// jsonOf is v in JSON, to compare values holding pointers and times.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
