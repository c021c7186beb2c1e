package booking_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

// Fuzz targets of the booking service's validation and saga, below HTTP:
// any NewBooking or BookingChange is either refused with a client error
// and changes nothing, or gives a consistent booking; either way the
// inventory still equals the bookings. `go test` runs their seeds;
// scripts/fuzz.sh fuzzes each.

// fuzzEnv is a booking service over one SQLite store holding
// bookingtest.Fixture(), shared by every input of a fuzz target.
func fuzzEnv(f *testing.F) *bookingtest.Env {
	f.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "hotel.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	if ok, err := st.Load(ctx, bookingtest.Fixture().Dataset(), false); err != nil || !ok {
		f.Fatalf("Load = %v, %v", ok, err)
	}
	e := &bookingtest.Env{Store: st, Clock: bookingtest.NewClock(f, bookingtest.DefaultNow)}
	e.Local = inventory.NewService(st, e.Clock.Now)
	e.Service = booking.New(bookingtest.Bookings(st), e.Local, booking.Config{Backoff: time.Millisecond}, e.Clock.Now, nil)
	return e
}

// clientCodes are the codes a bad request may get.
var clientCodes = []string{hotel.EINVALID, hotel.ENOTFOUND, hotel.ECONFLICT}

// checkBooking fails t unless b is a confirmed booking of nb's stay whose
// prices add up.
func checkBooking(t *testing.T, b *hotel.Booking) {
	t.Helper()
	if b.Status != hotel.StatusConfirmed || b.StayLength < 1 || b.CheckOutDate != b.ArrivalDate.AddDays(b.StayLength) ||
		len(b.NightlyPrices) != b.StayLength || b.RoomTypeID == 0 || b.Adults < 1 || b.Children < 0 || b.GuestName == "" {
		t.Fatalf("inconsistent booking %+v", *b)
	}
	var sum hotel.Cents
	for i, n := range b.NightlyPrices {
		if n.Date != b.ArrivalDate.AddDays(i) || n.Price <= 0 {
			t.Fatalf("booking %s: night %d is %+v", b.ID, i, n)
		}
		sum += n.Price
	}
	if b.TotalPrice != sum || b.RoomPrice != b.NightlyPrices[0].Price {
		t.Fatalf("booking %s: total %s, room price %s, nights %+v", b.ID, b.TotalPrice, b.RoomPrice, b.NightlyPrices)
	}
}

