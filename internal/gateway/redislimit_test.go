package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/gateway/redistest"
	"github.com/hotelplatform/hotel/internal/web"
)

// slow is a rate no test outlasts: one request every 10 s.
const slow = 0.1

func redisClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	rdb, err := gateway.NewRedisClient(url, time.Second) // generous: the machine is shared
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// TestRedisLimiterShared: two replicas' limiters over one Redis spend one
// bucket per client; other clients and other limiters' names have their own.
func TestRedisLimiterShared(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	l := gateway.Limit{Rate: slow, Burst: 5}
	a := gateway.NewRedisLimiter(redisClient(t, srv.URL()), l, gateway.RedisOptions{Name: "requests", Timeout: time.Second})
	b := gateway.NewRedisLimiter(redisClient(t, srv.URL()), l, gateway.RedisOptions{Name: "requests", Timeout: time.Second})
	ctx := context.Background()
	for i := range 5 {
		lim := a
		if i%2 == 1 {
			lim = b
		}
		d := lim.Take(ctx, "ip:192.0.2.1")
		if !d.Allowed || d.Remaining != 4-i || d.ResetAfter <= time.Duration(i)*10*time.Second || d.ResetAfter > time.Duration(i+1)*10*time.Second {
			t.Fatalf("request %d = %+v, want allowed with %d remaining", i, d, 4-i)
		}
	}
	for _, lim := range []*gateway.RedisLimiter{a, b} {
		if d := lim.Take(ctx, "ip:192.0.2.1"); d.Allowed || d.Remaining != 0 || d.RetryAfter <= 0 || d.RetryAfter > 10*time.Second {
			t.Fatalf("past the shared burst = %+v, want refused with a retry within 10s", d)
		}
	}
	if d := b.Take(ctx, "ip:192.0.2.2"); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("another client = %+v, want a bucket of its own", d)
	}
	signIn := gateway.NewRedisLimiter(redisClient(t, srv.URL()), l, gateway.RedisOptions{Name: "sign-in", Timeout: time.Second})
	if d := signIn.Take(ctx, "ip:192.0.2.1"); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("another limiter's name = %+v, want a bucket of its own", d)
	}
	// Fractions of a request a second: 0.5/s is one every 2 s.
	half := gateway.NewRedisLimiter(redisClient(t, srv.URL()), gateway.Limit{Rate: 0.5, Burst: 1}, gateway.RedisOptions{Name: "half", Timeout: time.Second})
	half.Take(ctx, "c")
	if d := half.Take(ctx, "c"); d.Allowed || d.RetryAfter <= time.Second || d.RetryAfter > 2*time.Second {
		t.Fatalf("0.5 requests a second: second request = %+v, want a retry in 1-2 s", d)
	}
}

// TestRedisLimiterSameContract: through RateLimit, the Redis limiter
// answers as the in-memory one does — statuses, RateLimit-* headers, 429
// problem+json with Retry-After.
func TestRedisLimiterSameContract(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	l := gateway.Limit{Rate: slow, Burst: 3}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	identify := func(r *http.Request) (string, bool, *http.Request) { return "ip:" + gateway.ClientIP(r), false, r }
	run := func(lim gateway.Limiter) []*http.Response {
		h := web.Middleware(discard(), gateway.RateLimit(lim, identify, ok))
		var out []*http.Response
		for range 5 {
			r := httptest.NewRequest(http.MethodGet, "/inventory/", nil)
			r.RemoteAddr = "192.0.2.7:4000"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			out = append(out, w.Result())
		}
		return out
	}
	mem := run(gateway.NewMemoryLimiter(l, gateway.MemoryOptions{}))
	shared := run(gateway.NewRedisLimiter(redisClient(t, srv.URL()), l, gateway.RedisOptions{Name: "requests", Timeout: time.Second}))
	for i := range mem {
		m, s := mem[i], shared[i]
		if m.StatusCode != s.StatusCode {
			t.Fatalf("request %d: memory %d, Redis %d", i, m.StatusCode, s.StatusCode)
		}
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Policy", "Content-Type"} {
			if m.Header.Get(h) != s.Header.Get(h) {
				t.Errorf("request %d: %s memory %q, Redis %q", i, h, m.Header.Get(h), s.Header.Get(h))
			}
		}
		mr, _ := strconv.Atoi(m.Header.Get("RateLimit-Reset"))
		sr, _ := strconv.Atoi(s.Header.Get("RateLimit-Reset"))
		if mr-sr > 1 || sr-mr > 1 {
			t.Errorf("request %d: RateLimit-Reset memory %d, Redis %d", i, mr, sr)
		}
		if s.StatusCode == http.StatusTooManyRequests {
			var p web.Problem
			if err := json.NewDecoder(s.Body).Decode(&p); err != nil || p.Code != hotel.ERATELIMITED || s.Header.Get("Retry-After") != "10" {
				t.Fatalf("Redis 429 = %+v %v (%v)", p, s.Header, err)
			}
		}
	}
	if mem[2].StatusCode != 204 || mem[3].StatusCode != 429 || mem[0].Header.Get("RateLimit-Policy") != "3;w=30" {
		t.Fatalf("memory: %d, %d, %v", mem[2].StatusCode, mem[3].StatusCode, mem[0].Header)
	}
}

