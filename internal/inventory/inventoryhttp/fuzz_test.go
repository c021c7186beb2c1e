package inventoryhttp_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/inventoryhttp"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
	"github.com/hotelplatform/hotel/internal/store/storetest"
	"github.com/hotelplatform/hotel/internal/web"
)

// Fuzz targets of the inventory server's routes: hostile paths, query
// strings, headers and bodies go through the real handlers (middleware,
// ProblemMux, access control, decoding, validation) to the real service
// over a real SQLite store holding the fixture. Every answer must be a
// success or a 4xx problem+json whose body states the same status; never
// a 5xx, never Go or SQL internals; and a 4xx changes nothing stored.

// fuzzAdminKey is the admin key of the fuzzed server.
const fuzzAdminKey = "fuzz-admin-key-0123456789-0123456789"

// fuzzBench is one inventory server over one SQLite store, shared by every
// input of a fuzz target, and a read-only connection to the same file for
// snapshots.
type fuzzBench struct {
	h    http.Handler
	logs *bytes.Buffer
	db   *sql.DB
}

func newFuzzBench(f *testing.F) *fuzzBench {
	f.Helper()
	ctx := context.Background()
	path := filepath.Join(f.TempDir(), "hotel.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	if ok, err := st.Load(ctx, storetest.NewFixture(london, 60).Dataset(), false); err != nil || !ok {
		f.Fatalf("Load = %v, %v", ok, err)
	}
	now, err := time.Parse(time.RFC3339, "2029-12-31T12:00:00Z")
	if err != nil {
		f.Fatal(err)
	}
	clock := func() time.Time { return now }
	mux := http.NewServeMux()
	auth.NewRouter(mux, auth.NewAuthenticator(st, fuzzAdminKey, "", clock)).Register(inventoryhttp.Routes(inventory.NewService(st, clock), idempotency.New(st, clock, nil))...)
	logs := &bytes.Buffer{}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = db.Close() })
	return &fuzzBench{h: web.Middleware(slog.New(slog.NewTextHandler(logs, nil)), web.ProblemMux(mux)), logs: logs, db: db}
}

// snapshot summarises everything the inventory stores.
func (b *fuzzBench) snapshot(t *testing.T) string {
	t.Helper()
	return storetest.Snapshot(t, b.db,
		`SELECT id, name, location, time_zone, currency FROM hotel ORDER BY id`,
		`SELECT id, hotel_id, name, max_occupancy, overbooking_allowance FROM room_type ORDER BY id`,
		`SELECT count(*), sum(capacity), sum(held), sum(blocked), sum(allowance), sum(price_cents), group_concat(DISTINCT demand_level) FROM inventory_night`,
		`SELECT count(*), group_concat(booking_id || status || check_in || check_out) FROM hold`,
		`SELECT count(*), sum(price_cents) FROM hold_night`,
		`SELECT count(*) FROM inventory_adjustment`)
}

// fuzzRoute is a route with its path parameter placeholders: ID (the
// fuzzed one), and fixed valid values for the others.
type fuzzRoute struct {
	method, path string
	admin        bool
}

// serve sends one request — request line and target as a client would
// write them — and checks the answer. It returns the status, or 0 when
// net/http itself would have refused the request.
func (b *fuzzBench) serve(t *testing.T, rt fuzzRoute, param, rawQuery, idemKey string, body []byte) int {
	t.Helper()
	target := strings.ReplaceAll(rt.path, "ID", param)
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(rt.method + " " + target + " HTTP/1.1\r\nHost: hotel\r\n\r\n")))
	if err != nil {
		return 0 // net/http answers 400 before any handler runs
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if len(body) > 0 {
		r.Header.Set("Content-Type", "application/json")
	}
	if rt.admin {
		r.Header.Set("Authorization", "Bearer "+fuzzAdminKey)
	}
	if idemKey != "" {
		if strings.ContainsAny(idemKey, "\r\n\x00") {
			return 0 // not a header value net/http accepts
		}
		r.Header.Set("Idempotency-Key", idemKey)
	}
	before := b.snapshot(t)
	b.logs.Reset()
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	res := w.Result()
	data, _ := io.ReadAll(res.Body)
	what := fmt.Sprintf("%s %q (Idempotency-Key %q) with body %q", rt.method, target, idemKey, body)
	checkFuzzAnswer(t, what, string(body)+target, res, data, b.logs.String())
	if res.StatusCode >= 400 {
		if after := b.snapshot(t); after != before {
			t.Fatalf("%s answered %d but changed the store:\nbefore:\n%s\nafter:\n%s", what, res.StatusCode, before, after)
		}
	}
	return res.StatusCode
}

