package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

type guest struct {
	Email string `json:"email"`
}

type bookingRequest struct {
	Name     string      `json:"name"`
	Nights   int         `json:"nights"`
	Price    float64     `json:"price"`
	Paid     bool        `json:"paid"`
	Tags     []string    `json:"tags"`
	Guest    guest       `json:"guest"`
	CheckIn  hotel.Date  `json:"check_in"`
	Amount   hotel.Cents `json:"amount"`
	Optional *int        `json:"optional"`
}

func TestDecode(t *testing.T) {
	t.Parallel()
	const limit = web.MaxBodyBytes
	// padTo returns {"name":"aaa…"} exactly n bytes long.
	padTo := func(n int) string {
		const frame = `{"name":""}`
		return `{"name":"` + strings.Repeat("a", n-len(frame)) + `"}`
	}
	tests := []struct {
		name        string
		body        string
		contentType string
		wantCode    string             // "" means success
		wantMessage string             // substring of the message, if set
		wantFields  []hotel.FieldError // exact, if set
		check       func(bookingRequest) string
	}{
		{
			name:        "valid",
			body:        `{"name":"Ada","nights":2,"price":1.5,"paid":true,"tags":["a"],"guest":{"email":"a@b.c"},"check_in":"2025-03-01","amount":"120.50"}`,
			contentType: "application/json",
			check: func(v bookingRequest) string {
				want := bookingRequest{Name: "Ada", Nights: 2, Price: 1.5, Paid: true, Tags: []string{"a"},
					Guest: guest{Email: "a@b.c"}, CheckIn: hotel.NewDate(2025, 3, 1), Amount: 12050}
				if !reflect.DeepEqual(v, want) {
					return fmt.Sprintf("got %+v, want %+v", v, want)
				}
				return ""
			},
		},
		{name: "json with charset", body: `{"name":"Ada"}`, contentType: "application/json; charset=utf-8"},
		{name: "+json suffix", body: `{"name":"Ada"}`, contentType: "application/merge-patch+json"},
		{name: "surrounding whitespace", body: " \n\t{\"name\":\"Ada\"}\n\n "},
		{name: "body exactly at the limit", body: padTo(limit)},

		{
			name: "unknown field", body: `{"name":"Ada","colour":"red"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "colour", Reason: "unknown field"}},
		},
		{
			name: "unknown nested field", body: `{"guest":{"phone":"1"}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest.phone", Reason: "unknown field"}},
		},
		{
			name: "string for integer", body: `{"nights":"two"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "nights", Reason: "must be an integer"}},
		},
		{
			name: "fraction for integer", body: `{"nights":1.5}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "nights", Reason: "must be an integer"}},
		},
		{
			name: "integer overflow", body: `{"nights":1e40}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "nights", Reason: "must be an integer"}},
		},
		{
			name: "number for string", body: `{"name":42}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "name", Reason: "must be a string"}},
		},
		{
			name: "string for number", body: `{"price":"1.5"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "price", Reason: "must be a number"}},
		},
		{
			name: "string for bool", body: `{"paid":"yes"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "paid", Reason: "must be true or false"}},
		},
		{
			name: "object for array", body: `{"tags":{}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "tags", Reason: "must be an array"}},
		},
		{
			name: "nested wrong type names the path", body: `{"guest":{"email":7}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest.email", Reason: "must be a string"}},
		},
		{
			name: "pointer field", body: `{"optional":"x"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "optional", Reason: "must be an integer"}},
		},
		{
			name: "array instead of object", body: `[1,2]`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "body", Reason: "must be an object"}},
		},
		{
			name: "custom unmarshaler error names its field", body: `{"check_in":"2025-02-30"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "check_in", Reason: `date "2025-02-30" is not a valid YYYY-MM-DD date`}},
		},

		{name: "malformed", body: `{"name":}`, wantCode: hotel.EINVALID, wantMessage: "not valid JSON"},
		{name: "truncated", body: `{"name":"Ada"`, wantCode: hotel.EINVALID, wantMessage: "not valid JSON"},
		{name: "single quotes", body: `{'name':'Ada'}`, wantCode: hotel.EINVALID, wantMessage: "not valid JSON"},
		{name: "invalid UTF-8 outside strings", body: "{\xff}", wantCode: hotel.EINVALID, wantMessage: "not valid JSON"},
		{name: "empty body", body: "", wantCode: hotel.EINVALID, wantMessage: "body is empty"},
		{name: "whitespace body", body: "  \n", wantCode: hotel.EINVALID, wantMessage: "body is empty"},
		{name: "trailing object", body: `{"name":"Ada"}{"name":"Bob"}`, wantCode: hotel.EINVALID, wantMessage: "exactly one JSON object"},
		{name: "trailing garbage", body: `{"name":"Ada"} x`, wantCode: hotel.EINVALID, wantMessage: "exactly one JSON object"},
		{name: "trailing empty object", body: `{}{}`, wantCode: hotel.EINVALID, wantMessage: "exactly one JSON object"},
		{
			name: "deeply nested arrays", body: `{"tags":` + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + `}`,
			wantCode: hotel.EINVALID, wantMessage: "not valid JSON",
		},
		{
			name: "deeply nested objects", body: strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000),
			wantCode: hotel.EINVALID, wantMessage: "not valid JSON",
		},

		{name: "one byte over the limit", body: padTo(limit + 1), wantCode: hotel.ETOOLARGE, wantMessage: fmt.Sprintf("larger than %d bytes", limit)},
		{name: "far over the limit", body: padTo(5 * limit), wantCode: hotel.ETOOLARGE},
		{name: "small object, padding over the limit", body: `{"name":"Ada"}` + strings.Repeat(" ", limit), wantCode: hotel.ETOOLARGE},

		// A body that is not declared JSON: 415 naming the header.
		{name: "text/plain", body: `{"name":"Ada"}`, contentType: "text/plain", wantCode: hotel.EUNSUPPORTEDMEDIA, wantMessage: "sent as application/json",
			wantFields: []hotel.FieldError{{Field: "Content-Type", Reason: "must be application/json"}}},
		{name: "form", body: `name=Ada`, contentType: "application/x-www-form-urlencoded", wantCode: hotel.EUNSUPPORTEDMEDIA, wantMessage: "must be sent as application/json"},
		{name: "unparsable content type", body: `{"name":"Ada"}`, contentType: "application/json; charset", wantCode: hotel.EUNSUPPORTEDMEDIA, wantMessage: "must be sent as application/json"},
		{name: "json prefix is not json", body: `{"name":"Ada"}`, contentType: "application/jsonx", wantCode: hotel.EUNSUPPORTEDMEDIA, wantMessage: "must be sent as application/json"},
		{name: "+json of another top-level type", body: `{"name":"Ada"}`, contentType: "text/x+json", wantCode: hotel.EUNSUPPORTEDMEDIA},
		{name: "charset other than UTF-8", body: `{"name":"Ada"}`, contentType: "application/json; charset=iso-8859-1", wantCode: hotel.EUNSUPPORTEDMEDIA,
			wantFields: []hotel.FieldError{{Field: "Content-Type", Reason: "must have no charset but utf-8"}}},
		{name: "charset UTF-8 in capitals", body: `{"name":"Ada"}`, contentType: "application/json; charset=UTF-8"},
		{name: "no content type", body: `{"name":"Ada"}`, contentType: "-", wantCode: hotel.EUNSUPPORTEDMEDIA, wantMessage: "no Content-Type",
			wantFields: []hotel.FieldError{{Field: "Content-Type", Reason: "is required: application/json"}}},
		{name: "no content type and no body", body: ``, contentType: "-", wantCode: hotel.EINVALID, wantMessage: "body is empty"},

		// Duplicate names, at any depth: refused, not "last one wins".
		{name: "duplicate field", body: `{"name":"Ada","name":"Bob"}`, wantCode: hotel.EINVALID, wantMessage: "more than once",
			wantFields: []hotel.FieldError{{Field: "name", Reason: "is given more than once"}}},
		{name: "duplicate nested field", body: `{"guest":{"email":"a@b.c","email":"x@y.z"}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest.email", Reason: "is given more than once"}}},
		{name: "duplicate null", body: `{"optional":1,"optional":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "optional", Reason: "is given more than once"}}},
		{name: "duplicate spelled with an escape", body: `{"name":"Ada","n\u0061me":"Bob"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "name", Reason: "is given more than once"}}},

		// Names match exactly.
		{name: "upper-case name", body: `{"NAME":"Ada"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "NAME", Reason: "unknown field (names are case-sensitive: name)"}}},
		{name: "upper-case name beside the right one", body: `{"name":"Ada","Name":"Bob"}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "Name", Reason: "unknown field (names are case-sensitive: name)"}}},
		{name: "case of a nested name", body: `{"guest":{"Email":"a@b.c"}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest.Email", Reason: "unknown field (names are case-sensitive: email)"}}},

		// An explicit null is not "absent": every field here is non-nullable.
		{name: "null string", body: `{"name":null}`, wantCode: hotel.EINVALID, wantMessage: "null",
			wantFields: []hotel.FieldError{{Field: "name", Reason: "must not be null"}}},
		{name: "null pointer field", body: `{"optional":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "optional", Reason: "must not be null"}}},
		{name: "null date", body: `{"check_in":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "check_in", Reason: "must not be null"}}},
		{name: "null nested", body: `{"guest":{"email":null}}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest.email", Reason: "must not be null"}}},
		{name: "null object", body: `{"guest":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "guest", Reason: "must not be null"}}},
		{name: "null array element", body: `{"tags":["a",null]}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "tags.1", Reason: "must not be null"}}},
		{name: "every null at once", body: `{"name":null,"nights":null,"paid":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "name", Reason: "must not be null"}, {Field: "nights", Reason: "must not be null"},
				{Field: "paid", Reason: "must not be null"}}},
		{name: "null of an unknown field is an unknown field", body: `{"colour":null}`, wantCode: hotel.EINVALID,
			wantFields: []hotel.FieldError{{Field: "colour", Reason: "unknown field"}}},

		// Invalid UTF-8 anywhere is refused before decoding, never replaced.
		{name: "invalid UTF-8 in a string", body: "{\"name\":\"A\xffda\"}", wantCode: hotel.EINVALID, wantMessage: "UTF-8",
			wantFields: []hotel.FieldError{{Field: "body", Reason: "must be valid UTF-8"}}},
		{name: "invalid UTF-8 in a name", body: "{\"n\xc3\":1}", wantCode: hotel.EINVALID, wantMessage: "UTF-8"},
		{name: "lone surrogate escape", body: `{"name":"\ud800"}`, wantCode: hotel.EINVALID, wantMessage: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader(tt.body))
			switch tt.contentType {
			case "":
				r.Header.Set("Content-Type", "application/json")
			case "-": // none
			default:
				r.Header.Set("Content-Type", tt.contentType)
			}
			v, err := web.Decode[bookingRequest](httptest.NewRecorder(), r)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if tt.check != nil {
					if msg := tt.check(v); msg != "" {
						t.Error(msg)
					}
				}
				return
			}
			var he *hotel.Error
			if !errors.As(err, &he) {
				t.Fatalf("Decode error = %v (%T), want a *hotel.Error", err, err)
			}
			if he.Code != tt.wantCode {
				t.Errorf("code = %q, want %q (message %q)", he.Code, tt.wantCode, he.Message)
			}
			if !strings.Contains(he.Message, tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", he.Message, tt.wantMessage)
			}
			if tt.wantFields != nil && !reflect.DeepEqual(he.Fields, tt.wantFields) {
				t.Errorf("fields = %+v, want %+v", he.Fields, tt.wantFields)
			}
			// The message is for clients: no Go type names or decoder internals.
			for _, leak := range []string{"json:", "web_test", "bookingRequest", "Go value", "hotel.Date"} {
				if strings.Contains(he.Message, leak) {
					t.Errorf("message %q exposes %q", he.Message, leak)
				}
			}
		})
	}
}

