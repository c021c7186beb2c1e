package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// adjustment blocks (n > 0) or unblocks (n < 0) n rooms of room type rt of
// hotel 100 on days [first, last], by actor alice.
func adjustment(rt int64, first, last, n int) *hotel.Adjustment {
	name := map[int64]string{1000: "Standard Rooms", 1001: "Deluxe Rooms"}[rt]
	return &hotel.Adjustment{
		HotelID: 100, RoomTypeID: rt, RoomType: name, StartDate: day(first), EndDate: day(last),
		NumRooms: n, Reason: fmt.Sprintf("adjust %d", n), Actor: "alice",
	}
}

// adjust fails t unless Adjust(a) applies with replayed=wantReplayed.
func adjust(t *testing.T, s store.Store, a *hotel.Adjustment, wantReplayed bool) {
	t.Helper()
	replayed, err := s.Adjust(context.Background(), a)
	if err != nil || replayed != wantReplayed {
		t.Fatalf("Adjust(%d rooms of %d on %s..%s by %s, key %q) = replayed %v, %v; want %v, nil",
			a.NumRooms, a.RoomTypeID, a.StartDate, a.EndDate, a.Actor, a.IdempotencyKey, replayed, err, wantReplayed)
	}
	if a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("Adjust did not set the id (%d) and created_at (%v)", a.ID, a.CreatedAt)
	}
}

// adjustmentDiff describes how got differs from want; "" when they agree.
// IdempotencyKey is not compared (it is not part of the record shown).
func adjustmentDiff(got, want hotel.Adjustment) string {
	got.IdempotencyKey, want.IdempotencyKey = "", ""
	if got.CreatedAt.IsZero() || !got.CreatedAt.Equal(want.CreatedAt) {
		return fmt.Sprintf("created_at %v, want %v", got.CreatedAt, want.CreatedAt)
	}
	got.CreatedAt = want.CreatedAt
	if got != want {
		return fmt.Sprintf("%+v, want %+v", got, want)
	}
	return ""
}

// listAdjustments fails t unless ListAdjustments returns exactly want.
func listAdjustments(t *testing.T, s store.Store, hotelID, beforeID int64, limit int, want ...hotel.Adjustment) {
	t.Helper()
	got, err := s.ListAdjustments(context.Background(), hotelID, beforeID, limit)
	if err != nil {
		t.Fatalf("ListAdjustments(%d, %d, %d): %v", hotelID, beforeID, limit, err)
	}
	var b strings.Builder
	if len(got) != len(want) {
		fmt.Fprintf(&b, "\n\t%d records, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if d := adjustmentDiff(got[i], want[i]); d != "" {
			fmt.Fprintf(&b, "\n\trecord %d: %s", i, d)
		}
	}
	if b.Len() > 0 {
		t.Fatalf("ListAdjustments(%d, %d, %d):%s", hotelID, beforeID, limit, b.String())
	}
}

