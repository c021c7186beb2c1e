package booking_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// flexTerms gives London taxes (20 % VAT included, a city tax of 2.50 per
// person per night for at most 2 nights, children under 12 exempt) and
// London Deluxe a plan FLEX: the default plan's prices, free to cancel
// until 18:00 two days before arrival, then the first night; a 20 %
// deposit due 7 days before arrival.
func flexTerms(t *testing.T, e *bookingtest.Env) {
	t.Helper()
	ctx := context.Background()
	h, err := e.Local.GetHotel(ctx, bookingtest.London)
	if err != nil {
		t.Fatal(err)
	}
	h.Taxes = []hotel.Tax{{Code: "VAT", Name: "VAT", PercentBP: 2000, Inclusive: true},
		{Code: "CITY", Name: "City tax", PerPersonNight: 250, MaxNights: 2, ExemptUnderAge: 12}}
	if err := e.Local.UpdateHotel(ctx, h); err != nil {
		t.Fatal(err)
	}
	plans, err := e.Local.ListRatePlans(ctx, bookingtest.London)
	if err != nil {
		t.Fatal(err)
	}
	var def int64
	for _, p := range plans {
		if p.RoomTypeID == bookingtest.LondonDeluxe && p.Default {
			def = p.ID
		}
	}
	p := hotel.RatePlan{HotelID: bookingtest.London, RoomTypeID: bookingtest.LondonDeluxe, Code: "FLEX", Name: "Flexible", MealPlan: "RO",
		Refundable: true, Sellable: true, ParentID: def,
		Cancellation: &hotel.CancellationPolicy{Deadline: &hotel.Deadline{DaysBefore: 2, At: "18:00"}, Fee: hotel.Fee{Nights: 1}},
		Guarantee:    hotel.Guarantee{Kind: hotel.GuaranteeDeposit, DepositPercentBP: 2000, DueDaysBefore: 7}}
	if err := e.Local.CreateRatePlan(ctx, &p); err != nil {
		t.Fatal(err)
	}
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStayTerms(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		flexTerms(t, e)
		nb := deluxe(10, 3, "Terms Tamsin") // arrives 2030-01-11
		nb.RatePlan, nb.Children, nb.ChildAges = "FLEX", 1, []int{5}
		b := mustCreate(t, e, nb)
		first, total := b.NightlyPrices[0].Price, b.TotalPrice

		// The deadline in London time (GMT in January), free now, the first
		// night after it.
		q := b.CancellationQuote
		if q == nil || q.Deadline == nil || !q.Deadline.Equal(at(t, "2030-01-09T18:00:00Z")) || !q.Free || q.Fee != 0 || q.LateFee != first {
			t.Fatalf("cancellation shown: %+v", q)
		}
		if g := b.Guarantee; g == nil || g.Kind != hotel.GuaranteeDeposit || g.Amount != (total*2000+5000)/10000 ||
			g.DueAt == nil || !g.DueAt.Equal(at(t, "2030-01-04T00:00:00Z")) {
			t.Fatalf("guarantee shown: %+v", g)
		}
		// VAT inside the price; the city tax added for two adults (the child
		// is 5), two nights at most.
		net := (total*10000 + 6000) / 12000
		want := hotel.TaxBreakdown{Net: net, Taxes: []hotel.TaxLine{
			{Code: "VAT", Name: "VAT", Amount: total - net, Included: true},
			{Code: "CITY", Name: "City tax", Amount: 250 * 2 * 2}}, Gross: total + 1000}
		if got, _ := json.Marshal(b.PriceBreakdown); string(got) != string(mustJSON(t, want)) {
			t.Fatalf("price breakdown = %s, want %s", got, mustJSON(t, want))
		}

		// A later change of the plan never alters what the booking was sold on.
		ctx := context.Background()
		plans, _ := e.Local.ListRatePlans(ctx, bookingtest.London)
		for _, p := range plans {
			if p.Code == "FLEX" {
				p.Cancellation, p.Refundable = &hotel.CancellationPolicy{NonRefundable: true}, false
				if err := e.Local.UpdateRatePlan(ctx, &p); err != nil {
					t.Fatal(err)
				}
			}
		}

		// At the deadline itself: still free; a second later: the first night.
		e.Clock.Set(t, "2030-01-09T18:00:00Z")
		p, err := e.Service.PreviewCancellation(desk, b.ID)
		if err != nil || !p.Free || p.Fee != 0 || p.Currency != "GBP" || !p.AsOf.Equal(e.Clock.Now()) {
			t.Fatalf("preview at the deadline = %+v, %v", p, err)
		}
		e.Clock.Set(t, "2030-01-09T18:00:01Z")
		if p, err := e.Service.PreviewCancellation(desk, b.ID); err != nil || p.Free || p.Fee != first {
			t.Fatalf("preview after the deadline = %+v, %v", p, err)
		}
		if got := get(t, e, b.ID); got.Status != hotel.StatusConfirmed || got.Fee != first {
			t.Fatalf("a preview changed the booking, or the booking shows another fee: %+v", got.CancellationQuote)
		}
		c, err := e.Service.Cancel(desk, b.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if q := c.CancellationQuote; q == nil || q.Fee != first || q.Free || !c.CancelledAt.Equal(e.Clock.Now()) {
			t.Fatalf("cancelled: %+v at %v", c.CancellationQuote, c.CancelledAt)
		}
		// Recorded: read later, the same fee.
		e.Clock.Set(t, "2030-02-01T00:00:00Z")
		if got := get(t, e, b.ID); got.Fee != first || stored(t, e, b.ID).CancellationCharge != first {
			t.Fatalf("fee read later: %+v", got.CancellationQuote)
		}
		if _, err := e.Service.PreviewCancellation(desk, b.ID); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("preview of a cancelled booking = %v, want ECONFLICT", err)
		}
		if _, err := e.Service.PreviewCancellation(desk, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("preview of no booking = %v, want ENOTFOUND", err)
		}

		// A booking made now, on the changed plan, is non-refundable.
		nb.ArrivalDate = bookingtest.Day(40)
		nr := mustCreate(t, e, nb)
		if q := nr.CancellationQuote; q.Deadline != nil || q.Free || q.Fee != nr.TotalPrice {
			t.Fatalf("non-refundable shown: %+v", q)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
