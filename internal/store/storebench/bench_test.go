// Package storebench holds the inventory benchmarks of issue 4: search
// latency and holds per second on PostgreSQL, uncontended and contended.
//
// By default the benchmarks share one database with a small synthetic data
// set (200 hotels, 90 days) on a throwaway cluster (internal/store/pgtest).
// For the published figures, point HOTEL_BENCH_DATABASE_URL at a database
// seeded with the full data set; scripts/bench-inventory.sh does it all
// (cluster, 14.6 M nights, these benchmarks, the pgbench ceiling) and
// BENCHMARKS.md records the results.
//
// Metrics: BenchmarkSearch runs one client and reports p50-ms and p99-ms;
// the hold benchmarks run 4 × GOMAXPROCS concurrent clients (b.SetParallelism(4))
// and report holds/s (or hold+release/s), p50-ms, p99-ms and how many
// attempts found a night sold out. The pgbench runs of the script use the
// same number of clients.
package storebench

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	neturl "net/url"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
	"github.com/hotelplatform/hotel/internal/sampledata"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/postgres"
)

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if err := dropScratch(); err != nil {
		fmt.Fprintf(os.Stderr, "storebench: %v\n", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// catalogue is what the benchmarks pick from.
type catalogue struct {
	st        *postgres.Store
	locations []string
	roomTypes []hotel.RoomType
	first     hotel.Date // first bookable night
	days      int        // nights of inventory from first
}

var (
	shared     *catalogue
	sharedOnce sync.Once
	sharedErr  error

	// scratch is the database load created when HOTEL_BENCH_DATABASE_URL is
	// unset, with the admin URL of its server.
	scratch struct{ name, admin string }
)

// open returns the benchmark database, seeding a small data set into a
// throwaway database unless HOTEL_BENCH_DATABASE_URL names a seeded one.
func open(b *testing.B) *catalogue {
	b.Helper()
	sharedOnce.Do(func() { shared, sharedErr = load(b) })
	if sharedErr != nil {
		b.Fatal(sharedErr)
	}
	return shared
}

func load(b *testing.B) (*catalogue, error) {
	ctx := context.Background()
	url := os.Getenv("HOTEL_BENCH_DATABASE_URL")
	seed := url == ""
	if seed {
		var err error
		if url, err = createScratch(ctx, b); err != nil {
			return nil, err
		}
	}
	st, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 32, ConnectTimeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	first := hotel.Today(time.Now(), time.UTC).AddDays(1)
	if seed {
		ds, err := sampledata.Synthetic(sampledata.SyntheticOptions{Hotels: 200, Days: 90, Seed: 1, Start: first})
		if err != nil {
			return nil, err
		}
		if _, err := st.Load(ctx, ds, false); err != nil {
			return nil, err
		}
	}
	c := &catalogue{st: st, first: first}
	seen := map[string]bool{}
	for after := int64(0); ; {
		hs, err := st.ListHotels(ctx, hotel.HotelFilter{AfterID: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(hs) == 0 {
			break
		}
		for _, h := range hs {
			if !seen[h.Location] {
				seen[h.Location] = true
				c.locations = append(c.locations, h.Location)
			}
			rts, err := st.ListRoomTypes(ctx, h.ID)
			if err != nil {
				return nil, err
			}
			c.roomTypes = append(c.roomTypes, rts...)
		}
		after = hs[len(hs)-1].ID
	}
	if len(c.roomTypes) == 0 {
		return nil, fmt.Errorf("the benchmark database has no hotels; seed it with `hotel seed --hotels 10000 --days 365`")
	}
	// The synthetic data starts on the day it was seeded; stay inside the
	// window every data set here has (seeded today or earlier with ≥ 60 days).
	c.days = 60
	return c, nil
}

// createScratch creates an empty database for the small data set and
// returns its URL. Not pgtest.NewDatabase: that drops the database when the
// calling benchmark's run ends, and a benchmark function runs several times
// (and the benchmarks share the database). The database goes with the
// throwaway cluster, or dropScratch drops it on a TEST_DATABASE_URL server.
func createScratch(ctx context.Context, b *testing.B) (string, error) {
	admin := pgtest.AdminURL(b)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var raw [8]byte
	_, _ = crand.Read(raw[:])
	name := "hotelbench_" + hex.EncodeToString(raw[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	scratch.name, scratch.admin = name, admin
	u, err := neturl.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// dropScratch drops the scratch database of an external (TEST_DATABASE_URL)
// server; a throwaway cluster is already gone, database and all.
func dropScratch() error {
	if shared != nil {
		shared.st.Close()
	}
	if scratch.name == "" || os.Getenv("TEST_DATABASE_URL") == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, scratch.admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{scratch.name}.Sanitize()+" WITH (FORCE)")
	return err
}

// latencies collects per-operation durations and reports percentiles.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	at := func(p float64) float64 { return float64(l.d[int(p*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// searchQuery draws the benchmarks' search: a random city, 3 nights from
// a random bookable night, 2 adults, limit offers.
func (c *catalogue) searchQuery(r *rand.Rand, limit int) hotel.SearchQuery {
	in := c.first.AddDays(r.IntN(c.days - 3))
	return hotel.SearchQuery{
		Location: c.locations[r.IntN(len(c.locations))],
		CheckIn:  in, CheckOut: in.AddDays(3), Adults: 2, Limit: limit,
	}
}

// BenchmarkSearch: a city and a 3-night stay for 2 adults, first page,
// through the inventory service, one client: /index from the search index
// (every city loaded before the timer, as at a service's start), /database
// with the index off (LoadARI, then every plan quoted).
func BenchmarkSearch(b *testing.B) {
	c := open(b)
	ctx := context.Background()
	query := func(r *rand.Rand) hotel.SearchQuery { return c.searchQuery(r, hotel.DefaultSearchPageSize) }
	for _, index := range []bool{true, false} {
		name, opt := "index", inventory.WithSearchIndex(ariindex.Options{})
		if !index {
			name, opt = "database", inventory.WithoutSearchIndex()
		}
		b.Run(name, func(b *testing.B) {
			svc := inventory.NewService(c.st, time.Now, opt)
			r := rand.New(rand.NewPCG(1, 2))
			if index { // every city loaded first, as Run does at start
				for _, loc := range c.locations {
					q := query(r)
					q.Location = loc
					if _, err := svc.Search(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			}
			var lat latencies
			offers := 0
			b.ResetTimer()
			for b.Loop() {
				q := query(r)
				start := time.Now()
				got, err := svc.Search(ctx, q)
				lat.add(time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				offers += len(got.Offers)
			}
			lat.report(b)
			b.ReportMetric(float64(offers)/float64(b.N), "offers/op")
		})
	}
}

// bookingID returns a random (version 4) UUID, so reruns against a kept
// database never meet an earlier run's holds.
func bookingID() string {
	var u [16]byte
	_, _ = crand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// BenchmarkHoldUncontended: 3-night holds on random room types of random
// hotels from parallel clients; every hold is released after the run.
func BenchmarkHoldUncontended(b *testing.B) {
	c := open(b)
	ctx := context.Background()
	var lat latencies
	var ids sync.Map
	var conflicts atomic.Int64
	var seed atomic.Uint64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(seed.Add(1), 7))
		for pb.Next() {
			rt := c.roomTypes[r.IntN(len(c.roomTypes))]
			in := c.first.AddDays(r.IntN(c.days - 3))
			req := hotel.HoldRequest{BookingID: bookingID(), HotelID: rt.HotelID, RoomTypeID: rt.ID, CheckIn: in, CheckOut: in.AddDays(3)}
			start := time.Now()
			_, _, err := c.st.CreateHold(ctx, req)
			lat.add(time.Since(start))
			switch {
			case err == nil:
				ids.Store(req.BookingID, true)
			case isSoldOut(err):
				conflicts.Add(1)
			default:
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	lat.report(b)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "holds/s")
	b.ReportMetric(float64(conflicts.Load()), "sold-out")
	releaseAll(b, c.st, &ids)
}

// BenchmarkHoldContended: every client races for one night of one room type;
// an operation is a hold and its release, so capacity never runs out and
// every operation fights for the same row.
func BenchmarkHoldContended(b *testing.B) {
	c := open(b)
	ctx := context.Background()
	rt := c.roomTypes[0]
	night := c.first.AddDays(7)
	var lat latencies
	var conflicts atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := bookingID()
			start := time.Now()
			_, _, err := c.st.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: rt.HotelID, RoomTypeID: rt.ID, CheckIn: night, CheckOut: night.AddDays(1)})
			switch {
			case err == nil:
				if _, err := c.st.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil {
					b.Error(err)
					return
				}
			case isSoldOut(err):
				conflicts.Add(1)
			default:
				b.Error(err)
				return
			}
			lat.add(time.Since(start))
		}
	})
	b.StopTimer()
	lat.report(b)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hold+release/s")
	b.ReportMetric(float64(conflicts.Load()), "sold-out")
}

func isSoldOut(err error) bool {
	var ne *store.NightsError
	return errors.As(err, &ne)
}

// releaseAll releases the holds in ids from as many clients as the
// benchmark ran (a serial release of tens of thousands of holds would take
// longer than the benchmark).
func releaseAll(b *testing.B, st store.Store, ids *sync.Map) {
	ctx := context.Background()
	work := make(chan string)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for id := range work {
				if _, err := st.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil && !failed.Swap(true) {
					b.Error(err)
				}
			}
		})
	}
	ids.Range(func(k, _ any) bool {
		work <- k.(string)
		return !failed.Load()
	})
	close(work)
	wg.Wait()
}
