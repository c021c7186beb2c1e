package booking_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// familyPlans gives London the plans of flexTerms and Standard Rooms a
// non-refundable plan NR, 10 % below the default plan.
func familyPlans(t *testing.T, e *bookingtest.Env) {
	t.Helper()
	flexTerms(t, e)
	ctx := context.Background()
	plans, err := e.Local.ListRatePlans(ctx, bookingtest.London)
	if err != nil {
		t.Fatal(err)
	}
	var def int64
	for _, p := range plans {
		if p.RoomTypeID == bookingtest.LondonStandard && p.Default {
			def = p.ID
		}
	}
	p := hotel.RatePlan{HotelID: bookingtest.London, RoomTypeID: bookingtest.LondonStandard, Code: "NR", Name: "Non-refundable",
		MealPlan: "RO", Sellable: true, ParentID: def, PercentBP: -1000,
		Cancellation: &hotel.CancellationPolicy{NonRefundable: true}}
	if err := e.Local.CreateRatePlan(ctx, &p); err != nil {
		t.Fatal(err)
	}
}

// family is a booking of two rooms in London for nights nights from day
// arrival: Deluxe on FLEX for two adults (the lead guest's room), and
// Standard on NR for an adult and a child of 5 under a guest of its own.
func family(arrival, nights int) hotel.NewBooking {
	return hotel.NewBooking{GuestName: "Lead Lena", HotelID: bookingtest.London, ArrivalDate: bookingtest.Day(arrival), StayLength: nights,
		Rooms: []hotel.NewRoom{
			{RoomType: "Deluxe Rooms", RatePlan: "FLEX", Adults: 2},
			{RoomType: "standard rooms", RatePlan: "NR", Adults: 1, Children: 1, ChildAges: []int{5}, GuestName: "Second Sam"},
		}}
}

