package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/gateway/redistest"
)

// The shared limit of the tests below: a burst of 10, then 2 a second.
const sharedRate, sharedBurst = 2, 10

// sharedGateways is three gateway replicas in front of one process running
// every other target, their rate limits shared through one Redis.
type sharedGateways struct {
	redis *redistest.Server
	gws   []*proc
}

func startSharedGateways(t *testing.T) *sharedGateways {
	t.Helper()
	rs := redistest.Start(t)
	db := overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, dbEnv(t, sqliteStore))
	svc := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking,inventory,scheduler"}, db))
	s := &sharedGateways{redis: rs}
	for range 3 {
		s.gws = append(s.gws, startServe(t, map[string]string{
			"HOTEL_TARGET": "gateway", "INVENTORY_URL": svc.URL, "BOOKING_URL": svc.URL, "HOTEL_ADMIN_KEY": testAdminKey,
			"HOTEL_ADMIN_ADDR": "127.0.0.1:0", "HOTEL_REDIS_URL": rs.URL(),
			// Generous for a loaded test machine: only a dead Redis fails.
			"HOTEL_REDIS_TIMEOUT": "1s",
			"HOTEL_RATE_LIMIT":    strconv.Itoa(sharedRate), "HOTEL_RATE_BURST": strconv.Itoa(sharedBurst),
		}))
	}
	for i, gw := range s.gws {
		if !strings.Contains(gw.logs.String(), "rate limits shared through Redis") {
			t.Fatalf("gateway %d did not log that its limits are shared:\n%s", i, gw.logs)
		}
	}
	return s
}

// loadResult is what one client's requests got.
type loadResult struct {
	requests, allowed int
	perGateway        []int // allowed by each gateway
	elapsed           time.Duration
}

// load sends up to n requests from the loopback address 127.0.0.last, in
// turn to each gateway, for at most d; every answer must be a 200 or a
// well-formed 429.
func (s *sharedGateways) load(t *testing.T, last byte, n int, d time.Duration) loadResult {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, last)}}).DialContext}}
	defer c.CloseIdleConnections()
	res := loadResult{perGateway: make([]int, len(s.gws))}
	start := time.Now()
	for i := 0; i < n && time.Since(start) < d; i++ {
		g := i % len(s.gws)
		resp, err := c.Get(s.gws[g].URL + "/inventory/hotel_name/111")
		if err != nil {
			t.Errorf("request %d from 127.0.0.%d to gateway %d: %v", i, last, g, err)
			return res
		}
		var p problem
		if resp.StatusCode == http.StatusTooManyRequests {
			_ = json.NewDecoder(resp.Body).Decode(&p)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res.requests++
		switch {
		case resp.Header.Get("RateLimit-Limit") != strconv.Itoa(sharedBurst):
			t.Errorf("request %d: RateLimit-Limit %q", i, resp.Header.Get("RateLimit-Limit"))
		case resp.StatusCode == http.StatusOK:
			res.allowed++
			res.perGateway[g]++
		case resp.StatusCode == http.StatusTooManyRequests:
			if p.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("request %d: 429 = %+v %v", i, p, resp.Header)
			}
		default:
			t.Errorf("request %d from 127.0.0.%d to gateway %d = %d, want 200 or 429", i, last, g, resp.StatusCode)
		}
	}
	res.elapsed = time.Since(start)
	return res
}

// most is what one shared bucket allows in d: the burst, the rate since,
// and one for rounding.
func most(d time.Duration) int { return sharedBurst + int(d.Seconds()*sharedRate) + 1 }

// redisErrors sums hotel_rate_limit_redis_errors_total over the gateways.
func (s *sharedGateways) redisErrors(t *testing.T) float64 {
	t.Helper()
	sum := 0.0
	for _, gw := range s.gws {
		resp, err := http.Get("http://" + adminAddr(t, gw) + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "hotel_rate_limit_redis_errors_total "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %v", sc.Text(), err)
				}
				sum, found = sum+f, true
			}
		}
		resp.Body.Close()
		if !found {
			t.Fatal("a gateway with HOTEL_REDIS_URL has no hotel_rate_limit_redis_errors_total")
		}
	}
	return sum
}

