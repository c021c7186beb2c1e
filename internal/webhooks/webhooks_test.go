package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/webhooks"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var desk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "desk",
	Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead}})

// loopback lets the tests' receivers, on 127.0.0.1, be reached.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func each(t *testing.T, test func(t *testing.T, e *bookingtest.Env)) {
	t.Parallel()
	for _, d := range bookingtest.Drivers {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			test(t, bookingtest.NewEnv(t, d, bookingtest.Modes[0], booking.Config{}))
		})
	}
}

func book(t *testing.T, e *bookingtest.Env, guest string, day int) *hotel.Booking {
	t.Helper()
	b, err := e.Service.Create(desk, hotel.NewBooking{GuestName: guest, HotelID: bookingtest.London, RoomType: "Standard Rooms",
		ArrivalDate: bookingtest.Day(day), StayLength: 2, Adults: 2})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a webhook receiver on loopback: respond says the status of
// its n-th request (from 0) — or, returning 0, holds it until release is
// closed or the request is abandoned.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, id string) int
	arrived chan string
	release chan struct{}
}

func newReceiver(t *testing.T, respond func(n int, id string) int) *receiver {
	rc := &receiver{respond: respond, arrived: make(chan string, 1000), release: make(chan struct{})}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		rc.mu.Unlock()
		id := r.Header.Get("webhook-id")
		status := rc.respond(n, id)
		rc.arrived <- id
		if status == 0 {
			select {
			case <-rc.release:
			case <-r.Context().Done():
			}
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte("receiver says: Secret Body")) // never logged or kept
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// await waits for the receiver to have got n requests.
func (rc *receiver) await(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for len(rc.requests()) < n {
		select {
		case <-rc.arrived:
		case <-deadline:
			t.Fatalf("the receiver got %d requests in 30s; want %d", len(rc.requests()), n)
		}
	}
	return rc.requests()
}

func ok(int, string) int { return http.StatusNoContent }

// waitFor polls cond (the stored state) until it holds, for up to 30s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s", what)
		}
		<-tick.C
	}
}

// logged waits for n attempts in w's delivery log.
func logged(t *testing.T, s *webhooks.Service, id int64, n int) []hotel.WebhookDelivery {
	t.Helper()
	var log []hotel.WebhookDelivery
	waitFor(t, fmt.Sprintf("%d attempts logged", n), func() bool {
		var err error
		log, err = s.Deliveries(context.Background(), id, 0, 100)
		return err == nil && len(log) >= n
	})
	return log
}

// dispatch runs the dispatcher until the test ends or stop is called.
func dispatch(t *testing.T, s *webhooks.Service) (stop func() webhooks.Result) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan webhooks.Result, 1)
	go func() {
		res, err := s.Dispatch(ctx, time.Hour, nil)
		if err != nil {
			t.Errorf("Dispatch: %v", err)
		}
		done <- res
	}()
	var once sync.Once
	var res webhooks.Result
	stop = func() webhooks.Result {
		once.Do(func() { cancel(); res = <-done })
		return res
	}
	t.Cleanup(func() { stop() })
	return stop
}

func service(e *bookingtest.Env, opts webhooks.Options) *webhooks.Service {
	if opts.AllowNets == nil {
		opts.AllowNets = loopback
	}
	if opts.FirstRetry == 0 {
		opts.FirstRetry = 10 * time.Millisecond
	}
	return webhooks.New(e.Store, events.NewFeed(e.Store), opts)
}

func str(s string) *string { return &s }

// verify checks r's signature with the Standard Webhooks library (not
// this package's code) and returns the event it carries.
func verify(t *testing.T, secret string, r received) hotel.Event {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(r.body, r.header); err != nil {
		t.Fatalf("signature of %s does not verify: %v", r.header.Get("webhook-id"), err)
	}
	var e hotel.Event
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatal(err)
	}
	if e.ID != r.header.Get("webhook-id") {
		t.Fatalf("webhook-id %q carries event %q", r.header.Get("webhook-id"), e.ID)
	}
	return e
}

