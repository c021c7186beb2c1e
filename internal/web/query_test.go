package web_test

import (
	"errors"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// inventoryQuery is what a list handler would read from its query string.
type inventoryQuery struct {
	Location  string
	Limit     int64
	HotelID   int64
	StartDate hotel.Date
}

func readInventoryQuery(r *http.Request) (inventoryQuery, error) {
	q := web.NewQuery(r, "location", "limit", "hotel_id", "start_date")
	v := inventoryQuery{
		Location:  q.String("location", 16),
		Limit:     q.Int64("limit", 1, 5000),
		HotelID:   q.Int64("hotel_id", math.MinInt64, math.MaxInt64),
		StartDate: q.Date("start_date"),
	}
	return v, q.Err()
}

func TestQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		rawQuery   string
		want       inventoryQuery
		wantFields map[string]string // field → substring of its reason; nil means no error
	}{
		{name: "none", rawQuery: ""},
		{
			name:     "all valid",
			rawQuery: "location=Paris&limit=5000&hotel_id=-9223372036854775808&start_date=2024-02-29",
			want:     inventoryQuery{Location: "Paris", Limit: 5000, HotelID: math.MinInt64, StartDate: hotel.NewDate(2024, 2, 29)},
		},
		{name: "escaped and trimmed", rawQuery: "location=+New%20York%20", want: inventoryQuery{Location: "New York"}},
		{name: "non-ASCII", rawQuery: "location=K%C3%B8benhavn", want: inventoryQuery{Location: "København"}},
		{name: "empty value", rawQuery: "location=", want: inventoryQuery{}},
		{name: "lower bound", rawQuery: "limit=1", want: inventoryQuery{Limit: 1}},
		{name: "max int64", rawQuery: "hotel_id=9223372036854775807", want: inventoryQuery{HotelID: math.MaxInt64}},

		{name: "unknown parameter", rawQuery: "start=2025-01-01", wantFields: map[string]string{"start": "unknown query parameter; allowed: location, limit, hotel_id, start_date"}},
		{name: "parameter names are case-sensitive", rawQuery: "Limit=5", wantFields: map[string]string{"Limit": "unknown query parameter"}},
		{name: "overlong unknown name is cut", rawQuery: strings.Repeat("x", 200) + "=1", wantFields: map[string]string{strings.Repeat("x", 64): "unknown query parameter"}},
		{name: "invalid UTF-8 unknown name", rawQuery: "%ff%fe=1", wantFields: map[string]string{"?": "unknown query parameter"}},
		{name: "repeated parameter", rawQuery: "limit=1&limit=2", wantFields: map[string]string{"limit": "must be given at most once"}},
		{name: "repeated empty parameter", rawQuery: "location&location", wantFields: map[string]string{"location": "must be given at most once"}},
		{name: "bad query string", rawQuery: "limit=1;hotel_id=2", wantFields: map[string]string{"query": "not a valid URL query string"}},
		{name: "bad escape", rawQuery: "location=%zz", wantFields: map[string]string{"query": "not a valid URL query string"}},

		{name: "int below range", rawQuery: "limit=0", wantFields: map[string]string{"limit": "must be an integer between 1 and 5000"}},
		{name: "int above range", rawQuery: "limit=5001", wantFields: map[string]string{"limit": "between 1 and 5000"}},
		{name: "negative", rawQuery: "limit=-1", wantFields: map[string]string{"limit": "between 1 and 5000"}},
		{name: "int64 overflow", rawQuery: "hotel_id=9223372036854775808", wantFields: map[string]string{"hotel_id": "must be an integer"}},
		{name: "not a number", rawQuery: "limit=ten", wantFields: map[string]string{"limit": "must be an integer"}},
		{name: "fraction", rawQuery: "limit=1.5", wantFields: map[string]string{"limit": "must be an integer"}},
		{name: "empty int", rawQuery: "limit=", wantFields: map[string]string{"limit": "must be an integer"}},
		{name: "hex", rawQuery: "limit=0x10", wantFields: map[string]string{"limit": "must be an integer"}},

		{name: "February 30", rawQuery: "start_date=2025-02-30", wantFields: map[string]string{"start_date": "must be a real date in YYYY-MM-DD form"}},
		{name: "February 29 of a common year", rawQuery: "start_date=2025-02-29", wantFields: map[string]string{"start_date": "real date"}},
		{name: "month 13", rawQuery: "start_date=2025-13-01", wantFields: map[string]string{"start_date": "real date"}},
		{name: "short form", rawQuery: "start_date=2025-3-1", wantFields: map[string]string{"start_date": "YYYY-MM-DD"}},
		{name: "timestamp", rawQuery: "start_date=2025-03-01T00:00:00Z", wantFields: map[string]string{"start_date": "YYYY-MM-DD"}},
		{name: "slashes", rawQuery: "start_date=2025%2F03%2F01", wantFields: map[string]string{"start_date": "YYYY-MM-DD"}},

		{name: "NUL", rawQuery: "location=Pa%00ris", wantFields: map[string]string{"location": "must not contain control characters"}},
		{name: "newline inside", rawQuery: "location=Pa%0Aris", wantFields: map[string]string{"location": "control characters"}},
		{name: "DEL", rawQuery: "location=Pa%7Fris", wantFields: map[string]string{"location": "control characters"}},
		{name: "escape sequence", rawQuery: "location=%1B%5B31m", wantFields: map[string]string{"location": "control characters"}},
		{name: "trailing tab", rawQuery: "location=Paris%09", wantFields: map[string]string{"location": "control characters"}},
		{name: "C1 control", rawQuery: "location=Pa%C2%85ris", wantFields: map[string]string{"location": "control characters"}},
		{name: "right-to-left override", rawQuery: "location=Pa%E2%80%AEris", wantFields: map[string]string{"location": "bidirectional control"}},
		{name: "line separator", rawQuery: "location=Paris%E2%80%A8", wantFields: map[string]string{"location": "single line"}},
		{name: "overlong string", rawQuery: "location=" + strings.Repeat("a", 17), wantFields: map[string]string{"location": "must be at most 16 bytes"}},
		{name: "overlong counts bytes", rawQuery: "location=" + strings.Repeat("%C3%B8", 9), wantFields: map[string]string{"location": "at most 16 bytes"}},
		{name: "invalid UTF-8", rawQuery: "location=Par%FFis", wantFields: map[string]string{"location": "must be valid UTF-8"}},

		{
			name:     "every problem at once",
			rawQuery: "limit=0&start_date=2025-02-30&location=%00&hotel_id=x&hotel_id=y&sort=name",
			wantFields: map[string]string{
				"limit": "between", "start_date": "real date", "location": "control", "hotel_id": "at most once", "sort": "unknown",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/inventory", nil)
			r.URL.RawQuery = tt.rawQuery
			got, err := readInventoryQuery(r)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("error = %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("query = %+v, want %+v", got, tt.want)
				}
				return
			}
			var he *hotel.Error
			if !errors.As(err, &he) || he.Code != hotel.EINVALID {
				t.Fatalf("error = %v, want EINVALID", err)
			}
			fields := map[string]string{}
			for _, f := range he.Fields {
				if _, dup := fields[f.Field]; dup {
					t.Errorf("field %q reported twice: %+v", f.Field, he.Fields)
				}
				fields[f.Field] = f.Reason
			}
			if len(fields) != len(tt.wantFields) {
				t.Errorf("fields = %+v, want exactly %v", he.Fields, slices.Sorted(maps.Keys(tt.wantFields)))
			}
			for field, reason := range tt.wantFields {
				if got, ok := fields[field]; !ok || !strings.Contains(got, reason) {
					t.Errorf("field %q: reason %q, want it to contain %q (all: %+v)", field, got, reason, he.Fields)
				}
			}
		})
	}
}

