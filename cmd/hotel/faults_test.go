package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// startReplicated runs two inventory and two booking replicas, a scheduler
// and a gateway balancing over them, on one PostgreSQL database.
func startReplicated(t *testing.T, db map[string]string) (gw string, inv []*proc) {
	db = overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db)
	inv = []*proc{
		startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db)),
		startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db)),
	}
	invURLs := inv[0].URL + "," + inv[1].URL
	var book []string
	for range 2 {
		book = append(book, startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": invURLs}, db)).URL)
	}
	startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": invURLs}, db))
	g := startServe(t, map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": invURLs,
		"BOOKING_URL": strings.Join(book, ","), "HOTEL_ADMIN_KEY": testAdminKey})
	return g.URL, inv
}

// TestInventoryReplicaKilledMidLoad drives the mixed workload through a
// gateway over two booking and two inventory replicas and kills one
// inventory replica a second in: the load goes on through the other, no
// booking confirmed to a client is lost, nothing is oversold, and held
// rooms still equal bookings.
func TestInventoryReplicaKilledMidLoad(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, postgresStore)
	gw, inv := startReplicated(t, db)
	killed := time.AfterFunc(time.Second, func() { inv[1].stop(t) })
	defer killed.Stop()
	rep, out := loadReport(t, gw, db, "--clients", "8", "--duration", faultDuration(t, 4*time.Second).String())
	if !rep.OK() || rep.Check == nil || rep.Check.DriftingNights != 0 || rep.Created == 0 {
		t.Fatalf("after killing a replica: %s", out)
	}
	failed, total := 0, 0
	for _, s := range rep.Ops {
		for status, n := range s.Statuses {
			total += n
			if status[0] == '5' || status == "transport_error" {
				failed += n
			}
		}
	}
	// Only requests in flight on the killed replica may fail.
	if failed > total/50+8 {
		t.Fatalf("%d of %d requests failed after one of two replicas died: %s", failed, total, out)
	}
	t.Logf("%d requests, %d failed while the replica died; %d bookings, none lost", total, failed, rep.Created)
}

