package bookinghttp_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

const keyHeader = "Idempotency-Key"

// checkReplay checks that r replays first: the same status and body, with
// Idempotent-Replayed: true and the same ETag and Location — but a created
// booking with a new access token (the first one is stored nowhere).
func checkReplay(t *testing.T, first, r response) {
	t.Helper()
	if r.Status != first.Status || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: status %d, Idempotent-Replayed %q; want %d, true:\n%s", r.Status, r.Header.Get("Idempotent-Replayed"), first.Status, r.Body)
	}
	for _, h := range []string{"ETag", "Location", "Content-Type"} {
		if r.Header.Get(h) != first.Header.Get(h) {
			t.Fatalf("replay %s = %q, first answer had %q", h, r.Header.Get(h), first.Header.Get(h))
		}
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("replay Cache-Control = %q", r.Header.Get("Cache-Control"))
	}
	if first.Status != http.StatusCreated && (bytes.Contains(r.Body, []byte("access_token")) || bytes.Contains(r.Body, []byte("bt_"))) {
		t.Fatalf("replay carries an access token: %s", r.Body)
	}
	if first.Status >= 400 {
		if !bytes.Equal(r.Body, first.Body) {
			t.Fatalf("replayed problem differs:\n%s\nfirst:\n%s", r.Body, first.Body)
		}
		return
	}
	var a, b bookingJSON
	decodeStrict(t, first.Body, &a)
	decodeStrict(t, r.Body, &b)
	if first.Status == http.StatusCreated {
		if b.AccessToken == nil || !strings.HasPrefix(*b.AccessToken, "bt_"+strings.ReplaceAll(b.BookingID, "-", "")+"_") ||
			a.AccessToken != nil && *a.AccessToken == *b.AccessToken {
			t.Fatalf("replayed create: access_token %v, want a new bt_<id>_…", b.AccessToken)
		}
		b.AccessToken = nil
	}
	a.AccessToken = nil
	checkBooking(t, b, a)
}

// token is the access token of a create's answer.
func (r response) token(t *testing.T) string {
	t.Helper()
	bk := r.booking(t, http.StatusCreated)
	if bk.AccessToken == nil {
		t.Fatalf("a create answered without an access token:\n%s", r.Body)
	}
	return *bk.AccessToken
}

// opens reports whether token opens booking id (GET answers 200).
func (b *bench) opens(t *testing.T, id, token string) bool {
	t.Helper()
	r := b.do(t, http.MethodGet, "/bookings/"+id, nil, "Authorization", bearer(token))
	// Another booking's token gets 404, a replaced one 401.
	if r.Status != http.StatusOK && r.Status != http.StatusUnauthorized && r.Status != http.StatusNotFound {
		t.Fatalf("GET /bookings/%s with a token = %d:\n%s", id, r.Status, r.Body)
	}
	return r.Status == http.StatusOK
}