func TestMultiRoomBooking(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		familyPlans(t, e)
		b := mustCreate(t, e, family(10, 3))
		if len(b.Rooms) != 2 || b.AccessToken == "" {
			t.Fatalf("created %d rooms, token %t", len(b.Rooms), b.AccessToken != "")
		}
		r1, r2 := b.Rooms[0], b.Rooms[1]
		if r1.ID != b.ID || r2.ID != hotel.RoomHoldID(b.ID, 2) || r2.RoomNo != 2 || r2.GroupID != b.ID ||
			r2.ConfirmationCode != b.ConfirmationCode+"-2" || r1.GuestName != "Lead Lena" || r2.GuestName != "Second Sam" {
			t.Fatalf("rooms: %+v", b.Rooms)
		}
		if r1.RoomTypeID != bookingtest.LondonDeluxe || r1.RatePlan != "FLEX" || r2.RoomTypeID != bookingtest.LondonStandard ||
			r2.RatePlan != "NR" || r2.RoomType != "Standard Rooms" || len(r1.NightlyPrices) != 3 || len(r2.NightlyPrices) != 3 {
			t.Fatalf("rooms' stays: %+v / %+v", r1, r2)
		}
		_, std := prices(bookingtest.LondonStandard, 10, 3)
		if r2.TotalPrice >= std {
			t.Fatalf("NR room costs %d, not below the default plan's %d", r2.TotalPrice, std)
		}
		// The booking is the sum of its rooms.
		if b.Status != hotel.StatusConfirmed || b.TotalPrice != r1.TotalPrice+r2.TotalPrice || b.Adults != 3 || b.Children != 1 ||
			b.Version != r1.Version+r2.Version {
			t.Fatalf("booking: status %s total %d (rooms %d+%d), party %d+%d, version %d", b.Status, b.TotalPrice,
				r1.TotalPrice, r2.TotalPrice, b.Adults, b.Children, b.Version)
		}
		if g := b.PriceBreakdown; g == nil || g.Gross != r1.PriceBreakdown.Gross+r2.PriceBreakdown.Gross || g.Net != r1.PriceBreakdown.Net+r2.PriceBreakdown.Net {
			t.Fatalf("breakdown %+v, rooms %+v %+v", g, r1.PriceBreakdown, r2.PriceBreakdown)
		}
		// Cancelling now: FLEX is free, NR costs its whole stay.
		if q := b.CancellationQuote; q == nil || q.Fee != r2.TotalPrice || q.Free {
			t.Fatalf("quote %+v, want the NR room's %d", q, r2.TotalPrice)
		}
		if g := b.Guarantee; g == nil || g.Kind != hotel.GuaranteeDeposit || g.Amount != r1.Guarantee.Amount+r2.Guarantee.Amount {
			t.Fatalf("guarantee %+v", g)
		}
		checkHeld(t, e, merge(nights(bookingtest.LondonDeluxe, 10, 3, 1), nights(bookingtest.LondonStandard, 10, 3, 1)))

		// Shown: the booking's sums and its rooms, each with its number.
		var shown map[string]any
		if err := json.Unmarshal(mustJSON(t, b), &shown); err != nil {
			t.Fatal(err)
		}
		rooms, _ := shown["rooms"].([]any)
		if len(rooms) != 2 || shown["room_type"] != nil || shown["total_price"] == nil || shown["booking_id"] != b.ID {
			t.Fatalf("JSON: %v", shown)
		}
		if room2, _ := rooms[1].(map[string]any); room2["room_no"] != float64(2) || room2["rate_plan"] != "NR" || room2["guest_name"] != "Second Sam" {
			t.Fatalf("JSON room 2: %v", rooms[1])
		}
		var back hotel.Booking
		if err := json.Unmarshal(mustJSON(t, b), &back); err != nil || len(back.Rooms) != 2 || back.Rooms[1].RoomNo != 2 || back.TotalPrice != b.TotalPrice {
			t.Fatalf("JSON read back: %+v, %v", back, err)
		}

		// Every guest name is redacted for whoever may not see it; the
		// token's holder sees them all.
		for name, ctx := range map[string]context.Context{"clerk": clerk, "service": service, "another owner": owner(r2.ID)} {
			got, err := e.Service.Get(ctx, b.ID)
			if name == "another owner" {
				// A room's id is no booking's: its token (there is none) opens nothing.
				got, err = e.Service.Get(clerk, b.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range append([]hotel.Booking{*got}, got.Rooms...) {
				if r.GuestName != hotel.Redacted {
					t.Fatalf("%s sees guest name %q", name, r.GuestName)
				}
			}
			if strings.Contains(string(mustJSON(t, got)), "Sam") || strings.Contains(string(mustJSON(t, got)), "Lena") {
				t.Fatalf("%s's JSON shows a guest name", name)
			}
		}
		if got, err := e.Service.Get(owner(b.ID), b.ID); err != nil || got.Rooms[1].GuestName != "Second Sam" {
			t.Fatalf("owner: %+v, %v", got, err)
		}
		page, err := e.Service.List(clerk, hotel.BookingFilter{})
		if err != nil || len(page.Bookings) != 1 || len(page.Bookings[0].Rooms) != 2 || page.Bookings[0].Rooms[1].GuestName != hotel.Redacted {
			t.Fatalf("list: %+v, %v", page, err)
		}
		// A room is not a booking of its own.
		if _, err := e.Service.Get(desk, r2.ID); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("Get(room 2's id) = %v, want ENOTFOUND", err)
		}
		if _, err := e.Service.Cancel(desk, r2.ID, 0); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("Cancel(room 2's id) = %v, want ENOTFOUND", err)
		}
		if _, err := e.Service.Modify(desk, b.ID, hotel.BookingChange{StayLength: new(2)}, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("Modify of two rooms = %v, want ECONFLICT", err)
		}

		p, err := e.Service.PreviewCancellation(desk, b.ID)
		if err != nil || p.Fee != r2.TotalPrice || p.BookingID != b.ID {
			t.Fatalf("preview: %+v, %v", p, err)
		}

		// Room 2 cancelled alone: its fee by its own (non-refundable)
		// policy; the booking keeps room 1 and its nights.
		if _, err := e.Service.CancelRoom(desk, b.ID, 2, b.Version+7); hotel.ErrorCode(err) != hotel.EPRECONDITION {
			t.Fatalf("CancelRoom at a stale version = %v", err)
		}
		c, err := e.Service.CancelRoom(desk, b.ID, 2, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != hotel.StatusConfirmed || c.Rooms[1].Status != hotel.StatusCancelled || c.Rooms[1].CancellationCharge != r2.TotalPrice ||
			c.CancellationFees != r2.TotalPrice || c.TotalPrice != r1.TotalPrice || c.Version != b.Version+1 {
			t.Fatalf("after cancelling room 2: status %s, room 2 %s fee %d, fees %d, total %d, version %d",
				c.Status, c.Rooms[1].Status, c.Rooms[1].CancellationCharge, c.CancellationFees, c.TotalPrice, c.Version)
		}
		if q := c.CancellationQuote; q == nil || q.Fee != 0 || !q.Free {
			t.Fatalf("quote of room 1 left: %+v", q)
		}
		checkHeld(t, e, nights(bookingtest.LondonDeluxe, 10, 3, 1))
		if _, err := e.Service.CancelRoom(desk, b.ID, 2, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("cancelling room 2 again = %v, want ECONFLICT", err)
		}
		if _, err := e.Service.CancelRoom(desk, b.ID, 3, 0); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("cancelling room 3 of 2 = %v, want ENOTFOUND", err)
		}
		if page, err := e.Service.List(desk, hotel.BookingFilter{Status: hotel.StatusCancelled}); err != nil || len(page.Bookings) != 1 {
			t.Fatalf("a booking with a cancelled room is listed as cancelled: %+v, %v", page, err)
		}

		// The whole booking cancelled: the rest of it (room 1, free now).
		w, err := e.Service.Cancel(desk, b.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if q := w.CancellationQuote; w.Status != hotel.StatusCancelled || w.Rooms[0].CancellationCharge != 0 ||
			w.CancellationFees != r2.TotalPrice || q == nil || q.Fee != r2.TotalPrice || w.TotalPrice != 0 {
			t.Fatalf("cancelled: status %s, fees %d, quote %+v, total %d", w.Status, w.CancellationFees, w.CancellationQuote, w.TotalPrice)
		}
		checkHeld(t, e, nil)
		if _, err := e.Service.Cancel(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("cancelling again = %v, want ECONFLICT", err)
		}
		if logs := e.Logs(); strings.Contains(logs, "Sam") || strings.Contains(logs, "Lena") {
			t.Fatal("a guest name reached the logs")
		}
		e.CheckSettled(t)
	})
}