func TestPathID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  int64
		ok    bool
	}{
		{"1", 1, true},
		{"42", 42, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"007", 7, true},
		{"0", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"1.0", 0, false},
		{"9223372036854775808", 0, false},
		{" 1", 0, false},
		{"0x1", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/hotels/x", nil)
			r.SetPathValue("hotel_id", tt.value)
			got, err := web.PathID(r, "hotel_id")
			if tt.ok {
				if err != nil || got != tt.want {
					t.Errorf("PathID = %d, %v; want %d", got, err, tt.want)
				}
				return
			}
			var he *hotel.Error
			if !errors.As(err, &he) || he.Code != hotel.EINVALID {
				t.Fatalf("PathID = %d, %v; want EINVALID", got, err)
			}
			want := []hotel.FieldError{{Field: "hotel_id", Reason: "must be a positive integer"}}
			if got != 0 || !reflect.DeepEqual(he.Fields, want) {
				t.Errorf("PathID = %d, fields %+v; want 0, %+v", got, he.Fields, want)
			}
		})
	}
}

// PathID reads the value the mux matched.
func TestPathIDThroughMux(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	got := make(chan int64, 1)
	mux.HandleFunc("GET /hotels/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		got <- id
	})
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/hotels/31", nil))
	if id := <-got; id != 31 {
		t.Errorf("PathID = %d, want 31", id)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/hotels/0", nil))
	if w.Code != http.StatusBadRequest {
		t.Errorf("/hotels/0: status %d, want 400", w.Code)
	}
}

