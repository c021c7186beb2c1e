// Package storetest is the conformance suite of the store contract: every
// driver runs it against a real database, so both behave the same.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Harness gives the suite fresh databases of one driver.
type Harness struct {
	// New returns a store on a fresh, empty, unmigrated database, closed at cleanup.
	New func(t *testing.T) store.Store
	// Exec runs raw SQL on s, for the few checks the contract cannot express
	// (constraints, foreign schema versions). Use driver placeholders.
	Exec func(t *testing.T, s store.Store, sql string) error
	// Int64s runs a raw query on s and returns its first column, integers,
	// for checks against the tables themselves (the ARI feed's touches).
	Int64s func(t *testing.T, s store.Store, sql string) ([]int64, error)
}

// Run runs the whole suite.
func Run(t *testing.T, h Harness) {
	t.Run("Migrations", func(t *testing.T) { t.Parallel(); testMigrations(t, h) })
	t.Run("SchemaAhead", func(t *testing.T) { t.Parallel(); testSchemaAhead(t, h) })
	t.Run("LoadIfEmpty", func(t *testing.T) { t.Parallel(); testLoadIfEmpty(t, h) })
	t.Run("LoadConcurrentSeeders", func(t *testing.T) { t.Parallel(); testLoadConcurrent(t, h) })
	t.Run("LoadIsAtomic", func(t *testing.T) { t.Parallel(); testLoadAtomic(t, h) })
	t.Run("LoadRatePlans", func(t *testing.T) { t.Parallel(); testLoadRatePlans(t, h) })
	t.Run("GetHotel", func(t *testing.T) { t.Parallel(); testGetHotel(t, h) })
	t.Run("ListInventoryFilters", func(t *testing.T) { t.Parallel(); testListFilters(t, h) })
	t.Run("ListInventoryPagination", func(t *testing.T) { t.Parallel(); testListPagination(t, h) })
	t.Run("NoOverbookingConstraint", func(t *testing.T) { t.Parallel(); testOverbookingConstraint(t, h) })
	t.Run("APIKeys", func(t *testing.T) { t.Parallel(); testAPIKeys(t, h) })
	t.Run("Users", func(t *testing.T) { t.Parallel(); testUsers(t, h) })
	t.Run("ConcurrentReadsDuringWrite", func(t *testing.T) { t.Parallel(); testConcurrentReads(t, h) })
	t.Run("Hotels", func(t *testing.T) { t.Parallel(); testHotels(t, h) })
	t.Run("RoomTypes", func(t *testing.T) { t.Parallel(); testRoomTypes(t, h) })
	t.Run("RoomTypeAllowance", func(t *testing.T) { t.Parallel(); testRoomTypeAllowance(t, h) })
	t.Run("DefaultRatePlans", func(t *testing.T) { t.Parallel(); testDefaultRatePlans(t, h) })
	t.Run("RatePlanWrites", func(t *testing.T) { t.Parallel(); testRatePlanWrites(t, h) })
	t.Run("ApplyARI", func(t *testing.T) { t.Parallel(); testApplyARI(t, h) })
	t.Run("ApplyARIIdempotent", func(t *testing.T) { t.Parallel(); testApplyARIIdempotent(t, h) })
	t.Run("ApplyARIRace", func(t *testing.T) { t.Parallel(); testApplyARIRace(t, h) })
	t.Run("LoadARI", func(t *testing.T) { t.Parallel(); testLoadARI(t, h) })
	t.Run("SearchOffers", func(t *testing.T) { t.Parallel(); testSearchOffers(t, h) })
	t.Run("SearchOrderAndPages", func(t *testing.T) { t.Parallel(); testSearchOrderAndPages(t, h) })
	t.Run("HoldCreate", func(t *testing.T) { t.Parallel(); testHoldCreate(t, h) })
	t.Run("UnitOfWork", func(t *testing.T) { t.Parallel(); testUnitOfWork(t, h) })
	t.Run("HoldConfirmation", func(t *testing.T) { t.Parallel(); testHoldConfirmation(t, h) })
	t.Run("SyncMark", func(t *testing.T) { t.Parallel(); testSyncMark(t, h) })
	t.Run("HoldSoldOut", func(t *testing.T) { t.Parallel(); testHoldSoldOut(t, h) })
	t.Run("HoldMove", func(t *testing.T) { t.Parallel(); testHoldMove(t, h) })
	t.Run("HoldKeepsPrices", func(t *testing.T) { t.Parallel(); testHoldKeepsPrices(t, h) })
	t.Run("HoldRelease", func(t *testing.T) { t.Parallel(); testHoldRelease(t, h) })
	t.Run("HoldRaceLastRooms", func(t *testing.T) { t.Parallel(); testHoldRaceLastRooms(t, h) })
	t.Run("HoldRaceOverlapping", func(t *testing.T) { t.Parallel(); testHoldRaceOverlapping(t, h) })
	t.Run("HoldConcurrentDuplicates", func(t *testing.T) { t.Parallel(); testHoldConcurrentDuplicates(t, h) })
	t.Run("HoldConcurrentMixed", func(t *testing.T) { t.Parallel(); testHoldConcurrentMixed(t, h) })
	t.Run("HoldGroupAllOrNone", func(t *testing.T) { t.Parallel(); testHoldGroupAllOrNone(t, h) })
	t.Run("HoldGroupRetry", func(t *testing.T) { t.Parallel(); testHoldGroupRetry(t, h) })
	t.Run("HoldGroupPrice", func(t *testing.T) { t.Parallel(); testHoldGroupPrice(t, h) })
	t.Run("HoldGroupRush", func(t *testing.T) { t.Parallel(); testHoldGroupRush(t, h) })
	t.Run("CancelledContext", func(t *testing.T) { t.Parallel(); testCancelledContext(t, h) })
	t.Run("Adjust", func(t *testing.T) { t.Parallel(); testAdjust(t, h) })
	t.Run("AdjustIdempotency", func(t *testing.T) { t.Parallel(); testAdjustIdempotency(t, h) })
	t.Run("SetCalendar", func(t *testing.T) { t.Parallel(); testSetCalendar(t, h) })
	t.Run("CalendarAllowance", func(t *testing.T) { t.Parallel(); testCalendarAllowance(t, h) })
	t.Run("HoldProperty", func(t *testing.T) { t.Parallel(); testHoldProperty(t, h) })
	t.Run("Bookings", func(t *testing.T) { t.Parallel(); testBookings(t, h) })
	t.Run("Jobs", func(t *testing.T) { t.Parallel(); testJobs(t, h) })
	t.Run("Events", func(t *testing.T) { t.Parallel(); testEvents(t, h) })
	t.Run("Webhooks", func(t *testing.T) { t.Parallel(); testWebhooks(t, h) })
	t.Run("EventsARIGaps", func(t *testing.T) { t.Parallel(); testEventsARIGaps(t, h) })
	t.Run("ARITouchKinds", func(t *testing.T) { t.Parallel(); testARITouchKinds(t, h) })
	t.Run("ARITouchesOpenTransaction", func(t *testing.T) { t.Parallel(); testARITouchesOpenTransaction(t, h) })
	t.Run("ARITouchesConcurrent", func(t *testing.T) { t.Parallel(); testARITouchesConcurrent(t, h) })
	t.Run("LoadARIRanges", func(t *testing.T) { t.Parallel(); testLoadARIRanges(t, h) })
	t.Run("PruneARITouches", func(t *testing.T) { t.Parallel(); testPruneARITouches(t, h) })
}

