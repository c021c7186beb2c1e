package storebench

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
)

// BenchmarkOffers measures the whole offers path of a search (issue 17):
// the store's LoadARI of a city's room types, plans, nights, prices and
// restrictions over a 3-night stay for 2 adults, then hotel.SearchOffers
// quoting every room type × rate plan, as GET /inventory/search does (one
// offer more than the default page). Run it with -cpu 1,2 to see how the
// rate scales with cores: the clients are GOMAXPROCS × 4 goroutines, so
// every core has work while the others wait for the database.
//
//   - store: LoadARI then SearchOffers, against the benchmark database;
//   - index, index-lag1s: the search index (package ariindex), every city
//     loaded before the timer; as fresh as the database (a poll of the
//     change feed per search, shared by concurrent searches), or with a
//     second's lag allowed (searches do not wait for polls);
//   - quote: SearchOffers alone, on snapshots loaded before the timer
//     starts — the Go side without the database, which must scale with
//     the cores by itself.
//
// Reports searches/s, offers/op, p50-ms / p99-ms of one search (with
// GOMAXPROCS × 4 clients: queueing included), and cpu-ms/op, the CPU time
// (user + system) of this process per search — what the Go side costs,
// which other processes on a shared machine do not change (PostgreSQL's
// share is not in it).
func BenchmarkOffers(b *testing.B) {
	c := open(b)
	ctx := context.Background()
	query := func(r *rand.Rand) hotel.SearchQuery { return c.searchQuery(r, hotel.DefaultSearchPageSize+1) }
	run := func(b *testing.B, search func(r *rand.Rand) (int, error)) {
		var lat latencies
		var offers atomic.Int64
		var seed atomic.Uint64
		b.SetParallelism(4)
		cpu0 := cpuTime()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(seed.Add(1), 17))
			for pb.Next() {
				start := time.Now()
				n, err := search(r)
				lat.add(time.Since(start))
				if err != nil {
					b.Error(err)
					return
				}
				offers.Add(int64(n))
			}
		})
		b.StopTimer()
		cpu := cpuTime() - cpu0
		lat.report(b)
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "searches/s")
		b.ReportMetric(float64(offers.Load())/float64(b.N), "offers/op")
	}

	b.Run("store", func(b *testing.B) {
		run(b, func(r *rand.Rand) (int, error) {
			q := query(r)
			snap, err := c.st.LoadARI(ctx, q.ARIQuery())
			if err != nil {
				return 0, err
			}
			got, _, err := hotel.SearchOffers(snap, q, time.Now())
			return len(got), err
		})
	})

	// The search index (ariindex), every city loaded before the timer:
	// "index" as fresh as the database (each search waits for a poll of
	// the change feed, shared with the searches beside it), "index-lag1s"
	// with HOTEL_SEARCH_MAX_LAG=1s (searches do not wait; a background
	// loop polls).
	for _, lag := range []time.Duration{0, time.Second} {
		name := "index"
		if lag > 0 {
			name = "index-lag" + lag.String()
		}
		b.Run(name, func(b *testing.B) {
			src, ok := any(c.st).(ariindex.Source)
			if !ok {
				b.Skip("the store has no change feed")
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			x := ariindex.New(src, ariindex.Options{MaxLag: lag})
			bctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go x.Run(bctx)
			now := time.Now()
			warm := time.Now()
			for _, loc := range c.locations {
				q := query(rand.New(rand.NewPCG(1, 17)))
				q.Location = loc
				if _, _, ok, err := x.Search(ctx, q, now); err != nil || !ok {
					b.Fatalf("warming the index: %v (answered: %v)", err, ok)
				}
			}
			warmed := time.Since(warm)
			runtime.GC()
			runtime.ReadMemStats(&after)
			run(b, func(r *rand.Rand) (int, error) {
				got, _, ok, err := x.Search(ctx, query(r), time.Now())
				if err == nil && !ok {
					err = errors.New("the index did not answer")
				}
				return len(got), err
			})
			b.ReportMetric(float64(x.Stats().Polls)/float64(b.N), "polls/op")
			// After run: ResetTimer drops the metrics reported before it.
			b.ReportMetric(warmed.Seconds(), "warm-s")
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "index-MB")
			b.ReportMetric(float64(x.Stats().Hotels), "hotels")
		})
	}

	b.Run("quote", func(b *testing.B) {
		type loaded struct {
			q    hotel.SearchQuery
			snap hotel.ARISnapshot
		}
		r := rand.New(rand.NewPCG(1, 17))
		snaps := make([]loaded, 64)
		for i := range snaps {
			q := query(r)
			snap, err := c.st.LoadARI(ctx, q.ARIQuery())
			if err != nil {
				b.Fatal(err)
			}
			snaps[i] = loaded{q, snap}
		}
		now := time.Now()
		run(b, func(r *rand.Rand) (int, error) {
			l := snaps[r.IntN(len(snaps))]
			got, _, err := hotel.SearchOffers(l.snap, l.q, now)
			return len(got), err
		})
	})
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
