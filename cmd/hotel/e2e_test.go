package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(checkPrivacy(pgtest.Run(m))) }

// logSink collects a process's log output and reports its listening address
// and the jobs that have finished a run.
type logSink struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	addr     chan string
	line     []byte
	finished map[string]chan struct{} // by job name; closed at its first "job finished"
}

func newLogSink() *logSink {
	s := &logSink{addr: make(chan string, 1), finished: map[string]chan struct{}{}}
	privacy.sink(s)
	return s
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	s.line = append(s.line, p...)
	for {
		i := bytes.IndexByte(s.line, '\n')
		if i < 0 {
			break
		}
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
			Job  string `json:"job"`
		}
		if json.Unmarshal(s.line[:i], &rec) == nil {
			switch rec.Msg {
			case "listening":
				select {
				case s.addr <- rec.Addr:
				default:
				}
			case "job finished":
				if c := s.jobChan(rec.Job); !isClosed(c) {
					close(c)
				}
			}
		}
		s.line = s.line[i+1:]
	}
	return len(p), nil
}

// jobFinished is closed once the job has finished a run.
func (s *logSink) jobFinished(job string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobChan(job)
}

// jobChan returns the job's channel, made on first use; s.mu is held.
func (s *logSink) jobChan(job string) chan struct{} {
	c, ok := s.finished[job]
	if !ok {
		c = make(chan struct{})
		s.finished[job] = c
	}
	return c
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// proc is one running `hotel serve`.
type proc struct {
	URL    string
	once   sync.Once
	cancel context.CancelFunc
	done   chan error
	logs   *logSink
}

// env builds a getenv from key/value pairs.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// startServe runs `hotel serve` with env until the test ends and waits until
// it is ready.
func startServe(t testing.TB, vars map[string]string, args ...string) *proc {
	t.Helper()
	return startServeOut(t, vars, io.Discard, args...)
}

// startServeOut is startServe with the server's standard output captured.
func startServeOut(t testing.TB, vars map[string]string, stdout io.Writer, args ...string) *proc {
	t.Helper()
	return startServeCtx(t, context.Background(), vars, stdout, args...)
}

// startServeCtx is startServeOut with the server's context derived from base
// (which may carry test hooks, such as a span exporter).
func startServeCtx(t testing.TB, base context.Context, vars map[string]string, stdout io.Writer, args ...string) *proc {
	t.Helper()
	// Tests send bursts from one address: limits high unless a test sets its own.
	vars = overlay(vars, map[string]string{"HOTEL_ADDR": "127.0.0.1:0", "LOG_LEVEL": "debug", "HOTEL_RATE_LIMIT": "100000", "HOTEL_RATE_BURST": "100000"})
	ctx, cancel := context.WithCancel(base)
	p := &proc{cancel: cancel, done: make(chan error, 1), logs: newLogSink()}
	go func() { p.done <- run(ctx, append([]string{"serve"}, args...), env(vars), stdout, p.logs) }()
	t.Cleanup(func() { p.stop(t) })
	select {
	case addr := <-p.logs.addr:
		p.URL = "http://" + addr
	case err := <-p.done:
		t.Fatalf("serve exited before listening: %v\n%s", err, p.logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not listen within 60s\n%s", p.logs)
	}
	waitReady(t, p.URL)
	return p
}

// stop cancels the server's context and checks it shuts down cleanly; safe to call twice.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	p.once.Do(func() {
		p.cancel()
		select {
		case err := <-p.done:
			if err != nil {
				t.Errorf("serve returned %v on shutdown\n%s", err, p.logs)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop within 30s")
		}
	})
}

// overlay returns defaults with a's entries on top.
func overlay(a, defaults map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}

func waitReady(t testing.TB, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never became ready (last: %v)", base, err)
		case <-tick.C:
		}
	}
}

// testServiceKey is the service credential of split-mode tests.
const testServiceKey = "test-service-key-0123456789abcdefghijklmnop"

// system is a running platform reachable at its gateway.
type system struct {
	Gateway string
	procs   map[string]*proc
}

type storeKind string

const (
	sqliteStore   storeKind = "sqlite"
	postgresStore storeKind = "postgres"
)

func dbEnv(t testing.TB, kind storeKind) map[string]string {
	if kind == postgresStore {
		return map[string]string{"DATABASE_URL": pgtest.NewDatabase(t)}
	}
	return map[string]string{"HOTEL_DATA_DIR": t.TempDir()}
}

