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
