package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// holdRequest asks for room type rt of hotel 100 (the inventory fixture's
// London hotel) over days [in, out).
func holdRequest(n int, rt int64, in, out int) hotel.HoldRequest {
	return hotel.HoldRequest{BookingID: bookingID(n), HotelID: 100, RoomTypeID: rt, CheckIn: day(in), CheckOut: day(out)}
}

// createHold fails t unless CreateHold(req) returns the fixture's hold with created=wantCreated.
func createHold(t *testing.T, s store.Store, f Fixture, req hotel.HoldRequest, wantCreated bool) hotel.Hold {
	t.Helper()
	h, created, err := s.CreateHold(context.Background(), req)
	if err != nil || created != wantCreated {
		t.Fatalf("CreateHold(%s, room type %d, %s..%s) = created %v, %v; want created %v, nil",
			req.BookingID, req.RoomTypeID, req.CheckIn, req.CheckOut, created, err, wantCreated)
	}
	checkHold(t, "CreateHold("+req.BookingID+")", h, f.wantHold(req.BookingID, req.RoomTypeID, req.CheckIn, req.CheckOut))
	return h
}

func testHoldCreate(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	req := holdRequest(1, 1000, 1, 4)
	first := createHold(t, s, f, req, true)
	if first.TotalPrice != 30500+30600+30700 || len(first.Nights) != 3 || first.Currency != "GBP" {
		t.Fatalf("hold = %+v; want 3 nights 305.00 + 306.00 + 307.00 = 918.00 GBP", first)
	}
	wantAvailable(t, s, "after the hold", 100, 1000, 0, 10, 9, 9, 9, 10)
	stored := getHold(t, s, req.BookingID, f.wantHold(req.BookingID, 1000, day(1), day(4)))

	// The same request again: the same hold, nothing taken twice.
	again, created, err := s.CreateHold(ctx, req)
	if err != nil || created {
		t.Fatalf("repeated CreateHold = created %v, %v; want created false, nil", created, err)
	}
	checkHold(t, "repeated CreateHold", again, stored)
	if !again.CreatedAt.Equal(stored.CreatedAt) {
		t.Fatalf("repeated CreateHold: created_at %v, stored %v; want the same hold", again.CreatedAt, stored.CreatedAt)
	}
	wantAvailable(t, s, "after the repeated request", 100, 1000, 0, 10, 9, 9, 9, 10)

	// The same id for another request is a conflict and changes nothing.
	before := inventory(t, s)
	for what, other := range map[string]hotel.HoldRequest{
		"other check-out":  holdRequest(1, 1000, 1, 5),
		"other check-in":   holdRequest(1, 1000, 2, 4),
		"other room type":  holdRequest(1, 1001, 1, 4),
		"other hotel":      {BookingID: bookingID(1), HotelID: 101, RoomTypeID: 1002, CheckIn: day(1), CheckOut: day(4)},
		"other everything": holdRequest(1, 1001, 6, 8),
	} {
		_, _, err := s.CreateHold(ctx, other)
		wantPlainConflict(t, "CreateHold with a used booking id and "+what, err)
	}
	unchanged(t, s, before, "CreateHold with a used booking id")
	getHold(t, s, req.BookingID, stored)

	// Another booking on the other room type.
	createHold(t, s, f, holdRequest(2, 1001, 3, 5), true)
	wantAvailable(t, s, "deluxe after its hold", 100, 1001, 2, 11, 10, 10, 11)
	wantAvailable(t, s, "standard after the deluxe hold", 100, 1000, 0, 10, 9, 9, 9, 10)

	for _, id := range []string{bookingID(99), "not-a-uuid"} {
		if _, err := s.GetHold(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetHold(%q) = %v, want ErrNotFound", id, err)
		}
		if _, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(1), CheckOut: day(2)}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("MoveHold(%q) = %v, want ErrNotFound", id, err)
		}
		if _, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ReleaseHold(%q) = %v, want ErrNotFound", id, err)
		}
	}
	consistent(t, s, []string{bookingID(1), bookingID(2)})
}

