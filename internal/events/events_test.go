package events_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var desk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "desk",
	Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead}})

func each(t *testing.T, test func(t *testing.T, e *bookingtest.Env)) {
	t.Parallel()
	for _, d := range bookingtest.Drivers {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			test(t, bookingtest.NewEnv(t, d, bookingtest.Modes[0], booking.Config{}))
		})
	}
}

func book(t *testing.T, e *bookingtest.Env, guest string) *hotel.Booking {
	t.Helper()
	b, err := e.Service.Create(desk, hotel.NewBooking{GuestName: guest, HotelID: bookingtest.London, RoomType: "Standard Rooms",
		ArrivalDate: bookingtest.Day(3), StayLength: 2, Adults: 2})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLongPoll: a read that finds nothing waits for the next change and
// answers with it; one behind the last event with nothing coming answers
// [] when its wait is over.
func TestLongPoll(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		// The feed reads through a store that says when a read found
		// nothing: the booking is made once the read is waiting.
		waiting := &emptyReads{Store: e.Store, empty: make(chan struct{}, 1)}
		fd := events.NewFeed(waiting)
		ctx := context.Background()
		var wg sync.WaitGroup
		var got []hotel.Event
		var err error
		start := behind(t, fd)
		waiting.watch.Store(true)
		wg.Go(func() {
			got, err = fd.Read(ctx, hotel.EventFilter{After: start, Types: hotel.BookingEventTypes}, 30*time.Second)
		})
		<-waiting.empty
		b := book(t, e, "Poll Polly")
		wg.Wait()
		if err != nil || len(got) != 1 || got[0].Type != hotel.EventBookingCreated || got[0].Subject != b.ID || got[0].Sequence != 1 {
			t.Fatalf("long-poll read = %+v, %v", got, err)
		}
		if strings.Contains(string(got[0].Data), "Polly") {
			t.Fatalf("event data carries the guest name: %s", got[0].Data)
		}
		pos, err := strconv.ParseInt(got[0].ID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if evs, err := fd.Read(ctx, hotel.EventFilter{After: pos, Types: hotel.BookingEventTypes}, 100*time.Millisecond); err != nil || len(evs) != 0 {
			t.Fatalf("read behind the last event = %+v, %v", evs, err)
		}
		// A cancelled wait answers at once, empty.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if evs, err := fd.Read(cctx, hotel.EventFilter{After: pos}, 30*time.Second); err != nil && hotel.ErrorCode(err) != hotel.EUNAVAILABLE || len(evs) != 0 {
			t.Fatalf("cancelled read = %+v, %v", evs, err)
		}
	})
}

// emptyReads is a store whose ListEvents, once watch is set, signals each
// read that finds no event on empty (without blocking).
type emptyReads struct {
	store.Store
	watch atomic.Bool
	empty chan struct{}
}

func (s *emptyReads) ListEvents(ctx context.Context, f hotel.EventFilter) ([]hotel.Event, error) {
	evs, err := s.Store.ListEvents(ctx, f)
	if err == nil && len(evs) == 0 && s.watch.Load() {
		select {
		case s.empty <- struct{}{}:
		default:
		}
	}
	return evs, err
}

