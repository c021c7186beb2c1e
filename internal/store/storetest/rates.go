package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testDefaultRatePlans: every room type has its default plan, whether it came
// with a Load or CreateRoomType, and a plan row the schema refuses (a
// default derived plan, a code of lower case, a parent in another hotel)
// is refused on both stores.
func testDefaultRatePlans(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(300, 1)
	s := loaded(t, h, f)
	suite := hotel.RoomType{HotelID: 300, Name: "Suite", MaxOccupancy: 3}
	if err := s.CreateRoomType(ctx, &suite); err != nil {
		t.Fatal(err)
	}
	plans, err := s.ListRatePlans(ctx, 300)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, rt := range f.RoomTypes {
		if rt.HotelID == 300 {
			want = append(want, rt.ID)
		}
	}
	want = append(want, suite.ID)
	if len(plans) != len(want) {
		t.Fatalf("hotel 300 has %d plans, want one per room type (%d): %+v", len(plans), len(want), plans)
	}
	for i, p := range plans {
		wantPlan := hotel.RatePlan{ID: p.ID, HotelID: 300, RoomTypeID: want[i], Code: fmt.Sprintf("BAR-%d", want[i]),
			Name: "Best available rate", MealPlan: "RO", Refundable: true, Sellable: true, Default: true}
		if p.ID == 0 || fmt.Sprint(p) != fmt.Sprint(wantPlan) {
			t.Fatalf("plan %d = %+v, want %+v", i, p, wantPlan)
		}
	}
	if other, err := s.ListRatePlans(ctx, 301); err != nil || len(other) == 0 || other[0].HotelID != 301 {
		t.Fatalf("hotel 301's plans = %+v, %v", other, err)
	}

	insert := `INSERT INTO rate_plan (hotel_id, room_type_id, code, name, is_default, parent_id) VALUES `
	for _, bad := range []string{
		fmt.Sprintf(`(300, %d, 'X1', 'Second default', TRUE, NULL)`, suite.ID),
		fmt.Sprintf(`(300, %d, 'lower', 'Lower-case code', FALSE, NULL)`, suite.ID),
		fmt.Sprintf(`(300, %d, 'BAR-%d', 'Code taken', FALSE, NULL)`, suite.ID, suite.ID),
		fmt.Sprintf(`(300, %d, 'X2', 'Parent elsewhere', FALSE, %d)`, suite.ID, other(t, s, 301)),
	} {
		if err := h.Exec(t, s, insert+bad); err == nil {
			t.Errorf("the schema took rate plan %s", bad)
		}
	}
}

// other returns the id of a plan of another hotel.
func other(t *testing.T, s store.Store, hotelID int64) int64 {
	t.Helper()
	plans, err := s.ListRatePlans(context.Background(), hotelID)
	if err != nil || len(plans) == 0 {
		t.Fatalf("hotel %d's plans: %v, %v", hotelID, plans, err)
	}
	return plans[0].ID
}