func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		order1, order2, order3 := hotel.NewIdempotencyKey(), hotel.NewIdempotencyKey(), hotel.NewIdempotencyKey()
		first := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, order1)
		created := first.booking(t, http.StatusCreated)
		checkCreated(t, first, created)
		for range 2 {
			r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, order1)
			checkReplay(t, first, r)
		}
		// POST /bookings is the same route: a retry there replays too,
		// rather than booking a second room.
		last := b.do(t, http.MethodPost, "/bookings", body, keyHeader, order1)
		checkReplay(t, first, last)
		b.do(t, http.MethodPost, "/bookings", with(body, "adults", 1), keyHeader, order1).
			problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		// The same JSON spelled differently is a different request.
		r := b.do(t, http.MethodPost, "/bookings/", `{"guest_name":"Ada Lovelace", "hotel_id":100, "room_type":"Standard Rooms",
			"arrival_date":"2030-01-01","stay_length":2,"adults":2,"children":0}`, keyHeader, order1)
		p := r.problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		if p.Detail != "This Idempotency-Key was used for a different request; use a new key for a new request." {
			t.Fatalf("detail = %q", p.Detail)
		}
		r = b.do(t, http.MethodPost, "/bookings/", with(body, "stay_length", 3), keyHeader, order1)
		r.problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		if r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("422 marked as replayed")
		}
		all := b.CheckInventory(t)
		if len(all) != 1 || all[0].ID != created.BookingID || b.Faults.Calls(bookingtest.CreateHold) != 1 {
			t.Fatalf("%d bookings, %d CreateHold calls; want 1, 1", len(all), b.Faults.Calls(bookingtest.CreateHold))
		}
		// The replayed booking is the stored one; the token of the last
		// answer opens it.
		got := b.do(t, http.MethodGet, "/bookings/"+created.BookingID, nil, "Authorization", bearer(last.token(t))).booking(t, http.StatusOK)
		if got.Version != 1 || got.ConfirmationCode != created.ConfirmationCode {
			t.Fatalf("stored booking %+v", got)
		}

		// A refused request is replayed as refused, even once it would pass.
		bad := with(body, "arrival_date", "2029-12-30")
		first = b.do(t, http.MethodPost, "/bookings/", bad, keyHeader, order2)
		first.problem(t, http.StatusBadRequest, hotel.EINVALID)
		checkReplay(t, first, b.do(t, http.MethodPost, "/bookings/", bad, keyHeader, order2))

		// A sold-out answer is replayed too.
		for _, g := range []string{"A", "B"} {
			b.create(t, deluxe(g, 30, 1))
		}
		late := deluxe("Late", 30, 1)
		first = b.do(t, http.MethodPost, "/bookings/", late, keyHeader, order3)
		first.problem(t, http.StatusConflict, hotel.ECONFLICT)
		checkReplay(t, first, b.do(t, http.MethodPost, "/bookings/", late, keyHeader, order3))

		// Key syntax (hotel.CheckIdempotencyKey): with credentials, 1 to
		// 255 printable ASCII characters; without, a random UUID; sent once.
		staff := []string{"Authorization", bearer(b.staffKey(t, "agent", hotel.ScopeBookingsRead))}
		long := strings.Repeat("k", 255)
		b.do(t, http.MethodPost, "/bookings/", standard("Long Key", 1, 1), append(staff, keyHeader, long)...).booking(t, http.StatusCreated)
		for _, k := range []string{long + "k", "clé"} {
			r := b.do(t, http.MethodPost, "/bookings/", standard("Bad Key", 1, 1), append(staff, keyHeader, k)...)
			fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), fe("Idempotency-Key", "must be 1 to 255 printable ASCII characters without leading or trailing spaces"))
		}
		for _, k := range []string{long, "order-1", "00000000-0000-0000-0000-000000000000"} {
			r := b.do(t, http.MethodPost, "/bookings/", standard("Bad Key", 1, 1), keyHeader, k)
			fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), fe("Idempotency-Key", anonymousKeyReason))
		}
		r = b.do(t, http.MethodPost, "/bookings/", standard("Bad Key", 1, 1), keyHeader, hotel.NewIdempotencyKey(), keyHeader, hotel.NewIdempotencyKey())
		fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), fe("Idempotency-Key", "must be given once"))
		n := 0
		for _, bk := range b.CheckInventory(t) {
			if bk.GuestName == "Bad Key" {
				t.Fatal("a request with an invalid key was served")
			}
			n++
		}
		if n != 5 { // Ada, A, B, Late (failed), Long Key
			t.Fatalf("%d bookings, want 5", n)
		}
	})
}

