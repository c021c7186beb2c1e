package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Fuzz targets of the request decoders every route uses: web.Decode with
// the request bodies of the domain, and query and path parsing.
// `go test` runs their seeds; scripts/fuzz.sh fuzzes each.

// bodyKinds decode body with web.Decode into one of the domain's request
// types and return the decoded value (nil on error).
var bodyKinds = []func(w http.ResponseWriter, r *http.Request) (any, error){
	decodeAs[hotel.NewBooking],
	decodeAs[hotel.BookingChange],
	decodeAs[hotel.HoldRelease],
	decodeAs[hotel.CalendarUpdate],
	decodeAs[hotel.Hotel],
	decodeAs[hotel.RoomType],
}

func decodeAs[T any](w http.ResponseWriter, r *http.Request) (any, error) {
	v, err := web.Decode[T](w, r)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// hostileStrings are SQL- and path-looking texts for seeds.
var hostileStrings = []string{"'; DROP TABLE booking;--", "1 OR 1=1", "../../etc/passwd", "%2e%2e%2f", "\x00", "\xff\xfe"}

func FuzzDecode(f *testing.F) {
	const booking = `{"guest_name":"Ada Lovelace","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"2026-12-14","stay_length":3,"adults":2,"children":0,"meal_plan":"BB"}`
	seeds := []string{
		booking,
		`{"stay_length":4}`, `{"arrival_date":"2026-12-20","room_type":"Standard Rooms"}`, `{"guest_name":null}`,
		`{"from":"2030-01-05"}`, `{}`, ``, `null`, `[]`, `"x"`, `{"from":"2030-02-30"}`,
		`{"room_type_id":1000,"start_date":"2030-01-01","end_date":"2030-01-31","capacity":10,"price":"120.50","demand_level":"high"}`,
		`{"price":120.5}`, `{"price":"1e400"}`, `{"capacity":1e400}`, `{"capacity":9223372036854775808}`,
		`{"hotel_id":-9223372036854775809}`, `{"stay_length":"3"}`, `{"adults":2.5}`, `{"hotel_name":"Grand","location":"Leeds","time_zone":"Europe/London","currency":"GBP"}`,
		`{"room_type":"Suite","max_occupancy":4,"overbooking_allowance":0}`, `{"unknown":1}`, `{"guest_name":"a"} {}`,
		`{"guest_name":"a"}x`, `{"guest_name":"\ud800"}`, "{\"guest_name\":\"\xff\"}", `{"guest_name":"a","guest_name":"b"}`,
		`{"GUEST_NAME":"a"}`, strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		`{"guest_name":"a","GUEST_NAME":"b"}`, `{"capacity":null}`, `{"from":null}`, `{"guest_name":"Ada\u202eevil"}`,
		`{"guest_name":"Ada\u2028Lovelace"}`, "{\"guest_name\":\"Ada\u2029\"}", `{"guest_name":"a","guest_n\u0061me":"b"}`,
		strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000), `{"arrival_date":{"$gt":""}}`,
	}
	for _, s := range hostileStrings {
		seeds = append(seeds, `{"guest_name":`+strconv.Quote(s)+`,"room_type":`+strconv.Quote(s)+`}`)
	}
	for i, s := range seeds {
		f.Add(uint8(i), "application/json", []byte(s))
	}
	f.Add(uint8(0), "", []byte(booking))
	f.Add(uint8(0), "application/problem+json; charset=utf-8", []byte(booking))
	f.Add(uint8(0), "text/plain", []byte(booking))
	f.Add(uint8(0), "application/json; charset", []byte(booking))
	f.Add(uint8(0), "application/json; charset=latin1", []byte(booking))
	f.Add(uint8(0), "", []byte(``))

	f.Fuzz(func(t *testing.T, kind uint8, contentType string, body []byte) {
		decode := bodyKinds[int(kind)%len(bodyKinds)]
		r := httptest.NewRequest(http.MethodPost, "/x", bytes.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		v, err := decode(w, r)
		if err == nil {
			// Accepted: it was one JSON value, declared JSON, in UTF-8,
			// without a duplicate name or a null, and the standard decoder
			// reads the same from it.
			if !json.Valid(body) {
				t.Fatalf("Decode accepted invalid JSON %q", body)
			}
			if !jsonMediaType(contentType) {
				t.Fatalf("Decode accepted %q with Content-Type %q", body, contentType)
			}
			if !utf8.Valid(body) || !jsontext.Value(bytes.TrimSpace(body)).IsValid() {
				t.Fatalf("Decode accepted %q: invalid UTF-8 or a duplicate name", body)
			}
			if hasNull(body) {
				t.Fatalf("Decode accepted %q with a null", body)
			}
			std := reflect.New(reflect.TypeOf(v).Elem())
			if err := json.Unmarshal(body, std.Interface()); err != nil || !reflect.DeepEqual(std.Interface(), v) {
				t.Fatalf("Decode(%q) = %+v; json.Unmarshal = %+v, %v", body, v, std.Interface(), err)
			}
			return
		}
		var he *hotel.Error
		if !errors.As(err, &he) {
			t.Fatalf("Decode(%q): error %T %v is not a *hotel.Error", body, err, err)
		}
		switch {
		case he.Code == hotel.ETOOLARGE && len(body) > web.MaxBodyBytes:
		case he.Code == hotel.EUNSUPPORTEDMEDIA && !jsonMediaType(contentType):
		case he.Code == hotel.EINVALID:
		default:
			t.Fatalf("Decode(%d bytes): error code %q (%v)", len(body), he.Code, err)
		}
		p := checkProblem(t, string(body)+contentType+jsonStrings(body), r, err)
		if p.Detail == "" {
			t.Fatalf("problem without a detail: %+v", p)
		}
	})
}

// jsonMediaType reports whether ct declares a JSON body in UTF-8.
func jsonMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" && (!strings.HasPrefix(mt, "application/") || !strings.HasSuffix(mt, "+json")) {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// hasNull reports whether the JSON text body holds a null.
func hasNull(body []byte) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return false
		}
		if tok.Kind() == 'n' {
			return true
		}
	}
}