// TestDatabaseOutageMidLoad cuts the system off its PostgreSQL database for
// about a second and a half in the middle of the mixed workload (no new
// connections, every open one terminated): requests fail fast with 503 —
// never 500 — the system recovers by itself, no booking confirmed to a
// client is lost, and held rooms still equal bookings.
func TestDatabaseOutageMidLoad(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, postgresStore)
	sys := startAll(t, overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db))
	admin, err := pgxpool.New(context.Background(), pgtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, err := url.Parse(db["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	outage := func(down bool) {
		ctx := context.Background()
		if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %t`, pgx.Identifier{name}.Sanitize(), !down)); err != nil {
			t.Errorf("outage %v: %v", down, err)
		}
		if down {
			if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
				t.Errorf("terminate: %v", err)
			}
		}
	}
	down := time.AfterFunc(time.Second, func() { outage(true) })
	up := time.AfterFunc(2500*time.Millisecond, func() { outage(false) })
	defer down.Stop()
	defer up.Stop()
	rep, out := loadReport(t, sys.Gateway, db, "--clients", "8", "--duration", faultDuration(t, 5*time.Second).String())
	checkFaultReport(t, rep, out, []string{"503"})
	slowest := checkLatency(t, rep, restartLatencyBound)
	// Recovered by itself: a booking goes through again.
	bookAfterFault(t, sys.Gateway)
	t.Logf("%d requests, statuses %s, slowest %v; %d bookings, none lost", rep.Requests, statusSummary(rep), slowest, rep.Created)
}

// faultDuration is how long a fault test drives load: short (def) in
// `make test`, or HOTEL_FAULT_DURATION (e.g. 60s) for a long run.
func faultDuration(t *testing.T, def time.Duration) time.Duration {
	t.Helper()
	s := os.Getenv("HOTEL_FAULT_DURATION")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second {
		t.Fatalf("HOTEL_FAULT_DURATION=%q: want a duration of at least 1s, e.g. 60s", s)
	}
	return d
}

// loadReport runs `hotel loadtest --json` with args against gateway and
// returns its report (the invariant check included).
func loadReport(t *testing.T, gateway string, db map[string]string, args ...string) (*loadtest.Report, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"loadtest", "--json", "--target", gateway}, args...),
		env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db)), &out, &errOut)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	var rep loadtest.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("loadtest report: %v\n%s", err, out.String())
	}
	return &rep, out.String()
}

// TestPostgresRestartMidLoad restarts PostgreSQL in the middle of the
// mixed workload, all-in-one and split, each on a dedicated cluster: a
// second in, a crash (a server process killed, as by the out-of-memory
// killer: PostgreSQL ends every connection and recovers from its WAL);
// then a fast shutdown (as an operator's restart), down about a second,
// then started again on the same port and data. Requests fail fast with 503
// and Retry-After (never 500, never a hang or a dropped connection), the
// system recovers by itself, every booking confirmed to a client (also on
// a retry with the same Idempotency-Key) still exists, nothing is oversold
// and held rooms still equal bookings. HOTEL_FAULT_DURATION lengthens the
// load, with a restart or a crash every 5 seconds.
func TestPostgresRestartMidLoad(t *testing.T) {
	t.Parallel()
	// Six seconds: the crash and the start of the restart fall well inside
	// the load even when a loaded machine makes each take seconds.
	dur := faultDuration(t, 6*time.Second)
	for _, mode := range []string{"all", "split"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cluster := pgtest.NewCluster(t)
			db := map[string]string{"DATABASE_URL": cluster.URL()}
			var sys *system
			if mode == "all" {
				sys = startAll(t, db)
			} else {
				sys = startSplit(t, db)
			}
			done := make(chan struct{})
			faults := make(chan []string, 1)
			go func() { faults <- injectDatabaseFaults(t, cluster, dur, done) }()
			rep, out := loadReport(t, sys.Gateway, db, "--clients", "8", "--duration", dur.String())
			close(done)
			injected := <-faults
			if len(injected) < 2 {
				t.Fatalf("faults injected: %v; want a crash and a restart", injected)
			}
			checkFaultReport(t, rep, out, []string{"503"})
			slowest := checkLatency(t, rep, restartLatencyBound)
			// Recovered by itself: a booking goes through again.
			bookAfterFault(t, sys.Gateway)
			t.Logf("%d requests, statuses %s, slowest %v; %d bookings (%d on a retry), none lost; faults: %v",
				rep.Requests, statusSummary(rep), slowest, rep.Created, rep.CreatedOnRetry, injected)
		})
	}
}

// injectDatabaseFaults crashes the cluster a second into a load of dur,
// then restarts it (down a second), alternately, each once the previous one is
// over and gap has passed — 0.3 s in a short run, 5 s in a long one —
// always the first crash and restart, later ones if they will be over with
// 0.7 s of load to spare. It stops early when done closes, and returns
// what it did.
func injectDatabaseFaults(t *testing.T, cluster *pgtest.Cluster, dur time.Duration, done <-chan struct{}) []string {
	gap := 300 * time.Millisecond
	if dur >= 10*time.Second {
		gap = 5 * time.Second
	}
	begin := time.Now()
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	var injected []string
	for i, at := 0, time.Second; ; i++ {
		restart := i%2 == 1
		takes := 300 * time.Millisecond // a crash recovery
		if restart {
			takes = 1500 * time.Millisecond
		}
		if i >= 2 && at+takes+700*time.Millisecond > dur {
			return injected
		}
		select {
		case <-done:
			return injected
		case <-timer.C:
		}
		t0 := time.Now()
		kind, err := "crash", error(nil)
		if restart {
			kind, err = "restart", cluster.Restart(time.Second)
		} else {
			err = cluster.Crash()
		}
		if err != nil {
			t.Errorf("%s: %v", kind, err)
			return injected
		}
		injected = append(injected, fmt.Sprintf("%s at %.1fs (%v)", kind, t0.Sub(begin).Seconds(), time.Since(t0).Round(time.Millisecond)))
		at = time.Since(begin) + gap
		timer.Reset(gap)
	}
}

// checkFaultReport fails the test unless the run kept every invariant,
// confirmed bookings, and every failure was one of the allowed 5xx
// statuses as problem+json (503 with Retry-After): no other 5xx, no
// transport error (a dropped connection or a hang cut off by the client).
func checkFaultReport(t *testing.T, rep *loadtest.Report, out string, allowed []string) {
	t.Helper()
	for op, s := range rep.Ops {
		for status, n := range s.Statuses {
			if (status[0] == '5' || status == "transport_error") && !slices.Contains(allowed, status) {
				t.Errorf("%s answered %s ×%d: want only %v", op, status, n, allowed)
			}
		}
		if s.NotProblem > 0 {
			t.Errorf("%s: %d error answers were not problem+json", op, s.NotProblem)
		}
		if s.NoRetryAfter > 0 {
			t.Errorf("%s: %d answers 503 without Retry-After", op, s.NoRetryAfter)
		}
	}
	if !rep.OK() || rep.Check == nil || rep.Check.DriftingNights != 0 || rep.Created == 0 || rep.Unchecked != 0 {
		t.Errorf("invariants: lost %d, created %d (%d unchecked), check %+v", len(rep.Lost), rep.Created, rep.Unchecked, rep.Check)
	}
	if t.Failed() {
		t.Logf("report: %s", out)
	}
}

// restartLatencyBound is the longest a request may take while the
// database restarts: a failed database call fails at once (connection
// refused, or the server says it is shutting down or starting up), and a
// booking in split mode retries inventory a few times with backoff.
const restartLatencyBound = 5 * time.Second

// checkLatency fails the test if any request took longer than bound (the
// system made a client wait instead of answering); it returns the slowest.
func checkLatency(t *testing.T, rep *loadtest.Report, bound time.Duration) time.Duration {
	t.Helper()
	var slowest time.Duration
	for op, s := range rep.Ops {
		took := time.Duration(s.Max * float64(time.Millisecond))
		slowest = max(slowest, took)
		if took > bound {
			t.Errorf("a %s took %v (p99 %.0f ms): longer than %v", op, took, s.P99, bound)
		}
	}
	return slowest.Round(time.Millisecond)
}

// statusSummary lists a report's statuses over all operations.
func statusSummary(rep *loadtest.Report) string {
	all := map[string]int{}
	for _, s := range rep.Ops {
		for status, n := range s.Statuses {
			all[status] += n
		}
	}
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(all)) {
		parts = append(parts, fmt.Sprintf("%s×%d", status, all[status]))
	}
	return strings.Join(parts, " ")
}

// bookAfterFault checks the system recovered by itself: a booking goes
// through (retried briefly with its Idempotency-Key while it still says
// 503).
func bookAfterFault(t *testing.T, gateway string) {
	t.Helper()
	london, _ := time.LoadLocation("Europe/London")
	body := fmt.Sprintf(`{"guest_name":"After The Fault","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`,
		hotel.Today(time.Now(), london).AddDays(3))
	key := hotel.NewIdempotencyKey()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		r := call(t, "POST", gateway+"/bookings/", body, nil, "Idempotency-Key", key)
		if r.StatusCode == http.StatusCreated {
			return
		}
		if r.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after the fault, a booking = %d", r.StatusCode)
		}
		<-tick.C
	}
}