func TestMultiRoomValidation(t *testing.T) {
	eachOf(t, bookingtest.Modes[:1], booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		familyPlans(t, e)
		for name, tc := range map[string]struct {
			edit   func(nb *hotel.NewBooking)
			fields []string
		}{
			"flat room fields too": {func(nb *hotel.NewBooking) { nb.RoomType, nb.Adults = "Deluxe Rooms", 2 }, []string{"room_type", "adults"}},
			"too many rooms": {func(nb *hotel.NewBooking) {
				for len(nb.Rooms) <= hotel.MaxRoomsPerBooking {
					nb.Rooms = append(nb.Rooms, nb.Rooms[0])
				}
			}, []string{"rooms"}},
			"a room's own fields": {func(nb *hotel.NewBooking) {
				nb.Rooms[1].Adults, nb.Rooms[1].RoomType, nb.Rooms[0].RatePlan = 0, "Attic", "no such plan!"
			}, []string{"rooms[1].adults", "rooms[1].room_type", "rooms[0].rate_plan"}},
			"the booking's fields once": {func(nb *hotel.NewBooking) { nb.StayLength, nb.GuestName = 0, "" }, []string{"stay_length", "guest_name"}},
			"a room's guest":            {func(nb *hotel.NewBooking) { nb.Rooms[1].GuestName = "bad\x00name" }, []string{"rooms[1].guest_name"}},
			"no hotel":                  {func(nb *hotel.NewBooking) { nb.HotelID = 999 }, []string{"hotel_id"}},
			"over occupancy":            {func(nb *hotel.NewBooking) { nb.Rooms[1].Adults = 3 }, []string{"rooms[1].adults"}},
		} {
			nb := family(10, 3)
			tc.edit(&nb)
			_, err := e.Service.Create(desk, nb)
			he := checkError(t, err, hotel.EINVALID, tc.fields...)
			seen := map[string]bool{}
			for _, f := range he.Fields {
				if seen[f.Field] {
					t.Fatalf("%s: field %s named twice: %v", name, f.Field, he.Fields)
				}
				seen[f.Field] = true
			}
		}
		if all := e.AllBookings(t); len(all) != 0 {
			t.Fatalf("invalid requests recorded %d rows", len(all))
		}
		checkHeld(t, e, nil)

		// One room in rooms is a booking of one room, in the flat shape.
		one := family(10, 3)
		one.Rooms = one.Rooms[1:]
		b := mustCreate(t, e, one)
		if len(b.Rooms) != 0 || b.RatePlan != "NR" || b.GuestName != "Second Sam" || b.Children != 1 {
			t.Fatalf("one room: %+v", b)
		}
		if s := string(mustJSON(t, b)); strings.Contains(s, `"rooms"`) || !strings.Contains(s, `"room_type":"Standard Rooms"`) {
			t.Fatalf("one room shown as %s", s)
		}
	})
}

