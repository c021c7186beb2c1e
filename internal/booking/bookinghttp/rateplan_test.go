package bookinghttp_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// TestBookRatePlanHTTP: a plan's rule refuses a booking with 409 naming
// the rule and date in violations; a malformed or unknown plan is 400 on
// rate_plan; children_ages must match children.
func TestBookRatePlanHTTP(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		minStay := 3
		c := hotel.ARIChange{HotelID: bookingtest.London, Actor: "test", Updates: []hotel.ARIUpdate{{
			RoomTypeID: bookingtest.LondonStandard, From: bookingtest.Day(6), To: bookingtest.Day(6),
			Rules: &hotel.RestrictionPatch{MinStayThrough: &minStay}}}}
		if _, err := b.Local.ApplyARI(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
		// Arriving the day before, through day 6: the through rule holds
		// on a night that is not the arrival's.
		b.do(t, http.MethodPost, "/bookings/", standard("Tess Through", 5, 2)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		b.create(t, standard("Tess Through", 5, 3))
		r := b.do(t, http.MethodPost, "/bookings/", standard("Tess Through", 6, 1))
		p := r.problem(t, http.StatusConflict, hotel.ECONFLICT)
		if len(p.Violations) != 1 || p.Violations[0].Rule != hotel.RuleMinStayThrough || p.Violations[0].Date != bookingtest.Day(6) {
			t.Fatalf("violations = %+v, want min_stay_through on %s", p.Violations, bookingtest.Day(6))
		}
		r = b.do(t, http.MethodPost, "/bookings/", with(standard("Ursula Unknown", 8, 1), "rate_plan", "NOPE"))
		fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), fe("rate_plan", "hotel 100 has no rate plan NOPE"))
		r = b.do(t, http.MethodPost, "/bookings/", with(standard("Ursula Unknown", 8, 1), "rate_plan", "not a code"))
		r.problem(t, http.StatusBadRequest, hotel.EINVALID)
		r = b.do(t, http.MethodPost, "/bookings/", with(newBooking("Cora Count", bookingtest.London, "Deluxe Rooms", bookingtest.Day(8), 1, 1, 1), "children_ages", []int{4, 5}))
		r.problem(t, http.StatusBadRequest, hotel.EINVALID)
		got := b.create(t, with(newBooking("Cora Count", bookingtest.London, "Deluxe Rooms", bookingtest.Day(8), 1, 1, 1), "children_ages", []int{4}))
		if len(got.ChildAges) != 1 || got.ChildAges[0] != 4 || got.Terms == nil || got.Terms.Party.Adults != 1 {
			t.Fatalf("booking with children_ages: %+v", got)
		}
		b.CheckInventory(t)
	})
}