// migrateUp creates the schema in db's database, as an operator runs
// `hotel migrate up` before the commands that use it.
func migrateUp(t testing.TB, db map[string]string) {
	t.Helper()
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "up"}, env(db), io.Discard, &errOut); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, errOut.String())
	}
}

func startAll(t testing.TB, db map[string]string) *system {
	p := startServe(t, overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey, "HOTEL_SERVICE_KEY": testServiceKey}, db))
	return &system{Gateway: p.URL, procs: map[string]*proc{"all": p}}
}

// startSplit runs each target in its own server, talking HTTP over loopback.
func startSplit(t testing.TB, db map[string]string) *system {
	db = overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db)
	inv := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db))
	book := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": inv.URL}, db))
	sched := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": inv.URL}, db))
	gwEnv := map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": inv.URL, "BOOKING_URL": book.URL, "HOTEL_ADMIN_KEY": testAdminKey}
	for k, v := range db { // the gateway's own settings; it has no database here
		if strings.HasPrefix(k, "HOTEL_RATE_") || k == "HOTEL_CORS_ORIGINS" || k == "HOTEL_ADMIN_ADDR" {
			gwEnv[k] = v
		}
	}
	gw := startServe(t, gwEnv)
	return &system{Gateway: gw.URL, procs: map[string]*proc{"inventory": inv, "booking": book, "scheduler": sched, "gateway": gw}}
}

func get(t *testing.T, url string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %d, body not JSON: %v\n%s", url, resp.StatusCode, err, body)
		}
	}
	return resp
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		for _, mode := range []string{"all", "split"} {
			t.Run(string(kind)+"/"+mode, func(t *testing.T) {
				t.Parallel()
				db := dbEnv(t, kind)
				cs := callers(t, db)
				signInUsers := userCallers(t, db)
				var sys *system
				if mode == "all" {
					sys = startAll(t, db)
				} else {
					sys = startSplit(t, db)
				}
				checkInventoryAPI(t, sys.Gateway)
				cs = append(cs, bookingTokenCaller(t, sys.Gateway))
				cs = append(cs, signInUsers(sys.Gateway)...)
				checkAccessMatrix(t, sys.Gateway, cs)
				checkBookingFlow(t, sys, cs)
				checkNoSecretsInLogs(t, sys, cs)
				if mode == "split" {
					checkSplitReadiness(t, sys)
				}
			})
		}
	}
}

// item is an inventory row as a client sees it.
type item struct {
	HotelID        int64  `json:"hotel_id"`
	HotelName      string `json:"hotel_name"`
	Location       string `json:"location"`
	RoomType       string `json:"room_type"`
	Date           string `json:"date"`
	AvailableRooms *int   `json:"available_rooms"`
	TotalRooms     *int   `json:"total_rooms"`
	RoomPrice      string `json:"room_price"`
	Currency       string `json:"currency"`
	DemandLevel    string `json:"demand_level"`
}