// An over-limit body answered through Error is a 413 problem.
func TestDecodeTooLargeIs413(t *testing.T) {
	t.Parallel()
	body := `{"name":"` + strings.Repeat("x", web.MaxBodyBytes) + `"}`
	r := httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	_, err := web.Decode[bookingRequest](w, r)
	web.Error(w, r, err)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", w.Code)
	}
	p := decodeProblem(t, w.Result())
	if p.Code != hotel.ETOOLARGE {
		t.Errorf("code = %q, want %q", p.Code, hotel.ETOOLARGE)
	}
}

func decodeProblem(t *testing.T, resp *http.Response) web.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != web.ProblemContentType {
		t.Errorf("Content-Type = %q, want %q", ct, web.ProblemContentType)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var p web.Problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("body %q is not a problem: %v", body, err)
	}
	if p.Status != resp.StatusCode {
		t.Errorf("problem status %d, response status %d", p.Status, resp.StatusCode)
	}
	return p
}

func TestError(t *testing.T) {
	t.Parallel()
	const internal = `pq: relation "x" does not exist`
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
		wantDetail string
		wantFields []hotel.FieldError
		wantNights []hotel.Date
	}{
		{
			name: "plain Go error", err: errors.New(internal),
			wantStatus: 500, wantCode: hotel.EINTERNAL, wantDetail: "An internal error occurred.",
		},
		{
			name: "wrapped plain error", err: fmt.Errorf("list inventory: %w", errors.New(internal)),
			wantStatus: 500, wantCode: hotel.EINTERNAL, wantDetail: "An internal error occurred.",
		},
		{
			name:       "internal domain error keeps its cause hidden",
			err:        &hotel.Error{Code: hotel.EINTERNAL, Message: "Something went wrong.", Err: errors.New(internal)},
			wantStatus: 500, wantCode: hotel.EINTERNAL, wantDetail: "Something went wrong.",
		},
		{
			name: "not found", err: hotel.Errorf(hotel.ENOTFOUND, "Hotel %d does not exist.", 7),
			wantStatus: 404, wantCode: hotel.ENOTFOUND, wantDetail: "Hotel 7 does not exist.",
		},
		{
			name: "wrapped conflict", err: fmt.Errorf("book: %w", hotel.Errorf(hotel.ECONFLICT, "Sold out.")),
			wantStatus: 409, wantCode: hotel.ECONFLICT, wantDetail: "Sold out.",
		},
		{
			name: "invalid with fields",
			err: &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
				Fields: []hotel.FieldError{{Field: "nights", Reason: "must be positive"}, {Field: "email", Reason: "is required"}}},
			wantStatus: 400, wantCode: hotel.EINVALID, wantDetail: "The request has invalid fields.",
			wantFields: []hotel.FieldError{{Field: "nights", Reason: "must be positive"}, {Field: "email", Reason: "is required"}},
		},
		{
			name: "conflict with nights",
			err: &hotel.Error{Code: hotel.ECONFLICT, Message: "Sold out on 1 night.",
				Nights: []hotel.Date{hotel.NewDate(2030, 1, 2)}},
			wantStatus: 409, wantCode: hotel.ECONFLICT, wantDetail: "Sold out on 1 night.",
			wantNights: []hotel.Date{hotel.NewDate(2030, 1, 2)},
		},
		{name: "unavailable", err: hotel.Errorf(hotel.EUNAVAILABLE, "Try later."), wantStatus: 503, wantCode: hotel.EUNAVAILABLE, wantDetail: "Try later."},
		{name: "unauthorized", err: hotel.Errorf(hotel.EUNAUTHORIZED, "Log in."), wantStatus: 401, wantCode: hotel.EUNAUTHORIZED, wantDetail: "Log in."},
		{name: "forbidden", err: hotel.Errorf(hotel.EFORBIDDEN, "No."), wantStatus: 403, wantCode: hotel.EFORBIDDEN, wantDetail: "No."},
		{name: "too large", err: hotel.Errorf(hotel.ETOOLARGE, "Big."), wantStatus: 413, wantCode: hotel.ETOOLARGE, wantDetail: "Big."},
		{name: "rate limited", err: hotel.Errorf(hotel.ERATELIMITED, "Slow down."), wantStatus: 429, wantCode: hotel.ERATELIMITED, wantDetail: "Slow down."},
		{name: "unprocessable", err: hotel.Errorf(hotel.EUNPROCESSABLE, "Key reused."), wantStatus: 422, wantCode: hotel.EUNPROCESSABLE, wantDetail: "Key reused."},
		{name: "precondition", err: hotel.Errorf(hotel.EPRECONDITION, "Version moved."), wantStatus: 412, wantCode: hotel.EPRECONDITION, wantDetail: "Version moved."},
		{name: "unknown code", err: hotel.Errorf("teapot", "Short and stout."), wantStatus: 500, wantCode: "teapot", wantDetail: "Short and stout."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/inventory/hotels/7?x=1", nil)
			r = r.WithContext(web.WithRequestID(r.Context(), "req-123"))
			w := httptest.NewRecorder()
			web.Error(w, r, tt.err)

			resp := w.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			p := decodeProblem(t, resp)
			want := web.Problem{
				Type:      "https://hotelplatform.dev/problems/" + strings.ReplaceAll(tt.wantCode, "_", "-"),
				Title:     http.StatusText(tt.wantStatus),
				Status:    tt.wantStatus,
				Detail:    tt.wantDetail,
				Instance:  "/inventory/hotels/7",
				Code:      tt.wantCode,
				RequestID: "req-123",
				Errors:    tt.wantFields,
				Nights:    tt.wantNights,
			}
			if !reflect.DeepEqual(p, want) {
				t.Errorf("problem =\n%+v\nwant\n%+v", p, want)
			}
			body := w.Body.String()
			for _, leak := range []string{"pq:", "relation"} {
				if strings.Contains(body, leak) {
					t.Errorf("body %q leaks %q", body, leak)
				}
			}
		})
	}
}

