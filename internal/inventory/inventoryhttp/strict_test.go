package inventoryhttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
)

// send makes one request with body and, unless ct is "-", Content-Type ct.
func send(t *testing.T, srv *httptest.Server, method, target, ct, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "-" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// testStrictBodies sends the write routes bodies the platform's one
// decoder (web.Decode) and its one text check (hotel.TextFault) refuse:
// each is a 4xx problem naming the field or header. Every request is
// refused, so the tests sharing the server are unaffected.
func testStrictBodies(t *testing.T, srv *httptest.Server) {
	const (
		calendar = "/inventory/hotels/100/calendar"
		hotel100 = "/inventory/hotels/100"
		release  = "/inventory/holds/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/release"
		json     = "application/json"
	)
	night := `"room_type_id":1000,"start_date":"2030-03-01","end_date":"2030-03-01"`
	adjust := func(reason string) string {
		return `{"room_type":"Standard Rooms","date":"2030-03-01","num_rooms":1,"reason":"` + reason + `"}`
	}
	for _, tc := range []struct {
		name, method, target, ct, body string
		status                         int
		field, reason                  string
	}{
		// Explicit null is not "absent".
		{"null capacity", "PUT", calendar, json, `{` + night + `,"capacity":null,"price":"120.00"}`, 400, "capacity", "must not be null"},
		{"null price", "PUT", calendar, json, `{` + night + `,"price":null}`, 400, "price", "must not be null"},
		{"null demand level", "PUT", calendar, json, `{` + night + `,"capacity":5,"demand_level":null}`, 400, "demand_level", "must not be null"},
		{"null hotel name", "PATCH", hotel100, json, `{"hotel_name":null}`, 400, "hotel_name", "must not be null"},
		{"null from", "POST", release, json, `{"from":null}`, 400, "from", "must not be null"},
		// Duplicate and differently-cased names.
		{"duplicate name", "PATCH", hotel100, json, `{"hotel_name":"A","hotel_name":"B"}`, 400, "hotel_name", "is given more than once"},
		{"duplicate capacity", "PUT", calendar, json, `{` + night + `,"capacity":5,"capacity":500}`, 400, "capacity", "is given more than once"},
		{"name in capitals", "PATCH", hotel100, json, `{"LOCATION":"Leeds"}`, 400, "LOCATION", "unknown field (names are case-sensitive: location)"},
		// Content types.
		{"no content type", "PATCH", hotel100, "-", `{"location":"Leeds"}`, 415, "Content-Type", "is required: application/json"},
		{"text", "PATCH", hotel100, "text/plain", `{"location":"Leeds"}`, 415, "Content-Type", "must be application/json"},
		{"UTF-16", "PUT", calendar, "application/json; charset=utf-16", `{` + night + `,"capacity":5}`, 415, "Content-Type", "must have no charset but utf-8"},
		{"release without content type", "POST", release, "-", `{"from":"2030-01-02"}`, 415, "Content-Type", "is required: application/json"},
		// Bytes and text.
		{"invalid UTF-8", "PATCH", hotel100, json, "{\"location\":\"Lee\xffds\"}", 400, "body", "must be valid UTF-8"},
		{"bidi override in a reason", "POST", "/inventory/100/adjust", json, adjust(`refurb \u202eksed`), 400, "reason",
			"must not contain bidirectional control characters (such as U+202E)"},
		{"line separator in a reason", "POST", "/inventory/100/adjust", json, adjust(`refurb\u2028ishment`), 400, "reason",
			"must be a single line: no line or paragraph separators (U+2028, U+2029)"},
		{"paragraph separator in a name", "PATCH", hotel100, json, `{"hotel_name":"Grand\u2029Hotel"}`, 400, "hotel_name",
			"must be a single line: no line or paragraph separators (U+2028, U+2029)"},
		{"tab in a location", "PATCH", hotel100, json, `{"location":"Lon\tdon"}`, 400, "location", "must not contain control characters"},
		{"isolate in a room type", "POST", "/inventory/hotels/100/room-types", json, `{"room_type":"Suite\u2066x\u2069","max_occupancy":2}`, 400, "room_type",
			"must not contain bidirectional control characters (such as U+202E)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, srv, tc.method, tc.target, tc.ct, tc.body)
			p := checkProblem(t, resp, body, tc.status, tc.field)
			for _, f := range p.Errors {
				if f.Field == tc.field && f.Reason != tc.reason {
					t.Fatalf("%s: reason %q, want %q", tc.field, f.Reason, tc.reason)
				}
			}
			if tc.status == 415 && p.Code != hotel.EUNSUPPORTEDMEDIA {
				t.Fatalf("code %q, want %q", p.Code, hotel.EUNSUPPORTEDMEDIA)
			}
		})
	}
}
