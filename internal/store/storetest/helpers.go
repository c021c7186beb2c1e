package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Helpers shared by the catalogue, search, hold, adjustment and calendar tests.

// newInventoryFixture returns NewFixture(firstID, days) with no room held and
// a price that rises by 1.00 per night after Start, so a stay's total is a sum
// of distinct nightly prices, never first night × length.
func newInventoryFixture(firstID int64, days int) Fixture {
	f := NewFixture(firstID, days)
	for i := range f.Nights {
		f.Nights[i].Held = 0
		f.Nights[i].Price += hotel.Cents(100 * Start.DaysUntil(f.Nights[i].Date))
	}
	return f
}

// day returns the date n days after Start.
func day(n int) hotel.Date { return Start.AddDays(n) }

// days returns the dates of days n, m, … after Start.
func days(ns ...int) []hotel.Date {
	ds := make([]hotel.Date, len(ns))
	for i, n := range ns {
		ds[i] = day(n)
	}
	return ds
}

// bookingID returns a well-formed, distinct booking id (a UUID) for n.
func bookingID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// set changes the fixture night of room type rt on day d.
func (f *Fixture) set(rt int64, d int, change func(n *hotel.Night)) {
	for i := range f.Nights {
		if f.Nights[i].RoomTypeID == rt && f.Nights[i].Date == day(d) {
			change(&f.Nights[i])
			return
		}
	}
	panic(fmt.Sprintf("storetest: fixture has no night %s of room type %d", day(d), rt))
}

// drop removes the fixture night of room type rt on day d.
func (f *Fixture) drop(rt int64, d int) {
	f.Nights = slices.DeleteFunc(f.Nights, func(n hotel.Night) bool { return n.RoomTypeID == rt && n.Date == day(d) })
}

// night returns the fixture night of room type rt on date d.
func (f Fixture) night(rt int64, d hotel.Date) (hotel.Night, bool) {
	for _, n := range f.Nights {
		if n.RoomTypeID == rt && n.Date == d {
			return n, true
		}
	}
	return hotel.Night{}, false
}

func (f Fixture) roomType(rt int64) hotel.RoomType {
	for _, r := range f.RoomTypes {
		if r.ID == rt {
			return r
		}
	}
	panic(fmt.Sprintf("storetest: fixture has no room type %d", rt))
}

func (f Fixture) findHotel(id int64) hotel.Hotel {
	for _, h := range f.Hotels {
		if h.ID == id {
			return h
		}
	}
	panic(fmt.Sprintf("storetest: fixture has no hotel %d", id))
}

// merge joins fixtures with distinct ids into one.
func merge(fs ...Fixture) Fixture {
	var m Fixture
	for _, f := range fs {
		m.Hotels = append(m.Hotels, f.Hotels...)
		m.RoomTypes = append(m.RoomTypes, f.RoomTypes...)
		m.Nights = append(m.Nights, f.Nights...)
	}
	return m
}

// loaded returns a migrated store with f loaded.
func loaded(t *testing.T, h Harness, f Fixture) store.Store {
	t.Helper()
	s := migrated(t, h)
	load(t, s, f)
	return s
}

// wantHold is the hold the fixture's prices give for one room of rt over
// [in, out), as first created.
func (f Fixture) wantHold(id string, rt int64, in, out hotel.Date) hotel.Hold {
	r := f.roomType(rt)
	h := hotel.Hold{
		BookingID: id, HotelID: r.HotelID, RoomTypeID: rt, CheckIn: in, CheckOut: out,
		Status: hotel.HoldHeld, Currency: f.findHotel(r.HotelID).Currency,
	}
	for d := in; d.Before(out); d = d.AddDays(1) {
		n, ok := f.night(rt, d)
		if !ok {
			panic(fmt.Sprintf("storetest: fixture has no night %s of room type %d", d, rt))
		}
		h.Nights = append(h.Nights, hotel.NightPrice{Date: d, Price: n.Price})
		h.TotalPrice += n.Price
	}
	return h
}

// released returns h as a full release leaves it: no nights, status released.
func released(h hotel.Hold) hotel.Hold {
	h.Status, h.Nights, h.TotalPrice = hotel.HoldReleased, nil, 0
	return h
}