func TestIdempotentCreateConcurrent(t *testing.T) {
	t.Parallel()
	const n = 8
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 2, 3)
		key := hotel.NewIdempotencyKey()
		start := make(chan struct{})
		results := make([]response, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				results[i], errs[i] = b.send(http.MethodPost, "/bookings/", body, keyHeader, key)
			})
		}
		close(start)
		wg.Wait()

		var fresh, replayed, inFlight int
		var created response
		var tokens []string
		id := ""
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			checkClean(t, "concurrent POST", r)
			switch r.Status {
			case http.StatusCreated:
				bk := r.booking(t, http.StatusCreated)
				if id == "" {
					id = bk.BookingID
				}
				if bk.BookingID != id {
					t.Fatalf("two bookings: %s and %s", id, bk.BookingID)
				}
				if bk.AccessToken == nil {
					t.Fatalf("a created booking without an access token (replayed %q)", r.Header.Get("Idempotent-Replayed"))
				}
				tokens = append(tokens, *bk.AccessToken)
				if r.Header.Get("Idempotent-Replayed") == "true" {
					replayed++
				} else {
					fresh++
					created = r
					checkCreated(t, r, bk)
				}
			case http.StatusConflict:
				p := r.problem(t, http.StatusConflict, hotel.ECONFLICT)
				if p.Detail != "A request with this Idempotency-Key is still in progress; retry shortly." || r.Header.Get("Retry-After") != "1" {
					t.Fatalf("in-flight answer: %q, Retry-After %q", p.Detail, r.Header.Get("Retry-After"))
				}
				inFlight++
			default:
				t.Fatalf("request %d: status %d:\n%s", i, r.Status, r.Body)
			}
		}
		if fresh != 1 || fresh+replayed+inFlight != n {
			t.Fatalf("%d created, %d replayed, %d in flight; want exactly 1 created", fresh, replayed, inFlight)
		}
		all := b.CheckInventory(t)
		if len(all) != 1 || all[0].ID != id || all[0].Status != hotel.StatusConfirmed {
			t.Fatalf("bookings %+v, want one confirmed %s", all, id)
		}
		if c := b.Faults.Calls(bookingtest.CreateHold); c != 1 {
			t.Fatalf("%d CreateHold calls, want 1", c)
		}
		// Each answer carried a new token, replacing the one before: one
		// of them, the last issued, opens the booking.
		opening := 0
		for _, tok := range tokens {
			if b.opens(t, id, tok) {
				opening++
			}
		}
		if opening != 1 {
			t.Fatalf("%d of the %d tokens answered open the booking, want 1", opening, len(tokens))
		}
		wantHeld := map[bookingtest.Night]int{
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(2)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(3)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(4)}: 1,
		}
		if held := b.Held(t); !maps.Equal(held, wantHeld) {
			t.Fatalf("held %v, want %v", held, wantHeld)
		}
		// Afterwards, every retry replays.
		checkReplay(t, created, b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key))
	})
}

func TestIdempotentCreateResumesAfterUnavailable(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		key := hotel.NewIdempotencyKey()
		// The hold is taken but its answer is lost, every time: 503, no
		// booking recorded (split, the hold stays, unconfirmed).
		b.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true})
		for range 2 {
			r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
			r.problem(t, http.StatusServiceUnavailable, hotel.EUNAVAILABLE)
			if r.Header.Get("Retry-After") != "5" || r.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("503 headers: %v", r.Header)
			}
		}
		if all := b.AllBookings(t); len(all) != 0 {
			t.Fatalf("after two 503s: %+v, want no booking recorded", all)
		}

		// Inventory is back: the retry books under the same id, taking the
		// hold the first attempts took (CheckInventory below: one room).
		b.Faults.Clear()
		r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
		got := r.booking(t, http.StatusCreated)
		pending := got.BookingID
		if got.Status != "confirmed" || got.AccessToken == nil || got.TotalPrice != "609.00" || got.Version != 1 {
			t.Fatalf("resumed create: %+v, want confirmed at version 1, with a token", got)
		}
		if r.Header.Get("Location") != "/bookings/"+pending || r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("resumed create headers: %v", r.Header)
		}
		// The first attempt's token never reached the client: the resumed
		// answer carries a new one, which opens the booking, and shows the
		// name the client sent.
		if got.GuestName != "Ada Lovelace" {
			t.Fatalf("resumed create guest_name = %q", got.GuestName)
		}
		if r := b.do(t, http.MethodGet, "/bookings/"+pending, "", "Authorization", "Bearer "+*got.AccessToken); r.Status != http.StatusOK {
			t.Fatalf("GET with the resumed create's token = %d", r.Status)
		}
		checkReplay(t, r, b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key))

		all := b.CheckInventory(t)
		if len(all) != 1 || all[0].ID != pending || all[0].Status != hotel.StatusConfirmed || all[0].SyncPending {
			t.Fatalf("bookings after the resume: %+v", all)
		}
		wantHeld := map[bookingtest.Night]int{
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(0)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(1)}: 1,
		}
		if held := b.Held(t); !maps.Equal(held, wantHeld) {
			t.Fatalf("held %v, want %v", held, wantHeld)
		}
		if c := b.Faults.Calls(bookingtest.CreateHold); c != 4+4+1 {
			t.Fatalf("%d CreateHold calls, want 9 (two attempts of 4, then 1)", c)
		}
		// A new key is a new booking.
		other := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, hotel.NewIdempotencyKey()).booking(t, http.StatusCreated)
		if other.BookingID == pending || other.AccessToken == nil {
			t.Fatalf("new key: %+v", other)
		}
		b.CheckInventory(t)
	})
}