func testHoldSoldOut(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 1, func(n *hotel.Night) { n.Held = 9 })     // sold out once hold 1 takes it
	f.set(1000, 3, func(n *hotel.Night) { n.Held = 10 })    // sold out by holds
	f.set(1000, 4, func(n *hotel.Night) { n.Held = 9 })     // one room left
	f.set(1000, 5, func(n *hotel.Night) { n.Blocked = 10 }) // sold out by blocks
	f.drop(1000, 7)                                         // no inventory
	s := loaded(t, h, f)
	createHold(t, s, f, holdRequest(1, 1000, 0, 3), true)
	wantAvailable(t, s, "fixture", 100, 1000, 0, 9, 0, 9, 0, 1, 0, 10, -1, 10, 10)

	before := inventory(t, s)
	for _, tc := range []struct {
		req   hotel.HoldRequest
		short []hotel.Date
	}{
		{holdRequest(2, 1000, 2, 6), days(3, 5)},
		{holdRequest(3, 1000, 6, 9), days(7)},
		{holdRequest(4, 1000, 3, 9), days(3, 5, 7)},
		{holdRequest(5, 1000, 7, 8), days(7)},
		{holdRequest(6, 1000, 9, 12), days(10, 11)},
	} {
		_, _, err := s.CreateHold(ctx, tc.req)
		wantNightsError(t, "CreateHold "+tc.req.CheckIn.String()+".."+tc.req.CheckOut.String(), err, store.ErrConflict, tc.short...)
		unchanged(t, s, before, "refused CreateHold")
		noHold(t, s, tc.req.BookingID)
	}
	// A mismatched hotel and room type has no inventory: refused, nothing changed.
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(7), HotelID: 101, RoomTypeID: 1000, CheckIn: day(0), CheckOut: day(1)}); !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreateHold(room type of another hotel) = %v, want ErrConflict or ErrNotFound", err)
	}
	unchanged(t, s, before, "CreateHold with a room type of another hotel")
	noHold(t, s, bookingID(7))

	// A refused id is free for a later request; the last room goes once.
	createHold(t, s, f, holdRequest(2, 1000, 4, 5), true)
	_, _, err := s.CreateHold(ctx, holdRequest(8, 1000, 4, 5))
	wantNightsError(t, "CreateHold of a night just sold out", err, store.ErrConflict, day(4))
	wantAvailable(t, s, "after the last room of day 4", 100, 1000, 0, 9, 0, 9, 0, 0, 0, 10, -1, 10, 10)

	// A move keeps the nights the hold has, even a night now sold out.
	shrunk, err := s.MoveHold(ctx, bookingID(1), hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(1), CheckOut: day(2)})
	if err != nil {
		t.Fatalf("MoveHold onto a sold-out night the hold keeps: %v", err)
	}
	checkHold(t, "MoveHold onto a sold-out night the hold keeps", shrunk, f.wantHold(bookingID(1), 1000, day(1), day(2)))
	wantAvailable(t, s, "after shrinking the stay", 100, 1000, 0, 10, 0, 10, 0, 0, 0, 10, -1, 10, 10)
}