// holdDiff describes how got differs from want, ignoring the timestamps
// (which must be set); "" when they agree. Nil and empty Nights are equal.
func holdDiff(got, want hotel.Hold) string {
	var b strings.Builder
	field := func(name string, g, w any) {
		if g != w {
			fmt.Fprintf(&b, "\n\t%s = %v, want %v", name, g, w)
		}
	}
	field("BookingID", got.BookingID, want.BookingID)
	field("HotelID", got.HotelID, want.HotelID)
	field("RoomTypeID", got.RoomTypeID, want.RoomTypeID)
	field("CheckIn", got.CheckIn, want.CheckIn)
	field("CheckOut", got.CheckOut, want.CheckOut)
	field("Status", got.Status, want.Status)
	field("TotalPrice", got.TotalPrice, want.TotalPrice)
	field("Currency", got.Currency, want.Currency)
	if !slices.Equal(got.Nights, want.Nights) {
		fmt.Fprintf(&b, "\n\tNights = %v\n\t  want  %v", got.Nights, want.Nights)
	}
	if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
		fmt.Fprintf(&b, "\n\tCreatedAt %v, UpdatedAt %v: both must be set", got.CreatedAt, got.UpdatedAt)
	}
	return b.String()
}

// checkHold fails t unless got equals want (see holdDiff).
func checkHold(t *testing.T, what string, got, want hotel.Hold) {
	t.Helper()
	if d := holdDiff(got, want); d != "" {
		t.Fatalf("%s: hold differs:%s", what, d)
	}
}

// getHold fails t unless GetHold(id) returns want.
func getHold(t *testing.T, s store.Store, id string, want hotel.Hold) hotel.Hold {
	t.Helper()
	got, err := s.GetHold(context.Background(), id)
	if err != nil {
		t.Fatalf("GetHold(%s): %v", id, err)
	}
	checkHold(t, "GetHold("+id+")", got, want)
	return got
}

// noHold fails t unless GetHold(id) is ErrNotFound.
func noHold(t *testing.T, s store.Store, id string) {
	t.Helper()
	if h, err := s.GetHold(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetHold(%s) = %+v, %v; want ErrNotFound (a refused request must leave no hold)", id, h, err)
	}
}

// nightsErrorDiff describes how err differs from a *store.NightsError that
// wraps sentinel and names exactly want; "" when it does not.
func nightsErrorDiff(err, sentinel error, want []hotel.Date) string {
	var ne *store.NightsError
	switch {
	case err == nil:
		return fmt.Sprintf("succeeded, want *store.NightsError wrapping %q naming %v", sentinel, want)
	case !errors.As(err, &ne):
		return fmt.Sprintf("error %q (%T), want *store.NightsError wrapping %q naming %v", err, err, sentinel, want)
	case !errors.Is(err, sentinel):
		return fmt.Sprintf("NightsError wraps %q, want %q", ne.Err, sentinel)
	case !slices.Equal(ne.Nights, want):
		return fmt.Sprintf("NightsError names nights %v, want exactly %v (ascending)", ne.Nights, want)
	}
	return ""
}

