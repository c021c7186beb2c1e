package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// adminAddr returns the admin listener's address a process logged.
func adminAddr(t *testing.T, p *proc) string {
	t.Helper()
	for _, line := range strings.Split(p.logs.String(), "\n") {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "admin listener" {
			return rec.Addr
		}
	}
	t.Fatalf("no admin listener in the log:\n%s", p.logs)
	return ""
}

// TestMetricsEndToEnd books through the real binary and reads /metrics on
// the admin listener: requests by route template (never a raw id), the
// booking, its hold, an idempotent replay, the pool and the jobs.
func TestMetricsEndToEnd(t *testing.T) {
	t.Parallel()
	db := overlay(map[string]string{"HOTEL_ADMIN_ADDR": "127.0.0.1:0", "HOTEL_ADMIN_KEY": testAdminKey}, dbEnv(t, postgresStore))
	p := startServe(t, db)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"guest_name":"Metric Guest","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":2,"adults":1}`,
		hotel.Today(time.Now(), london).AddDays(9))
	var b struct {
		ID string `json:"booking_id"`
	}
	key := hotel.NewIdempotencyKey()
	for range 2 {
		if r := call(t, "POST", p.URL+"/bookings/", body, &b, "Idempotency-Key", key); r.StatusCode != 201 {
			t.Fatalf("POST = %d", r.StatusCode)
		}
	}
	if r := call(t, "GET", p.URL+"/bookings/"+b.ID, "", nil, "Authorization", "Bearer "+testAdminKey); r.StatusCode != 200 {
		t.Fatalf("GET = %d", r.StatusCode)
	}
	if r := call(t, "GET", p.URL+"/metrics", "", nil); r.StatusCode != 404 {
		t.Fatalf("/metrics through the public listener = %d, want 404", r.StatusCode)
	}
	// The scheduler's first run is asynchronous: its counters are read once it is done.
	select {
	case <-p.logs.jobFinished("complete-checkouts"):
	case <-time.After(30 * time.Second):
		t.Fatal("complete-checkouts did not finish a run within 30 s")
	}
	resp, err := http.Get("http://" + adminAddr(t, p) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := string(raw)
	for _, want := range []string{
		`http_requests_total{method="POST",route="POST /bookings/",service="all",status="201"} 2`,
		`http_requests_total{method="GET",route="GET /bookings/{booking_id}",service="all",status="200"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="GET /bookings/{booking_id}",service="all",le="10"} 1`,
		`hotel_bookings_created_total{service="all"} 1`,
		`hotel_bookings_failed_total{reason="sold_out",service="all"} 0`,
		`hotel_holds_total{result="created",service="all"} 1`,
		`hotel_idempotent_replays_total{service="all"} 1`,
		`hotel_db_pool_connections{driver="postgres",service="all",state="total"}`,
		`hotel_db_errors_total{driver="postgres",service="all"} `, // counted per process; in-process tests share it
		`hotel_bookings_unsettled_oldest_age_seconds{service="all"} 0`,
		`hotel_job_runs_total{job_name="complete-checkouts",result="success"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	if strings.Contains(out, b.ID) {
		t.Error("a booking id is a label value: route templates must be used")
	}
	// job is the label Prometheus gives every series of its scrape job.
	if strings.Contains(out, `{job="`) || strings.Contains(out, `,job="`) {
		t.Error("a series exports the label job, which Prometheus' own job label would displace")
	}
}

// TestMetricsBoundedUnderHostileRequests sends, split on PostgreSQL,
// requests with made-up methods of up to 3 KB, CONNECT and TRACE, and
// random paths: none is answered 5xx (an unsupported method is 405
// problem+json with Allow, never forwarded), and the gateway's and the
// booking service's request series stay few whatever the clients sent —
// methods outside the served set are "other", unmatched paths
// "unmatched". HOTEL_HOSTILE_REQUESTS (default 1000) sets how many.
func TestMetricsBoundedUnderHostileRequests(t *testing.T) {
	t.Parallel()
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("HOTEL_HOSTILE_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	sys := startSplit(t, overlay(map[string]string{
		"HOTEL_ADMIN_ADDR": "127.0.0.1:0", "HOTEL_RATE_LIMIT": "1000000", "HOTEL_RATE_BURST": "1000000",
	}, dbEnv(t, postgresStore)))

	// CONNECT to a forwarded route: refused by the gateway, not a 502.
	req, err := http.NewRequest("CONNECT", sys.Gateway+"/bookings/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(resp.Header.Get("Allow"), "POST") {
		t.Fatalf("CONNECT /bookings/ = %d %q Allow %q: %s; want 405 problem+json with Allow", resp.StatusCode,
			resp.Header.Get("Content-Type"), resp.Header.Get("Allow"), body)
	}

	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // a workload, not a secret
	letters := "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	token := func(max int) string {
		b := make([]byte, 1+rng.IntN(max))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	paths := []string{"/bookings/", "/bookings/" + token(40), "/inventory/" + token(40), "/" + token(40), "/booking/" + token(20), "/inventory/hotels/1"}
	statuses := map[int]int{}
	for i := range n {
		method := token(3000)
		switch i % 4 {
		case 1:
			method = []string{"CONNECT", "TRACE", "PROPFIND", "get"}[rng.IntN(4)]
		case 2: // a served method (not HEAD: its answers have no body to check)
			method = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}[rng.IntN(6)]
		}
		req, err := http.NewRequest(method, sys.Gateway+paths[rng.IntN(len(paths))], nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%.20s request: %v", method, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
		if resp.StatusCode >= 500 {
			t.Errorf("%.20s… answered %d", method, resp.StatusCode)
		}
	}

	for _, name := range []string{"gateway", "booking"} {
		resp, err := http.Get("http://" + adminAddr(t, sys.procs[name]) + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		series, methods := 0, map[string]bool{}
		for _, line := range strings.Split(string(raw), "\n") {
			if !strings.HasPrefix(line, "http_requests_total{") {
				continue
			}
			series++
			m := line[strings.Index(line, `method="`)+len(`method="`):]
			methods[m[:strings.IndexByte(m, '"')]] = true
			if strings.Contains(line, `status="5`) {
				t.Errorf("%s counted a server error: %s", name, line)
			}
		}
		for m := range methods {
			if m != "other" && !slices.Contains(web.Methods, m) {
				t.Errorf("%s: method label %.40q", name, m)
			}
		}
		// Served methods and "other", by a few routes and statuses.
		if series > 60 || len(raw) > 1<<20 {
			t.Errorf("%s: %d request series, /metrics %d bytes after %d hostile requests", name, series, len(raw), n)
		}
		t.Logf("%s: %d http_requests_total series, /metrics %d bytes after %d requests (statuses %v)", name, series, len(raw), n, statuses)
	}
}
