package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
)

// The event benchmarks (issue 19), all-in-one on both stores:
//
//	go test -run '^$' -bench 'Outbox|FeedLatency|WebhookDeliveries' -benchtime 2000x ./cmd/hotel/
//
// scripts/bench-events.sh runs them as BENCHMARKS.md reports them.

// BenchmarkOutbox measures bookings created per second, and the events
// they write, with the outbox and — in the same run, on a system whose
// event triggers were dropped — without it: what the transactional outbox
// costs a create.
func BenchmarkOutbox(b *testing.B) {
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		for _, outbox := range []bool{true, false} {
			name := string(kind) + "/outbox"
			if !outbox {
				name = string(kind) + "/no-outbox"
			}
			b.Run(name, func(b *testing.B) {
				db := dbEnv(b, kind)
				db["LOG_LEVEL"] = "info"
				sys := startAll(b, db)
				if !outbox {
					dropEventTriggers(b, kind, db)
				}
				before := feedEnd(b, sys.Gateway)
				start := time.Now()
				benchCreate(b, sys.Gateway)
				elapsed := time.Since(start)
				b.ReportMetric(float64(countEvents(b, sys.Gateway, before))/elapsed.Seconds(), "events/s")
			})
		}
	}
}

// dropEventTriggers removes the triggers that write events (migrations
// 0015 and 0016) from db's database: the system without an outbox.
func dropEventTriggers(b *testing.B, kind storeKind, db map[string]string) {
	b.Helper()
	ctx := context.Background()
	if kind == postgresStore {
		conn, err := pgx.Connect(ctx, db["DATABASE_URL"])
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP TRIGGER booking_event ON booking; DROP TRIGGER ari_touch_event ON ari_touch`); err != nil {
			b.Fatal(err)
		}
		return
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(db["HOTEL_DATA_DIR"], "hotel.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for _, tr := range []string{"booking_event_insert", "booking_event_update", "ari_touch_event"} {
		if _, err := raw.ExecContext(ctx, `DROP TRIGGER `+tr); err != nil {
			b.Fatal(err)
		}
	}
}

// feedEnd returns the id of the feed's last event (0: none).
func feedEnd(b *testing.B, gw string) int64 {
	_, last := pageEvents(b, gw, "", 0)
	return last
}

// countEvents counts the events after position after.
func countEvents(b *testing.B, gw string, after int64) int {
	n, _ := pageEvents(b, gw, "", after)
	return n
}

// pageEvents reads the feed's events after position after (of type typ;
// "": every type) to its end, and returns how many and the last one's id.
func pageEvents(b *testing.B, gw, typ string, after int64) (n int, last int64) {
	b.Helper()
	last = after
	filter := ""
	if typ != "" {
		filter = "&types=" + typ
	}
	for {
		var page []hotel.Event
		benchGet(b, fmt.Sprintf("%s/events?after=%d%s&limit=1000", gw, last, filter), &page)
		if len(page) == 0 {
			return n, last
		}
		n += len(page)
		_, _ = fmt.Sscan(page[len(page)-1].ID, &last)
	}
}

func benchGet(b *testing.B, url string, out any) {
	b.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("GET %s = %d %s", url, resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFeedLatency measures how long after a create's 201 (its
// commit is before it) a consumer long-polling GET /events?wait=30s
// through the gateway holds the booking's event, while creates run from
// parallel clients: p50 and p99 over the b.N creates.
func BenchmarkFeedLatency(b *testing.B) {
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		b.Run(string(kind), func(b *testing.B) {
			db := dbEnv(b, kind)
			db["LOG_LEVEL"] = "info"
			sys := startAll(b, db)
			after := feedEnd(b, sys.Gateway)
			var (
				mu        sync.Mutex
				committed = map[string]time.Time{} // booking id → its 201
				seen      = map[string]time.Time{} // booking id → its event at the consumer
			)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { // the consumer
				defer close(done)
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
						fmt.Sprintf("%s/events?after=%d&types=booking.created&wait=30s&limit=1000", sys.Gateway, after), nil)
					req.Header.Set("Authorization", "Bearer "+testAdminKey)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return
					}
					var page []hotel.Event
					err = json.NewDecoder(resp.Body).Decode(&page)
					resp.Body.Close()
					now := time.Now()
					if err != nil {
						return
					}
					mu.Lock()
					for _, e := range page {
						var d hotel.BookingEvent
						if json.Unmarshal(e.Data, &d) == nil {
							seen[d.BookingID] = now
						}
					}
					mu.Unlock()
					if len(page) > 0 {
						_, _ = fmt.Sscan(page[len(page)-1].ID, &after)
					}
				}
			}()
			london, err := time.LoadLocation("Europe/London")
			if err != nil {
				b.Fatal(err)
			}
			today := hotel.Today(time.Now(), london)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var seq atomic.Int64
			b.SetParallelism(2)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				n := seq.Add(1)
				i := 0
				for pb.Next() {
					i++
					body := fmt.Sprintf(`{"guest_name":"Bench Guest","hotel_id":%d,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`,
						111*(1+int(n+int64(i))%7), today.AddDays(1+(int(n)*37+i)%300))
					resp, err := hc.Post(sys.Gateway+"/bookings/", "application/json", strings.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					var bk struct {
						ID string `json:"booking_id"`
					}
					_ = json.NewDecoder(resp.Body).Decode(&bk)
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						mu.Lock()
						committed[bk.ID] = time.Now()
						mu.Unlock()
					}
				}
			})
			b.StopTimer()
			// Wait for the consumer to have every event.
			deadline := time.After(30 * time.Second)
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				mu.Lock()
				missing := 0
				for id := range committed {
					if _, ok := seen[id]; !ok {
						missing++
					}
				}
				mu.Unlock()
				if missing == 0 {
					break
				}
				select {
				case <-deadline:
					b.Fatalf("%d events never reached the consumer", missing)
				case <-tick.C:
				}
			}
			cancel()
			<-done
			var lat []time.Duration
			for id, at := range committed {
				lat = append(lat, max(seen[id].Sub(at), 0))
			}
			slices.Sort(lat)
			if len(lat) == 0 {
				b.Fatal("no booking was created")
			}
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkWebhookDeliveries measures webhook deliveries per second: b.N
// bookings are made first, then a subscription replaying the feed from its
// start delivers their booking.created events to a receiver on loopback
// (answering 204), one at a time in order, signed, each recorded.
func BenchmarkWebhookDeliveries(b *testing.B) {
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		b.Run(string(kind), func(b *testing.B) {
			db := dbEnv(b, kind)
			db["LOG_LEVEL"] = "info"
			db["HOTEL_WEBHOOK_ALLOW_NETS"] = "127.0.0.0/8"
			sys := startAll(b, db)
			b.StopTimer()
			benchCreate(b, sys.Gateway) // the events to deliver
			n, _ := pageEvents(b, sys.Gateway, hotel.EventBookingCreated, 0)
			want := int64(n)
			var got atomic.Int64
			all := make(chan struct{})
			rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusNoContent)
				if got.Add(1) == want {
					close(all)
				}
			}))
			defer rc.Close()
			b.ResetTimer()
			start := time.Now()
			body := `{"url":"` + rc.URL + `","types":["booking.created"],"after":"0"}`
			req, _ := http.NewRequest(http.MethodPost, sys.Gateway+"/webhooks", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testAdminKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != http.StatusCreated {
				b.Fatalf("webhook subscription: %v %v", resp, err)
			}
			resp.Body.Close()
			select {
			case <-all:
			case <-time.After(10 * time.Minute):
				b.Fatalf("%d of %d delivered in 10 minutes", got.Load(), want)
			}
			b.StopTimer()
			b.ReportMetric(float64(want)/time.Since(start).Seconds(), "deliveries/s")
		})
	}
}
