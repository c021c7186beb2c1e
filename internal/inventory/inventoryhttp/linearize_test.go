package inventoryhttp_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/store"
)

// TestHoldsLinearizeWithARI: a hold is priced and checked against one
// state of the ARI, never a mix. One goroutine toggles a room type between
// state A (the stay's nights open, a base plan OWN at 80.00) and state B
// (OWN at 160.00, stop-sell on every night) with ApplyARI — prices first,
// restrictions last, in one change — while others hold the stay on OWN or
// the default plan (100.00 throughout) and release it. Every hold taken
// must be priced wholly at A's prices, and every refusal must be the
// stop-sell rule of B on every night. Bounded by a number of
// toggles and a deadline, neither asserted.
func TestHoldsLinearizeWithARI(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			testHoldsLinearizeWithARI(t, migrated(t, d))
		})
	}
}

func testHoldsLinearizeWithARI(t *testing.T, st store.Store) {
	ctx := context.Background()
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
	svc := inventory.NewService(st, func() time.Time { return now })
	h := hotel.Hotel{Name: "Linear", Location: "Linear City", TimeZone: "Europe/Paris", Currency: "EUR"}
	must(t, svc.CreateHotel(ctx, &h))
	rt := hotel.RoomType{HotelID: h.ID, Name: "Twin", MaxOccupancy: 2}
	must(t, svc.CreateRoomType(ctx, &rt))
	bar := fmt.Sprintf("BAR-%d", rt.ID)
	own := hotel.RatePlan{HotelID: h.ID, RoomTypeID: rt.ID, Code: "OWN", Name: "Own prices", MealPlan: "RO", Sellable: true}
	must(t, svc.CreateRatePlan(ctx, &own))

	in, out := hotel.DateOf(now).AddDays(10), hotel.DateOf(now).AddDays(13) // 3 nights
	last := out.AddDays(-1)
	prices := map[bool]map[string]hotel.Cents{ // by stop-sell (state B), plan
		false: {bar: 10_000, "OWN": 8_000},
		true:  {bar: 20_000, "OWN": 16_000},
	}
	// The toggles write the plans' prices night by night, then the
	// stop-sell. With inventory, one toggle also writes the default plan's
	// prices (on the inventory nights, which a write locks); the others
	// write only OWN's prices and the restrictions (rate_night and
	// restriction_night, which a hold reads in statements of their own):
	// only ApplyARI's lock of the nights keeps those from being torn.
	state := func(b bool, key string, inventory bool) *hotel.ARIChange {
		var us []hotel.ARIUpdate
		for d := in; d.Before(out); d = d.AddDays(1) {
			if inventory {
				us = append(us, hotel.ARIUpdate{RoomTypeID: rt.ID, RatePlan: bar, From: d, To: d, Capacity: ptr(20), Price: ptr(prices[b][bar])})
			}
			us = append(us, hotel.ARIUpdate{RoomTypeID: rt.ID, RatePlan: "OWN", From: d, To: d, Price: ptr(prices[b]["OWN"])})
		}
		us = append(us, hotel.ARIUpdate{RoomTypeID: rt.ID, From: in, To: last, Rules: &hotel.RestrictionPatch{StopSell: ptr(b)}})
		return &hotel.ARIChange{HotelID: h.ID, Actor: actorName, IdempotencyKey: key, Updates: us}
	}
	if _, err := svc.ApplyARI(ctx, state(false, "linear-0", true)); err != nil {
		t.Fatal(err)
	}
	prices[true][bar] = prices[false][bar] // the toggles leave the default plan's prices

	const toggles = 60
	deadline := time.Now().Add(1500 * time.Millisecond)
	var done atomic.Bool
	var ids atomic.Int64
	var taken, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for g := range 4 {
		wg.Go(func() {
			for i := 0; !done.Load(); i++ {
				plan := bar
				if (g+i)%2 == 1 {
					plan = "OWN"
				}
				id := bookingID(int(ids.Add(1)))
				hd, _, err := svc.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: h.ID, RoomTypeID: rt.ID,
					CheckIn: in, CheckOut: out, RatePlan: plan, Adults: 2})
				var he *hotel.Error
				switch {
				case err == nil:
					taken.Add(1)
					want := prices[false][plan]
					for _, n := range hd.Nights {
						if n.Price != want {
							fail(fmt.Errorf("hold on %s priced %s, want every night at %s (state A)", plan, jsonOf(hd.Nights), want))
						}
					}
					if len(hd.Nights) != 3 {
						fail(fmt.Errorf("hold on %s took %s, want 3 nights", plan, jsonOf(hd.Nights)))
					}
					if _, err := svc.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil {
						fail(err)
						return
					}
				case errors.As(err, &he) && he.Code == hotel.ECONFLICT && len(he.Violations) > 0:
					refused.Add(1)
					// B is stop-sell on every night: all three, and nothing else.
					if got := violationRules(he.Violations); got != orRules([]orRule{{"stop_sell", in}, {"stop_sell", in.AddDays(1)}, {"stop_sell", last}}) {
						fail(fmt.Errorf("hold on %s refused for %s, want stop-sell on every night (state B)", plan, got))
					}
				default:
					fail(fmt.Errorf("hold on %s: %w, want taken or refused by a rule", plan, err))
				}
			}
		})
	}
	for i := 1; i <= toggles && time.Now().Before(deadline); i++ {
		if _, err := svc.ApplyARI(ctx, state(i%2 == 1, fmt.Sprint("linear-", i), false)); err != nil {
			fail(fmt.Errorf("ApplyARI %d: %w", i, err))
			break
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d holds taken, %d refused", taken.Load(), refused.Load())
}