// fuzzLeaks are texts no answer may contain unless the request did.
var fuzzLeaks = []string{"SQLSTATE", "sql:", "sqlite", "SQLITE", "pq:", "pgx", "panic", "goroutine", ".go:", "runtime",
	"json:", "strconv.", "constraint", "no rows", "Go value", "Go struct"}

func checkFuzzAnswer(t *testing.T, what, in string, res *http.Response, data []byte, logs string) {
	t.Helper()
	if res.StatusCode >= 500 {
		t.Fatalf("%s answered %d:\n%s\nlogs:\n%s", what, res.StatusCode, data, logs)
	}
	for _, l := range fuzzLeaks {
		if bytes.Contains(data, []byte(l)) && !strings.Contains(in, l) {
			t.Fatalf("%s: the answer %d shows %q:\n%s", what, res.StatusCode, l, data)
		}
	}
	switch ct := res.Header.Get("Content-Type"); {
	case res.StatusCode >= 400:
		var p web.Problem
		if ct != web.ProblemContentType || json.Unmarshal(data, &p) != nil || p.Status != res.StatusCode || p.Code == "" || p.Detail == "" {
			t.Fatalf("%s answered %d %q, not a problem with that status:\n%s", what, res.StatusCode, ct, data)
		}
	case res.StatusCode >= 300:
		if res.Header.Get("Location") == "" {
			t.Fatalf("%s answered %d without a Location", what, res.StatusCode)
		}
	default:
		if ct != "application/json" || !json.Valid(data) {
			t.Fatalf("%s answered %d %q with %q", what, res.StatusCode, ct, data)
		}
	}
}

// hostile are path, query and string values no route should choke on.
var hostile = []string{
	"'; DROP TABLE booking;--", "1 OR 1=1", "../..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f", "%2F", "%00", "%ff%fe",
	"9223372036854775808", "-9223372036854775809", "1e400", "0", "-1", "+100", "0x64", "100.0", " 100", "%20100",
}

var readRoutes = []fuzzRoute{
	{"GET", "/inventory/", false},
	{"GET", "/inventory/ID", false},
	{"GET", "/inventory/hotel_name/ID", false},
	{"GET", "/inventory/hotels/ID", false},
	{"GET", "/inventory/search", false},
	{"GET", "/inventory/hotels", false},
	{"GET", "/inventory/hotels/ID/room-types", false},
	{"GET", "/inventory/hotels/100/room-types/ID", false},
	{"GET", "/inventory/hotels/ID/adjustments", true},
	{"GET", "/inventory/holds/ID", true},
}

