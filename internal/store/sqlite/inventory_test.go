package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Driver-specific tests of the inventory part: the search plan, two handles
// on one file, and how a room type the hotel lacks is refused. The contract
// is storetest's.

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

func TestSearchPlan(t *testing.T) {
	t.Parallel()
	s := newInventoryStore(t, 5, 2)
	// LoadARI finds the city's hotels by the lower(location) index, never
	// scanning a table.
	query, args := roomTypesSQL(hotel.SearchQuery{Location: "LISBON", CheckIn: day(1), CheckOut: day(4), Adults: 2, Limit: 10}.ARIQuery())
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

// TestUnknownRoomType: without foreign keys on the nights, a hold on, or a
// move to, a room type the hotel does not have finds no inventory on any
// night (storetest allows ErrNotFound too, as PostgreSQL gives).
func TestUnknownRoomType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newInventoryStore(t, 3, 2)
	_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(3), HotelID: 1, RoomTypeID: 77, CheckIn: day(0), CheckOut: day(2)})
	wantNights(t, err, store.ErrConflict, day(0), day(1))
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bid(1), HotelID: 1, RoomTypeID: 10, CheckIn: day(0), CheckOut: day(1)}); err != nil {
		t.Fatal(err)
	}
	_, err = s.MoveHold(ctx, bid(1), hotel.HoldMove{RoomTypeID: 77, CheckIn: day(0), CheckOut: day(1)})
	wantNights(t, err, store.ErrConflict, day(0))
	checkInvariants(t, s)
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
