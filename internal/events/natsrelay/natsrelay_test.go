package natsrelay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/events/natsrelay"
	"github.com/hotelplatform/hotel/internal/events/natsrelay/natstest"
)

var desk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "desk",
	Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite}})

// bench is a booking service over a seeded SQLite store (whose fixture
// load already wrote hotel.changed events), its feed, and a nats-server.
type bench struct {
	env  *bookingtest.Env
	feed *events.Feed
	nats *natstest.Server
}

func newBench(t *testing.T) *bench {
	t.Helper()
	t.Parallel()
	e := bookingtest.NewEnv(t, bookingtest.Drivers[0], bookingtest.Modes[0], booking.Config{})
	return &bench{env: e, feed: events.NewFeed(e.Store), nats: natstest.Start(t)}
}

// relay returns a relay to the bench's server, closed at the end of the
// test. It reconnects quickly, and pages of 4 events make several pages.
func (b *bench) relay(t *testing.T, opts natsrelay.Options) *natsrelay.Relay {
	t.Helper()
	if opts.PageSize == 0 {
		opts.PageSize = 4
	}
	opts.Timeout, opts.ReconnectWait = 2*time.Second, 20*time.Millisecond
	r, err := natsrelay.New(b.nats.URL(), b.feed, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// book makes a booking (booking.created and ari.changed) and cancels every
// second one (booking.cancelled and ari.changed).
func (b *bench) book(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		bk, err := b.env.Service.Create(desk, hotel.NewBooking{GuestName: "Relay Rhoda", HotelID: bookingtest.London,
			RoomType: "Standard Rooms", ArrivalDate: bookingtest.Day(3 + i), StayLength: 2, Adults: 2})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			if _, err := b.env.Service.Cancel(desk, bk.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// feedEvents returns every event of the feed, in order.
func (b *bench) feedEvents(t *testing.T) []hotel.Event {
	t.Helper()
	var all []hotel.Event
	f := hotel.EventFilter{Limit: events.MaxPageSize}
	for {
		evs, err := b.feed.Read(context.Background(), f, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return all
		}
		all = append(all, evs...)
		f.After = position(t, evs[len(evs)-1])
	}
}

func position(t *testing.T, ev hotel.Event) int64 {
	t.Helper()
	pos, err := strconv.ParseInt(ev.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

// drain calls PublishOnce until it publishes nothing more, and returns
// how many it published.
func drain(t *testing.T, r *natsrelay.Relay) int {
	t.Helper()
	total := 0
	for {
		n, err := r.PublishOnce(context.Background(), 0)
		if err != nil {
			t.Fatalf("PublishOnce: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// stream returns every message of the stream, by sequence from 1.
func (b *bench) stream(t *testing.T) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js := b.jetstream(t)
	st, err := js.Stream(ctx, natsrelay.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.FirstSeq > 1 || info.State.Msgs != info.State.LastSeq {
		t.Fatalf("stream state: %+v (a message was removed)", info.State)
	}
	var msgs []*jetstream.RawStreamMsg
	for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("GetMsg(%d): %v", seq, err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// jetstream connects a client of the test's own to the bench's server.
func (b *bench) jetstream(t *testing.T) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(b.nats.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// check fails t unless msgs are evs, each once, in order: subject,
// headers and body.
func check(t *testing.T, msgs []*jetstream.RawStreamMsg, evs []hotel.Event) {
	t.Helper()
	if len(msgs) != len(evs) {
		t.Errorf("the stream holds %d messages, the feed %d events", len(msgs), len(evs))
	}
	for i := range min(len(msgs), len(evs)) {
		m, ev := msgs[i], evs[i]
		body, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		subject := fmt.Sprintf("hotel.events.%s.%d", ev.Type, ev.HotelID)
		if m.Subject != subject || m.Header.Get("Nats-Msg-Id") != ev.ID || m.Header.Get("Hotel-Event-Id") != ev.ID ||
			m.Header.Get("Hotel-Event-Type") != ev.Type || !bytes.Equal(m.Data, body) {
			t.Fatalf("message %d: %s %v %s\nwant event %s on %s: %s", m.Sequence, m.Subject, m.Header, m.Data, ev.ID, subject, body)
		}
	}
}

// eventually calls f until it succeeds, failing t with its last error
// after timeout.
func eventually(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("not after %v: %v", timeout, err)
		case <-tick.C:
		}
	}
}

// TestPublish: every event of the feed arrives in the stream once, in
// feed order, on its subject, with its id as message id and its JSON as
// body; the metrics count them.
func TestPublish(t *testing.T) {
	b := newBench(t)
	b.book(t, 3)
	reg := prometheus.NewRegistry()
	r := b.relay(t, natsrelay.Options{Registerer: reg})
	evs := b.feedEvents(t)
	types := map[string]bool{}
	for _, ev := range evs {
		types[ev.Type] = true
	}
	if len(evs) < 10 || !types[hotel.EventBookingCreated] || !types[hotel.EventBookingCancelled] || !types[hotel.EventARIChanged] || !types[hotel.EventHotelChanged] {
		t.Fatalf("the feed has too few kinds of event for this test: %d events, types %v", len(evs), types)
	}
	if n := drain(t, r); n != len(evs) {
		t.Fatalf("published %d events, the feed has %d", n, len(evs))
	}
	check(t, b.stream(t), evs)
	last := position(t, evs[len(evs)-1])
	if n := metric(t, reg, "hotel_nats_events_published_total"); n != float64(len(evs)) {
		t.Errorf("hotel_nats_events_published_total = %v, want %d", n, len(evs))
	}
	if n := metric(t, reg, "hotel_nats_last_published_event_id"); n != float64(last) {
		t.Errorf("hotel_nats_last_published_event_id = %v, want %d", n, last)
	}
	if n := metric(t, reg, "hotel_nats_publish_errors_total"); n != 0 {
		t.Errorf("hotel_nats_publish_errors_total = %v, want 0", n)
	}
	// Later events follow.
	b.book(t, 1)
	if n := drain(t, r); n != 2 {
		t.Fatalf("published %d events after one more booking, want 2", n)
	}
	check(t, b.stream(t), b.feedEvents(t))
}

// metric returns the value of the counter or gauge called name in reg.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			m := mf.GetMetric()[0]
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestNoDuplicates: a relay started again continues after the stream's
// last event, and publishes nothing twice: a relay whose cursor is behind
// re-publishes events the stream drops as duplicates (by message id), and
// a relay whose view of the stream is stale is refused (expected last
// sequence) and starts again from the stream.
func TestNoDuplicates(t *testing.T) {
	b := newBench(t)
	b.book(t, 2)
	first := b.relay(t, natsrelay.Options{})
	evs := b.feedEvents(t)
	drain(t, first)
	check(t, b.stream(t), evs)

	// A new relay over the same stream: nothing to publish.
	second := b.relay(t, natsrelay.Options{})
	if n, err := second.PublishOnce(context.Background(), 0); n != 0 || err != nil {
		t.Fatalf("a new relay published %d, %v", n, err)
	}
	if pos, seq, _ := second.Cursor(); pos != position(t, evs[len(evs)-1]) || seq != uint64(len(evs)) {
		t.Fatalf("a new relay's cursor: %d, sequence %d; want %s, %d", pos, seq, evs[len(evs)-1].ID, len(evs))
	}

	// The cursor forced back to the start: every event published again,
	// none stored again (the stream de-duplicates by message id).
	pos, seq, _ := first.Cursor()
	first.SetCursor(0, seq)
	if n := drain(t, first); n != len(evs) {
		t.Fatalf("re-published %d events, want %d", n, len(evs))
	}
	check(t, b.stream(t), evs)

	// A view of an empty stream: the server answers duplicates, or (newer
	// servers, which check the expected sequence first) refuses the first
	// publish, and the relay reads the stream again. Either way nothing
	// is stored again, and the relay ends where the stream does.
	first.SetCursor(0, 0)
	eventually(t, 10*time.Second, func() error {
		if _, err := first.PublishOnce(context.Background(), 0); err != nil {
			return err
		}
		if p, s, _ := first.Cursor(); p != pos || s != seq {
			return fmt.Errorf("cursor %d, sequence %d", p, s)
		}
		return nil
	})
	check(t, b.stream(t), evs)

	// A stale view of the stream (a sequence behind it) is refused: no
	// event is stored until the relay reads the stream again.
	first.SetCursor(pos, seq-1)
	b.book(t, 1)
	if n, err := first.PublishOnce(context.Background(), 0); n != 0 || err == nil {
		t.Fatalf("a stale relay (after %d, sequence %d) published %d, %v", pos, seq, n, err)
	}
	check(t, b.stream(t), evs)
	drain(t, first)
	check(t, b.stream(t), b.feedEvents(t))
}

// TestNATSRestart: the same relay publishes across a restart of the
// nats-server. While it is down PublishOnce fails, and stores nothing;
// once it is back (same port and store) the relay reconnects, reads the
// stream's last event again, and catches up: the stream holds every event
// once, in order.
func TestNATSRestart(t *testing.T) {
	b := newBench(t)
	reg := prometheus.NewRegistry()
	r := b.relay(t, natsrelay.Options{Registerer: reg})
	b.book(t, 2)
	drain(t, r)
	check(t, b.stream(t), b.feedEvents(t))

	if err := b.nats.Stop(); err != nil {
		t.Fatal(err)
	}
	b.book(t, 3)
	for range 2 { // a publish fails, then reading the stream again fails
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		n, err := r.PublishOnce(ctx, 0)
		cancel()
		if err == nil || n != 0 {
			t.Fatalf("PublishOnce with NATS down = %d, %v", n, err)
		}
		if _, _, synced := r.Cursor(); synced {
			t.Fatal("the relay kept its cursor after a NATS error")
		}
	}
	if n := metric(t, reg, "hotel_nats_publish_errors_total"); n != 2 {
		t.Errorf("hotel_nats_publish_errors_total = %v, want 2", n)
	}

	if err := b.nats.Start(); err != nil {
		t.Fatal(err)
	}
	want := b.feedEvents(t)
	last := position(t, want[len(want)-1])
	eventually(t, 30*time.Second, func() error {
		if _, err := r.PublishOnce(context.Background(), 0); err != nil {
			return err
		}
		if pos, _, _ := r.Cursor(); pos != last {
			return fmt.Errorf("published up to %d of %d", pos, last)
		}
		return nil
	})
	check(t, b.stream(t), want)
	if n := metric(t, reg, "hotel_nats_last_published_event_id"); n != float64(last) {
		t.Errorf("hotel_nats_last_published_event_id = %v, want %d", n, last)
	}
}

// TestFilteredSubscription: a subscriber to hotel.events.booking.> hears
// only booking events, live (core NATS) and replayed from the stream (an
// ordered consumer); one to hotel.events.*.*.<hotel> only that hotel's.
func TestFilteredSubscription(t *testing.T) {
	b := newBench(t)
	b.book(t, 4)
	evs := b.feedEvents(t)
	var bookings, london []hotel.Event
	for _, ev := range evs {
		if strings.HasPrefix(ev.Type, "booking.") {
			bookings = append(bookings, ev)
		}
		if ev.HotelID == bookingtest.London {
			london = append(london, ev)
		}
	}
	if len(bookings) == 0 || len(bookings) == len(evs) || len(london) == len(evs) {
		t.Fatalf("the feed has no events for the filters to drop: %d events, %d of bookings, %d of London", len(evs), len(bookings), len(london))
	}

	nc, err := nats.Connect(b.nats.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync("hotel.events.booking.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	drain(t, b.relay(t, natsrelay.Options{}))
	if err := nc.Flush(); err != nil { // the server sent every message before its answer
		t.Fatal(err)
	}
	var live []hotel.Event
	for {
		m, err := sub.NextMsg(0)
		if errors.Is(err, nats.ErrTimeout) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var ev hotel.Event
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			t.Fatal(err)
		}
		live = append(live, ev)
	}
	sameIDs(t, "live hotel.events.booking.>", live, bookings)

	js := b.jetstream(t)
	for filter, want := range map[string][]hotel.Event{
		"hotel.events.booking.>": bookings,
		"hotel.events.*.*." + strconv.FormatInt(bookingtest.London, 10): london,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := js.OrderedConsumer(ctx, natsrelay.DefaultStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
		if err != nil {
			t.Fatal(err)
		}
		var got []hotel.Event
		for len(got) < len(want) {
			m, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
			if err != nil {
				t.Fatalf("%s: after %d of %d messages: %v", filter, len(got), len(want), err)
			}
			var ev hotel.Event
			if err := json.Unmarshal(m.Data(), &ev); err != nil {
				t.Fatal(err)
			}
			got = append(got, ev)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.NumPending != 0 {
			t.Errorf("%s: %d more messages", filter, info.NumPending)
		}
		sameIDs(t, filter, got, want)
	}
}

func sameIDs(t *testing.T, what string, got, want []hotel.Event) {
	t.Helper()
	ids := func(evs []hotel.Event) string {
		var s []string
		for _, ev := range evs {
			s = append(s, ev.ID+" "+ev.Type)
		}
		return strings.Join(s, ", ")
	}
	if g, w := ids(got), ids(want); g != w {
		t.Errorf("%s heard\n%s\nwant\n%s", what, g, w)
	}
}

// TestReplicas: two relays running side by side (PublishFor, as the
// scheduler's job runs it, again after an error) while bookings are made
// publish every event once, in order, and stop when their context ends.
func TestReplicas(t *testing.T) {
	b := newBench(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		r := b.relay(t, natsrelay.Options{})
		wg.Go(func() {
			for ctx.Err() == nil { // a refusal by the other replica's publish: the next run re-reads the stream
				_, _ = r.PublishFor(ctx, time.Hour, nil)
			}
		})
	}
	b.book(t, 6)
	want := b.feedEvents(t)
	eventually(t, 30*time.Second, func() error {
		if n := len(b.stream(t)); n != len(want) {
			return fmt.Errorf("the stream has %d of %d events", n, len(want))
		}
		return nil
	})
	cancel()
	wg.Wait()
	check(t, b.stream(t), want)
}

// TestOptions: New refuses bad options, and metrics registered twice.
func TestOptions(t *testing.T) {
	t.Parallel()
	fd := events.NewFeed(nil)
	for _, o := range []natsrelay.Options{
		{Stream: "hotel.events"}, {Prefix: "hotel..events"}, {Prefix: "hotel.*"}, {Prefix: "hotel.>"},
		{Prefix: "hotel events"}, {PageSize: events.MaxPageSize + 1}, {Timeout: -1},
	} {
		if r, err := natsrelay.New("nats://127.0.0.1:1", fd, o); err == nil {
			r.Close()
			t.Errorf("New accepted %+v", o)
		}
	}
	for _, u := range []string{"", "nats://not a host"} {
		if r, err := natsrelay.New(u, fd, natsrelay.Options{}); err == nil {
			r.Close()
			t.Errorf("New accepted URL %q", u)
		}
	}
	reg := prometheus.NewRegistry()
	r, err := natsrelay.New("nats://127.0.0.1:1", fd, natsrelay.Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Subject(hotel.Event{Type: hotel.EventBookingCheckedIn, HotelID: 12}) != "hotel.events.booking.checked_in.12" {
		t.Errorf("subject %q", r.Subject(hotel.Event{Type: hotel.EventBookingCheckedIn, HotelID: 12}))
	}
	if r2, err := natsrelay.New("nats://127.0.0.1:1", fd, natsrelay.Options{Registerer: reg}); err == nil {
		r2.Close()
		t.Error("New registered its metrics twice")
	}
}
