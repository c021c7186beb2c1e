package booking_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// Fixture room types not named by bookingtest.
const aucklandDeluxe = int64(1003)

// Hotel names of the fixture (storetest.NewFixture).
const (
	londonName   = "Test Hotel 100"
	aucklandName = "Test Hotel 101"
)

// Callers.
var (
	// desk may read and change any booking and see guest names.
	desk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "desk",
		Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead}})
	// clerk may read and change any booking but not see guest names.
	clerk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "clerk",
		Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite}})
	admin = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "root",
		Scopes: []string{hotel.ScopeAdmin}})
	// service is another service of the platform (no PII).
	service = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.Service, Name: "service"})
)

// owner is the holder of booking id's access token.
func owner(id string) context.Context {
	return auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.BookingOwner, BookingID: id})
}

// each runs test on a fresh Env for every driver and mode, in parallel.
func each(t *testing.T, cfg booking.Config, test func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode)) {
	t.Helper()
	eachOf(t, bookingtest.Modes, cfg, test)
}

func eachOf(t *testing.T, modes []bookingtest.Mode, cfg booking.Config, test func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode)) {
	t.Helper()
	t.Parallel()
	for _, d := range bookingtest.Drivers {
		for _, m := range modes {
			t.Run(d.Name+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				e := bookingtest.NewEnv(t, d, m, cfg)
				test(t, e, m)
			})
		}
	}
}

// stay is a valid booking of one room of rt at hotel h (by room type name)
// for nights nights from day arrival of the fixture.
func stay(h int64, roomType string, arrival, nights int, guest string) hotel.NewBooking {
	return hotel.NewBooking{GuestName: guest, HotelID: h, RoomType: roomType,
		ArrivalDate: bookingtest.Day(arrival), StayLength: nights, Adults: 2}
}

func standard(arrival, nights int, guest string) hotel.NewBooking {
	return stay(bookingtest.London, "Standard Rooms", arrival, nights, guest)
}

func deluxe(arrival, nights int, guest string) hotel.NewBooking {
	return stay(bookingtest.London, "Deluxe Rooms", arrival, nights, guest)
}

// mustCreate creates nb as desk, failing t on error.
func mustCreate(t *testing.T, e *bookingtest.Env, nb hotel.NewBooking) *hotel.Booking {
	t.Helper()
	b, err := e.Service.Create(desk, nb)
	if err != nil {
		t.Fatalf("Create(%+v): %v", nb, err)
	}
	return b
}

// get reads a booking as desk (unredacted), failing t on error.
func get(t *testing.T, e *bookingtest.Env, id string) *hotel.Booking {
	t.Helper()
	b, err := e.Service.Get(desk, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return b
}

// stored reads a booking straight from the store (with SyncPending).
func stored(t *testing.T, e *bookingtest.Env, id string) hotel.Booking {
	t.Helper()
	b, err := bookingtest.Bookings(e.Store).GetBooking(context.Background(), id)
	if err != nil {
		t.Fatalf("store GetBooking(%s): %v", id, err)
	}
	return b
}

// checkError fails t unless err has code and names every one of fields.
func checkError(t *testing.T, err error, code string, fields ...string) *hotel.Error {
	t.Helper()
	if got := hotel.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
	var he *hotel.Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v is not a *hotel.Error", err)
	}
	var names []string
	for _, f := range he.Fields {
		names = append(names, f.Field)
	}
	for _, f := range fields {
		if !slices.Contains(names, f) {
			t.Fatalf("error %v names fields %v, want %q among them", err, names, f)
		}
	}
	return he
}

// nights returns the nights [from, from+n) of room type rt, each held
// count times: what Env.Held reports for them.
func nights(rt int64, from, n, count int) map[bookingtest.Night]int {
	m := map[bookingtest.Night]int{}
	for i := range n {
		m[bookingtest.Night{RoomTypeID: rt, Date: bookingtest.Day(from + i)}] = count
	}
	return m
}

// merge adds the counts of every map into one, dropping zeros.
func merge(ms ...map[bookingtest.Night]int) map[bookingtest.Night]int {
	out := map[bookingtest.Night]int{}
	for _, m := range ms {
		for n, c := range m {
			out[n] += c
			if out[n] == 0 {
				delete(out, n)
			}
		}
	}
	return out
}

