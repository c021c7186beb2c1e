package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// nightState is what ListInventory shows of one night; Total -1: no inventory.
type nightState struct {
	Total, Available int
	Price            hotel.Cents
	Demand           string
}

func (n nightState) String() string {
	if n.Total < 0 {
		return "{none}"
	}
	return fmt.Sprintf("{total %d, available %d, %s, %s}", n.Total, n.Available, n.Price, n.Demand)
}

// wantNights fails t unless the nights of room type rt of hotel 100 from
// day first are want.
func wantNights(t *testing.T, s store.Store, what string, rt int64, first int, want ...nightState) {
	t.Helper()
	items, err := s.ListInventory(context.Background(), hotel.InventoryFilter{
		HotelID: 100, StartDate: day(first), EndDate: day(first + len(want) - 1), Limit: 100000,
	})
	if err != nil {
		t.Fatalf("ListInventory: %v", err)
	}
	got := make([]nightState, len(want))
	for i := range got {
		got[i].Total = -1
	}
	for _, it := range items {
		if it.RoomTypeID == rt {
			got[Start.DaysUntil(it.Date)-first] = nightState{it.TotalRooms, it.AvailableRooms, it.RoomPrice, it.DemandLevel}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: nights of room type %d from %s =\n\t%v\nwant\n\t%v", what, rt, day(first), got, want)
	}
}

// setCalendar fails t unless SetCalendar(u) reports want.
func setCalendar(t *testing.T, s store.Store, u hotel.CalendarUpdate, want hotel.CalendarResult) {
	t.Helper()
	got, err := s.SetCalendar(context.Background(), u)
	if err != nil || got != want {
		t.Fatalf("SetCalendar(%s) = %+v, %v; want %+v, nil", formatUpdate(u), got, err, want)
	}
}

func formatUpdate(u hotel.CalendarUpdate) string {
	s := fmt.Sprintf("room type %d, %s..%s", u.RoomTypeID, u.StartDate, u.EndDate)
	if u.Capacity != nil {
		s += fmt.Sprintf(", capacity %d", *u.Capacity)
	}
	if u.Price != nil {
		s += ", price " + u.Price.String()
	}
	if u.DemandLevel != nil {
		s += ", demand " + *u.DemandLevel
	}
	return s
}

// calendar returns an update of room type rt of hotel 100 on days [first, last].
func calendar(rt int64, first, last int, capacity *int, price *hotel.Cents, demand *string) hotel.CalendarUpdate {
	return hotel.CalendarUpdate{HotelID: 100, RoomTypeID: rt, StartDate: day(first), EndDate: day(last), Capacity: capacity, Price: price, DemandLevel: demand}
}

func ptr[T any](v T) *T { return &v }

func testSetCalendar(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 5)
	f.set(1000, 1, func(n *hotel.Night) { n.Held = 6 })
	f.set(1000, 2, func(n *hotel.Night) { n.Held, n.Blocked = 2, 4 })
	s := loaded(t, h, f)
	const med, high, low = hotel.DemandMedium, hotel.DemandHigh, hotel.DemandLow

	setCalendar(t, s, calendar(1000, 1, 2, nil, ptr[hotel.Cents](25000), nil), hotel.CalendarResult{Updated: 2})
	wantNights(t, s, "after a price change", 1000, 0,
		nightState{10, 10, 30400, med}, nightState{10, 4, 25000, med}, nightState{10, 4, 25000, med}, nightState{10, 10, 30700, med}, nightState{10, 10, 30800, med})

	setCalendar(t, s, calendar(1000, 0, 4, ptr(12), nil, ptr(high)), hotel.CalendarResult{Updated: 5})
	wantNights(t, s, "after capacity and demand changes", 1000, 0,
		nightState{12, 12, 30400, high}, nightState{12, 6, 25000, high}, nightState{12, 6, 25000, high}, nightState{12, 12, 30700, high}, nightState{12, 12, 30800, high})

	setCalendar(t, s, calendar(1000, 3, 7, ptr(5), ptr[hotel.Cents](20000), nil), hotel.CalendarResult{Updated: 2, Created: 3})
	setCalendar(t, s, calendar(1000, 8, 8, ptr(3), ptr[hotel.Cents](1000), ptr(low)), hotel.CalendarResult{Created: 1})
	wantNights(t, s, "after creating nights", 1000, 3,
		nightState{5, 5, 20000, high}, nightState{5, 5, 20000, high},
		nightState{5, 5, 20000, med}, nightState{5, 5, 20000, med}, nightState{5, 5, 20000, med},
		nightState{3, 3, 1000, low}, nightState{Total: -1})
	wantNights(t, s, "the other room type", 1001, 0,
		nightState{11, 11, 36480, med}, nightState{11, 11, 36580, med}, nightState{11, 11, 36680, med}, nightState{11, 11, 36780, med}, nightState{11, 11, 36880, med})

	before := inventory(t, s)
	for _, tc := range []struct {
		what     string
		u        hotel.CalendarUpdate
		sentinel error
		nights   []hotel.Date
	}{
		{"price only, nights missing", calendar(1000, 7, 10, nil, ptr[hotel.Cents](100), nil), store.ErrNotFound, days(9, 10)},
		{"capacity only, nights missing", calendar(1000, 8, 9, ptr(4), nil, nil), store.ErrNotFound, days(9)},
		{"demand only, nights missing", calendar(1000, 9, 9, nil, nil, ptr(high)), store.ErrNotFound, days(9)},
		{"capacity below held + blocked", calendar(1000, 0, 2, ptr(5), ptr[hotel.Cents](100), ptr(low)), store.ErrConflict, days(1, 2)},
		{"no capacity at all", calendar(1000, 0, 8, ptr(0), nil, nil), store.ErrConflict, days(1, 2)},
	} {
		_, err := s.SetCalendar(ctx, tc.u)
		wantNightsError(t, "SetCalendar "+tc.what, err, tc.sentinel, tc.nights...)
		unchanged(t, s, before, "refused SetCalendar "+tc.what)
	}
	setCalendar(t, s, calendar(1000, 1, 2, ptr(6), nil, nil), hotel.CalendarResult{Updated: 2})
	wantNights(t, s, "capacity equal to held + blocked", 1000, 0,
		nightState{12, 12, 30400, high}, nightState{6, 0, 25000, high}, nightState{6, 0, 25000, high})

	// A room type the hotel does not have: not found, nothing created.
	before = inventory(t, s)
	for _, rt := range []int64{999999, 1002} {
		if _, err := s.SetCalendar(ctx, calendar(rt, 0, 0, ptr(1), ptr[hotel.Cents](100), nil)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SetCalendar of room type %d, not of the hotel = %v, want ErrNotFound", rt, err)
		}
		unchanged(t, s, before, "SetCalendar of a room type the hotel does not have")
	}

	// Concurrent creators of the same nights: each applies, none fails, and
	// one of them wrote each night last.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := s.SetCalendar(ctx, calendar(1001, 10, 19, ptr(5+i), ptr[hotel.Cents](100), nil)); err != nil {
				t.Errorf("concurrent SetCalendar %d creating the same nights: %v", i, err)
			}
		})
	}
	wg.Wait()
	created := 0
	for _, it := range inventory(t, s) {
		if it.RoomTypeID == 1001 && !it.Date.Before(day(10)) {
			created++
			if it.TotalRooms < 5 || it.TotalRooms > 12 || it.RoomPrice != 100 {
				t.Fatalf("night %s after concurrent creation: %+v", it.Date, it)
			}
		}
	}
	if created != 10 {
		t.Fatalf("concurrent creators of days 10-19 left %d nights, want 10", created)
	}
}

