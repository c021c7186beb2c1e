package inventoryhttp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/web"
)

// HTTP-level tests of the inventory server: the wire format (seed field
// names, decimal prices, Link pagination, problem+json errors) through the
// same middleware and ProblemMux as cmd/hotel, on every driver.

// get performs method target on srv and returns the response with its body read.
func get(t *testing.T, srv *httptest.Server, method, target string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// leaks are fragments of internals no response may show.
var leaks = []string{"sql", "select", "pgx", "sqlite", "goroutine ", ".go:"}

// checkProblem checks an error response: status, problem+json with the
// platform's members, the invalid field if any, and no internals.
func checkProblem(t *testing.T, resp *http.Response, body []byte, status int, field string) web.Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != web.ProblemContentType {
		t.Fatalf("Content-Type %q, want %q", ct, web.ProblemContentType)
	}
	checkNoLeak(t, body)
	var p web.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body is not a problem: %v: %s", err, body)
	}
	if p.Status != status || p.Code == "" || p.Title == "" || p.Type == "" {
		t.Fatalf("problem %+v lacks status %d, code, title or type", p, status)
	}
	if p.RequestID == "" || p.RequestID != resp.Header.Get(web.RequestIDHeader) {
		t.Fatalf("problem request_id %q, header %q; want the same, non-empty", p.RequestID, resp.Header.Get(web.RequestIDHeader))
	}
	if field != "" && !slices.ContainsFunc(p.Errors, func(f hotel.FieldError) bool { return f.Field == field && f.Reason != "" }) {
		t.Fatalf("problem errors %+v do not name %q", p.Errors, field)
	}
	return p
}

func checkNoLeak(t *testing.T, body []byte) {
	t.Helper()
	lower := strings.ToLower(string(body))
	for _, l := range leaks {
		if strings.Contains(lower, l) {
			t.Fatalf("response shows internals (%q): %s", l, body)
		}
	}
}

func TestServer(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, d)
			srv := serve(t, inventory.NewService(st, at(t, noon)), st)
			tests := []struct {
				name string
				run  func(t *testing.T, srv *httptest.Server)
			}{
				{"ListJSON", testListJSON},
				{"LinkPagination", testLinkPagination},
				{"HotelName", testHotelName},
				{"Errors", testErrors},
				{"SQLInFilters", testSQLInFilters},
				{"StrictBodies", testStrictBodies},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, srv)
				})
			}
		})
	}
}

func testListJSON(t *testing.T, srv *httptest.Server) {
	row := func(roomType string, total, avail float64, price string) map[string]any {
		return map[string]any{
			"hotel_id": float64(london), "hotel_name": "Test Hotel 100", "location": "London",
			"room_type": roomType, "date": "2030-01-01", "available_rooms": avail, "total_rooms": total,
			"room_price": price, "currency": "GBP", "demand_level": "medium",
		}
	}
	want := []map[string]any{row("Standard Rooms", 10, 10, "304.00"), row("Deluxe Rooms", 11, 10, "364.80")}
	for _, target := range []string{
		"/inventory/?hotel_id=100&start_date=2030-01-01&end_date=2030-01-01",
		"/inventory?location=london&start_date=2030-01-01&end_date=2030-01-01",
		"/inventory/100?start_date=2030-01-01&end_date=2030-01-01",
		"/inventory/100?end_date=2030-01-01", // today in London at noon
	} {
		resp, body := get(t, srv, http.MethodGet, target)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s: %s", target, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if link := resp.Header.Get("Link"); link != "" {
			t.Errorf("%s: Link %q on the only page", target, link)
		}
		var got []map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: body is not a JSON array of objects: %v: %s", target, err, body)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d: %s", target, len(got), len(want), body)
		}
		for i := range want {
			for k, v := range want[i] {
				if got[i][k] != v {
					t.Errorf("%s: row %d: %s = %#v, want %#v", target, i, k, got[i][k], v)
				}
			}
		}
	}
	// An empty listing is an empty array, not null.
	resp, body := get(t, srv, http.MethodGet, "/inventory/?location=Nowhere")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("empty listing = %d %s, want 200 []", resp.StatusCode, body)
	}
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func testLinkPagination(t *testing.T, srv *httptest.Server) {
	tests := []struct {
		target string
		rows   int
		limit  int
	}{
		{"/inventory/?start_date=2030-01-01&end_date=2030-01-03&limit=5", 12, 5},
		{"/inventory/?start_date=2030-01-01&end_date=2030-01-03&limit=4", 12, 4},
		{"/inventory/101?limit=7", 60, 7},
		{"/inventory/100?room_type=Deluxe%20Rooms&limit=30", 30, 30},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			t.Parallel()
			seen := map[string]bool{}
			target, pages := tc.target, 0
			for target != "" {
				pages++
				resp, body := get(t, srv, http.MethodGet, target)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("page %d (%s): %d %s", pages, target, resp.StatusCode, body)
				}
				var items []hotel.InventoryItem
				if err := json.Unmarshal(body, &items); err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					k := key(it).String()
					if seen[k] {
						t.Fatalf("page %d repeats row %+v", pages, key(it))
					}
					seen[k] = true
				}
				target = next(t, resp, pages, len(items), tc.limit)
			}
			if len(seen) != tc.rows || pages != (tc.rows+tc.limit-1)/tc.limit {
				t.Fatalf("%d rows on %d pages, want %d rows on %d", len(seen), pages, tc.rows, (tc.rows+tc.limit-1)/tc.limit)
			}
		})
	}
}

