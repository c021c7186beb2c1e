package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Driver-level tests of the inventory part: the SQL invariants (held equals
// the hold_night rows of each night, never above capacity + allowance) under
// sequential edge cases and concurrent writers. The contract itself is
// covered by storetest.

var d0 = hotel.NewDate(2031, 3, 1)

func day(n int) hotel.Date { return d0.AddDays(n) }

func bid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// newInventoryStore returns a migrated store with hotel 1 ("Lisbon", EUR),
// room type 10 ("Double", 2 guests) and 11 ("Family", 4 guests), nights
// day(0)..day(days-1) with capacity capacity and price 100.00 + 1.00 per day
// (Family 50.00 more).
func newInventoryStore(t *testing.T, days, capacity int) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hs := []hotel.Hotel{{ID: 1, Name: "Hotel Lisboa", Location: "Lisbon", TimeZone: "Europe/Lisbon", Currency: "EUR"}}
	rts := []hotel.RoomType{
		{ID: 10, HotelID: 1, Name: "Double", MaxOccupancy: 2},
		{ID: 11, HotelID: 1, Name: "Family", MaxOccupancy: 4},
	}
	var nights []hotel.Night
	for _, rt := range rts {
		for i := range days {
			nights = append(nights, hotel.Night{HotelID: 1, RoomTypeID: rt.ID, Date: day(i), Capacity: capacity,
				Price: hotel.Cents(10000 + 100*i + 5000*int(rt.ID-10)), DemandLevel: hotel.DemandMedium})
		}
	}
	ok, err := s.Load(ctx, store.Dataset{Hotels: slices.Values(hs), RoomTypes: slices.Values(rts), Nights: slices.Values(nights)}, false)
	if err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	return s
}

// checkInvariants fails t unless every night's held equals its hold_night
// rows and held + blocked <= capacity + allowance.
func checkInvariants(t *testing.T, s *Store) {
	t.Helper()
	var bad int
	err := s.r.QueryRowContext(context.Background(), `SELECT count(*) FROM inventory_night n
WHERE held + blocked > capacity + allowance
   OR held <> (SELECT count(*) FROM hold_night hn WHERE hn.hotel_id = n.hotel_id AND hn.room_type_id = n.room_type_id AND hn.night = n.night)`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Fatalf("%d nights break the inventory invariants (%v)", bad, err)
	}
}

