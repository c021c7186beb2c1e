package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testBookings is the conformance suite of store.Bookings.
func testBookings(t *testing.T, h Harness) {
	t.Run("InsertGet", func(t *testing.T) { t.Parallel(); testBookingInsertGet(t, h) })
	t.Run("InsertRefused", func(t *testing.T) { t.Parallel(); testBookingInsertRefused(t, h) })
	t.Run("ListFilters", func(t *testing.T) { t.Parallel(); testBookingListFilters(t, h) })
	t.Run("ListPage200", func(t *testing.T) { t.Parallel(); testBookingListPage200(t, h) })
	t.Run("Update", func(t *testing.T) { t.Parallel(); testBookingUpdate(t, h) })
	t.Run("UpdateRefused", func(t *testing.T) { t.Parallel(); testBookingUpdateRefused(t, h) })
	t.Run("Transitions", func(t *testing.T) { t.Parallel(); testBookingTransitions(t, h) })
	t.Run("Rooms", func(t *testing.T) { t.Parallel(); testBookingRooms(t, h) })
	t.Run("ConcurrentUpdate", func(t *testing.T) { t.Parallel(); testBookingConcurrentUpdate(t, h) })
	t.Run("SyncPending", func(t *testing.T) { t.Parallel(); testBookingSyncPending(t, h) })
	t.Run("Idempotency", func(t *testing.T) { t.Parallel(); testIdempotency(t, h) })
	t.Run("IdempotencyExpiry", func(t *testing.T) { t.Parallel(); testIdempotencyExpiry(t, h) })
	t.Run("IdempotencyPurge", func(t *testing.T) { t.Parallel(); testIdempotencyPurge(t, h) })
	t.Run("IdempotencyConcurrent", func(t *testing.T) { t.Parallel(); testIdempotencyConcurrent(t, h) })
}

// bookingUUID returns a lowercase UUIDv7 whose timestamp is n milliseconds
// after a fixed instant, so ids of larger n sort after (as created).
func bookingUUID(n int) string {
	ms := uint64(0x0190_0000_0000) + uint64(n)
	return fmt.Sprintf("%08x-%04x-7000-8000-%012x", ms>>16, ms&0xffff, n)
}

// confirmationCode returns booking n's confirmation code.
func confirmationCode(n int) string { return fmt.Sprintf("BK%06d", n) }

// tokenHash is the access token hash stored with booking id.
func tokenHash(id string) []byte {
	h := sha256.Sum256([]byte("token of " + id))
	return h[:]
}

// sampleBooking returns booking n of room type rt of f: every field set, a
// distinct price per night, as the store returns it (names included, no
// access token, no version or timestamps yet).
func sampleBooking(f Fixture, n int, rt int64, arrival hotel.Date, nights int, status string) hotel.Booking {
	r := f.roomType(rt)
	ho := f.findHotel(r.HotelID)
	b := hotel.Booking{
		ID: bookingUUID(n), ConfirmationCode: confirmationCode(n),
		HotelID: ho.ID, HotelName: ho.Name, RoomTypeID: rt, RoomType: r.Name,
		GuestName: fmt.Sprintf("Guest Nº %d", n), ArrivalDate: arrival, StayLength: nights, CheckOutDate: arrival.AddDays(nights),
		Adults: 1 + n%2, Children: n % 3, MealPlan: "BB", MarketSegment: "Online TA", BookingChannel: "TA/TO",
		IsWeekend: hotel.WeekendNight(arrival, nights), IsHoliday: n%2 == 0, Currency: ho.Currency, Status: status,
	}
	for i := range nights {
		b.NightlyPrices = append(b.NightlyPrices, hotel.NightPrice{Date: arrival.AddDays(i), Price: hotel.Cents(10007 + 100*int64(n) + 11*int64(i))})
	}
	reprice(&b)
	return b
}

// reprice sets RoomPrice and TotalPrice from b's nightly prices.
func reprice(b *hotel.Booking) {
	b.RoomPrice, b.TotalPrice = 0, 0
	for i, n := range b.NightlyPrices {
		if i == 0 {
			b.RoomPrice = n.Price
		}
		b.TotalPrice += n.Price
	}
}

// insertBooking inserts b (with an access token, which is never stored)
// and checks what InsertBooking sets; it returns b as GetBooking must return it.
func insertBooking(t *testing.T, s store.Store, b hotel.Booking) hotel.Booking {
	t.Helper()
	b.AccessToken = "bk_secret_" + b.ID
	before := time.Now().Add(-time.Second)
	if err := s.InsertBooking(context.Background(), &b, tokenHash(b.ID)); err != nil {
		t.Fatalf("InsertBooking(%s): %v", b.ID, err)
	}
	if b.Version != 1 || b.CreatedAt.Before(before) || !b.UpdatedAt.Equal(b.CreatedAt) || !b.CreatedAt.Equal(b.CreatedAt.Truncate(time.Microsecond)) {
		t.Fatalf("InsertBooking(%s) set version %d, created_at %v, updated_at %v; want 1 and equal current microsecond timestamps",
			b.ID, b.Version, b.CreatedAt, b.UpdatedAt)
	}
	b.AccessToken = ""
	return b
}

// insertBookings inserts bs in order and returns them as stored, keyed by id.
func insertBookings(t *testing.T, s store.Store, bs ...hotel.Booking) map[string]hotel.Booking {
	t.Helper()
	out := make(map[string]hotel.Booking, len(bs))
	for _, b := range bs {
		out[b.ID] = insertBooking(t, s, b)
	}
	return out
}

// bookingDiff describes how got differs from want, field by field; "" when
// they agree (timestamps by instant, nil and empty NightlyPrices alike).
func bookingDiff(got, want hotel.Booking) string {
	var b strings.Builder
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		var same bool
		switch g := g.(type) {
		case time.Time:
			same = g.Equal(w.(time.Time))
		case []hotel.NightPrice:
			same = slices.Equal(g, w.([]hotel.NightPrice))
		default:
			same = reflect.DeepEqual(g, w)
		}
		if !same {
			fmt.Fprintf(&b, "\n\t%s = %v, want %v", gv.Type().Field(i).Name, g, w)
		}
	}
	return b.String()
}