func testHoldMove(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 9, func(n *hotel.Night) { n.Held = 10 }) // sold out
	f.drop(1001, 9)                                      // no inventory
	s := loaded(t, h, f)
	id := bookingID(1)
	move := func(what string, m hotel.HoldMove, want hotel.Hold) hotel.Hold {
		t.Helper()
		got, err := s.MoveHold(ctx, id, m)
		if err != nil {
			t.Fatalf("MoveHold %s: %v", what, err)
		}
		checkHold(t, "MoveHold "+what, got, want)
		return getHold(t, s, id, want)
	}
	createHold(t, s, f, holdRequest(1, 1000, 1, 3), true)
	createHold(t, s, f, holdRequest(2, 1000, 5, 6), true) // a neighbour that must stay put

	move("to other dates", hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(5), CheckOut: day(8)}, f.wantHold(id, 1000, day(5), day(8)))
	wantAvailable(t, s, "standard after moving dates", 100, 1000, 0, 10, 10, 10, 10, 10, 8, 9, 9, 10, 0)

	move("to another room type", hotel.HoldMove{RoomTypeID: 1001, CheckIn: day(5), CheckOut: day(8)}, f.wantHold(id, 1001, day(5), day(8)))
	wantAvailable(t, s, "standard after moving room type", 100, 1000, 0, 10, 10, 10, 10, 10, 9, 10, 10, 10, 0)
	wantAvailable(t, s, "deluxe after moving room type", 100, 1001, 0, 11, 11, 11, 11, 11, 10, 10, 10, 11, -1)

	// Overlapping: days 6 and 7 are kept, not taken again; 5 freed; 8 taken.
	cur := move("to overlapping dates", hotel.HoldMove{RoomTypeID: 1001, CheckIn: day(6), CheckOut: day(9)}, f.wantHold(id, 1001, day(6), day(9)))
	wantAvailable(t, s, "deluxe after the overlapping move", 100, 1001, 0, 11, 11, 11, 11, 11, 11, 10, 10, 10, -1)

	// Moving to where the hold is changes nothing.
	before := inventory(t, s)
	same := move("to where it is", hotel.HoldMove{RoomTypeID: 1001, CheckIn: day(6), CheckOut: day(9)}, cur)
	if !same.CreatedAt.Equal(cur.CreatedAt) || !same.UpdatedAt.Equal(cur.UpdatedAt) {
		t.Fatalf("MoveHold to where it is: created_at %v, updated_at %v; were %v, %v (nothing written)",
			same.CreatedAt, same.UpdatedAt, cur.CreatedAt, cur.UpdatedAt)
	}
	unchanged(t, s, before, "MoveHold to where the hold is")

	// The original request again returns the hold as it is now.
	again, created, err := s.CreateHold(ctx, holdRequest(1, 1000, 1, 3))
	if err != nil || created {
		t.Fatalf("CreateHold(original request of a moved hold) = created %v, %v; want false, nil", created, err)
	}
	checkHold(t, "CreateHold(original request of a moved hold)", again, cur)
	if !again.CreatedAt.Equal(same.CreatedAt) {
		t.Fatalf("CreateHold(original request of a moved hold): created_at %v, stored %v", again.CreatedAt, same.CreatedAt)
	}
	unchanged(t, s, before, "CreateHold repeating the original request of a moved hold")

	// Refused moves leave the hold and every count as they were.
	for _, tc := range []struct {
		what  string
		m     hotel.HoldMove
		short []hotel.Date
	}{
		{"onto a sold-out night", hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(7), CheckOut: day(10)}, days(9)},
		{"onto a night without inventory", hotel.HoldMove{RoomTypeID: 1001, CheckIn: day(7), CheckOut: day(10)}, days(9)},
		{"past the calendar", hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(8), CheckOut: day(12)}, days(9, 10, 11)},
	} {
		_, err := s.MoveHold(ctx, id, tc.m)
		wantNightsError(t, "MoveHold "+tc.what, err, store.ErrConflict, tc.short...)
		unchanged(t, s, before, "refused MoveHold "+tc.what)
		getHold(t, s, id, cur)
	}
	if _, err := s.MoveHold(ctx, bookingID(99), hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(1), CheckOut: day(2)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("MoveHold(unknown booking) = %v, want ErrNotFound", err)
	}
	// A room type the hotel does not have: refused (how, each driver says), nothing changed.
	for _, rt := range []int64{999999, 1002} {
		_, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: rt, CheckIn: day(6), CheckOut: day(8)})
		if !errors.Is(err, store.ErrNotFound) && nightsErrorDiff(err, store.ErrConflict, days(6, 7)) != "" {
			t.Fatalf("MoveHold to room type %d, not of the hotel = %v; want ErrNotFound or a NightsError on every night", rt, err)
		}
		unchanged(t, s, before, "MoveHold to a room type the hotel does not have")
		getHold(t, s, id, cur)
	}

	// A released hold cannot move.
	rel, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{})
	if err != nil {
		t.Fatal(err)
	}
	checkHold(t, "ReleaseHold", rel, released(cur))
	before = inventory(t, s)
	_, err = s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(1), CheckOut: day(3)})
	wantPlainConflict(t, "MoveHold of a released hold", err)
	unchanged(t, s, before, "MoveHold of a released hold")
	getHold(t, s, id, released(cur))
}

func testHoldKeepsPrices(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	id := bookingID(1)
	held := createHold(t, s, f, holdRequest(1, 1000, 1, 4), true)
	price := hotel.Cents(99900)
	if _, err := s.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: 100, RoomTypeID: 1000, StartDate: day(0), EndDate: day(9), Price: &price}); err != nil {
		t.Fatalf("SetCalendar(price): %v", err)
	}
	getHold(t, s, id, f.wantHold(id, 1000, day(1), day(4)))
	// Nights kept by a move keep their price; nights taken get today's.
	got, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 1000, CheckIn: day(2), CheckOut: day(6)})
	if err != nil {
		t.Fatalf("MoveHold: %v", err)
	}
	want := hotel.Hold{
		BookingID: id, HotelID: 100, RoomTypeID: 1000, CheckIn: day(2), CheckOut: day(6), Status: hotel.HoldHeld, Currency: "GBP",
		Nights:     []hotel.NightPrice{held.Nights[1], held.Nights[2], {Date: day(4), Price: price}, {Date: day(5), Price: price}},
		TotalPrice: held.Nights[1].Price + held.Nights[2].Price + 2*price,
	}
	checkHold(t, "MoveHold after a price change", got, want)
	getHold(t, s, id, want)
	consistent(t, s, []string{id})
}

