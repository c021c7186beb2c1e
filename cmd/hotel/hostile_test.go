package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel"
)

// Hostile input through the real binary (run()), on SQLite and PostgreSQL,
// all-in-one and split: for every write route and the main read routes,
// malformed and mistyped JSON, huge numbers, deep nesting, unknown fields,
// invalid UTF-8, path traversal, SQL-looking strings, oversized query
// strings and bodies and a body that never finishes. Each gets a 4xx
// problem+json (or, for connection-level limits, what net/http documents)
// and changes nothing stored. Anonymous hostile calls to admin routes get
// 401 before their bodies matter.

// hostileReadTimeout is HOTEL_READ_TIMEOUT of the systems under attack.
const hostileReadTimeout = 2 * time.Second

func TestHostileInput(t *testing.T) {
	t.Parallel()
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		for _, mode := range []string{"all", "split"} {
			t.Run(string(kind)+"/"+mode, func(t *testing.T) {
				t.Parallel()
				db := dbEnv(t, kind)
				h := &attack{t: t, gw: startHostile(t, db, mode), counts: rowCounter(t, kind, db), split: mode == "split"}
				h.client = &http.Client{Timeout: 30 * time.Second,
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				t.Cleanup(h.client.CloseIdleConnections)
				h.book()
				t.Run("bodies", h.checkBodies)
				t.Run("strict input", h.checkStrictInput)
				t.Run("paths", h.checkPaths)
				t.Run("queries", h.checkQueries)
				t.Run("limits", h.checkLimits)
				t.Run("anonymous", h.checkAnonymous)
				t.Run("stored literally", h.checkStoredLiterally)
				t.Run("slow body", h.checkSlowBody)
			})
		}
	}
}

// startHostile starts a system whose every process cuts off clients that
// take longer than hostileReadTimeout to send a request.
func startHostile(t *testing.T, db map[string]string, mode string) string {
	t.Helper()
	db = overlay(map[string]string{"HOTEL_READ_TIMEOUT": hostileReadTimeout.String()}, db)
	if mode == "all" {
		return startAll(t, db).Gateway
	}
	db = overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db)
	inv := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db))
	book := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": inv.URL}, db))
	startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": inv.URL}, db))
	gw := startServe(t, map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": inv.URL, "BOOKING_URL": book.URL,
		"HOTEL_ADMIN_KEY": testAdminKey, "HOTEL_READ_TIMEOUT": hostileReadTimeout.String()})
	return gw.URL
}

// countsQuery counts the rows of every table a request could change, and
// sums the columns a change without new rows would move. It is the same
// SQL on both stores.
const countsQuery = `SELECT
 (SELECT count(*) FROM hotel), (SELECT count(*) FROM room_type), n.nights,
 (SELECT count(*) FROM booking), (SELECT count(*) FROM booking_night), (SELECT count(*) FROM hold),
 (SELECT count(*) FROM hold_night), (SELECT count(*) FROM inventory_adjustment), (SELECT count(*) FROM idempotency_record),
 n.held, n.blocked, n.capacity, n.price,
 (SELECT CAST(coalesce(sum(version), 0) AS BIGINT) FROM booking),
 (SELECT CAST(coalesce(sum(length(name) + length(location) + length(time_zone)), 0) AS BIGINT) FROM hotel),
 (SELECT CAST(coalesce(sum(max_occupancy + overbooking_allowance + length(name)), 0) AS BIGINT) FROM room_type)
 FROM (SELECT count(*) AS nights, CAST(coalesce(sum(held), 0) AS BIGINT) AS held, CAST(coalesce(sum(blocked), 0) AS BIGINT) AS blocked,
  CAST(coalesce(sum(capacity), 0) AS BIGINT) AS capacity, CAST(coalesce(sum(price_cents), 0) AS BIGINT) AS price FROM inventory_night) AS n`

var countNames = []string{"hotel", "room_type", "inventory_night", "booking", "booking_night", "hold", "hold_night",
	"inventory_adjustment", "idempotency_record", "sum(held)", "sum(blocked)", "sum(capacity)", "sum(price_cents)",
	"sum(booking.version)", "hotel texts", "room_type values"}

// counts is a snapshot of countsQuery.
type counts [16]int64

func (c counts) String() string {
	var b strings.Builder
	for i, n := range c {
		fmt.Fprintf(&b, "%s=%d ", countNames[i], n)
	}
	return b.String()
}

