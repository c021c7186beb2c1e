package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/gateway/redistest"
)

// BenchmarkRateLimit measures what the gateway's rate limiter costs a
// request, in one run: no limiter (the floor), the in-memory limiter (the
// ceiling the shared one is compared with) and the Redis limiter over a
// redis-server on loopback (one round trip running redis_rate's GCRA
// script per request), each from one goroutine (the added latency) and
// from GOMAXPROCS×4 (the throughput). 1 000 clients in turn, a limit none
// reaches, so every request is allowed and passed on.
//
//	GOTOOLCHAIN=go1.27.3 go test -run '^$' -bench RateLimit -benchtime 20000x -count 3 ./internal/gateway/
func BenchmarkRateLimit(b *testing.B) {
	srv := redistest.Start(b)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	limit := gateway.Limit{Rate: 1e6, Burst: 1_000_000}
	clients := make([]string, 1000)
	for i := range clients {
		clients[i] = "ip:10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
	}
	var seq atomic.Int64
	identify := func(r *http.Request) (string, bool, *http.Request) {
		return clients[seq.Add(1)%int64(len(clients))], false, r
	}
	limiters := []struct {
		name string
		lim  func() gateway.Limiter
	}{
		{"none", func() gateway.Limiter { return nil }},
		{"memory", func() gateway.Limiter { return gateway.NewMemoryLimiter(limit, gateway.MemoryOptions{}) }},
		{"redis", func() gateway.Limiter {
			return gateway.NewRedisLimiter(redisClient(b, srv.URL()), limit, gateway.RedisOptions{Name: "bench", Timeout: time.Second})
		}},
	}
	for _, parallel := range []bool{false, true} {
		for _, l := range limiters {
			name := l.name + "/serial"
			if parallel {
				name = l.name + "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				h := gateway.RateLimit(l.lim(), identify, ok)
				serve := func() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/inventory/", nil))
					if w.Code != http.StatusNoContent {
						b.Errorf("status %d", w.Code)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				if !parallel {
					for b.Loop() {
						serve()
					}
					return
				}
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						serve()
					}
				})
			})
		}
	}
}