// held returns held of room type rt on day(0)..day(n-1).
func held(t *testing.T, s *Store, rt int64, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range n {
		if err := s.r.QueryRowContext(context.Background(), `SELECT held FROM inventory_night WHERE hotel_id = 1 AND room_type_id = ? AND night = ?`,
			rt, day(i).String()).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func wantNights(t *testing.T, err, sentinel error, want ...hotel.Date) {
	t.Helper()
	var ne *store.NightsError
	if !errors.As(err, &ne) || !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want *NightsError wrapping %v", err, sentinel)
	}
	if !slices.Equal(ne.Nights, want) {
		t.Fatalf("nights = %v, want %v", ne.Nights, want)
	}
}

func nightDates(h hotel.Hold) []hotel.Date {
	var out []hotel.Date
	for _, n := range h.Nights {
		out = append(out, n.Date)
	}
	return out
}

func TestHoldLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 10, 2)
	req := hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(1), CheckOut: day(4)}
	h, created, err := s.CreateHold(ctx, req)
	if err != nil || !created {
		t.Fatalf("CreateHold = %v, %v", created, err)
	}
	if h.Status != hotel.HoldHeld || h.Currency != "EUR" || h.TotalPrice != 10100+10200+10300 ||
		!slices.Equal(nightDates(h), []hotel.Date{day(1), day(2), day(3)}) || h.CreatedAt.IsZero() {
		t.Fatalf("hold = %+v", h)
	}
	if got, _ := s.GetHold(ctx, bid(1)); !holdsEqual(got, h) {
		t.Fatalf("GetHold = %+v, want %+v", got, h)
	}
	// The same request again changes nothing; another request with the id is a conflict.
	if again, created, err := s.CreateHold(ctx, req); err != nil || created || !holdsEqual(again, h) {
		t.Fatalf("repeat CreateHold = %+v, %v, %v", again, created, err)
	}
	other := req
	other.CheckOut = day(5)
	if _, _, err := s.CreateHold(ctx, other); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("different request with the id = %v, want ErrConflict", err)
	}
	checkInvariants(t, s)

	// Kept nights keep the price they were held at; new nights take today's price.
	price := hotel.Cents(99900)
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day(0), EndDate: day(9), Price: &price}); err != nil {
		t.Fatal(err)
	}
	m, err := s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: 10, CheckIn: day(2), CheckOut: day(5)})
	if err != nil {
		t.Fatal(err)
	}
	wantPrices := []hotel.NightPrice{{Date: day(2), Price: 10200}, {Date: day(3), Price: 10300}, {Date: day(4), Price: 99900}}
	if !slices.Equal(m.Nights, wantPrices) || m.TotalPrice != 10200+10300+99900 || m.CheckIn != day(2) || m.CheckOut != day(5) {
		t.Fatalf("moved hold = %+v", m)
	}
	if got := held(t, s, 10, 6); !slices.Equal(got, []int{0, 0, 1, 1, 1, 0}) {
		t.Fatalf("held after move = %v", got)
	}
	// Moving to where it is changes nothing, not even updated_at.
	if same, err := s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: 10, CheckIn: day(2), CheckOut: day(5)}); err != nil || !holdsEqual(same, m) {
		t.Fatalf("move in place = %+v, %v", same, err)
	}
	// Another room type: every night is re-taken there.
	m, err = s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: 11, CheckIn: day(2), CheckOut: day(5)})
	if err != nil || m.RoomTypeID != 11 || m.TotalPrice != 15200+15300+15400 {
		t.Fatalf("move to room type 11 = %+v, %v", m, err)
	}
	if got := held(t, s, 10, 6); !slices.Equal(got, []int{0, 0, 0, 0, 0, 0}) {
		t.Fatalf("room type 10 held after move away = %v", got)
	}
	checkInvariants(t, s)

	// Early departure from day(4): one night back, check-out moves.
	r, err := s.ReleaseHold(ctx, bid(1), hotel.HoldRelease{From: day(4)})
	if err != nil || r.Status != hotel.HoldHeld || r.CheckOut != day(4) || len(r.Nights) != 2 {
		t.Fatalf("early departure = %+v, %v", r, err)
	}
	if again, err := s.ReleaseHold(ctx, bid(1), hotel.HoldRelease{From: day(4)}); err != nil || !holdsEqual(again, r) {
		t.Fatalf("repeat early departure = %+v, %v", again, err)
	}
	// A From after check-out releases nothing.
	if again, err := s.ReleaseHold(ctx, bid(1), hotel.HoldRelease{From: day(8)}); err != nil || !holdsEqual(again, r) {
		t.Fatalf("release after check-out = %+v, %v", again, err)
	}
	full, err := s.ReleaseHold(ctx, bid(1), hotel.HoldRelease{})
	if err != nil || full.Status != hotel.HoldReleased || len(full.Nights) != 0 || full.TotalPrice != 0 || full.CheckOut != day(4) {
		t.Fatalf("full release = %+v, %v", full, err)
	}
	if again, err := s.ReleaseHold(ctx, bid(1), hotel.HoldRelease{}); err != nil || !holdsEqual(again, full) {
		t.Fatalf("repeat release = %+v, %v", again, err)
	}
	if _, err := s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: 10, CheckIn: day(1), CheckOut: day(2)}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("move of a released hold = %v, want ErrConflict", err)
	}
	// The original request replayed after all that returns the released hold.
	if again, created, err := s.CreateHold(ctx, req); err != nil || created || !holdsEqual(again, full) {
		t.Fatalf("replayed create = %+v, %v, %v", again, created, err)
	}
	checkInvariants(t, s)

	// Release from before check-in releases all and check-out becomes check-in.
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(2), HotelID: 1, RoomTypeID: 10, CheckIn: day(5), CheckOut: day(7)}); err != nil {
		t.Fatal(err)
	}
	r, err = s.ReleaseHold(ctx, bid(2), hotel.HoldRelease{From: day(3)})
	if err != nil || r.Status != hotel.HoldReleased || r.CheckOut != day(5) || len(r.Nights) != 0 {
		t.Fatalf("release from before check-in = %+v, %v", r, err)
	}
	for _, id := range []string{bid(99), "not-a-uuid"} {
		if _, err := s.GetHold(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetHold(%s) = %v", id, err)
		}
		if _, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReleaseHold(%s) = %v", id, err)
		}
		if _, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 10, CheckIn: day(1), CheckOut: day(2)}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MoveHold(%s) = %v", id, err)
		}
	}
	checkInvariants(t, s)
}

