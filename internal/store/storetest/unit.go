package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// heldBooking is booking n of room type rt of the inventory fixture's hotel
// 100 over days [in, out), confirmed and not yet priced, as a create
// records it once its hold is taken.
func heldBooking(f Fixture, n int, rt int64, in, out int) hotel.Booking {
	b := sampleBooking(f, n, rt, day(in), out-in, hotel.StatusConfirmed)
	b.NightlyPrices, b.RoomPrice, b.TotalPrice, b.Currency = nil, 0, 0, ""
	return b
}

// createHeld is a create as the booking service makes it all-in-one: the
// hold of b's stay, then b priced by it, in one unit of work.
func createHeld(ctx context.Context, s store.Store, b *hotel.Booking, at time.Time) (hotel.Hold, error) {
	var h hotel.Hold
	var priced hotel.Booking
	err := s.Atomically(ctx, func(ctx context.Context) error {
		var err error
		h, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: b.ID, HotelID: b.HotelID, RoomTypeID: b.RoomTypeID,
			CheckIn: b.ArrivalDate, CheckOut: b.CheckOutDate, At: at})
		if err != nil {
			return err
		}
		priced = *b
		priced.PriceBy(&h)
		return s.InsertBooking(ctx, &priced, tokenHash(b.ID))
	})
	if err == nil {
		*b = priced
	}
	return h, err
}