func FuzzServiceCreate(f *testing.F) {
	e := fuzzEnv(f)
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "BB")
	f.Add("Ada Lovelace", bookingtest.London, "deluxe rooms", 20, 1, 2, 1, "")
	f.Add("Ada Lovelace", bookingtest.Auckland, "Standard Rooms", 0, 2, 1, 0, "")
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", -1, 3, 2, 0, "")         // in the past
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 118, 5, 2, 0, "")        // beyond the inventory
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 31, 2, 0, "")        // too long
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 0, 2, 0, "")         // no nights
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, -5, 2, 0, "")        // negative
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 0, 0, "")         // no adults
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 2, -1, "")        // negative children
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 2, 9, "")         // too many
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 1<<62, 1<<62, "") // overflowing party
	f.Add("Ada Lovelace", int64(999999), "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("Ada Lovelace", int64(-1), "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("Ada Lovelace", bookingtest.London, "Broom Cupboard", 10, 3, 2, 0, "")
	f.Add("", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("  \t ", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("Ada\x00Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("\xff\xfe", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "")
	f.Add("'; DROP TABLE booking;--", bookingtest.London, "1 OR 1=1", 10, 3, 2, 0, "'; DROP TABLE booking;--")
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms' OR '1'='1", 10, 3, 2, 0, "")
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 10, 3, 2, 0, "BB BB BB BB BB BB BB BB BB BB BB BB BB BB BB BB BB BB")
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", 2920000, 3, 2, 0, "") // year 9999
	f.Add("Ada Lovelace", bookingtest.London, "Standard Rooms", -741000, 3, 2, 0, "") // year 0
	f.Fuzz(func(t *testing.T, guest string, hotelID int64, roomType string, arrival, nights, adults, children int, meal string) {
		ctx := context.Background()
		nb := hotel.NewBooking{GuestName: guest, HotelID: hotelID, RoomType: roomType, ArrivalDate: bookingtest.Day(arrival),
			StayLength: nights, Adults: adults, Children: children, MealPlan: meal}
		before := len(e.AllBookings(t))
		b, err := e.Service.Create(ctx, nb)
		after := len(e.AllBookings(t))
		if err != nil {
			if code := hotel.ErrorCode(err); !slices.Contains(clientCodes, code) {
				t.Fatalf("Create(%+v) = %v (code %q), want a client error", nb, err, code)
			}
			// A refused request leaves nothing behind, except a sold-out
			// stay: that booking is recorded as failed.
			if hotel.ErrorCode(err) != hotel.ECONFLICT && after != before {
				t.Fatalf("Create(%+v) = %v, but %d bookings became %d", nb, err, before, after)
			}
		} else {
			checkBooking(t, b)
			if b.AccessToken == "" || b.HotelID != hotelID || after != before+1 {
				t.Fatalf("Create(%+v) = %+v (bookings %d → %d)", nb, *b, before, after)
			}
		}
		e.CheckInventory(t)
	})
}

func FuzzServiceModify(f *testing.F) {
	e := fuzzEnv(f)
	ctx := context.Background()
	b, err := e.Service.Create(ctx, hotel.NewBooking{GuestName: "Fuzz Guest", HotelID: bookingtest.London,
		RoomType: "Standard Rooms", ArrivalDate: bookingtest.Day(30), StayLength: 3, Adults: 2})
	if err != nil {
		f.Fatal(err)
	}
	id := b.ID
	// The change fields, each set only when its "set" flag is.
	f.Add(false, "", true, 31, true, 4, true, "Deluxe Rooms", false, 0, false, 0, 0)
	f.Add(true, "Grace Hopper", false, 0, false, 0, false, "", true, 1, true, 1, 0)
	f.Add(false, "", false, 0, true, 0, false, "", false, 0, false, 0, 0)
	f.Add(false, "", false, 0, true, 367, false, "", false, 0, false, 0, 0)
	f.Add(false, "", true, -40, false, 0, false, "", false, 0, false, 0, 0)
	f.Add(false, "", true, 200, false, 0, false, "", false, 0, false, 0, 0)
	f.Add(false, "", false, 0, false, 0, true, "Broom Cupboard", false, 0, false, 0, 0)
	f.Add(false, "", false, 0, false, 0, false, "", true, 9, false, 0, 0)
	f.Add(false, "", false, 0, false, 0, false, "", true, 0, true, -1, 0)
	f.Add(true, "", false, 0, false, 0, false, "", false, 0, false, 0, 0)
	f.Add(true, "'; DROP TABLE booking;--", false, 0, false, 0, true, "1 OR 1=1", false, 0, false, 0, 0)
	f.Add(false, "", false, 0, true, 3, false, "", false, 0, false, 0, 999) // stale version
	f.Add(false, "", false, 0, true, 3, false, "", false, 0, false, 0, -1)
	f.Fuzz(func(t *testing.T, setGuest bool, guest string, setArrival bool, arrival int, setNights bool, nights int,
		setRoom bool, room string, setAdults bool, adults int, setChildren bool, children int, version int) {
		var c hotel.BookingChange
		if setGuest {
			c.GuestName = &guest
		}
		if setArrival {
			d := bookingtest.Day(arrival)
			c.ArrivalDate = &d
		}
		if setNights {
			c.StayLength = &nights
		}
		if setRoom {
			c.RoomType = &room
		}
		if setAdults {
			c.Adults = &adults
		}
		if setChildren {
			c.Children = &children
		}
		old, err := bookingtest.Bookings(e.Store).GetBooking(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Service.Modify(ctx, id, c, version)
		now, gerr := bookingtest.Bookings(e.Store).GetBooking(ctx, id)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if err != nil {
			code := hotel.ErrorCode(err)
			if !slices.Contains(clientCodes, code) && code != hotel.EPRECONDITION {
				t.Fatalf("Modify(%s) = %v (code %q), want a client error", describe(c), err, code)
			}
			// A refused move leaves the booking as it was, though its
			// version moves on (the saga marks and unmarks it); anything
			// else refused leaves it untouched.
			if code != hotel.ECONFLICT && now.Version != old.Version || now.ArrivalDate != old.ArrivalDate || now.StayLength != old.StayLength ||
				now.RoomTypeID != old.RoomTypeID || now.GuestName != old.GuestName || now.TotalPrice != old.TotalPrice {
				t.Fatalf("Modify(%s) = %v, but the booking changed from %+v to %+v", describe(c), err, old, now)
			}
		} else {
			checkBooking(t, got)
			// A change is a new version; an empty one changes nothing.
			if empty := c == (hotel.BookingChange{}); empty && now.Version != old.Version || !empty && now.Version <= old.Version {
				t.Fatalf("Modify(%s) succeeded going from version %d to %d", describe(c), old.Version, now.Version)
			}
		}
		e.CheckInventory(t)
	})
}

// describe shows the fields a change sets.
func describe(c hotel.BookingChange) string {
	var b strings.Builder
	show := func(name string, set bool, v any) {
		if set {
			fmt.Fprintf(&b, "%s=%#v ", name, v)
		}
	}
	show("guest_name", c.GuestName != nil, deref(c.GuestName))
	show("arrival_date", c.ArrivalDate != nil, deref(c.ArrivalDate).String())
	show("stay_length", c.StayLength != nil, deref(c.StayLength))
	show("room_type", c.RoomType != nil, deref(c.RoomType))
	show("adults", c.Adults != nil, deref(c.Adults))
	show("children", c.Children != nil, deref(c.Children))
	return b.String()
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