func migrated(t *testing.T, h Harness) store.Store {
	t.Helper()
	s := h.New(t)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

// Fixture is a small known data set: two hotels in different zones.
type Fixture struct {
	Hotels    []hotel.Hotel
	RoomTypes []hotel.RoomType
	Nights    []hotel.Night
}

// Start is the first night of the fixture.
var Start = hotel.NewDate(2030, 1, 1)

// NewFixture returns hotels firstID and firstID+1 with two room types each and
// days nights from Start. Hotel firstID is in "London" (Europe/London, GBP);
// the other in "Auckland" (Pacific/Auckland, NZD).
func NewFixture(firstID int64, days int) Fixture {
	var f Fixture
	f.Hotels = []hotel.Hotel{
		{ID: firstID, Name: fmt.Sprintf("Test Hotel %d", firstID), Location: "London", TimeZone: "Europe/London", Currency: "GBP"},
		{ID: firstID + 1, Name: fmt.Sprintf("Test Hotel %d", firstID+1), Location: "Auckland", TimeZone: "Pacific/Auckland", Currency: "NZD",
			Taxes: []hotel.Tax{{Code: "GST", Name: "GST", PercentBP: 1500, Inclusive: true}}},
	}
	rtID := firstID * 10
	for _, h := range f.Hotels {
		for i, name := range []string{"Standard Rooms", "Deluxe Rooms"} {
			rt := hotel.RoomType{ID: rtID, HotelID: h.ID, Name: name, MaxOccupancy: 2 + i}
			rtID++
			f.RoomTypes = append(f.RoomTypes, rt)
			for d := range days {
				f.Nights = append(f.Nights, hotel.Night{
					HotelID: h.ID, RoomTypeID: rt.ID, Date: Start.AddDays(d),
					Capacity: 10 + i, Held: i, Price: hotel.Cents(30400 + 6080*int64(i)), DemandLevel: hotel.DemandMedium,
				})
			}
		}
	}
	return f
}

// Dataset returns the fixture as a store.Dataset.
func (f Fixture) Dataset() store.Dataset {
	return store.Dataset{Hotels: slices.Values(f.Hotels), RoomTypes: slices.Values(f.RoomTypes), Nights: slices.Values(f.Nights)}
}

func load(t *testing.T, s store.Store, f Fixture) {
	t.Helper()
	ok, err := s.Load(context.Background(), f.Dataset(), false)
	if err != nil || !ok {
		t.Fatalf("Load = %v, %v; want true, nil", ok, err)
	}
}

func testMigrations(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.New(t)
	if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
		t.Fatalf("CheckSchema on empty database = %v, want ErrSchemaBehind", err)
	}
	n, err := s.Migrate(ctx)
	if err != nil || n < 1 {
		t.Fatalf("first Migrate = %d, %v; want ≥1 applied", n, err)
	}
	if n2, err := s.Migrate(ctx); err != nil || n2 != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n2, err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema after migrate: %v", err)
	}
	states, err := s.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != n {
		t.Fatalf("Migrations lists %d, want %d", len(states), n)
	}
	for i, st := range states {
		if st.Version != i+1 || !st.Applied || !st.Known || st.Name == "" || st.AppliedAt.IsZero() {
			t.Errorf("migration state %d = %+v", i, st)
		}
	}
	// Concurrent migrators on a fresh database: all succeed, each migration once.
	s2 := h.New(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			k, err := s2.Migrate(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("concurrent Migrate: %v", err)
			}
			total += k
		})
	}
	wg.Wait()
	if total != n {
		t.Errorf("concurrent migrators applied %d migrations in all, want %d", total, n)
	}
	// Each database draws its own identity, once.
	id, err := s.DatabaseID(ctx)
	if err != nil || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("DatabaseID = %q, %v; want 32 hex digits", id, err)
	}
	if again, err := s.DatabaseID(ctx); err != nil || again != id {
		t.Errorf("DatabaseID again = %q, %v; want %q", again, err, id)
	}
	if id2, err := s2.DatabaseID(ctx); err != nil || id2 == id {
		t.Errorf("DatabaseID of another database = %q, %v; want another id than %q", id2, err, id)
	}
	if _, err := h.New(t).DatabaseID(ctx); err == nil {
		t.Error("DatabaseID of a database without the schema succeeded")
	}
}