// jsonStrings returns the keys and strings of a JSON body, unescaped, so
// that a problem echoing a client's own (escaped) text is not taken for a
// leak.
func jsonStrings(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				b.WriteString(k + "\n")
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// leakTexts are internals no problem may show.
var leakTexts = []string{"json:", "json.", "strconv", "hotel.", "web.", "Go value", "Go struct", "int64", "reflect",
	"panic", "goroutine", ".go:", "runtime", "SQLSTATE", "sqlite", "sql:", "pq:"}

// checkProblem writes err as a problem and checks the answer: a 4xx,
// problem+json, a body that parses as a problem with the same status, and
// no internals that the input (in) did not bring itself.
func checkProblem(t *testing.T, in string, r *http.Request, err error) web.Problem {
	t.Helper()
	w := httptest.NewRecorder()
	web.Error(w, r, err)
	resp := w.Result()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("error %v answered %d", err, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != web.ProblemContentType {
		t.Fatalf("problem Content-Type %q", ct)
	}
	var p web.Problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || p.Status != resp.StatusCode || p.Code == "" {
		t.Fatalf("problem body %s: %v (status %d)", body, err, resp.StatusCode)
	}
	if !utf8.Valid(body) {
		t.Fatalf("problem body is not UTF-8: %q", body)
	}
	for _, l := range leakTexts {
		if bytes.Contains(body, []byte(l)) && !strings.Contains(in, l) {
			t.Fatalf("problem shows %q: %s", l, body)
		}
	}
	return p
}

func FuzzQuery(f *testing.F) {
	for _, q := range []string{
		"location=london&hotel_id=111&start_date=2030-01-01&limit=10&cursor=MTExfDIwMzAtMDEtMDF8NA",
		"", "location=LONDON", "location=%20london%20", "limit=0", "limit=5001", "limit=-1", "limit=1e3", "limit=9223372036854775808",
		"hotel_id=-9223372036854775809", "start_date=2030-02-30", "start_date=0001-01-01", "start_date=2030-1-1", "start=2030-01-01", "limit=1&limit=2",
		"location=%ff", "location=a%00b", "location=%zz", "a;b", "location=" + strings.Repeat("x", 300), "hotel_id=1%20OR%201=1",
		"location='%3B%20DROP%20TABLE%20booking%3B--", "%2e%2e%2f=1", "cursor=..%2F..%2F", strings.Repeat("&", 100), "=&=",
	} {
		f.Add(q, "111")
	}
	for _, id := range []string{"0", "-1", "+7", "007", "9223372036854775807", "9223372036854775808", "1e3", "../111", "%2e%2e", "", " 1"} {
		f.Add("", id)
	}
	allowed := []string{"location", "hotel_id", "start_date", "limit", "cursor"}
	f.Fuzz(func(t *testing.T, rawQuery, pathValue string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/inventory/x", RawQuery: rawQuery}, Header: http.Header{}}
		r.SetPathValue("hotel_id", pathValue)
		q := web.NewQuery(r, allowed...)
		loc := q.String("location", 16)
		hid := q.Int64("hotel_id", 1, math.MaxInt64)
		limit := q.Int64("limit", 1, 5000)
		start := q.Date("start_date")
		cursor := q.String("cursor", 128)
		if err := q.Err(); err != nil {
			var he *hotel.Error
			if !errors.As(err, &he) || he.Code != hotel.EINVALID || len(he.Fields) == 0 {
				t.Fatalf("query %q: error %#v, want EINVALID with fields", rawQuery, err)
			}
			for _, fe := range he.Fields {
				if len(fe.Field) > 64 || !utf8.ValidString(fe.Field) || fe.Reason == "" {
					t.Fatalf("query %q: field error %+v", rawQuery, fe)
				}
			}
			checkProblem(t, rawQuery, r, err)
		} else {
			// Accepted: every parameter is known, given once and valid.
			vals, perr := url.ParseQuery(rawQuery)
			if perr != nil {
				t.Fatalf("query %q accepted, but it does not parse: %v", rawQuery, perr)
			}
			for name, vs := range vals {
				if !strings.Contains(strings.Join(allowed, ","), name) || len(vs) != 1 {
					t.Fatalf("query %q accepted with parameter %q given %d times", rawQuery, name, len(vs))
				}
			}
			for _, s := range []struct {
				v   string
				max int
			}{{loc, 16}, {cursor, 128}} {
				if len(s.v) > s.max || !utf8.ValidString(s.v) || s.v != strings.TrimSpace(s.v) ||
					strings.ContainsFunc(s.v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Fatalf("query %q accepted with string %q", rawQuery, s.v)
				}
			}
			if vals.Has("hotel_id") && hid < 1 || vals.Has("limit") && (limit < 1 || limit > 5000) {
				t.Fatalf("query %q accepted with hotel_id %d, limit %d", rawQuery, hid, limit)
			}
			if vals.Has("start_date") && start.String() != vals.Get("start_date") {
				t.Fatalf("query %q accepted with start_date %q", rawQuery, start)
			}
		}

		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			if id != 0 {
				t.Fatalf("PathID(%q) failed but returned %d", pathValue, id)
			}
			checkProblem(t, pathValue, r, err)
			return
		}
		if id <= 0 {
			t.Fatalf("PathID(%q) = %d", pathValue, id)
		}
		if n, err := strconv.ParseInt(pathValue, 10, 64); err != nil || n != id {
			t.Fatalf("PathID(%q) = %d, but it is %d, %v", pathValue, id, n, err)
		}
	})
}
