package booking_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// noShowPolicy sets the no-show policy of London Standard's default plan:
// one night's fee, the later nights released.
func noShowPolicy(t *testing.T, e *bookingtest.Env) {
	t.Helper()
	ctx := context.Background()
	plans, err := e.Local.ListRatePlans(ctx, bookingtest.London)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.RoomTypeID == bookingtest.LondonStandard && p.Default {
			p.NoShow = hotel.NoShowPolicy{Fee: hotel.Fee{Nights: 1}, ReleaseLaterNights: true}
			if err := e.Local.UpdateRatePlan(ctx, &p); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCheckIn(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		b := mustCreate(t, e, standard(2, 3, "Arriving Ariadne"))
		// Before the arrival day (hotel-local): refused, nothing changes.
		e.Clock.Set(t, "2030-01-02T23:59:00Z") // day 1 in London
		if _, err := e.Service.CheckIn(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("CheckIn before the arrival day = %v, want ECONFLICT", err)
		}
		e.Clock.Set(t, "2030-01-03T15:00:00Z") // the arrival day
		if _, err := e.Service.CheckIn(desk, b.ID, b.Version+1); hotel.ErrorCode(err) != hotel.EPRECONDITION {
			t.Fatalf("CheckIn with a stale version = %v, want EPRECONDITION", err)
		}
		c, err := e.Service.CheckIn(desk, b.ID, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != hotel.StatusCheckedIn || !c.CheckedInAt.Equal(e.Clock.Now()) || c.Version != b.Version+1 || c.CancellationQuote != nil {
			t.Fatalf("checked in: status %s at %v, version %d, quote %v", c.Status, c.CheckedInAt, c.Version, c.CancellationQuote)
		}
		if got := get(t, e, b.ID); got.Status != hotel.StatusCheckedIn || !got.CheckedInAt.Equal(c.CheckedInAt) {
			t.Fatalf("stored: %s at %v", got.Status, got.CheckedInAt)
		}
		// In house: no second check-in, no cancellation, no change of stay.
		if _, err := e.Service.CheckIn(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("second CheckIn = %v, want ECONFLICT", err)
		}
		if _, err := e.Service.Cancel(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("Cancel of a checked-in stay = %v, want ECONFLICT", err)
		}
		// The nights stay held; the guest checks out early on day 3.
		e.CheckInventory(t)
		e.Clock.Set(t, "2030-01-04T10:00:00Z")
		out, err := e.Service.CheckOut(desk, b.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != hotel.StatusCompleted || out.DepartedOn != bookingtest.Day(3) {
			t.Fatalf("checked out: %s, departed %s", out.Status, out.DepartedOn)
		}
		e.CheckInventory(t)
		// After the stay it can no longer be checked in.
		late := mustCreate(t, e, standard(4, 1, "Late Lorcan"))
		e.Clock.Set(t, "2030-01-06T10:00:00Z")
		if _, err := e.Service.CheckIn(desk, late.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("CheckIn after the stay = %v, want ECONFLICT", err)
		}
	})
}

func TestMarkNoShow(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		noShowPolicy(t, e)
		b := mustCreate(t, e, standard(2, 3, "Absent Abelard"))   // 304.00, 305.00, 306.00 as the fixture prices them
		kept := mustCreate(t, e, deluxe(2, 3, "Keeping Kasimir")) // the default policy: no fee, nothing released
		in := mustCreate(t, e, standard(2, 2, "Present Petra"))
		e.Clock.Set(t, "2030-01-03T15:00:00Z")
		if _, err := e.Service.CheckIn(desk, in.ID, 0); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(t, "2030-01-04T13:00:00Z")

		// Two replicas mark the same booking at once: one does.
		second := booking.New(e.Store, e.Faults, booking.Config{}, e.Clock.Now, nil)
		var marked atomic.Int32
		var wg sync.WaitGroup
		due := stored(t, e, b.ID)
		for _, svc := range []*booking.Service{e.Service, second} {
			wg.Go(func() {
				ok, err := svc.MarkNoShow(context.Background(), due)
				if err != nil {
					t.Error(err)
				}
				if ok {
					marked.Add(1)
				}
			})
		}
		wg.Wait()
		if marked.Load() != 1 {
			t.Fatalf("%d replicas marked the no-show, want 1", marked.Load())
		}
		got := get(t, e, b.ID)
		if got.Status != hotel.StatusNoShow || got.NoShowFee != got.NightlyPrices[0].Price || got.DepartedOn != bookingtest.Day(3) {
			t.Fatalf("no-show: %s, fee %s (first night %s), departed_on %s", got.Status, got.NoShowFee, got.NightlyPrices[0].Price, got.DepartedOn)
		}
		// Again: nothing (the job's second run).
		if ok, err := e.Service.MarkNoShow(desk, stored(t, e, b.ID)); ok || err != nil {
			t.Fatalf("MarkNoShow again = %v, %v; want false", ok, err)
		}
		if ok, err := e.Service.MarkNoShow(desk, stored(t, e, kept.ID)); !ok || err != nil {
			t.Fatalf("MarkNoShow(kept) = %v, %v", ok, err)
		}
		if k := get(t, e, kept.ID); k.NoShowFee != 0 || !k.DepartedOn.IsZero() {
			t.Fatalf("no-show without a policy: fee %s, departed_on %s", k.NoShowFee, k.DepartedOn)
		}
		// A guest in house is never a no-show.
		if ok, err := e.Service.MarkNoShow(desk, stored(t, e, in.ID)); ok || err != nil {
			t.Fatalf("MarkNoShow(checked in) = %v, %v; want false", ok, err)
		}
		e.CheckInventory(t) // the first night held, the later ones released; kept's all held
		e.CheckSettled(t)
	})
}
