package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

// fakePlatform is just enough of the gateway for the load tool: one hotel
// with one room type, and creates answered as plan says per attempt of an
// Idempotency-Key, which must be one the caller may send. A key that was
// answered 201 once is replayed (201, with a new access token) as the
// platform does.
type fakePlatform struct {
	t *testing.T
	// plan is the answer to the attempt-th (1, 2, …) create with one key:
	// a status, 0 to drop the connection, or 201 to book.
	plan func(attempt int) int
	// header, if set, adds headers to an answer of plan.
	header func(status int, h http.Header)
	// readsDown: that many booking reads answer 503 first.
	readsDown int
	// missing: reads of these bookings answer 404.
	missing map[string]bool
	// dropFirst: the first attempt of each key books, but its answer is
	// lost (the connection drops), as when a gateway times out late.
	dropFirst bool
	// tokenlessReplay: a replay carries no access token (as the platform
	// did before it renewed tokens on replay).
	tokenlessReplay bool

	mu       sync.Mutex
	attempts map[string]int    // by key
	booked   map[string]string // key → booking id
	bodies   map[string]string // key → the request body first sent
	reads    int
}

func newFake(t *testing.T, plan func(attempt int) int) (*fakePlatform, *httptest.Server) {
	f := &fakePlatform{t: t, plan: plan, attempts: map[string]int{}, booked: map[string]string{}, bodies: map[string]string{}, missing: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /inventory/hotels", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, []map[string]any{{"hotel_id": 1, "location": "Testville", "time_zone": "UTC"}})
	})
	mux.HandleFunc("GET /inventory/hotels/1/room-types", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, []map[string]any{{"room_type": "Standard"}})
	})
	mux.HandleFunc("POST /bookings/", f.create)
	mux.HandleFunc("GET /bookings/{id}", f.read)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func problem(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"status":%d,"code":"x"}`, status)
}

func (f *fakePlatform) create(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	body, err := io.ReadAll(r.Body)
	if err != nil || key == "" {
		f.t.Errorf("create without Idempotency-Key or body: %v", err)
	}
	if err := hotel.CheckIdempotencyKey(key, r.Header.Get("Authorization") == ""); err != nil {
		f.t.Errorf("create with Idempotency-Key %q: %v", key, err)
	}
	f.mu.Lock()
	f.attempts[key]++
	attempt := f.attempts[key]
	id, done := f.booked[key]
	if prev, ok := f.bodies[key]; ok && prev != string(body) {
		f.t.Errorf("key %s sent again with another body", key)
	}
	f.bodies[key] = string(body)
	status := 201
	if !done {
		status = f.plan(attempt)
		if status == 201 {
			id = fmt.Sprintf("b%d", len(f.booked)+1)
			f.booked[key] = id
		}
	}
	f.mu.Unlock()
	if f.header != nil {
		f.header(status, w.Header())
	}
	switch {
	case status == 0, status == 201 && !done && f.dropFirst && attempt == 1:
		panic(http.ErrAbortHandler) // the connection drops: no answer
	case status == 201 && done && f.tokenlessReplay:
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, 201, map[string]any{"booking_id": id, "version": 2})
	case status == 201 && done: // a replay, with a new token
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, 201, map[string]any{"booking_id": id, "access_token": fmt.Sprintf("bt_%s_%d", id, attempt), "version": 2})
	case status == 201:
		writeJSON(w, 201, map[string]any{"booking_id": id, "access_token": "bt_" + id, "version": 2})
	case status == 500 && f.header == nil:
		http.Error(w, "boom", 500) // text/plain: not a problem
	default:
		problem(w, status)
	}
}

func (f *fakePlatform) read(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reads++
	down := f.reads <= f.readsDown
	f.mu.Unlock()
	id := r.PathValue("id")
	switch {
	case r.Header.Get("Authorization") == "":
		problem(w, 401)
	case down:
		problem(w, 503)
	case f.missing[id]:
		problem(w, 404)
	default:
		writeJSON(w, 200, map[string]any{"booking_id": id, "reservation_status": "confirmed"})
	}
}

func (f *fakePlatform) totals() (keys, attempts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.attempts {
		attempts += n
	}
	return len(f.attempts), attempts
}

// createOnly runs creates alone from two clients for d.
func createOnly(t *testing.T, target, adminKey string, d time.Duration) *Report {
	t.Helper()
	rep, err := Run(context.Background(), Config{Target: target, Clients: 2, Duration: d, Mix: map[string]int{OpCreate: 1}, AdminKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestCreateRetriedWithSameKey: a create that got 503, 502, 504, no answer
// or "still in progress" is sent again with its key until it is confirmed;
// the booking counts once, as confirmed on a retry, and is not lost.
func TestCreateRetriedWithSameKey(t *testing.T) {
	for _, first := range []int{503, 502, 504, 0, 409} {
		t.Run(fmt.Sprint(first), func(t *testing.T) {
			t.Parallel()
			f, srv := newFake(t, func(attempt int) int {
				if attempt <= 2 {
					return first
				}
				return 201
			})
			if first == 409 { // in progress: says when to come back
				f.header = func(status int, h http.Header) {
					if status == 409 {
						h.Set("Retry-After", "0")
					}
				}
			}
			rep := createOnly(t, srv.URL, "admin", 500*time.Millisecond)
			keys, attempts := f.totals()
			if rep.Created == 0 || !rep.OK() || len(rep.Lost) != 0 || attempts < 3*rep.Created {
				t.Fatalf("report %+v after %d attempts over %d keys", rep, attempts, keys)
			}
			if first == 0 {
				// net/http itself may resend a request with an
				// Idempotency-Key once when a reused connection drops: the
				// run then sees fewer failures than the server.
				return
			}
			if rep.CreatedOnRetry != rep.Created {
				t.Errorf("%d of %d bookings counted as confirmed on a retry; every one was", rep.CreatedOnRetry, rep.Created)
			}
			if rep.CreateRetries < 2*rep.Created || attempts < 3*rep.Created {
				t.Errorf("%d retries, %d attempts for %d bookings over %d keys; want at least 2 retries each", rep.CreateRetries, attempts, rep.Created, keys)
			}
			if got := rep.Ops[OpCreate].Statuses[fmt.Sprint(first)]; got < 2*rep.Created {
				t.Errorf("statuses %v: want each %d recorded", rep.Ops[OpCreate].Statuses, first)
			}
			if rep.Ops[OpCreate].NotProblem != 0 {
				t.Errorf("%d answers counted as not problem+json", rep.Ops[OpCreate].NotProblem)
			}
			if got, want := rep.Ops[OpCreate].NoRetryAfter, map[int]int{503: rep.Ops[OpCreate].Statuses["503"]}[first]; got != want {
				t.Errorf("%d answers counted as 503 without Retry-After, want %d", got, want)
			}
		})
	}
}

// TestCreateNotRetried: sold out (409 without Retry-After), a bad request
// and a 500 are final; a 500 that is not problem+json is counted.
func TestCreateNotRetried(t *testing.T) {
	for _, status := range []int{409, 400, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			f, srv := newFake(t, func(int) int { return status })
			rep := createOnly(t, srv.URL, "admin", 300*time.Millisecond)
			keys, attempts := f.totals()
			if keys == 0 || attempts != keys || rep.CreateRetries != 0 || rep.Created != 0 {
				t.Errorf("%d attempts over %d keys, %d retries, %d created: want one attempt each, none made", attempts, keys, rep.CreateRetries, rep.Created)
			}
			if got, want := rep.Ops[OpCreate].NotProblem, map[int]int{500: attempts}[status]; got != want {
				t.Errorf("not problem+json: %d, want %d", got, want)
			}
		})
	}
}

// TestCreateRetriesBoundedByRun: against a system that never comes back,
// creates stop retrying when the run ends (and after maxCreateAttempts).
func TestCreateRetriesBoundedByRun(t *testing.T) {
	f, srv := newFake(t, func(int) int { return 503 })
	begin := time.Now()
	rep := createOnly(t, srv.URL, "admin", 400*time.Millisecond)
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("the run took %v; the retries outlived it", took)
	}
	keys, attempts := f.totals()
	if rep.Created != 0 || keys == 0 || attempts > keys*maxCreateAttempts || rep.CreateRetries != attempts-keys {
		t.Errorf("created %d; %d attempts over %d keys, %d retries counted", rep.Created, attempts, keys, rep.CreateRetries)
	}
	// Without a deadline (the rush and the storm book so), maxCreateAttempts
	// bounds them; fast delays for the test.
	defer func(b, m time.Duration) { retryBaseDelay, maxRetryDelay = b, m }(retryBaseDelay, maxRetryDelay)
	retryBaseDelay, maxRetryDelay = time.Millisecond, 2*time.Millisecond
	f2, srv2 := newFake(t, func(int) int { return 503 })
	r := &runner{cfg: Config{Target: srv2.URL}, hc: http.DefaultClient, stats: map[string]*OpStat{}, made: map[string]bool{}}
	begin = time.Now()
	r.create(context.Background(), rand.New(rand.NewPCG(1, 2)), 1, "Standard", time.Now().AddDate(0, 0, 3), 1)
	if _, n := f2.totals(); n != maxCreateAttempts {
		t.Errorf("without a deadline: %d attempts, want %d", n, maxCreateAttempts)
	}
	t.Logf("%d attempts took %v", maxCreateAttempts, time.Since(begin))
}

// TestReplayedCreateAccounting: a create confirmed by a replay is read back
// with the replay's access token, or with the admin key. A replay without
// a token (tokenless) is read back with the admin key; without one it
// counts as unchecked — confirmed, never lost, never used.
func TestReplayedCreateAccounting(t *testing.T) {
	for _, c := range []struct {
		admin     string
		tokenless bool
	}{{"admin", false}, {"", false}, {"admin", true}, {"", true}} {
		admin := c.admin
		t.Run(fmt.Sprintf("admin=%s,tokenless=%v", admin, c.tokenless), func(t *testing.T) {
			t.Parallel()
			// The first attempt books but its answer is lost; the retry is a replay.
			f, srv := newFake(t, func(int) int { return 201 })
			f.dropFirst, f.tokenlessReplay = true, c.tokenless
			rep, err := Run(context.Background(), Config{Target: srv.URL, Clients: 2, Duration: 400 * time.Millisecond,
				Mix: map[string]int{OpCreate: 1, OpBookingRead: 1}, AdminKey: admin})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Created == 0 || len(rep.Lost) != 0 || !rep.OK() {
				t.Fatalf("report %+v", rep)
			}
			wantUnchecked := 0
			if admin == "" && c.tokenless {
				wantUnchecked = rep.Created
				if s := rep.Ops[OpBookingRead]; s != nil && s.Statuses["401"] > 0 {
					t.Errorf("the run read bookings it has no credential for: %v", s.Statuses)
				}
			}
			if rep.Unchecked != wantUnchecked {
				t.Errorf("unchecked %d, want %d", rep.Unchecked, wantUnchecked)
			}
		})
	}
}

// TestLostCheckWaitsForRecovery: reads that find the system away at the
// end are retried, so a booking is lost only when it is really missing.
func TestLostCheckWaitsForRecovery(t *testing.T) {
	f, srv := newFake(t, func(int) int { return 201 })
	f.missing["b1"] = true
	rep := createOnly(t, srv.URL, "admin", 300*time.Millisecond)
	if rep.Created < 2 || len(rep.Lost) != 1 || !strings.HasPrefix(rep.Lost[0], "b1 (404") {
		t.Fatalf("created %d, lost %q: want only b1 lost", rep.Created, rep.Lost)
	}
	f.mu.Lock()
	f.readsDown = f.reads + 3 // the next three reads find the system away
	f.mu.Unlock()
	r := &runner{cfg: Config{Target: srv.URL, AdminKey: "admin"}, hc: http.DefaultClient, made: map[string]bool{},
		books: []booking{{ID: "b2"}, {ID: "b3"}}}
	if lost, _ := r.lost(context.Background()); len(lost) != 0 {
		t.Errorf("lost %q while the system was briefly away", lost)
	}
}

func TestRetryDelay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for attempt := 1; attempt <= 12; attempt++ {
		d := retryDelay(rng, attempt, http.Header{})
		base := min(retryBaseDelay<<(attempt-1), maxRetryDelay)
		if d < base/2 || d > base {
			t.Errorf("attempt %d: %v, want in [%v, %v]", attempt, d, base/2, base)
		}
	}
	if d := retryDelay(rng, 1, http.Header{"Retry-After": {"1"}}); d != time.Second {
		t.Errorf("Retry-After 1: %v, want 1s", d)
	}
	if d := retryDelay(rng, 1, http.Header{"Retry-After": {"120"}}); d != maxRetryDelay {
		t.Errorf("Retry-After 120: %v, want the cap %v", d, maxRetryDelay)
	}
}

func TestIsProblem(t *testing.T) {
	for ct, want := range map[string]bool{"application/problem+json": true, "Application/Problem+JSON; charset=utf-8": true,
		"application/json": false, "text/plain; charset=utf-8": false, "": false} {
		if isProblem(ct) != want {
			t.Errorf("isProblem(%q) = %v", ct, !want)
		}
	}
}