// testLoadARI: LoadARI selects room types by hotel, location, name and
// occupancy, and returns their hotels' plans, the rooms for sale and the
// default plan's price of each night of [From, To), other base plans'
// prices, and restrictions through To — on both stores, in and out of a
// unit of work.
func testLoadARI(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(310, 4)
	s := loaded(t, h, f)
	std, dlx := f.RoomTypes[0].ID, f.RoomTypes[1].ID // hotel 310
	def := other(t, s, 310)                          // the default plan of std
	for _, stmt := range []string{
		fmt.Sprintf(`INSERT INTO rate_plan (id, hotel_id, room_type_id, code, name) VALUES (9310, 310, %d, 'FLEX', 'Flexible')`, dlx),
		fmt.Sprintf(`INSERT INTO rate_plan (id, hotel_id, room_type_id, code, name, parent_id, adjust_percent_bp, follows_parent_restrictions) VALUES (9311, 310, %d, 'NR', 'Non-refundable', 9310, -1000, TRUE)`, dlx),
		fmt.Sprintf(`INSERT INTO rate_plan (id, hotel_id, room_type_id, code, name, parent_id, adjust_amount_cents) VALUES (9312, 310, %d, 'UP', 'Upgrade', %d, 5000)`, dlx, def),
		`INSERT INTO rate_night (hotel_id, rate_plan_id, night, price_cents) VALUES (310, 9310, '` + day(1).String() + `', 12345), (310, 9310, '` + day(3).String() + `', 999)`,
		fmt.Sprintf(`INSERT INTO restriction_night (hotel_id, room_type_id, rate_plan_id, night, min_stay_through, closed_to_departure) VALUES (310, %d, 0, '%s', 2, TRUE)`, std, day(2)),
		fmt.Sprintf(`INSERT INTO restriction_night (hotel_id, room_type_id, rate_plan_id, night, stop_sell, max_advance) VALUES (310, %d, 9310, '%s', TRUE, 30)`, dlx, day(3)),
	} {
		if err := h.Exec(t, s, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	check := func(ctx context.Context, what string) {
		t.Helper()
		snap, err := s.LoadARI(ctx, hotel.ARIQuery{Location: "london", From: day(1), To: day(3)})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(snap.RoomTypes) != 2 || snap.RoomTypes[0].ID != std || snap.RoomTypes[1].ID != dlx || snap.Hotels[310].TimeZone != "Europe/London" || len(snap.Hotels) != 1 {
			t.Fatalf("%s: room types %+v, hotels %+v", what, snap.RoomTypes, snap.Hotels)
		}
		if len(snap.Plans) != 5 || snap.Plans[9311].ParentID != 9310 || snap.Plans[9311].PercentBP != -1000 || !snap.Plans[def].Default {
			t.Fatalf("%s: plans %+v", what, snap.Plans)
		}
		a := snap.ARI
		if n, ok := a.Available(std, day(1)); !ok || n != 10 {
			t.Errorf("%s: std rooms on day 1 = %d, %v; want 10", what, n, ok)
		}
		if n, ok := a.Available(dlx, day(2)); !ok || n != 10 { // 11 rooms, 1 held
			t.Errorf("%s: dlx rooms on day 2 = %d, %v; want 10", what, n, ok)
		}
		if _, ok := a.Available(std, day(3)); ok {
			t.Errorf("%s: day 3 is outside [From, To) but loaded", what)
		}
		if p, ok := a.BasePrice(snap.Plans[def], day(2)); !ok || p != 30400 {
			t.Errorf("%s: default price day 2 = %v, %v", what, p, ok)
		}
		if p, ok := a.BasePrice(snap.Plans[9310], day(1)); !ok || p != 12345 {
			t.Errorf("%s: FLEX price day 1 = %v, %v", what, p, ok)
		}
		if _, ok := a.BasePrice(snap.Plans[9310], day(3)); ok {
			t.Errorf("%s: FLEX price of day 3 (outside) loaded", what)
		}
		if r := a.Restrictions(std, 0, day(2)); r != (hotel.Restrictions{MinStayThrough: 2, ClosedToDeparture: true}) {
			t.Errorf("%s: std restrictions day 2 = %+v", what, r)
		}
		if r := a.Restrictions(dlx, 9310, day(3)); r != (hotel.Restrictions{StopSell: true, MaxAdvance: 30}) {
			t.Errorf("%s: FLEX restrictions on To (day 3) = %+v", what, r)
		}
		none, err := s.LoadARI(ctx, hotel.ARIQuery{HotelIDs: []int64{310}, MinOccupancy: 3, RoomType: "DELUXE rooms", From: day(0), To: day(1)})
		if err != nil || len(none.RoomTypes) != 1 || none.RoomTypes[0].ID != dlx {
			t.Errorf("%s: deluxe for 3 = %+v, %v", what, none.RoomTypes, err)
		}
		// UP, a deluxe plan priced from the standard's default plan: the
		// deluxe alone brings the standard's prices (not its rooms).
		for _, q := range []hotel.ARIQuery{
			{HotelIDs: []int64{310}, RoomTypeIDs: []int64{dlx}, From: day(1), To: day(3)}, // as a hold reads
			{HotelIDs: []int64{310}, RoomType: "deluxe ROOMS", From: day(1), To: day(3)},
		} {
			up, err := s.LoadARI(ctx, q)
			if err != nil || len(up.RoomTypes) != 1 {
				t.Fatalf("%s: deluxe alone = %+v, %v", what, up.RoomTypes, err)
			}
			if p, ok := up.ARI.BasePrice(up.Plans[def], day(2)); !ok || p != 30400 {
				t.Errorf("%s: %+v: the standard's default price day 2 = %v, %v; want it for UP", what, q, p, ok)
			}
			if _, ok := up.ARI.Available(std, day(2)); ok {
				t.Errorf("%s: %+v: the standard's rooms loaded", what, q)
			}
		}
	}
	check(ctx, "alone")
	if err := s.(store.Atomic).Atomically(ctx, func(ctx context.Context) error { check(ctx, "in a unit"); return nil }); err != nil {
		t.Fatal(err)
	}
}