func testAdjust(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 2, func(n *hotel.Night) { n.Held = 4 })
	s := loaded(t, h, f)
	var done []hotel.Adjustment
	apply := func(a *hotel.Adjustment) {
		t.Helper()
		adjust(t, s, a, false)
		done = append(done, *a)
	}
	wantAvailable(t, s, "fixture", 100, 1000, 0, 10, 10, 6, 10, 10)

	apply(adjustment(1000, 1, 3, 3))
	wantAvailable(t, s, "after blocking 3 on days 1-3", 100, 1000, 0, 10, 7, 3, 7, 10)
	apply(adjustment(1000, 2, 3, -2))
	wantAvailable(t, s, "after unblocking 2 on days 2-3", 100, 1000, 0, 10, 7, 5, 9, 10)
	apply(adjustment(1000, 4, 4, 10)) // one date, every room
	wantAvailable(t, s, "after blocking all of day 4", 100, 1000, 0, 10, 7, 5, 9, 0, 10)
	apply(adjustment(1000, 4, 4, -10))
	apply(adjustment(1001, 0, 9, 1))
	wantAvailable(t, s, "deluxe after blocking 1 everywhere", 100, 1001, 0, slices.Repeat([]int{10}, 10)...)

	// Blocked now: 1000 day 1: 3, day 2: 1, day 3: 1; 1001: 1 on every day.
	before := inventory(t, s)
	for _, tc := range []struct {
		what     string
		a        *hotel.Adjustment
		sentinel error
		nights   []hotel.Date
	}{
		{"blocking more than for sale", adjustment(1000, 1, 3, 6), store.ErrConflict, days(2)},
		{"blocking more than for sale on two nights", adjustment(1000, 0, 3, 8), store.ErrConflict, days(1, 2)},
		{"unblocking more than blocked", adjustment(1000, 1, 2, -2), store.ErrConflict, days(2)},
		{"unblocking where nothing is blocked", adjustment(1000, 0, 1, -1), store.ErrConflict, days(0)},
		{"unblocking more than blocked everywhere", adjustment(1001, 3, 4, -2), store.ErrConflict, days(3, 4)},
		{"nights without inventory", adjustment(1000, 8, 12, 1), store.ErrNotFound, days(10, 11, 12)},
	} {
		replayed, err := s.Adjust(ctx, tc.a)
		if replayed {
			t.Fatalf("Adjust %s: replayed", tc.what)
		}
		wantNightsError(t, "Adjust "+tc.what, err, tc.sentinel, tc.nights...)
		unchanged(t, s, before, "refused Adjust "+tc.what)
	}

	// A room type the hotel does not have: not found, nothing changed.
	for _, rt := range []int64{999999, 1002} {
		if _, err := s.Adjust(ctx, adjustment(rt, 0, 1, 1)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Adjust of room type %d, not of the hotel = %v, want ErrNotFound", rt, err)
		}
		unchanged(t, s, before, "Adjust of a room type the hotel does not have")
	}
	// Without an end date, the adjustment is of its start date alone.
	single := adjustment(1001, 5, 5, 2)
	single.EndDate, single.RoomType = hotel.Date{}, ""
	apply(single)
	if single.EndDate != day(5) || single.RoomType != "Deluxe Rooms" {
		t.Fatalf("Adjust without an end date set EndDate %v and RoomType %q, want the start date %v and the room type's name",
			single.EndDate, single.RoomType, day(5))
	}
	wantAvailable(t, s, "deluxe after blocking 2 on day 5 alone", 100, 1001, 4, 10, 8, 10)

	// Every applied adjustment is recorded, refused ones are not; the log
	// reads newest first, each page before the last id of the one above.
	for i := 1; i < len(done); i++ {
		if done[i].ID <= done[i-1].ID {
			t.Fatalf("adjustment ids not increasing: %d then %d", done[i-1].ID, done[i].ID)
		}
	}
	newest := slices.Clone(done)
	slices.Reverse(newest) // ids of done: 1 2 3 4 5, newest: 5 4 3 2 1
	listAdjustments(t, s, 100, math.MaxInt64, 100, newest...)
	listAdjustments(t, s, 100, math.MaxInt64, 2, newest[:2]...)
	listAdjustments(t, s, 100, newest[1].ID, 2, newest[2:4]...)
	listAdjustments(t, s, 100, newest[3].ID, 2, newest[4:]...)
	listAdjustments(t, s, 100, newest[len(newest)-1].ID, 100)
	listAdjustments(t, s, 101, math.MaxInt64, 100)
}