// behind returns the position behind every event so far (the fixture's
// load writes hotel.changed events).
func behind(t *testing.T, fd *events.Feed) int64 {
	t.Helper()
	var pos int64
	for {
		evs, err := fd.Read(context.Background(), hotel.EventFilter{After: pos, Limit: events.MaxPageSize}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return pos
		}
		if pos, err = strconv.ParseInt(evs[len(evs)-1].ID, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
}

// TestARIEvents: a booking's hold changes the availability of its room
// type over its nights: one ari.changed event (on SQLite, where each night
// writes a touch, the publisher merges them), committed with the booking.
func TestARIEvents(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		fd := events.NewFeed(e.Store)
		start := behind(t, fd)
		book(t, e, "Ari Arianne")
		evs, err := fd.Read(context.Background(), hotel.EventFilter{After: start}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var ari []hotel.Event
		for _, ev := range evs {
			if ev.Type == hotel.EventARIChanged {
				ari = append(ari, ev)
			}
		}
		if len(ari) != 1 || ari[0].Subject != "hotel/100/room-type/1000" || ari[0].HotelID != bookingtest.London {
			t.Fatalf("ari.changed events: %+v", ari)
		}
		var d hotel.ARIEvent
		if err := json.Unmarshal(ari[0].Data, &d); err != nil || d.What != "availability" || d.RoomTypeID != bookingtest.LondonStandard ||
			d.FirstNight != bookingtest.Day(3) || d.LastNight != bookingtest.Day(4) {
			t.Fatalf("ari.changed data: %s", ari[0].Data)
		}
	})
}

// TestFeedHTTP: GET /events answers the events as JSON with the next
// request in Link, and refuses bad parameters with 400 naming them.
func TestFeedHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		b := book(t, e, "Http Hattie")
		if _, err := e.Service.Cancel(desk, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		for _, r := range events.Routes(events.NewFeed(e.Store)) {
			mux.Handle(r.Pattern, r.Handler)
		}
		srv := httptest.NewServer(web.ProblemMux(mux))
		defer srv.Close()
		get := func(path string) (*http.Response, []byte) {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp, body
		}
		resp, body := get("/events?limit=1&types=booking.created,booking.cancelled")
		var evs []hotel.Event
		if err := json.Unmarshal(body, &evs); err != nil || resp.StatusCode != 200 || len(evs) != 1 || evs[0].Type != hotel.EventBookingCreated {
			t.Fatalf("first page: %d %s", resp.StatusCode, body)
		}
		link := resp.Header.Get("Link")
		if !strings.Contains(link, "after="+evs[0].ID) || !strings.Contains(link, `rel="next"`) {
			t.Fatalf("Link: %q", link)
		}
		next := strings.TrimPrefix(strings.Split(link, ">")[0], "<")
		resp, body = get(next)
		if err := json.Unmarshal(body, &evs); err != nil || len(evs) != 1 || evs[0].Type != hotel.EventBookingCancelled {
			t.Fatalf("next page: %d %s", resp.StatusCode, body)
		}
		var d hotel.BookingEvent
		if err := json.Unmarshal(evs[0].Data, &d); err != nil || d.BookingID != b.ID || d.Status != hotel.StatusCancelled || d.CancellationFee == nil {
			t.Fatalf("cancelled data: %s", evs[0].Data)
		}
		for query, field := range map[string]string{
			"types=booking.exploded": "types", "wait=2m": "wait", "wait=soon": "wait", "limit=0": "limit",
			"after=-1": "after", "after=x": "after", "hotel_id=0": "hotel_id", "since=1": "since",
		} {
			resp, body := get("/events?" + query)
			if resp.StatusCode != 400 || !strings.Contains(string(body), `"`+field+`"`) || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
			}
		}
	})
}