func testHoldRelease(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	release := func(what, id string, r hotel.HoldRelease, want hotel.Hold) {
		t.Helper()
		got, err := s.ReleaseHold(ctx, id, r)
		if err != nil {
			t.Fatalf("ReleaseHold %s: %v", what, err)
		}
		checkHold(t, "ReleaseHold "+what, got, want)
		getHold(t, s, id, want)
	}
	a := createHold(t, s, f, holdRequest(1, 1000, 1, 4), true)
	createHold(t, s, f, holdRequest(2, 1000, 1, 4), true) // shows a second freeing of a's nights
	wantAvailable(t, s, "two holds", 100, 1000, 0, 10, 8, 8, 8, 10)

	release("all", a.BookingID, hotel.HoldRelease{}, released(a))
	wantAvailable(t, s, "after releasing one", 100, 1000, 0, 10, 9, 9, 9, 10)
	first, err := s.GetHold(ctx, a.BookingID)
	if err != nil {
		t.Fatal(err)
	}
	release("all, again", a.BookingID, hotel.HoldRelease{}, released(a))
	if again, _ := s.GetHold(ctx, a.BookingID); !again.UpdatedAt.Equal(first.UpdatedAt) {
		t.Fatalf("ReleaseHold of a released hold wrote it: updated_at %v, was %v", again.UpdatedAt, first.UpdatedAt)
	}
	release("from a date, after a full release", a.BookingID, hotel.HoldRelease{From: day(2)}, released(a))
	wantAvailable(t, s, "after releasing again (freed once)", 100, 1000, 0, 10, 9, 9, 9, 10)
	if _, created, err := s.CreateHold(ctx, holdRequest(1, 1000, 1, 4)); err != nil || created {
		t.Fatalf("CreateHold(request of a released hold) = created %v, %v; want false, nil", created, err)
	}
	getHold(t, s, a.BookingID, released(a))
	wantAvailable(t, s, "after repeating a released hold's request (nothing retaken)", 100, 1000, 0, 10, 9, 9, 9, 10)
	if _, err := s.ReleaseHold(ctx, bookingID(99), hotel.HoldRelease{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ReleaseHold(unknown) = %v, want ErrNotFound", err)
	}

	// Early departure: only the nights from From on are returned, and the
	// stay ends on From.
	c := createHold(t, s, f, holdRequest(3, 1000, 5, 10), true)
	wantAvailable(t, s, "stay of days 5-9", 100, 1000, 4, 10, 9, 9, 9, 9, 9)
	early := f.wantHold(c.BookingID, 1000, day(5), day(7))
	release("from day 7", c.BookingID, hotel.HoldRelease{From: day(7)}, early)
	wantAvailable(t, s, "after departing on day 7", 100, 1000, 4, 10, 9, 9, 10, 10, 10)
	release("from day 7, again", c.BookingID, hotel.HoldRelease{From: day(7)}, early)
	release("from after check-out", c.BookingID, hotel.HoldRelease{From: day(8)}, early)
	wantAvailable(t, s, "after releasing nights no longer held", 100, 1000, 4, 10, 9, 9, 10, 10, 10)
	early = f.wantHold(c.BookingID, 1000, day(5), day(6))
	release("from day 6", c.BookingID, hotel.HoldRelease{From: day(6)}, early)
	wantAvailable(t, s, "after departing on day 6", 100, 1000, 4, 10, 9, 10, 10, 10, 10)
	release("all of the rest", c.BookingID, hotel.HoldRelease{}, released(early))
	wantAvailable(t, s, "after releasing the rest", 100, 1000, 4, 10, 10, 10, 10, 10, 10)

	// From before check-in releases everything; the stay ends where it began.
	d := createHold(t, s, f, holdRequest(4, 1001, 4, 7), true)
	gone := released(d)
	gone.CheckOut = d.CheckIn
	release("from before check-in", d.BookingID, hotel.HoldRelease{From: day(2)}, gone)
	wantAvailable(t, s, "after releasing from before check-in", 100, 1001, 0, 11, 11, 11, 11, 11, 11, 11, 11)
	wantAvailable(t, s, "the other hold", 100, 1000, 0, 10, 9, 9, 9, 10)
	consistent(t, s, []string{bookingID(1), bookingID(2), bookingID(3), bookingID(4)})
}

// testCancelledContext: a call whose context is already cancelled fails
// with context.Canceled and changes nothing.
func testCancelledContext(t *testing.T, h Harness) {
	f := newInventoryFixture(100, 3)
	s := loaded(t, h, f)
	before := inventory(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.CreateHold(ctx, holdRequest(1, 1000, 0, 2)); !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateHold with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := s.LoadARI(ctx, hotel.ARIQuery{HotelIDs: []int64{100}, From: day(0), To: day(1)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("LoadARI with a cancelled context = %v, want context.Canceled", err)
	}
	unchanged(t, s, before, "CreateHold with a cancelled context")
	noHold(t, s, bookingID(1))
}