// testUnitOfWork: the hold of a stay and its booking in one unit of work —
// both or neither — and a unit that a failed write has spoilt never commits.
func testUnitOfWork(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 6, func(n *hotel.Night) { n.Held = 10 }) // sold out
	s := loaded(t, h, f)
	at := time.Now()

	b := heldBooking(f, 1, 1000, 1, 4)
	want := f.wantHold(b.ID, 1000, day(1), day(4))
	got, err := createHeld(ctx, s, &b, at)
	if err != nil {
		t.Fatalf("hold and booking in one unit: %v", err)
	}
	checkHold(t, "the unit's hold", got, want)
	getHold(t, s, b.ID, want)
	if b.Version != 1 || b.TotalPrice != want.TotalPrice || b.RoomPrice != want.Nights[0].Price || b.Currency != "GBP" || len(b.NightlyPrices) != 3 {
		t.Fatalf("booking of the unit = %+v; want version 1, priced by the hold %+v", b, want)
	}
	getBooking(t, s, "after the unit", b)
	wantAvailable(t, s, "after the unit", 100, 1000, 0, 10, 9, 9, 9, 10)

	// Refusals write nothing: no booking, no hold, no night taken.
	before := inventory(t, s)
	soldOut := heldBooking(f, 2, 1000, 4, 8)
	_, err = createHeld(ctx, s, &soldOut, at)
	wantNightsError(t, "a unit over a sold-out night", err, store.ErrConflict, day(6))
	if soldOut.TotalPrice != 0 || soldOut.Version != 0 {
		t.Fatalf("a refused unit changed the booking: %+v", soldOut)
	}
	for what, refused := range map[string]func(b *hotel.Booking){
		"a booking id in use":       func(nb *hotel.Booking) { nb.ID = b.ID },
		"a confirmation code taken": func(nb *hotel.Booking) { nb.ConfirmationCode = b.ConfirmationCode },
	} {
		nb := heldBooking(f, 3, 1001, 2, 4)
		refused(&nb)
		_, err := createHeld(ctx, s, &nb, at)
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a unit with %s: %v, want ErrConflict", what, err)
		}
	}
	unchanged(t, s, before, "refused units")
	for _, n := range []int{2, 3} {
		noHold(t, s, bookingUUID(n))
		if _, err := s.GetBooking(ctx, bookingUUID(n)); err == nil {
			t.Fatalf("a refused unit left booking %d behind", n)
		}
	}
	getBooking(t, s, "after the refusals", b)

	// A write that failed spoils the unit even if fn carries on regardless.
	spoilt := heldBooking(f, 4, 1001, 1, 3)
	err = s.Atomically(ctx, func(ctx context.Context) error {
		_, _, _ = s.CreateHold(ctx, hotel.HoldRequest{BookingID: spoilt.ID, HotelID: 100, RoomTypeID: 1000, CheckIn: day(5), CheckOut: day(7), At: at})
		return s.InsertBooking(ctx, &spoilt, nil)
	})
	if err == nil {
		t.Fatal("a unit whose hold failed committed its booking")
	}
	noHold(t, s, spoilt.ID)
	if _, err := s.GetBooking(ctx, spoilt.ID); err == nil {
		t.Fatal("a spoilt unit left its booking behind")
	}
	unchanged(t, s, before, "a spoilt unit")

	// No write, no transaction: fn's own error comes back; nested units join.
	errOwn := errors.New("own")
	if err := s.Atomically(ctx, func(context.Context) error { return errOwn }); !errors.Is(err, errOwn) {
		t.Fatalf("a unit without writes returned %v, want fn's error", err)
	}
	nested := heldBooking(f, 5, 1001, 5, 6)
	err = s.Atomically(ctx, func(ctx context.Context) error {
		return s.Atomically(ctx, func(ctx context.Context) error {
			if _, err := createHeld(ctx, s, &nested, at); err != nil {
				return err
			}
			return errOwn // the outer unit rolls the inner one's writes back
		})
	})
	if !errors.Is(err, errOwn) {
		t.Fatalf("nested units returned %v, want fn's error", err)
	}
	noHold(t, s, nested.ID)
	unchanged(t, s, before, "a nested unit rolled back")

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
			if _, err := createHeld(ctx, s2, &nb, at); err != nil {
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

// testHoldConfirmation: holds are made unconfirmed, stamped with the
// caller's clock; UnconfirmedHolds lists them oldest first before a time;
// ConfirmHolds takes them off the list, once.
func testHoldConfirmation(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	t0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 4 {
		id := bookingUUID(20 + i)
		ids = append(ids, id)
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 100, RoomTypeID: 1000,
			CheckIn: day(i), CheckOut: day(i + 1), At: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(before time.Time, limit int) []string {
		t.Helper()
		hs, err := s.UnconfirmedHolds(ctx, before, limit)
		if err != nil {
			t.Fatalf("UnconfirmedHolds: %v", err)
		}
		var out []string
		for _, h := range hs {
			checkHold(t, "UnconfirmedHolds", h, f.wantHold(h.BookingID, 1000, h.CheckIn, h.CheckIn.AddDays(1)))
			out = append(out, h.BookingID)
		}
		return out
	}
	if got := list(t0.Add(time.Hour), 10); !slices.Equal(got, ids) {
		t.Fatalf("UnconfirmedHolds = %v, want %v (oldest first)", got, ids)
	}
	// The oldest unsettled item is the first unconfirmed hold, older than
	// any booking mark.
	oldest := func(want time.Time, wantOK bool) {
		t.Helper()
		got, ok, err := s.OldestUnsettled(ctx)
		if err != nil || ok != wantOK || !got.Equal(want) {
			t.Fatalf("OldestUnsettled = %v, %v, %v; want %v, %v", got, ok, err, want, wantOK)
		}
	}
	oldest(t0, true)
	// before is exclusive, and limit bounds the list.
	if got := list(t0.Add(2*time.Minute), 10); !slices.Equal(got, ids[:2]) {
		t.Fatalf("UnconfirmedHolds(before the third) = %v, want %v", got, ids[:2])
	}
	if got := list(t0.Add(time.Hour), 1); !slices.Equal(got, ids[:1]) {
		t.Fatalf("UnconfirmedHolds(limit 1) = %v, want %v", got, ids[:1])
	}
	n, err := s.ConfirmHolds(ctx, []string{ids[0], ids[2], bookingUUID(99), "not-a-uuid"}, t0)
	if err != nil || n != 2 {
		t.Fatalf("ConfirmHolds = %d, %v; want 2 confirmed", n, err)
	}
	if n, err := s.ConfirmHolds(ctx, []string{ids[0]}, t0); err != nil || n != 0 {
		t.Fatalf("ConfirmHolds again = %d, %v; want 0", n, err)
	}
	if n, err := s.ConfirmHolds(ctx, nil, t0); err != nil || n != 0 {
		t.Fatalf("ConfirmHolds(nil) = %d, %v; want 0", n, err)
	}
	if got := list(t0.Add(time.Hour), 10); !slices.Equal(got, []string{ids[1], ids[3]}) {
		t.Fatalf("UnconfirmedHolds after confirming = %v, want %v", got, []string{ids[1], ids[3]})
	}
	oldest(t0.Add(time.Minute), true)
	if n, err := s.ConfirmHolds(ctx, []string{ids[1], ids[3]}, t0); err != nil || n != 2 {
		t.Fatalf("ConfirmHolds of the rest = %d, %v; want 2", n, err)
	}
	oldest(time.Time{}, false)
}

// testSyncMark: SetSyncPending claims and clears a booking's mark without a
// new version; UpdateBooking refuses a mark other than the one expected;
// BookingStatuses answers for many ids at once.
func testSyncMark(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(100, 1)
	s := loaded(t, h, f)
	b := insertBooking(t, s, sampleBooking(f, 1, 1000, day(1), 3, hotel.StatusConfirmed))
	at := b.CreatedAt.Add(time.Minute)
	if err := s.SetSyncPending(ctx, b.ID, 1, true, at); err != nil {
		t.Fatalf("claim: %v", err)
	}
	b.SyncPending, b.UpdatedAt = true, at
	getBooking(t, s, "after the claim", b)
	// A second claim of the same version loses; so does an old version.
	wantErr(t, "a second claim", s.SetSyncPending(ctx, b.ID, 1, true, at), store.ErrConflict)
	wantErr(t, "a claim of another version", s.SetSyncPending(ctx, b.ID, 2, false, at), store.ErrConflict)
	wantErr(t, "a claim of an unknown booking", s.SetSyncPending(ctx, bookingUUID(99), 1, true, at), store.ErrNotFound)
	// A writer that expects no mark loses to the claim; its holder wins.
	other := b
	other.GuestName, other.SyncPending = "Other Writer", false
	wantErr(t, "an update expecting no mark", s.UpdateBooking(ctx, &other, false), store.ErrConflict)
	if other.Version != 1 {
		t.Fatalf("a refused update changed the version to %d", other.Version)
	}
	getBooking(t, s, "after the refused update", b)
	b.GuestName = "Claim Holder"
	if err := s.UpdateBooking(ctx, &b, true); err != nil || b.Version != 2 {
		t.Fatalf("the claim holder's update: version %d, %v; want 2", b.Version, err)
	}
	// Clearing the mark is no new version either.
	b.SyncPending = true
	if err := s.UpdateBooking(ctx, &b, false); err == nil {
		t.Fatal("an update expecting no mark succeeded on a marked booking")
	}
	if err := s.SetSyncPending(ctx, b.ID, 2, false, at.Add(time.Minute)); err != nil {
		t.Fatalf("clear: %v", err)
	}
	b.SyncPending, b.UpdatedAt = false, at.Add(time.Minute).UTC().Truncate(time.Microsecond)
	getBooking(t, s, "after clearing the mark", b)

	c := insertBooking(t, s, sampleBooking(f, 2, 1000, day(2), 1, hotel.StatusConfirmed))
	c.Status = hotel.StatusCancelled
	if err := s.UpdateBooking(ctx, &c, false); err != nil {
		t.Fatal(err)
	}
	got, err := s.BookingStatuses(ctx, []string{b.ID, bookingUUID(99), c.ID, "not-a-uuid"})
	if err != nil {
		t.Fatalf("BookingStatuses: %v", err)
	}
	want := map[string]string{b.ID: hotel.StatusConfirmed, c.ID: hotel.StatusCancelled}
	if !maps.Equal(got, want) {
		t.Fatalf("BookingStatuses = %v, want %v", got, want)
	}
	if got, err := s.BookingStatuses(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("BookingStatuses(nil) = %v, %v", got, err)
	}
}