// getBooking fails t unless GetBooking(want.ID) returns want.
func getBooking(t *testing.T, s store.Store, what string, want hotel.Booking) {
	t.Helper()
	got, err := s.GetBooking(context.Background(), want.ID)
	if err != nil {
		t.Fatalf("%s: GetBooking(%s): %v", what, want.ID, err)
	}
	if d := bookingDiff(got, want); d != "" {
		t.Fatalf("%s: GetBooking(%s) differs:%s", what, want.ID, d)
	}
}

// wantBookings fails t unless got are exactly want, in order.
func wantBookings(t *testing.T, what string, got, want []hotel.Booking) {
	t.Helper()
	ids := func(bs []hotel.Booking) []string {
		out := make([]string, len(bs))
		for i, b := range bs {
			out[i] = b.ID
		}
		return out
	}
	if !slices.Equal(ids(got), ids(want)) {
		t.Fatalf("%s: got bookings %v\n\twant %v", what, ids(got), ids(want))
	}
	for i, g := range got { // same length: the ids are equal
		if d := bookingDiff(g, want[i]); d != "" { //nolint:gosec // len(want) == len(got), checked above
			t.Fatalf("%s: booking %s differs:%s", what, g.ID, d)
		}
	}
}

// wantErr fails t unless err wraps sentinel.
func wantErr(t *testing.T, what string, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: error %v, want %q", what, err, sentinel)
	}
}

func testBookingInsertGet(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)

	// Every field, a weekend, a holiday, a price beyond float precision.
	full := sampleBooking(f, 1, 1001, hotel.NewDate(2030, 1, 4), 3, hotel.StatusConfirmed) // Fri..Sun nights
	full.NightlyPrices[2].Price = 123456789                                                // 1,234,567.89
	full.IsHoliday = true
	reprice(&full)
	if !full.IsWeekend || !full.IsHoliday || full.Children == 0 {
		t.Fatalf("sample booking does not cover weekend, holiday and children: %+v", full)
	}
	// Pending, without prices or optional fields, in the other hotel.
	bare := sampleBooking(f, 2, 1002, hotel.NewDate(2030, 1, 7), 2, hotel.StatusPending)
	bare.MealPlan, bare.MarketSegment, bare.BookingChannel = "", "", ""
	bare.NightlyPrices, bare.IsWeekend, bare.IsHoliday, bare.SyncPending = nil, false, false, true
	reprice(&bare)
	// Completed by an early departure.
	left := sampleBooking(f, 3, 1003, hotel.NewDate(2030, 2, 1), 4, hotel.StatusCompleted)
	left.DepartedOn = hotel.NewDate(2030, 2, 3)

	stored := insertBookings(t, s, full, bare, left)
	for _, b := range stored {
		getBooking(t, s, "after insert", b)
		hash, err := s.BookingAccessHash(ctx, b.ID)
		if err != nil || !slices.Equal(hash, tokenHash(b.ID)) {
			t.Fatalf("BookingAccessHash(%s) = %x, %v; want %x", b.ID, hash, err, tokenHash(b.ID))
		}
	}
	got, err := s.GetBooking(ctx, full.ID)
	if err != nil || got.TotalPrice.String() != "1236.6F" && got.TotalPrice != full.TotalPrice || got.RoomPrice != full.NightlyPrices[0].Price {
		t.Fatalf("GetBooking = %+v, %v; want total %s, room price %s", got, err, full.TotalPrice, full.NightlyPrices[0].Price)
	}
	if len(got.NightlyPrices) != 3 || got.NightlyPrices[2].Price.String() != "1234567.89" {
		t.Fatalf("nightly prices = %v, want the third exactly 1234567.89", got.NightlyPrices)
	}
	for _, id := range []string{bookingUUID(99), "not-a-uuid", ""} {
		if b, err := s.GetBooking(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetBooking(%q) = %+v, %v; want ErrNotFound", id, b, err)
		}
		if err := s.SetBookingAccessHash(ctx, id, tokenHash("x")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SetBookingAccessHash(%q) = %v; want ErrNotFound", id, err)
		}
	}
	// A new token replaces the old one; the booking is otherwise unchanged.
	if err := s.SetBookingAccessHash(ctx, full.ID, tokenHash("rotated")); err != nil {
		t.Fatal(err)
	}
	if hash, err := s.BookingAccessHash(ctx, full.ID); err != nil || !slices.Equal(hash, tokenHash("rotated")) {
		t.Fatalf("after SetBookingAccessHash: %x, %v", hash, err)
	}
	getBooking(t, s, "after a new token", stored[full.ID])
}

func testBookingInsertRefused(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	base := insertBooking(t, s, sampleBooking(f, 1, 1000, day(3), 2, hotel.StatusConfirmed))

	refused := []struct {
		name     string
		change   func(b *hotel.Booking)
		sentinel error
	}{
		{"taken id", func(b *hotel.Booking) { b.ID = base.ID }, store.ErrConflict},
		{"taken confirmation code", func(b *hotel.Booking) { b.ConfirmationCode = base.ConfirmationCode }, store.ErrConflict},
		{"unknown hotel", func(b *hotel.Booking) { b.HotelID = 999 }, store.ErrNotFound},
		{"unknown room type", func(b *hotel.Booking) { b.RoomTypeID = 5555 }, store.ErrNotFound},
		{"room type of another hotel", func(b *hotel.Booking) { b.RoomTypeID = 1002 }, store.ErrNotFound},
		{"check-out not arrival + stay", func(b *hotel.Booking) { b.CheckOutDate = b.CheckOutDate.AddDays(1) }, store.ErrConflict},
		{"night given twice", func(b *hotel.Booking) { b.NightlyPrices[1].Date = b.NightlyPrices[0].Date }, store.ErrConflict},
		{"negative price", func(b *hotel.Booking) { b.NightlyPrices[1].Price = -1 }, store.ErrConflict},
	}
	for _, tc := range refused {
		b := sampleBooking(f, 2, 1000, day(5), 2, hotel.StatusConfirmed)
		tc.change(&b)
		err := s.InsertBooking(ctx, &b, nil)
		wantErr(t, "InsertBooking with "+tc.name, err, tc.sentinel)
	}
	// Nothing of the refused inserts is left: no row, no night.
	all, err := s.ListBookings(ctx, hotel.BookingFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "bookings after refused inserts", all, []hotel.Booking{base})
	if _, err := s.GetBooking(ctx, bookingUUID(2)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused insert left booking %s behind: %v", bookingUUID(2), err)
	}
	// The refused id and code are free for a valid insert.
	insertBooking(t, s, sampleBooking(f, 2, 1000, day(5), 2, hotel.StatusConfirmed))
}