// logBuffer collects JSON log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the messages logged at level.
func (l *logBuffer) lines(level string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.b.String()), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["level"] == level {
			out = append(out, rec)
		}
	}
	return out
}

// TestRedisLimiterFailsOpen: with Redis killed, each replica decides on
// its own buckets of the same limit — requests are answered, a client is
// still limited — every such decision is counted, one warning is logged
// (not one per request), and once Redis is back the buckets are shared
// again.
func TestRedisLimiterFailsOpen(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	clk := &clock{t: time.Now()}
	errs := prometheus.NewCounter(prometheus.CounterOpts{Name: "errors"})
	logs := &logBuffer{}
	lim := gateway.NewRedisLimiter(redisClient(t, srv.URL()), gateway.Limit{Rate: slow, Burst: 2}, gateway.RedisOptions{
		Name: "requests", Timeout: time.Second, Errors: errs, Now: clk.Now, Log: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	ctx := context.Background()
	take := func() bool { return lim.Take(ctx, "ip:192.0.2.1").Allowed }
	for i, want := range []bool{true, true, false} {
		if got := take(); got != want {
			t.Fatalf("request %d allowed = %v, want %v: the shared bucket of 2 does not limit", i, got, want)
		}
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// Redis down: this replica's own bucket, full, then limiting.
	for i, want := range []bool{true, true, false, false} {
		if got := take(); got != want {
			t.Fatalf("Redis down, request %d allowed = %v, want %v", i, got, want)
		}
	}
	if n := testutil.ToFloat64(errs); n != 4 {
		t.Fatalf("errors counted = %v, want 4", n)
	}
	if w := logs.lines("WARN"); len(w) != 1 || !strings.Contains(w[0]["msg"].(string), "Redis unreachable") || w[0]["limiter"] != "requests" {
		t.Fatalf("warnings = %v, want one", w)
	}
	// Redis back (empty): after the retry pause the buckets are shared again.
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	clk.Add(2 * time.Second)
	if d := lim.Take(ctx, "ip:192.0.2.9"); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("after Redis came back = %+v", d)
	}
	if n := testutil.ToFloat64(errs); n != 4 {
		t.Fatalf("errors counted after Redis came back = %v, want still 4", n)
	}
	if i := logs.lines("INFO"); len(i) != 1 || !strings.Contains(i[0]["msg"].(string), "reachable again") || i[0]["requests_decided_alone"] != 3.0 {
		t.Fatalf("info lines = %v, want one saying Redis is back", i)
	}
	other := gateway.NewRedisLimiter(redisClient(t, srv.URL()), gateway.Limit{Rate: slow, Burst: 2}, gateway.RedisOptions{Name: "requests", Timeout: time.Second})
	if d := other.Take(ctx, "ip:192.0.2.9"); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("another replica after Redis came back = %+v, want the shared bucket's last request", d)
	}
}

// TestRedisLimiterSlowRedis: a Redis that accepts connections and never
// answers costs a request at most the timeout; the replica decides alone.
// A request whose client left is not counted as Redis' failure.
func TestRedisLimiterSlowRedis(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	rdb, err := gateway.NewRedisClient("redis://"+ln.Addr().String()+"/0", 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	errs := prometheus.NewCounter(prometheus.CounterOpts{Name: "errors"})
	logs := &logBuffer{}
	lim := gateway.NewRedisLimiter(rdb, gateway.Limit{Rate: slow, Burst: 1}, gateway.RedisOptions{
		Name: "requests", Timeout: 20 * time.Millisecond, Errors: errs, Log: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	lim.Take(gone, "ip:192.0.2.1")
	if n := testutil.ToFloat64(errs); n != 0 {
		t.Fatalf("a request whose client left counted as a Redis error (%v)", n)
	}
	if d := lim.Take(context.Background(), "ip:192.0.2.2"); !d.Allowed {
		t.Fatalf("Redis silent: %+v, want the local bucket's answer", d)
	}
	if n := testutil.ToFloat64(errs); n != 1 {
		t.Fatalf("errors counted = %v, want 1", n)
	}
	if w := logs.lines("WARN"); len(w) != 1 || !strings.Contains(w[0]["err"].(string), "no answer within 20ms") {
		t.Fatalf("warnings = %v", w)
	}
}

func TestNewRedisClientBadURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://:change-me@redis:6379", "redis://:change-me@redis:6379/db"} {
		if _, err := gateway.NewRedisClient(u, 0); err == nil || strings.Contains(err.Error(), "change-me") {
			t.Errorf("NewRedisClient(%q) = %v, want an error without the password", u, err)
		}
	}
}