// gate is an inventory whose first CreateHold waits, once entered, until
// the gate opens.
type gate struct {
	hotel.InventoryService
	calls   atomic.Int32
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

// newGate returns a gate that opens at the latest when t ends.
func newGate(t *testing.T) *gate {
	g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(g.open) // before the server's cleanup, which waits for requests
	return g
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

func (g *gate) wrap(inv hotel.InventoryService) hotel.InventoryService {
	g.InventoryService = inv
	return g
}

func (g *gate) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	if g.calls.Add(1) == 1 {
		close(g.entered)
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, false, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "gate timed out", Err: ctx.Err()}
		}
	}
	return g.InventoryService.CreateHold(ctx, req)
}

type result struct {
	r   response
	err error
}

// inFlight starts a create with key that stops inside CreateHold, and
// returns where its answer will arrive.
func inFlight(t *testing.T, b *bench, g *gate, body map[string]any, key string) <-chan result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		r, err := b.send(http.MethodPost, "/bookings/", body, keyHeader, key)
		done <- result{r, err}
	}()
	select {
	case <-g.entered:
	case res := <-done:
		t.Fatalf("first request ended before CreateHold: %v %d %s", res.err, res.r.Status, res.r.Body)
	}
	return done
}

// wait returns the answer of an inFlight request.
func wait(t *testing.T, c <-chan result) response {
	t.Helper()
	res := <-c
	if res.err != nil {
		t.Fatalf("first request: %v", res.err)
	}
	checkClean(t, "first POST", res.r)
	return res.r
}

func TestIdempotentCreateInFlight(t *testing.T) {
	t.Parallel()
	eachCombo(t, func(t *testing.T, d bookingtest.Driver, m bookingtest.Mode) {
		g := newGate(t)
		b := newBench(t, d, m, g.wrap)
		body := standard("Ada Lovelace", 0, 2)
		slow := hotel.NewIdempotencyKey()
		first := inFlight(t, b, g, body, slow)

		// While the first request runs: 409 with Retry-After, or 422 for
		// another request under the key.
		r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, slow)
		p := r.problem(t, http.StatusConflict, hotel.ECONFLICT)
		if p.Detail != "A request with this Idempotency-Key is still in progress; retry shortly." || r.Header.Get("Retry-After") != "1" {
			t.Fatalf("in flight: %q, Retry-After %q", p.Detail, r.Header.Get("Retry-After"))
		}
		b.do(t, http.MethodPost, "/bookings/", with(body, "adults", 1), keyHeader, slow).
			problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		// Another key is not held up.
		b.do(t, http.MethodPost, "/bookings/", standard("Grace Hopper", 5, 1), keyHeader, hotel.NewIdempotencyKey()).booking(t, http.StatusCreated)

		g.open()
		r1 := wait(t, first)
		created := r1.booking(t, http.StatusCreated)
		checkCreated(t, r1, created)
		checkReplay(t, r1, b.do(t, http.MethodPost, "/bookings/", body, keyHeader, slow))
		if all := b.CheckInventory(t); len(all) != 2 {
			t.Fatalf("%d bookings, want 2", len(all))
		}
	})
}