// wantNightsError fails t unless err is a *store.NightsError wrapping
// sentinel and naming exactly the nights want.
func wantNightsError(t *testing.T, what string, err, sentinel error, want ...hotel.Date) {
	t.Helper()
	if d := nightsErrorDiff(err, sentinel, want); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// wantPlainConflict fails t unless err wraps ErrConflict and is not a
// *store.NightsError (a conflict about the request, not about nights).
func wantPlainConflict(t *testing.T, what string, err error) {
	t.Helper()
	var ne *store.NightsError
	if !errors.Is(err, store.ErrConflict) || errors.As(err, &ne) {
		t.Fatalf("%s: error %v, want ErrConflict (not a *store.NightsError)", what, err)
	}
}

// inventory returns every inventory row of the store.
func inventory(t *testing.T, s store.Store) []hotel.InventoryItem {
	t.Helper()
	items, err := s.ListInventory(context.Background(), hotel.InventoryFilter{Limit: 100000})
	if err != nil {
		t.Fatalf("ListInventory: %v", err)
	}
	return items
}

// unchanged fails t unless the inventory is exactly before.
func unchanged(t *testing.T, s store.Store, before []hotel.InventoryItem, what string) {
	t.Helper()
	after := inventory(t, s)
	if slices.Equal(after, before) {
		return
	}
	var b strings.Builder
	for i := range max(len(before), len(after)) {
		switch {
		case i >= len(before):
			fmt.Fprintf(&b, "\n\tnew row %+v", after[i])
		case i >= len(after):
			fmt.Fprintf(&b, "\n\tlost row %+v", before[i])
		case before[i] != after[i]:
			fmt.Fprintf(&b, "\n\twas %+v\n\tnow %+v", before[i], after[i])
		}
	}
	t.Fatalf("%s changed the inventory, want nothing changed:%s", what, b.String())
}

// available returns available_rooms of room type rt of hotel hotelID on the
// n nights from day first; -1 marks a night without inventory.
func available(t *testing.T, s store.Store, hotelID, rt int64, first, n int) []int {
	t.Helper()
	items, err := s.ListInventory(context.Background(), hotel.InventoryFilter{
		HotelID: hotelID, StartDate: day(first), EndDate: day(first + n - 1), Limit: 100000,
	})
	if err != nil {
		t.Fatalf("ListInventory: %v", err)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	for _, it := range items {
		if it.RoomTypeID == rt {
			out[Start.DaysUntil(it.Date)-first] = it.AvailableRooms
		}
	}
	return out
}

// wantAvailable fails t unless available(…) equals want.
func wantAvailable(t *testing.T, s store.Store, what string, hotelID, rt int64, first int, want ...int) {
	t.Helper()
	if got := available(t, s, hotelID, rt, first, len(want)); !slices.Equal(got, want) {
		t.Fatalf("%s: available_rooms of room type %d on the nights from %s = %v, want %v", what, rt, day(first), got, want)
	}
}

// consistent fails t unless the inventory agrees with the holds, through the
// contract alone: every night's held count equals the hold nights recorded
// for it (Drift, with no booking in the store) and the number of holds in
// ids that hold it; every hold holds exactly the nights of its stay while
// held and none once released; no night sells more than capacity +
// allowance (available_rooms never negative).
func consistent(t *testing.T, s store.Store, ids []string) {
	t.Helper()
	ctx := context.Background()
	// Drift leaves out the nights of unconfirmed holds without a booking
	// (creates in flight): confirmed, these holds of no booking all show.
	if _, err := s.ConfirmHolds(ctx, ids, time.Now()); err != nil {
		t.Fatalf("ConfirmHolds: %v", err)
	}
	covering := map[store.NightKey]int{}
	for _, id := range ids {
		h, err := s.GetHold(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("GetHold(%s): %v", id, err)
		}
		var want []hotel.Date
		if h.Status == hotel.HoldHeld {
			want = store.Stay(h.CheckIn, h.CheckOut)
		}
		var got []hotel.Date
		for _, n := range h.Nights {
			got = append(got, n.Date)
			covering[store.NightKey{HotelID: h.HotelID, RoomTypeID: h.RoomTypeID, Date: n.Date}]++
		}
		if !slices.Equal(got, want) {
			t.Fatalf("hold %s (%s, %s..%s) holds nights %v, want %v", id, h.Status, h.CheckIn, h.CheckOut, got, want)
		}
	}
	drift, err := s.Drift(ctx, 1_000_000)
	if err != nil {
		t.Fatalf("Drift: %v", err)
	}
	seen := map[store.NightKey]bool{}
	for _, d := range drift {
		seen[d.NightKey] = true
		if d.Held != d.HoldNights || d.Held != covering[d.NightKey] {
			t.Fatalf("night %s of room type %d: held %d, hold nights %d, holds covering it %d; want all equal",
				d.Date, d.RoomTypeID, d.Held, d.HoldNights, covering[d.NightKey])
		}
	}
	for k, n := range covering {
		if !seen[k] {
			t.Fatalf("night %s of room type %d: %d holds cover it, but Drift does not show it held", k.Date, k.RoomTypeID, n)
		}
	}
	for _, it := range inventory(t, s) {
		if it.AvailableRooms < 0 {
			t.Fatalf("night %s of room type %d is oversold: available_rooms %d", it.Date, it.RoomTypeID, it.AvailableRooms)
		}
	}
}
