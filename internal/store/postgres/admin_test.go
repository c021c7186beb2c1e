package postgres

import (
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

func nightRow(t *testing.T, s *Store, roomTypeID int64, d hotel.Date) hotel.Night {
	t.Helper()
	n := hotel.Night{HotelID: 1, RoomTypeID: roomTypeID, Date: d}
	var cents int64
	if err := s.pool.QueryRow(context.Background(), `SELECT capacity, held, blocked, allowance, (price * 100)::bigint, demand_level
FROM inventory_night WHERE hotel_id = 1 AND room_type_id = $1 AND night = $2`, roomTypeID, d.Time()).
		Scan(&n.Capacity, &n.Held, &n.Blocked, &n.Allowance, &cents, &n.DemandLevel); err != nil {
		t.Fatal(err)
	}
	n.Price = hotel.Cents(cents)
	return n
}

func wantNights(t *testing.T, what string, err, sentinel error, want ...hotel.Date) {
	t.Helper()
	var ne *store.NightsError
	if !errors.As(err, &ne) || !errors.Is(err, sentinel) || !slices.Equal(ne.Nights, want) {
		t.Fatalf("%s: error %v, want NightsError(%v) on %v", what, err, sentinel, want)
	}
}

func TestAdjust(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 3, 5)
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(2), CheckOut: day0.AddDays(3)}); err != nil {
		t.Fatal(err)
	}
	a := &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day0, EndDate: day0.AddDays(2), NumRooms: 2, Actor: "ops", Reason: "paint"}
	if replayed, err := s.Adjust(ctx, a); err != nil || replayed || a.ID == 0 || a.CreatedAt.IsZero() || a.RoomType != "Double" {
		t.Fatalf("Adjust = %v, %v, %+v", replayed, err, a)
	}
	if n := nightRow(t, s, 10, day0.AddDays(2)); n.Blocked != 2 || n.Held != 1 {
		t.Fatalf("night after adjust: %+v", n)
	}
	// Night 2 has 3 - 1 held - 2 blocked = 0 rooms left: blocking one more fails there only.
	err := adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day0, EndDate: day0.AddDays(3), NumRooms: 1, Actor: "ops"})
	wantNights(t, "block past availability", err, store.ErrConflict, day0.AddDays(2))
	// Unblocking more than blocked fails on the nights that have fewer.
	err = adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day0.AddDays(1), EndDate: day0.AddDays(3), NumRooms: -2, Actor: "ops"})
	wantNights(t, "unblock more than blocked", err, store.ErrConflict, day0.AddDays(3))
	err = adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day0.AddDays(3), EndDate: day0.AddDays(6), NumRooms: 1, Actor: "ops"})
	wantNights(t, "nights without inventory", err, store.ErrNotFound, day0.AddDays(5), day0.AddDays(6))
	if n := nightRow(t, s, 10, day0.AddDays(3)); n.Blocked != 0 {
		t.Fatalf("failed adjustments changed night 3: %+v", n)
	}
	if err := adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 12, StartDate: day0, EndDate: day0, NumRooms: 1, Actor: "ops"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown room type: %v", err)
	}
	// Single date: EndDate zero means StartDate.
	b := &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day0, NumRooms: -1, Actor: "ops"}
	if _, err := s.Adjust(ctx, b); err != nil || b.EndDate != day0 {
		t.Fatalf("single-date adjust = %v, %+v", err, b)
	}
	list, err := s.ListAdjustments(ctx, 1, math.MaxInt64, 10)
	if err != nil || len(list) != 2 || list[0] != *b || list[1] != *a {
		t.Fatalf("ListAdjustments = %+v, %v\nwant %+v and %+v", list, err, *b, *a)
	}
	if list, err := s.ListAdjustments(ctx, 1, b.ID, 10); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("ListAdjustments before the newest = %+v, %v", list, err)
	}
	checkInvariants(t, s)
}

func adjustErr(s *Store, a *hotel.Adjustment) error {
	_, err := s.Adjust(context.Background(), a)
	return err
}