func TestIdempotentCreateLeaseExpired(t *testing.T) {
	t.Parallel()
	eachCombo(t, func(t *testing.T, d bookingtest.Driver, m bookingtest.Mode) {
		g := newGate(t)
		b := newBench(t, d, m, g.wrap)
		body := standard("Ada Lovelace", 0, 2)
		stuck := hotel.NewIdempotencyKey()
		first := inFlight(t, b, g, body, stuck)
		if all := b.AllBookings(t); len(all) != 0 {
			t.Fatalf("while in flight: %+v, want nothing recorded before the hold", all)
		}
		// Past the in-flight lease the claim counts as abandoned: a retry
		// books under the same id instead of waiting or making another.
		b.Clock.Add(3 * time.Minute)
		r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, stuck)
		resumed := r.booking(t, http.StatusCreated)
		if resumed.Status != "confirmed" || resumed.AccessToken == nil {
			t.Fatalf("resumed: %+v", resumed)
		}
		all := []hotel.Booking{b.stored(t, resumed.BookingID)}
		// The stuck request, let go, finds the booking recorded and answers
		// with it, resumed: a new token, which replaces the retry's (the
		// last attempt to answer issues the token that works).
		g.open()
		r1 := wait(t, first)
		got := r1.booking(t, http.StatusCreated)
		if got.BookingID != all[0].ID || got.Status != "confirmed" || got.AccessToken == nil {
			t.Fatalf("first request: %+v", got)
		}
		for tok, want := range map[string]int{*got.AccessToken: http.StatusOK, *resumed.AccessToken: http.StatusUnauthorized} {
			if r := b.do(t, http.MethodGet, "/bookings/"+all[0].ID, "", "Authorization", "Bearer "+tok); r.Status != want {
				t.Fatalf("GET with a token = %d, want %d", r.Status, want)
			}
		}
		after := b.CheckInventory(t)
		if len(after) != 1 || after[0].Status != hotel.StatusConfirmed {
			t.Fatalf("bookings: %+v", after)
		}
		if c := g.calls.Load(); c != 2 {
			t.Fatalf("%d CreateHold calls, want 2", c)
		}
		wantHeld := map[bookingtest.Night]int{
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(0)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(1)}: 1,
		}
		if held := b.Held(t); !maps.Equal(held, wantHeld) {
			t.Fatalf("held %v, want %v", held, wantHeld)
		}
		r = b.do(t, http.MethodPost, "/bookings/", body, keyHeader, stuck)
		if r.booking(t, http.StatusCreated).BookingID != all[0].ID || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("later retry: %d %s", r.Status, r.Body)
		}
		// The replay carries the token that works now.
		if !b.opens(t, all[0].ID, r.token(t)) || b.opens(t, all[0].ID, *got.AccessToken) {
			t.Fatal("after the replay, its token should open the booking and the one before not")
		}
	})
}

func TestIdempotencyKeysPerCaller(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		k1 := b.staffKey(t, "agent-1", hotel.ScopeBookingsRead)
		k2 := b.staffKey(t, "agent-2", hotel.ScopeBookingsWrite)
		body := standard("Ada Lovelace", 0, 1)
		shared := hotel.NewIdempotencyKey()
		callers := []struct {
			who     string
			headers []string
		}{
			{"anonymous", nil},
			{"agent-1", []string{"Authorization", bearer(k1)}},
			{"agent-2", []string{"Authorization", bearer(k2)}},
			{"admin", []string{"Authorization", bearer(adminKey)}},
		}
		firsts := map[string]response{}
		seen := map[string]bool{}
		for _, c := range callers {
			r := b.do(t, http.MethodPost, "/bookings/", body, append([]string{keyHeader, shared}, c.headers...)...)
			bk := r.booking(t, http.StatusCreated)
			checkCreated(t, r, bk)
			if seen[bk.BookingID] {
				t.Fatalf("%s got another caller's booking %s", c.who, bk.BookingID)
			}
			seen[bk.BookingID] = true
			firsts[c.who] = r
		}
		// Each caller's retry replays its own booking; another body under
		// the key is refused for that caller only.
		for _, c := range callers {
			r := b.do(t, http.MethodPost, "/bookings/", body, append([]string{keyHeader, shared}, c.headers...)...)
			checkReplay(t, firsts[c.who], r)
			b.do(t, http.MethodPost, "/bookings/", with(body, "stay_length", 2), append([]string{keyHeader, shared}, c.headers...)...).
				problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		}
		// Bad credentials on the public route count as anonymous.
		r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, shared, "Authorization", bearer("nonsense"))
		checkReplay(t, firsts["anonymous"], r)
		// Callers with credentials may send any key: it is theirs alone.
		for _, c := range callers[1:] {
			b.do(t, http.MethodPost, "/bookings/", standard(c.who, 1, 1), append([]string{keyHeader, "order-1"}, c.headers...)...).
				booking(t, http.StatusCreated)
		}
		if all := b.CheckInventory(t); len(all) != 2*len(callers)-1 {
			t.Fatalf("%d bookings, want %d", len(all), 2*len(callers)-1)
		}
	})
}

