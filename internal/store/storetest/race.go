package storetest

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// seeded returns a generator for a reproducible random test: the seed is
// logged, and STORETEST_SEED replays it.
func seeded(t *testing.T) *rand.Rand {
	t.Helper()
	seed := rand.Uint64() //nolint:gosec // G404: test data, not a secret
	if v := os.Getenv("STORETEST_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("STORETEST_SEED=%q: %v", v, err)
		}
	}
	t.Logf("seed %d (replay with STORETEST_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // G404: reproducible test sequence
}

// testHoldRaceLastRooms: 200 two-night stays race for the last 7 rooms of
// their nights.
func testHoldRaceLastRooms(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 3)
	f.set(1000, 0, func(n *hotel.Night) { n.Held = 3 }) // capacity 10: 7 left
	f.set(1000, 1, func(n *hotel.Night) { n.Held = 3 })
	s := loaded(t, h, f)
	const racers = 200
	var won, refused atomic.Int64
	var wg sync.WaitGroup
	ok := make([]bool, racers)
	for i := range racers {
		wg.Go(func() {
			req := holdRequest(i, 1000, 0, 2)
			got, created, err := s.CreateHold(ctx, req)
			if err != nil {
				if d := nightsErrorDiff(err, store.ErrConflict, days(0, 1)); d != "" {
					t.Errorf("racer %d: %s", i, d)
				}
				refused.Add(1)
				return
			}
			if d := holdDiff(got, f.wantHold(req.BookingID, 1000, day(0), day(2))); d != "" || !created {
				t.Errorf("racer %d: created %v, hold differs:%s", i, created, d)
			}
			ok[i] = true
			won.Add(1)
		})
	}
	wg.Wait()
	if won.Load() != 7 || refused.Load() != racers-7 {
		t.Fatalf("%d holds succeeded and %d were refused; want exactly 7 and %d", won.Load(), refused.Load(), racers-7)
	}
	wantAvailable(t, s, "after the race (held = capacity)", 100, 1000, 0, 0, 0, 10)
	for i, won := range ok {
		if won {
			getHold(t, s, bookingID(i), f.wantHold(bookingID(i), 1000, day(0), day(2)))
		} else {
			noHold(t, s, bookingID(i))
		}
	}
}

// testHoldRaceOverlapping: 200 stays of 1-5 nights race over a 10-night
// window with 4 rooms a night. Afterwards every night holds exactly the
// successful stays covering it, so no night is oversold and no refused stay
// left anything behind.
func testHoldRaceOverlapping(t *testing.T, h Harness) {
	ctx := context.Background()
	const racers, nights, capacity = 200, 10, 4
	f := newInventoryFixture(100, nights)
	for d := range nights {
		f.set(1000, d, func(n *hotel.Night) { n.Capacity = capacity })
	}
	s := loaded(t, h, f)
	r := seeded(t)
	type stay struct{ in, out int }
	stays := make([]stay, racers)
	for i := range stays {
		n := 1 + r.IntN(5)
		in := r.IntN(nights - n + 1)
		stays[i] = stay{in, in + n}
	}
	ok := make([]bool, racers)
	var wg sync.WaitGroup
	for i, st := range stays {
		wg.Go(func() {
			req := holdRequest(i, 1000, st.in, st.out)
			got, created, err := s.CreateHold(ctx, req)
			if err != nil {
				var ne *store.NightsError
				switch {
				case !errors.As(err, &ne) || !errors.Is(err, store.ErrConflict):
					t.Errorf("stay %d (days %d-%d): error %v, want *store.NightsError wrapping ErrConflict", i, st.in, st.out-1, err)
				case len(ne.Nights) == 0 || !slices.IsSortedFunc(ne.Nights, func(a, b hotel.Date) int { return b.DaysUntil(a) }) ||
					ne.Nights[0].Before(day(st.in)) || !ne.Nights[len(ne.Nights)-1].Before(day(st.out)):
					t.Errorf("stay %d (days %d-%d): refusal names nights %v, want some nights of the stay, ascending", i, st.in, st.out-1, ne.Nights)
				}
				return
			}
			if d := holdDiff(got, f.wantHold(req.BookingID, 1000, day(st.in), day(st.out))); d != "" || !created {
				t.Errorf("stay %d: created %v, hold differs:%s", i, created, d)
			}
			ok[i] = true
		})
	}
	wg.Wait()
	want := make([]int, nights)
	covering := make([]int, nights)
	for i, st := range stays {
		if ok[i] {
			for d := st.in; d < st.out; d++ {
				covering[d]++
			}
			getHold(t, s, bookingID(i), f.wantHold(bookingID(i), 1000, day(st.in), day(st.out)))
		} else {
			noHold(t, s, bookingID(i))
		}
	}
	for d, c := range covering {
		if c > capacity {
			t.Fatalf("day %d: %d successful holds cover it, capacity %d: oversold", d, c, capacity)
		}
		want[d] = capacity - c
	}
	wantAvailable(t, s, "after the race (capacity - successful holds covering each night)", 100, 1000, 0, want...)
	won := 0
	for _, w := range ok {
		if w {
			won++
		}
	}
	t.Logf("%d of %d stays held; successful holds per night %v", won, racers, covering)
	ids := make([]string, racers)
	for i := range ids {
		ids[i] = bookingID(i)
	}
	consistent(t, s, ids)
	if won == 0 {
		t.Fatal("no stay succeeded")
	}
}