func testSchemaAhead(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	if err := h.Exec(t, s, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', '2030-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaAhead) {
		t.Fatalf("CheckSchema = %v, want ErrSchemaAhead", err)
	}
	states, err := s.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := states[len(states)-1]
	if last.Version != 9999 || last.Known || !last.Applied {
		t.Fatalf("unknown migration reported as %+v", last)
	}
}

func testLoadIfEmpty(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	f := NewFixture(100, 3)
	ok, err := s.Load(ctx, f.Dataset(), true)
	if err != nil || !ok {
		t.Fatalf("Load on empty = %v, %v", ok, err)
	}
	ok, err = s.Load(ctx, NewFixture(200, 3).Dataset(), true)
	if err != nil || ok {
		t.Fatalf("Load ifEmpty on seeded = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.GetHotel(ctx, 200); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("hotel from skipped load exists: %v", err)
	}
	ids, err := s.MaxIDs(ctx)
	if err != nil || ids.Hotel != 101 || ids.RoomType != 1003 || ids.RatePlan < 4 {
		t.Fatalf("MaxIDs = %+v, %v; want hotel 101, room type 1003, rate plan ≥ 4 (the four default plans)", ids, err)
	}
	// Loading more without ifEmpty appends.
	load(t, s, NewFixture(300, 2))
	if after, _ := s.MaxIDs(ctx); after.Hotel != 301 || after.RatePlan < ids.RatePlan+4 {
		t.Fatalf("MaxIDs after append = %+v", after)
	}
}

func testLoadConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 4 {
		wg.Go(func() {
			ok, err := s.Load(ctx, NewFixture(100+int64(i)*10, 2).Dataset(), true)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("concurrent Load: %v", err)
			}
			if ok {
				wins++
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent seeders loaded, want exactly 1", wins)
	}
	items, err := s.ListInventory(ctx, hotel.InventoryFilter{Limit: 1000})
	if err != nil || len(items) != 2*2*2 {
		t.Fatalf("after concurrent seeding: %d rows, %v; want 8", len(items), err)
	}
}

func testLoadAtomic(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	f := NewFixture(100, 2)
	f.Hotels[1].Name = f.Hotels[0].Name // unique violation on the second hotel
	_, err := s.Load(ctx, f.Dataset(), false)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Load with duplicate name = %v, want ErrConflict", err)
	}
	if _, err := s.GetHotel(ctx, 100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("failed Load left hotel 100 behind: %v", err)
	}
	g := NewFixture(100, 2)
	g.Nights[3].Held = g.Nights[3].Capacity + 1 // breaks the no-overbooking CHECK
	if _, err := s.Load(ctx, g.Dataset(), false); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Load with overbooked night = %v, want ErrConflict", err)
	}
	if ids, _ := s.MaxIDs(ctx); ids != (store.IDs{}) {
		t.Fatalf("failed Load left rows behind (max ids %+v)", ids)
	}
}