// anonymousKeyReason is why an anonymous caller's key is refused.
const anonymousKeyReason = "without credentials, must be a random UUID (such as 0f8fad5b-d9cb-469f-a165-70867728950e): the key is the secret that makes a retry yours"

// Issue 16, item 4: an Idempotency-Key never hands one client's booking to
// another. Anonymous callers share one scope, so the key is what tells them
// apart: it must be a secret (a random UUID), and only its holder can
// replay, resume or learn anything of the request it names.

// TestAnonymousGuessableKeysRefused: two anonymous clients sending the
// same guessable key are both refused (400 naming the header), before
// anything runs: neither is given the other's booking.
func TestAnonymousGuessableKeysRefused(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		for _, key := range []string{"k1", "order-1", "00000000-0000-0000-0000-000000000001"} {
			for _, client := range []string{"A", "B"} {
				r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
				p := r.problem(t, http.StatusBadRequest, hotel.EINVALID)
				fields(t, p, fe("Idempotency-Key", anonymousKeyReason))
				if p.Detail != "The Idempotency-Key header is not valid." {
					t.Fatalf("client %s, key %q: detail %q", client, key, p.Detail)
				}
			}
		}
		if n := b.count(t); n != 0 {
			t.Fatalf("%d bookings made under refused keys", n)
		}
	})
}

// TestAnonymousKeyHolder: with a UUID key, client A books; client B gets
// nothing of A's booking — not its id, code, guest or token — by any
// request without A's key, and A's token keeps working. With the key, B is
// the key's holder (by design: the key is the secret): a replay gives it
// the booking with a new token, which replaces A's.
func TestAnonymousKeyHolder(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		key := hotel.NewIdempotencyKey()
		first := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
		a := first.booking(t, http.StatusCreated)
		tokenA := checkCreated(t, first, a)

		staff := b.staffKey(t, "agent", hotel.ScopeBookingsWrite)
		upper := strings.ToUpper(key) // another key, however alike
		for _, probe := range []struct {
			what    string
			method  string
			path    string
			body    any
			headers []string
			status  int
		}{
			{"the same body without a key", http.MethodPost, "/bookings/", body, nil, http.StatusCreated},
			{"the same body with another key", http.MethodPost, "/bookings/", body, []string{keyHeader, hotel.NewIdempotencyKey()}, http.StatusCreated},
			{"the same body with the key in upper case", http.MethodPost, "/bookings/", body, []string{keyHeader, upper}, http.StatusCreated},
			{"the same body and key as a staff key", http.MethodPost, "/bookings/", body, []string{keyHeader, key, "Authorization", bearer(staff)}, http.StatusCreated},
			{"the booking without credentials", http.MethodGet, "/bookings/" + a.BookingID, nil, nil, http.StatusUnauthorized},
			{"the booking with B's own staff key", http.MethodGet, "/bookings/" + a.BookingID, nil, []string{"Authorization", bearer(staff)}, http.StatusForbidden},
		} {
			r := b.do(t, probe.method, probe.path, probe.body, probe.headers...)
			if r.Status != probe.status || r.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("%s: %d (replayed %q), want %d:\n%s", probe.what, r.Status, r.Header.Get("Idempotent-Replayed"), probe.status, r.Body)
			}
			secrets := []string{a.ConfirmationCode, tokenA}
			if probe.method == http.MethodPost { // a GET names the id itself
				secrets = append(secrets, a.BookingID)
			}
			for _, secret := range secrets {
				if bytes.Contains(r.Body, []byte(secret)) || strings.Contains(fmt.Sprint(r.Header), secret) {
					t.Fatalf("%s: the answer shows A's %q:\n%v\n%s", probe.what, secret, r.Header, r.Body)
				}
			}
			if r.Status == http.StatusCreated {
				bk := r.booking(t, http.StatusCreated)
				if b.opens(t, a.BookingID, *bk.AccessToken) {
					t.Fatalf("%s: its token opens A's booking", probe.what)
				}
			}
		}
		if !b.opens(t, a.BookingID, tokenA) {
			t.Fatal("A's token stopped working, though nobody sent A's key")
		}

		// Whoever sends the key holds it: the replay gives the booking with
		// a token that works, and A's own no longer does.
		r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
		checkReplay(t, first, r)
		if tok := r.token(t); !b.opens(t, a.BookingID, tok) || b.opens(t, a.BookingID, tokenA) {
			t.Fatal("the replay's token should open the booking, and replace the one before")
		}
	})
}