func testCalendarAllowance(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 5)
	s := loaded(t, h, f)
	dlx := f.RoomTypes[1] // 1001: capacity 11 on days 0-4
	dlx.OverbookingAllowance = 2
	if err := s.UpdateRoomType(ctx, dlx); err != nil {
		t.Fatalf("UpdateRoomType(allowance 2): %v", err)
	}
	wantAvailable(t, s, "existing nights with allowance 2", 100, 1001, 0, 13, 13, 13, 13, 13)
	setCalendar(t, s, calendar(1001, 5, 6, ptr(1), ptr[hotel.Cents](50000), nil), hotel.CalendarResult{Created: 2})
	wantNights(t, s, "created nights take the room type's allowance", 1001, 5,
		nightState{1, 3, 50000, hotel.DemandMedium}, nightState{1, 3, 50000, hotel.DemandMedium})

	// Holds may exceed capacity by exactly the allowance.
	for i := range 3 {
		if _, _, err := s.CreateHold(ctx, holdRequest(i, 1001, 5, 6)); err != nil {
			t.Fatalf("hold %d of 3 on capacity 1 + allowance 2: %v", i+1, err)
		}
	}
	_, _, err := s.CreateHold(ctx, holdRequest(3, 1001, 5, 6))
	wantNightsError(t, "CreateHold beyond capacity + allowance", err, store.ErrConflict, day(5))
	wantNights(t, s, "capacity 1 + allowance 2, 3 held", 1001, 5,
		nightState{1, 0, 50000, hotel.DemandMedium}, nightState{1, 3, 50000, hotel.DemandMedium})

	setCalendar(t, s, calendar(1001, 5, 6, ptr(1), nil, nil), hotel.CalendarResult{Updated: 2})
	before := inventory(t, s)
	_, err = s.SetCalendar(ctx, calendar(1001, 5, 6, ptr(0), nil, nil))
	wantNightsError(t, "SetCalendar(capacity 0 with 3 held and allowance 2)", err, store.ErrConflict, day(5))
	unchanged(t, s, before, "refused SetCalendar")
	setCalendar(t, s, calendar(1001, 5, 5, ptr(2), nil, nil), hotel.CalendarResult{Updated: 1})
	wantNights(t, s, "after raising capacity", 1001, 5, nightState{2, 1, 50000, hotel.DemandMedium})
}