// Internal errors reach the log (with the cause) but not the client.
func TestErrorLogsInternalCause(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := web.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Error(w, r, errors.New(`pq: relation "x" does not exist`))
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if strings.Contains(w.Body.String(), "pq:") {
		t.Errorf("body %q leaks the internal error", w.Body.String())
	}
	var found bool
	for _, l := range logLines(t, &logs) {
		if l["msg"] == "request failed" {
			found = true
			if !strings.Contains(fmt.Sprint(l["err"]), `relation "x" does not exist`) || l["code"] != hotel.EINTERNAL {
				t.Errorf("log line %v lacks the cause or code", l)
			}
		}
	}
	if !found {
		t.Errorf("no \"request failed\" line in %s", logs.String())
	}
}

// Client errors are not logged as failures.
func TestErrorDoesNotLogClientErrors(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := web.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Error(w, r, hotel.Errorf(hotel.ENOTFOUND, "No such hotel."))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	for _, l := range logLines(t, &logs) {
		if l["msg"] == "request failed" {
			t.Errorf("a 404 was logged as a failure: %v", l)
		}
	}
}

// Work a departed client cancelled is not logged as a failure of the service.
func TestErrorOfAbandonedRequestIsNotAFailure(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := web.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Error(w, r, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The database is unavailable.", Err: r.Context().Err()})
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	abandoned := false
	for _, l := range logLines(t, &logs) {
		if l["msg"] == "request failed" || l["level"] == "ERROR" {
			t.Errorf("a request its client abandoned was logged as a failure: %v", l)
		}
		abandoned = abandoned || l["msg"] == "request abandoned by its client"
	}
	if !abandoned {
		t.Error("the abandoned request was not logged")
	}
}

func TestStatusCodeRoundTrip(t *testing.T) {
	t.Parallel()
	codes := []struct {
		code   string
		status int
	}{
		{hotel.ECONFLICT, 409},
		{hotel.EINTERNAL, 500},
		{hotel.EINVALID, 400},
		{hotel.ENOTFOUND, 404},
		{hotel.EUNAVAILABLE, 503},
		{hotel.EUNAUTHORIZED, 401},
		{hotel.EFORBIDDEN, 403},
		{hotel.ETOOLARGE, 413},
		{hotel.ERATELIMITED, 429},
		{hotel.EUNPROCESSABLE, 422},
		{hotel.EPRECONDITION, 412},
		{hotel.EMETHODNOTALLOWED, 405},
		{hotel.EBADGATEWAY, 502},
		{hotel.ETIMEOUT, 504},
		{hotel.EUNSUPPORTEDMEDIA, 415},
	}
	for _, tt := range codes {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			if got := web.StatusOf(tt.code); got != tt.status {
				t.Errorf("StatusOf(%q) = %d, want %d", tt.code, got, tt.status)
			}
			if got := web.CodeOf(tt.status); got != tt.code {
				t.Errorf("CodeOf(%d) = %q, want %q", tt.status, got, tt.code)
			}
		})
	}

	others := []struct {
		status int
		want   string
	}{
		{501, hotel.EINTERNAL},
		{599, hotel.EINTERNAL},
		{418, hotel.EINVALID},
		{410, hotel.EINVALID},
	}
	for _, tt := range others {
		if got := web.CodeOf(tt.status); got != tt.want {
			t.Errorf("CodeOf(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
	for _, code := range []string{"", "teapot", "NOT_FOUND"} {
		if got := web.StatusOf(code); got != 500 {
			t.Errorf("StatusOf(%q) = %d, want 500", code, got)
		}
	}
}

func TestReadProblem(t *testing.T) {
	t.Parallel()
	// Errors written by Error come back unchanged.
	errs := []*hotel.Error{
		hotel.Errorf(hotel.ENOTFOUND, "Hotel 7 does not exist."),
		hotel.Errorf(hotel.ECONFLICT, "Sold out."),
		{Code: hotel.EINVALID, Message: "The request has invalid fields.", Fields: []hotel.FieldError{
			{Field: "start_date", Reason: "must be a real date"}, {Field: "limit", Reason: "too big"},
		}},
		hotel.Errorf(hotel.ERATELIMITED, "Slow down."),
		{Code: hotel.ECONFLICT, Message: "Sold out on 2 nights.", Nights: []hotel.Date{hotel.NewDate(2030, 1, 2), hotel.NewDate(2030, 1, 4)}},
	}
	for _, sent := range errs {
		t.Run(sent.Code, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			web.Error(w, httptest.NewRequest(http.MethodGet, "/x", nil), sent)
			got := web.ReadProblem(w.Result())
			var he *hotel.Error
			if !errors.As(got, &he) {
				t.Fatalf("ReadProblem = %v (%T), want *hotel.Error", got, got)
			}
			if !reflect.DeepEqual(he, sent) {
				t.Errorf("ReadProblem = %+v, want %+v", he, sent)
			}
		})
	}

	// Anything else is mapped from the status, with a message that does not
	// repeat the upstream's body.
	others := []struct {
		status      int
		contentType string
		body        string
		wantCode    string
		wantMessage string
	}{
		{502, "text/html", "<html>nginx: bad gateway</html>", hotel.EBADGATEWAY, "Upstream answered 502 Bad Gateway."},
		{404, "text/plain", "404 page not found", hotel.ENOTFOUND, "Upstream answered 404 Not Found."},
		{503, "application/json", `{"error":"db down"}`, hotel.EUNAVAILABLE, "Upstream answered 503 Service Unavailable."},
		{409, web.ProblemContentType, `{"title":"no code"}`, hotel.ECONFLICT, "Upstream answered 409 Conflict."},
		{400, web.ProblemContentType, `{"code":`, hotel.EINVALID, "Upstream answered 400 Bad Request."},
		{500, "", "", hotel.EINTERNAL, "Upstream answered 500 Internal Server Error."},
	}
	for _, tt := range others {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.contentType), func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{
				StatusCode: tt.status,
				Header:     http.Header{"Content-Type": {tt.contentType}},
				Body:       io.NopCloser(strings.NewReader(tt.body)),
			}
			var he *hotel.Error
			if err := web.ReadProblem(resp); !errors.As(err, &he) {
				t.Fatalf("ReadProblem = %v, want *hotel.Error", err)
			}
			if he.Code != tt.wantCode || he.Message != tt.wantMessage {
				t.Errorf("ReadProblem = %q %q, want %q %q", he.Code, he.Message, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	web.Encode(w, http.StatusCreated, map[string]any{"id": 7, "name": "<b>"})
	if w.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["name"] != "<b>" || got["id"] != 7.0 {
		t.Errorf("body %q decodes to %v, %v", w.Body.String(), got, err)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	web.NotFound(w, httptest.NewRequest(http.MethodPatch, "/nowhere", nil))
	p := decodeProblem(t, w.Result())
	if p.Status != 404 || p.Code != hotel.ENOTFOUND || p.Detail != "No route matches PATCH /nowhere." {
		t.Errorf("problem = %+v", p)
	}
}