func testAdjustIdempotency(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 5)
	s := loaded(t, h, f)
	keyed := func(actor, key string, n int) *hotel.Adjustment {
		a := adjustment(1000, 1, 2, n)
		a.Actor, a.IdempotencyKey, a.Reason = actor, key, "water leak"
		return a
	}
	first := keyed("alice", "k1", 2)
	adjust(t, s, first, false)
	wantAvailable(t, s, "after the first call", 100, 1000, 0, 10, 8, 8, 10)

	retry := keyed("alice", "k1", 2)
	adjust(t, s, retry, true)
	if d := adjustmentDiff(*retry, *first); d != "" {
		t.Fatalf("replayed Adjust set %s", d)
	}
	wantAvailable(t, s, "after the replay (applied once)", 100, 1000, 0, 10, 8, 8, 10)

	before := inventory(t, s)
	for what, other := range map[string]func(a *hotel.Adjustment){
		"num_rooms": func(a *hotel.Adjustment) { a.NumRooms = 3 },
		"reason":    func(a *hotel.Adjustment) { a.Reason = "painting" },
		"end date":  func(a *hotel.Adjustment) { a.EndDate = day(3) },
		"room type": func(a *hotel.Adjustment) { a.RoomTypeID, a.RoomType = 1001, "Deluxe Rooms" },
	} {
		a := keyed("alice", "k1", 2)
		other(a)
		if replayed, err := s.Adjust(ctx, a); !errors.Is(err, store.ErrIdempotencyMismatch) || replayed {
			t.Fatalf("Adjust reusing a key with another %s = replayed %v, %v; want ErrIdempotencyMismatch", what, replayed, err)
		}
	}
	unchanged(t, s, before, "Adjust reusing a key for another request")

	// Keys belong to their actor.
	bob := keyed("bob", "k1", 2)
	adjust(t, s, bob, false)
	if bob.ID == first.ID {
		t.Fatalf("bob's adjustment with alice's key got alice's id %d", bob.ID)
	}
	wantAvailable(t, s, "after bob's call with the same key", 100, 1000, 0, 10, 6, 6, 10)
	// Without a key every call applies.
	plain1, plain2 := keyed("alice", "", -1), keyed("alice", "", -1)
	adjust(t, s, plain1, false)
	adjust(t, s, plain2, false)
	wantAvailable(t, s, "after two unkeyed calls", 100, 1000, 0, 10, 8, 8, 10)

	// Concurrent retries of one keyed call: applied once, all see one record.
	const dups = 10
	var fresh atomic.Int64
	got := make([]hotel.Adjustment, dups)
	var wg sync.WaitGroup
	for i := range dups {
		wg.Go(func() {
			a := keyed("carol", "k2", 1)
			replayed, err := s.Adjust(ctx, a)
			if err != nil {
				t.Errorf("concurrent keyed Adjust %d: %v", i, err)
			}
			if !replayed {
				fresh.Add(1)
			}
			got[i] = *a
		})
	}
	wg.Wait()
	if fresh.Load() != 1 {
		t.Fatalf("%d of %d concurrent retries of one keyed Adjust were applied; want exactly 1", fresh.Load(), dups)
	}
	for i := range got {
		if d := adjustmentDiff(got[i], got[0]); d != "" || got[i].ID == 0 {
			t.Fatalf("concurrent retry %d returned %s", i, d)
		}
	}
	wantAvailable(t, s, "after concurrent retries (applied once)", 100, 1000, 0, 10, 7, 7, 10)

	// A refused keyed adjustment is not recorded: its key stays free.
	tooMany := keyed("alice", "k3", 50)
	if replayed, err := s.Adjust(ctx, tooMany); replayed || nightsErrorDiff(err, store.ErrConflict, days(1, 2)) != "" {
		t.Fatalf("keyed Adjust blocking more than for sale = replayed %v, %v; want a NightsError on days 1 and 2", replayed, err)
	}
	afterRefusal := keyed("alice", "k3", 1)
	adjust(t, s, afterRefusal, false)
	wantAvailable(t, s, "after the key of a refused call was used again", 100, 1000, 0, 10, 6, 6, 10)
	listAdjustments(t, s, 100, math.MaxInt64, 100, *afterRefusal, got[0], *plain2, *plain1, *bob, *first)
}
