package idempotency_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookinghttp"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/inventory/inventoryhttp"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// The records live in a real store (SQLite here; the store's side of the
// contract is storetest's, run on both drivers).
func newKeys(t *testing.T) (*idempotency.Keys, *bookingtest.Clock, *atomic.Int64) {
	t.Helper()
	st := bookingtest.Seeded(t, bookingtest.Drivers[0])
	clock := bookingtest.NewClock(t, bookingtest.DefaultNow)
	var replays atomic.Int64
	return idempotency.New(st, clock.Now, func() { replays.Add(1) }), clock, &replays
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// send serves one request on h, with header name/value pairs (a name given
// twice is sent twice).
func send(t *testing.T, h http.Handler, method, path, body string, headers ...string) answer {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return answer{w.Code, w.Header(), w.Body.Bytes()}
}

func (a answer) problem(t *testing.T, status int, code string) web.Problem {
	t.Helper()
	var p web.Problem
	if a.status != status || a.header.Get("Content-Type") != web.ProblemContentType || json.Unmarshal(a.body, &p) != nil || p.Code != code {
		t.Fatalf("answer %d %s %s, want a %d %s problem", a.status, a.header.Get("Content-Type"), a.body, status, code)
	}
	return p
}

// counter is a route that counts its runs and answers status with the
// resource id and the run's number.
type counter struct {
	runs    atomic.Int64
	status  atomic.Int64
	gate    chan struct{} // when set, each run says it started, then waits for it
	started chan struct{}
	ids     sync.Map // resource ids seen
}

func (c *counter) op(w http.ResponseWriter, r *http.Request, id string) {
	n := c.runs.Add(1)
	c.ids.Store(id, true)
	if c.gate != nil {
		c.started <- struct{}{}
		<-c.gate
	}
	status := int(c.status.Load())
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 400 {
		web.Error(w, r, &hotel.Error{Code: web.CodeOf(status), Message: "failed"})
		return
	}
	web.Encode(w, status, map[string]any{"id": id, "run": n})
}

var ids atomic.Int64

func newID(*http.Request) (string, bool) { return fmt.Sprint("res-", ids.Add(1)), true }

func route(k *idempotency.Keys, rt idempotency.Route, c *counter) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /things", k.Handle(rt, c.op))
	mux.Handle("POST /others", k.Handle(rt, c.op))
	return mux
}

func TestReplayMismatchAndScope(t *testing.T) {
	t.Parallel()
	k, _, replays := newKeys(t)
	c := &counter{}
	h := route(k, idempotency.Route{Resource: newID, Stored: func(status int, b []byte) []byte {
		if status == 200 {
			return bytes.ToUpper(b) // what is kept, not what is sent
		}
		return b
	},
		Replay: func(r *http.Request, h http.Header, status int, body []byte) ([]byte, error) {
			h.Set("X-Replayed-Status", fmt.Sprint(status))
			return body, nil
		}}, c)

	k1, k2 := hotel.NewIdempotencyKey(), hotel.NewIdempotencyKey()
	first := send(t, h, "POST", "/things", `{"a":1}`, "Idempotency-Key", k1)
	if first.status != 200 || first.header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("first: %d %v", first.status, first.header)
	}
	again := send(t, h, "POST", "/things", `{"a":1}`, "Idempotency-Key", k1)
	if again.status != 200 || again.header.Get(idempotency.ReplayedHeader) != "true" || again.header.Get("Cache-Control") != "no-store" ||
		again.header.Get("Content-Type") != "application/json" || again.header.Get("X-Replayed-Status") != "200" ||
		!bytes.Equal(again.body, bytes.ToUpper(first.body)) {
		t.Fatalf("replay: %d %v %s (first %s)", again.status, again.header, again.body, first.body)
	}
	if c.runs.Load() != 1 || replays.Load() != 1 {
		t.Fatalf("%d runs, %d replays; want 1, 1", c.runs.Load(), replays.Load())
	}
	p := send(t, h, "POST", "/things", `{"a":2}`, "Idempotency-Key", k1).problem(t, 422, hotel.EUNPROCESSABLE)
	if p.Detail != "This Idempotency-Key was used for a different request; use a new key for a new request." {
		t.Fatalf("422 detail %q", p.Detail)
	}
	// Another route is another scope; no key runs every time.
	send(t, h, "POST", "/others", `{"a":2}`, "Idempotency-Key", k1)
	send(t, h, "POST", "/things", `{"a":1}`)
	send(t, h, "POST", "/things", `{"a":1}`)
	if c.runs.Load() != 4 {
		t.Fatalf("%d runs, want 4", c.runs.Load())
	}

	// A refusal is replayed as it was written, not rebuilt.
	c.status.Store(409)
	refused := send(t, h, "POST", "/things", `{}`, "Idempotency-Key", k2)
	refused.problem(t, 409, hotel.ECONFLICT)
	c.status.Store(200)
	r := send(t, h, "POST", "/things", `{}`, "Idempotency-Key", k2)
	r.problem(t, 409, hotel.ECONFLICT)
	if r.header.Get(idempotency.ReplayedHeader) != "true" || r.header.Get("X-Replayed-Status") != "409" {
		t.Fatalf("replayed refusal headers %v", r.header)
	}
}

