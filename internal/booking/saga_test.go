package booking_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// only returns the one booking stored with status, failing t unless there
// is exactly one.
func only(t *testing.T, e *bookingtest.Env, status string) hotel.Booking {
	t.Helper()
	var found []hotel.Booking
	for _, b := range e.AllBookings(t) {
		if b.Status == status {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s bookings stored, want 1: %+v", len(found), status, found)
	}
	return found[0]
}

func TestCreateInventoryUnavailable(t *testing.T) {
	each(t, booking.Config{Retries: 2}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		mustCreate(t, e, standard(5, 2, "Warm Cache")) // the hotel is cached: only holds fail
		calls := e.Faults.Calls(bookingtest.CreateHold)
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable})
		b, err := e.Service.Create(desk, standard(5, 2, "Unheld Penelope"))
		if b != nil {
			t.Fatalf("Create returned %+v with an unavailable inventory", b)
		}
		checkError(t, err, hotel.EUNAVAILABLE)
		if n := e.Faults.Calls(bookingtest.CreateHold) - calls; n != 3 {
			t.Fatalf("CreateHold called %d times, want 3 (1 + Retries 2)", n)
		}
		// Nothing recorded, nothing held: no pending row, no extra commit.
		if bs := e.AllBookings(t); len(bs) != 1 {
			t.Fatalf("%d bookings stored, want only the first", len(bs))
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 5, 2, 1))

		e.Faults.Clear()
		if rep := recoverLater(t, e); rep != (booking.Report{}) {
			t.Fatalf("Recover = %+v, want nothing to do", rep)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCreateHoldAnswerLost(t *testing.T) {
	each(t, booking.Config{Retries: 2}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		// Every attempt takes the hold (the same one: holds are idempotent
		// on the booking id) and loses the answer.
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true})
		_, err := e.Service.Create(desk, standard(7, 3, "Lost Answer"))
		checkError(t, err, hotel.EUNAVAILABLE)
		if n := e.Faults.Calls(bookingtest.CreateHold); n != 3 {
			t.Fatalf("CreateHold called %d times, want 3", n)
		}
		if bs := e.AllBookings(t); len(bs) != 0 {
			t.Fatalf("%d bookings recorded without their hold's answer", len(bs))
		}
		if m.Split {
			// The hold committed apart, one room (not three), unconfirmed.
			checkHeld(t, e, nights(bookingtest.LondonStandard, 7, 3, 1))
		} else {
			// In process, the hold was part of the create's transaction.
			checkHeld(t, e, map[bookingtest.Night]int{})
		}

		e.Faults.Clear()
		// Younger than RecoverAfter, the hold may belong to a running
		// request: left alone.
		e.Clock.Add(30 * time.Second)
		if rep, err := e.Service.Recover(context.Background()); err != nil || rep.Abandoned != 0 {
			t.Fatalf("Recover 30s after = %+v, %v; want the fresh hold left alone", rep, err)
		}
		rep := recoverLater(t, e)
		if want := map[bool]int{false: 0, true: 1}[m.Split]; rep != (booking.Report{Abandoned: want}) {
			t.Fatalf("Recover = %+v, want %d abandoned", rep, want)
		}
		checkHeld(t, e, map[bookingtest.Night]int{})
		e.CheckInventory(t)
		e.CheckSettled(t)
		if rep := recoverLater(t, e); rep != (booking.Report{}) {
			t.Fatalf("second Recover = %+v, want nothing done", rep)
		}

		// Lost once: the retry inside the same request finds the hold and
		// records the booking at once.
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		b := mustCreate(t, e, standard(7, 3, "Lost Once"))
		checkStay(t, b, bookingtest.LondonStandard, 7, 3)
		if n := e.Faults.Calls(bookingtest.CreateHold); n != 5 {
			t.Fatalf("CreateHold called %d times in all, want 5", n)
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 7, 3, 1))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCreateWithIDResumes(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		_, err := e.Service.CreateWithID(desk, "not-a-uuid", standard(1, 1, "Bad Id"))
		checkError(t, err, hotel.EINVALID, "booking_id")

		// Hold taken, answer lost; the client retries with the same id (and
		// the same request: the Idempotency-Key layer sees to that).
		id := booking.NewID()
		nb := standard(3, 2, "Retrying Rosalind")
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err = e.Service.CreateWithID(desk, id, nb)
		checkError(t, err, hotel.EUNAVAILABLE)
		b, err := e.Service.CreateWithID(desk, strings.ToUpper(id), nb)
		if err != nil {
			t.Fatalf("retried CreateWithID: %v", err)
		}
		if b.ID != id || b.Status != hotel.StatusConfirmed || b.Version != 1 || b.GuestName != nb.GuestName || opens(t, e, b.AccessToken) != id {
			t.Fatalf("retry = %+v, want booking %s confirmed at version 1, with a token that opens it", b, id)
		}
		checkStay(t, b, bookingtest.LondonStandard, 3, 2)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 3, 2, 1)) // no second hold
		// Once more, with another body: returned as it is, unchanged; the
		// body is not looked at again (the hold it asks is refused, as the id
		// holds another, and nothing else is held).
		other := standard(20, 5, "Someone Else")
		version := stored(t, e, id).Version
		b2, err := e.Service.CreateWithID(desk, id, other)
		if err != nil {
			t.Fatal(err)
		}
		if opens(t, e, b2.AccessToken) != id || opens(t, e, b.AccessToken) != "" {
			t.Fatal("a second retry's token does not replace the first's")
		}
		b2.AccessToken = b.AccessToken
		same(t, *b2, *b)
		if stored(t, e, id).Version != version {
			t.Fatal("retrying a confirmed booking wrote the booking")
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 3, 2, 1))

		// Hold never taken: the retry takes it.
		id2 := booking.NewID()
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, Times: 1})
		_, err = e.Service.CreateWithID(desk, id2, standard(10, 1, "Second Try"))
		checkError(t, err, hotel.EUNAVAILABLE)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 3, 2, 1))
		b, err = e.Service.CreateWithID(desk, id2, standard(10, 1, "Second Try"))
		if err != nil || b.Status != hotel.StatusConfirmed {
			t.Fatalf("retry = %+v, %v", b, err)
		}
		checkStay(t, b, bookingtest.LondonStandard, 10, 1)

		// Abandoned by recovery meanwhile (split: the hold had committed):
		// the retry is told to start over. All-in-one nothing was left, so
		// the retry books.
		id3 := booking.NewID()
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err = e.Service.CreateWithID(desk, id3, standard(12, 1, "Too Late"))
		checkError(t, err, hotel.EUNAVAILABLE)
		if want := map[bool]int{false: 0, true: 1}[m.Split]; recoverLater(t, e) != (booking.Report{Abandoned: want}) {
			t.Fatalf("Recover did not abandon %d create(s)", want)
		}
		_, err = e.Service.CreateWithID(desk, id3, standard(12, 1, "Too Late"))
		held := merge(nights(bookingtest.LondonStandard, 3, 2, 1), nights(bookingtest.LondonStandard, 10, 1, 1))
		if m.Split {
			checkError(t, err, hotel.ECONFLICT)
		} else if err != nil {
			t.Fatalf("retry after nothing was left: %v", err)
		} else {
			held = merge(held, nights(bookingtest.LondonStandard, 12, 1, 1))
		}

		// A fresh id with CreateWithID inserts and returns the token.
		id4 := booking.NewID()
		b, err = e.Service.CreateWithID(desk, id4, standard(14, 1, "Fresh Id"))
		if err != nil || b.ID != id4 || b.AccessToken == "" {
			t.Fatalf("CreateWithID(new id) = %+v, %v; want the booking with its token", b, err)
		}

		checkHeld(t, e, merge(held, nights(bookingtest.LondonStandard, 14, 1, 1)))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCreateWithIDConcurrentRetries(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		mustCreate(t, e, standard(0, 1, "Warm Cache"))
		id := booking.NewID()
		const n = 6
		var wg sync.WaitGroup
		results := make([]*hotel.Booking, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { results[i], errs[i] = e.Service.CreateWithID(desk, id, standard(30, 2, "Same Request")) })
		}
		wg.Wait()
		var tokens []string
		for i := range n {
			switch code := hotel.ErrorCode(errs[i]); code {
			case "":
				if results[i].ID != id || results[i].Status != hotel.StatusConfirmed {
					t.Errorf("retry %d = %+v", i, results[i])
				}
				checkStay(t, results[i], bookingtest.LondonStandard, 30, 2)
				tokens = append(tokens, results[i].AccessToken)
			case hotel.ECONFLICT, hotel.EUNAVAILABLE: // lost a race with another retry: retry again
			default:
				t.Errorf("retry %d: %v", i, errs[i])
			}
		}
		// Every answer carries a token; only the one issued last opens the
		// booking (a client keeps the answer it finally got).
		working := 0
		for _, tok := range tokens {
			if opens(t, e, tok) == id {
				working++
			}
		}
		if len(tokens) > 0 && working != 1 {
			t.Fatalf("%d of %d tokens open the booking, want exactly 1", working, len(tokens))
		}
		// However the races went, one more retry settles it.
		b, err := e.Service.CreateWithID(desk, id, standard(30, 2, "Same Request"))
		if err != nil || b.Status != hotel.StatusConfirmed {
			t.Fatalf("final retry = %+v, %v", b, err)
		}
		checkHeld(t, e, merge(nights(bookingtest.LondonStandard, 0, 1, 1), nights(bookingtest.LondonStandard, 30, 2, 1)))
		if got := len(e.AllBookings(t)); got != 2 {
			t.Fatalf("%d bookings stored, want 2", got)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

// outage makes the inventory unreachable: in split mode its server stops
// (connections are refused), in process every call fails unavailable. It
// returns the function that ends the outage.
func outage(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) func() {
	t.Helper()
	if m.Split {
		e.Server.Stop()
		return func() { e.Server.Restart(t) }
	}
	for _, method := range []string{bookingtest.CreateHold, bookingtest.GetHold, bookingtest.MoveHold,
		bookingtest.ReleaseHold, bookingtest.GetHotel, bookingtest.ListRoomTypes} {
		e.Faults.Set(method, bookingtest.Fault{Err: bookingtest.Unavailable})
	}
	return e.Faults.Clear
}

func TestInventoryOutage(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		before := mustCreate(t, e, standard(40, 2, "Before Outage"))
		toCancel := mustCreate(t, e, standard(42, 2, "Cancel In Outage"))
		toMove := mustCreate(t, e, standard(44, 2, "Move In Outage"))

		// Creates race the outage: the inventory goes down once the first
		// of them has finished, while the others are in flight.
		const n = 8
		type result struct {
			b   *hotel.Booking
			err error
		}
		results := make(chan result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				b, err := e.Service.Create(desk, standard(50+i%3, 2, "Racing Outage"))
				results <- result{b, err}
			})
		}
		first := <-results
		end := outage(t, e, m)
		wg.Wait()
		close(results)
		all := []result{first}
		for r := range results {
			all = append(all, r)
		}
		// And creates made during the outage fail unavailable.
		for range 3 {
			b, err := e.Service.Create(desk, standard(60, 1, "During Outage"))
			all = append(all, result{b, err})
			checkError(t, err, hotel.EUNAVAILABLE)
		}
		// A cancel is recorded; its release waits for recovery.
		c, err := e.Service.Cancel(desk, toCancel.ID, 0)
		if err != nil || c.Status != hotel.StatusCancelled {
			t.Fatalf("Cancel during outage = %+v, %v; want cancelled", c, err)
		}
		// A move cannot be confirmed.
		_, err = e.Service.Modify(desk, toMove.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(70))}, 0)
		checkError(t, err, hotel.EUNAVAILABLE)

		var confirmed []*hotel.Booking
		for _, r := range all {
			switch hotel.ErrorCode(r.err) {
			case "":
				confirmed = append(confirmed, r.b)
			case hotel.EUNAVAILABLE:
			default:
				t.Fatalf("Create during outage: %v", r.err)
			}
		}
		end()
		rep := recoverLater(t, e)
		if rep.Errors != 0 {
			t.Fatalf("Recover = %+v, want no errors", rep)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)

		// Every booking confirmed to a client is still confirmed, on its stay.
		for _, b := range append(confirmed, before) {
			g := get(t, e, b.ID)
			if g.Status != hotel.StatusConfirmed {
				t.Errorf("booking %s confirmed to its client is now %s", b.ID, g.Status)
			}
			checkStay(t, g, b.RoomTypeID, bookingtest.Start.DaysUntil(b.ArrivalDate), b.StayLength)
		}
		if g := get(t, e, toMove.ID); g.ArrivalDate != bookingtest.Day(44) {
			t.Errorf("unconfirmed move left the booking arriving %s, want %s", g.ArrivalDate, bookingtest.Day(44))
		}
		if g := get(t, e, toCancel.ID); g.Status != hotel.StatusCancelled {
			t.Errorf("cancelled booking is %s", g.Status)
		}
		for _, b := range e.AllBookings(t) {
			switch b.Status {
			case hotel.StatusConfirmed, hotel.StatusFailed, hotel.StatusCancelled:
			default:
				t.Errorf("booking %s is %s after recovery", b.ID, b.Status)
			}
		}
		// Inventory is back: booking works again.
		mustCreate(t, e, standard(60, 1, "After Outage"))
		e.CheckInventory(t)
	})
}

