package booking_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// ids returns the ids of bs.
func ids(bs []hotel.Booking) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

// newestFirst returns the ids of bs sorted as List orders them.
func newestFirst(bs ...*hotel.Booking) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

func TestList(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		l1 := mustCreate(t, e, standard(3, 2, "Listed Lavinia"))
		l2 := mustCreate(t, e, deluxe(5, 1, "Listed Leopold"))
		l3 := mustCreate(t, e, standard(10, 3, "Listed Lucasta"))
		a1 := mustCreate(t, e, stay(bookingtest.Auckland, "Standard Rooms", 4, 2, "Listed Aroha"))
		a2 := mustCreate(t, e, stay(bookingtest.Auckland, "Deluxe Rooms", 12, 1, "Listed Anaru"))
		l4 := mustCreate(t, e, standard(20, 1, "Listed Lysander"))
		f1 := mustCreate(t, e, deluxe(30, 1, "Listed Fenella"))
		f2 := mustCreate(t, e, deluxe(30, 1, "Listed Florian"))
		_, err := e.Service.Create(desk, deluxe(30, 1, "Listed Failed"))
		checkError(t, err, hotel.ECONFLICT)
		failed := only(t, e, hotel.StatusFailed)
		f3 := &failed
		if _, err := e.Service.Cancel(desk, l3.ID, 0); err != nil {
			t.Fatal(err)
		}
		l3 = get(t, e, l3.ID)
		everyone := []*hotel.Booking{l1, l2, l3, a1, a2, l4, f1, f2, f3}

		list := func(ctx context.Context, f hotel.BookingFilter) *hotel.BookingPage {
			t.Helper()
			p, err := e.Service.List(ctx, f)
			if err != nil {
				t.Fatalf("List(%+v): %v", f, err)
			}
			return p
		}
		// Pages of 4, newest first, each booking once.
		var got []string
		f := hotel.BookingFilter{Limit: 4}
		var sizes []int
		for {
			p := list(desk, f)
			sizes = append(sizes, len(p.Bookings))
			got = append(got, ids(p.Bookings)...)
			if p.Next == "" {
				break
			}
			if p.Next != p.Bookings[len(p.Bookings)-1].ID {
				t.Fatalf("Next = %q, want the last id of the page", p.Next)
			}
			f.BeforeID = strings.ToUpper(p.Next) // cursors are ids, any case
		}
		if !slices.Equal(sizes, []int{4, 4, 1}) || !slices.Equal(got, newestFirst(everyone...)) {
			t.Fatalf("pages of sizes %v listed %v, want 4, 4, 1 of %v", sizes, got, newestFirst(everyone...))
		}
		// A page exactly as long as what is left has no Next.
		if p := list(desk, hotel.BookingFilter{Limit: 9}); len(p.Bookings) != 9 || p.Next != "" {
			t.Fatalf("limit 9 of 9: %d bookings, next %q", len(p.Bookings), p.Next)
		}
		if p := list(desk, hotel.BookingFilter{Limit: 8}); len(p.Bookings) != 8 || p.Next == "" {
			t.Fatalf("limit 8 of 9: %d bookings, next %q", len(p.Bookings), p.Next)
		}
		if p := list(desk, hotel.BookingFilter{}); len(p.Bookings) != 9 || p.Next != "" {
			t.Fatalf("default limit: %d bookings, next %q", len(p.Bookings), p.Next)
		}

		// Listed bookings are complete: names, prices, status; no token.
		byID := map[string]*hotel.Booking{}
		for _, b := range everyone {
			byID[b.ID] = b
		}
		for _, b := range list(desk, hotel.BookingFilter{}).Bookings {
			if b.AccessToken != "" {
				t.Fatalf("List returned an access token")
			}
			same(t, b, *get(t, e, b.ID))
			if b.HotelName == "" || b.RoomType == "" {
				t.Fatalf("listed booking without names: %+v", b)
			}
		}

		for _, c := range []struct {
			name string
			f    hotel.BookingFilter
			want []string
		}{
			{"Auckland", hotel.BookingFilter{HotelID: bookingtest.Auckland}, newestFirst(a1, a2)},
			{"cancelled", hotel.BookingFilter{Status: hotel.StatusCancelled}, newestFirst(l3)},
			{"failed", hotel.BookingFilter{Status: hotel.StatusFailed}, newestFirst(f3)},
			{"confirmed", hotel.BookingFilter{Status: hotel.StatusConfirmed}, newestFirst(l1, l2, a1, a2, l4, f1, f2)},
			{"arrival range, inclusive", hotel.BookingFilter{ArrivalFrom: bookingtest.Day(4), ArrivalTo: bookingtest.Day(12)}, newestFirst(l2, l3, a1, a2)},
			{"arrival from", hotel.BookingFilter{ArrivalFrom: bookingtest.Day(20)}, newestFirst(l4, f1, f2, f3)},
			{"arrival to", hotel.BookingFilter{ArrivalTo: bookingtest.Day(4)}, newestFirst(l1, a1)},
			{"confirmation code", hotel.BookingFilter{ConfirmationCode: " " + strings.ToLower(l2.ConfirmationCode) + " "}, newestFirst(l2)},
			{"unknown code", hotel.BookingFilter{ConfirmationCode: "ZZZZZZZZ"}, nil},
			{"combined", hotel.BookingFilter{HotelID: bookingtest.London, Status: hotel.StatusConfirmed, ArrivalTo: bookingtest.Day(10)}, newestFirst(l1, l2)},
			{"combined, paged", hotel.BookingFilter{HotelID: bookingtest.London, Limit: 2, BeforeID: newestFirst(l1, l2, l3, l4, f1, f2, f3)[1]},
				newestFirst(l1, l2, l3, l4, f1, f2, f3)[2:4]},
		} {
			p := list(desk, c.f)
			if got := ids(p.Bookings); !slices.Equal(got, c.want) {
				t.Errorf("%s: listed %v, want %v", c.name, got, c.want)
			}
		}

		// Guest names only for who may see them.
		for _, c := range []struct {
			who     string
			ctx     context.Context
			visible func(id string) bool
		}{
			{"guests:read", desk, func(string) bool { return true }},
			{"admin", admin, func(string) bool { return true }},
			{"bookings:read", clerk, func(string) bool { return false }},
			{"service", service, func(string) bool { return false }},
			{"owner of one", owner(l1.ID), func(id string) bool { return id == l1.ID }},
		} {
			for _, b := range list(c.ctx, hotel.BookingFilter{}).Bookings {
				want := hotel.Redacted
				if c.visible(b.ID) {
					want = byID[b.ID].GuestName
				}
				if b.GuestName != want {
					t.Errorf("%s: booking %s listed with guest name %q, want %q", c.who, b.ID, b.GuestName, want)
				}
			}
		}

		for _, c := range []struct {
			f     hotel.BookingFilter
			field string
		}{
			{hotel.BookingFilter{Limit: -1}, "limit"},
			{hotel.BookingFilter{Limit: booking.MaxPageSize + 1}, "limit"},
			{hotel.BookingFilter{HotelID: -1}, "hotel_id"},
			{hotel.BookingFilter{Status: "lost"}, "status"},
			{hotel.BookingFilter{ArrivalFrom: bookingtest.Day(5), ArrivalTo: bookingtest.Day(4)}, "arrival_to"},
			{hotel.BookingFilter{ConfirmationCode: "AB-12"}, "confirmation_code"},
			{hotel.BookingFilter{ConfirmationCode: strings.Repeat("A", 17)}, "confirmation_code"},
			{hotel.BookingFilter{BeforeID: "page-2"}, "cursor"},
		} {
			_, err := e.Service.List(desk, c.f)
			checkError(t, err, hotel.EINVALID, c.field)
		}
		if p := list(desk, hotel.BookingFilter{Limit: booking.MaxPageSize}); len(p.Bookings) != 9 {
			t.Fatalf("limit %d: %d bookings", booking.MaxPageSize, len(p.Bookings))
		}
	})
}

