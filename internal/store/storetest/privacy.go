package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testEraseGuests checks the erasure of guest data: by the retention policy
// (EraseExpiredGuests) and on request (EraseGuest). Only the guest name,
// the access token hash, the version and updated_at change; dates, prices,
// statuses and nights, and so the inventory's counts, do not.
func testEraseGuests(t *testing.T, h Harness) {
	ctx := context.Background()
	f := emptyFixture(320, 10)
	s := loaded(t, h, f)
	rt := int64(3200)
	failed := sampleBooking(f, 5, rt, day(0), 1, hotel.StatusFailed)
	failed.GuestName = "(not recorded)"
	bs := insertBookings(t, s,
		sampleBooking(f, 1, rt, day(1), 2, hotel.StatusCompleted), // out day 3
		sampleBooking(f, 2, rt, day(3), 2, hotel.StatusCompleted), // out day 5
		sampleBooking(f, 3, rt, day(1), 2, hotel.StatusCancelled),
		sampleBooking(f, 4, rt, day(0), 2, hotel.StatusConfirmed), // out day 2, not completed yet
		failed,
		sampleBooking(f, 6, rt, day(0), 2, hotel.StatusCompleted), // out day 2, a change in flight
	)
	pending := bookingUUID(6)
	if err := s.SetSyncPending(ctx, pending, 1, true, bs[pending].UpdatedAt); err != nil {
		t.Fatal(err)
	}
	p := bs[pending]
	p.SyncPending = true
	bs[pending] = p
	driftBefore, err := s.Drift(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}

	at := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	erased := map[string]bool{}
	check := func(what string) {
		t.Helper()
		for id, want := range bs {
			got, err := s.GetBooking(ctx, id)
			if err != nil {
				t.Fatalf("%s: GetBooking(%s): %v", what, id, err)
			}
			hash, err := s.BookingAccessHash(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if erased[id] {
				want.GuestName, want.Version, want.UpdatedAt = store.ErasedGuestName, want.Version+1, at
				if hash != nil {
					t.Errorf("%s: booking %s erased but its access token hash is kept", what, id)
				}
			} else if !slices.Equal(hash, tokenHash(id)) {
				t.Errorf("%s: booking %s not erased but its access token hash changed", what, id)
			}
			if d := bookingDiff(got, want); d != "" {
				t.Errorf("%s: booking %s: %s", what, id, d)
			}
		}
		drift, err := s.Drift(ctx, 1000)
		if err != nil || !slices.Equal(drift, driftBefore) {
			t.Errorf("%s: Drift = %v, %v; want %v as before (the counts are untouched)", what, drift, err, driftBefore)
		}
	}
	erase := func(endedBefore hotel.Date, cancelledBefore time.Time, limit int, want int64) {
		t.Helper()
		n, err := s.EraseExpiredGuests(ctx, endedBefore, cancelledBefore, at, limit)
		if err != nil || n != want {
			t.Fatalf("EraseExpiredGuests(%s, %v, %d) = %d, %v; want %d", endedBefore, cancelledBefore, limit, n, err, want)
		}
	}

	// Nothing ended before day 3; nothing was cancelled an hour ago.
	now := time.Now()
	erase(day(3), now.Add(-time.Hour), 10, 0)
	check("nothing due")
	// Completed with check-out day 3 < day 4: booking 1 (6 is in flight).
	erase(day(4), now.Add(-time.Hour), 10, 1)
	erased[bookingUUID(1)] = true
	check("completed stays")
	// Cancelled and failed bookings updated before an hour from now, a batch of one at a time.
	erase(day(4), now.Add(time.Hour), 1, 1)
	erase(day(4), now.Add(time.Hour), 1, 1)
	erase(day(4), now.Add(time.Hour), 1, 0)
	erased[bookingUUID(3)], erased[bookingUUID(5)] = true, true
	check("cancelled and failed")

	// On request: a confirmed, upcoming booking too; a second time changes nothing.
	for range 2 {
		if err := s.EraseGuest(ctx, bookingUUID(4), at); err != nil {
			t.Fatalf("EraseGuest: %v", err)
		}
		erased[bookingUUID(4)] = true
		check("on request")
	}
	if err := s.EraseGuest(ctx, bookingUUID(1), at.Add(time.Hour)); err != nil {
		t.Fatalf("EraseGuest of an erased booking: %v", err)
	}
	check("on request, erased already")
	if err := s.EraseGuest(ctx, pending, at); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("EraseGuest of a booking in flight = %v, want ErrConflict", err)
	}
	for _, id := range []string{bookingUUID(99), "not-a-uuid"} {
		if err := s.EraseGuest(ctx, id, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("EraseGuest(%s) = %v, want ErrNotFound", id, err)
		}
	}
	check("refusals")
}