func TestModifyMoveAnswerLost(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		b := mustCreate(t, e, standard(20, 2, "Moving Margot"))
		e.Faults.Set(bookingtest.MoveHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(25)), StayLength: ptr(3)}, 0)
		checkError(t, err, hotel.EUNAVAILABLE)
		// The hold moved; the booking did not and is marked.
		checkHeld(t, e, nights(bookingtest.LondonStandard, 25, 3, 1))
		if st := stored(t, e, b.ID); !st.SyncPending || st.ArrivalDate != bookingtest.Day(20) || st.StayLength != 2 {
			t.Fatalf("booking after a lost move = %+v", st)
		}
		// Until recovery it is being changed: it cannot change again.
		_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: ptr(1)}, 0)
		checkError(t, err, hotel.ECONFLICT)

		rep := recoverLater(t, e)
		if rep != (booking.Report{Examined: 1, Moved: 1}) {
			t.Fatalf("Recover = %+v, want 1 examined and moved", rep)
		}
		g := get(t, e, b.ID)
		checkStay(t, g, bookingtest.LondonStandard, 20, 2)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 20, 2, 1))
		e.CheckInventory(t)
		e.CheckSettled(t)

		// Moved, lost, and the old nights sold meanwhile: the booking keeps
		// the stay its hold has rather than lose its room.
		d := mustCreate(t, e, deluxe(80, 1, "Deluxe Dora"))
		e.Faults.Set(bookingtest.MoveHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err = e.Service.Modify(desk, d.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(81))}, 0)
		checkError(t, err, hotel.EUNAVAILABLE)
		for range bookingtest.SmallCapacity {
			mustCreate(t, e, deluxe(80, 1, "Night Taker"))
		}
		rep = recoverLater(t, e)
		if rep != (booking.Report{Examined: 1, Moved: 1}) {
			t.Fatalf("Recover = %+v, want 1 examined and moved", rep)
		}
		g = get(t, e, d.ID)
		if g.Status != hotel.StatusConfirmed {
			t.Fatalf("booking is %s", g.Status)
		}
		checkStay(t, g, bookingtest.LondonDeluxe, 81, 1)
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCancelReleaseFails(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		neighbour := mustCreate(t, e, standard(30, 3, "Staying Put"))
		for _, after := range []bool{false, true} {
			b := mustCreate(t, e, standard(30, 3, "Cancelling Cecil"))
			e.Faults.Set(bookingtest.ReleaseHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: after, Times: 1})
			c, err := e.Service.Cancel(desk, b.ID, 0)
			if err != nil || c.Status != hotel.StatusCancelled {
				t.Fatalf("Cancel with a failing release = %+v, %v; want cancelled", c, err)
			}
			if st := stored(t, e, b.ID); st.Status != hotel.StatusCancelled || !st.SyncPending {
				t.Fatalf("stored booking = %s, sync pending %v; want cancelled and marked", st.Status, st.SyncPending)
			}
			held := 2
			if after { // released, answer lost
				held = 1
			}
			checkHeld(t, e, nights(bookingtest.LondonStandard, 30, 3, held))
			_, err = e.Service.Cancel(desk, b.ID, 0)
			checkError(t, err, hotel.ECONFLICT)

			rep := recoverLater(t, e)
			if rep != (booking.Report{Examined: 1, Released: 1}) {
				t.Fatalf("Recover = %+v, want 1 examined and released", rep)
			}
			// Freed exactly once: the neighbour keeps its room.
			checkHeld(t, e, nights(bookingtest.LondonStandard, 30, 3, 1))
			if rep := recoverLater(t, e); rep != (booking.Report{}) {
				t.Fatalf("second Recover = %+v, want nothing done", rep)
			}
			checkHeld(t, e, nights(bookingtest.LondonStandard, 30, 3, 1))
			e.CheckInventory(t)
			e.CheckSettled(t)
		}
		if g := get(t, e, neighbour.ID); g.Status != hotel.StatusConfirmed {
			t.Fatalf("neighbour is %s", g.Status)
		}
	})
}

