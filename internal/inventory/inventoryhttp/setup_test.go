package inventoryhttp_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/inventoryhttp"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
	"github.com/hotelplatform/hotel/internal/store/storetest"
	"github.com/hotelplatform/hotel/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// Fixture ids and size: hotel 100 is in London (GBP), 101 in Auckland (NZD),
// each with room types "Standard Rooms" (304.00) and "Deluxe Rooms" (364.80),
// one night per room type for fixtureDays days from storetest.Start. The
// range is longer than hotel.MaxRangeDays so range limits meet real rows.
const (
	london      = int64(100)
	auckland    = int64(101)
	fixtureDays = 400
)

// start is the first night of the fixture (2030-01-01).
var start = storetest.Start

// at returns a clock stopped at the RFC 3339 instant s.
func at(t *testing.T, s string) func() time.Time {
	t.Helper()
	now, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return func() time.Time { return now }
}

// driver opens a fresh, empty, unmigrated store, closed at cleanup.
type driver struct {
	name string
	open func(t *testing.T) store.Store
}

var drivers = []driver{
	{"sqlite", func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hotel.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.Options{ConnectTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
}

// seeded returns a migrated store of d holding the fixture.
func seeded(t *testing.T, d driver) store.Store {
	t.Helper()
	st := d.open(t)
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	ok, err := st.Load(ctx, storetest.NewFixture(london, fixtureDays).Dataset(), false)
	if err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	return st
}

// handler is the inventory server as cmd/hotel wires it: middleware around
// ProblemMux around the routes, without access control (the tests of
// access are the authorization matrix's) but with every request made by a
// staff key named actorName, as the writes always are, keeping
// Idempotency-Key records in st (nil: no request may send a key).
func handler(svc hotel.InventoryService, st idempotency.Store) http.Handler {
	mux := http.NewServeMux()
	for _, r := range inventoryhttp.Routes(svc, idempotency.New(st, time.Now, nil)) {
		mux.Handle(r.Pattern, r.Handler)
	}
	staff := hotel.Principal{Kind: hotel.StaffKey, Name: actorName, Scopes: []string{hotel.ScopeAdmin}}
	routes := web.ProblemMux(mux)
	return web.Middleware(slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		routes.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), staff)))
	}))
}

// serve starts svc's HTTP server for the test's lifetime.
func serve(t *testing.T, svc hotel.InventoryService, st idempotency.Store) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler(svc, st))
	t.Cleanup(srv.Close)
	return srv
}

// mode builds a hotel.InventoryService over st with clock now.
type mode struct {
	name string
	new  func(t *testing.T, st store.Store, now func() time.Time) hotel.InventoryService
}

var modes = []mode{
	{"inprocess", func(t *testing.T, st store.Store, now func() time.Time) hotel.InventoryService {
		return inventory.NewService(st, now)
	}},
	{"http", func(t *testing.T, st store.Store, now func() time.Time) hotel.InventoryService {
		srv := serve(t, inventory.NewService(st, now), st)
		c, err := inventoryhttp.NewClient(srv.URL, srv.Client(), "")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}},
}

// errorFields returns the sorted names of the invalid fields err carries:
// with the code, what both implementations must agree on.
func errorFields(err error) []string {
	var he *hotel.Error
	if !errors.As(err, &he) {
		return nil
	}
	var names []string
	for _, f := range he.Fields {
		names = append(names, f.Field)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// checkError fails t unless err has code and (when field is set) names field.
func checkError(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := hotel.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
	if field != "" && !slices.Contains(errorFields(err), field) {
		t.Fatalf("error %v names fields %v, want %q among them", err, errorFields(err), field)
	}
}

// asError returns err's *hotel.Error, failing t when there is none.
func asError(t *testing.T, err error) *hotel.Error {
	t.Helper()
	var he *hotel.Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v is not a *hotel.Error", err)
	}
	return he
}