// slowProxy is a test-only replica that answers late: it forwards to
// upstream after delay, unless the caller gives up first (then it returns
// at once, so it piles up nothing itself).
func slowProxy(t *testing.T, upstream string, delay time.Duration) *httptest.Server {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target); pr.Out.Host = pr.In.Host }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The body first: only then does the server watch the connection
		// and cancel the request's context when the caller hangs up.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-r.Context().Done():
			return
		case <-timer.C:
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Timeouts of TestSlowInventoryReplica: each booking-to-inventory call
// (retried on the other replica after a short backoff), the gateway's
// wait for an answer, and the slow replica's delay, well past both.
const (
	slowInventoryTimeout = 200 * time.Millisecond
	slowUpstreamTimeout  = 500 * time.Millisecond
	slowReplicaDelay     = 3 * time.Second
)

// TestSlowInventoryReplica runs split mode with two inventory replicas, one
// of them slow (behind a proxy that answers only after slowReplicaDelay),
// under the mixed workload. The timeouts are honoured: every request ends
// within the gateway's HOTEL_UPSTREAM_TIMEOUT plus a margin — a success
// through the other replica (the booking service gives up on the slow one
// after HOTEL_INVENTORY_TIMEOUT and retries), or a timely 504/503
// problem+json — never a hang; invariants hold; and nothing piles up: the
// goroutine count (all servers run in this process) stays bounded during
// the load and returns near its baseline after it. Not parallel, so that
// the count is this test's alone. HOTEL_FAULT_DURATION lengthens the load.
func TestSlowInventoryReplica(t *testing.T) {
	dur := faultDuration(t, 4*time.Second)
	db := overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, dbEnv(t, postgresStore))
	fast := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db))
	slowInv := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db))
	slow := slowProxy(t, slowInv.URL, slowReplicaDelay)
	invURLs := fast.URL + "," + slow.URL
	book := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": invURLs,
		"HOTEL_INVENTORY_TIMEOUT": slowInventoryTimeout.String()}, db))
	startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": invURLs,
		"HOTEL_INVENTORY_TIMEOUT": slowInventoryTimeout.String()}, db))
	gw := startServe(t, map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": invURLs, "BOOKING_URL": book.URL,
		"HOTEL_ADMIN_KEY": testAdminKey, "HOTEL_UPSTREAM_TIMEOUT": slowUpstreamTimeout.String()})

	// The slow replica answers late, and the gateway does not wait for it.
	begin := time.Now()
	var slowAnswer int
	for range 2 { // round robin: one of two reads goes to the slow replica
		if r := call(t, "GET", gw.URL+"/inventory/hotels/111", "", nil); r.StatusCode == http.StatusGatewayTimeout {
			slowAnswer++
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("504 as %q, want problem+json", ct)
			}
		}
	}
	if slowAnswer != 1 || time.Since(begin) > slowUpstreamTimeout+2*time.Second {
		t.Fatalf("two reads: %d timed out, in %v; want one 504 after %v", slowAnswer, time.Since(begin), slowUpstreamTimeout)
	}
	baseline := settledGoroutines()

	var peak atomic.Int64
	sampled := make(chan struct{})
	done := make(chan struct{})
	go func() { // the goroutine count while the load runs
		defer close(sampled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if n := int64(runtime.NumGoroutine()); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	rep, out := loadReport(t, gw.URL, db, "--clients", "8", "--duration", dur.String())
	close(done)
	<-sampled

	checkFaultReport(t, rep, out, []string{"503", "504"})
	slowest := checkLatency(t, rep, slowUpstreamTimeout+slowLatencyMargin)
	if rep.Ops[loadtest.OpCreate] == nil || rep.Ops[loadtest.OpCreate].Statuses["201"] == 0 {
		t.Errorf("no booking went through the fast replica: %s", out)
	}
	// Bounded during the load: requests in flight (8 clients, each through
	// gateway, booking and inventory) and kept-alive connections, not one
	// more per request that timed out.
	if p := int(peak.Load()); p > baseline+maxLoadGoroutines {
		t.Errorf("%d goroutines at the peak of the load, baseline %d: more than %d extra", p, baseline, maxLoadGoroutines)
	}
	// Back near the baseline after it.
	after := waitGoroutines(t, baseline+maxIdleGoroutines, 10*time.Second)
	t.Logf("%d requests, statuses %s, slowest %v; %d bookings (%d on a retry), none lost; goroutines: baseline %d, peak %d, after %d",
		rep.Requests, statusSummary(rep), slowest, rep.Created, rep.CreatedOnRetry, baseline, peak.Load(), after)
}

// Bounds of TestSlowInventoryReplica: the latency margin over the
// gateway's timeout (a loaded, race-instrumented machine), the goroutines
// the load may add at its peak, and those it may leave (kept-alive
// connections between the servers).
const (
	slowLatencyMargin = time.Second
	maxLoadGoroutines = 200
	maxIdleGoroutines = 60
)

// settledGoroutines returns the goroutine count once it has stopped
// falling (connections of the start-up closing).
func settledGoroutines() int {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	n := runtime.NumGoroutine()
	for range 20 {
		<-tick.C
		m := runtime.NumGoroutine()
		if m >= n {
			return min(n, m)
		}
		n = m
	}
	return n
}

// waitGoroutines waits until at most want goroutines run, failing the test
// after limit; it returns the last count.
func waitGoroutines(t *testing.T, want int, limit time.Duration) int {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return n
		}
		select {
		case <-deadline.C:
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines %v after the load, want at most %d; they are:\n%s", n, limit, want, buf[:runtime.Stack(buf, true)])
			return n
		case <-tick.C:
		}
	}
}