func TestInFlight(t *testing.T) {
	t.Parallel()
	k, clock, _ := newKeys(t)
	c := &counter{gate: make(chan struct{}), started: make(chan struct{}, 2)}
	h := route(k, idempotency.Route{Resource: newID, Resumable: true}, c)
	slow := hotel.NewIdempotencyKey()
	done := make(chan answer)
	go func() { done <- send(t, h, "POST", "/things", `{}`, "Idempotency-Key", slow) }()
	<-c.started
	r := send(t, h, "POST", "/things", `{}`, "Idempotency-Key", slow)
	r.problem(t, 409, hotel.ECONFLICT)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("409 Retry-After %q", r.header.Get("Retry-After"))
	}
	// Past the lease, a resumable route runs again on the same resource.
	clock.Add(idempotency.InFlightLease + time.Second)
	resumed := make(chan answer)
	go func() { resumed <- send(t, h, "POST", "/things", `{}`, "Idempotency-Key", slow) }()
	<-c.started
	close(c.gate)
	a, b := <-done, <-resumed
	var ra, rb struct{ ID string }
	if json.Unmarshal(a.body, &ra) != nil || json.Unmarshal(b.body, &rb) != nil || ra.ID == "" || ra.ID != rb.ID {
		t.Fatalf("first %s, resumed %s: want one resource", a.body, b.body)
	}
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	for _, resumable := range []bool{false, true} {
		t.Run(fmt.Sprint("resumable=", resumable), func(t *testing.T) {
			t.Parallel()
			k, _, replays := newKeys(t)
			c := &counter{}
			h := route(k, idempotency.Route{Resource: newID, Resumable: resumable}, c)
			key := hotel.NewIdempotencyKey()
			c.status.Store(503)
			r := send(t, h, "POST", "/things", `{}`, "Idempotency-Key", key)
			r.problem(t, 503, hotel.EUNAVAILABLE)
			if r.header.Get("Retry-After") != "5" {
				t.Fatalf("503 Retry-After %q", r.header.Get("Retry-After"))
			}
			c.status.Store(200)
			r = send(t, h, "POST", "/things", `{}`, "Idempotency-Key", key)
			if r.status != 200 || r.header.Get(idempotency.ReplayedHeader) != "" || replays.Load() != 0 {
				t.Fatalf("retry after a 5xx: %d %v", r.status, r.header)
			}
			n := 0
			c.ids.Range(func(any, any) bool { n++; return true })
			if want := map[bool]int{false: 2, true: 1}[resumable]; n != want || c.runs.Load() != 2 {
				t.Fatalf("%d runs on %d resources, want 2 on %d", c.runs.Load(), n, want)
			}
			// Finished now: replayed.
			if r := send(t, h, "POST", "/things", `{}`, "Idempotency-Key", key); r.header.Get(idempotency.ReplayedHeader) != "true" {
				t.Fatalf("third: %d %v", r.status, r.header)
			}
		})
	}
}