// TestAdjustIdempotentUnderConcurrency: the same keyed adjustment sent at
// once applies once; the others replay it.
func TestAdjustIdempotentUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 10, 3)
	var applied, replays atomic.Int32
	var wg sync.WaitGroup
	ids := make([]int64, 16)
	for i := range ids {
		wg.Go(func() {
			a := &hotel.Adjustment{HotelID: 1, RoomTypeID: 11, StartDate: day0, EndDate: day0.AddDays(2), NumRooms: 3, Actor: "ops", IdempotencyKey: "k1"}
			replayed, err := s.Adjust(ctx, a)
			if err != nil {
				t.Errorf("Adjust: %v", err)
				return
			}
			if replayed {
				replays.Add(1)
			} else {
				applied.Add(1)
			}
			ids[i] = a.ID
		})
	}
	wg.Wait()
	if applied.Load() != 1 || replays.Load() != 15 || nightRow(t, s, 11, day0).Blocked != 3 {
		t.Fatalf("applied %d, replayed %d, blocked %d; want 1, 15, 3", applied.Load(), replays.Load(), nightRow(t, s, 11, day0).Blocked)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("replays returned different adjustments: %v", ids)
		}
	}
	// Same key, other request: refused. Same key, other actor: its own.
	err := adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 11, StartDate: day0, EndDate: day0.AddDays(2), NumRooms: 2, Actor: "ops", IdempotencyKey: "k1"})
	if !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Fatalf("reused key = %v, want ErrIdempotencyMismatch", err)
	}
	if replayed, err := s.Adjust(ctx, &hotel.Adjustment{HotelID: 1, RoomTypeID: 11, StartDate: day0, EndDate: day0, NumRooms: 1, Actor: "other", IdempotencyKey: "k1"}); err != nil || replayed {
		t.Fatalf("same key, other actor = %v, %v", replayed, err)
	}
	// A refused keyed adjustment leaves the key free.
	err = adjustErr(s, &hotel.Adjustment{HotelID: 1, RoomTypeID: 11, StartDate: day0, EndDate: day0, NumRooms: 100, Actor: "ops", IdempotencyKey: "k2"})
	wantNights(t, "too many", err, store.ErrConflict, day0)
	if replayed, err := s.Adjust(ctx, &hotel.Adjustment{HotelID: 1, RoomTypeID: 11, StartDate: day0, EndDate: day0, NumRooms: 1, Actor: "ops", IdempotencyKey: "k2"}); err != nil || replayed {
		t.Fatalf("key of a refused adjustment = %v, %v", replayed, err)
	}
}

func TestSetCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 2, 3)
	for range 2 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(1), CheckOut: day0.AddDays(2)}); err != nil {
			t.Fatal(err)
		}
	}
	one, price, high := 1, hotel.Cents(12345), hotel.DemandHigh
	_, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day0, EndDate: day0.AddDays(2), Capacity: &one})
	wantNights(t, "capacity below held", err, store.ErrConflict, day0.AddDays(1))
	_, err = s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day0.AddDays(2), EndDate: day0.AddDays(4), Price: &price})
	wantNights(t, "missing nights without capacity", err, store.ErrNotFound, day0.AddDays(3), day0.AddDays(4))
	if n := nightRow(t, s, 10, day0.AddDays(2)); n.Price != 10200 {
		t.Fatalf("refused update changed a night: %+v", n)
	}
	res, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day0.AddDays(2), EndDate: day0.AddDays(4), Capacity: &one, Price: &price, DemandLevel: &high})
	if err != nil || res != (hotel.CalendarResult{Updated: 1, Created: 2}) {
		t.Fatalf("SetCalendar = %+v, %v", res, err)
	}
	want := hotel.Night{HotelID: 1, RoomTypeID: 10, Date: day0.AddDays(4), Capacity: 1, Price: 12345, DemandLevel: hotel.DemandHigh}
	if n := nightRow(t, s, 10, day0.AddDays(4)); n != want {
		t.Fatalf("created night = %+v, want %+v", n, want)
	}
	res, err = s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day0, EndDate: day0.AddDays(4), DemandLevel: &high})
	if err != nil || res != (hotel.CalendarResult{Updated: 5}) || nightRow(t, s, 10, day0).Capacity != 2 {
		t.Fatalf("demand only = %+v, %v", res, err)
	}
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 12, StartDate: day0, EndDate: day0, Capacity: &one, Price: &price}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown room type = %v", err)
	}

	// Concurrent creators of the same nights: each applies, none fails.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := 5 + i
			if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 11, StartDate: day0.AddDays(10), EndDate: day0.AddDays(19), Capacity: &c, Price: &price}); err != nil {
				t.Errorf("concurrent SetCalendar: %v", err)
			}
		})
	}
	wg.Wait()
	if n := nightRow(t, s, 11, day0.AddDays(15)); n.Capacity < 5 || n.Capacity > 12 {
		t.Fatalf("night after concurrent creation: %+v", n)
	}
	checkInvariants(t, s)
}