// TestGatewaysShareRateLimit: three gateways with one Redis give a client
// one allowance between them — the burst and the rate, not three times
// that — whichever replica each request reaches.
func TestGatewaysShareRateLimit(t *testing.T) {
	t.Parallel()
	s := startSharedGateways(t)
	r := s.load(t, 2, 90, 3*time.Second)
	t.Logf("%d of %d requests allowed across 3 gateways in %v (by gateway %v); one shared bucket allows %d, three of their own %d",
		r.allowed, r.requests, r.elapsed.Round(time.Millisecond), r.perGateway, most(r.elapsed), 3*most(r.elapsed))
	if r.allowed < sharedBurst || r.allowed > most(r.elapsed) {
		t.Errorf("%d requests allowed in %v across the gateways; the shared limit allows %d to %d", r.allowed, r.elapsed, sharedBurst, most(r.elapsed))
	}
	for g, n := range r.perGateway {
		if n == 0 {
			t.Errorf("gateway %d allowed nothing: the requests did not reach every replica (%v)", g, r.perGateway)
		}
	}
	// Sign-in attempts per address are shared too: 10 at once, then 10 a
	// minute, across the replicas. (With an admin key, exempt from the
	// request limit: only the sign-in limit counts them.)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 5)}}).DialContext}}
	start, tried, signIns := time.Now(), 0, 0
	for i := range 3 * gateway.SignInBurst {
		req, _ := http.NewRequest(http.MethodPost, s.gws[i%3].URL+"/auth/sign-in", strings.NewReader(`{"email":"nobody@hotel.example","password":"not a password"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testAdminKey)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		tried++
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			if p := resp.Header.Get("RateLimit-Policy"); p != "10;w=60" {
				t.Errorf("sign-in 429 with policy %q, want the sign-in limit's 10;w=60", p)
			}
		case http.StatusUnauthorized:
			signIns++
		default:
			t.Errorf("sign-in attempt %d = %d, want 401 or 429", i, resp.StatusCode)
		}
	}
	mostSignIns := gateway.SignInBurst + int(time.Since(start).Minutes()*gateway.SignInPerMinute) + 1
	t.Logf("%d of %d sign-in attempts from one address reached the accounts through 3 gateways (the shared limit allows %d)", signIns, tried, mostSignIns)
	if signIns < gateway.SignInBurst || signIns > mostSignIns {
		t.Errorf("%d sign-in attempts from one address got through 3 gateways; the shared limit allows %d to %d", signIns, gateway.SignInBurst, mostSignIns)
	}
	if n := s.redisErrors(t); n != 0 {
		t.Errorf("hotel_rate_limit_redis_errors_total = %v with Redis up", n)
	}
}

// TestRateLimitRedisKilledMidLoad: two clients load three gateways; Redis
// is killed (SIGKILL) mid-load. As the README says, the gateways fail open
// to their own buckets: every request is still answered (200 or 429,
// never an error), each client is still limited — by each replica, so to
// at most three times its allowance — every such decision is counted in
// hotel_rate_limit_redis_errors_total, and each gateway warns once, not
// per request. With Redis back, the allowance is shared again.
func TestRateLimitRedisKilledMidLoad(t *testing.T) {
	t.Parallel()
	s := startSharedGateways(t)
	const clients = 2
	phase := func(n int, d time.Duration, first byte) []loadResult {
		out := make([]loadResult, clients)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() { out[c] = s.load(t, first+byte(c), n, d) })
		}
		wg.Wait()
		return out
	}
	before := phase(30, 2*time.Second, 2)
	for c, r := range before {
		if r.allowed > most(r.elapsed) {
			t.Errorf("client %d before the kill: %d allowed in %v, the shared limit allows %d", c, r.allowed, r.elapsed, most(r.elapsed))
		}
	}
	if err := s.redis.Stop(); err != nil {
		t.Fatal(err)
	}
	during := phase(90, 4*time.Second, 2)
	errs := s.redisErrors(t)
	decided := 0
	for c, r := range during {
		decided += r.requests
		t.Logf("client %d with Redis down: %d of %d allowed in %v (by gateway %v)", c, r.allowed, r.requests, r.elapsed.Round(time.Millisecond), r.perGateway)
		// Fail open: each replica's own bucket, full when Redis died.
		for g, n := range r.perGateway {
			if asked := (r.requests + len(s.gws) - 1 - g) / len(s.gws); n < min(asked, sharedBurst) {
				t.Errorf("client %d: gateway %d allowed %d of %d requests with Redis down; its own bucket allows %d", c, g, n, asked, sharedBurst)
			}
			if n > most(r.elapsed) {
				t.Errorf("client %d: gateway %d allowed %d requests in %v with Redis down: unlimited (its own bucket allows %d)", c, g, n, r.elapsed, most(r.elapsed))
			}
		}
	}
	if errs < float64(decided) {
		t.Errorf("hotel_rate_limit_redis_errors_total = %v after %d requests with Redis down, want each counted", errs, decided)
	}
	for i, gw := range s.gws {
		if n := strings.Count(gw.logs.String(), "rate limiter: Redis unreachable"); n < 1 || n > 2 {
			t.Errorf("gateway %d logged %d warnings about Redis for %d requests, want one", i, n, decided/3)
		}
	}

	// Redis back, empty: the gateways share again once each has tried it.
	if err := s.redis.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		s.load(t, 9, len(s.gws), time.Second) // one request to each: they try Redis again
		back := 0
		for _, gw := range s.gws {
			if strings.Contains(gw.logs.String(), "Redis reachable again") {
				back++
			}
		}
		if back == len(s.gws) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d gateways reported Redis back within 30s", back, len(s.gws))
		case <-tick.C:
		}
	}
	errs = s.redisErrors(t)
	after := s.load(t, 10, 90, 3*time.Second)
	t.Logf("with Redis back: %d of %d allowed in %v (by gateway %v)", after.allowed, after.requests, after.elapsed.Round(time.Millisecond), after.perGateway)
	if after.allowed < sharedBurst || after.allowed > most(after.elapsed) {
		t.Errorf("with Redis back, %d requests allowed in %v across the gateways; the shared limit allows %d to %d", after.allowed, after.elapsed, sharedBurst, most(after.elapsed))
	}
	if n := s.redisErrors(t); n != errs {
		t.Errorf("hotel_rate_limit_redis_errors_total grew from %v to %v with Redis back", errs, n)
	}
}
