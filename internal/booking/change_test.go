package booking_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

func TestModifyMove(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		b := mustCreate(t, e, standard(5, 2, "Moving Maximilian")) // Sun, Mon nights
		if !b.IsWeekend {
			t.Fatal("a Sunday night is a weekend night")
		}
		modify := func(c hotel.BookingChange, version int) *hotel.Booking {
			t.Helper()
			got, err := e.Service.Modify(desk, b.ID, c, version)
			if err != nil {
				t.Fatalf("Modify(%+v): %v", c, err)
			}
			if st := stored(t, e, b.ID); st.SyncPending || st.Version != got.Version {
				t.Fatalf("after Modify the stored booking is at version %d (sync pending %v), returned %d",
					st.Version, st.SyncPending, got.Version)
			}
			same(t, *get(t, e, b.ID), *got)
			return got
		}

		// Dates, length and room type at once (with the right version).
		got := modify(hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(20)), StayLength: ptr(3), RoomType: ptr("deluxe rooms")}, b.Version)
		checkStay(t, got, bookingtest.LondonDeluxe, 20, 3) // re-priced at Deluxe prices of the new nights
		if got.RoomType != "Deluxe Rooms" || got.IsWeekend || got.GuestName != b.GuestName || got.Version <= b.Version ||
			got.Status != hotel.StatusConfirmed || got.ConfirmationCode != b.ConfirmationCode {
			t.Fatalf("moved booking = %+v", got)
		}
		if n := e.Faults.Calls(bookingtest.MoveHold); n != 1 {
			t.Fatalf("%d MoveHold calls, want 1", n)
		}
		checkHeld(t, e, nights(bookingtest.LondonDeluxe, 20, 3, 1))

		// Longer, shorter, other room type, overlapping shift.
		got = modify(hotel.BookingChange{StayLength: ptr(5)}, 0)
		checkStay(t, got, bookingtest.LondonDeluxe, 20, 5)
		checkHeld(t, e, nights(bookingtest.LondonDeluxe, 20, 5, 1))
		got = modify(hotel.BookingChange{StayLength: ptr(1)}, 0)
		checkStay(t, got, bookingtest.LondonDeluxe, 20, 1)
		checkHeld(t, e, nights(bookingtest.LondonDeluxe, 20, 1, 1))
		got = modify(hotel.BookingChange{RoomType: ptr("Standard Rooms"), StayLength: ptr(3)}, 0)
		checkStay(t, got, bookingtest.LondonStandard, 20, 3)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 20, 3, 1))
		got = modify(hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(21))}, got.Version)
		checkStay(t, got, bookingtest.LondonStandard, 21, 3)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 21, 3, 1))
		e.CheckInventory(t)

		// Not into the past at the hotel.
		_, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{ArrivalDate: ptr(hotel.NewDate(2029, 12, 30))}, 0)
		checkError(t, err, hotel.EINVALID, "arrival_date")

		// Once the stay has begun its nights cannot move, but details can change.
		e.Clock.Set(t, "2030-01-23T12:00:00Z") // day 22 in London
		_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: ptr(4)}, 0)
		checkError(t, err, hotel.ECONFLICT)
		got = modify(hotel.BookingChange{Children: ptr(0), Adults: ptr(1)}, 0)
		checkStay(t, got, bookingtest.LondonStandard, 21, 3)
		checkHeld(t, e, nights(bookingtest.LondonStandard, 21, 3, 1))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestModifySoldOut(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		for range bookingtest.SmallCapacity {
			mustCreate(t, e, deluxe(30, 1, "Full House"))
		}
		x := mustCreate(t, e, standard(29, 1, "Upgrading Ursula"))
		y := mustCreate(t, e, deluxe(28, 2, "Extending Ezekiel"))
		held := e.Held(t)
		for _, c := range []struct {
			b      *hotel.Booking
			change hotel.BookingChange
		}{
			{x, hotel.BookingChange{RoomType: ptr("Deluxe Rooms"), StayLength: ptr(3)}},
			{y, hotel.BookingChange{StayLength: ptr(3)}},
			{y, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(30)), GuestName: ptr("Renamed Too")}},
		} {
			before := stored(t, e, c.b.ID)
			_, err := e.Service.Modify(desk, c.b.ID, c.change, before.Version)
			he := checkError(t, err, hotel.ECONFLICT)
			if len(he.Nights) != 1 || he.Nights[0] != bookingtest.Day(30) {
				t.Fatalf("sold-out nights = %v, want [%s]", he.Nights, bookingtest.Day(30))
			}
			after := stored(t, e, c.b.ID)
			if after.SyncPending {
				t.Fatal("a refused move left the booking marked")
			}
			same(t, after, before)
			checkHeld(t, e, held)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestModifyDetails(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		b := mustCreate(t, e, deluxe(8, 2, "Original Oswin"))
		held := e.Held(t)
		got, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{GuestName: ptr("  Renamed Rosamund "), Adults: ptr(1), Children: ptr(2)}, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		want := *b
		want.GuestName, want.Adults, want.Children = "Renamed Rosamund", 1, 2
		// The new party is priced (at the same prices: the default plan
		// has no occupancy pricing) and recorded in the terms.
		if p := got.Terms.Party; p.Key() != "1;-1,-1" {
			t.Fatalf("terms.party = %+v, want 1 adult and 2 children of unknown age", p)
		}
		want.Terms = nil
		same(t, *got, want)
		if got.Version != b.Version+1 {
			t.Errorf("version after a detail change = %d, want %d", got.Version, b.Version+1)
		}
		same(t, *get(t, e, b.ID), want)
		// The party is priced again: the hold moves to the same nights.
		if n := e.Faults.Calls(bookingtest.MoveHold); n != 1 {
			t.Fatalf("a party change made %d MoveHold calls, want 1", n)
		}
		checkHeld(t, e, held)

		// A caller without guests:read gets the result redacted.
		got, err = e.Service.Modify(clerk, b.ID, hotel.BookingChange{GuestName: ptr("Hidden Hortensia")}, 0)
		if err != nil || got.GuestName != hotel.Redacted {
			t.Fatalf("Modify as clerk = %+v, %v; want the name redacted", got, err)
		}
		if g := get(t, e, b.ID); g.GuestName != "Hidden Hortensia" {
			t.Fatalf("stored name = %q", g.GuestName)
		}

		// Invalid changes and stale versions change nothing.
		before := stored(t, e, b.ID)
		for _, c := range []struct {
			change hotel.BookingChange
			field  string
		}{
			{hotel.BookingChange{GuestName: ptr("  ")}, "guest_name"},
			{hotel.BookingChange{GuestName: ptr("Bad\tName")}, "guest_name"},
			{hotel.BookingChange{Adults: ptr(0)}, "adults"},
			{hotel.BookingChange{Children: ptr(-1)}, "children"},
			{hotel.BookingChange{Adults: ptr(3), Children: ptr(1)}, "adults"},
			{hotel.BookingChange{RoomType: ptr("Standard Rooms")}, "adults"}, // 1 + 2 guests do not fit 2
			{hotel.BookingChange{RoomType: ptr("Suite")}, "room_type"},
			{hotel.BookingChange{StayLength: ptr(0)}, "stay_length"},
			{hotel.BookingChange{StayLength: ptr(31)}, "stay_length"},
			{hotel.BookingChange{ArrivalDate: ptr(hotel.NewDate(2029, 12, 1))}, "arrival_date"},
		} {
			_, err := e.Service.Modify(desk, b.ID, c.change, 0)
			checkError(t, err, hotel.EINVALID, c.field)
		}
		for _, v := range []int{before.Version - 1, before.Version + 1} {
			_, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{GuestName: ptr("Stale Steffi")}, v)
			checkError(t, err, hotel.EPRECONDITION)
			_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: ptr(1)}, v)
			checkError(t, err, hotel.EPRECONDITION)
			_, err = e.Service.Cancel(desk, b.ID, v)
			checkError(t, err, hotel.EPRECONDITION)
			_, err = e.Service.CheckOut(desk, b.ID, v)
			checkError(t, err, hotel.EPRECONDITION)
		}
		after := stored(t, e, b.ID)
		if after.Version != before.Version {
			t.Fatalf("refused changes moved the version from %d to %d", before.Version, after.Version)
		}
		same(t, after, before)
		checkHeld(t, e, held)

		for _, id := range []string{booking.NewID(), "nope"} {
			_, err := e.Service.Modify(desk, id, hotel.BookingChange{GuestName: ptr("Nobody")}, 0)
			checkError(t, err, hotel.ENOTFOUND)
			_, err = e.Service.Cancel(desk, id, 0)
			checkError(t, err, hotel.ENOTFOUND)
			_, err = e.Service.CheckOut(desk, id, 0)
			checkError(t, err, hotel.ENOTFOUND)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

// race runs the n calls at once and returns their errors.
func race(n int, call func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func TestModifyCancelConcurrent(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		const n = 6
		// The same change, racing: with an explicit version (If-Match)
		// exactly one wins; the others fail the precondition or conflict.
		for round := range 3 {
			b := mustCreate(t, e, standard(10*round, 2, "Contested Constance"))
			errs := race(n, func(i int) error {
				var err error
				switch i % 3 {
				case 0:
					_, err = e.Service.Cancel(desk, b.ID, b.Version)
				case 1:
					_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(10*round + 1 + i))}, b.Version)
				default:
					_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{GuestName: ptr(fmt.Sprint("Winner ", i))}, b.Version)
				}
				return err
			})
			wins := 0
			for i, err := range errs {
				switch hotel.ErrorCode(err) {
				case "":
					wins++
				case hotel.EPRECONDITION, hotel.ECONFLICT:
				default:
					t.Errorf("round %d, call %d: %v", round, i, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d calls won with the same version, want exactly 1", round, wins)
			}
			e.CheckInventory(t)
			e.CheckSettled(t)
		}

		// Without a version, later calls may win in turn, but none may fail
		// other than by a conflict, and the booking and its hold agree.
		for round := range 3 {
			b := mustCreate(t, e, standard(50+10*round, 2, "Busy Bartholomew"))
			errs := race(n, func(i int) error {
				var err error
				switch i % 3 {
				case 0:
					_, err = e.Service.Cancel(desk, b.ID, 0)
				case 1:
					_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(50 + 10*round + i))}, 0)
				default:
					_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: ptr(i)}, 0)
				}
				return err
			})
			for i, err := range errs {
				switch hotel.ErrorCode(err) {
				case "", hotel.ECONFLICT:
				default:
					t.Errorf("round %d, call %d: %v", round, i, err)
				}
			}
			e.CheckInventory(t)
			e.CheckSettled(t)
		}

		// Concurrent cancels: exactly one releases.
		b := mustCreate(t, e, standard(100, 3, "Cancelled Once"))
		releases := e.Faults.Calls(bookingtest.ReleaseHold)
		errs := race(n, func(int) error { _, err := e.Service.Cancel(desk, b.ID, 0); return err })
		wins := 0
		for _, err := range errs {
			switch hotel.ErrorCode(err) {
			case "":
				wins++
			case hotel.ECONFLICT:
			default:
				t.Errorf("Cancel: %v", err)
			}
		}
		if wins != 1 || e.Faults.Calls(bookingtest.ReleaseHold)-releases != 1 {
			t.Fatalf("%d cancels won and %d released, want 1 and 1", wins, e.Faults.Calls(bookingtest.ReleaseHold)-releases)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCancel(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		keep := mustCreate(t, e, standard(15, 3, "Keeping Kit"))
		b := mustCreate(t, e, standard(15, 3, "Cancelling Cosima"))
		checkHeld(t, e, nights(bookingtest.LondonStandard, 15, 3, 2))
		c, err := e.Service.Cancel(desk, b.ID, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		want := *b
		want.Status = hotel.StatusCancelled
		want.CancelledAt = e.Clock.Now() // free: before the deadline, the fee recorded is 0
		same(t, *c, want)                // prices and stay are kept for the record
		same(t, *get(t, e, b.ID), want)
		if st := stored(t, e, b.ID); st.SyncPending || st.Version != c.Version {
			t.Fatalf("stored after cancel: sync pending %v, version %d (returned %d)", st.SyncPending, st.Version, c.Version)
		}
		if n := e.Faults.Calls(bookingtest.ReleaseHold); n != 1 {
			t.Fatalf("%d ReleaseHold calls, want 1", n)
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 15, 3, 1))

		_, err = e.Service.Cancel(desk, b.ID, 0)
		checkError(t, err, hotel.ECONFLICT)
		if n := e.Faults.Calls(bookingtest.ReleaseHold); n != 1 {
			t.Fatalf("cancelling again released again (%d calls)", n)
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 15, 3, 1))

		// A caller without guests:read sees the result redacted.
		c, err = e.Service.Cancel(clerk, keep.ID, 0)
		if err != nil || c.GuestName != hotel.Redacted || c.Status != hotel.StatusCancelled {
			t.Fatalf("Cancel as clerk = %+v, %v", c, err)
		}
		checkHeld(t, e, nil)
		// A cancelled stay's nights can be booked again.
		mustCreate(t, e, standard(15, 3, "Next Guest"))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}