// next returns the target of resp's Link: rel="next", or "" without one; it
// fails t unless the link is a path on this server and page number page
// (of n rows) is full.
func next(t *testing.T, resp *http.Response, page, n, limit int) string {
	t.Helper()
	link := resp.Header.Get("Link")
	if link == "" {
		return ""
	}
	m := nextLink.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("page %d: Link %q is not <…>; rel=\"next\"", page, link)
	}
	u, err := url.Parse(m[1])
	if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/inventory") {
		t.Fatalf("page %d: next link %q should be a path on this server", page, m[1])
	}
	if n != limit {
		t.Fatalf("page %d has %d rows and a next link, want %d", page, n, limit)
	}
	return m[1]
}

// TestAdjustmentLogPages follows the adjustment log's Link pages: newest
// first, every adjustment once, no link after the last page.
func TestAdjustmentLogPages(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, d)
			svc := inventory.NewService(st, at(t, noon))
			var want []int64
			for i := range 5 {
				a := hotel.Adjustment{HotelID: london, RoomTypeID: londonStandard, StartDate: date("2030-03-01").AddDays(i), NumRooms: 1, Actor: actorName}
				if _, err := svc.Adjust(context.Background(), &a); err != nil {
					t.Fatal(err)
				}
				want = append([]int64{a.ID}, want...)
			}
			srv := serve(t, svc, st)
			var got []int64
			target, pages := "/inventory/hotels/100/adjustments?limit=2", 0
			for target != "" {
				pages++
				resp, body := get(t, srv, http.MethodGet, target)
				var as []hotel.Adjustment
				if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &as) != nil {
					t.Fatalf("page %d (%s): %d %s", pages, target, resp.StatusCode, body)
				}
				for _, a := range as {
					got = append(got, a.ID)
				}
				target = next(t, resp, pages, len(as), 2)
			}
			if !slices.Equal(got, want) || pages != 3 {
				t.Fatalf("ids %v on %d pages, want %v (newest first) on 3", got, pages, want)
			}
		})
	}
}

func testHotelName(t *testing.T, srv *httptest.Server) {
	resp, body := get(t, srv, http.MethodGet, "/inventory/hotel_name/101")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"hotel_id": float64(auckland), "hotel_name": "Test Hotel 101"}
	if len(got) != len(want) || got["hotel_id"] != want["hotel_id"] || got["hotel_name"] != want["hotel_name"] {
		t.Fatalf("body %s, want exactly %v", body, want)
	}
}

// cursorOf encodes raw as a page token, for tokens the API never issues.
func cursorOf(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }

