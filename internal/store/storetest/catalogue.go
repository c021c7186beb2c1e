package storetest

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

func testHotels(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)

	// Created hotels get ids of their own, also after a load with explicit ids.
	a := hotel.Hotel{Name: "Harbour View", Location: "Wellington", TimeZone: "Pacific/Auckland", Currency: "NZD"}
	b := hotel.Hotel{Name: "Quay Lodge", Location: "WELLINGTON", TimeZone: "Pacific/Auckland", Currency: "NZD"}
	for _, x := range []*hotel.Hotel{&a, &b} {
		if err := s.CreateHotel(ctx, x); err != nil {
			t.Fatalf("CreateHotel(%s) after Load: %v", x.Name, err)
		}
	}
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID || slices.ContainsFunc([]int64{a.ID, b.ID}, func(id int64) bool { return id == 100 || id == 101 }) {
		t.Fatalf("CreateHotel set ids %d and %d; want two new ids, distinct from the loaded 100 and 101", a.ID, b.ID)
	}
	if got, err := s.GetHotel(ctx, a.ID); err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("GetHotel(created) = %+v, %v; want %+v", got, err, a)
	}
	dup := hotel.Hotel{Name: "Test Hotel 100", Location: "Paris", TimeZone: "Europe/Paris", Currency: "EUR"}
	if err := s.CreateHotel(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("CreateHotel with a taken name = %v, want ErrConflict", err)
	}

	all := []hotel.Hotel{f.Hotels[0], f.Hotels[1], a, b}
	slices.SortFunc(all, func(x, y hotel.Hotel) int { return cmp.Compare(x.ID, y.ID) })
	listHotels(t, s, "all", hotel.HotelFilter{Limit: 100}, all...)
	wellington := slices.DeleteFunc(slices.Clone(all), func(x hotel.Hotel) bool { return x.ID != a.ID && x.ID != b.ID })
	listHotels(t, s, "location any case", hotel.HotelFilter{Location: "wellington", Limit: 100}, wellington...)
	listHotels(t, s, "location London", hotel.HotelFilter{Location: "LONDON", Limit: 100}, f.Hotels[0])
	listHotels(t, s, "unknown location", hotel.HotelFilter{Location: "Paris", Limit: 100})
	listHotels(t, s, "after the second", hotel.HotelFilter{AfterID: all[1].ID, Limit: 2}, all[2:4]...)
	listHotels(t, s, "limit", hotel.HotelFilter{Limit: 3}, all[:3]...)
	listHotels(t, s, "location and after", hotel.HotelFilter{Location: "Wellington", AfterID: wellington[0].ID, Limit: 10}, wellington[1])
	var paged []hotel.Hotel
	for after := int64(0); len(paged) <= len(all); {
		page, err := s.ListHotels(ctx, hotel.HotelFilter{AfterID: after, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	if !reflect.DeepEqual(paged, all) {
		t.Fatalf("ListHotels one by one = %+v\nwant %+v", paged, all)
	}

	// Update replaces every field; names stay unique.
	a2 := hotel.Hotel{ID: a.ID, Name: "Harbour View Hotel", Location: "Auckland", TimeZone: "Pacific/Chatham", Currency: "AUD",
		Taxes: []hotel.Tax{{Code: "GST", Name: "Goods and services tax", PercentBP: 1500, Inclusive: true},
			{Code: "CITY", Name: "City tax", PerPersonNight: 250, MaxNights: 7, ExemptUnderAge: 12}}}
	if err := s.UpdateHotel(ctx, a2); err != nil {
		t.Fatalf("UpdateHotel: %v", err)
	}
	if got, err := s.GetHotel(ctx, a.ID); err != nil || !reflect.DeepEqual(got, a2) {
		t.Fatalf("after UpdateHotel, GetHotel = %+v, %v; want %+v", got, err, a2)
	}
	if err := s.UpdateHotel(ctx, a2); err != nil {
		t.Fatalf("UpdateHotel keeping its own name: %v", err)
	}
	taken := a2
	taken.Name = "Test Hotel 101"
	if err := s.UpdateHotel(ctx, taken); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("UpdateHotel to a taken name = %v, want ErrConflict", err)
	}
	if got, _ := s.GetHotel(ctx, a.ID); !reflect.DeepEqual(got, a2) {
		t.Fatalf("refused UpdateHotel changed the hotel to %+v", got)
	}
	if err := s.UpdateHotel(ctx, hotel.Hotel{ID: 999999, Name: "Nowhere", Location: "X", TimeZone: "UTC", Currency: "EUR"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateHotel(unknown id) = %v, want ErrNotFound", err)
	}
	listHotels(t, s, "location after update", hotel.HotelFilter{Location: "auckland", Limit: 100}, f.Hotels[1], a2)
}

// listHotels fails t unless ListHotels(f) returns exactly want, by id.
func listHotels(t *testing.T, s store.Store, what string, f hotel.HotelFilter, want ...hotel.Hotel) {
	t.Helper()
	want = slices.Clone(want)
	slices.SortFunc(want, func(x, y hotel.Hotel) int { return cmp.Compare(x.ID, y.ID) })
	got, err := s.ListHotels(context.Background(), f)
	if err != nil {
		t.Fatalf("ListHotels %s: %v", what, err)
	}
	if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
		t.Fatalf("ListHotels %s (%+v) =\n\t%+v\nwant\n\t%+v", what, f, got, want)
	}
}

func testRoomTypes(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	suite := hotel.RoomType{HotelID: 100, Name: "Family Suite", MaxOccupancy: 4}
	if err := s.CreateRoomType(ctx, &suite); err != nil {
		t.Fatalf("CreateRoomType after Load: %v", err)
	}
	if suite.ID == 0 || (suite.ID >= 1000 && suite.ID <= 1003) {
		t.Fatalf("CreateRoomType set id %d; want a new id, distinct from the loaded 1000-1003", suite.ID)
	}
	twin := hotel.RoomType{HotelID: 100, Name: "Twin Rooms", MaxOccupancy: 2, OverbookingAllowance: 1}
	if err := s.CreateRoomType(ctx, &twin); err != nil || twin.ID == 0 || twin.ID == suite.ID {
		t.Fatalf("CreateRoomType(Twin Rooms) = %v, id %d", err, twin.ID)
	}
	for _, name := range []string{"standard rooms", "FAMILY SUITE", "Family Suite"} {
		rt := hotel.RoomType{HotelID: 100, Name: name, MaxOccupancy: 2}
		if err := s.CreateRoomType(ctx, &rt); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("CreateRoomType(%q) in a hotel that has it (any case) = %v, want ErrConflict", name, err)
		}
	}
	if err := s.CreateRoomType(ctx, &hotel.RoomType{HotelID: 999999, Name: "Orphan", MaxOccupancy: 2}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreateRoomType(unknown hotel) = %v, want ErrNotFound", err)
	}
	other := hotel.RoomType{HotelID: 101, Name: "Family Suite", MaxOccupancy: 5}
	if err := s.CreateRoomType(ctx, &other); err != nil {
		t.Fatalf("CreateRoomType with a name used by another hotel: %v", err)
	}

	if got, err := s.GetRoomType(ctx, 100, suite.ID); err != nil || got != suite {
		t.Fatalf("GetRoomType = %+v, %v; want %+v", got, err, suite)
	}
	if got, err := s.GetRoomType(ctx, 100, 1001); err != nil || got != f.RoomTypes[1] {
		t.Fatalf("GetRoomType(loaded) = %+v, %v; want %+v", got, err, f.RoomTypes[1])
	}
	if _, err := s.GetRoomType(ctx, 101, suite.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetRoomType with another hotel's room type = %v, want ErrNotFound", err)
	}
	if _, err := s.GetRoomType(ctx, 100, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetRoomType(unknown) = %v, want ErrNotFound", err)
	}
	want := []hotel.RoomType{f.RoomTypes[0], f.RoomTypes[1], suite, twin}
	listRoomTypes(t, s, 100, want...)

	// Update replaces name, occupancy and allowance; names stay unique per hotel.
	std := hotel.RoomType{ID: 1000, HotelID: 100, Name: "Standard Double", MaxOccupancy: 3, OverbookingAllowance: 1}
	if err := s.UpdateRoomType(ctx, std); err != nil {
		t.Fatalf("UpdateRoomType: %v", err)
	}
	if got, err := s.GetRoomType(ctx, 100, 1000); err != nil || got != std {
		t.Fatalf("after UpdateRoomType, GetRoomType = %+v, %v; want %+v", got, err, std)
	}
	std.Name = "STANDARD DOUBLE"
	if err := s.UpdateRoomType(ctx, std); err != nil {
		t.Fatalf("UpdateRoomType changing only the case of its own name: %v", err)
	}
	clash := std
	clash.Name = "deluxe rooms"
	if err := s.UpdateRoomType(ctx, clash); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("UpdateRoomType to a name taken in the hotel = %v, want ErrConflict", err)
	}
	if got, _ := s.GetRoomType(ctx, 100, 1000); got != std {
		t.Fatalf("refused UpdateRoomType changed the room type to %+v, want %+v", got, std)
	}
	for _, rt := range []hotel.RoomType{
		{ID: 999999, HotelID: 100, Name: "Ghost", MaxOccupancy: 2},
		{ID: 1000, HotelID: 101, Name: "Ghost", MaxOccupancy: 2},
	} {
		if err := s.UpdateRoomType(ctx, rt); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UpdateRoomType(hotel %d, id %d) = %v, want ErrNotFound", rt.HotelID, rt.ID, err)
		}
	}
	want[slices.IndexFunc(want, func(r hotel.RoomType) bool { return r.ID == 1000 })] = std
	listRoomTypes(t, s, 100, want...)
	listRoomTypes(t, s, 101, f.RoomTypes[2], f.RoomTypes[3], other)
}