// TestDeliverSigned: the events a subscription selects arrive in feed
// order, one request each, signed so that the Standard Webhooks library
// verifies them, without guest names; the position follows; events of
// other types are passed over; a replay from "0" delivers events from
// before the subscription.
func TestDeliverSigned(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		s := service(e, webhooks.Options{})
		before := book(t, e, "Early Vexwhistle", 3)
		rc := newReceiver(t, ok)
		w, err := s.Create(context.Background(), webhooks.Input{URL: str(rc.srv.URL + "/hooks?token=abc"), After: str("0"),
			Types: &[]string{hotel.EventBookingCreated, hotel.EventBookingCancelled}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(w.Secret, "whsec_") {
			t.Fatalf("secret %q", w.Secret)
		}
		b := book(t, e, "Later Vexwhistle", 4)
		if _, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: new(3)}, 0); err != nil { // not selected
			t.Fatal(err)
		}
		if _, err := e.Service.Cancel(desk, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		stop := dispatch(t, s)
		got := rc.await(t, 3)
		logged(t, s, w.ID, 3)
		res := stop()
		if len(got) != 3 || res.Delivered != 3 || res.Failed != 0 {
			t.Fatalf("%d requests, dispatch %+v; want 3 deliveries", len(got), res)
		}
		var last int64
		wantTypes := []string{hotel.EventBookingCreated, hotel.EventBookingCreated, hotel.EventBookingCancelled}
		wantSubjects := []string{before.ID, b.ID, b.ID}
		for i, r := range got {
			ev := verify(t, w.Secret, r)
			pos, _ := strconv.ParseInt(ev.ID, 10, 64)
			if ev.Type != wantTypes[i] || ev.Subject != wantSubjects[i] || pos <= last {
				t.Fatalf("delivery %d: %+v; want %s of %s after %d", i, ev, wantTypes[i], wantSubjects[i], last)
			}
			last = pos
			if strings.Contains(string(r.body), "Vexwhistle") {
				t.Fatalf("a delivery carries a guest name: %s", r.body)
			}
			if r.header.Get("Content-Type") != "application/json" || r.header.Get("webhook-timestamp") == "" {
				t.Fatalf("headers %v", r.header)
			}
		}
		after, err := s.Get(context.Background(), w.ID)
		if err != nil || after.Position < last || after.Secret != "" || after.FailedAttempts != 0 {
			t.Fatalf("after delivering: %+v, %v (last delivered %d)", after, err, last)
		}
		log, err := s.Deliveries(context.Background(), w.ID, 0, 10)
		if err != nil || len(log) != 3 || !log[0].Delivered || log[0].StatusCode != 204 || log[0].MessageID != strconv.FormatInt(last, 10) || log[0].Trigger != "feed" {
			t.Fatalf("delivery log = %+v, %v", log, err)
		}
	})
}

// TestRetriesKeepIDAndOrder: a receiver that fails (500s, then down, then
// too slow) gets the same event again, with the same webhook-id, until it
// answers 2xx; nothing after it arrives before it; every attempt is in the
// log with what went wrong, and the receiver's body in none.
func TestRetriesKeepIDAndOrder(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		var first string
		rc := newReceiver(t, func(n int, id string) int {
			switch n {
			case 0:
				first = id
				return http.StatusInternalServerError
			case 1:
				return http.StatusServiceUnavailable
			case 2:
				return 0 // held past the attempt's time limit
			}
			return http.StatusOK
		})
		s := service(e, webhooks.Options{Timeout: 300 * time.Millisecond})
		w, err := s.Create(context.Background(), webhooks.Input{URL: str(rc.srv.URL), Types: &hotel.BookingEventTypes})
		if err != nil {
			t.Fatal(err)
		}
		book(t, e, "Retry Vexwhistle", 3)
		book(t, e, "Next Vexwhistle", 5)
		stop := dispatch(t, s)
		got := rc.await(t, 5)
		logged(t, s, w.ID, 5)
		stop()
		ids := make([]string, len(got))
		for i, r := range got {
			ids[i] = verify(t, w.Secret, r).ID
		}
		if ids[0] != first || ids[1] != first || ids[2] != first || ids[3] != first || ids[4] == first {
			t.Fatalf("webhook-ids %v; want the first event's four times, then the next", ids)
		}
		log, err := s.Deliveries(context.Background(), w.ID, 0, 10)
		if err != nil || len(log) != 5 {
			t.Fatalf("delivery log = %+v, %v", log, err)
		}
		slices.Reverse(log)
		wantErr := []string{"HTTP 500", "HTTP 503", "timeout", "", ""}
		for i, d := range log {
			if d.Error != wantErr[i] || d.Delivered != (wantErr[i] == "") || (i < 4 && d.Attempt != i+1) {
				t.Fatalf("attempt %d logged %+v; want error %q", i, d, wantErr[i])
			}
			if strings.Contains(d.Error, "Secret Body") {
				t.Fatalf("the log keeps the receiver's body: %+v", d)
			}
		}
	})
}

