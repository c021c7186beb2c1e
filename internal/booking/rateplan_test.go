package booking_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// ratePlans gives London's deluxe rooms a non-refundable plan 10 % below
// the default one and a family plan with its own prices (day 0 on: 200.00
// a night for two adults, 20.00 each adult more, children free to 2, 15.00
// to 11 and 25.00 to 17), through the inventory service's admin.
func ratePlans(t *testing.T, e *bookingtest.Env) {
	t.Helper()
	ctx := context.Background()
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
	for _, p := range []hotel.RatePlan{
		{HotelID: bookingtest.London, RoomTypeID: bookingtest.LondonDeluxe, Code: "NR", Name: "Non-refundable", MealPlan: "RO",
			Sellable: true, ParentID: def, PercentBP: -1000, FollowsParentRestrictions: true},
		{HotelID: bookingtest.London, RoomTypeID: bookingtest.LondonDeluxe, Code: "FAM", Name: "Family", MealPlan: "BB",
			Refundable: true, Sellable: true, Occupancy: hotel.Occupancy{BaseAdults: 2, ExtraAdult: 2000,
				ChildBands: []hotel.ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: 1500}, {MaxAge: 17, Price: 2500}}}},
	} {
		if err := e.Local.CreateRatePlan(ctx, &p); err != nil {
			t.Fatalf("CreateRatePlan(%s): %v", p.Code, err)
		}
	}
	ari(t, e, hotel.ARIUpdate{RoomTypeID: bookingtest.LondonDeluxe, RatePlan: "FAM", From: bookingtest.Day(0), To: bookingtest.Day(40), Price: ptr(hotel.Cents(20000))})
}

// ari applies updates as an administrator would.
func ari(t *testing.T, e *bookingtest.Env, updates ...hotel.ARIUpdate) {
	t.Helper()
	c := hotel.ARIChange{HotelID: bookingtest.London, Actor: "test", Reason: "test", Updates: updates}
	if _, err := e.Local.ApplyARI(context.Background(), &c); err != nil {
		t.Fatalf("ApplyARI: %v", err)
	}
}

// percentOff is the fixture's price of a night less 10 %, rounded half away
// from zero to the cent.
func percentOff(p hotel.Cents) hotel.Cents { return (p*9000 + 5000) / 10000 }