// TestAnonymousKeyOtherRequest: the same key with another body. A stranger
// probing guessable keys learns nothing — every such key is refused alike,
// used or not. The key's holder is told only that the key was used for
// another request (422): no booking id, code, guest or token, no Location
// or ETag, and the booking's token is not replaced.
func TestAnonymousKeyOtherRequest(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		// A guessable key answers alike whether or not a request used it.
		var answers []string
		for _, bd := range []map[string]any{body, with(body, "adults", 1)} {
			r := b.do(t, http.MethodPost, "/bookings/", bd, keyHeader, "order-1")
			p := r.problem(t, http.StatusBadRequest, hotel.EINVALID)
			answers = append(answers, fmt.Sprint(r.Status, p.Detail, p.Errors))
		}
		if answers[0] != answers[1] {
			t.Fatalf("a guessable key answered differently once used:\n%s\n%s", answers[0], answers[1])
		}

		key := hotel.NewIdempotencyKey()
		first := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
		a := first.booking(t, http.StatusCreated)
		tokenA := checkCreated(t, first, a)
		r := b.do(t, http.MethodPost, "/bookings/", with(body, "guest_name", "Mallory", "adults", 1), keyHeader, key)
		p := r.problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		if p.Detail != "This Idempotency-Key was used for a different request; use a new key for a new request." || len(p.Errors) != 0 || len(p.Nights) != 0 {
			t.Fatalf("422: %+v", p)
		}
		for _, h := range []string{"Location", "ETag", "Idempotent-Replayed"} {
			if v := r.Header.Get(h); v != "" {
				t.Fatalf("422 has %s: %q", h, v)
			}
		}
		for _, secret := range []string{a.BookingID, a.ConfirmationCode, tokenA, "Ada Lovelace", "bt_"} {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Fatalf("422 shows %q:\n%s", secret, r.Body)
			}
		}
		if !b.opens(t, a.BookingID, tokenA) {
			t.Fatal("a 422 replaced the booking's token")
		}
		if n := b.count(t); n != 1 {
			t.Fatalf("%d bookings, want 1", n)
		}
	})
}

// TestAnonymousRetryAfterUnavailable: a create that ended in 503 is resumed
// by its client's retry with the key, and every later answer to the key —
// also a replay, when the resumed answer was lost too — carries a token
// that opens the booking. A stranger's request without the key, meanwhile,
// neither resumes the booking nor takes its token.
func TestAnonymousRetryAfterUnavailable(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		body := standard("Ada Lovelace", 0, 2)
		key := hotel.NewIdempotencyKey()
		b.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true})
		b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key).problem(t, http.StatusServiceUnavailable, hotel.EUNAVAILABLE)
		b.Faults.Clear()

		// A stranger sends the same body, without the key or with its own.
		for _, hs := range [][]string{nil, {keyHeader, hotel.NewIdempotencyKey()}} {
			r := b.do(t, http.MethodPost, "/bookings/", body, hs...)
			if r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("stranger: %d %v", r.Status, r.Header)
			}
		}
		strangers := map[string]bool{}
		for _, bk := range b.AllBookings(t) {
			strangers[bk.ID] = true
		}

		// The client retries: the resumed answer carries a token...
		r1 := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
		resumed := r1.booking(t, http.StatusCreated)
		if strangers[resumed.BookingID] || r1.Header.Get("Idempotent-Replayed") != "" || !b.opens(t, resumed.BookingID, r1.token(t)) {
			t.Fatalf("resumed create: %d %v %s", r1.Status, r1.Header, r1.Body)
		}
		// ...and if that answer is lost as well, so does the replay: the
		// client always ends up with a token that works.
		for range 2 {
			r := b.do(t, http.MethodPost, "/bookings/", body, keyHeader, key)
			checkReplay(t, r1, r)
			if !b.opens(t, resumed.BookingID, r.token(t)) {
				t.Fatal("the replay's token does not open the booking")
			}
		}
		if all := b.CheckInventory(t); len(all) != 3 {
			t.Fatalf("%d bookings, want 3 (the client's and the stranger's two)", len(all))
		}
	})
}