func TestRoomTypeAllowance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 3)
	rt, err := s.GetRoomType(ctx, 1, 10)
	if err != nil || rt.Name != "Double" {
		t.Fatalf("GetRoomType = %+v, %v", rt, err)
	}
	rt.OverbookingAllowance = 1
	if err := s.UpdateRoomType(ctx, rt); err != nil {
		t.Fatal(err)
	}
	// Two rooms can now be held on a night of capacity 1.
	for range 2 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(1), CheckOut: day0.AddDays(2)}); err != nil {
			t.Fatal(err)
		}
	}
	rt.OverbookingAllowance = 0
	rt.Name = "Renamed"
	wantNights(t, "lower allowance", s.UpdateRoomType(ctx, rt), store.ErrConflict, day0.AddDays(1))
	if got, _ := s.GetRoomType(ctx, 1, 10); got.Name != "Double" || got.OverbookingAllowance != 1 || nightRow(t, s, 10, day0).Allowance != 1 {
		t.Fatalf("refused update changed the room type: %+v", got)
	}
	rts, err := s.ListRoomTypes(ctx, 1)
	if err != nil || len(rts) != 2 || rts[0].OverbookingAllowance != 1 {
		t.Fatalf("ListRoomTypes = %+v, %v", rts, err)
	}
	if err := s.UpdateRoomType(ctx, hotel.RoomType{ID: 10, HotelID: 1, Name: "SUITE", MaxOccupancy: 2, OverbookingAllowance: 1}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("name taken case-insensitively = %v", err)
	}
	if err := s.UpdateRoomType(ctx, hotel.RoomType{ID: 10, HotelID: 2, Name: "X", MaxOccupancy: 2}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("room type of another hotel = %v", err)
	}
	nrt := hotel.RoomType{HotelID: 1, Name: "Family", MaxOccupancy: 5, OverbookingAllowance: 2}
	if err := s.CreateRoomType(ctx, &nrt); err != nil || nrt.ID <= 11 {
		t.Fatalf("CreateRoomType = %+v, %v", nrt, err)
	}
	if err := s.CreateRoomType(ctx, &hotel.RoomType{HotelID: 99, Name: "X", MaxOccupancy: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("room type of unknown hotel = %v", err)
	}
	one, price := 1, hotel.Cents(100)
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: nrt.ID, StartDate: day0, EndDate: day0, Capacity: &one, Price: &price}); err != nil {
		t.Fatal(err)
	}
	if n := nightRow(t, s, nrt.ID, day0); n.Allowance != 2 || n.DemandLevel != hotel.DemandMedium {
		t.Fatalf("created night = %+v; want the room type's allowance, medium demand", n)
	}
}

func TestHotels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 1)
	h := hotel.Hotel{Name: "Hotel Two", Location: "lisbon", TimeZone: "Europe/Lisbon", Currency: "EUR"}
	if err := s.CreateHotel(ctx, &h); err != nil || h.ID != 2 {
		t.Fatalf("CreateHotel = %+v, %v (ids continue after loaded ones)", h, err)
	}
	if err := s.CreateHotel(ctx, &hotel.Hotel{Name: "Hotel One", Location: "X", TimeZone: "UTC", Currency: "EUR"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate name = %v", err)
	}
	h.Location = "Porto"
	if err := s.UpdateHotel(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateHotel(ctx, hotel.Hotel{ID: 77, Name: "N", Location: "L", TimeZone: "UTC", Currency: "EUR"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateHotel(unknown) = %v", err)
	}
	if got, err := s.ListHotels(ctx, hotel.HotelFilter{Location: "PORTO", Limit: 10}); err != nil || len(got) != 1 || got[0] != h {
		t.Fatalf("ListHotels(Porto) = %+v, %v", got, err)
	}
	if got, err := s.ListHotels(ctx, hotel.HotelFilter{AfterID: 1, Limit: 10}); err != nil || len(got) != 1 || got[0].ID != 2 {
		t.Fatalf("ListHotels(after 1) = %+v, %v", got, err)
	}
}