// rowCounter returns a function reading countsQuery straight from the
// database of db, bypassing the services.
func rowCounter(t *testing.T, kind storeKind, db map[string]string) func() counts {
	ctx := context.Background()
	var scan func(dest ...any) error
	if kind == postgresStore {
		pool, err := pgxpool.New(ctx, db["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		scan = func(dest ...any) error { return pool.QueryRow(ctx, countsQuery).Scan(dest...) }
	} else {
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(db["HOTEL_DATA_DIR"], "hotel.db")+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = raw.Close() })
		scan = func(dest ...any) error { return raw.QueryRowContext(ctx, countsQuery).Scan(dest...) }
	}
	return func() counts {
		t.Helper()
		var c counts
		dest := make([]any, len(c))
		for i := range c {
			dest[i] = &c[i]
		}
		if err := scan(dest...); err != nil {
			t.Fatalf("counting rows: %v", err)
		}
		return c
	}
}

// attack is one running system under hostile requests.
type attack struct {
	t      *testing.T
	gw     string
	client *http.Client
	counts func() counts
	split  bool // the gateway proxies to the services

	bookingID, token string     // a confirmed booking and its access token
	arrival          hotel.Date // its arrival
}

// answer is one response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request to the gateway; path is sent as written (with
// its escapes). It fails t on transport errors.
func (a *attack) send(t *testing.T, method, path string, body []byte, headers ...string) answer {
	t.Helper()
	ans, err := a.try(method, path, body, headers...)
	if err != nil {
		t.Fatalf("%s %.200s: %v", method, path, err)
	}
	return ans
}

func (a *attack) try(method, path string, body []byte, headers ...string) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, a.gw+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i]) // "": send without it
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{resp.StatusCode, resp.Header, data}, nil
}

// admin is the header pair of the admin key.
var admin = []string{"Authorization", "Bearer " + testAdminKey}

// leakTexts are internals no answer may show.
var leakTexts = []string{"SQLSTATE", "sql:", "sqlite", "SQLITE", "pq:", "pgx", "postgres", "panic", "goroutine", ".go:",
	"runtime error", "json:", "strconv.", "constraint", "syntax error", "no rows", "Go value", "Go struct", "%!"}

// refused sends a hostile request and checks it is refused with want (any
// 4xx when 0) as a problem+json without internals. Run it inside
// unchanged, which checks that the database did not change.
func (a *attack) refused(t *testing.T, want int, method, path string, body []byte, headers ...string) answer {
	t.Helper()
	ans := a.send(t, method, path, body, headers...)
	a.checkProblem(t, want, method, path, body, ans)
	return ans
}

// unchanged runs the requests of send and fails t if the database changed
// meanwhile. (Counting per request would be exact but slow: the counts
// scan every inventory night.)
func (a *attack) unchanged(t *testing.T, what string, send func()) {
	t.Helper()
	before := a.counts()
	send()
	if after := a.counts(); after != before {
		t.Errorf("%s changed the database:\nbefore %v\nafter  %v", what, before, after)
	}
}

func (a *attack) checkProblem(t *testing.T, want int, method, path string, body []byte, ans answer) {
	t.Helper()
	what := fmt.Sprintf("%s %.200s (body %.200q)", method, path, body)
	if want != 0 && ans.status != want || want == 0 && (ans.status < 400 || ans.status > 499) {
		t.Errorf("%s = %d, want %s:\n%.500s", what, ans.status, wantText(want), ans.body)
		return
	}
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	if ct := ans.header.Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal(ans.body, &p) != nil ||
		p.Status != ans.status || p.Code == "" || p.Detail == "" {
		t.Errorf("%s = %d %q, not a problem with that status:\n%.500s", what, ans.status, ct, ans.body)
	}
	for _, l := range leakTexts {
		if bytes.Contains(ans.body, []byte(l)) && !bytes.Contains(body, []byte(l)) && !strings.Contains(path, l) {
			t.Errorf("%s = %d shows %q:\n%.500s", what, ans.status, l, ans.body)
		}
	}
}

func wantText(want int) string {
	if want == 0 {
		return "a 4xx"
	}
	return strconv.Itoa(want)
}

// book makes the booking the routes on one booking are attacked on.
func (a *attack) book() {
	t := a.t
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	a.arrival = hotel.Today(time.Now(), london).AddDays(30)
	ans := a.send(t, "POST", "/bookings/", []byte(a.bookingBody()))
	var b struct {
		ID    string `json:"booking_id"`
		Token string `json:"access_token"`
	}
	if ans.status != http.StatusCreated || json.Unmarshal(ans.body, &b) != nil || b.ID == "" || b.Token == "" {
		t.Fatalf("POST /bookings/ = %d %s", ans.status, ans.body)
	}
	a.bookingID, a.token = b.ID, b.Token
}

// bookingBody is a valid booking with fields replaced by the JSON values
// of kv (name, raw JSON value pairs; a nil-like "-" removes the field).
func (a *attack) bookingBody(kv ...string) string {
	return object([]string{"guest_name", `"Hostile Tester"`, "hotel_id", "111", "room_type", `"Deluxe Rooms"`,
		"arrival_date", strconv.Quote(a.arrival.String()), "stay_length", "2", "adults", "2", "children", "0", "meal_plan", `"BB"`}, kv...)
}