func TestIdempotentChanges(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		writer := b.staffKey(t, "writer", hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead)
		bk := b.create(t, standard("Ada Lovelace", 0, 2))
		path := "/bookings/" + bk.BookingID
		auth := []string{"Authorization", bearer(writer)}

		// PATCH: applied once, replayed after.
		change := map[string]any{"stay_length": 3}
		first := b.do(t, http.MethodPatch, path, change, append(auth, keyHeader, "p-1")...)
		if got := first.booking(t, http.StatusOK); got.StayLength != 3 || got.Version != 2 || first.Header.Get("ETag") != etag(2) {
			t.Fatalf("PATCH: %+v", got)
		}
		checkReplay(t, first, b.do(t, http.MethodPatch, path, change, append(auth, keyHeader, "p-1")...))
		if s := b.stored(t, bk.BookingID); s.Version != 2 || s.StayLength != 3 {
			t.Fatalf("stored after a replayed PATCH: version %d, %d nights", s.Version, s.StayLength)
		}
		b.do(t, http.MethodPatch, path, map[string]any{"stay_length": 4}, append(auth, keyHeader, "p-1")...).
			problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		// The same key on another route names another request.
		r := b.do(t, http.MethodPost, "/bookings/", standard("Grace Hopper", 9, 1), append(auth, keyHeader, "p-1")...)
		r.booking(t, http.StatusCreated)

		// DELETE: a retried cancel replays 200 instead of answering 409.
		first = b.do(t, http.MethodDelete, path, nil, append(auth, keyHeader, "cancel-1")...)
		if got := first.booking(t, http.StatusOK); got.Status != "cancelled" || got.Version != 3 {
			t.Fatalf("DELETE: %+v", got)
		}
		for range 2 {
			checkReplay(t, first, b.do(t, http.MethodDelete, path, nil, append(auth, keyHeader, "cancel-1")...))
		}
		// Without the key, with another key, or as another caller: 409.
		b.do(t, http.MethodDelete, path, nil, auth...).problem(t, http.StatusConflict, hotel.ECONFLICT)
		b.do(t, http.MethodDelete, path, nil, append(auth, keyHeader, "cancel-2")...).problem(t, http.StatusConflict, hotel.ECONFLICT)
		b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(*bk.AccessToken), keyHeader, "cancel-1").
			problem(t, http.StatusConflict, hotel.ECONFLICT)
		// The key on another booking is another request (the path is hashed).
		other := b.create(t, standard("Grace Hopper", 3, 1))
		b.do(t, http.MethodDelete, "/bookings/"+other.BookingID, nil, append(auth, keyHeader, "cancel-1")...).
			problem(t, http.StatusUnprocessableEntity, hotel.EUNPROCESSABLE)
		if s := b.stored(t, other.BookingID); s.Status != hotel.StatusConfirmed {
			t.Fatalf("other booking %s", s.Status)
		}

		// Check-out with a key, during the stay.
		stay := b.create(t, standard("Alan Turing", 0, 3))
		b.Clock.Set(t, "2030-01-02T09:00:00Z")
		co := "/bookings/" + stay.BookingID + "/check-out"
		first = b.do(t, http.MethodPost, co, nil, "Authorization", bearer(*stay.AccessToken), keyHeader, "out")
		if got := first.booking(t, http.StatusOK); got.Status != "completed" || got.DepartedOn != "2030-01-02" {
			t.Fatalf("check-out: %+v", got)
		}
		checkReplay(t, first, b.do(t, http.MethodPost, co, nil, "Authorization", bearer(*stay.AccessToken), keyHeader, "out"))
		b.CheckInventory(t)
	})
}