func testGetHotel(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	f := NewFixture(100, 1)
	load(t, s, f)
	got, err := s.GetHotel(ctx, 101)
	if err != nil || !reflect.DeepEqual(got, f.Hotels[1]) {
		t.Fatalf("GetHotel = %+v, %v; want %+v", got, err, f.Hotels[1])
	}
	if _, err := s.GetHotel(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetHotel(unknown) = %v, want ErrNotFound", err)
	}
	rts, err := s.ListRoomTypes(ctx, 100)
	if err != nil || len(rts) != 2 || rts[0] != f.RoomTypes[0] || rts[1] != f.RoomTypes[1] {
		t.Fatalf("ListRoomTypes = %+v, %v", rts, err)
	}
}

func testListFilters(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	f := NewFixture(100, 10)
	load(t, s, f)
	tests := []struct {
		name   string
		filter hotel.InventoryFilter
		want   int
	}{
		{"all", hotel.InventoryFilter{}, 2 * 2 * 10},
		{"hotel", hotel.InventoryFilter{HotelID: 100}, 2 * 10},
		{"unknown hotel", hotel.InventoryFilter{HotelID: 5}, 0},
		{"location any case", hotel.InventoryFilter{Location: "aUcKlAnD"}, 2 * 10},
		{"room type any case", hotel.InventoryFilter{RoomType: "deluxe rooms"}, 2 * 10},
		{"inclusive range", hotel.InventoryFilter{HotelID: 100, StartDate: Start.AddDays(2), EndDate: Start.AddDays(4)}, 2 * 3},
		{"single day", hotel.InventoryFilter{StartDate: Start, EndDate: Start}, 4},
		{"open end", hotel.InventoryFilter{StartDate: Start.AddDays(8)}, 4 * 2},
		{"open start", hotel.InventoryFilter{EndDate: Start}, 4},
		{"outside", hotel.InventoryFilter{StartDate: Start.AddDays(100)}, 0},
		{"sql in strings", hotel.InventoryFilter{Location: "London' OR '1'='1", RoomType: "x\"; DROP TABLE hotel; --"}, 0},
	}
	for _, tc := range tests {
		tc.filter.Limit = 1000
		items, err := s.ListInventory(ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(items) != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.name, len(items), tc.want)
		}
	}
	items, err := s.ListInventory(ctx, hotel.InventoryFilter{HotelID: 100, RoomType: "Deluxe Rooms", StartDate: Start, EndDate: Start, Limit: 10})
	if err != nil || len(items) != 1 {
		t.Fatalf("one row: %v, %v", items, err)
	}
	want := hotel.InventoryItem{
		HotelID: 100, HotelName: "Test Hotel 100", Location: "London", RoomTypeID: 1001, RoomType: "Deluxe Rooms",
		Date: Start, AvailableRooms: 11 - 1, TotalRooms: 11, RoomPrice: 36480, Currency: "GBP", DemandLevel: "medium",
	}
	if items[0] != want {
		t.Fatalf("row = %+v\nwant  %+v", items[0], want)
	}
	if items[0].RoomPrice.String() != "364.80" {
		t.Fatalf("price = %s, want exact 364.80", items[0].RoomPrice)
	}
}

