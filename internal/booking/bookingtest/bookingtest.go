// Package bookingtest is the test bench of the booking service, shared by
// the tests of internal/booking and internal/booking/bookinghttp: real
// stores on both drivers holding a fixture, the inventory service in
// process or over HTTP (a server that can be stopped and restarted), a
// settable clock, an inventory wrapper that injects faults, and the check
// that inventory equals bookings.
package bookingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
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

// The fixture: hotel London (Europe/London, GBP) and Auckland
// (Pacific/Auckland, NZD), each with "Standard Rooms" (2 guests) and
// "Deluxe Rooms" (3 guests), one inventory night per room type for Days
// days from Start. Nothing is held. London's Deluxe Rooms has only
// SmallCapacity rooms, to sell out; the others have 10 or 11. Prices rise
// by 1.00 per night, so a stay's total is never first night × length.
const (
	London           = int64(100)
	Auckland         = int64(101)
	LondonStandard   = int64(1000)
	LondonDeluxe     = int64(1001)
	AucklandStandard = int64(1002)
	Days             = 120
	SmallCapacity    = 2
)

// Start is the first night of the fixture (2030-01-01).
var Start = storetest.Start

// Day returns the date n days after Start.
func Day(n int) hotel.Date { return Start.AddDays(n) }

// Price is the fixture's price of room type rt on day n.
func Price(rt int64, n int) hotel.Cents {
	base := hotel.Cents(30400)
	if rt%2 == 1 { // Deluxe
		base = 36480
	}
	return base + hotel.Cents(100*n)
}

// DefaultNow is the default clock: noon UTC on 2029-12-31 is still
// 2029-12-31 in London but already 2030-01-01 in Auckland.
const DefaultNow = "2029-12-31T12:00:00Z"

// Driver opens a fresh, empty store.
type Driver struct {
	Name string
	Open func(t *testing.T) store.Store
}