func TestNoInventoryCallPerRow(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		const created, n = 10, 50
		var made []*hotel.Booking
		for i := range created {
			h, rt := bookingtest.London, "Standard Rooms"
			if i%2 == 1 {
				h = bookingtest.Auckland
			}
			if i%5 == 4 {
				rt = "Deluxe Rooms"
			}
			made = append(made, mustCreate(t, e, stay(h, rt, 2+i, 1+i%3, fmt.Sprintf("Rowan Row-%02d", i))))
		}
		// Create looked each hotel up once: the rest came from the cache.
		if h, r := e.Faults.Calls(bookingtest.GetHotel), e.Faults.Calls(bookingtest.ListRoomTypes); h != 2 || r != 2 {
			t.Fatalf("%d creates made %d GetHotel and %d ListRoomTypes calls, want 2 and 2 (one per hotel)", created, h, r)
		}
		// More rows, straight into the store (cheaper than booking them).
		for i := created; i < n; i++ {
			b := *made[i%created]
			b.ID, b.ConfirmationCode, b.GuestName = booking.NewID(), fmt.Sprintf("ROW%05d", i), fmt.Sprintf("Rowan Row-%02d", i)
			if err := bookingtest.Bookings(e.Store).InsertBooking(context.Background(), &b, []byte("not a token hash")); err != nil {
				t.Fatalf("InsertBooking: %v", err)
			}
		}
		// List reads the names from the store: it needs no inventory at all.
		end := outage(t, e, m)
		p, err := e.Service.List(desk, hotel.BookingFilter{Limit: n})
		if err != nil {
			t.Fatalf("List with the inventory down: %v", err)
		}
		if len(p.Bookings) != n || p.Next != "" {
			t.Fatalf("listed %d bookings (next %q), want all %d", len(p.Bookings), p.Next, n)
		}
		for _, b := range p.Bookings {
			if (b.HotelID == bookingtest.London && b.HotelName != londonName) || (b.HotelID == bookingtest.Auckland && b.HotelName != aucklandName) ||
				(b.RoomType != "Standard Rooms" && b.RoomType != "Deluxe Rooms") || len(b.NightlyPrices) != b.StayLength {
				t.Fatalf("listed booking lacks its names or prices: %+v", b)
			}
		}
		if _, err := e.Service.Get(desk, p.Bookings[0].ID); err != nil {
			t.Fatalf("Get with the inventory down: %v", err)
		}
		end()
		if h, r := e.Faults.Calls(bookingtest.GetHotel), e.Faults.Calls(bookingtest.ListRoomTypes); h != 2 || r != 2 {
			t.Fatalf("List and Get made inventory calls: GetHotel %d, ListRoomTypes %d in all, want 2 and 2", h, r)
		}
		// The cache is bounded in time: once it expires, the hotel is read again.
		e.Clock.Add(2 * time.Minute)
		mustCreate(t, e, standard(60, 1, "Rowan Fresh"))
		if h := e.Faults.Calls(bookingtest.GetHotel); h != 3 {
			t.Fatalf("%d GetHotel calls after the cache expired, want 3", h)
		}
	})
}
