package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testJobs is the conformance suite of store.Jobs.
func testJobs(t *testing.T, h Harness) {
	t.Run("Leases", func(t *testing.T) { t.Parallel(); testLeases(t, h) })
	t.Run("LeaseRace", func(t *testing.T) { t.Parallel(); testLeaseRace(t, h) })
	t.Run("DueCheckouts", func(t *testing.T) { t.Parallel(); testDueCheckouts(t, h) })
	t.Run("Drift", func(t *testing.T) { t.Parallel(); testDrift(t, h) })
	t.Run("EraseGuests", func(t *testing.T) { t.Parallel(); testEraseGuests(t, h) })
}

// emptyFixture is NewFixture with nothing held.
func emptyFixture(firstID int64, days int) Fixture {
	f := NewFixture(firstID, days)
	for i := range f.Nights {
		f.Nights[i].Held = 0
	}
	return f
}

func testLeases(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	t0 := time.Date(2030, 1, 1, 3, 0, 0, 0, time.UTC)
	steps := []struct {
		what   string
		holder string
		now    time.Time
		want   bool
	}{
		{"first taker", "a", t0, true},
		{"another holder while a's lease runs", "b", t0.Add(time.Minute), false},
		{"a renews", "a", t0.Add(2 * time.Minute), true},
		{"b, still within a's renewed lease", "b", t0.Add(6 * time.Minute), false},
		{"b, once a's lease has expired", "b", t0.Add(8 * time.Minute), true},
		{"a, now that b holds it", "a", t0.Add(9 * time.Minute), false},
	}
	for _, st := range steps {
		got, err := s.AcquireLease(ctx, "complete-checkouts", st.holder, st.now, st.now.Add(5*time.Minute))
		if err != nil || got != st.want {
			t.Fatalf("%s: AcquireLease = %v, %v; want %v", st.what, got, err, st.want)
		}
	}
	// Leases of other jobs are independent.
	if ok, err := s.AcquireLease(ctx, "reconcile", "a", t0.Add(9*time.Minute), t0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("another job's lease = %v, %v", ok, err)
	}
	// Releasing someone else's lease does nothing; the holder's own frees it.
	if err := s.ReleaseLease(ctx, "complete-checkouts", "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx, "complete-checkouts", "a", t0.Add(10*time.Minute), t0.Add(15*time.Minute)); ok {
		t.Fatal("a took b's lease after releasing a lease it did not hold")
	}
	if err := s.ReleaseLease(ctx, "complete-checkouts", "b"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.AcquireLease(ctx, "complete-checkouts", "a", t0.Add(10*time.Minute), t0.Add(15*time.Minute)); err != nil || !ok {
		t.Fatalf("after b released = %v, %v", ok, err)
	}
}

func testLeaseRace(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	now := time.Date(2030, 1, 1, 3, 0, 0, 0, time.UTC)
	var won atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			ok, err := s.AcquireLease(ctx, "reconcile", fmt.Sprintf("replica-%d", i), now, now.Add(time.Minute))
			if err != nil {
				t.Errorf("AcquireLease: %v", err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d of 20 concurrent takers got the lease, want 1", won.Load())
	}
}

func testDueCheckouts(t *testing.T, h Harness) {
	ctx := context.Background()
	f := emptyFixture(300, 10)
	s := loaded(t, h, f)
	zones, err := s.HotelTimeZones(ctx)
	if err != nil || !slices.Equal(zones, []string{"Europe/London", "Pacific/Auckland"}) {
		t.Fatalf("HotelTimeZones = %v, %v", zones, err)
	}
	london, auckland := int64(3000), int64(3002) // room types of hotels 300 and 301
	bs := insertBookings(t, s,
		sampleBooking(f, 1, london, day(1), 2, hotel.StatusConfirmed),   // out day 3
		sampleBooking(f, 2, london, day(2), 2, hotel.StatusConfirmed),   // out day 4
		sampleBooking(f, 3, london, day(3), 2, hotel.StatusConfirmed),   // out day 5
		sampleBooking(f, 4, london, day(0), 3, hotel.StatusCancelled),   // out day 3, not confirmed
		sampleBooking(f, 5, london, day(0), 3, hotel.StatusCompleted),   // out day 3, done
		sampleBooking(f, 6, auckland, day(0), 3, hotel.StatusConfirmed), // out day 3, other zone
		sampleBooking(f, 7, london, day(0), 2, hotel.StatusConfirmed),   // out day 2
		sampleBooking(f, 8, london, day(1), 1, hotel.StatusCheckedIn),   // out day 2, in house
		sampleBooking(f, 9, london, day(0), 1, hotel.StatusNoShow),      // out day 1, no-show
	)
	ids := func(got []hotel.Booking) []string {
		out := []string{}
		for _, b := range got {
			out = append(out, b.ID)
		}
		return out
	}
	for _, tc := range []struct {
		zone      string
		cutoff    int
		unchecked bool
		limit     int
		want      []int
	}{
		{"Europe/London", 4, true, 10, []int{7, 8, 1, 2}},
		{"Europe/London", 4, true, 2, []int{7, 8}},
		{"Europe/London", 4, false, 10, []int{8}},
		{"Europe/London", 1, true, 10, nil},
		{"Pacific/Auckland", 3, true, 10, []int{6}},
		{"Pacific/Auckland", 3, false, 10, nil},
		{"America/New_York", 9, true, 10, nil},
	} {
		got, err := s.DueCheckouts(ctx, tc.zone, day(tc.cutoff), tc.unchecked, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{}
		for _, n := range tc.want {
			want = append(want, bookingUUID(n))
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("DueCheckouts(%s, day %d, %v, %d) = %v, want %v", tc.zone, tc.cutoff, tc.unchecked, tc.limit, ids(got), want)
		}
		for _, b := range got {
			if d := bookingDiff(b, bs[b.ID]); d != "" {
				t.Errorf("DueCheckouts returned %s: %s", b.ID, d)
			}
		}
	}
	// No-shows: confirmed stays by arrival, never one checked in.
	for _, tc := range []struct {
		zone  string
		last  int
		limit int
		want  []int
	}{
		{"Europe/London", 1, 10, []int{7, 1}},
		{"Europe/London", 1, 1, []int{7}},
		{"Europe/London", 3, 10, []int{7, 1, 2, 3}},
		{"Europe/London", -1, 10, nil},
		{"Pacific/Auckland", 0, 10, []int{6}},
	} {
		got, err := s.DueNoShows(ctx, tc.zone, day(tc.last), tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{}
		for _, n := range tc.want {
			want = append(want, bookingUUID(n))
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("DueNoShows(%s, day %d, %d) = %v, want %v", tc.zone, tc.last, tc.limit, ids(got), want)
		}
	}
}

func testDrift(t *testing.T, h Harness) {
	ctx := context.Background()
	f := emptyFixture(310, 20)
	s := loaded(t, h, f)
	rt := int64(3100)
	drift := func(what string, want ...store.NightDrift) {
		t.Helper()
		got, err := s.Drift(ctx, 100)
		if err != nil {
			t.Fatalf("%s: Drift: %v", what, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: Drift =\n %v\nwant\n %v", what, got, want)
		}
	}
	book := func(n int, arrival, nights int, status string) hotel.Booking {
		b := sampleBooking(f, n, rt, day(arrival), nights, status)
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: b.ID, HotelID: 310, RoomTypeID: rt, CheckIn: day(arrival), CheckOut: day(arrival + nights)}); err != nil {
			t.Fatal(err)
		}
		return insertBooking(t, s, b)
	}
	key := func(d int) store.NightKey { return store.NightKey{HotelID: 310, RoomTypeID: rt, Date: day(d)} }
	drift("nothing held")

	a := book(1, 1, 3, hotel.StatusConfirmed) // days 1-3
	book(2, 2, 1, hotel.StatusConfirmed)      // day 2
	drift("two bookings with their holds")

	// A corrupted counter.
	if err := h.Exec(t, s, fmt.Sprintf(`UPDATE inventory_night SET held = held + 1 WHERE room_type_id = %d AND night = '%s'`, rt, day(2))); err != nil {
		t.Fatal(err)
	}
	drift("held counter raised by one", store.NightDrift{NightKey: key(2), Held: 3, HoldNights: 2, Bookings: 2})
	ids, err := s.NightBookings(ctx, key(2))
	if err != nil || !slices.Equal(ids, []string{bookingUUID(1), bookingUUID(2)}) {
		t.Fatalf("NightBookings = %v, %v", ids, err)
	}
	if n, err := s.ResyncHeld(ctx, []store.NightKey{key(2), key(3)}); err != nil || n != 1 {
		t.Fatalf("ResyncHeld = %d, %v; want 1 night changed", n, err)
	}
	drift("after the resync")

	// A hold without a booking: in flight (a create between its hold and
	// its booking) while unconfirmed, drift once confirmed; and a cancelled
	// booking still holding.
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingUUID(9), HotelID: 310, RoomTypeID: rt, CheckIn: day(5), CheckOut: day(6)}); err != nil {
		t.Fatal(err)
	}
	drift("a create in flight")
	if n, err := s.ConfirmHolds(ctx, []string{bookingUUID(9)}, time.Now()); err != nil || n != 1 {
		t.Fatalf("ConfirmHolds = %d, %v", n, err)
	}
	c := book(3, 7, 1, hotel.StatusConfirmed)
	c.Status = hotel.StatusCancelled
	if err := s.UpdateBooking(ctx, &c, false); err != nil {
		t.Fatal(err)
	}
	drift("an orphan hold and a cancelled booking's hold",
		store.NightDrift{NightKey: key(5), Held: 1, HoldNights: 1, Bookings: 0},
		store.NightDrift{NightKey: key(7), Held: 1, HoldNights: 1, Bookings: 0})

	// A booking in flight (sync pending) hides its nights.
	c.SyncPending = true
	if err := s.UpdateBooking(ctx, &c, false); err != nil {
		t.Fatal(err)
	}
	drift("the cancelled booking in flight", store.NightDrift{NightKey: key(5), Held: 1, HoldNights: 1, Bookings: 0})

	// A completed stay keeps the nights before the departure only.
	a.Status, a.DepartedOn = hotel.StatusCompleted, day(2)
	if err := s.UpdateBooking(ctx, &a, false); err != nil {
		t.Fatal(err)
	}
	drift("an early departure whose later nights are still held",
		store.NightDrift{NightKey: key(2), Held: 2, HoldNights: 2, Bookings: 1},
		store.NightDrift{NightKey: key(3), Held: 1, HoldNights: 1, Bookings: 0},
		store.NightDrift{NightKey: key(5), Held: 1, HoldNights: 1, Bookings: 0})

	// A guest in house holds every night of the stay; a no-show those
	// before the first it gave back (departed_on), or all when none.
	in := book(4, 10, 2, hotel.StatusConfirmed) // days 10-11
	in.Status = hotel.StatusCheckedIn
	if err := s.UpdateBooking(ctx, &in, false); err != nil {
		t.Fatal(err)
	}
	gone := book(5, 12, 3, hotel.StatusConfirmed) // days 12-14
	gone.Status, gone.DepartedOn = hotel.StatusNoShow, day(13)
	if err := s.UpdateBooking(ctx, &gone, false); err != nil {
		t.Fatal(err)
	}
	kept := book(6, 16, 2, hotel.StatusConfirmed) // days 16-17
	kept.Status = hotel.StatusNoShow
	if err := s.UpdateBooking(ctx, &kept, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReleaseHold(ctx, gone.ID, hotel.HoldRelease{From: day(13)}); err != nil {
		t.Fatal(err)
	}
	drift("a stay in house and two no-shows, with their holds",
		store.NightDrift{NightKey: key(2), Held: 2, HoldNights: 2, Bookings: 1},
		store.NightDrift{NightKey: key(3), Held: 1, HoldNights: 1, Bookings: 0},
		store.NightDrift{NightKey: key(5), Held: 1, HoldNights: 1, Bookings: 0})
}