func TestCheckOut(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		early := mustCreate(t, e, standard(0, 4, "Early Edwina"))                                   // London, days 0–3
		london := mustCreate(t, e, standard(1, 2, "London Lionel"))                                 // London, days 1–2
		auckland := mustCreate(t, e, stay(bookingtest.Auckland, "Standard Rooms", 1, 2, "Kiri Te")) // Auckland, days 1–2
		past := mustCreate(t, e, deluxe(2, 1, "Past Percival"))                                     // London, day 2

		// Before arrival (it is still 2029-12-31 in London).
		_, err := e.Service.CheckOut(desk, early.ID, 0)
		checkError(t, err, hotel.ECONFLICT)
		if st := stored(t, e, early.ID); st.Status != hotel.StatusConfirmed || st.Version != early.Version {
			t.Fatalf("refused check-out changed the booking: %+v", st)
		}

		// Noon UTC on 2030-01-01: day 0 in London, day 1 in Auckland.
		e.Clock.Set(t, "2030-01-01T12:00:00Z")
		_, err = e.Service.CheckOut(desk, london.ID, 0)
		checkError(t, err, hotel.ECONFLICT)
		c, err := e.Service.CheckOut(clerk, auckland.ID, auckland.Version)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != hotel.StatusCompleted || c.DepartedOn != bookingtest.Day(1) || c.GuestName != hotel.Redacted {
			t.Fatalf("Auckland check-out on arrival day = %+v", c)
		}
		// Left on the arrival day: every night returns.
		e.CheckInventory(t)

		// Day 1 in London: Edwina leaves after one night.
		e.Clock.Set(t, "2030-01-02T10:00:00Z")
		c, err = e.Service.CheckOut(desk, early.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := *early
		want.Status, want.DepartedOn = hotel.StatusCompleted, bookingtest.Day(1)
		want.CancellationQuote = nil // a completed stay has no cancellation to show
		same(t, *c, want)
		same(t, *get(t, e, early.ID), want)
		if st := stored(t, e, early.ID); st.SyncPending {
			t.Fatal("checked-out booking is still marked")
		}
		// Kept: Edwina's day 0, Lionel's days 1–2, Percival's day 2.
		checkHeld(t, e, merge(nights(bookingtest.LondonStandard, 0, 1, 1), nights(bookingtest.LondonStandard, 1, 2, 1),
			nights(bookingtest.LondonDeluxe, 2, 1, 1)))
		_, err = e.Service.CheckOut(desk, early.ID, 0)
		checkError(t, err, hotel.ECONFLICT)
		_, err = e.Service.Cancel(desk, early.ID, 0)
		checkError(t, err, hotel.ECONFLICT)

		// After the check-out date: departed on it, nothing to return.
		e.Clock.Set(t, "2030-01-06T10:00:00Z")
		c, err = e.Service.CheckOut(desk, past.ID, 0)
		if err != nil || c.DepartedOn != bookingtest.Day(3) || c.Status != hotel.StatusCompleted {
			t.Fatalf("late check-out = %+v, %v; want departed on %s", c, err, bookingtest.Day(3))
		}
		checkHeld(t, e, merge(nights(bookingtest.LondonStandard, 0, 1, 1), nights(bookingtest.LondonStandard, 1, 2, 1),
			nights(bookingtest.LondonDeluxe, 2, 1, 1)))
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}