// TestMultiRoomAllOrNone: the rooms of a booking are held together or not
// at all, however many clients book 2-room and 3-room stays for the last
// rooms at once: never a partial booking, never oversold.
func TestMultiRoomAllOrNone(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		// Deluxe has SmallCapacity (2) rooms and every group asks one, so
		// two groups fit (their Standard rooms, at most 2 × 2, too), and each
		// of the others gets nothing.
		group := func(i int) hotel.NewBooking {
			nb := hotel.NewBooking{GuestName: fmt.Sprintf("Rush %d", i), HotelID: bookingtest.London, ArrivalDate: bookingtest.Day(20), StayLength: 2,
				Rooms: []hotel.NewRoom{{RoomType: "Standard Rooms", Adults: 2}, {RoomType: "Deluxe Rooms", Adults: 2}}}
			if i%2 == 1 {
				nb.Rooms = append(nb.Rooms, hotel.NewRoom{RoomType: "Standard Rooms", Adults: 1})
			}
			return nb
		}
		const clients = 24
		var wg sync.WaitGroup
		made := make([]*hotel.Booking, clients)
		errs := make([]error, clients)
		for i := range clients {
			wg.Go(func() { made[i], errs[i] = e.Service.Create(desk, group(i)) })
		}
		wg.Wait()
		ok, standard := 0, 0
		for i, err := range errs {
			switch hotel.ErrorCode(err) {
			case "":
				ok++
				if want := len(group(i).Rooms); len(made[i].Rooms) != want {
					t.Fatalf("booking %d: %d rooms, want %d", i, len(made[i].Rooms), want)
				}
				standard += len(made[i].Rooms) - 1
			case hotel.ECONFLICT:
				var he *hotel.Error
				if !errors.As(err, &he) || len(he.Nights) == 0 || !strings.Contains(he.Message, "rooms are not all available") {
					t.Fatalf("refusal: %v", err)
				}
			default:
				t.Fatalf("create: %v", err)
			}
		}
		if ok != bookingtest.SmallCapacity {
			t.Fatalf("%d groups booked, want %d", ok, bookingtest.SmallCapacity)
		}
		checkHeld(t, e, merge(nights(bookingtest.LondonDeluxe, 20, 2, ok), nights(bookingtest.LondonStandard, 20, 2, standard)))
		rows := e.CheckInventory(t)
		failed, rooms := 0, 0
		for _, b := range rows {
			switch {
			case b.Status == hotel.StatusFailed && b.GroupID == "":
				failed++
			case b.Status == hotel.StatusConfirmed:
				rooms++
			default:
				t.Fatalf("row %s (room %d of %q) is %s", b.ID, b.RoomNo, b.GroupID, b.Status)
			}
		}
		if failed != clients-ok || rooms != ok+standard {
			t.Fatalf("%d refused bookings recorded failed (want %d), %d rooms confirmed (want %d)", failed, clients-ok, rooms, ok+standard)
		}
	})
}

