package booking_test

import (
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

func TestGuestNamesNotLogged(t *testing.T) {
	each(t, booking.Config{Retries: -1}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		names := []string{
			"Xanthippe Grumblewick", "Octavian Brindlemoor", "Persephone Quagmire", "Leopoldine Frostwhistle",
			"Bartholomew Snickersby", "Clementine Fizzlebottom", "Ignatius Pumpernickel", "Ottilie Wobblethorpe",
			"Evander Nightingale-Crisp",
		}
		ok := func(b *hotel.Booking, err error) *hotel.Booking {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		// Every path that logs: confirmed, failed (sold out), a hold taken
		// with its answer lost (split: abandoned by recovery), renamed, moved and lost, cancelled with a failed
		// release, checked out; and an invalid name.
		b := mustCreate(t, e, deluxe(10, 1, names[0]))
		mustCreate(t, e, deluxe(10, 1, names[1]))
		_, err := e.Service.Create(desk, deluxe(10, 1, names[2]))
		checkError(t, err, hotel.ECONFLICT)
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err = e.Service.Create(desk, standard(12, 2, names[3]))
		checkError(t, err, hotel.EUNAVAILABLE)
		e.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable, Times: 1})
		_, err = e.Service.Create(desk, standard(14, 2, names[4]))
		checkError(t, err, hotel.EUNAVAILABLE)
		ok(e.Service.Modify(desk, b.ID, hotel.BookingChange{GuestName: ptr(names[5])}, 0))
		c := mustCreate(t, e, standard(20, 2, names[6]))
		e.Faults.Set(bookingtest.MoveHold, bookingtest.Fault{Err: bookingtest.Unavailable, After: true, Times: 1})
		_, err = e.Service.Modify(desk, c.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(22)), GuestName: ptr(names[7])}, 0)
		checkError(t, err, hotel.EUNAVAILABLE)
		e.Faults.Set(bookingtest.ReleaseHold, bookingtest.Fault{Err: bookingtest.Unavailable, Times: 1})
		ok(e.Service.Cancel(desk, b.ID, 0))
		d := mustCreate(t, e, standard(0, 3, names[8]))
		_, err = e.Service.Create(desk, standard(1, 1, names[8]+"\x00"))
		checkError(t, err, hotel.EINVALID, "guest_name")
		rep := recoverLater(t, e)
		if want := map[bool]int{false: 0, true: 1}[m.Split]; rep.Abandoned != want || rep.Moved != 1 || rep.Errors != 0 {
			t.Fatalf("Recover = %+v", rep)
		}
		e.Clock.Set(t, "2030-01-02T12:00:00Z")
		ok(e.Service.CheckOut(desk, d.ID, 0))
		e.CheckInventory(t)
		e.CheckSettled(t)

		logs := e.Logs()
		// The logs are there (so their silence about names means something).
		for _, msg := range []string{"booking confirmed", "booking failed", "hold not confirmed", "hold move not confirmed",
			"nights not released", "booking cancelled", "booking checked out", "recovery pass", b.ID} {
			if !strings.Contains(logs, msg) {
				t.Errorf("the logs do not mention %q", msg)
			}
		}
		for _, name := range names {
			for _, part := range strings.Fields(name) {
				if strings.Contains(logs, part) {
					t.Errorf("the logs contain %q (of guest name %q)", part, name)
				}
			}
		}
	})
}