// TestReceiverDownThenPaused: a receiver that refuses connections is
// retried with backoff until RetryFor has passed; then the subscription is
// paused, and resuming it (pointed at a receiver that answers) delivers
// what was waiting.
func TestReceiverDownThenPaused(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		s := service(e, webhooks.Options{RetryFor: 300 * time.Millisecond})
		w, err := s.Create(context.Background(), webhooks.Input{URL: str("http://" + addr + "/in")})
		if err != nil {
			t.Fatal(err)
		}
		book(t, e, "Down Vexwhistle", 3)
		stop := dispatch(t, s)
		var got hotel.Webhook
		waitFor(t, "paused", func() bool {
			got, err = s.Get(context.Background(), w.ID)
			return err == nil && got.Status == hotel.WebhookPaused
		})
		if !strings.Contains(got.PausedReason, "connection refused") || got.FailedAttempts < 2 || got.FailingSince == nil {
			t.Fatalf("paused as %+v", got)
		}
		res := stop()
		if res.Paused != 1 || res.Delivered != 0 || res.Failed < 2 {
			t.Fatalf("dispatch %+v", res)
		}
		// An admin points it at a receiver that answers, and resumes it.
		rc := newReceiver(t, ok)
		if _, err := s.Update(context.Background(), w.ID, webhooks.Input{URL: str(rc.srv.URL), Status: str(hotel.WebhookActive)}); err != nil {
			t.Fatal(err)
		}
		waited, err := events.NewFeed(e.Store).Read(context.Background(), hotel.EventFilter{After: w.Position, Limit: 1}, 0)
		if err != nil || len(waited) != 1 {
			t.Fatalf("feed = %+v, %v", waited, err)
		}
		stop = dispatch(t, s)
		if ev := verify(t, w.Secret, rc.await(t, 1)[0]); ev.ID != waited[0].ID {
			t.Fatalf("after resuming, first delivered %+v; want the event that failed, %s", ev, waited[0].ID)
		}
		waitFor(t, "delivered after resuming", func() bool {
			got, err = s.Get(context.Background(), w.ID)
			return err == nil && got.FailedAttempts == 0 && got.Position > w.Position
		})
		stop()
	})
}

// TestKilledBetweenCommitAndDelivery: events committed while no
// dispatcher runs are delivered when one starts; a dispatcher stopped
// while its request is in flight (the process killed) has not moved the
// position, so the next one delivers the event again with the same
// webhook-id — at least once, never lost.
func TestKilledBetweenCommitAndDelivery(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		rc := newReceiver(t, func(n int, id string) int {
			if n == 0 {
				return 0 // held: the dispatcher dies waiting
			}
			return http.StatusOK
		})
		s := service(e, webhooks.Options{})
		w, err := s.Create(context.Background(), webhooks.Input{URL: str(rc.srv.URL), Types: &[]string{hotel.EventBookingCreated}})
		if err != nil {
			t.Fatal(err)
		}
		book(t, e, "Killed Vexwhistle", 3) // committed; nothing delivers yet
		stop := dispatch(t, s)
		rc.await(t, 1)
		stop() // killed with the request in flight
		close(rc.release)
		if got, _ := s.Get(context.Background(), w.ID); got.Position != w.Position {
			t.Fatalf("the position moved although no delivery was acknowledged: %+v", got)
		}
		stop = dispatch(t, s)
		got := rc.await(t, 2)
		stop()
		a, b := verify(t, w.Secret, got[0]), verify(t, w.Secret, got[1])
		if a.ID != b.ID || a.Subject != b.Subject {
			t.Fatalf("redelivered %s/%s after %s/%s; want the same event and id", b.ID, b.Subject, a.ID, a.Subject)
		}
	})
}