type problem struct {
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Detail    string `json:"detail"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

func checkInventoryAPI(t *testing.T, gw string) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	today := hotel.Today(time.Now(), london)

	var root map[string]string
	if r := get(t, gw+"/", &root); r.StatusCode != 200 || root["message"] != "API Gateway is running" {
		t.Fatalf("GET / = %d %v", r.StatusCode, root)
	}

	var items []item
	url := fmt.Sprintf("%s/inventory/111?start_date=%s&end_date=%s", gw, today, today.AddDays(6))
	r := get(t, url, &items)
	if r.StatusCode != 200 || len(items) != 28 {
		t.Fatalf("GET %s = %d with %d rows, want 200 with 28", url, r.StatusCode, len(items))
	}
	if r.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}
	days, types := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		days[it.Date], types[it.RoomType] = true, true
		if it.HotelID != 111 || it.HotelName != "Royal Lancaster" || it.Location != "London" || it.Currency != "GBP" ||
			it.AvailableRooms == nil || it.TotalRooms == nil || *it.AvailableRooms > *it.TotalRooms ||
			it.RoomPrice == "" || it.DemandLevel == "" {
			t.Fatalf("bad row %+v", it)
		}
		if _, err := hotel.ParseCents(it.RoomPrice); err != nil {
			t.Fatalf("room_price %q is not a decimal string", it.RoomPrice)
		}
	}
	if len(days) != 7 || len(types) != 4 {
		t.Fatalf("rows cover %d days and %d room types, want 7 and 4", len(days), len(types))
	}

	var name map[string]any
	if r := get(t, gw+"/inventory/hotel_name/111", &name); r.StatusCode != 200 || name["hotel_name"] != "Royal Lancaster" || name["hotel_id"] != float64(111) {
		t.Fatalf("hotel_name = %d %v", r.StatusCode, name)
	}

	var p problem
	r = get(t, gw+"/inventory/999999", &p)
	if r.StatusCode != 404 || r.Header.Get("Content-Type") != "application/problem+json" || p.Code != "not_found" || p.RequestID == "" {
		t.Fatalf("unknown hotel = %d %s %+v", r.StatusCode, r.Header.Get("Content-Type"), p)
	}
	p = problem{}
	r = get(t, fmt.Sprintf("%s/inventory/111?start_date=%s&end_date=%s", gw, today.AddDays(5), today), &p)
	if r.StatusCode != 400 || len(p.Errors) == 0 || p.Errors[0].Field != "end_date" {
		t.Fatalf("reversed dates = %d %+v", r.StatusCode, p)
	}
	p = problem{}
	r = get(t, fmt.Sprintf("%s/inventory/111?start_date=%s&end_date=%s", gw, today, today.AddDays(400)), &p)
	if r.StatusCode != 400 {
		t.Fatalf("range over 366 days = %d %+v", r.StatusCode, p)
	}
	p = problem{}
	if r = get(t, gw+"/inventory/111?start_date=2030-02-30", &p); r.StatusCode != 400 || p.Errors[0].Field != "start_date" {
		t.Fatalf("malformed date = %d %+v", r.StatusCode, p)
	}

	// The seed-wide listing paginates with Link: rel="next".
	var page1, page2 []item
	r = get(t, gw+"/inventory/?location=LONDON&limit=10", &page1)
	link := r.Header.Get("Link")
	if r.StatusCode != 200 || len(page1) != 10 || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("listing = %d, %d rows, Link %q", r.StatusCode, len(page1), link)
	}
	next := strings.TrimPrefix(strings.SplitN(link, ">", 2)[0], "<")
	if r = get(t, gw+next, &page2); r.StatusCode != 200 || len(page2) != 10 || page2[0] == page1[9] {
		t.Fatalf("next page = %d, %d rows", r.StatusCode, len(page2))
	}
	for _, it := range append(page1, page2...) {
		if it.Location != "London" {
			t.Fatalf("location filter leaked %q", it.Location)
		}
	}

	// The seed's /booking/{path} prefix reaches the booking service as /{path}.
	var health map[string]string
	if r := get(t, gw+"/booking/healthz", &health); r.StatusCode != 200 || health["status"] != "ok" {
		t.Fatalf("/booking/healthz = %d %v", r.StatusCode, health)
	}
	p = problem{}
	if r := get(t, gw+"/no/such/route", &p); r.StatusCode != 404 || p.Code != "not_found" {
		t.Fatalf("unknown route = %d %+v", r.StatusCode, p)
	}
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if r := get(t, gw+"/readyz", &ready); r.StatusCode != 200 || ready.Status != "ready" || len(ready.Checks) == 0 {
		t.Fatalf("readyz = %d %+v", r.StatusCode, ready)
	}
}

// checkSplitReadiness stops the inventory server and expects the gateway to
// report itself unready and answer inventory calls with a problem, not hang.
func checkSplitReadiness(t *testing.T, sys *system) {
	sys.procs["inventory"].stop(t)
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	// /readyz reuses a check's result for up to a second (readyTTL): an
	// answer from before the stop may come first.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ready.Checks = nil
		r := get(t, sys.Gateway+"/readyz", &ready)
		if r.StatusCode == 503 && ready.Checks["inventory"] != "ok" && ready.Checks["booking"] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gateway readyz with inventory down = %d %+v", r.StatusCode, ready)
		}
	}
	var p problem
	if r := get(t, sys.Gateway+"/inventory/hotel_name/111", &p); r.StatusCode != 503 || p.Code != "unavailable" {
		t.Fatalf("inventory call with inventory down = %d %+v", r.StatusCode, p)
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want []string
	}{
		{"gateway alone needs upstream URLs", map[string]string{"HOTEL_TARGET": "gateway"}, nil,
			[]string{"target gateway needs INVENTORY_URL", "target gateway needs BOOKING_URL"}},
		{"booking alone needs inventory", map[string]string{"HOTEL_TARGET": "booking"}, nil,
			[]string{"target booking needs INVENTORY_URL"}},
		{"unknown target", nil, []string{"--target", "all,payments"}, []string{`unknown target "payments"`}},
		{"driver suffix", map[string]string{"DATABASE_URL": "postgresql+asyncpg://u:hunter2@db/hotel"}, nil,
			[]string{"driver suffix"}},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, nil, []string{"LOG_LEVEL"}},
		{"bad addr", nil, []string{"--addr", "8080"}, []string{"HOTEL_ADDR"}},
		{"unreachable postgres", map[string]string{"DATABASE_URL": "postgres://u:hunter2@127.0.0.1:1/hotel?sslmode=disable", "HOTEL_DB_CONNECT_TIMEOUT": "400ms"}, nil,
			[]string{"127.0.0.1:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := overlay(tc.vars, map[string]string{"HOTEL_DATA_DIR": t.TempDir(), "HOTEL_ADDR": "127.0.0.1:0"})
			var stderr bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tc.args...), env(vars), io.Discard, &stderr)
			if err == nil {
				t.Fatal("serve started despite the configuration error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error()+stderr.String(), "hunter2") {
				t.Errorf("the password leaked: %v", err)
			}
			if strings.Contains(err.Error()+stderr.String(), "goroutine ") {
				t.Errorf("a stack trace was printed")
			}
		})
	}
}

func TestRefusesUnknownSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"HOTEL_DATA_DIR": dir}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "up"}, env(vars), &out, io.Discard); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	if !strings.Contains(out.String(), "0001") || !strings.Contains(out.String(), "schema: current") {
		t.Fatalf("migrate up output:\n%s", out.String())
	}
	bumpSchema(t, filepath.Join(dir, "hotel.db"))
	err := run(context.Background(), []string{"serve"}, env(overlay(vars, map[string]string{"HOTEL_ADDR": "127.0.0.1:0"})), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("serve on a newer schema = %v, want a refusal", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, env(vars), &out, io.Discard); err != nil {
		t.Fatalf("migrate status: %v", err)
	}
	if !strings.Contains(out.String(), "unknown to this binary") {
		t.Fatalf("migrate status does not flag the unknown migration:\n%s", out.String())
	}
}

func TestNoMigrateRefusesEmptySchema(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"HOTEL_DATA_DIR": t.TempDir(), "HOTEL_ADDR": "127.0.0.1:0", "HOTEL_AUTO_MIGRATE": "false"}
	err := run(context.Background(), []string{"serve"}, env(vars), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "hotel migrate up") {
		t.Fatalf("serve without migrations = %v, want advice to run hotel migrate up", err)
	}
}

func TestSeedSynthetic(t *testing.T) {
	t.Parallel()
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			vars := dbEnv(t, kind)
			migrateUp(t, vars)
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"seed", "--hotels", "5", "--days", "10", "--seed", "7"}, env(vars), &out, &errOut); err != nil {
				t.Fatalf("seed: %v\n%s", err, errOut.String())
			}
			if !strings.Contains(out.String(), "seeded 5 hotels, 20 room types, 200 nights") {
				t.Fatalf("seed output: %q", out.String())
			}
			if !strings.Contains(errOut.String(), "200/200") {
				t.Fatalf("no progress output: %q", errOut.String())
			}
			// The server sees them; it does not add the sample on a non-empty database.
			p := startServe(t, vars)
			var items []item
			if r := get(t, p.URL+"/inventory/?limit=1000", &items); r.StatusCode != 200 || len(items) != 200 {
				t.Fatalf("after seeding: %d rows", len(items))
			}
		})
	}
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "hotel ") {
		t.Fatalf("version = %q, %v", out.String(), err)
	}
	var ue usageError
	if err := run(context.Background(), []string{"frobnicate"}, env(nil), io.Discard, io.Discard); !errors.As(err, &ue) {
		t.Fatalf("unknown command = %v, want a usage error", err)
	}
	if err := run(context.Background(), nil, env(nil), io.Discard, io.Discard); !errors.As(err, &ue) {
		t.Fatalf("no command = %v, want a usage error", err)
	}
}

// TestServeTakesEveryDocumentedFlag: every flag the README's configuration
// table names is one `hotel serve` accepts.
func TestServeTakesEveryDocumentedFlag(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `[A-Z_]+` \\| `--([a-z-]+)` \\|").FindAllStringSubmatch(string(b), -1)
	if len(rows) < 30 {
		t.Fatalf("found %d flags in the README's configuration table", len(rows))
	}
	for _, r := range rows {
		if !slices.Contains(serveFlags, r[1]) {
			t.Errorf("the README documents --%s, which serve does not take", r[1])
		}
	}
}
