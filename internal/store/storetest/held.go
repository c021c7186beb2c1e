package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// heldBooking is booking n of room type rt of the inventory fixture's hotel
// 100 over days [in, out), confirmed and not yet priced, as a create hands
// it to InsertHeldBooking.
func heldBooking(f Fixture, n int, rt int64, in, out int) hotel.Booking {
	b := sampleBooking(f, n, rt, day(in), out-in, hotel.StatusConfirmed)
	b.NightlyPrices, b.RoomPrice, b.TotalPrice, b.Currency = nil, 0, 0, ""
	return b
}

// testHeldBooking: the booking and the hold of its stay in one transaction —
// both or neither.
func testHeldBooking(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 6, func(n *hotel.Night) { n.Held = 10 }) // sold out
	s := loaded(t, h, f)

	b := heldBooking(f, 1, 1000, 1, 4)
	want := f.wantHold(b.ID, 1000, day(1), day(4))
	got, err := s.InsertHeldBooking(ctx, &b, tokenHash(b.ID))
	if err != nil {
		t.Fatalf("InsertHeldBooking: %v", err)
	}
	checkHold(t, "InsertHeldBooking", got, want)
	getHold(t, s, b.ID, want)
	if b.Version != 1 || b.TotalPrice != want.TotalPrice || b.RoomPrice != want.Nights[0].Price || b.Currency != "GBP" || len(b.NightlyPrices) != 3 {
		t.Fatalf("booking after InsertHeldBooking = %+v; want version 1, priced by the hold %+v", b, want)
	}
	getBooking(t, s, "after InsertHeldBooking", b)
	wantAvailable(t, s, "after InsertHeldBooking", 100, 1000, 0, 10, 9, 9, 9, 10)

	// Refusals write nothing: no booking, no hold, no night taken.
	before := inventory(t, s)
	soldOut := heldBooking(f, 2, 1000, 4, 8)
	_, err = s.InsertHeldBooking(ctx, &soldOut, nil)
	wantNightsError(t, "InsertHeldBooking over a sold-out night", err, store.ErrConflict, day(6))
	if soldOut.TotalPrice != 0 || soldOut.Version != 0 {
		t.Fatalf("a refused InsertHeldBooking changed the booking: %+v", soldOut)
	}
	for what, refused := range map[string]func(b *hotel.Booking){
		"a booking id in use":       func(nb *hotel.Booking) { nb.ID = b.ID },
		"a confirmation code taken": func(nb *hotel.Booking) { nb.ConfirmationCode = b.ConfirmationCode },
	} {
		nb := heldBooking(f, 3, 1001, 2, 4)
		refused(&nb)
		_, err := s.InsertHeldBooking(ctx, &nb, nil)
		wantPlainConflict(t, "InsertHeldBooking with "+what, err)
	}
	unchanged(t, s, before, "refused InsertHeldBooking")
	for _, n := range []int{2, 3} {
		noHold(t, s, bookingUUID(n))
		if _, err := s.GetBooking(ctx, bookingUUID(n)); err == nil {
			t.Fatalf("a refused InsertHeldBooking left booking %d behind", n)
		}
	}
	getBooking(t, s, "after the refusals", b)

	// 40 creates race for the last 3 rooms of a night: 3 bookings, each with
	// its hold; the others leave nothing.
	f2 := newInventoryFixture(100, 2)
	f2.set(1000, 0, func(n *hotel.Night) { n.Held = 7 })
	s2 := loaded(t, h, f2)
	var won atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			nb := heldBooking(f2, 10+i, 1000, 0, 1)
			if _, err := s2.InsertHeldBooking(ctx, &nb, nil); err != nil {
				if d := nightsErrorDiff(err, store.ErrConflict, days(0)); d != "" {
					t.Errorf("racer %d: %s", i, d)
				}
				return
			}
			won.Add(1)
		})
	}
	wg.Wait()
	wantAvailable(t, s2, "after the race", 100, 1000, 0, 0)
	list, err := s2.ListBookings(ctx, hotel.BookingFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if won.Load() != 3 || len(list) != 3 {
		t.Fatalf("%d creates won, %d bookings stored; want 3 and 3", won.Load(), len(list))
	}
	for _, b := range list {
		if _, err := s2.GetHold(ctx, b.ID); err != nil {
			t.Fatalf("booking %s has no hold: %v", b.ID, err)
		}
	}
}