// testHoldConcurrentDuplicates: retries of the same call racing each other
// have exactly one effect.
func testHoldConcurrentDuplicates(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	const dups = 20
	// parallel runs call dups times at once and returns the holds.
	parallel := func(what string, call func() (hotel.Hold, error)) []hotel.Hold {
		t.Helper()
		holds := make([]hotel.Hold, dups)
		var wg sync.WaitGroup
		for i := range dups {
			wg.Go(func() {
				var err error
				if holds[i], err = call(); err != nil {
					t.Errorf("%s, duplicate %d: %v", what, i, err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		return holds
	}
	check := func(what string, holds []hotel.Hold, want hotel.Hold) {
		t.Helper()
		for i, got := range holds {
			if d := holdDiff(got, want); d != "" {
				t.Fatalf("%s, duplicate %d: hold differs:%s", what, i, d)
			}
		}
		getHold(t, s, want.BookingID, want)
	}

	req := holdRequest(1, 1000, 2, 5)
	var created atomic.Int64
	holds := parallel("CreateHold", func() (hotel.Hold, error) {
		h, c, err := s.CreateHold(ctx, req)
		if c {
			created.Add(1)
		}
		return h, err
	})
	if created.Load() != 1 {
		t.Fatalf("%d of %d concurrent identical CreateHold calls reported created; want exactly 1", created.Load(), dups)
	}
	a := f.wantHold(req.BookingID, 1000, day(2), day(5))
	check("CreateHold", holds, a)
	wantAvailable(t, s, "after concurrent identical holds", 100, 1000, 0, 10, 10, 9, 9, 9, 10)

	m := hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(3), CheckOut: day(7)}
	holds = parallel("MoveHold", func() (hotel.Hold, error) { return s.MoveHold(ctx, req.BookingID, m) })
	a = f.wantHold(req.BookingID, 1000, day(3), day(7))
	check("MoveHold", holds, a)
	wantAvailable(t, s, "after concurrent identical moves", 100, 1000, 0, 10, 10, 10, 9, 9, 9, 9, 10)

	createHold(t, s, f, holdRequest(2, 1000, 0, 10), true) // would show a night freed twice
	holds = parallel("ReleaseHold from day 5", func() (hotel.Hold, error) {
		return s.ReleaseHold(ctx, req.BookingID, hotel.HoldRelease{From: day(5)})
	})
	a = f.wantHold(req.BookingID, 1000, day(3), day(5))
	check("ReleaseHold from day 5", holds, a)
	wantAvailable(t, s, "after concurrent early departures", 100, 1000, 0, 9, 9, 9, 8, 8, 9, 9, 9, 9, 9)

	holds = parallel("ReleaseHold", func() (hotel.Hold, error) { return s.ReleaseHold(ctx, req.BookingID, hotel.HoldRelease{}) })
	check("ReleaseHold", holds, released(a))
	wantAvailable(t, s, "after concurrent releases (freed once)", 100, 1000, 0, slices.Repeat([]int{9}, 10)...)
	consistent(t, s, []string{bookingID(1), bookingID(2)})
}

// testHoldConcurrentMixed: many goroutines create, move and release holds
// and adjust rooms at random over both room types of a hotel, with fresh
// booking ids and with ids shared between them (duplicates racing). No
// error but a refusal escapes (no deadlock or serialization failure), a
// refused create leaves no hold behind, and afterwards the inventory agrees
// with the holds (consistent).
func testHoldConcurrentMixed(t *testing.T, h Harness) {
	ctx := context.Background()
	const nights, workers, ops, shared = 12, 16, 40, 40
	f := newInventoryFixture(100, nights)
	for _, rt := range []int64{1000, 1001} {
		for d := range nights {
			f.set(rt, d, func(n *hotel.Night) { n.Capacity = 3 })
		}
	}
	s := loaded(t, h, f)
	seed := seeded(t).Uint64()
	var fresh atomic.Int64
	fresh.Store(1000)
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w))) //nolint:gosec // G404: reproducible test sequence
			stay := func() (int64, hotel.Date, hotel.Date) {
				in := r.IntN(nights + 1) // up to past the calendar
				return 1000 + r.Int64N(2), day(in), day(in + 1 + r.IntN(5))
			}
			for range ops {
				rt, in, out := stay()
				id := bookingID(r.IntN(shared))
				var err error
				switch op := r.IntN(10); {
				case op < 2:
					_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 100, RoomTypeID: rt, CheckIn: in, CheckOut: out})
				case op < 5:
					id = bookingID(int(fresh.Add(1)))
					_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 100, RoomTypeID: rt, CheckIn: in, CheckOut: out})
					if err != nil {
						if _, gerr := s.GetHold(ctx, id); !errors.Is(gerr, store.ErrNotFound) {
							t.Errorf("refused CreateHold(%s) left a hold behind: %v", id, gerr)
						}
					}
				case op < 7:
					_, err = s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: rt, CheckIn: in, CheckOut: out})
				case op < 9:
					var from hotel.Date
					if r.IntN(2) == 0 {
						from = in
					}
					_, err = s.ReleaseHold(ctx, id, hotel.HoldRelease{From: from})
				default:
					n := r.IntN(5) - 2
					if n == 0 {
						n = 1
					}
					_, err = s.Adjust(ctx, &hotel.Adjustment{HotelID: 100, RoomTypeID: rt, StartDate: in, EndDate: out.AddDays(-1), NumRooms: n, Actor: "ops"})
				}
				if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("worker %d: unexpected error %v", w, err)
					return
				}
				ids[w] = append(ids[w], id)
			}
		})
	}
	wg.Wait()
	var all []string
	for _, ws := range ids {
		all = append(all, ws...)
	}
	slices.Sort(all)
	consistent(t, s, slices.Compact(all))
}