// listRoomTypes fails t unless ListRoomTypes(hotelID) returns exactly want, by id.
func listRoomTypes(t *testing.T, s store.Store, hotelID int64, want ...hotel.RoomType) {
	t.Helper()
	want = slices.Clone(want)
	slices.SortFunc(want, func(x, y hotel.RoomType) int { return cmp.Compare(x.ID, y.ID) })
	got, err := s.ListRoomTypes(context.Background(), hotelID)
	if err != nil || !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
		t.Fatalf("ListRoomTypes(%d) = %+v, %v\nwant %+v", hotelID, got, err, want)
	}
}

func testRoomTypeAllowance(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 3)
	s := loaded(t, h, f)
	std := f.RoomTypes[0] // 1000: capacity 10 on days 0-2
	std.OverbookingAllowance = 2
	if err := s.UpdateRoomType(ctx, std); err != nil {
		t.Fatalf("UpdateRoomType(allowance 2): %v", err)
	}
	listRoomTypes(t, s, 100, std, f.RoomTypes[1])
	wantAvailable(t, s, "allowance 2 copied to the nights", 100, 1000, 0, 12, 12, 12)
	wantAvailable(t, s, "the other room type", 100, 1001, 0, 11, 11, 11)
	for i := range 11 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(i), HotelID: 100, RoomTypeID: 1000, CheckIn: day(1), CheckOut: day(2)}); err != nil {
			t.Fatalf("hold %d of 11 within capacity 10 + allowance 2: %v", i+1, err)
		}
	}
	wantAvailable(t, s, "after 11 holds on day 1", 100, 1000, 0, 12, 1, 12)

	before := inventory(t, s)
	lower := std
	lower.Name, lower.OverbookingAllowance = "Renamed", 0
	err := s.UpdateRoomType(ctx, lower)
	wantNightsError(t, "UpdateRoomType lowering the allowance below what is held", err, store.ErrConflict, day(1))
	unchanged(t, s, before, "refused UpdateRoomType")
	if got, _ := s.GetRoomType(ctx, 100, 1000); got != std {
		t.Fatalf("refused UpdateRoomType changed the room type to %+v, want %+v", got, std)
	}

	lower.OverbookingAllowance = 1 // 11 held = capacity 10 + 1: allowed
	if err := s.UpdateRoomType(ctx, lower); err != nil {
		t.Fatalf("UpdateRoomType(allowance 1 with 11 held on capacity 10): %v", err)
	}
	listRoomTypes(t, s, 100, lower, f.RoomTypes[1])
	wantAvailable(t, s, "after allowance 1", 100, 1000, 0, 11, 0, 11)
}