// holdsEqual compares holds field by field (times with Equal).
func holdsEqual(a, b hotel.Hold) bool {
	return a.BookingID == b.BookingID && a.HotelID == b.HotelID && a.RoomTypeID == b.RoomTypeID &&
		a.CheckIn == b.CheckIn && a.CheckOut == b.CheckOut && a.Status == b.Status &&
		slices.Equal(a.Nights, b.Nights) && a.TotalPrice == b.TotalPrice && a.Currency == b.Currency &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func TestHoldShortages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 5, 1)
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(2), CheckOut: day(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Adjust(ctx, &hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day(0), EndDate: day(0), NumRooms: 1, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	// Sold out on day 2, blocked on day 0, no inventory on days 5 and 6.
	_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(2), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(7)})
	wantNights(t, err, store.ErrConflict, day(0), day(2), day(5), day(6))
	if _, err := s.GetHold(ctx, bid(2)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("failed create left a hold: %v", err)
	}
	// Unknown room type: every night is without inventory.
	_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(3), HotelID: 1, RoomTypeID: 77, CheckIn: day(0), CheckOut: day(2)})
	wantNights(t, err, store.ErrConflict, day(0), day(1))
	if got := held(t, s, 10, 5); !slices.Equal(got, []int{0, 0, 1, 0, 0}) {
		t.Fatalf("held after refused creates = %v", got)
	}

	// A refused move leaves the hold exactly as it was.
	h, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(4), HotelID: 1, RoomTypeID: 10, CheckIn: day(3), CheckOut: day(5)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.MoveHold(ctx, bid(4), hotel.HoldMove{RoomTypeID: 10, CheckIn: day(1), CheckOut: day(4)})
	wantNights(t, err, store.ErrConflict, day(2))
	_, err = s.MoveHold(ctx, bid(4), hotel.HoldMove{RoomTypeID: 11, CheckIn: day(3), CheckOut: day(6)})
	wantNights(t, err, store.ErrConflict, day(5))
	if got, err := s.GetHold(ctx, bid(4)); err != nil || !holdsEqual(got, h) {
		t.Fatalf("hold after refused moves = %+v, %v; want %+v", got, err, h)
	}
	if got := held(t, s, 10, 5); !slices.Equal(got, []int{0, 0, 1, 1, 1}) {
		t.Fatalf("held after refused moves = %v", got)
	}
	// Overlapping nights are kept, not re-taken, even with no room left.
	m, err := s.MoveHold(ctx, bid(4), hotel.HoldMove{RoomTypeID: 10, CheckIn: day(4), CheckOut: day(5)})
	if err != nil || !slices.Equal(nightDates(m), []hotel.Date{day(4)}) {
		t.Fatalf("shrinking move = %+v, %v", m, err)
	}
	checkInvariants(t, s)
}