// A 415 (a body sent without Content-Type: application/json) is not the
// key's answer: the same body sent again as JSON, under the same key, runs.
// (The request hash covers the body, not its Content-Type.)
func TestUnsupportedMediaIsNotReplayed(t *testing.T) {
	t.Parallel()
	for _, resumable := range []bool{false, true} {
		t.Run(fmt.Sprint("resumable=", resumable), func(t *testing.T) {
			t.Parallel()
			k, _, replays := newKeys(t)
			var runs atomic.Int64
			h := k.Handle(idempotency.Route{Resource: newID, Resumable: resumable}, func(w http.ResponseWriter, r *http.Request, id string) {
				if _, err := web.Decode[struct {
					A int `json:"a"`
				}](w, r); err != nil {
					web.Error(w, r, err)
					return
				}
				web.Encode(w, http.StatusOK, map[string]any{"id": id, "run": runs.Add(1)})
			})
			key := hotel.NewIdempotencyKey() // an anonymous caller's
			post := func(ct string) answer {
				r := httptest.NewRequest(http.MethodPost, "/things", strings.NewReader(`{"a":1}`))
				if ct != "" {
					r.Header.Set("Content-Type", ct)
				}
				r.Header.Set("Idempotency-Key", key)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return answer{w.Code, w.Header(), w.Body.Bytes()}
			}
			post("").problem(t, http.StatusUnsupportedMediaType, hotel.EUNSUPPORTEDMEDIA)
			post("text/plain").problem(t, http.StatusUnsupportedMediaType, hotel.EUNSUPPORTEDMEDIA)
			if r := post("application/json"); r.status != 200 || r.header.Get(idempotency.ReplayedHeader) != "" {
				t.Fatalf("the same body as JSON: %d %v %s", r.status, r.header, r.body)
			}
			// Finished now: replayed, whatever the Content-Type.
			if r := post("text/plain"); r.status != 200 || r.header.Get(idempotency.ReplayedHeader) != "true" || runs.Load() != 1 || replays.Load() != 1 {
				t.Fatalf("again: %d %v, %d runs, %d replays", r.status, r.header, runs.Load(), replays.Load())
			}
		})
	}
}

// invalidKeys are refused on every route, before anything runs, from a
// caller with credentials and from an anonymous one (for whom every key
// but a random UUID is invalid).
var invalidKeys = []struct {
	name      string
	values    []string
	reason    string // from a caller with credentials
	anonymous bool   // refused only from an anonymous caller
}{
	{"empty", []string{""}, syntaxReason, false},
	{"256 characters", []string{strings.Repeat("k", 256)}, syntaxReason, false},
	{"not ASCII", []string{"clé"}, syntaxReason, false},
	{"a control character", []string{"a\tb"}, syntaxReason, false},
	{"a space around", []string{" k"}, syntaxReason, false},
	{"twice", []string{hotel.NewIdempotencyKey(), hotel.NewIdempotencyKey()}, "must be given once", false},
	{"short", []string{"k1"}, "", true},
	{"36 characters, not a UUID", []string{"order-2026-12-14-ada-lovelace-000001"}, "", true},
	{"a UUID without hyphens", []string{"0f8fad5bd9cb469fa16570867728950e"}, "", true},
	{"a UUID in braces", []string{"{0f8fad5b-d9cb-469f-a165-70867728950e}"}, "", true},
	{"a UUID URN", []string{"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"}, "", true},
	{"the nil UUID", []string{"00000000-0000-0000-0000-000000000000"}, "", true},
	{"the max UUID", []string{"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"}, "", true},
	{"a counted UUID", []string{"00000000-0000-0000-0000-000000000012"}, "", true},
	{"a repeated UUID", []string{"12312312-3123-1231-2312-312312312312"}, "", true},
}

const (
	syntaxReason    = "must be 1 to 255 printable ASCII characters without leading or trailing spaces"
	anonymousReason = "without credentials, must be a random UUID (such as 0f8fad5b-d9cb-469f-a165-70867728950e): the key is the secret that makes a retry yours"
)

// validKeys are accepted from every caller.
var validKeys = []string{
	"0f8fad5b-d9cb-469f-a165-70867728950e", // version 4
	"0190A1B2-C3D4-7E5F-8A6B-1C2D3E4F5A6B", // version 7, upper case
	"c232ab00-9414-11ec-b3c8-9f6bdeced846", // version 1
	hotel.NewIdempotencyKey(),
}