func FuzzInventoryRead(f *testing.F) {
	b := newFuzzBench(f)
	cursor := storetestCursor()
	seeds := []struct {
		route        int
		param, query string
	}{
		{0, "", "location=london&limit=5"},
		{0, "", "location=LONDON&hotel_id=100&room_type=Deluxe%20Rooms&start_date=2030-01-01&end_date=2030-01-31&limit=10&cursor=" + cursor},
		{0, "", "start_date=2030-01-31&end_date=2030-01-01"},
		{0, "", "start_date=2030-01-01&end_date=2031-06-01"},
		{0, "", "limit=5001"},
		{0, "", "cursor=not-a-cursor"},
		{0, "", "start=2030-01-01"},
		{0, "", "location=" + strings.Repeat("x", 300)},
		{1, "100", "start_date=2030-01-01&end_date=2030-01-07"},
		{1, "100", "start_date=9999-12-31"},
		{1, "100", "start_date=0001-01-01"},
		{1, "100", "start_date=0000-01-01&end_date=0000-01-05"},
		{1, "999999", ""},
		{2, "100", ""},
		{3, "101", ""},
		{4, "", "location=london&check_in=2030-01-05&check_out=2030-01-08&adults=2&children=0"},
		{4, "", "hotel_id=100&check_in=2030-01-05&check_out=2030-01-08&max_price=400.00&limit=1&cursor=MTA5NDQwfDExMXw0"},
		{4, "", "location=london&check_in=2030-01-08&check_out=2030-01-05"},
		{4, "", "location=london&check_in=2030-01-05&check_out=2030-03-05"},
		{4, "", "location=london&check_in=2029-01-05&check_out=2029-01-08"},
		{4, "", "location=london&check_in=2030-01-05&check_out=2030-01-08&adults=-2147483648&children=2147483647"},
		{4, "", "location=london&check_in=2030-01-05&check_out=2030-01-08&max_price=-1"},
		{4, "", "location=london&check_in=9999-12-30&check_out=9999-12-31"},
		{5, "", "location=london&limit=1&cursor=100"},
		{6, "100", ""},
		{7, "1001", ""},
		{8, "100", "limit=10&cursor=1"},
		{9, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", ""},
	}
	for _, s := range seeds {
		f.Add(uint8(s.route), s.param, s.query)
	}
	for i, h := range hostile {
		f.Add(uint8(i), h, "location="+h)
		f.Add(uint8(i+1), "100", "hotel_id="+h+"&limit="+h+"&start_date="+h)
	}
	f.Fuzz(func(t *testing.T, route uint8, param, rawQuery string) {
		b.serve(t, readRoutes[int(route)%len(readRoutes)], param, rawQuery, "", nil)
	})
}

// storetestCursor is a real cursor of the fixture.
func storetestCursor() string {
	return hotel.InventoryCursor{HotelID: london, Date: start.AddDays(1), RoomTypeID: 1000}.String()
}

var writeRoutes = []fuzzRoute{
	{"POST", "/inventory/ID/adjust", true},
	{"PUT", "/inventory/hotels/ID/calendar", true},
	{"POST", "/inventory/hotels", true},
	{"PATCH", "/inventory/hotels/ID", true},
	{"POST", "/inventory/hotels/ID/room-types", true},
	{"PATCH", "/inventory/hotels/100/room-types/ID", true},
	{"PUT", "/inventory/holds/ID", true},
	{"POST", "/inventory/holds/ID/move", true},
	{"POST", "/inventory/holds/ID/release", true},
	{"POST", "/inventory/ID/adjust", false}, // anonymous: 401, whatever the body
	{"PUT", "/inventory/hold-groups/ID", true},
}

func FuzzInventoryWrite(f *testing.F) {
	b := newFuzzBench(f)
	const bid = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	seeds := []struct {
		route       int
		param, body string
	}{
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":1}`},
		{0, "100", `{"room_type_id":1000,"date":"2030-01-05","end_date":"2030-01-07","num_rooms":-1,"reason":"repair"}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":1000}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":0}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":1e400}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":9223372036854775807}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":-9223372036854775808}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","end_date":"2032-01-05","num_rooms":1}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":"1"}`},
		{0, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":1,"extra":true}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-31","capacity":12,"price":"310.00","demand_level":"high"}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-02","capacity":-1}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-02","price":"-5.00"}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-02","price":310}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2032-01-02","capacity":1}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-03-01","end_date":"2030-03-02","capacity":1}`},
		{1, "100", `{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-02","demand_level":"extreme"}`},
		{1, "100", `{"room_type_id":1001,"start_date":"2030-01-01","end_date":"2030-01-02","capacity":0}`},
		{2, "", `{"hotel_name":"Grand","location":"Leeds","time_zone":"Europe/London","currency":"GBP"}`},
		{2, "", `{"hotel_name":"Grand","location":"Leeds","time_zone":"Mars/Olympus","currency":"GBP"}`},
		{2, "", `{"hotel_name":"Grand","location":"Leeds","time_zone":"Europe/London","currency":"gbp"}`},
		{2, "", `{"hotel_name":"","location":"Leeds","time_zone":"Europe/London","currency":"GBP"}`},
		{2, "", `{"hotel_name":"Test Hotel 100","location":"Leeds","time_zone":"Europe/London","currency":"GBP"}`},
		{2, "", `{"hotel_name":"Grand","location":"Leeds","time_zone":"../../../etc/passwd","currency":"GBP"}`},
		{3, "100", `{"location":"Londres"}`},
		{3, "100", `{"hotel_name":"Test Hotel 101"}`},
		{3, "100", `{"currency":"XXXX"}`},
		{4, "100", `{"room_type":"Suite","max_occupancy":4}`},
		{4, "100", `{"room_type":"Suite","max_occupancy":51}`},
		{4, "100", `{"room_type":"standard rooms","max_occupancy":2}`},
		{4, "100", `{"room_type":"Suite","max_occupancy":4,"overbooking_allowance":-1}`},
		{5, "1000", `{"overbooking_allowance":2}`},
		{5, "1000", `{"max_occupancy":0}`},
		{5, "1002", `{"max_occupancy":3}`},
		{6, bid, `{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-08"}`},
		{6, bid, `{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-08","check_out":"2030-01-05"}`},
		{6, "not-a-uuid", `{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-08"}`},
		{6, bid, `{"hotel_id":100,"room_type_id":1002,"check_in":"2030-01-05","check_out":"2030-01-08"}`},
		{7, bid, `{"check_in":"2030-01-06","check_out":"2030-01-09"}`},
		{7, bid, `{"room_type_id":1001,"check_in":"2030-01-06","check_out":"2030-12-09"}`},
		{8, bid, `{"from":"2030-01-07"}`},
		{8, bid, ``},
		{8, bid, `{"from":null}`},
		{9, "100", `{"room_type":"Deluxe Rooms","date":"2030-01-05","num_rooms":1}`},
		{10, bid, `{"rooms":[{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-08"},` +
			`{"hotel_id":100,"room_type_id":1001,"check_in":"2030-01-05","check_out":"2030-01-08"}]}`},
		{10, bid, `{"rooms":[{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-08"},` +
			`{"hotel_id":101,"room_type_id":1002,"check_in":"2030-01-06","check_out":"2030-01-08"}]}`},
		{10, bid, `{"rooms":[` + strings.Repeat(`{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-06"},`, 9) +
			`{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-06"}]}`},
		{10, bid, `{"rooms":[{"hotel_id":100,"room_type_id":1000,"check_in":"2030-01-05","check_out":"2030-01-08","extra":1}]}`},
		{10, "not-a-uuid", `{"rooms":[]}`},
		{10, bid, `{"rooms":null}`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.route), s.param, "", "", []byte(s.body))
	}
	f.Add(uint8(0), "100", "", "adjust-0001", []byte(seeds[0].body))
	f.Add(uint8(0), "100", "", strings.Repeat("k", 256), []byte(seeds[0].body))
	f.Add(uint8(0), "100", "dry_run=1", "", []byte(seeds[0].body))
	for i, h := range hostile {
		q := strconv.Quote(h)
		f.Add(uint8(i), h, "", h, []byte(`{"room_type":`+q+`,"hotel_name":`+q+`,"location":`+q+`,"reason":`+q+`}`))
		f.Add(uint8(i+2), "100", "", "", []byte(`{"room_type":`+q+`,"date":`+q+`,"num_rooms":`+h+`}`))
	}
	for i, body := range []string{``, `{`, `[]`, `null`, `"x"`, `{"a":1}{}`, "{\"room_type\":\"\xff\"}",
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat(`{"room_type":`, 10000) + `1` + strings.Repeat("}", 10000)} {
		f.Add(uint8(i), "100", "", "", []byte(body))
	}
	f.Fuzz(func(t *testing.T, route uint8, param, rawQuery, idemKey string, body []byte) {
		rt := writeRoutes[int(route)%len(writeRoutes)]
		status := b.serve(t, rt, param, rawQuery, idemKey, body)
		if !rt.admin && status != 0 && status != http.StatusUnauthorized && status < 300 {
			t.Fatalf("anonymous %s %s with %q answered %d", rt.method, rt.path, body, status)
		}
	})
}
