package server

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/config"
)

var update = flag.Bool("update", false, "rewrite README.md's access table from the declared routes")

const (
	readme     = "../../README.md"
	tableStart = "<!-- access table: generated from server.Routes by go test ./internal/server -run TestREADMEAccessTable -update -->\n"
	tableEnd   = "<!-- end of access table -->\n"
)

// accessTable is the README's table of every route and who may call it.
func accessTable() string {
	var b strings.Builder
	b.WriteString("| route | who may call |\n|---|---|\n")
	for _, r := range Routes() {
		b.WriteString("| `" + r.Pattern + "` | " + r.Rule.Describe() + " |\n")
	}
	return b.String()
}

// TestREADMEAccessTable keeps the README's access table equal to the
// declared routes; -update rewrites it.
func TestREADMEAccessTable(t *testing.T) {
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := bytes.Cut(b, []byte(tableStart))
	table, after, ok2 := bytes.Cut(rest, []byte(tableEnd))
	if !ok1 || !ok2 {
		t.Fatalf("README.md lacks the markers of the access table:\n%s…\n%s", tableStart, tableEnd)
	}
	want := accessTable()
	if string(table) == want {
		return
	}
	if !*update {
		t.Fatal("README.md's access table is stale; run: go test ./internal/server -run TestREADMEAccessTable -update")
	}
	out := slices.Concat(before, []byte(tableStart), []byte(want), []byte(tableEnd), after)
	if err := os.WriteFile(readme, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRoutes checks the declarations every document is made from: each
// rule is well formed, and the routes that must exist do.
func TestRoutes(t *testing.T) {
	t.Parallel()
	routes := Routes()
	for _, r := range routes {
		if err := r.Check(); err != nil {
			t.Errorf("%s: %v", r.Pattern, err)
		}
	}
	for _, want := range []string{"GET /healthz", "GET /readyz", "GET /{$}", "GET /openapi.json", "/booking/", "/inventory/", "/bookings",
		"POST /bookings/", "PUT /inventory/holds/{booking_id}"} {
		if !slices.ContainsFunc(routes, func(r auth.Route) bool { return r.Pattern == want }) {
			t.Errorf("no route %s", want)
		}
	}
}

// TestPlan checks which modules a process runs, and in what order.
func TestPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		targets []string
		driver  string
		want    []string
	}{
		{config.AllTargets, "sqlite", []string{"gateway", "store", "inventory-service", "booking-service", "events-service", "accounts-service", "booking", "inventory", "scheduler"}},
		{[]string{"gateway"}, "sqlite", []string{"gateway"}},
		// A gateway reads API keys from a shared database.
		{[]string{"gateway"}, "postgres", []string{"store", "gateway"}},
		{[]string{"inventory"}, "sqlite", []string{"store", "inventory-service", "inventory"}},
		{[]string{"booking"}, "postgres", []string{"store", "inventory-service", "booking-service", "events-service", "accounts-service", "booking"}},
		{[]string{"scheduler"}, "sqlite", []string{"store", "inventory-service", "booking-service", "events-service", "scheduler"}},
		{[]string{"gateway", "inventory"}, "sqlite", []string{"gateway", "store", "inventory-service", "inventory"}},
	}
	for _, tt := range tests {
		got := plan(&config.Config{Targets: tt.targets, Driver: tt.driver})
		if !slices.Equal(got, tt.want) {
			t.Errorf("plan(%v on %s) = %v, want %v", tt.targets, tt.driver, got, tt.want)
		}
	}
}

// TestModules checks the modules map: every target is a module, every
// module a process can run starts after what it needs, and only targets
// serve routes.
func TestModules(t *testing.T) {
	t.Parallel()
	for _, target := range config.AllTargets {
		if _, ok := modules[target]; !ok {
			t.Errorf("target %s has no module", target)
		}
	}
	for name, m := range modules {
		if m.start == nil {
			t.Errorf("module %s has no start", name)
		}
		for _, n := range m.needs {
			if _, ok := modules[n]; !ok {
				t.Errorf("module %s needs %s, which is not a module", name, n)
			}
		}
		if (m.routes != nil || m.wrap != nil) && !slices.Contains(config.AllTargets, name) {
			t.Errorf("module %s serves routes but is not a target: Routes would not list them", name)
		}
	}
}

// TestReadyzFloodChecksOnce: a flood of /readyz runs each check once a
// second, not once a request (the probes are never rate limited).
func TestReadyzFloodChecksOnce(t *testing.T) {
	t.Parallel()
	var runs atomic.Int64
	slow := readyCheck{"database", func(ctx context.Context) error {
		runs.Add(1)
		time.Sleep(20 * time.Millisecond)
		return nil
	}}
	var ready http.Handler
	for _, rt := range opsRoutes([]readyCheck{slow}) {
		if rt.Pattern == "GET /readyz" {
			ready = rt.Handler
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			w := httptest.NewRecorder()
			ready.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if w.Code != http.StatusOK {
				t.Errorf("/readyz = %d", w.Code)
			}
		})
	}
	wg.Wait()
	if n, most := runs.Load(), int64(time.Since(start)/readyTTL)+1; n > most {
		t.Fatalf("200 probes in %v ran the check %d times, want at most %d (once a second)", time.Since(start), n, most)
	}
}

// TestAdmissionClass: the class of each kind of route.
func TestAdmissionClass(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ method, path, want string }{
		{"POST", "/bookings/", "bookings"},
		{"POST", "/bookings", "bookings"},
		{"GET", "/bookings/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "bookings"},
		{"DELETE", "/booking/bookings/x", "bookings"},
		{"PUT", "/inventory/holds/x", "bookings"},
		{"PUT", "/inventory/hold-groups/x", "bookings"},
		{"GET", "/inventory/search", "reads"},
		{"GET", "/inventory/hotels/111/ari", "reads"},
		{"GET", "/console/today", "reads"},
		{"POST", "/inventory/hotels/111/ari", "writes"},
		{"POST", "/auth/sign-in", "writes"},
		{"GET", "/events", "feed"},
		{"GET", "/booking/events", "feed"},
		{"GET", "/healthz", ""},
		{"GET", "/booking/readyz", ""},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		if got := admissionClass(r); got != c.want {
			t.Errorf("%s %s: class %q, want %q", c.method, c.path, got, c.want)
		}
	}
}