// TestConsumersHTTP: a channel system registers, finds each new booking
// event in its unacknowledged view until it acknowledges it, and stores
// its position; bad requests are 400 and unknown consumers 404.
func TestConsumersHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		fd := events.NewFeed(e.Store)
		start := behind(t, fd)
		mux := http.NewServeMux()
		for _, r := range events.Routes(fd) {
			mux.Handle(r.Pattern, r.Handler)
		}
		srv := httptest.NewServer(web.ProblemMux(mux))
		defer srv.Close()
		do := func(method, path, body string, want int) []byte {
			t.Helper()
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != want {
				t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
			}
			return b
		}
		pos := strconv.FormatInt(start, 10)
		do("PUT", "/events/consumers/channel-1", `{"position":"`+pos+`"}`, 201)
		do("PUT", "/events/consumers/channel-1", `{"position":"`+pos+`"}`, 200)
		b := book(t, e, "Queue Quentin")
		var un []hotel.Event
		if err := json.Unmarshal(do("GET", "/events/consumers/channel-1/unacknowledged", "", 200), &un); err != nil ||
			len(un) != 1 || un[0].Subject != b.ID || un[0].Type != hotel.EventBookingCreated {
			t.Fatalf("unacknowledged: %+v, %v", un, err)
		}
		var res struct{ Acknowledged int }
		_ = json.Unmarshal(do("POST", "/events/consumers/channel-1/ack", `{"ids":["`+un[0].ID+`"]}`, 200), &res)
		if res.Acknowledged != 1 {
			t.Fatalf("acknowledged %d", res.Acknowledged)
		}
		if got := string(do("GET", "/events/consumers/channel-1/unacknowledged?limit=5", "", 200)); got != "[]\n" && got != "[]" {
			t.Fatalf("after the ack: %s", got)
		}
		do("PUT", "/events/consumers/channel-1", `{"position":"`+un[0].ID+`"}`, 200)
		var c hotel.EventConsumer
		if err := json.Unmarshal(do("GET", "/events/consumers/channel-1", "", 200), &c); err != nil || strconv.FormatInt(c.Position, 10) != un[0].ID {
			t.Fatalf("consumer: %+v, %v", c, err)
		}
		for _, tc := range []struct{ method, path, body string }{
			{"PUT", "/events/consumers/Bad%20Name", `{"position":"0"}`},
			{"PUT", "/events/consumers/c2", `{"position":"-1"}`},
			{"PUT", "/events/consumers/c2", `{"position":"99999999"}`},
			{"PUT", "/events/consumers/c2", `{"position":7}`},
			{"POST", "/events/consumers/channel-1/ack", `{"ids":[]}`},
			{"POST", "/events/consumers/channel-1/ack", `{"ids":["x"]}`},
			{"GET", "/events/consumers/channel-1/unacknowledged?limit=0", ""},
		} {
			do(tc.method, tc.path, tc.body, 400)
		}
		do("GET", "/events/consumers/nobody", "", 404)
		do("GET", "/events/consumers/nobody/unacknowledged", "", 404)
		do("POST", "/events/consumers/nobody/ack", `{"ids":["1"]}`, 404)
	})
}

// TestLongPollSharesOnePoller: reads waiting at the feed's end cost the
// database one poll per interval between them, not one each: twenty
// waiting reads make no further reads of their own while the poller looks
// five times, and all of them answer with the next change.
func TestLongPollSharesOnePoller(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		st := &countedReads{Store: e.Store, polled: make(chan struct{}, 1000), empty: make(chan struct{}, 1000)}
		fd := events.NewFeed(st)
		start := behind(t, fd)
		for len(st.empty) > 0 { // behind's own reads
			<-st.empty
		}
		const readers = 20
		var wg sync.WaitGroup
		got := make([][]hotel.Event, readers)
		for i := range readers {
			wg.Go(func() {
				evs, err := fd.Read(context.Background(), hotel.EventFilter{After: start, Types: hotel.BookingEventTypes}, 30*time.Second)
				if err != nil {
					t.Error(err)
				}
				got[i] = evs
			})
		}
		for range readers {
			<-st.empty
		}
		for range 2 { // a first poll may wake them all once, spuriously (the poller learns where the feed ends)
			<-st.polled
		}
		before := st.lists.Load()
		for range 5 {
			<-st.polled
		}
		if extra := st.lists.Load() - before; extra > readers {
			t.Fatalf("%d reads of the feed while %d reads waited through 5 polls; want at most one each (a spurious wake)", extra, readers)
		}
		b := book(t, e, "Shared Polly")
		wg.Wait()
		for i, evs := range got {
			if len(evs) != 1 || evs[0].Subject != b.ID {
				t.Fatalf("reader %d = %+v; want the booking's event", i, evs)
			}
		}
	})
}

// countedReads is a store that counts reads of the feed and says when
// one found nothing (empty) and when the poller looked (polled).
type countedReads struct {
	store.Store
	lists  atomic.Int64
	empty  chan struct{}
	polled chan struct{}
}

func (s *countedReads) ListEvents(ctx context.Context, f hotel.EventFilter) ([]hotel.Event, error) {
	s.lists.Add(1)
	evs, err := s.Store.ListEvents(ctx, f)
	if err == nil && len(evs) == 0 {
		select {
		case s.empty <- struct{}{}:
		default:
		}
	}
	return evs, err
}

func (s *countedReads) LastEventPosition(ctx context.Context) (int64, error) {
	defer func() {
		select {
		case s.polled <- struct{}{}:
		default:
		}
	}()
	return s.Store.LastEventPosition(ctx)
}