// Drivers are SQLite (a file in t.TempDir()) and PostgreSQL (a database of
// the pgtest server; the test binary's TestMain must call pgtest.Run).
var Drivers = []Driver{
	{"sqlite", func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hotel.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.Options{ConnectTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

// Fixture returns the data set described above.
func Fixture() storetest.Fixture {
	f := storetest.NewFixture(London, Days)
	for i := range f.Nights {
		n := &f.Nights[i]
		n.Held = 0
		n.Price = Price(n.RoomTypeID, Start.DaysUntil(n.Date))
		if n.RoomTypeID == LondonDeluxe {
			n.Capacity = SmallCapacity
		}
	}
	return f
}

// Seeded returns a migrated store of d holding Fixture().
func Seeded(t *testing.T, d Driver) store.Store {
	t.Helper()
	st := d.Open(t)
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if ok, err := st.Load(ctx, Fixture().Dataset(), false); err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	return st
}

// Bookings returns the booking part of st.
func Bookings(st store.Store) store.Bookings {
	return st.(store.Bookings)
}

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at the RFC 3339 instant s.
func NewClock(t testing.TB, s string) *Clock {
	c := &Clock{}
	c.Set(t, s)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set stops the clock at the RFC 3339 instant s.
func (c *Clock) Set(t testing.TB, s string) {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.t = v
	c.mu.Unlock()
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Mode says how the booking service reaches inventory.
type Mode struct {
	Name  string
	Split bool // over HTTP (inventoryhttp.Client → server), else in process
}

// Modes are all-in-one (inventory in process: a create's hold and booking
// commit in one transaction) and split, the same calls either way.
var Modes = []Mode{{Name: "all"}, {Name: "split", Split: true}}

// Env is one booking service over one store, ready to test.
type Env struct {
	Store   store.Store
	Clock   *Clock
	Local   *inventory.Service // the inventory over Store, in process: for checks
	Faults  *Faulty            // what the booking service calls: Local or the HTTP client, wrapped
	Server  *Server            // split mode: the inventory's HTTP server; nil otherwise
	Service *booking.Service
	logs    *syncBuffer
}

// NewEnv returns a booking service of mode m over a seeded store of d. cfg
// gets fast retries (1ms backoff) unless it sets its own.
func NewEnv(t *testing.T, d Driver, m Mode, cfg booking.Config) *Env {
	t.Helper()
	e := &Env{Store: Seeded(t, d), Clock: NewClock(t, DefaultNow), logs: &syncBuffer{}}
	e.Local = inventory.NewService(e.Store, e.Clock.Now)
	var inv hotel.InventoryService = e.Local
	if m.Split {
		mux := http.NewServeMux()
		for _, r := range inventoryhttp.Routes(e.Local, idempotency.New(e.Store, e.Clock.Now, nil)) { // without access control: no service key here
			mux.Handle(r.Pattern, r.Handler)
		}
		e.Server = StartServer(t, web.Middleware(slog.New(slog.DiscardHandler), web.ProblemMux(mux)))
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		c, err := inventoryhttp.NewClient(e.Server.URL(), &http.Client{Transport: tr, Timeout: 10 * time.Second}, "")
		if err != nil {
			t.Fatal(err)
		}
		inv = c
	}
	e.Faults = NewFaulty(inv)
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.Service = booking.New(Bookings(e.Store), e.Faults, cfg, e.Clock.Now, log)
	return e
}

// Logs returns what the booking service logged so far.
func (e *Env) Logs() string { return e.logs.String() }

// Held returns the rooms held on every night of the fixture, by room type
// and date, as the inventory reports them (capacity − available: the
// fixture blocks nothing and allows no overbooking).
func (e *Env) Held(t testing.TB) map[Night]int {
	t.Helper()
	held := map[Night]int{}
	f := hotel.InventoryFilter{StartDate: Start, EndDate: Day(Days - 1), Limit: hotel.MaxPageSize}
	for {
		page, err := e.Local.ListInventory(context.Background(), f)
		if err != nil {
			t.Fatalf("ListInventory: %v", err)
		}
		for _, it := range page.Items {
			if n := it.TotalRooms - it.AvailableRooms; n != 0 {
				held[Night{it.RoomTypeID, it.Date}] = n
			}
		}
		if page.Next == "" {
			return held
		}
		if f.After, err = hotel.ParseInventoryCursor(page.Next); err != nil {
			t.Fatal(err)
		}
	}
}

// Night is one room type on one date.
type Night struct {
	RoomTypeID int64
	Date       hotel.Date
}

func (n Night) String() string { return fmt.Sprintf("room type %d on %s", n.RoomTypeID, n.Date) }

// AllBookings returns every stored booking row (unredacted), newest
// first, each followed by its further rooms (a booking of several rooms
// is a row per room).
func (e *Env) AllBookings(t testing.TB) []hotel.Booking {
	t.Helper()
	var out []hotel.Booking
	f := hotel.BookingFilter{Limit: 500}
	for {
		st := Bookings(e.Store)
		page, err := st.ListBookings(context.Background(), f)
		if err != nil {
			t.Fatalf("ListBookings: %v", err)
		}
		ids := make([]string, len(page))
		for i, b := range page {
			ids[i] = b.ID
		}
		rooms, err := st.BookingRooms(context.Background(), ids)
		if err != nil {
			t.Fatalf("BookingRooms: %v", err)
		}
		for _, b := range page {
			out = append(append(out, b), rooms[b.ID]...)
		}
		if len(page) < f.Limit {
			return out
		}
		f.BeforeID = page[len(page)-1].ID
	}
}

// CheckInventory fails t unless inventory equals bookings: on every night,
// the rooms held are the confirmed bookings covering it plus the completed
// ones that covered it before their departure — no more (no hold without
// a confirmed booking), no less (no confirmed booking without its room).
// It returns the bookings it compared.
func (e *Env) CheckInventory(t testing.TB) []hotel.Booking {
	t.Helper()
	bookings := e.AllBookings(t)
	want := map[Night]int{}
	for _, b := range bookings {
		end := b.CheckOutDate
		switch b.Status {
		case hotel.StatusConfirmed, hotel.StatusCheckedIn:
		case hotel.StatusCompleted, hotel.StatusNoShow:
			if !b.DepartedOn.IsZero() && b.DepartedOn.Before(end) {
				end = b.DepartedOn
			}
		default:
			continue
		}
		for d := b.ArrivalDate; d.Before(end); d = d.AddDays(1) {
			want[Night{b.RoomTypeID, d}]++
		}
	}
	got := e.Held(t)
	var diffs []string
	for n, w := range want {
		if got[n] != w {
			diffs = append(diffs, fmt.Sprintf("%s: held %d, bookings %d", n, got[n], w))
		}
	}
	for n, g := range got {
		if _, ok := want[n]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: held %d, bookings 0", n, g))
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("inventory differs from bookings on %d night(s) (of %d bookings):\n%s", len(diffs), len(bookings), strings.Join(diffs, "\n"))
	}
	return bookings
}

// CheckEvents fails t unless the event feed holds exactly one event per
// committed change of every booking row, no more and no less: a row at
// version v has events 1…v, each carrying the version it made, the last
// one the row's status (rows are never pending here) — and that every ARI
// and catalogue change has its event and every such event its change
// (store.Events.EventGaps).
func (e *Env) CheckEvents(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.Store.PublishEvents(ctx); err != nil {
		t.Fatal(err)
	}
	bySubject := map[string][]hotel.Event{}
	f := hotel.EventFilter{Limit: 1000, Types: hotel.BookingEventTypes}
	for {
		page, err := e.Store.ListEvents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range page {
			bySubject[ev.Subject] = append(bySubject[ev.Subject], ev)
		}
		if len(page) < f.Limit {
			break
		}
		if f.After, err = strconv.ParseInt(page[len(page)-1].ID, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	rows := e.AllBookings(t)
	for _, b := range rows {
		evs := bySubject[b.ID]
		if len(evs) != b.Version {
			t.Fatalf("booking row %s (%s, version %d) has %d events", b.ID, b.Status, b.Version, len(evs))
		}
		var d hotel.BookingEvent
		for i, ev := range evs {
			if err := json.Unmarshal(ev.Data, &d); err != nil {
				t.Fatal(err)
			}
			if ev.Sequence != int64(i+1) || d.Version != i+1 {
				t.Fatalf("event %d of %s: sequence %d, version %d", i+1, b.ID, ev.Sequence, d.Version)
			}
		}
		if d.Status != b.Status || d.TotalPrice != b.TotalPrice || d.StayLength != b.StayLength {
			t.Fatalf("last event of %s: %s, want the row's state (%s, %d nights, %s)", b.ID, evs[len(evs)-1].Data, b.Status, b.StayLength, b.TotalPrice)
		}
	}
	if len(bySubject) != len(rows) {
		t.Fatalf("events of %d subjects, %d booking rows", len(bySubject), len(rows))
	}
	// And every change of availability, rates, restrictions or the
	// catalogue has its event, every such event its change.
	gaps, err := e.Store.EventGaps(ctx, 10)
	if err != nil || len(gaps) != 0 {
		t.Fatalf("EventGaps = %+v, %v; want none", gaps, err)
	}
}

// CheckSettled fails t if any booking is pending or still marked SyncPending.
func (e *Env) CheckSettled(t testing.TB) {
	t.Helper()
	for _, b := range e.AllBookings(t) {
		if b.Status == hotel.StatusPending || b.SyncPending {
			t.Errorf("booking %s is %s (sync pending %v) after recovery", b.ID, b.Status, b.SyncPending)
		}
	}
}

// Server is an HTTP server on a fixed loopback address that can be stopped
// and started again there, as an inventory process that crashes and
// restarts.
type Server struct {
	addr string
	h    http.Handler
	mu   sync.Mutex
	srv  *httptest.Server
}

// StartServer serves h until the test ends.
func StartServer(t *testing.T, h http.Handler) *Server {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: l.Addr().String(), h: h}
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(l net.Listener) {
	srv := httptest.NewUnstartedServer(s.h)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// URL is the server's base URL, the same across restarts.
func (s *Server) URL() string { return "http://" + s.addr }

// Stop stops the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Restart serves again on the same address.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", s.addr)
	if err != nil {
		t.Fatalf("restart inventory server: %v", err)
	}
	s.serve(l)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (the logs).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