func testErrors(t *testing.T, srv *httptest.Server) {
	tests := []struct {
		method, target string
		status         int
		field          string
	}{
		{"GET", "/inventory/hotel_name/999999", 404, ""},
		{"GET", "/inventory/hotels/999999", 404, ""},
		{"GET", "/inventory/999999", 404, ""},
		{"GET", "/inventory/999999?start_date=2030-01-10&end_date=2030-01-09", 404, ""},
		{"GET", "/inventory/abc", 400, "hotel_id"},
		{"GET", "/inventory/0", 400, "hotel_id"},
		{"GET", "/inventory/-3", 400, "hotel_id"},
		{"GET", "/inventory/99999999999999999999", 400, "hotel_id"},
		{"GET", "/inventory/1e3", 400, "hotel_id"},
		{"GET", "/inventory/hotel_name/abc", 400, "hotel_id"},
		{"GET", "/inventory/hotels/abc", 400, "hotel_id"},
		{"GET", "/inventory/?bogus=1", 400, "bogus"},
		{"GET", "/inventory/?Location=London", 400, "Location"},
		{"GET", "/inventory/100?location=London", 400, "location"},
		{"GET", "/inventory/100?hotel_id=100", 400, "hotel_id"},
		{"GET", "/inventory/hotel_name/100?x=1", 400, "x"},
		{"GET", "/inventory/?%zz=1", 400, "query"},
		{"GET", "/inventory/?start_date=2030-13-01", 400, "start_date"},
		{"GET", "/inventory/?start_date=2030-02-30", 400, "start_date"},
		{"GET", "/inventory/?start_date=tomorrow", 400, "start_date"},
		{"GET", "/inventory/?start_date=", 400, "start_date"},
		{"GET", "/inventory/?start_date=2030-01-01T00:00:00Z", 400, "start_date"},
		{"GET", "/inventory/?end_date=2030-1-5", 400, "end_date"},
		{"GET", "/inventory/100?start_date=2030-13-01", 400, "start_date"},
		{"GET", "/inventory/100?end_date=2030-02-30", 400, "end_date"},
		{"GET", "/inventory/100?start_date=tomorrow", 400, "start_date"},
		{"GET", "/inventory/?limit=1&limit=2", 400, "limit"},
		{"GET", "/inventory/?location=London&location=Auckland", 400, "location"},
		{"GET", "/inventory/100?start_date=2030-01-01&start_date=2030-01-02", 400, "start_date"},
		{"GET", "/inventory/?limit=0", 400, "limit"},
		{"GET", "/inventory/?limit=-1", 400, "limit"},
		{"GET", "/inventory/?limit=5001", 400, "limit"},
		{"GET", "/inventory/?limit=ten", 400, "limit"},
		{"GET", "/inventory/100?limit=5001", 400, "limit"},
		{"GET", "/inventory/?hotel_id=abc", 400, "hotel_id"},
		{"GET", "/inventory/?hotel_id=0", 400, "hotel_id"},
		{"GET", "/inventory/?cursor=not-a-cursor", 400, "cursor"},
		{"GET", "/inventory/?cursor=" + cursorOf("0|2030-01-01|1000"), 400, "cursor"},
		{"GET", "/inventory/?cursor=" + cursorOf("100|2030-02-30|1000"), 400, "cursor"},
		{"GET", "/inventory/100?cursor=" + cursorOf("100|2030-01-01"), 400, "cursor"},
		{"GET", "/inventory/?cursor=" + strings.Repeat("A", 200), 400, "cursor"},
		{"GET", "/inventory/?limit=0&cursor=nope", 400, "cursor"},
		{"GET", "/inventory/100?start_date=2030-01-10&end_date=2030-01-09", 400, "end_date"},
		{"GET", "/inventory/?start_date=2030-01-01&end_date=2031-01-02", 400, "end_date"},
		{"GET", "/inventory/100?end_date=2031-01-02", 400, "end_date"},
		{"GET", "/inventory/?location=Lon%00don", 400, "location"},
		{"GET", "/inventory/?location=Lond%FFn", 400, "location"},
		{"GET", "/inventory/?room_type=" + strings.Repeat("x", 101), 400, "room_type"},
		{"POST", "/inventory/", 405, ""},
		{"POST", "/inventory", 405, ""},
		{"POST", "/inventory/100", 405, ""},
		{"PUT", "/inventory/hotels/100", 405, ""},
		{"DELETE", "/inventory/hotel_name/100", 405, ""},
		{"GET", "/nope", 404, ""},
		{"GET", "/inventory/100/extra", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			t.Parallel()
			resp, body := get(t, srv, tc.method, tc.target)
			p := checkProblem(t, resp, body, tc.status, tc.field)
			wantCode := map[int]string{400: hotel.EINVALID, 404: hotel.ENOTFOUND, 405: "method_not_allowed"}[tc.status]
			if p.Code != wantCode {
				t.Errorf("code %q, want %q", p.Code, wantCode)
			}
			if tc.status == http.StatusMethodNotAllowed && !strings.Contains(resp.Header.Get("Allow"), "GET") {
				t.Errorf("Allow %q, want GET in it", resp.Header.Get("Allow"))
			}
		})
	}
}