// TestOneRuleOnEveryRoute sends the same keys to a booking create and an
// inventory adjustment, served as cmd/hotel serves them, as an anonymous
// caller and as a staff key: both families answer alike, through the one
// mechanism, and each caller by its rule.
func TestOneRuleOnEveryRoute(t *testing.T) {
	t.Parallel()
	env := bookingtest.NewEnv(t, bookingtest.Drivers[0], bookingtest.Modes[0], booking.Config{})
	var replays atomic.Int64
	keys := idempotency.New(env.Store, env.Clock.Now, func() { replays.Add(1) })
	mux := http.NewServeMux()
	for _, r := range slices.Concat(bookinghttp.Routes(env.Service, keys), inventoryhttp.Routes(env.Local, keys)) {
		mux.Handle(r.Pattern, r.Handler) // access control is the authorization matrix's
	}
	h := web.Middleware(slog.New(slog.DiscardHandler), web.ProblemMux(mux))

	families := []struct {
		name, path, body string
		status           int
	}{
		{"booking", "/bookings/", fmt.Sprintf(`{"guest_name":"Ada Lovelace","hotel_id":%d,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`,
			bookingtest.London, bookingtest.Day(3)), http.StatusCreated},
		{"adjust", fmt.Sprintf("/inventory/%d/adjust", bookingtest.London), fmt.Sprintf(`{"room_type":"Standard Rooms","date":"%s","num_rooms":1}`,
			bookingtest.Day(3)), http.StatusOK},
	}
	callers := []struct {
		name string
		h    http.Handler
		key  string // a key the caller may send
	}{
		{"anonymous", h, hotel.NewIdempotencyKey()},
		{"staff", as(hotel.Principal{Kind: hotel.StaffKey, Name: "staff", Scopes: []string{hotel.ScopeAdmin}}, h), "family-1"},
	}
	for _, c := range callers {
		anonymous := c.name == "anonymous"
		var problems []map[string]string
		for _, f := range families {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				seen := map[string]string{}
				for _, k := range invalidKeys {
					if k.anonymous && !anonymous {
						continue
					}
					var hs []string
					for _, v := range k.values {
						hs = append(hs, "Idempotency-Key", v)
					}
					reason := k.reason
					if anonymous && len(k.values) == 1 {
						reason = anonymousReason
					}
					p := send(t, c.h, "POST", f.path, f.body, hs...).problem(t, 400, hotel.EINVALID)
					if len(p.Errors) != 1 || p.Errors[0] != (hotel.FieldError{Field: "Idempotency-Key", Reason: reason}) {
						t.Errorf("key %s: %+v", k.name, p)
					}
					seen[k.name] = p.Detail + " " + fmt.Sprint(p.Errors)
				}
				first := send(t, c.h, "POST", f.path, f.body, "Idempotency-Key", c.key)
				if first.status != f.status {
					t.Fatalf("first: %d %s", first.status, first.body)
				}
				before := replays.Load()
				again := send(t, c.h, "POST", f.path, f.body, "Idempotency-Key", c.key)
				if again.status != f.status || again.header.Get(idempotency.ReplayedHeader) != "true" || replays.Load() != before+1 {
					t.Fatalf("retry: %d %v %s", again.status, again.header, again.body)
				}
				seen["422"] = send(t, c.h, "POST", f.path, strings.Replace(f.body, "1", "2", 1), "Idempotency-Key", c.key).
					problem(t, 422, hotel.EUNPROCESSABLE).Detail
				problems = append(problems, seen)
			})
		}
		if len(problems) == 2 && fmt.Sprint(problems[0]) != fmt.Sprint(problems[1]) {
			t.Errorf("%s: the families answer differently:\nbooking %v\nadjust  %v", c.name, problems[0], problems[1])
		}
	}
	// Each caller's adjustment was applied once, its booking made once.
	adjs, err := env.Local.ListAdjustments(t.Context(), bookingtest.London, 0, 0)
	if err != nil || len(adjs) != len(callers) {
		t.Fatalf("adjustments %+v, %v; want %d", adjs, err, len(callers))
	}
	if all := env.AllBookings(t); len(all) != len(callers) {
		t.Fatalf("%d bookings, want %d", len(all), len(callers))
	}
}