func TestCheckOutReleaseFails(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		b := mustCreate(t, e, standard(1, 4, "Leaving Early"))
		e.Clock.Set(t, "2030-01-03T09:00:00Z") // day 2 in London
		e.Faults.Set(bookingtest.ReleaseHold, bookingtest.Fault{Err: bookingtest.Unavailable, Times: 1})
		c, err := e.Service.CheckOut(desk, b.ID, 0)
		if err != nil || c.Status != hotel.StatusCompleted || c.DepartedOn != bookingtest.Day(2) {
			t.Fatalf("CheckOut = %+v, %v; want completed, departed on %s", c, err, bookingtest.Day(2))
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 1, 4, 1))
		rep := recoverLater(t, e)
		if rep != (booking.Report{Examined: 1, Released: 1}) {
			t.Fatalf("Recover = %+v, want 1 examined and released", rep)
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 1, 1, 1))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

// opens returns the id of the booking token opens, or "" if it opens none.
func opens(t *testing.T, e *bookingtest.Env, token string) string {
	t.Helper()
	if token == "" {
		return ""
	}
	p, err := auth.NewAuthenticator(e.Store, "", "", e.Clock.Now).Authenticate(context.Background(), "Bearer "+token)
	switch {
	case hotel.ErrorCode(err) == hotel.EUNAUTHORIZED:
		return ""
	case err != nil:
		t.Fatalf("Authenticate: %v", err)
	}
	return p.BookingID
}
