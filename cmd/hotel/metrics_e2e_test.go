package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
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