func TestBookRatePlan(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		ratePlans(t, e)
		held := e.Held(t)

		// The non-refundable plan: the default plan's nights, 10 % off.
		nb := deluxe(3, 2, "Nora Nonref")
		nb.RatePlan = "nr" // codes are upper-cased
		b := mustCreate(t, e, nb)
		for i, n := range b.NightlyPrices {
			if want := percentOff(bookingtest.Price(bookingtest.LondonDeluxe, 3+i)); n.Price != want {
				t.Fatalf("NR night %s = %d, want %d", n.Date, n.Price, want)
			}
		}
		if b.RatePlan != "NR" || b.Terms == nil || b.Terms.RatePlan.Code != "NR" || b.Terms.RatePlan.Refundable || b.RatePlanID != b.Terms.RatePlan.ID {
			t.Fatalf("booking on NR: plan %q (id %d), terms %+v", b.RatePlan, b.RatePlanID, b.Terms)
		}
		if st := stored(t, e, b.ID); st.RatePlan != "NR" || st.Terms == nil || st.Terms.RatePlan.PercentBP != -1000 {
			t.Fatalf("stored booking: plan %q, terms %+v", st.RatePlan, st.Terms)
		}

		// The family plan prices the party: 2 adults, a baby (free) and a
		// child of 7 (15.00); a third adult would add 20.00.
		nb = deluxe(3, 2, "Fay Family")
		nb.RatePlan, nb.Children, nb.ChildAges, nb.Adults = "FAM", 2, []int{1, 7}, 2
		// Deluxe rooms hold two: the party of four is refused before any rule.
		_, err := e.Service.Create(desk, nb)
		checkError(t, err, hotel.EINVALID, "adults")
		nb.Children, nb.ChildAges, nb.Adults = 1, []int{7}, 1
		f := mustCreate(t, e, nb)
		for _, n := range f.NightlyPrices {
			if n.Price != 20000+1500 { // 1 adult below the base of 2: no reduction
				t.Fatalf("FAM night %s = %d, want 215.00", n.Date, n.Price)
			}
		}
		if f.MealPlan != "BB" || f.Terms.Party.Key() != "1;7" || fmt.Sprint(f.ChildAges) != "[7]" {
			t.Fatalf("family booking: meal plan %q, party %+v, ages %v", f.MealPlan, f.Terms.Party, f.ChildAges)
		}

		// A rule on the plan refuses a stay that breaks it: 409 naming the
		// rule and date, nothing held, the booking failed (no name kept).
		ari(t, e, hotel.ARIUpdate{RoomTypeID: bookingtest.LondonDeluxe, RatePlan: "FAM", From: bookingtest.Day(10), To: bookingtest.Day(10),
			Rules: &hotel.RestrictionPatch{MinStayArrival: ptr(3)}})
		before := e.Held(t)
		nb = deluxe(10, 2, "Minnie Minstay")
		nb.RatePlan = "FAM"
		_, err = e.Service.Create(desk, nb)
		he := checkError(t, err, hotel.ECONFLICT)
		if len(he.Violations) != 1 || he.Violations[0].Rule != hotel.RuleMinStayArrival || he.Violations[0].Date != bookingtest.Day(10) {
			t.Fatalf("violations = %+v, want min_stay_arrival on %s", he.Violations, bookingtest.Day(10))
		}
		checkHeld(t, e, before)
		// The same stay on the default plan is sold: the rule is FAM's.
		nb.RatePlan = ""
		d := mustCreate(t, e, nb)
		checkStay(t, d, bookingtest.LondonDeluxe, 10, 2)

		// PATCH: another plan re-prices the same nights; a changed age too.
		got, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{RatePlan: ptr("FAM"), Adults: ptr(1), Children: ptr(1), ChildAges: ptr([]int{13})}, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range got.NightlyPrices {
			if n.Price != 20000+2500 {
				t.Fatalf("re-priced night %s = %d, want 225.00", n.Date, n.Price)
			}
		}
		if got.RatePlan != "FAM" || got.Terms.RatePlan.Code != "FAM" || got.Terms.Party.Key() != "1;13" {
			t.Fatalf("moved to FAM: plan %q, terms %+v", got.RatePlan, got.Terms)
		}
		// A change the plan's rules refuse changes nothing.
		_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{ArrivalDate: ptr(bookingtest.Day(10))}, got.Version)
		checkError(t, err, hotel.ECONFLICT)
		same(t, *get(t, e, b.ID), *got)

		// A plan change that is refused leaves the booking as it was; an
		// unknown plan is the client's error.
		_, err = e.Service.Modify(desk, b.ID, hotel.BookingChange{RatePlan: ptr("NOPE")}, got.Version)
		checkError(t, err, hotel.EINVALID, "rate_plan")
		same(t, *get(t, e, b.ID), *got)

		// A stop-sell after the booking does not touch it, and a change that
		// keeps its nights (a new name) needs no rule.
		ari(t, e, hotel.ARIUpdate{RoomTypeID: bookingtest.LondonDeluxe, From: bookingtest.Day(3), To: bookingtest.Day(4),
			Rules: &hotel.RestrictionPatch{StopSell: ptr(true)}})
		if _, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{GuestName: ptr("Nora Renamed")}, got.Version); err != nil {
			t.Fatalf("renaming a booking on stop-sold nights: %v", err)
		}
		nb = deluxe(3, 1, "Late Larry")
		_, err = e.Service.Create(desk, nb)
		he = checkError(t, err, hotel.ECONFLICT)
		if len(he.Violations) == 0 || he.Violations[0].Rule != hotel.RuleStopSell {
			t.Fatalf("violations = %+v, want stop_sell", he.Violations)
		}

		if _, err := e.Service.Cancel(desk, b.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.Cancel(desk, f.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.Cancel(desk, d.ID, 0); err != nil {
			t.Fatal(err)
		}
		checkHeld(t, e, held)
		e.CheckInventory(t)
		e.CheckSettled(t)
	})
}