// listSpec is booking n of the listing tests: room type, arrival day, nights, status.
var listSpec = []struct {
	rt      int64
	arrival int
	nights  int
	status  string
}{
	1:  {1000, 0, 2, hotel.StatusConfirmed},
	2:  {1001, 3, 1, hotel.StatusPending},
	3:  {1002, 3, 4, hotel.StatusConfirmed},
	4:  {1000, 5, 2, hotel.StatusCancelled},
	5:  {1003, 7, 1, hotel.StatusConfirmed},
	6:  {1000, 3, 3, hotel.StatusCompleted},
	7:  {1001, 10, 2, hotel.StatusFailed},
	8:  {1002, 0, 1, hotel.StatusConfirmed},
	9:  {1000, 9, 5, hotel.StatusConfirmed},
	10: {1003, 2, 2, hotel.StatusPending},
	11: {1001, 4, 1, hotel.StatusConfirmed},
	12: {1000, 10, 1, hotel.StatusConfirmed},
}

func testBookingListFilters(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	// Inserted out of id order: the listing follows ids, not insertion.
	stored := map[int]hotel.Booking{}
	for _, n := range []int{7, 2, 12, 1, 9, 4, 11, 3, 10, 6, 5, 8} {
		sp := listSpec[n]
		stored[n] = insertBooking(t, s, sampleBooking(f, n, sp.rt, day(sp.arrival), sp.nights, sp.status))
	}
	want := func(ns ...int) []hotel.Booking {
		out := make([]hotel.Booking, len(ns))
		for i, n := range ns {
			out[i] = stored[n]
		}
		return out
	}
	tests := []struct {
		name   string
		filter hotel.BookingFilter
		want   []hotel.Booking
	}{
		{"all", hotel.BookingFilter{}, want(12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)},
		{"hotel", hotel.BookingFilter{HotelID: 100}, want(12, 11, 9, 7, 6, 4, 2, 1)},
		{"other hotel", hotel.BookingFilter{HotelID: 101}, want(10, 8, 5, 3)},
		{"unknown hotel", hotel.BookingFilter{HotelID: 999}, want()},
		{"status", hotel.BookingFilter{Status: hotel.StatusConfirmed}, want(12, 11, 9, 8, 5, 3, 1)},
		{"hotel and status", hotel.BookingFilter{HotelID: 100, Status: hotel.StatusConfirmed}, want(12, 11, 9, 1)},
		{"arrival range inclusive", hotel.BookingFilter{ArrivalFrom: day(3), ArrivalTo: day(5)}, want(11, 6, 4, 3, 2)},
		{"arrival single day", hotel.BookingFilter{ArrivalFrom: day(3), ArrivalTo: day(3)}, want(6, 3, 2)},
		{"arrival open end", hotel.BookingFilter{ArrivalFrom: day(10)}, want(12, 7)},
		{"arrival open start", hotel.BookingFilter{ArrivalTo: day(0)}, want(8, 1)},
		{"arrival empty range", hotel.BookingFilter{ArrivalFrom: day(6), ArrivalTo: day(6)}, want()},
		{"confirmation code", hotel.BookingFilter{ConfirmationCode: confirmationCode(5)}, want(5)},
		{"unknown confirmation code", hotel.BookingFilter{ConfirmationCode: "BK999999"}, want()},
		{"sql in code", hotel.BookingFilter{ConfirmationCode: "x' OR '1'='1"}, want()},
		{"everything", hotel.BookingFilter{HotelID: 101, Status: hotel.StatusPending, ArrivalFrom: day(2), ArrivalTo: day(2), ConfirmationCode: confirmationCode(10)}, want(10)},
		{"hotel set", hotel.BookingFilter{HotelIDs: []int64{100}}, want(12, 11, 9, 7, 6, 4, 2, 1)},
		{"hotel set of two", hotel.BookingFilter{HotelIDs: []int64{101, 100}, Status: hotel.StatusPending}, want(10, 2)},
		{"hotel set unknown", hotel.BookingFilter{HotelIDs: []int64{999}}, want()},
		{"departure range inclusive", hotel.BookingFilter{DepartureFrom: day(4), DepartureTo: day(5)}, want(11, 10, 2)},
		{"departure open end", hotel.BookingFilter{DepartureFrom: day(12)}, want(9, 7)},
		{"guest name, any case", hotel.BookingFilter{GuestName: "guest nº 1"}, want(12, 11, 10, 1)},
		{"guest name, upper case", hotel.BookingFilter{GuestName: "GUEST", HotelID: 101}, want(10, 8, 5, 3)},
		{"guest name wildcard is literal", hotel.BookingFilter{GuestName: "%"}, want()},
		{"guest name underscore is literal", hotel.BookingFilter{GuestName: "Guest_"}, want()},
		{"before id", hotel.BookingFilter{BeforeID: bookingUUID(7)}, want(6, 5, 4, 3, 2, 1)},
		{"before id and hotel", hotel.BookingFilter{HotelID: 100, BeforeID: bookingUUID(7)}, want(6, 4, 2, 1)},
		{"before the first", hotel.BookingFilter{BeforeID: bookingUUID(1)}, want()},
		{"limit", hotel.BookingFilter{Limit: 3}, want(12, 11, 10)},
		{"limit 0", hotel.BookingFilter{Limit: -1}, want()},
	}
	for _, tc := range tests {
		if tc.filter.Limit == 0 {
			tc.filter.Limit = 100
		} else if tc.filter.Limit < 0 {
			tc.filter.Limit = 0
		}
		got, err := s.ListBookings(ctx, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		wantBookings(t, "ListBookings "+tc.name, got, tc.want)
	}
	// Pages of 5, then of 3 within a filter, join to the whole listing.
	for _, pf := range []hotel.BookingFilter{{Limit: 5}, {HotelID: 100, Limit: 3}} {
		var paged []hotel.Booking
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not terminate")
			}
			page, err := s.ListBookings(ctx, pf)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
			if len(page) < pf.Limit {
				break
			}
			pf.BeforeID = page[len(page)-1].ID
		}
		all := pf
		all.Limit, all.BeforeID = 100, ""
		whole, err := s.ListBookings(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		wantBookings(t, fmt.Sprintf("pages of %d joined", pf.Limit), paged, whole)
	}
}