func testSQLInFilters(t *testing.T, srv *httptest.Server) {
	// The group returns only when its parallel cases have finished.
	t.Run("cases", func(t *testing.T) {
		for _, q := range []url.Values{
			{"location": {"London' OR '1'='1"}},
			{"location": {"') OR 1=1 --"}},
			{"room_type": {`x"; DROP TABLE hotel; --`}},
			{"room_type": {"Deluxe Rooms' --"}},
			{"location": {"%"}, "room_type": {"_"}},
			{"location": {"London; SELECT pg_sleep(10)"}},
		} {
			for _, path := range []string{"/inventory/", "/inventory/100"} {
				if path != "/inventory/" && q.Has("location") {
					continue // location is no parameter of one hotel's inventory
				}
				target := path + "?" + q.Encode()
				t.Run(target, func(t *testing.T) {
					t.Parallel()
					resp, body := get(t, srv, http.MethodGet, target)
					if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "[]" || resp.Header.Get("Link") != "" {
						t.Fatalf("= %d %s (Link %q), want 200 [] and no Link", resp.StatusCode, body, resp.Header.Get("Link"))
					}
				})
			}
		}
	})
	resp, body := get(t, srv, http.MethodGet, "/inventory/?limit=5000")
	var items []hotel.InventoryItem
	if err := json.Unmarshal(body, &items); resp.StatusCode != http.StatusOK || err != nil || len(items) != 2*2*fixtureDays {
		t.Fatalf("after SQL-looking filters: %d, %d rows, %v; want all %d rows", resp.StatusCode, len(items), err, 2*2*fixtureDays)
	}
}

// TestInternalErrorsDoNotLeak breaks the database under a running server
// and checks the 5xx answers are problems that show nothing of the
// driver's error, which the in-process service does see.
func TestInternalErrorsDoNotLeak(t *testing.T) {
	t.Parallel()
	everything := []string{"/inventory/?limit=1", "/inventory/101", "/inventory/hotel_name/100", "/inventory/hotels/100"}
	tests := []struct {
		name    string
		driver  string
		damage  func(t *testing.T, st store.Store)
		targets []string
	}{
		{"closed store", "sqlite", func(t *testing.T, st store.Store) { st.Close() }, everything},
		{"closed store", "postgres", func(t *testing.T, st store.Store) { st.Close() }, everything},
		// The hotel table is intact, so only the listings fail.
		{"dropped table", "postgres", func(t *testing.T, st store.Store) {
			if _, err := st.(*postgres.Store).Pool().Exec(context.Background(), `DROP TABLE inventory_night CASCADE`); err != nil {
				t.Fatal(err)
			}
		}, everything[:2]},
	}
	for _, tc := range tests {
		t.Run(tc.driver+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, drivers[slices.IndexFunc(drivers, func(d driver) bool { return d.name == tc.driver })])
			svc := inventory.NewService(st, at(t, noon))
			srv := serve(t, svc, st)
			tc.damage(t, st)
			_, err := svc.ListInventory(context.Background(), hotel.InventoryFilter{})
			cause := err
			for errors.Unwrap(cause) != nil {
				cause = errors.Unwrap(cause)
			}
			if cause == nil || cause == err { //nolint:errorlint // identity: did the service wrap the cause at all?
				t.Fatalf("ListInventory on the damaged store = %v, want an error wrapping the driver's", err)
			}
			for _, target := range tc.targets {
				resp, body := get(t, srv, http.MethodGet, target)
				p := checkProblem(t, resp, body, resp.StatusCode, "")
				if strings.Contains(string(body), cause.Error()) {
					t.Fatalf("%s: body shows the cause %q: %s", target, cause, body)
				}
				if resp.StatusCode < 500 || (p.Code != hotel.EINTERNAL && p.Code != hotel.EUNAVAILABLE) {
					t.Fatalf("%s: %d %s, want a 5xx internal or unavailable problem", target, resp.StatusCode, body)
				}
			}
		})
	}
}

// panicking is an InventoryService whose every method panics: the read
// methods with a message full of internals, the others (reaching the nil
// embedded interface) with a nil dereference.
type panicking struct{ hotel.InventoryService }

const panicText = "pgx: SELECT secret FROM sqlite_master; goroutine 7 [running]"

func (panicking) GetHotel(context.Context, int64) (*hotel.Hotel, error) { panic(panicText) }
func (panicking) ListInventory(context.Context, hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	panic(panicText)
}
func (panicking) HotelInventory(context.Context, int64, hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	panic(panicText)
}

func TestPanicsBecomeOpaqueProblems(t *testing.T) {
	t.Parallel()
	srv := serve(t, panicking{}, nil)
	for _, target := range []string{"/inventory/", "/inventory/100", "/inventory/hotel_name/100", "/inventory/hotels/100"} {
		resp, body := get(t, srv, http.MethodGet, target)
		p := checkProblem(t, resp, body, http.StatusInternalServerError, "")
		if p.Code != hotel.EINTERNAL {
			t.Errorf("%s: code %q, want %q", target, p.Code, hotel.EINTERNAL)
		}
	}
}
