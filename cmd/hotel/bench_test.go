package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/gateway/redistest"
)

// BenchmarkCreateBooking measures bookings created per second through the
// gateway — HTTP, validation, the booking row, the hold of every night and
// the confirmation — in all-in-one and split mode on both stores. Stays of
// 1–3 nights of the sample hotels' two largest room types, arrivals spread
// over 300 days, from parallel clients (GOMAXPROCS × -cpu × 4 goroutines).
// Sold-out answers (409) are counted, not failures. Run it with a fixed
// count so the sample inventory is not exhausted:
//
//	go test -run '^$' -bench CreateBooking -benchtime 2000x ./cmd/hotel/
func BenchmarkCreateBooking(b *testing.B) {
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		for _, mode := range []string{"all", "split"} {
			b.Run(string(kind)+"/"+mode, func(b *testing.B) {
				db := dbEnv(b, kind)
				db["LOG_LEVEL"] = "info" // as in production: one access-log line per request
				var sys *system
				if mode == "all" {
					sys = startAll(b, db)
				} else {
					sys = startSplit(b, db)
				}
				benchCreate(b, sys.Gateway)
			})
		}
	}
}

func benchCreate(b *testing.B, gw string) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		b.Fatal(err)
	}
	today := hotel.Today(time.Now(), london)
	var soldOut atomic.Int64
	failed := benchHTTP(b, 4, "bookings/s", func(rng *rand.Rand) *http.Request {
		body := fmt.Sprintf(`{"guest_name":"Bench Guest","hotel_id":%d,"room_type":%q,"arrival_date":"%s","stay_length":%d,"adults":2,"children":0}`,
			111*(1+rng.IntN(7)), []string{"Standard Rooms", "Deluxe Rooms"}[rng.IntN(2)], today.AddDays(1+rng.IntN(300)), 1+rng.IntN(3))
		req, _ := http.NewRequest(http.MethodPost, gw+"/bookings/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}, func(status int) bool {
		if status == http.StatusConflict {
			soldOut.Add(1)
		}
		return status == http.StatusCreated || status == http.StatusConflict
	})
	b.ReportMetric(float64(soldOut.Load()), "sold-out")
	if failed > 0 {
		b.Fatalf("%d of %d creates failed with neither 201 nor 409", failed, b.N)
	}
}

// benchHTTP sends b.N requests made by next from parallel clients
// (parallelism × GOMAXPROCS), reports their rate as metric, and returns how
// many answers ok refused.
func benchHTTP(b *testing.B, parallelism int, metric string, next func(rng *rand.Rand) *http.Request, ok func(status int) bool) int64 {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var seq, failed atomic.Int64
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(uint64(seq.Add(1)), 42))
		for pb.Next() {
			resp, err := hc.Do(next(rng))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if !ok(resp.StatusCode) {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), metric)
	return failed.Load()
}

// BenchmarkInventoryRead measures GET /inventory/{hotel_id} for 7 nights
// through the gateway, all-in-one, from parallel clients: the read the
// system benchmark (scripts/bench-system.sh) drives with wrk.
//
//	go test -run '^$' -bench InventoryRead ./cmd/hotel/
func BenchmarkInventoryRead(b *testing.B) {
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		b.Run(string(kind), func(b *testing.B) {
			db := dbEnv(b, kind)
			db["LOG_LEVEL"] = "info"
			sys := startAll(b, db)
			today := hotel.Today(time.Now(), time.UTC)
			failed := benchHTTP(b, 8, "reads/s", func(rng *rand.Rand) *http.Request {
				from := today.AddDays(2 + rng.IntN(300))
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/inventory/%d?start_date=%s&end_date=%s",
					sys.Gateway, 111*(1+rng.IntN(7)), from, from.AddDays(6)), nil)
				return req
			}, func(status int) bool { return status == http.StatusOK })
			if failed > 0 {
				b.Fatalf("%d of %d reads failed", failed, b.N)
			}
		})
	}
}

// BenchmarkGatewayRateLimit measures GET / (the gateway's own answer,
// rate limited like every API request) through the real server,
// all-in-one, from parallel clients: with the in-memory limiter (the
// ceiling) and with the limits shared through a local Redis, in one run.
// The difference per request is what Redis costs the gateway.
//
//	go test -run '^$' -bench GatewayRateLimit -benchtime 20000x -count 5 ./cmd/hotel/
func BenchmarkGatewayRateLimit(b *testing.B) {
	rs := redistest.Start(b)
	for _, shared := range []bool{false, true} {
		name := "memory"
		if shared {
			name = "redis"
		}
		b.Run(name, func(b *testing.B) {
			db := dbEnv(b, sqliteStore)
			db["LOG_LEVEL"] = "info" // as in production: one access-log line per request
			if shared {
				db["HOTEL_REDIS_URL"] = rs.URL()
			}
			sys := startAll(b, db)
			failed := benchHTTP(b, 4, "requests/s", func(*rand.Rand) *http.Request {
				req, _ := http.NewRequest(http.MethodGet, sys.Gateway+"/", nil)
				return req
			}, func(status int) bool { return status == http.StatusOK })
			if failed > 0 {
				b.Fatalf("%d of %d requests failed", failed, b.N)
			}
		})
	}
}