// object builds a JSON object from name/raw-value pairs, in order, with
// overrides (a "-" value drops the member).
func object(base []string, overrides ...string) string {
	vals := map[string]string{}
	var order []string
	for _, kv := range [][]string{base, overrides} {
		for i := 0; i+1 < len(kv); i += 2 {
			if _, ok := vals[kv[i]]; !ok {
				order = append(order, kv[i])
			}
			vals[kv[i]] = kv[i+1]
		}
	}
	var b strings.Builder
	b.WriteByte('{')
	for _, k := range order {
		if vals[k] == "-" {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(k) + ":" + vals[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Hostile values.
var (
	sqlStrings  = []string{`'; DROP TABLE booking;--`, `1 OR 1=1`, `Robert'); DELETE FROM hotel;--`}
	hugeNumbers = []string{"1e400", "9223372036854775808", "-9223372036854775809", "0.5"}
	// Invalid UTF-8 inside a JSON string.
	badUTF8 = "\"A\xff\xfe\xc3(\""
)

// writeRoute is a write route with a valid body to spoil.
type writeRoute struct {
	method, path string
	base         []string // name, raw JSON value pairs of a valid body
	strings      []string // its string fields
	numbers      []string // its number fields
}

func (a *attack) writeRoutes() []writeRoute {
	arrival := strconv.Quote(a.arrival.String())
	return []writeRoute{
		{"POST", "/bookings/", []string{"guest_name", `"Hostile Tester"`, "hotel_id", "111", "room_type", `"Deluxe Rooms"`,
			"arrival_date", arrival, "stay_length", "2", "adults", "2", "children", "0", "meal_plan", `"BB"`},
			[]string{"guest_name", "room_type", "arrival_date", "meal_plan", "market_segment", "booking_channel"},
			[]string{"hotel_id", "stay_length", "adults", "children"}},
		{"PATCH", "/bookings/" + a.bookingID, []string{"stay_length", "3"},
			[]string{"guest_name", "room_type", "arrival_date"}, []string{"stay_length", "adults", "children"}},
		{"POST", "/inventory/111/adjust", []string{"room_type", `"Deluxe Rooms"`, "date", arrival, "num_rooms", "1"},
			[]string{"room_type", "date", "end_date", "reason"}, []string{"num_rooms", "room_type_id"}},
		{"PUT", "/inventory/hotels/111/calendar", []string{"room_type_id", "1", "start_date", arrival, "end_date", arrival, "capacity", "20"},
			[]string{"start_date", "end_date", "price", "demand_level"}, []string{"room_type_id", "capacity"}},
		{"POST", "/inventory/hotels", []string{"hotel_name", `"Hostile Hotel"`, "location", `"Leeds"`, "time_zone", `"Europe/London"`, "currency", `"GBP"`},
			[]string{"hotel_name", "location", "time_zone", "currency"}, nil},
		{"PATCH", "/inventory/hotels/111", []string{"location", `"London"`},
			[]string{"hotel_name", "location", "time_zone", "currency"}, nil},
		{"POST", "/inventory/hotels/111/room-types", []string{"room_type", `"Hostile Suite"`, "max_occupancy", "2"},
			[]string{"room_type"}, []string{"max_occupancy", "overbooking_allowance"}},
		{"PATCH", "/inventory/hotels/111/room-types/1", []string{"max_occupancy", "2"},
			[]string{"room_type"}, []string{"max_occupancy", "overbooking_allowance"}},
	}
}

// spoilers make a valid body invalid, so that the hostile value under
// test travels with a request that must be refused whatever the value
// does: an unknown field (rejected at decoding) or a field the route
// validates.
func spoil(base []string, field, value string) string {
	return object(base, field, value, "zz_unknown", "1")
}

func (a *attack) checkBodies(t *testing.T) {
	deep := func(n int, open, close string) []byte {
		return []byte(strings.Repeat(open, n) + "1" + strings.Repeat(close, n))
	}
	for _, rt := range a.writeRoutes() {
		valid := object(rt.base)
		bodies := [][]byte{
			[]byte(`{`), []byte(valid[:len(valid)-1]), []byte(`{"a":}`), []byte(`{'a':1}`), []byte(`nul`), []byte(valid + valid),
			[]byte(valid + "x"), []byte(`[]`), []byte(`"text"`), []byte(`12`), []byte(""),
			[]byte(object(rt.base, "zz_unknown", "1")), []byte(object(rt.base, "__proto__", `{}`)),
			deep(10000, "[", "]"), deep(10001, "[", "]"), deep(10000, `{"a":`, "}"),
			[]byte(object(rt.base, rt.base[0], strings.Repeat(`{"a":`, 10000)+"1"+strings.Repeat("}", 10000))),
			[]byte("\xff\xfe{}"), []byte("\x00"),
		}
		for _, f := range rt.strings {
			// Wrong types; invalid UTF-8; SQL, in a request refused anyway.
			bodies = append(bodies, []byte(object(rt.base, f, "12")), []byte(object(rt.base, f, `{"$gt":""}`)),
				[]byte(spoil(rt.base, f, badUTF8)))
			for _, s := range sqlStrings {
				bodies = append(bodies, []byte(spoil(rt.base, f, strconv.Quote(s))))
			}
		}
		for _, f := range rt.numbers {
			bodies = append(bodies, []byte(object(rt.base, f, `"1"`)), []byte(object(rt.base, f, "[1]")))
			for _, n := range hugeNumbers {
				bodies = append(bodies, []byte(object(rt.base, f, n)))
			}
		}
		bodies = append(bodies, []byte(`null`))
		a.unchanged(t, rt.method+" "+rt.path, func() {
			for _, body := range bodies {
				a.refused(t, 0, rt.method, rt.path, body, admin...)
			}
			// A body that is not JSON at all, and a JSON body sent as text:
			// 415 Unsupported Media Type.
			a.refused(t, http.StatusUnsupportedMediaType, rt.method, rt.path, []byte("hotel_id=111&guest_name=x"), append(admin, "Content-Type", "application/x-www-form-urlencoded")...)
			a.refused(t, http.StatusUnsupportedMediaType, rt.method, rt.path, []byte(valid), append(admin, "Content-Type", "text/plain")...)
		})
	}
	// The routes without a body take none that changes anything.
	a.unchanged(t, "check-out and release", func() {
		for _, p := range []string{"/bookings/" + a.bookingID + "/check-out", "/inventory/holds/" + a.bookingID + "/release"} {
			for _, body := range [][]byte{[]byte(`{"from":`), []byte(`{"from":"` + sqlStrings[0] + `"}`), []byte(`{"from":1e400}`)} {
				a.refused(t, 0, "POST", p, body, admin...)
			}
		}
	})
}

// unsafeTexts are JSON string values that are not safe single-line text:
// bidirectional controls, line and paragraph separators, C0 and C1
// controls — escaped and as raw bytes — and invalid UTF-8.
var unsafeTexts = []string{
	`"Ada \u202eecalevoL"`, "\"Ada \u202eecalevoL\"", `"\u202aAda"`, `"Ada \u2066x\u2069"`, `"Ada\u200f"`,
	`"Ada\u2028Lovelace"`, "\"Ada\u2028Lovelace\"", `"Ada Lovelace\u2029"`, "\"Ada\u2029Lovelace\"",
	`"Ada\tLovelace"`, `"Ada\u0085Lovelace"`, "\"Ada\u009bLovelace\"", `"Ada\u001b[31m"`,
	badUTF8,
}

// checkStrictInput sends every write route requests that are valid but
// for one rule of the strict input: each is refused with a problem naming
// the field or header, and nothing changes. Without the rule, most of them
// would be accepted — "last one wins", any case, null taken as absent,
// unsafe text stored, a body taken without its Content-Type or ignored.
func (a *attack) checkStrictInput(t *testing.T) {
	for _, rt := range a.writeRoutes() {
		valid := object(rt.base)
		first, value := rt.base[0], rt.base[1]
		escaped := fmt.Sprintf(`\u%04x`, first[0]) + first[1:] // the first name, its first letter escaped
		a.unchanged(t, "strict input to "+rt.method+" "+rt.path, func() {
			// A name given twice, spelled alike or with an escape.
			dup := valid[:len(valid)-1] + `,"` + first + `":` + value + "}"
			a.refusedNaming(t, http.StatusBadRequest, first, rt.method, rt.path, []byte(dup), admin...)
			dup = valid[:len(valid)-1] + `,"` + escaped + `":` + value + "}"
			a.refusedNaming(t, http.StatusBadRequest, first, rt.method, rt.path, []byte(dup), admin...)
			// Names in another case: beside the right one, and alone.
			upper := strings.ToUpper(first)
			a.refusedNaming(t, http.StatusBadRequest, upper, rt.method, rt.path, []byte(object(rt.base, upper, value)), admin...)
			renamed := append([]string{upper, value}, rt.base[2:]...)
			a.refusedNaming(t, http.StatusBadRequest, upper, rt.method, rt.path, []byte(object(renamed)), admin...)
			// null for any field: none is nullable.
			for _, f := range slices.Concat(rt.strings, rt.numbers) {
				a.refusedNaming(t, http.StatusBadRequest, f, rt.method, rt.path, []byte(object(rt.base, f, "null")), admin...)
			}
			// Unsafe text in any string field (invalid UTF-8 is the body's
			// fault: it is refused before decoding).
			for _, f := range rt.strings {
				for _, v := range unsafeTexts {
					field := f
					if !utf8.ValidString(v) {
						field = "body"
					}
					a.refusedNaming(t, http.StatusBadRequest, field, rt.method, rt.path, []byte(object(rt.base, f, v)), admin...)
				}
			}
			// A valid body without a Content-Type, or declared in another
			// charset: 415 naming the header.
			a.refusedNaming(t, http.StatusUnsupportedMediaType, "Content-Type", rt.method, rt.path, []byte(valid), append(admin, "Content-Type", "")...)
			a.refusedNaming(t, http.StatusUnsupportedMediaType, "Content-Type", rt.method, rt.path, []byte(valid),
				append(admin, "Content-Type", "application/json; charset=iso-8859-1")...)
		})
	}
	// The calendar with a price and "capacity": null: refused, not a price
	// change with the capacity left alone.
	arrival := strconv.Quote(a.arrival.String())
	calendar := `{"room_type_id":1,"start_date":` + arrival + `,"end_date":` + arrival + `,"price":"120.00","capacity":null}`
	a.unchanged(t, "nulls and bodies on routes that take none", func() {
		a.refusedNaming(t, http.StatusBadRequest, "capacity", "PUT", "/inventory/hotels/111/calendar", []byte(calendar), admin...)
		// A change of nothing but a null: refused, not a 200 that changed nothing.
		a.refusedNaming(t, http.StatusBadRequest, "guest_name", "PATCH", "/bookings/"+a.bookingID, []byte(`{"guest_name":null}`), "Authorization", "Bearer "+a.token)
		// Routes that take no body refuse one rather than ignore it.
		for _, body := range []string{`{}`, `{"reason":"changed plans"}`, `x`} {
			a.refusedNaming(t, http.StatusBadRequest, "body", "DELETE", "/bookings/"+a.bookingID, []byte(body), admin...)
			a.refusedNaming(t, http.StatusBadRequest, "body", "POST", "/bookings/"+a.bookingID+"/check-out", []byte(body), admin...)
			a.refusedNaming(t, http.StatusBadRequest, "body", "DELETE", "/bookings/"+a.bookingID, []byte(body), "Authorization", "Bearer "+a.token)
		}
	})
	// With an Idempotency-Key the body is read for its hash first; the
	// refusal is the key's answer, the one row that may change.
	before := a.counts()
	a.refusedNaming(t, http.StatusBadRequest, "body", "DELETE", "/bookings/"+a.bookingID, []byte(`{}`),
		"Authorization", "Bearer "+a.token, "Idempotency-Key", "hostile-delete-body")
	after := a.counts()
	if keys := after[8] - before[8]; keys > 1 {
		t.Errorf("DELETE with a body and an Idempotency-Key stored %d keys", keys)
	}
	if after[8] = before[8]; after != before {
		t.Errorf("DELETE with a body and an Idempotency-Key changed more than its key:\nbefore %v\nafter  %v", before, after)
	}
	// The booking is as it was: confirmed, under the name it was made with.
	ans := a.send(t, "GET", "/bookings/"+a.bookingID, nil, "Authorization", "Bearer "+a.token)
	var b struct {
		GuestName string `json:"guest_name"`
		Status    string `json:"reservation_status"`
		Version   int    `json:"version"`
	}
	if ans.status != http.StatusOK || json.Unmarshal(ans.body, &b) != nil || b.GuestName != "Hostile Tester" || b.Status != "confirmed" || b.Version != 1 {
		t.Errorf("after the strict-input attacks, the booking is %d %s", ans.status, ans.body)
	}
}

// refusedNaming is refused, with a problem whose errors name field.
func (a *attack) refusedNaming(t *testing.T, want int, field, method, path string, body []byte, headers ...string) {
	t.Helper()
	ans := a.refused(t, want, method, path, body, headers...)
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(ans.body, &p)
	if !slices.ContainsFunc(p.Errors, func(e struct {
		Field string `json:"field"`
	}) bool {
		return e.Field == field
	}) {
		t.Errorf("%s %s (body %.200q) = %d, the problem does not name %q:\n%.500s", method, path, body, ans.status, field, ans.body)
	}
}

// traversals are hostile path parameters, as written on the request line.
var traversals = []string{
	"..", "../..", "..%2f..%2f", "%2e%2e%2f%2e%2e%2f", "%2E%2E%2Finventory", "..%5c..%5c", "%2f", "%252e%252e%252f",
	"%00", "%ff", "'%3B%20DROP%20TABLE%20booking%3B--", "1%20OR%201%3D1", "9223372036854775808", "-9223372036854775809", "1e400", "-1",
	strings.Repeat("9", 300),
}

func (a *attack) checkPaths(t *testing.T) {
	arrival := strconv.Quote(a.arrival.String())
	adjust := object([]string{"room_type", `"Deluxe Rooms"`, "date", arrival, "num_rooms", "1"})
	before := a.counts()
	defer func() {
		if after := a.counts(); after != before {
			t.Errorf("hostile paths changed the database:\nbefore %v\nafter  %v", before, after)
		}
	}()
	for _, p := range traversals {
		for _, rc := range []struct {
			method, path, body string
		}{
			{"PATCH", "/bookings/" + p, `{"stay_length":3}`},
			{"DELETE", "/bookings/" + p, ""},
			{"POST", "/bookings/" + p + "/check-out", ""},
			{"GET", "/bookings/" + p, ""},
			{"POST", "/inventory/" + p + "/adjust", adjust},
			{"PUT", "/inventory/hotels/" + p + "/calendar", `{"room_type_id":1,"start_date":` + arrival + `,"end_date":` + arrival + `,"capacity":20}`},
			{"PATCH", "/inventory/hotels/" + p, `{"location":"London"}`},
			{"POST", "/inventory/hotels/" + p + "/room-types", `{"room_type":"Hostile Suite","max_occupancy":2}`},
			{"PATCH", "/inventory/hotels/111/room-types/" + p, `{"max_occupancy":2}`},
			{"GET", "/inventory/" + p, ""},
			{"GET", "/inventory/hotel_name/" + p, ""},
		} {
			var body []byte
			if rc.body != "" {
				body = []byte(rc.body)
			}
			a.refusedOrRedirected(t, rc.method, rc.path, body, admin...)
		}
	}
}

// refusedOrRedirected is refused, except that a path with dot segments may
// instead be redirected, as net/http's ServeMux does, to its clean form on
// this server — which then refuses it or is a read.
func (a *attack) refusedOrRedirected(t *testing.T, method, path string, body []byte, headers ...string) {
	t.Helper()
	ans := a.send(t, method, path, body, headers...)
	switch {
	case method == "GET" && ans.status == http.StatusOK:
		// A read whose path parameter decodes to a slash or a dot segment
		// may land on another read route (GET /inventory/%2f is the
		// listing); it must still be JSON without internals.
		if ct := ans.header.Get("Content-Type"); ct != "application/json" || !json.Valid(ans.body) {
			t.Errorf("%s %s = 200 %q", method, path, ct)
		}
		for _, l := range leakTexts {
			if bytes.Contains(ans.body, []byte(l)) {
				t.Errorf("%s %s = 200 shows %q", method, path, l)
			}
		}
	case ans.status == http.StatusMovedPermanently || ans.status == http.StatusTemporaryRedirect || ans.status == http.StatusPermanentRedirect:
		loc := ans.header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || !strings.Contains(path, "..") && !strings.Contains(strings.ToLower(path), "%2e") {
			t.Errorf("%s %s = %d to %q", method, path, ans.status, loc)
		}
	default:
		a.checkProblem(t, 0, method, path, body, ans)
	}
}

func (a *attack) checkQueries(t *testing.T) {
	values := []string{"%ff", "%00", url.QueryEscape(sqlStrings[0]), url.QueryEscape("1 OR 1=1"), "1e400",
		"9223372036854775808", "-9223372036854775809", "2030-02-30", "..%2F..%2F", strings.Repeat("x", 1000)}
	arrival := a.arrival.String()
	routes := []struct {
		path   string
		params []string
		base   string
		admin  bool
	}{
		{"/inventory/search", []string{"location", "hotel_id", "room_type", "check_in", "check_out", "adults", "children", "max_price", "limit", "cursor"},
			"location=london&check_in=" + arrival + "&check_out=" + a.arrival.AddDays(2).String(), false},
		{"/inventory/", []string{"location", "hotel_id", "room_type", "start_date", "end_date", "limit", "cursor"}, "location=london", false},
		{"/inventory/111", []string{"start_date", "end_date", "room_type", "limit", "cursor"}, "start_date=" + arrival, false},
		{"/bookings/", []string{"hotel_id", "status", "arrival_from", "arrival_to", "confirmation_code", "limit", "cursor"}, "limit=5", true},
	}
	before := a.counts()
	defer func() {
		if after := a.counts(); after != before {
			t.Errorf("hostile query strings changed the database:\nbefore %v\nafter  %v", before, after)
		}
	}()
	for _, rt := range routes {
		var headers []string
		if rt.admin {
			headers = admin
		}
		for _, p := range rt.params {
			for _, v := range values {
				q := rt.base + "&" + p + "=" + v
				if p == "location" || p == "room_type" || p == "confirmation_code" || p == "status" {
					// Free text: SQL-looking text is just text that matches
					// nothing; the request is refused for its typo instead.
					q += "&lmit=1"
				}
				a.refused(t, 0, "GET", rt.path+"?"+q, nil, headers...)
			}
		}
		a.refused(t, 0, "GET", rt.path+"?"+rt.base+"&"+rt.params[0]+"=a&"+rt.params[0]+"=b", nil, headers...)
		a.refused(t, 0, "GET", rt.path+"?"+rt.base+"&unknown=1", nil, headers...)
		a.refused(t, 0, "GET", rt.path+"?"+rt.base+"&%zz=1", nil, headers...)
		// Long but under the header limit: refused by the route.
		a.refused(t, 0, "GET", rt.path+"?"+rt.base+"&"+rt.params[0]+"="+strings.Repeat("x", 50<<10), nil, headers...)
		a.refused(t, 0, "GET", rt.path+"?"+rt.base+strings.Repeat("&x=1", 12<<10), nil, headers...)
	}
}

func (a *attack) checkLimits(t *testing.T) {
	// A request line over the 64 KiB header limit: net/http answers 431.
	for _, path := range []string{"/inventory/search?location=" + strings.Repeat("x", 100<<10), "/bookings/?" + strings.Repeat("a", 100<<10)} {
		before := a.counts()
		ans := a.send(t, "GET", path, nil, admin...)
		if ans.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("GET with a 100 KiB query = %d, want 431:\n%.300s", ans.status, ans.body)
		}
		if after := a.counts(); after != before {
			t.Errorf("GET with a 100 KiB query changed the database:\nbefore %v\nafter  %v", before, after)
		}
	}
	before := a.counts()
	ans := a.send(t, "POST", "/bookings/", nil, "X-Hostile", strings.Repeat("h", 100<<10))
	if ans.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("POST with a 100 KiB header = %d, want 431", ans.status)
	}
	if after := a.counts(); after != before {
		t.Errorf("a 100 KiB header changed the database:\nbefore %v\nafter  %v", before, after)
	}
	// Bodies over 1 MiB: 413, on every write route, valid JSON or not.
	big := []byte(a.bookingBody("guest_name", strconv.Quote(strings.Repeat("G", 1<<20))))
	a.unchanged(t, "bodies over 1 MiB", func() {
		for _, rt := range a.writeRoutes() {
			a.refused(t, http.StatusRequestEntityTooLarge, rt.method, rt.path, big, admin...)
			a.refused(t, http.StatusRequestEntityTooLarge, rt.method, rt.path, bytes.Repeat([]byte("["), 2<<20), admin...)
		}
		// With an Idempotency-Key, the body is read for its hash first.
		a.refused(t, http.StatusRequestEntityTooLarge, "POST", "/bookings/", big, "Idempotency-Key", hotel.NewIdempotencyKey())
	})
}

// checkAnonymous sends hostile bodies to admin routes without credentials,
// and with bad ones: 401 whatever the body.
func (a *attack) checkAnonymous(t *testing.T) {
	bodies := [][]byte{[]byte(`{`), []byte(strings.Repeat("[", 10001)), []byte(`{"num_rooms":1e400}`),
		[]byte(`{"room_type":"` + sqlStrings[0] + `"}`), bytes.Repeat([]byte("x"), 2<<20)}
	before := a.counts()
	for _, rt := range a.writeRoutes() {
		if rt.path == "/bookings/" {
			continue // anyone may book
		}
		for i, body := range bodies {
			auths := [][]string{nil}
			if i == 0 {
				auths = append(auths, []string{"Authorization", "Bearer " + sqlStrings[0]}, []string{"Authorization", "Basic " + testAdminKey},
					[]string{"Authorization", "Bearer hk_" + strings.Repeat("A", 300)})
			}
			for _, auth := range auths {
				ans := a.refused(t, http.StatusUnauthorized, rt.method, rt.path, body, auth...)
				if ans.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s 401 without WWW-Authenticate", rt.method, rt.path)
				}
			}
		}
	}
	a.refused(t, http.StatusUnauthorized, "DELETE", "/bookings/"+a.bookingID, nil)
	a.refused(t, http.StatusUnauthorized, "POST", "/bookings/"+a.bookingID+"/check-out", nil)
	a.refused(t, http.StatusUnauthorized, "PATCH", "/bookings/"+a.bookingID, []byte(`{"guest_name":"`+sqlStrings[0]+`"}`))
	a.refused(t, http.StatusUnauthorized, "GET", "/bookings/?status="+url.QueryEscape(sqlStrings[0]), nil)
	if after := a.counts(); after != before {
		t.Errorf("anonymous hostile requests changed the database:\nbefore %v\nafter  %v", before, after)
	}
}

// checkStoredLiterally sends SQL-looking text where any text is valid: it
// is stored as written and the tables are all still there.
func (a *attack) checkStoredLiterally(t *testing.T) {
	for _, s := range sqlStrings {
		before := a.counts()
		ans := a.send(t, "PATCH", "/bookings/"+a.bookingID, []byte(`{"guest_name":`+strconv.Quote(s)+`}`), admin...)
		var b struct {
			GuestName string `json:"guest_name"`
		}
		if ans.status != http.StatusOK || json.Unmarshal(ans.body, &b) != nil || b.GuestName != s {
			t.Errorf("PATCH guest_name %q = %d %s", s, ans.status, ans.body)
		}
		ans = a.send(t, "GET", "/bookings/"+a.bookingID, nil, "Authorization", "Bearer "+a.token)
		if b.GuestName = ""; ans.status != http.StatusOK || json.Unmarshal(ans.body, &b) != nil || b.GuestName != s {
			t.Errorf("GET after guest_name %q = %d %s", s, ans.status, ans.body)
		}
		after := a.counts()
		before[13]++ // the booking's version, nothing else
		if after != before {
			t.Errorf("PATCH guest_name %q changed more than the booking:\nbefore %v\nafter  %v", s, before, after)
		}
	}
	// Search and listing filters treat it as text that matches nothing.
	for _, q := range []string{"/inventory/search?location=" + url.QueryEscape(sqlStrings[1]) + "&check_in=" + a.arrival.String() + "&check_out=" + a.arrival.AddDays(1).String(),
		"/inventory/?location=" + url.QueryEscape(sqlStrings[0]), "/inventory/?room_type=" + url.QueryEscape(sqlStrings[1])} {
		ans := a.send(t, "GET", q, nil)
		if ans.status != http.StatusOK || bytes.Contains(ans.body, []byte(`"hotel_id"`)) {
			t.Errorf("GET %s = %d, want 200 with nothing found:\n%.300s", q, ans.status, ans.body)
		}
	}
	ans := a.send(t, "GET", "/bookings/?confirmation_code="+url.QueryEscape("' OR 1=1"), nil, admin...)
	if ans.status != http.StatusOK && ans.status != http.StatusBadRequest || ans.status == http.StatusOK && string(bytes.TrimSpace(ans.body)) != "[]" {
		t.Errorf("GET /bookings/?confirmation_code=' OR 1=1 = %d %.300s", ans.status, ans.body)
	}
}

// checkSlowBody sends the headers of a request, then its body a byte at a
// time, too slowly: the server must give up on it within the read timeout
// (with an answer or by closing the connection), change nothing, and stay
// available.
func (a *attack) checkSlowBody(t *testing.T) {
	for _, rt := range []struct{ method, path string }{{"POST", "/bookings/"}, {"POST", "/inventory/111/adjust"}} {
		before := a.counts()
		u, err := url.Parse(a.gw)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		body := a.bookingBody()
		head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
			rt.method, rt.path, u.Host, testAdminKey, len(body))
		start := time.Now()
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		// Trickle the body; stop when the server hangs up or the test ends.
		done := make(chan struct{})
		trickled := make(chan struct{})
		go func() {
			defer close(trickled)
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for i := 0; i < len(body); i++ {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				if _, err := conn.Write([]byte{body[i]}); err != nil {
					return
				}
			}
		}()
		limit := hostileReadTimeout + 5*time.Second
		_ = conn.SetReadDeadline(time.Now().Add(limit + 5*time.Second))
		resp, rerr := http.ReadResponse(bufio.NewReader(conn), nil)
		var status int
		if rerr == nil {
			status = resp.StatusCode
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if status < 400 || status > 499 || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("slow %s %s = %d %q %s, want a 4xx problem or a closed connection", rt.method, rt.path, status, resp.Header.Get("Content-Type"), data)
			}
		} else if ne := (net.Error)(nil); errors.As(rerr, &ne) && ne.Timeout() {
			t.Errorf("slow %s %s: the server still waited for the body after %v", rt.method, rt.path, time.Since(start))
		}
		elapsed := time.Since(start)
		close(done)
		_ = conn.Close()
		<-trickled
		if elapsed > limit {
			t.Errorf("slow %s %s: the server took %v to give up (read timeout %v)", rt.method, rt.path, elapsed, hostileReadTimeout)
		}
		if elapsed < hostileReadTimeout-500*time.Millisecond {
			t.Errorf("slow %s %s: cut off after %v, before the read timeout of %v (status %d, %v)", rt.method, rt.path, elapsed, hostileReadTimeout, status, rerr)
		}
		if after := a.counts(); after != before {
			t.Errorf("slow %s %s changed the database:\nbefore %v\nafter  %v", rt.method, rt.path, before, after)
		}
	}
	// The server is still there for everyone else.
	if ans := a.send(t, "GET", "/inventory/hotel_name/111", nil); ans.status != http.StatusOK {
		t.Fatalf("after the slow bodies, GET /inventory/hotel_name/111 = %d", ans.status)
	}
}
