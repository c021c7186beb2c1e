package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestAdmission: a class at its limit refuses at once (503, Retry-After,
// problem+json) or, with a wait, admits a request when a slot frees up
// within it; another class and unclassified requests are not held up.
func TestAdmission(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	classify := func(r *http.Request) string { return r.URL.Query().Get("class") }
	release := make(chan struct{})
	entered := make(chan string, 10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.RawQuery
		if r.URL.Query().Get("block") != "" {
			<-release
		}
		w.WriteHeader(http.StatusNoContent)
	})
	now, err := NewAdmission([]AdmissionClass{{Name: "bookings", Limit: 1}, {Name: "reads", Limit: 1}}, 0, classify, reg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(now.Wrap(h))
	defer srv.Close()
	get := func(q string) *http.Response {
		t.Helper()
		resp, err := http.Get(srv.URL + "/?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	var wg sync.WaitGroup
	wg.Go(func() { get("class=bookings&block=1") })
	<-entered // the slot of bookings is taken
	if r := get("class=bookings"); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "1" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("over the limit: %d, Retry-After %q, %s", r.StatusCode, r.Header.Get("Retry-After"), r.Header.Get("Content-Type"))
	}
	if r := get("class=reads"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("another class = %d", r.StatusCode)
	}
	<-entered
	if r := get("class="); r.StatusCode != http.StatusNoContent {
		t.Fatalf("unclassified = %d", r.StatusCode)
	}
	<-entered
	close(release)
	wg.Wait()
	if r := get("class=bookings"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("after the slot freed = %d", r.StatusCode)
	}
	<-entered
	if n := testutil.ToFloat64(now.classes["bookings"].refused); n != 1 {
		t.Fatalf("refused = %v, want 1", n)
	}
	if n := testutil.ToFloat64(now.classes["bookings"].inFlight); n != 0 {
		t.Fatalf("in flight after = %v", n)
	}
}

// TestAdmissionWaits: with a wait, a request takes a slot freed within it.
func TestAdmissionWaits(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		if r.URL.Query().Get("block") != "" {
			<-release
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a, err := NewAdmission([]AdmissionClass{{Name: "c", Limit: 1}}, time.Minute, func(*http.Request) string { return "c" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Wrap(h))
	defer srv.Close()
	var wg sync.WaitGroup
	wg.Go(func() {
		if resp, err := http.Get(srv.URL + "/?block=1"); err == nil {
			resp.Body.Close()
		}
	})
	<-entered
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	// The second waits (nothing entered) until the first leaves.
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for testutil.ToFloat64(a.classes["c"].inFlight) != 1 || len(entered) != 0 {
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatal("the first request never held the slot")
		}
	}
	close(release)
	if code := <-done; code != http.StatusNoContent {
		t.Fatalf("the waiting request = %d", code)
	}
	wg.Wait()
}