func TestConcurrentHoldsNeverOversell(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 3, 7)
	var wg sync.WaitGroup
	results := make([]error, 200)
	for i := range results {
		wg.Go(func() {
			_, _, results[i] = s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(i), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(3)})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		var ne *store.NightsError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ne) && errors.Is(err, store.ErrConflict):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 7 {
		t.Fatalf("%d holds succeeded, want 7", ok)
	}
	if got := held(t, s, 10, 3); !slices.Equal(got, []int{7, 7, 7}) {
		t.Fatalf("held = %v", got)
	}
	checkInvariants(t, s)
}

// TestRandomConcurrentOperations runs random creates, moves, releases and
// adjustments from many goroutines (including duplicates of the same
// booking id) and checks the invariants hold at the end.
func TestRandomConcurrentOperations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const days = 14
	s := newInventoryStore(t, days, 5)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			stay := func() (int64, hotel.Date, hotel.Date) {
				in := rng.IntN(days)
				return 10 + rng.Int64N(2), day(in), day(min(days+1, in+1+rng.IntN(5)))
			}
			for range 60 {
				id := bid(rng.IntN(40))
				rt, in, out := stay()
				var err error
				switch rng.IntN(5) {
				case 0, 1:
					_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 1, RoomTypeID: rt, CheckIn: in, CheckOut: out})
				case 2:
					_, err = s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: rt, CheckIn: in, CheckOut: out})
				case 3:
					var from hotel.Date
					if rng.IntN(2) == 0 {
						from = in
					}
					_, err = s.ReleaseHold(ctx, id, hotel.HoldRelease{From: from})
				case 4:
					n := rng.IntN(5) - 2
					if n == 0 {
						n = 1
					}
					_, err = s.Adjust(ctx, &hotel.Adjustment{HotelID: 1, RoomTypeID: rt, StartDate: in, EndDate: out.AddDays(-1), NumRooms: n, Actor: "test"})
				}
				if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkInvariants(t, s)
	// Every held hold holds exactly the nights of its stay; released ones none.
	var bad int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM hold h WHERE
  (SELECT count(*) FROM hold_night hn WHERE hn.booking_id = h.booking_id) <>
  CASE h.status WHEN 'held' THEN julianday(h.check_out) - julianday(h.check_in) ELSE 0 END
  OR EXISTS (SELECT 1 FROM hold_night hn WHERE hn.booking_id = h.booking_id
             AND (hn.room_type_id <> h.room_type_id OR hn.night < h.check_in OR hn.night >= h.check_out))`).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d holds do not hold their stay (%v)", bad, err)
	}
}

func TestSearchOneQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 5, 2)
	q := hotel.SearchQuery{Location: "LISBON", CheckIn: day(1), CheckOut: day(4), Adults: 2, Limit: 10}
	offers, err := s.Search(ctx, q)
	if err != nil || len(offers) != 2 {
		t.Fatalf("Search = %+v, %v", offers, err)
	}
	want := hotel.Offer{HotelID: 1, HotelName: "Hotel Lisboa", Location: "Lisbon", TimeZone: "Europe/Lisbon", RoomTypeID: 10, RoomType: "Double",
		MaxOccupancy: 2, CheckIn: day(1), CheckOut: day(4), AvailableRooms: 2, TotalPrice: 10100 + 10200 + 10300, Currency: "EUR",
		NightlyPrices: []hotel.NightPrice{{Date: day(1), Price: 10100}, {Date: day(2), Price: 10200}, {Date: day(3), Price: 10300}}}
	if !reflect.DeepEqual(offers[0], want) || offers[1].RoomTypeID != 11 {
		t.Fatalf("offers = %+v\nwant first %+v", offers, want)
	}
	// Keyset continuation, max price, party size, room type name, sold-out and missing nights.
	after := &hotel.SearchCursor{Total: offers[0].TotalPrice, HotelID: 1, RoomTypeID: 10}
	for _, tc := range []struct {
		name string
		mod  func(*hotel.SearchQuery)
		want []int64
	}{
		{"after first", func(q *hotel.SearchQuery) { q.After = after }, []int64{11}},
		{"max price", func(q *hotel.SearchQuery) { q.MaxPrice = 10300 }, []int64{10}},
		{"max price below one night", func(q *hotel.SearchQuery) { q.MaxPrice = 10299 }, nil},
		{"party of 3", func(q *hotel.SearchQuery) { q.Children = 1 }, []int64{11}},
		{"room type", func(q *hotel.SearchQuery) { q.Location, q.HotelID, q.RoomType = "", 1, "family" }, []int64{11}},
		{"nights missing", func(q *hotel.SearchQuery) { q.CheckOut = day(7) }, nil},
		{"limit", func(q *hotel.SearchQuery) { q.Limit = 1 }, []int64{10}},
		{"other city", func(q *hotel.SearchQuery) { q.Location = "Porto" }, nil},
	} {
		q := q
		tc.mod(&q)
		got, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []int64
		for _, o := range got {
			ids = append(ids, o.RoomTypeID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: room types %v, want %v", tc.name, ids, tc.want)
		}
	}
	// One night sold out removes the room type; AvailableRooms is the minimum.
	for i := range 2 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(i), HotelID: 1, RoomTypeID: 10, CheckIn: day(2), CheckOut: day(3)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(9), HotelID: 1, RoomTypeID: 11, CheckIn: day(3), CheckOut: day(4)}); err != nil {
		t.Fatal(err)
	}
	offers, err = s.Search(ctx, q)
	if err != nil || len(offers) != 1 || offers[0].RoomTypeID != 11 || offers[0].AvailableRooms != 1 {
		t.Fatalf("after holds: %+v, %v", offers, err)
	}
	// The query finds the city's hotels by the lower(location) index and their
	// nights by index, never scanning a table.
	query, args := searchSQL(q)
	plan := queryPlan(t, s, query, args...)
	byLocation := slices.ContainsFunc(plan, func(d string) bool {
		return strings.HasPrefix(d, "SEARCH h USING") && strings.Contains(d, "hotel_location_idx")
	})
	scans := slices.ContainsFunc(plan, func(d string) bool { return strings.HasPrefix(d, "SCAN") })
	if !byLocation || scans {
		t.Errorf("search plan = %q", plan)
	}
}

// queryPlan returns the details of EXPLAIN QUERY PLAN for query.
func queryPlan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestAdjustAndCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 5, 3)
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(1), CheckOut: day(2)}); err != nil {
		t.Fatal(err)
	}
	a := hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day(0), EndDate: day(2), NumRooms: 2, Reason: "paint", Actor: "admin", IdempotencyKey: "k1"}
	first := a
	if replayed, err := s.Adjust(ctx, &first); err != nil || replayed || first.ID == 0 || first.RoomType != "Double" || first.CreatedAt.IsZero() {
		t.Fatalf("Adjust = %+v, %v, %v", first, replayed, err)
	}
	again := a
	if replayed, err := s.Adjust(ctx, &again); err != nil || !replayed || again != first {
		t.Fatalf("replay = %+v, %v, %v; want %+v", again, replayed, err, first)
	}
	changed := a
	changed.NumRooms = 1
	if _, err := s.Adjust(ctx, &changed); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Fatalf("changed request with the key = %v", err)
	}
	// Day 1 has 1 held + 2 blocked of 3: nothing more to block there.
	more := hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day(0), EndDate: day(3), NumRooms: 1, Actor: "admin"}
	_, err := s.Adjust(ctx, &more)
	wantNights(t, err, store.ErrConflict, day(1))
	unblock := hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day(2), EndDate: day(3), NumRooms: -1, Actor: "admin"}
	_, err = s.Adjust(ctx, &unblock)
	wantNights(t, err, store.ErrConflict, day(3))
	missing := hotel.Adjustment{HotelID: 1, RoomTypeID: 10, StartDate: day(3), EndDate: day(6), NumRooms: 1, Actor: "admin"}
	_, err = s.Adjust(ctx, &missing)
	wantNights(t, err, store.ErrNotFound, day(5), day(6))
	list, err := s.ListAdjustments(ctx, 1, math.MaxInt64, 10)
	if err != nil || len(list) != 1 || list[0] != first {
		t.Fatalf("ListAdjustments = %+v, %v", list, err)
	}

	// Calendar: capacity 2 is below held + blocked (3) on day 1 only.
	two, three, price := 2, 3, hotel.Cents(12345)
	_, err = s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day(0), EndDate: day(4), Capacity: &two})
	wantNights(t, err, store.ErrConflict, day(1))
	_, err = s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day(3), EndDate: day(6), Price: &price})
	wantNights(t, err, store.ErrNotFound, day(5), day(6))
	high := hotel.DemandHigh
	res, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day(3), EndDate: day(6), Capacity: &three, Price: &price, DemandLevel: &high})
	if err != nil || res != (hotel.CalendarResult{Updated: 2, Created: 2}) {
		t.Fatalf("SetCalendar = %+v, %v", res, err)
	}
	items, err := s.ListInventory(ctx, hotel.InventoryFilter{HotelID: 1, RoomType: "Double", StartDate: day(0), EndDate: day(6), Limit: 10})
	if err != nil || len(items) != 7 {
		t.Fatalf("ListInventory = %d, %v", len(items), err)
	}
	for i, it := range items {
		wantPrice, wantLevel := hotel.Cents(10000+100*i), hotel.DemandMedium
		if i >= 3 {
			wantPrice, wantLevel = price, high
		}
		if it.RoomPrice != wantPrice || it.DemandLevel != wantLevel || it.TotalRooms != 3 {
			t.Errorf("night %d = %+v", i, it)
		}
	}
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 77, StartDate: day(0), EndDate: day(0), Capacity: &two, Price: &price}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("calendar of unknown room type = %v", err)
	}
	checkInvariants(t, s)
}

func TestOverbookingAllowance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 3, 1)
	rt, err := s.GetRoomType(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	rt.OverbookingAllowance = 2
	if err := s.UpdateRoomType(ctx, rt); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(i), HotelID: 1, RoomTypeID: 10, CheckIn: day(1), CheckOut: day(2)}); err != nil {
			t.Fatalf("hold %d within allowance: %v", i, err)
		}
	}
	_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(3), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(2)})
	wantNights(t, err, store.ErrConflict, day(1))
	rt.OverbookingAllowance = 1
	rt.Name = "Renamed"
	err = s.UpdateRoomType(ctx, rt)
	wantNights(t, err, store.ErrConflict, day(1))
	if got, _ := s.GetRoomType(ctx, 1, 10); got.OverbookingAllowance != 2 || got.Name != "Double" {
		t.Fatalf("refused update changed the room type: %+v", got)
	}
	// New nights take the room type's allowance.
	one, price := 1, hotel.Cents(100)
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 1, RoomTypeID: 10, StartDate: day(3), EndDate: day(3), Capacity: &one, Price: &price}); err != nil {
		t.Fatal(err)
	}
	var allowance int
	if err := s.r.QueryRowContext(ctx, `SELECT allowance FROM inventory_night WHERE hotel_id = 1 AND room_type_id = 10 AND night = ?`, day(3).String()).Scan(&allowance); err != nil || allowance != 2 {
		t.Fatalf("created night allowance = %d, %v", allowance, err)
	}
	rt.Name = "double" // another room type's name in another case
	rt.ID = 11
	if err := s.UpdateRoomType(ctx, rt); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("rename onto a taken name = %v", err)
	}
	rt.ID = 99
	if err := s.UpdateRoomType(ctx, rt); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of unknown room type = %v", err)
	}
	checkInvariants(t, s)
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 1, 1)
	h := hotel.Hotel{Name: "Casa Porto", Location: "Porto", TimeZone: "Europe/Lisbon", Currency: "EUR"}
	if err := s.CreateHotel(ctx, &h); err != nil || h.ID != 2 {
		t.Fatalf("CreateHotel = %d, %v", h.ID, err)
	}
	dup := h
	if err := s.CreateHotel(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate hotel = %v", err)
	}
	h.Location = "Oporto"
	if err := s.UpdateHotel(ctx, h); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetHotel(ctx, 2); got != h {
		t.Fatalf("updated hotel = %+v", got)
	}
	if err := s.UpdateHotel(ctx, hotel.Hotel{ID: 99, Name: "x", Location: "x", TimeZone: "UTC", Currency: "EUR"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update unknown hotel = %v", err)
	}
	h.ID, h.Name = 1, "Casa Porto"
	if err := s.UpdateHotel(ctx, h); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("rename onto a taken name = %v", err)
	}
	list, err := s.ListHotels(ctx, hotel.HotelFilter{Location: "OPORTO", Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != 2 {
		t.Fatalf("ListHotels by location = %+v, %v", list, err)
	}
	if list, err := s.ListHotels(ctx, hotel.HotelFilter{AfterID: 1, Limit: 10}); err != nil || len(list) != 1 || list[0].ID != 2 {
		t.Fatalf("ListHotels after 1 = %+v, %v", list, err)
	}
	rt := hotel.RoomType{HotelID: 2, Name: "Suite", MaxOccupancy: 3, OverbookingAllowance: 1}
	if err := s.CreateRoomType(ctx, &rt); err != nil || rt.ID == 0 {
		t.Fatalf("CreateRoomType = %+v, %v", rt, err)
	}
	if got, err := s.GetRoomType(ctx, 2, rt.ID); err != nil || got != rt {
		t.Fatalf("GetRoomType = %+v, %v", got, err)
	}
	if _, err := s.GetRoomType(ctx, 1, rt.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("room type through another hotel = %v", err)
	}
	dupRT := hotel.RoomType{HotelID: 2, Name: "SUITE", MaxOccupancy: 2}
	if err := s.CreateRoomType(ctx, &dupRT); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate room type name = %v", err)
	}
	orphan := hotel.RoomType{HotelID: 99, Name: "Suite", MaxOccupancy: 2}
	if err := s.CreateRoomType(ctx, &orphan); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("room type of unknown hotel = %v", err)
	}
	// A hold cannot move to a room type of another hotel: it has no inventory there.
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(1)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: rt.ID, CheckIn: day(0), CheckOut: day(1)})
	wantNights(t, err, store.ErrConflict, day(0))
	checkInvariants(t, s)
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	s := newInventoryStore(t, 3, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(2)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateHold with a cancelled context = %v", err)
	}
	if _, err := s.Search(ctx, hotel.SearchQuery{HotelID: 1, CheckIn: day(0), CheckOut: day(1), Adults: 1, Limit: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Search with a cancelled context = %v", err)
	}
	if got := held(t, s, 10, 3); !slices.Equal(got, []int{0, 0, 0}) {
		t.Fatalf("held = %v", got)
	}
}

// TestTwoHandlesOneFile races holds through two stores opened on the same
// file, as separate processes in split mode do: SQLite's lock (not the
// single writer connection) serialises them, and no "database is locked"
// reaches the caller.
func TestTwoHandlesOneFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newInventoryStore(t, 3, 7)
	b, err := Open(ctx, a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	results := make([]error, 100)
	for i := range results {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			_, _, results[i] = s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(i), HotelID: 1, RoomTypeID: 10, CheckIn: day(i % 2), CheckOut: day(3)})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		var ne *store.NightsError
		switch {
		case err == nil:
			ok++
		case !errors.As(err, &ne):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 7 {
		t.Fatalf("%d holds succeeded, want 7", ok)
	}
	checkInvariants(t, a)
}