// TestMultiRoomRetry: a create of several rooms whose answer is lost is
// resumed by its retry, rooms and all; one whose holds could not be taken
// records nothing until the retry takes them.
func TestMultiRoomRetry(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		familyPlans(t, e)
		id := booking.NewID()
		// Held, but the answer lost (every retry of the call too).
		e.Faults.Set(bookingtest.CreateHolds, bookingtest.Fault{Err: bookingtest.Unavailable, After: true})
		if _, err := e.Service.CreateWithID(desk, id, family(30, 2)); hotel.ErrorCode(err) != hotel.EUNAVAILABLE {
			t.Fatalf("create with inventory down = %v, want EUNAVAILABLE", err)
		}
		e.Faults.Clear()
		if all := e.AllBookings(t); len(all) != 0 {
			t.Fatalf("recorded %d rows without holds", len(all))
		}
		first, err := e.Service.CreateWithID(desk, id, family(30, 2))
		if err != nil || len(first.Rooms) != 2 {
			t.Fatalf("retry: %+v, %v", first, err)
		}
		again, err := e.Service.CreateWithID(desk, id, family(30, 2))
		if err != nil || len(again.Rooms) != 2 || again.Version != first.Version || again.AccessToken == first.AccessToken ||
			again.Rooms[1].GuestName != "Second Sam" {
			t.Fatalf("second retry: %+v, %v", again, err)
		}
		checkHeld(t, e, merge(nights(bookingtest.LondonDeluxe, 30, 2, 1), nights(bookingtest.LondonStandard, 30, 2, 1)))
		if rows := e.AllBookings(t); len(rows) != 2 || rows[1].GroupID != id {
			t.Fatalf("%d rows, want 2", len(rows))
		}
	})
}

// TestMultiRoomStay: check-in and check-out take every room.
func TestMultiRoomStay(t *testing.T) {
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		nb := hotel.NewBooking{GuestName: "Stay Stella", HotelID: bookingtest.London, ArrivalDate: bookingtest.Day(0), StayLength: 3,
			Rooms: []hotel.NewRoom{{RoomType: "Standard Rooms", Adults: 1}, {RoomType: "Standard Rooms", Adults: 2}, {RoomType: "Deluxe Rooms", Adults: 1}}}
		b := mustCreate(t, e, nb)
		if _, err := e.Service.CheckIn(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("check-in the day before = %v", err)
		}
		if _, err := e.Service.CancelRoom(desk, b.ID, 3, 0); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(t, "2030-01-01T15:00:00Z")
		in, err := e.Service.CheckIn(desk, b.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if in.Status != hotel.StatusCheckedIn || in.Rooms[0].Status != hotel.StatusCheckedIn || in.Rooms[1].Status != hotel.StatusCheckedIn ||
			in.Rooms[2].Status != hotel.StatusCancelled {
			t.Fatalf("checked in: %s, rooms %s %s %s", in.Status, in.Rooms[0].Status, in.Rooms[1].Status, in.Rooms[2].Status)
		}
		if _, err := e.Service.Cancel(desk, b.ID, 0); hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("cancelling a booking in house = %v, want ECONFLICT", err)
		}
		e.Clock.Set(t, "2030-01-02T09:00:00Z")
		out, err := e.Service.CheckOut(desk, b.ID, in.Version)
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != hotel.StatusCompleted || out.Rooms[1].DepartedOn != bookingtest.Day(1) {
			t.Fatalf("checked out: %s, departed %s", out.Status, out.Rooms[1].DepartedOn)
		}
		checkHeld(t, e, nights(bookingtest.LondonStandard, 0, 1, 2))
		e.CheckSettled(t)
	})
}