func testBookingListPage200(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	const n = 200
	all := make([]hotel.Booking, 0, n)
	for i := n; i >= 1; i-- {
		b := sampleBooking(f, i, 1000+int64(i%4), day(i%30), 1+i%5, hotel.StatusConfirmed)
		all = append(all, insertBooking(t, s, b)) // newest id first
	}
	got, err := s.ListBookings(ctx, hotel.BookingFilter{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "a page of 200", got, all)
	got, err = s.ListBookings(ctx, hotel.BookingFilter{Limit: 10 * n})
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "a page larger than the bookings", got, all)
	first, err := s.ListBookings(ctx, hotel.BookingFilter{Limit: 150})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := s.ListBookings(ctx, hotel.BookingFilter{Limit: 150, BeforeID: first[len(first)-1].ID})
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "pages of 150 joined", append(first, rest...), all)
}

func testBookingUpdate(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	b := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 3, hotel.StatusConfirmed))
	created := b.CreatedAt

	// A modification: every mutable field; night 2 keeps its price, night 3
	// is re-priced, night 1 goes, nights 4 and 5 come.
	old := b.NightlyPrices
	b.GuestName, b.RoomTypeID, b.RoomType = "Ada Lovelace", 1001, "Deluxe Rooms"
	b.ArrivalDate, b.StayLength, b.CheckOutDate = day(2), 4, day(6)
	b.Adults, b.Children = 3, 0
	b.IsWeekend = hotel.WeekendNight(day(2), 4)
	b.NightlyPrices = []hotel.NightPrice{old[1], {Date: day(3), Price: old[2].Price + 1}, {Date: day(4), Price: 20001}, {Date: day(5), Price: 20002}}
	b.SyncPending = true
	reprice(&b)
	// The caller's clock stamps the change (to the microsecond).
	stamp := created.Add(90*time.Minute + 1234*time.Nanosecond)
	b.UpdatedAt = stamp
	if err := s.UpdateBooking(ctx, &b, false); err != nil {
		t.Fatalf("UpdateBooking: %v", err)
	}
	if b.Version != 2 || !b.UpdatedAt.Equal(stamp.Truncate(time.Microsecond)) || !b.CreatedAt.Equal(created) {
		t.Fatalf("after UpdateBooking: version %d, created %v, updated %v; want 2, created unchanged, updated %v", b.Version, b.CreatedAt, b.UpdatedAt, stamp)
	}
	getBooking(t, s, "after the modification", b)

	// Cancel: status only; the nights stay.
	b.Status, b.SyncPending = hotel.StatusCancelled, false
	if err := s.UpdateBooking(ctx, &b, true); err != nil || b.Version != 3 {
		t.Fatalf("cancel: version %d, %v; want 3, nil", b.Version, err)
	}
	getBooking(t, s, "after cancelling", b)

	// Early departure: completed, departed_on set, later nights dropped.
	c := insertBooking(t, s, sampleBooking(f, 2, 1002, day(0), 5, hotel.StatusConfirmed))
	c.Status, c.DepartedOn, c.NightlyPrices = hotel.StatusCompleted, day(2), c.NightlyPrices[:2]
	reprice(&c)
	if err := s.UpdateBooking(ctx, &c, false); err != nil || c.Version != 2 {
		t.Fatalf("early departure: version %d, %v; want 2, nil", c.Version, err)
	}
	getBooking(t, s, "after the early departure", c)

	// A pending booking fails: no nights at all.
	p := insertBooking(t, s, sampleBooking(f, 3, 1003, day(0), 2, hotel.StatusPending))
	p.Status, p.NightlyPrices = hotel.StatusFailed, nil
	reprice(&p)
	if err := s.UpdateBooking(ctx, &p, false); err != nil {
		t.Fatalf("pending → failed: %v", err)
	}
	getBooking(t, s, "after failing", p)

	// A pending booking gets its prices on confirmation.
	q := sampleBooking(f, 4, 1003, day(0), 2, hotel.StatusPending)
	priced := q.NightlyPrices
	q.NightlyPrices = nil
	reprice(&q)
	q = insertBooking(t, s, q)
	q.Status, q.NightlyPrices = hotel.StatusConfirmed, priced
	reprice(&q)
	if err := s.UpdateBooking(ctx, &q, false); err != nil {
		t.Fatalf("pending → confirmed with prices: %v", err)
	}
	getBooking(t, s, "after confirming", q)
}