// TestRedeliverAndPing: an admin redelivers one event now, rewinds to
// deliver everything after a position again, and pings; each is logged
// with its trigger and verifies.
func TestRedeliverAndPing(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		rc := newReceiver(t, ok)
		s := service(e, webhooks.Options{})
		ctx := context.Background()
		w, err := s.Create(ctx, webhooks.Input{URL: str(rc.srv.URL), Types: &[]string{hotel.EventBookingCreated}})
		if err != nil {
			t.Fatal(err)
		}
		book(t, e, "One Vexwhistle", 3)
		book(t, e, "Two Vexwhistle", 5)
		evs, err := events.NewFeed(e.Store).Read(ctx, hotel.EventFilter{After: w.Position, Types: []string{hotel.EventBookingCreated}}, 0)
		if err != nil || len(evs) != 2 {
			t.Fatalf("feed = %+v, %v", evs, err)
		}
		first, _ := strconv.ParseInt(evs[0].ID, 10, 64)
		second, _ := strconv.ParseInt(evs[1].ID, 10, 64)
		d, err := s.Redeliver(ctx, w.ID, first)
		if err != nil || !d.Delivered || d.Trigger != "redelivery" || d.MessageID != evs[0].ID {
			t.Fatalf("Redeliver = %+v, %v", d, err)
		}
		if ev := verify(t, w.Secret, rc.await(t, 1)[0]); ev.ID != evs[0].ID {
			t.Fatalf("redelivered %s; want %s", ev.ID, evs[0].ID)
		}
		if _, err := s.Redeliver(ctx, w.ID, first+100000); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("Redeliver(missing event) = %v", err)
		}
		ping, err := s.Test(ctx, w.ID)
		if err != nil || !ping.Delivered || ping.Trigger != "test" || ping.EventType != hotel.EventWebhookTest {
			t.Fatalf("Test = %+v, %v", ping, err)
		}
		if ev := verify(t, w.Secret, rc.await(t, 2)[1]); ev.Type != hotel.EventWebhookTest || !strings.HasPrefix(ev.ID, "ping_") {
			t.Fatalf("ping = %+v", ev)
		}
		// Deliver both, then rewind to before the first: both again, in order.
		stop := dispatch(t, s)
		rc.await(t, 4)
		waitFor(t, "both delivered", func() bool {
			got, err := s.Get(ctx, w.ID)
			return err == nil && got.Position >= second
		})
		stop()
		if _, err := s.Rewind(ctx, w.ID, first-1); err != nil {
			t.Fatal(err)
		}
		stop = dispatch(t, s)
		got := rc.await(t, 6)
		stop()
		var ids []string
		for _, r := range got[2:] {
			ids = append(ids, verify(t, w.Secret, r).ID)
		}
		if !slices.Equal(ids, []string{evs[0].ID, evs[1].ID, evs[0].ID, evs[1].ID}) {
			t.Fatalf("deliveries %v; want both events, then both again after the rewind", ids)
		}
		if _, err := s.Redeliver(ctx, 1<<40, first); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("Redeliver(missing subscription) = %v", err)
		}
	})
}

// TestServerSideRequestForgery: URLs that reach loopback, link-local or
// private addresses are refused unless their network is allowed; a
// subscription that later resolves to one (or a dispatcher without the
// allowance) is refused when dialling, and its receiver gets nothing.
func TestServerSideRequestForgery(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		ctx := context.Background()
		strict := webhooks.New(e.Store, events.NewFeed(e.Store), webhooks.Options{})
		for _, u := range []string{"http://127.0.0.1:8080/x", "http://localhost/x", "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/",
			"http://192.168.0.10/", "http://[::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/"} {
			_, err := strict.Create(ctx, webhooks.Input{URL: str(u)})
			var he *hotel.Error
			if hotel.ErrorCode(err) != hotel.EINVALID || !asError(err, &he) || len(he.Fields) != 1 || he.Fields[0].Field != "url" {
				t.Fatalf("Create(%s) = %v; want url refused", u, err)
			}
		}
		for _, u := range []string{"ftp://203.0.113.7/", "http://user:pw@203.0.113.7/", "/relative", "http://203.0.113.7/#frag"} {
			if _, err := strict.Create(ctx, webhooks.Input{URL: str(u)}); hotel.ErrorCode(err) != hotel.EINVALID {
				t.Fatalf("Create(%s) = %v; want EINVALID", u, err)
			}
		}
		if _, err := strict.Create(ctx, webhooks.Input{URL: str("https://203.0.113.7/hooks")}); err != nil {
			t.Fatalf("a public address: %v", err)
		}
		rc := newReceiver(t, ok)
		allowed := service(e, webhooks.Options{})
		w, err := allowed.Create(ctx, webhooks.Input{URL: str(rc.srv.URL)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := strict.Test(ctx, w.ID)
		if err != nil || d.Delivered || d.Error != "address not allowed" {
			t.Fatalf("a ping past the allowance = %+v, %v", d, err)
		}
		if n := len(rc.requests()); n != 0 {
			t.Fatalf("the receiver got %d requests", n)
		}
	})
}

func asError(err error, he **hotel.Error) bool { return errors.As(err, he) }