func TestProblemMux(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hotels/{id}", func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("POST /hotels", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("/docs/", func(w http.ResponseWriter, r *http.Request) {})
	h := web.ProblemMux(mux)

	tests := []struct {
		method, target string
		wantStatus     int
		wantCode       string // problem code; "" means not a problem
		wantAllow      []string
		wantLocation   string
	}{
		{method: "GET", target: "/hotels/7", wantStatus: 200},
		{method: "HEAD", target: "/hotels/7", wantStatus: 200},
		{method: "POST", target: "/hotels", wantStatus: 201},
		{method: "GET", target: "/nowhere", wantStatus: 404, wantCode: hotel.ENOTFOUND},
		{method: "GET", target: "/hotels/7/rooms", wantStatus: 404, wantCode: hotel.ENOTFOUND},
		{method: "GET", target: "/", wantStatus: 404, wantCode: hotel.ENOTFOUND},
		{method: "DELETE", target: "/hotels/7", wantStatus: 405, wantCode: hotel.EMETHODNOTALLOWED, wantAllow: []string{"GET", "HEAD"}},
		{method: "PUT", target: "/hotels", wantStatus: 405, wantCode: hotel.EMETHODNOTALLOWED, wantAllow: []string{"POST"}},
		// Redirects are the mux's own answer, passed through.
		{method: "GET", target: "/docs", wantStatus: muxStatus(mux, "GET", "/docs"), wantLocation: "/docs/"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.target, nil)
			r = r.WithContext(web.WithRequestID(r.Context(), "rid-1"))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			resp := w.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.wantStatus, w.Body.String())
			}
			if loc := resp.Header.Get("Location"); loc != tt.wantLocation {
				t.Errorf("Location = %q, want %q", loc, tt.wantLocation)
			}
			if tt.wantCode == "" {
				if ct := resp.Header.Get("Content-Type"); ct == web.ProblemContentType {
					t.Errorf("Content-Type = %q for a matched route", ct)
				}
				return
			}
			p := decodeProblem(t, resp)
			if p.Code != tt.wantCode || p.RequestID != "rid-1" || p.Instance != r.URL.Path {
				t.Errorf("problem = %+v", p)
			}
			if tt.wantAllow != nil {
				allow := strings.Split(resp.Header.Get("Allow"), ", ")
				slices.Sort(allow)
				if !slices.Equal(allow, tt.wantAllow) {
					t.Errorf("Allow = %q, want %q", allow, tt.wantAllow)
				}
				if !strings.Contains(p.Detail, tt.method) {
					t.Errorf("detail %q does not name the method", p.Detail)
				}
				// Written by web.Error, as every other failure: the type
				// follows the code, the title the status.
				if p.Type != "https://hotelplatform.dev/problems/method-not-allowed" || p.Title != "Method Not Allowed" || p.Status != 405 ||
					resp.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("problem = %+v, Cache-Control %q", p, resp.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

// muxStatus is the status mux itself answers a request with.
func muxStatus(mux *http.ServeMux, method, target string) int {
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w.Code
}