func testBookingUpdateRefused(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	stored := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 3, hotel.StatusConfirmed))
	b := stored
	b.GuestName = "First Writer"
	if err := s.UpdateBooking(ctx, &b, false); err != nil {
		t.Fatal(err)
	}
	stored = b

	refused := []struct {
		name     string
		change   func(b *hotel.Booking)
		sentinel error
	}{
		{"an old version", func(b *hotel.Booking) { b.Version = 1 }, store.ErrConflict},
		{"a future version", func(b *hotel.Booking) { b.Version = 3 }, store.ErrConflict},
		{"an unknown id", func(b *hotel.Booking) { b.ID = bookingUUID(99) }, store.ErrNotFound},
		{"an id that is not a UUID", func(b *hotel.Booking) { b.ID = "not-a-uuid" }, store.ErrNotFound},
		{"a check-out not arrival + stay", func(b *hotel.Booking) { b.StayLength++ }, store.ErrConflict},
		{"a night given twice", func(b *hotel.Booking) { b.NightlyPrices[2].Date = b.NightlyPrices[0].Date }, store.ErrConflict},
		{"a room type of another hotel", func(b *hotel.Booking) { b.RoomTypeID = 1002 }, store.ErrConflict},
		{"a forbidden transition", func(b *hotel.Booking) { b.Status = hotel.StatusPending }, store.ErrConflict},
	}
	for _, tc := range refused {
		b := stored
		b.NightlyPrices = slices.Clone(stored.NightlyPrices)
		b.GuestName, b.SyncPending = "Second Writer", true
		tc.change(&b)
		version := b.Version
		err := s.UpdateBooking(ctx, &b, false)
		wantErr(t, "UpdateBooking with "+tc.name, err, tc.sentinel)
		if b.Version != version {
			t.Fatalf("refused UpdateBooking with %s changed b.Version from %d to %d", tc.name, version, b.Version)
		}
		getBooking(t, s, "after UpdateBooking with "+tc.name, stored)
	}
}

func testBookingTransitions(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	statuses := hotel.Statuses
	allowed := map[[2]string]bool{
		{hotel.StatusPending, hotel.StatusConfirmed}:   true,
		{hotel.StatusPending, hotel.StatusFailed}:      true,
		{hotel.StatusConfirmed, hotel.StatusCheckedIn}: true,
		{hotel.StatusConfirmed, hotel.StatusCompleted}: true,
		{hotel.StatusConfirmed, hotel.StatusCancelled}: true,
		{hotel.StatusConfirmed, hotel.StatusNoShow}:    true,
		{hotel.StatusCheckedIn, hotel.StatusCompleted}: true,
	}
	n := 0
	for _, from := range statuses {
		for _, to := range statuses {
			n++
			stored := insertBooking(t, s, sampleBooking(f, n, 1000, day(n), 1, from))
			b := stored
			b.Status, b.GuestName = to, "Changed Name"
			// What each status records is written with it (store.BookingOutcome).
			at := time.Date(2027, 3, 1, 9, 30, 0, 123000, time.UTC)
			switch to {
			case hotel.StatusCheckedIn:
				b.CheckedInAt = at
			case hotel.StatusCancelled:
				b.CancelledAt, b.CancellationCharge = at, hotel.Cents(1000+n)
			case hotel.StatusNoShow:
				b.NoShowFee = hotel.Cents(2000 + n)
			}
			err := s.UpdateBooking(ctx, &b, false)
			what := fmt.Sprintf("%s → %s", from, to)
			if from == to || allowed[[2]string{from, to}] {
				if err != nil {
					t.Fatalf("%s: %v; want allowed", what, err)
				}
				getBooking(t, s, what, b)
				continue
			}
			wantErr(t, what+" (forbidden)", err, store.ErrConflict)
			getBooking(t, s, what+" refused", stored)
		}
	}
}

func testBookingConcurrentUpdate(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	stored := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 3, hotel.StatusConfirmed))
	// Round 1: 20 modifications of version 1. Round 2: modifications,
	// cancellations and check-outs of version 2.
	for round := 1; round <= 2; round++ {
		const racers = 20
		results := make([]hotel.Booking, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			b := stored
			b.GuestName = fmt.Sprintf("Racer %d of round %d", i, round)
			b.NightlyPrices = slices.Clone(stored.NightlyPrices)
			b.NightlyPrices[0].Price += hotel.Cents(i)
			if round == 2 {
				b.Status = []string{hotel.StatusConfirmed, hotel.StatusCancelled, hotel.StatusCompleted}[i%3]
			}
			reprice(&b)
			wg.Go(func() {
				errs[i] = s.UpdateBooking(ctx, &b, stored.SyncPending)
				results[i] = b
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: racers %d and %d both updated version %d", round, winner, i, stored.Version)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("round %d: racer %d: %v, want ErrConflict", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no racer won", round)
		}
		if results[winner].Version != stored.Version+1 {
			t.Fatalf("round %d: winner at version %d, want %d", round, results[winner].Version, stored.Version+1)
		}
		stored = results[winner]
		getBooking(t, s, fmt.Sprintf("after round %d", round), stored)
	}
}