// as serves h as caller p, as the auth Router does once p is verified.
func as(p hotel.Principal, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func TestKeyRule(t *testing.T) {
	t.Parallel()
	for _, k := range validKeys {
		for _, anonymous := range []bool{true, false} {
			if err := hotel.CheckIdempotencyKey(k, anonymous); err != nil {
				t.Errorf("CheckIdempotencyKey(%q, anonymous %v) = %v", k, anonymous, err)
			}
		}
	}
	for _, k := range invalidKeys {
		if len(k.values) != 1 {
			continue
		}
		if err := hotel.CheckIdempotencyKey(k.values[0], true); err == nil {
			t.Errorf("CheckIdempotencyKey(%q, anonymous) accepted it", k.values[0])
		}
		if err := hotel.CheckIdempotencyKey(k.values[0], false); (err == nil) != k.anonymous {
			t.Errorf("CheckIdempotencyKey(%q, with credentials) = %v", k.values[0], err)
		}
	}
	// NewIdempotencyKey makes keys every caller may send, all different.
	seen := map[string]bool{}
	for range 1000 {
		k := hotel.NewIdempotencyKey()
		if err := hotel.CheckIdempotencyKey(k, true); err != nil || seen[k] {
			t.Fatalf("NewIdempotencyKey() = %q: %v, seen before %v", k, err, seen[k])
		}
		seen[k] = true
	}
}

// TestAnonymousKeyIsSecret: the records of anonymous callers, who all share
// one scope, are kept under the SHA-256 of their keys, so the records do not
// give the keys away (whoever reads them cannot send a key and be served the
// answer); a caller with credentials, whose scope is its own, finds its key
// as it sent it.
func TestAnonymousKeyIsSecret(t *testing.T) {
	t.Parallel()
	st := bookingtest.Seeded(t, bookingtest.Drivers[0])
	clock := bookingtest.NewClock(t, bookingtest.DefaultNow)
	c := &counter{}
	h := route(idempotency.New(st, clock.Now, nil), idempotency.Route{Resource: newID}, c)
	staff := hotel.Principal{Kind: hotel.StaffKey, Name: "agent"}
	key := hotel.NewIdempotencyKey()
	send(t, h, "POST", "/things", `{}`, "Idempotency-Key", key)
	send(t, as(staff, h), "POST", "/things", `{}`, "Idempotency-Key", key)
	if c.runs.Load() != 2 {
		t.Fatalf("%d runs, want 2: one per caller", c.runs.Load())
	}
	sum := sha256.Sum256([]byte(key))
	for _, probe := range []struct {
		scope, key string
		stored     bool
	}{
		{"anonymous: POST /things", key, false},
		{"anonymous: POST /things", "sha256:" + hex.EncodeToString(sum[:]), true},
		{"key:agent POST /things", key, true},
	} {
		rec := store.IdempotencyRecord{Scope: probe.scope, Key: probe.key, RequestHash: make([]byte, 32),
			CreatedAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}
		_, claimed, err := st.BeginIdempotent(t.Context(), rec, time.Time{})
		if err != nil || claimed == probe.stored {
			t.Errorf("record %q in scope %q: claimed %v, %v; want it stored %v", probe.key, probe.scope, claimed, err, probe.stored)
		}
		if claimed {
			_ = st.AbandonIdempotent(t.Context(), probe.scope, probe.key)
		}
	}
}

// An adjustment whose request ended in a 5xx after the adjustment was
// stored (or whose process died) is not applied twice by the retry that
// resumes it: the store keeps the claim's resource id with the adjustment.
func TestAdjustResumesOnce(t *testing.T) {
	t.Parallel()
	env := bookingtest.NewEnv(t, bookingtest.Drivers[0], bookingtest.Modes[0], booking.Config{})
	keys := idempotency.New(env.Store, env.Clock.Now, nil)
	mux := http.NewServeMux()
	for _, r := range inventoryhttp.Routes(lostAnswer{InventoryService: env.Local, lose: &atomic.Bool{}}, keys) {
		mux.Handle(r.Pattern, r.Handler)
	}
	h := web.Middleware(slog.New(slog.DiscardHandler), web.ProblemMux(mux))
	path := fmt.Sprintf("/inventory/%d/adjust", bookingtest.London)
	body := fmt.Sprintf(`{"room_type":"Standard Rooms","date":"%s","num_rooms":2}`, bookingtest.Day(5))
	lost := hotel.NewIdempotencyKey()
	send(t, h, "POST", path, body, "Idempotency-Key", lost).problem(t, 503, hotel.EUNAVAILABLE)
	r := send(t, h, "POST", path, body, "Idempotency-Key", lost)
	if r.status != 200 || r.header.Get(idempotency.ReplayedHeader) != "true" {
		t.Fatalf("resumed: %d %v %s", r.status, r.header, r.body)
	}
	adjs, err := env.Local.ListAdjustments(t.Context(), bookingtest.London, 0, 0)
	if err != nil || len(adjs) != 1 || adjs[0].NumRooms != 2 {
		t.Fatalf("adjustments %+v, %v; want one", adjs, err)
	}
	var got hotel.Adjustment
	if err := json.NewDecoder(io.NopCloser(bytes.NewReader(r.body))).Decode(&got); err != nil || got.ID != adjs[0].ID {
		t.Fatalf("resumed answer %s, stored %+v", r.body, adjs[0])
	}
}

// lostAnswer applies the first adjustment and then fails as if its answer
// were lost (503); later calls pass.
type lostAnswer struct {
	hotel.InventoryService
	lose *atomic.Bool
}

func (l lostAnswer) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	replayed, err := l.InventoryService.Adjust(ctx, a)
	if err == nil && l.lose.CompareAndSwap(false, true) {
		return false, hotel.Errorf(hotel.EUNAVAILABLE, "The answer was lost.")
	}
	return replayed, err
}