// TestValidation: bad fields are refused, naming each, and nothing is
// stored.
func TestValidation(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		s := service(e, webhooks.Options{})
		ctx := context.Background()
		cases := []struct {
			in    webhooks.Input
			field string
		}{
			{webhooks.Input{}, "url"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), Types: &[]string{"booking.exploded"}}, "types"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), HotelIDs: &[]int64{0}}, "hotel_ids"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), Secret: str("plain")}, "secret"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), Secret: str("whsec_c2hvcnQ=")}, "secret"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), After: str("-1")}, "after"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), Status: str("paused")}, "status"},
			{webhooks.Input{URL: str("http://127.0.0.1/"), Description: str(strings.Repeat("d", 501))}, "description"},
		}
		for _, c := range cases {
			_, err := s.Create(ctx, c.in)
			var he *hotel.Error
			if !asError(err, &he) || he.Code != hotel.EINVALID || len(he.Fields) == 0 || he.Fields[0].Field != c.field {
				t.Fatalf("Create(%+v) = %v; want %s refused", c.in, err, c.field)
			}
		}
		if ws, err := s.List(ctx); err != nil || len(ws) != 0 {
			t.Fatalf("List = %+v, %v; want none stored", ws, err)
		}
		secret := webhooks.NewSecret()
		w, err := s.Create(ctx, webhooks.Input{URL: str("http://127.0.0.1/"), Secret: &secret, HotelIDs: &[]int64{bookingtest.London}})
		if err != nil || w.Secret != secret {
			t.Fatalf("Create(own secret) = %+v, %v", w, err)
		}
		for _, in := range []webhooks.Input{{Secret: &secret}, {After: str("0")}, {Status: str("sleeping")}} {
			if _, err := s.Update(ctx, w.ID, in); hotel.ErrorCode(err) != hotel.EINVALID {
				t.Fatalf("Update(%+v) = %v; want EINVALID", in, err)
			}
		}
		if _, err := s.Update(ctx, 1<<40, webhooks.Input{}); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("Update(missing) = %v", err)
		}
		up, err := s.Update(ctx, w.ID, webhooks.Input{Status: str(hotel.WebhookPaused), Description: str("  PMS  ")})
		if err != nil || up.Status != hotel.WebhookPaused || up.PausedReason == "" || up.Description != "PMS" || up.Secret != "" {
			t.Fatalf("Update = %+v, %v", up, err)
		}
	})
}

// TestReceiverOutageThenRecovers: a receiver down for a while (its
// connections dropped), then slow (past the attempt's time limit), then
// answering 500s, then well: every booking event arrives, each id once
// after de-duplication, in order per booking.
func TestReceiverOutageThenRecovers(t *testing.T) {
	each(t, func(t *testing.T, e *bookingtest.Env) {
		var mu sync.Mutex
		var delivered []string // ids answered 2xx, in order
		n := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			n++
			i := n
			mu.Unlock()
			switch {
			case i <= 3: // down: the connection dropped
				if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
					_ = c.Close()
				}
				return
			case i <= 5: // slow: held past the attempt's limit
				<-r.Context().Done()
				return
			case i <= 7:
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			var ev hotel.Event
			if json.Unmarshal(body, &ev) != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			mu.Lock()
			delivered = append(delivered, ev.ID)
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		s := service(e, webhooks.Options{Timeout: 200 * time.Millisecond})
		ctx := context.Background()
		w, err := s.Create(ctx, webhooks.Input{URL: str(srv.URL), Types: &hotel.BookingEventTypes})
		if err != nil {
			t.Fatal(err)
		}
		a := book(t, e, "Outage One Vexwhistle", 3)
		b := book(t, e, "Outage Two Vexwhistle", 5)
		book(t, e, "Outage Three Vexwhistle", 7)
		if _, err := e.Service.Modify(desk, a.ID, hotel.BookingChange{StayLength: new(3)}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.Cancel(desk, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.Cancel(desk, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		want, err := events.NewFeed(e.Store).Read(ctx, hotel.EventFilter{After: w.Position, Types: hotel.BookingEventTypes}, 0)
		if err != nil || len(want) != 6 {
			t.Fatalf("feed = %d events, %v; want 6", len(want), err)
		}
		stop := dispatch(t, s)
		last := want[len(want)-1].ID
		waitFor(t, "every event delivered", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return slices.Contains(delivered, last)
		})
		stop()
		mu.Lock()
		got := slices.Compact(slices.Clone(delivered)) // de-duplicated (a retry after a lost answer repeats its id)
		mu.Unlock()
		ids := make([]string, len(want))
		for i, ev := range want {
			ids[i] = ev.ID
		}
		if !slices.Equal(got, ids) {
			t.Fatalf("delivered %v; want every event once, in feed order: %v", got, ids)
		}
		log, err := s.Deliveries(ctx, w.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, d := range log {
			kinds[d.Error] = true
		}
		t.Logf("attempts failed with: %v", kinds)
		if !kinds["timeout"] || !kinds["HTTP 500"] || !kinds["connection closed"] {
			t.Fatalf("the log does not show the outage, the slowness and the 500s: %v", kinds)
		}
	})
}