func testListPagination(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	f := NewFixture(100, 7)
	load(t, s, f)
	all, err := s.ListInventory(ctx, hotel.InventoryFilter{Limit: 1000})
	if err != nil || len(all) != 28 {
		t.Fatalf("all = %d, %v", len(all), err)
	}
	if !slices.IsSortedFunc(all, func(a, b hotel.InventoryItem) int {
		if a.HotelID != b.HotelID {
			return int(a.HotelID - b.HotelID)
		}
		if a.Date != b.Date {
			return a.Date.DaysUntil(b.Date) * -1
		}
		return int(a.RoomTypeID - b.RoomTypeID)
	}) {
		t.Fatalf("rows not in (hotel, date, room type) order")
	}
	var paged []hotel.InventoryItem
	var after *hotel.InventoryCursor
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not terminate")
		}
		page, err := s.ListInventory(ctx, hotel.InventoryFilter{Limit: 5, After: after})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page...)
		if len(page) < 5 {
			break
		}
		last := page[len(page)-1]
		after = &hotel.InventoryCursor{HotelID: last.HotelID, Date: last.Date, RoomTypeID: last.RoomTypeID}
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("pages joined (%d rows) differ from one listing (%d rows)", len(paged), len(all))
	}
}

func testOverbookingConstraint(t *testing.T, h Harness) {
	s := migrated(t, h)
	load(t, s, NewFixture(100, 1))
	if err := h.Exec(t, s, `UPDATE inventory_night SET held = capacity + 1 WHERE hotel_id = 100`); err == nil {
		t.Fatal("database accepted held > capacity: the no-overbooking CHECK is missing")
	}
	if err := h.Exec(t, s, `UPDATE inventory_night SET held = 5, blocked = 6 WHERE hotel_id = 100 AND capacity = 10`); err == nil {
		t.Fatal("database accepted held + blocked > capacity")
	}
	if err := h.Exec(t, s, `UPDATE inventory_night SET allowance = 1, held = 5, blocked = 6 WHERE hotel_id = 100 AND capacity = 10`); err != nil {
		t.Fatalf("overbooking allowance not honoured: %v", err)
	}
	if err := h.Exec(t, s, `UPDATE inventory_night SET held = -1 WHERE hotel_id = 100`); err == nil {
		t.Fatal("database accepted negative held")
	}
	if err := h.Exec(t, s, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length, check_out_date, adults, currency, status)
VALUES ('00000000-0000-0000-0000-000000000001', 'ABCDEF', 100, 1002, 'Test Guest', '2030-01-01', 2, '2030-01-03', 1, 'GBP', 'confirmed')`); err == nil {
		t.Fatal("booking accepted a room type of another hotel (composite foreign key missing)")
	}
	if err := h.Exec(t, s, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length, check_out_date, adults, currency, status)
VALUES ('00000000-0000-0000-0000-000000000001', 'ABCDEF', 100, 1000, 'Test Guest', '2030-01-01', 2, '2030-01-03', 1, 'GBP', 'bogus')`); err == nil {
		t.Fatal("booking accepted an unknown status")
	}
	if err := h.Exec(t, s, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length, check_out_date, adults, currency, status)
VALUES ('00000000-0000-0000-0000-000000000001', 'ABCDEF', 100, 1000, 'Test Guest', '2030-01-01', 2, '2030-01-04', 1, 'GBP', 'confirmed')`); err == nil {
		t.Fatal("booking accepted a check-out date that is not arrival + stay length")
	}
	if err := h.Exec(t, s, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length, check_out_date, adults, currency, status)
VALUES ('00000000-0000-0000-0000-000000000001', 'ABCDEF', 100, 1000, 'Test Guest', '2030-01-01', 2, '2030-01-03', 1, 'GBP', 'confirmed')`); err != nil {
		t.Fatalf("valid booking row refused: %v", err)
	}
}

func testConcurrentReads(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	load(t, s, NewFixture(100, 30))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				items, err := s.ListInventory(ctx, hotel.InventoryFilter{HotelID: 100, Limit: 100})
				if err != nil || len(items) != 60 {
					t.Errorf("read during writes: %d rows, %v", len(items), err)
					return
				}
			}
		})
	}
	for i := range 5 {
		load(t, s, NewFixture(int64(200+10*i), 30))
	}
	close(stop)
	wg.Wait()
}
