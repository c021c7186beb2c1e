package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/events/natsrelay"
	"github.com/hotelplatform/hotel/internal/events/natsrelay/natstest"
)

// TestNATSPublishing runs the system with HOTEL_NATS_URL and a real
// nats-server: every event of the feed reaches the JetStream stream once,
// in feed order, on its subject — across a NATS restart with bookings
// made while it was down — all-in-one on SQLite and split on PostgreSQL.
func TestNATSPublishing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mode string
		db   storeKind
	}{{"all", sqliteStore}, {"split", postgresStore}} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			ns := natstest.Start(t)
			db := overlay(map[string]string{"HOTEL_NATS_URL": ns.URL()}, dbEnv(t, c.db))
			sys := startAll
			if c.mode == "split" {
				sys = startSplit
			}
			gw := sys(t, db).Gateway
			london, err := time.LoadLocation("Europe/London")
			if err != nil {
				t.Fatal(err)
			}
			book := func(day int) {
				body := fmt.Sprintf(`{"guest_name":"Nats Vexwhistle","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":2,"adults":1}`,
					hotel.Today(time.Now(), london).AddDays(day))
				if r := call(t, "POST", gw+"/bookings/", body, nil); r.StatusCode != http.StatusCreated {
					t.Fatalf("booking = %d", r.StatusCode)
				}
			}
			book(20)
			book(21)
			inStream(t, gw, ns.URL())
			if err := ns.Stop(); err != nil {
				t.Fatal(err)
			}
			book(22) // committed while NATS is down
			book(23)
			if err := ns.Start(); err != nil {
				t.Fatal(err)
			}
			book(24)
			inStream(t, gw, ns.URL())
		})
	}
}

// inStream waits until the stream holds every event of the feed, and
// checks it holds each once, in order, on its subject.
func inStream(t *testing.T, gw, url string) {
	t.Helper()
	var feed []hotel.Event
	call(t, "GET", gw+"/events?limit=1000", "", &feed, "Authorization", "Bearer "+testAdminKey)
	if len(feed) == 0 {
		t.Fatal("the feed is empty")
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ids, subjects []string
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ids, subjects = ids[:0], subjects[:0]
		if st, err := js.Stream(ctx, natsrelay.DefaultStream); err == nil {
			if info, err := st.Info(ctx); err == nil {
				for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
					m, err := st.GetMsg(ctx, seq)
					if err != nil {
						t.Fatalf("message %d: %v", seq, err)
					}
					ids, subjects = append(ids, m.Header.Get("Nats-Msg-Id")), append(subjects, m.Subject)
				}
			}
		}
		if len(ids) >= len(feed) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the stream holds %d messages after 60s; the feed %d events", len(ids), len(feed))
		case <-tick.C:
		}
	}
	var want, wantSubjects []string
	for _, e := range feed {
		want = append(want, e.ID)
		wantSubjects = append(wantSubjects, fmt.Sprintf("hotel.events.%s.%d", e.Type, e.HotelID))
	}
	if !slices.Equal(ids[:len(want)], want) || !slices.Equal(subjects[:len(want)], wantSubjects) {
		t.Fatalf("stream %v on %v; want the feed's %v on %v", ids, subjects, want, wantSubjects)
	}
	// Events written since the feed was read may follow; none twice.
	if unique := slices.Compact(slices.Sorted(slices.Values(ids))); len(unique) != len(ids) {
		t.Fatalf("the stream holds an event twice: %v", ids)
	}
}