func testBookingSyncPending(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	pending := map[int]bool{1: true, 2: false, 3: true, 4: true, 5: false, 6: true}
	bs := map[int]hotel.Booking{}
	for n := 1; n <= 6; n++ {
		b := sampleBooking(f, n, 1000+int64(n%4), day(n), 2, hotel.StatusPending)
		b.SyncPending = pending[n]
		bs[n] = insertBooking(t, s, b)
	}
	// Booking 1 is updated last (still pending); booking 3 is settled.
	for _, n := range []int{3, 1} {
		b := bs[n]
		b.Status, b.SyncPending = hotel.StatusConfirmed, n == 1
		b.UpdatedAt = time.Now()
		if err := s.UpdateBooking(ctx, &b, pending[n]); err != nil {
			t.Fatal(err)
		}
		bs[n] = b
	}
	// Expected: bookings 1, 4 and 6 by (updated_at, id) as stored.
	var want []hotel.Booking
	for _, n := range []int{1, 4, 6} {
		want = append(want, bs[n])
	}
	slices.SortFunc(want, func(a, b hotel.Booking) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if want[2].ID != bs[1].ID && !want[2].UpdatedAt.Equal(bs[1].UpdatedAt) {
		t.Fatalf("booking 1 was updated last but is not latest: %v", want)
	}
	later := bs[1].UpdatedAt.Add(time.Hour)
	got, err := s.SyncPendingBookings(ctx, later, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "SyncPendingBookings(all)", got, want)
	got, err = s.SyncPendingBookings(ctx, later, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "SyncPendingBookings(limit 2)", got, want[:2])
	// before is exclusive: cutting at a booking's updated_at leaves it out.
	cut := want[1].UpdatedAt
	var older []hotel.Booking
	for _, b := range want {
		if b.UpdatedAt.Before(cut) {
			older = append(older, b)
		}
	}
	got, err = s.SyncPendingBookings(ctx, cut, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantBookings(t, "SyncPendingBookings(before the second)", got, older)
	for what, before := range map[string]time.Time{"before any": bs[1].CreatedAt.Add(-time.Hour), "at the first": want[0].UpdatedAt} {
		got, err = s.SyncPendingBookings(ctx, before, 100)
		if err != nil || len(got) != 0 {
			t.Fatalf("SyncPendingBookings(%s) = %d bookings, %v; want none", what, len(got), err)
		}
	}
	if got, err = s.SyncPendingBookings(ctx, later, 0); err != nil || len(got) != 0 {
		t.Fatalf("SyncPendingBookings(limit 0) = %d bookings, %v; want none", len(got), err)
	}
	// Bookings 1, 4 and 6 are still marked; the oldest update is want[0]'s.
	if oldest, ok, err := s.OldestUnsettled(ctx); err != nil || !ok || !oldest.Equal(want[0].UpdatedAt) {
		t.Fatalf("OldestUnsettled = %v, %v, %v; want %v, true", oldest, ok, err, want[0].UpdatedAt)
	}
	// Settling it leaves the next oldest; settling all leaves none.
	for i, b := range want {
		if err := s.SetSyncPending(ctx, b.ID, b.Version, false, b.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		oldest, ok, err := s.OldestUnsettled(ctx)
		if i+1 < len(want) && (err != nil || !ok || !oldest.Equal(want[i+1].UpdatedAt)) {
			t.Fatalf("OldestUnsettled after settling %d = %v, %v, %v; want %v, true", i+1, oldest, ok, err, want[i+1].UpdatedAt)
		}
		if i+1 == len(want) && (err != nil || ok || !oldest.IsZero()) {
			t.Fatalf("OldestUnsettled with none marked = %v, %v, %v; want zero, false, nil", oldest, ok, err)
		}
	}
}

// Idempotency records. t0 is a fixed "now" the claims pass as CreatedAt, so
// expiry and staleness are exact without waiting.
var t0 = time.Date(2030, 1, 1, 12, 0, 0, 123456000, time.UTC)

func requestHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// claim returns a claim of (scope, key) for request req made at at, valid a day.
func claim(scope, key, req string, at time.Time) store.IdempotencyRecord {
	return store.IdempotencyRecord{Scope: scope, Key: key, RequestHash: requestHash(req), ResourceID: bookingUUID(len(req)),
		CreatedAt: at, ExpiresAt: at.Add(24 * time.Hour)}
}

// begin fails t unless BeginIdempotent(rec, staleBefore) claims (when
// wantClaimed) or returns exactly want.
func begin(t *testing.T, s store.Store, what string, rec store.IdempotencyRecord, staleBefore time.Time, wantClaimed bool, want store.IdempotencyRecord) {
	t.Helper()
	got, claimed, err := s.BeginIdempotent(context.Background(), rec, staleBefore)
	if err != nil {
		t.Fatalf("%s: BeginIdempotent: %v", what, err)
	}
	if wantClaimed {
		if !claimed || got != nil {
			t.Fatalf("%s: BeginIdempotent = %+v, %v; want nil, true (claimed)", what, got, claimed)
		}
		return
	}
	if claimed || got == nil {
		t.Fatalf("%s: BeginIdempotent = %+v, %v; want the existing record, false", what, got, claimed)
	}
	if d := recordDiff(*got, want); d != "" {
		t.Fatalf("%s: BeginIdempotent returned a record that differs:%s", what, d)
	}
}

// recordDiff describes how got differs from want; "" when they agree.
func recordDiff(got, want store.IdempotencyRecord) string {
	var b strings.Builder
	field := func(name string, same bool, g, w any) {
		if !same {
			fmt.Fprintf(&b, "\n\t%s = %v, want %v", name, g, w)
		}
	}
	field("Scope", got.Scope == want.Scope, got.Scope, want.Scope)
	field("Key", got.Key == want.Key, got.Key, want.Key)
	field("RequestHash", slices.Equal(got.RequestHash, want.RequestHash), got.RequestHash, want.RequestHash)
	field("ResourceID", got.ResourceID == want.ResourceID, got.ResourceID, want.ResourceID)
	field("Done", got.Done == want.Done, got.Done, want.Done)
	field("Status", got.Status == want.Status, got.Status, want.Status)
	field("Body", slices.Equal(got.Body, want.Body), string(got.Body), string(want.Body))
	field("CreatedAt", got.CreatedAt.Equal(want.CreatedAt), got.CreatedAt, want.CreatedAt)
	field("ExpiresAt", got.ExpiresAt.Equal(want.ExpiresAt), got.ExpiresAt, want.ExpiresAt)
	return b.String()
}

// finished returns rec as FinishIdempotent(status, body) leaves it.
func finished(rec store.IdempotencyRecord, status int, body string) store.IdempotencyRecord {
	rec.Done, rec.Status, rec.Body = true, status, []byte(body)
	return rec
}

func testIdempotency(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	const scope = "key:7 POST /bookings/"
	notStale := t0.Add(-time.Hour)

	first := claim(scope, "k1", "body A", t0)
	begin(t, s, "a new key", first, notStale, true, store.IdempotencyRecord{})
	begin(t, s, "the same request again", claim(scope, "k1", "body A", t0.Add(time.Second)), notStale, false, first)
	begin(t, s, "another request with the key", claim(scope, "k1", "body B", t0.Add(time.Second)), notStale, false, first)
	begin(t, s, "the key in another scope", claim("key:8 POST /bookings/", "k1", "body A", t0), notStale, true, store.IdempotencyRecord{})
	noResource := claim(scope, "k2", "body C", t0)
	noResource.ResourceID = ""
	begin(t, s, "another key", noResource, notStale, true, store.IdempotencyRecord{})
	begin(t, s, "another key again", noResource, notStale, false, noResource)

	// Finish, then every duplicate gets the response.
	body := `{"booking_id":"` + bookingUUID(1) + `","total_price":"918.00"}`
	if err := s.FinishIdempotent(ctx, scope, "k1", 201, []byte(body)); err != nil {
		t.Fatalf("FinishIdempotent: %v", err)
	}
	done := finished(first, 201, body)
	begin(t, s, "after finishing", claim(scope, "k1", "body A", t0.Add(time.Minute)), notStale, false, done)
	if err := s.FinishIdempotent(ctx, scope, "unknown", 201, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FinishIdempotent(unknown key) = %v, want ErrNotFound", err)
	}
	// A finished record is never stale, and abandoning it changes nothing.
	begin(t, s, "finished, far past the stale bound", claim(scope, "k1", "body A", t0.Add(time.Hour)), t0.Add(time.Hour), false, done)
	if err := s.AbandonIdempotent(ctx, scope, "k1"); err != nil {
		t.Fatalf("AbandonIdempotent(finished): %v", err)
	}
	begin(t, s, "after abandoning a finished record", claim(scope, "k1", "body A", t0.Add(time.Minute)), notStale, false, done)

	// Abandon an in-flight claim: the key is free again.
	if err := s.AbandonIdempotent(ctx, scope, "k2"); err != nil {
		t.Fatalf("AbandonIdempotent: %v", err)
	}
	begin(t, s, "after abandoning", claim(scope, "k2", "body D", t0.Add(time.Minute)), notStale, true, store.IdempotencyRecord{})
	begin(t, s, "the new claim", claim(scope, "k2", "body E", t0.Add(time.Minute)), notStale, false, claim(scope, "k2", "body D", t0.Add(time.Minute)))
	if err := s.AbandonIdempotent(ctx, scope, "unknown"); err != nil {
		t.Fatalf("AbandonIdempotent(unknown key) = %v, want nil", err)
	}

	// An expiry is required.
	noExpiry := claim(scope, "k3", "body", t0)
	noExpiry.ExpiresAt = time.Time{}
	if _, _, err := s.BeginIdempotent(ctx, noExpiry, notStale); err == nil {
		t.Fatal("BeginIdempotent accepted a record without an expiry")
	}
}

func testIdempotencyExpiry(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	const scope = "key:7 PATCH /bookings/x"
	notStale := t0.Add(-time.Hour)

	// A finished record that expires after one hour.
	rec := claim(scope, "k", "body A", t0)
	rec.ExpiresAt = t0.Add(time.Hour)
	begin(t, s, "claim", rec, notStale, true, store.IdempotencyRecord{})
	if err := s.FinishIdempotent(ctx, scope, "k", 200, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	begin(t, s, "a microsecond before expiry", claim(scope, "k", "body B", rec.ExpiresAt.Add(-time.Microsecond)), notStale, false, finished(rec, 200, "{}"))
	renewed := claim(scope, "k", "body B", rec.ExpiresAt)
	begin(t, s, "at expiry", renewed, notStale, true, store.IdempotencyRecord{})
	begin(t, s, "after the takeover", claim(scope, "k", "body C", rec.ExpiresAt), notStale, false, renewed)

	// An in-flight claim is taken over once it started before staleBefore.
	inFlight := claim(scope, "f", "body A", t0)
	begin(t, s, "claim in flight", inFlight, notStale, true, store.IdempotencyRecord{})
	later := claim(scope, "f", "body B", t0.Add(time.Minute))
	begin(t, s, "in flight since exactly staleBefore", later, t0, false, inFlight)
	begin(t, s, "stale", later, t0.Add(time.Microsecond), true, store.IdempotencyRecord{})
	begin(t, s, "after the stale takeover", claim(scope, "f", "body C", t0.Add(time.Minute)), t0.Add(time.Microsecond), false, later)
}

func testIdempotencyPurge(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	const scope = "key:7 DELETE /bookings/x"
	notStale := t0.Add(-time.Hour)
	recs := map[string]store.IdempotencyRecord{}
	for i := range 6 {
		key := fmt.Sprintf("k%d", i)
		rec := claim(scope, key, "body", t0)
		rec.ExpiresAt = t0.Add(time.Duration(i) * time.Hour)
		recs[key] = rec
		begin(t, s, "claim "+key, rec, notStale, true, store.IdempotencyRecord{})
		if i%2 == 0 {
			if err := s.FinishIdempotent(ctx, scope, key, 201, []byte(key)); err != nil {
				t.Fatal(err)
			}
			recs[key] = finished(rec, 201, key)
		}
	}
	// Expired strictly before t0+3h: k0, k1, k2 (done or not).
	n, err := s.PurgeIdempotent(ctx, t0.Add(3*time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("PurgeIdempotent = %d, %v; want 3, nil", n, err)
	}
	if n, err := s.PurgeIdempotent(ctx, t0.Add(3*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PurgeIdempotent again = %d, %v; want 0, nil", n, err)
	}
	// A purged key is new again (claimed at a time it would not have expired
	// by); the others are still there.
	for i := range 6 {
		key := fmt.Sprintf("k%d", i)
		begin(t, s, "after purging, "+key, claim(scope, key, "body", t0), notStale, i < 3, recs[key])
	}
}

func testIdempotencyConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	const scope = "key:7 POST /bookings/"
	const racers = 20
	// race has racers claim (scope, key) at at with distinct requests and
	// checks that exactly one wins and every other sees the winner's claim.
	race := func(what, key string, at, staleBefore time.Time) {
		t.Helper()
		recs := make([]store.IdempotencyRecord, racers)
		got := make([]*store.IdempotencyRecord, racers)
		claimed := make([]bool, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			recs[i] = claim(scope, key, fmt.Sprintf("%s racer %d", what, i), at)
			wg.Go(func() { got[i], claimed[i], errs[i] = s.BeginIdempotent(ctx, recs[i], staleBefore) })
		}
		wg.Wait()
		winner := -1
		for i := range racers {
			switch {
			case errs[i] != nil:
				t.Fatalf("%s: racer %d: %v", what, i, errs[i])
			case claimed[i] && winner >= 0:
				t.Fatalf("%s: racers %d and %d both claimed the key", what, winner, i)
			case claimed[i]:
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("%s: no racer claimed the key", what)
		}
		for i := range racers {
			if i == winner {
				continue
			}
			if got[i] == nil {
				t.Fatalf("%s: racer %d lost without the existing record", what, i)
			}
			if d := recordDiff(*got[i], recs[winner]); d != "" {
				t.Fatalf("%s: racer %d saw a record other than the winner's:%s", what, i, d)
			}
		}
	}
	notStale := t0.Add(-time.Hour)
	race("a new key", "k", t0, notStale)
	// The winner's claim is in flight since t0: stale for a bound after t0.
	race("a stale claim", "k", t0.Add(time.Hour), t0.Add(time.Minute))
	if err := s.FinishIdempotent(ctx, scope, "k", 201, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	// The finished record expires a day after t0+1h.
	race("an expired record", "k", t0.Add(25*time.Hour), notStale)
}

// testBookingRooms: the further rooms of a booking of several rooms are
// rows of their own (GroupID, RoomNo), read with their booking by
// BookingRooms and never listed as bookings; a room number is taken once
// per booking, and a room of no booking is refused.
func testBookingRooms(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 5)
	s := loaded(t, h, f)
	lead := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 2, hotel.StatusConfirmed))
	alone := insertBooking(t, s, sampleBooking(f, 2, 1001, day(1), 1, hotel.StatusConfirmed))
	room := func(n, no int, rt int64) hotel.Booking {
		b := sampleBooking(f, n, rt, day(1), 2, hotel.StatusConfirmed)
		b.GroupID, b.RoomNo = lead.ID, no
		b.ConfirmationCode = fmt.Sprintf("%s-%d", lead.ConfirmationCode, no)
		return b
	}
	cancelledRoom := room(4, 3, 1001)
	cancelledRoom.Status = hotel.StatusCancelled
	third := insertBooking(t, s, cancelledRoom) // inserted out of order
	second := insertBooking(t, s, room(3, 2, 1000))
	getBooking(t, s, "room 2", second)

	dup := room(5, 2, 1000)
	dup.ConfirmationCode = "BKDUP-2"
	if err := s.InsertBooking(ctx, &dup, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second room 2 = %v, want ErrConflict", err)
	}
	orphan := room(6, 2, 1000)
	orphan.GroupID, orphan.ConfirmationCode = bookingUUID(99), "BKORPHAN-2"
	if err := s.InsertBooking(ctx, &orphan, nil); err == nil {
		t.Fatal("a room of a booking that does not exist was stored")
	}

	listed, err := s.ListBookings(ctx, hotel.BookingFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[0].ID != alone.ID || listed[1].ID != lead.ID {
		t.Fatalf("ListBookings = %d bookings (%v…), want the two bookings without their rooms", len(listed), listed)
	}
	// A booking has a status when any of its rooms has it.
	for status, want := range map[string][]string{
		hotel.StatusCancelled: {lead.ID}, hotel.StatusConfirmed: {alone.ID, lead.ID}, hotel.StatusCompleted: nil,
	} {
		got, err := s.ListBookings(ctx, hotel.BookingFilter{Status: status, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range got {
			ids = append(ids, b.ID)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("ListBookings(status %s) = %v, want %v", status, ids, want)
		}
	}
	rooms, err := s.BookingRooms(ctx, []string{lead.ID, alone.ID, "not-a-uuid"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rooms) != 1 || len(rooms[lead.ID]) != 2 {
		t.Fatalf("BookingRooms = %v, want lead's two rooms", rooms)
	}
	for i, want := range []hotel.Booking{second, third} {
		if d := bookingDiff(rooms[lead.ID][i], want); d != "" || rooms[lead.ID][i].RoomNo != want.RoomNo || rooms[lead.ID][i].GroupID != lead.ID {
			t.Fatalf("room %d: %s (room %d of %q)", want.RoomNo, d, rooms[lead.ID][i].RoomNo, rooms[lead.ID][i].GroupID)
		}
	}
	all, err := s.GetBookingRooms(ctx, lead.ID)
	if err != nil || len(all) != 3 || all[0].ID != lead.ID || all[1].ID != second.ID || all[2].ID != third.ID {
		t.Fatalf("GetBookingRooms(lead) = %d rows, %v", len(all), err)
	}
	if d := bookingDiff(all[1], second); d != "" {
		t.Fatalf("GetBookingRooms room 2: %s", d)
	}
	if got, err := s.GetBookingRooms(ctx, alone.ID); err != nil || len(got) != 1 || got[0].ID != alone.ID {
		t.Fatalf("GetBookingRooms(alone) = %v, %v", got, err)
	}
	for _, id := range []string{second.ID, bookingUUID(98), "not-a-uuid"} {
		if _, err := s.GetBookingRooms(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetBookingRooms(%s) = %v, want ErrNotFound", id, err)
		}
	}
	if got, err := s.GetBooking(ctx, lead.ID); err != nil || got.GroupID != "" || got.RoomNo != 1 {
		t.Fatalf("the booking itself: group %q, room %d, %v", got.GroupID, got.RoomNo, err)
	}
}