// checkHeld fails t unless the inventory holds exactly want.
func checkHeld(t *testing.T, e *bookingtest.Env, want map[bookingtest.Night]int) {
	t.Helper()
	got := e.Held(t)
	var diffs []string
	for n, w := range want {
		if got[n] != w {
			diffs = append(diffs, fmt.Sprintf("%s: held %d, want %d", n, got[n], w))
		}
	}
	for n, g := range got {
		if _, ok := want[n]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: held %d, want 0", n, g))
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		t.Fatalf("held nights differ:\n%s", strings.Join(diffs, "\n"))
	}
}

// prices returns the fixture's nightly prices of rt for n nights from day
// from, and their total.
func prices(rt int64, from, n int) ([]hotel.NightPrice, hotel.Cents) {
	var ps []hotel.NightPrice
	var total hotel.Cents
	for i := range n {
		p := bookingtest.Price(rt, from+i)
		ps = append(ps, hotel.NightPrice{Date: bookingtest.Day(from + i), Price: p})
		total += p
	}
	return ps, total
}

// checkStay fails t unless b is a stay of rt for n nights from day from,
// priced as the fixture prices it.
func checkStay(t *testing.T, b *hotel.Booking, rt int64, from, n int) {
	t.Helper()
	ps, total := prices(rt, from, n)
	if b.RoomTypeID != rt || b.ArrivalDate != bookingtest.Day(from) || b.StayLength != n ||
		b.CheckOutDate != bookingtest.Day(from+n) {
		t.Fatalf("booking stay = room type %d, %s + %d nights (check-out %s); want room type %d, %s + %d (check-out %s)",
			b.RoomTypeID, b.ArrivalDate, b.StayLength, b.CheckOutDate, rt, bookingtest.Day(from), n, bookingtest.Day(from+n))
	}
	if !equalNights(b.NightlyPrices, ps) || b.RoomPrice != ps[0].Price || b.TotalPrice != total {
		t.Fatalf("booking prices = room %d, nights %v, total %d; want room %d, nights %v, total %d",
			b.RoomPrice, b.NightlyPrices, b.TotalPrice, ps[0].Price, ps, total)
	}
}

func equalNights(a, b []hotel.NightPrice) bool {
	return slices.EqualFunc(a, b, func(x, y hotel.NightPrice) bool { return x.Date == y.Date && x.Price == y.Price })
}

// same fails t unless a and b are the same booking in every field but
// Version, UpdatedAt and AccessToken.
func same(t *testing.T, got, want hotel.Booking) {
	t.Helper()
	got.Version, want.Version = 0, 0
	got.AccessToken, want.AccessToken = "", ""
	got.UpdatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	got.CreatedAt, want.CreatedAt = got.CreatedAt.UTC(), want.CreatedAt.UTC()
	// Terms are compared when want has them (a want built by hand has
	// none: the booking's own are checked where they matter).
	gt, _ := json.Marshal(got.Terms)
	wt, _ := json.Marshal(want.Terms)
	if want.Terms != nil && string(gt) != string(wt) {
		t.Fatalf("terms changed:\n got %s\nwant %s", gt, wt)
	}
	got.Terms, want.Terms = nil, nil
	// So are the terms shown (a booking read from the store has none).
	shownOf := func(b hotel.Booking) string {
		j, _ := json.Marshal([]any{b.CancellationQuote, b.Guarantee, b.PriceBreakdown})
		return string(j)
	}
	if want.PriceBreakdown != nil && got.PriceBreakdown != nil && shownOf(got) != shownOf(want) {
		t.Fatalf("terms shown changed:\n got %s\nwant %s", shownOf(got), shownOf(want))
	}
	got.CancellationQuote, got.Guarantee, got.PriceBreakdown = nil, nil, nil
	want.CancellationQuote, want.Guarantee, want.PriceBreakdown = nil, nil, nil
	g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want)
	if g != w {
		t.Fatalf("booking changed:\n got %s\nwant %s", g, w)
	}
}

// recoverLater moves the clock past RecoverAfter (default 1 minute) and
// runs a recovery pass.
//
// The report leaves out HoldsConfirmed: every create's hold is confirmed by
// the first pass after it (TestCreateSameInEveryMode counts them), which
// says nothing about what a fault left behind.
func recoverLater(t *testing.T, e *bookingtest.Env) booking.Report {
	t.Helper()
	e.Clock.Add(2 * time.Minute)
	rep, err := e.Service.Recover(context.Background())
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	rep.HoldsConfirmed = 0
	return rep
}

func ptr[T any](v T) *T { return &v }
