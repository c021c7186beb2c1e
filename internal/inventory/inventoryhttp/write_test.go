package inventoryhttp_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

// The write behaviour of hotel.InventoryService: holds, adjustments, the
// catalogue and the calendar, on every driver × {in-process, HTTP}. Each
// test gets its own copy of the fixture, so tests can change it freely.

func TestInventoryWrites(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, svc hotel.InventoryService)
	}{
		{"HoldLifecycle", testHoldLifecycle},
		{"HoldSoldOut", testHoldSoldOut},
		{"HoldMoveConflict", testHoldMoveConflict},
		{"HoldErrors", testHoldErrors},
		{"Adjust", testAdjust},
		{"AdjustIdempotency", testAdjustIdempotency},
		{"AdjustErrors", testAdjustErrors},
		{"Hotels", testHotels},
		{"RoomTypes", testRoomTypes},
		{"Calendar", testCalendar},
		{"CalendarErrors", testCalendarErrors},
		{"SearchSeesWrites", testSearchSeesWrites},
	}
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range modes {
				t.Run(m.name, func(t *testing.T) {
					t.Parallel()
					for _, tc := range tests {
						t.Run(tc.name, func(t *testing.T) {
							t.Parallel()
							tc.run(t, m.new(t, seeded(t, d), at(t, noon)))
						})
					}
				})
			}
		})
	}
}

// bookingID returns the n-th test booking id (a canonical UUIDv7 shape).
func bookingID(n int) string { return fmt.Sprintf("0190a5d2-6c7e-7b3a-9f1e-%012d", n) }

// actorName is the actor both implementations record in these tests: the
// in-process callers name it, the test server takes it from the staff key
// every request is made by (handler).
const actorName = "inventory-tests"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// available returns available_rooms of room type rt on n nights from first.
func available(t *testing.T, svc hotel.InventoryService, hotelID, rt int64, first string, n int) []int {
	t.Helper()
	p, err := svc.HotelInventory(context.Background(), hotelID, hotel.InventoryFilter{
		StartDate: date(first), EndDate: date(first).AddDays(n - 1), Limit: hotel.MaxPageSize,
	})
	must(t, err)
	var got []int
	for _, it := range p.Items {
		if it.RoomTypeID == rt {
			got = append(got, it.AvailableRooms)
		}
	}
	return got
}

func wantAvailable(t *testing.T, svc hotel.InventoryService, what string, hotelID, rt int64, first string, want ...int) {
	t.Helper()
	if got := available(t, svc, hotelID, rt, first, len(want)); !slices.Equal(got, want) {
		t.Fatalf("%s: available rooms of room type %d from %s = %v, want %v", what, rt, first, got, want)
	}
}

// prices returns n nights from first at price each.
func prices(first string, n int, price hotel.Cents) []hotel.NightPrice {
	out := []hotel.NightPrice{}
	for i := range n {
		out = append(out, hotel.NightPrice{Date: date(first).AddDays(i), Price: price})
	}
	return out
}

// holdString formats a hold without its timestamps, which it checks are set.
func holdString(t *testing.T, h *hotel.Hold) string {
	t.Helper()
	if h == nil {
		return "<nil>"
	}
	if h.CreatedAt.IsZero() || h.UpdatedAt.Before(h.CreatedAt) {
		t.Fatalf("hold %+v: created_at unset or after updated_at", *h)
	}
	c := *h
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
	if c.Nights == nil {
		c.Nights = []hotel.NightPrice{}
	}
	terms := "none"
	if c.Terms != nil {
		terms = fmt.Sprintf("%+v", *c.Terms)
		c.Terms = nil
	}
	return fmt.Sprintf("%+v terms %s", c, terms)
}

// checkHold fails t unless got is want; a want without a rate plan is a
// hold on the room type's default plan for a party of no one in
// particular (the plan's base occupancy).
func checkHold(t *testing.T, what string, got *hotel.Hold, want hotel.Hold) {
	t.Helper()
	want.CreatedAt, want.UpdatedAt = got.CreatedAt, got.UpdatedAt
	if want.RatePlanID == 0 && got != nil {
		if got.Terms == nil || got.RatePlanID == 0 || got.Terms.RatePlan.ID != got.RatePlanID || !got.Terms.RatePlan.Default ||
			got.Terms.RatePlan.RoomTypeID != got.RoomTypeID || got.Terms.Party.Key() != "0" {
			t.Fatalf("%s: hold %+v is not on its room type's default plan (terms %+v)", what, got, got.Terms)
		}
		want.RatePlanID, want.Terms = got.RatePlanID, got.Terms
	}
	if g, w := holdString(t, got), holdString(t, &want); g != w {
		t.Fatalf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// checkNights fails t unless err is a conflict (or code) naming exactly nights.
func checkNights(t *testing.T, err error, code string, nights ...string) {
	t.Helper()
	checkError(t, err, code, "")
	var want []hotel.Date
	for _, n := range nights {
		want = append(want, date(n))
	}
	he := asError(t, err)
	if !slices.Equal(he.Nights, want) {
		t.Fatalf("error %v names nights %v, want %v", err, he.Nights, want)
	}
	for _, n := range nights[:min(len(nights), 10)] {
		if !strings.Contains(he.Message, n) {
			t.Fatalf("message %q does not name night %s", he.Message, n)
		}
	}
}

func testHoldLifecycle(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	id := bookingID(1)
	req := hotel.HoldRequest{BookingID: id, HotelID: london, RoomTypeID: londonDeluxe, CheckIn: date("2030-01-10"), CheckOut: date("2030-01-13")}
	want := hotel.Hold{BookingID: id, HotelID: london, RoomTypeID: londonDeluxe, CheckIn: req.CheckIn, CheckOut: req.CheckOut,
		Status: hotel.HoldHeld, Nights: prices("2030-01-10", 3, 36480), TotalPrice: 3 * 36480, Currency: "GBP"}

	h, created, err := svc.CreateHold(ctx, req)
	must(t, err)
	if !created {
		t.Fatal("first CreateHold: created = false")
	}
	checkHold(t, "created", h, want)
	wantAvailable(t, svc, "after the hold", london, londonDeluxe, "2030-01-09", 10, 9, 9, 9, 10)

	// The same request again is the same hold, and takes nothing more.
	again, created, err := svc.CreateHold(ctx, req)
	must(t, err)
	if created || holdString(t, again) != holdString(t, h) || !again.CreatedAt.Equal(h.CreatedAt) {
		t.Fatalf("replay = %+v (created %v), want the first hold %+v", again, created, h)
	}
	got, err := svc.GetHold(ctx, id)
	must(t, err)
	checkHold(t, "get", got, want)
	wantAvailable(t, svc, "after the replay", london, londonDeluxe, "2030-01-09", 10, 9, 9, 9, 10)

	// Another request under the same id is refused.
	other := req
	other.CheckOut = date("2030-01-14")
	_, _, err = svc.CreateHold(ctx, other)
	checkError(t, err, hotel.ECONFLICT, "")

	// Move to other dates and room type: old nights back, new ones taken.
	h, err = svc.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: londonStandard, CheckIn: date("2030-01-12"), CheckOut: date("2030-01-16")})
	must(t, err)
	want.RoomTypeID, want.CheckIn, want.CheckOut = londonStandard, date("2030-01-12"), date("2030-01-16")
	want.Nights, want.TotalPrice = prices("2030-01-12", 4, 30400), 4*30400
	checkHold(t, "moved", h, want)
	wantAvailable(t, svc, "deluxe after the move", london, londonDeluxe, "2030-01-09", 10, 10, 10, 10, 10)
	wantAvailable(t, svc, "standard after the move", london, londonStandard, "2030-01-11", 10, 9, 9, 9, 9, 10)

	// A zero room type keeps the hold's; moving to where it is changes nothing.
	h, err = svc.MoveHold(ctx, id, hotel.HoldMove{CheckIn: date("2030-01-12"), CheckOut: date("2030-01-16")})
	must(t, err)
	checkHold(t, "moved in place", h, want)

	// Early departure: release from the 14th; then release everything, twice.
	h, err = svc.ReleaseHold(ctx, id, hotel.HoldRelease{From: date("2030-01-14")})
	must(t, err)
	if h.Status != hotel.HoldHeld || fmt.Sprint(h.Nights) != fmt.Sprint(prices("2030-01-12", 2, 30400)) || h.TotalPrice != 2*30400 {
		t.Fatalf("after an early departure: %+v", h)
	}
	wantAvailable(t, svc, "after the early departure", london, londonStandard, "2030-01-11", 10, 9, 9, 10, 10, 10)
	first, err := svc.ReleaseHold(ctx, id, hotel.HoldRelease{})
	must(t, err)
	second, err := svc.ReleaseHold(ctx, id, hotel.HoldRelease{})
	must(t, err)
	if first.Status != hotel.HoldReleased || len(first.Nights) != 0 || first.TotalPrice != 0 || holdString(t, second) != holdString(t, first) {
		t.Fatalf("released = %+v, again %+v; want released twice alike with no nights", first, second)
	}
	wantAvailable(t, svc, "after the release", london, londonStandard, "2030-01-11", 10, 10, 10, 10, 10, 10)

	// A released hold cannot move; the first request still replays it.
	_, err = svc.MoveHold(ctx, id, hotel.HoldMove{CheckIn: date("2030-01-12"), CheckOut: date("2030-01-13")})
	checkError(t, err, hotel.ECONFLICT, "")
	h, created, err = svc.CreateHold(ctx, req)
	must(t, err)
	if created || h.Status != hotel.HoldReleased {
		t.Fatalf("replay after release = %+v (created %v), want the released hold", h, created)
	}
	wantAvailable(t, svc, "after the last replay", london, londonDeluxe, "2030-01-09", 10, 10, 10, 10, 10)
}

func testHoldSoldOut(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	// Leave one Standard room on Feb 2 and Feb 4.
	for _, d := range []string{"2030-02-02", "2030-02-04"} {
		_, err := svc.Adjust(ctx, &hotel.Adjustment{HotelID: london, RoomType: "Standard Rooms", StartDate: date(d), NumRooms: 9, Actor: actorName})
		must(t, err)
	}
	req := func(n int, in, out string) hotel.HoldRequest {
		return hotel.HoldRequest{BookingID: bookingID(n), HotelID: london, RoomTypeID: londonStandard, CheckIn: date(in), CheckOut: date(out)}
	}
	_, _, err := svc.CreateHold(ctx, req(1, "2030-02-01", "2030-02-06"))
	must(t, err)
	wantAvailable(t, svc, "after the first hold", london, londonStandard, "2030-02-01", 9, 0, 9, 0, 9, 10)

	_, _, err = svc.CreateHold(ctx, req(2, "2030-02-01", "2030-02-06"))
	checkNights(t, err, hotel.ECONFLICT, "2030-02-02", "2030-02-04")
	if msg := hotel.ErrorMessage(err); msg != "No Standard Rooms left on 2030-02-02, 2030-02-04." {
		t.Fatalf("message %q", msg)
	}
	// All or nothing: the free nights of the refused stay were not taken.
	wantAvailable(t, svc, "after the refused hold", london, londonStandard, "2030-02-01", 9, 0, 9, 0, 9, 10)
	if _, err := svc.GetHold(ctx, bookingID(2)); hotel.ErrorCode(err) != hotel.ENOTFOUND {
		t.Fatalf("refused hold: GetHold = %v, want not found", err)
	}
	// Nights past the end of the calendar cannot be held.
	_, _, err = svc.CreateHold(ctx, req(3, "2031-02-04", "2031-02-07"))
	checkNights(t, err, hotel.ECONFLICT, "2031-02-05", "2031-02-06")
}

func testHoldMoveConflict(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	_, err := svc.Adjust(ctx, &hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-03-05"), NumRooms: 10, Actor: actorName})
	must(t, err)
	id := bookingID(7)
	h, _, err := svc.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: london, RoomTypeID: londonStandard, CheckIn: date("2030-03-03"), CheckOut: date("2030-03-05")})
	must(t, err)
	before := holdString(t, h)
	_, err = svc.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: londonDeluxe, CheckIn: date("2030-03-03"), CheckOut: date("2030-03-07")})
	checkNights(t, err, hotel.ECONFLICT, "2030-03-05")
	after, err := svc.GetHold(ctx, id)
	must(t, err)
	if holdString(t, after) != before {
		t.Fatalf("a refused move changed the hold:\n before %s\n after  %s", before, holdString(t, after))
	}
	wantAvailable(t, svc, "standard after the refused move", london, londonStandard, "2030-03-02", 10, 9, 9, 10)
	wantAvailable(t, svc, "deluxe after the refused move", london, londonDeluxe, "2030-03-02", 10, 10, 10, 0, 10)
	// Extending over nights it already holds keeps them and takes the new one.
	h, err = svc.MoveHold(ctx, id, hotel.HoldMove{CheckIn: date("2030-03-03"), CheckOut: date("2030-03-06")})
	must(t, err)
	if len(h.Nights) != 3 {
		t.Fatalf("extended hold %+v, want 3 nights", h)
	}
	wantAvailable(t, svc, "standard after the extension", london, londonStandard, "2030-03-02", 10, 9, 9, 9, 10)
}

func testHoldErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	held := bookingID(1)
	_, _, err := svc.CreateHold(ctx, hotel.HoldRequest{BookingID: held, HotelID: auckland, RoomTypeID: aucklandStandard, CheckIn: date("2030-01-10"), CheckOut: date("2030-01-12")})
	must(t, err)
	good := hotel.HoldRequest{BookingID: bookingID(2), HotelID: london, RoomTypeID: londonStandard, CheckIn: date("2030-01-10"), CheckOut: date("2030-01-12")}
	with := func(mod func(r *hotel.HoldRequest)) hotel.HoldRequest { r := good; mod(&r); return r }
	badIDs := []string{"", "not-a-uuid", strings.ToUpper(bookingID(1)), "{" + bookingID(1) + "}", bookingID(1)[:35], bookingID(1) + "0", "../../../inventory/hotels", "0190a5d2_6c7e_7b3a_9f1e_000000000001"}
	for _, id := range badIDs {
		_, _, err := svc.CreateHold(ctx, with(func(r *hotel.HoldRequest) { r.BookingID = id }))
		checkError(t, err, hotel.EINVALID, "booking_id")
		_, err = svc.GetHold(ctx, id)
		checkError(t, err, hotel.EINVALID, "booking_id")
		_, err = svc.MoveHold(ctx, id, hotel.HoldMove{CheckIn: good.CheckIn, CheckOut: good.CheckOut})
		checkError(t, err, hotel.EINVALID, "booking_id")
		_, err = svc.ReleaseHold(ctx, id, hotel.HoldRelease{})
		checkError(t, err, hotel.EINVALID, "booking_id")
	}
	createCases := []struct {
		name  string
		req   hotel.HoldRequest
		field string
	}{
		{"no hotel", with(func(r *hotel.HoldRequest) { r.HotelID = 0 }), "hotel_id"},
		{"no room type", with(func(r *hotel.HoldRequest) { r.RoomTypeID = 0 }), "room_type_id"},
		{"negative room type", with(func(r *hotel.HoldRequest) { r.RoomTypeID = -1 }), "room_type_id"},
		{"no check-in", with(func(r *hotel.HoldRequest) { r.CheckIn = hotel.Date{} }), "check_in"},
		{"no check-out", with(func(r *hotel.HoldRequest) { r.CheckOut = hotel.Date{} }), "check_out"},
		{"zero nights", with(func(r *hotel.HoldRequest) { r.CheckOut = r.CheckIn }), "check_out"},
		{"check-out first", with(func(r *hotel.HoldRequest) { r.CheckOut = r.CheckIn.AddDays(-1) }), "check_out"},
		{"367 nights", with(func(r *hotel.HoldRequest) { r.CheckOut = r.CheckIn.AddDays(hotel.MaxRangeDays + 1) }), "check_out"},
		{"unknown hotel", with(func(r *hotel.HoldRequest) { r.HotelID = 999999 }), "hotel_id"},
		{"unknown room type", with(func(r *hotel.HoldRequest) { r.RoomTypeID = 999999 }), "room_type_id"},
		{"room type of another hotel", with(func(r *hotel.HoldRequest) { r.RoomTypeID = aucklandStandard }), "room_type_id"},
	}
	for _, tc := range createCases {
		h, _, err := svc.CreateHold(ctx, tc.req)
		if h != nil {
			t.Errorf("%s: hold %+v, want nil", tc.name, h)
		}
		checkError(t, err, hotel.EINVALID, tc.field)
	}
	// The longest stay is MaxRangeDays nights; no "past" rule applies.
	long := with(func(r *hotel.HoldRequest) {
		r.CheckIn, r.CheckOut = date("2030-01-01"), date("2030-01-01").AddDays(hotel.MaxRangeDays)
	})
	_, _, err = svc.CreateHold(ctx, long)
	must(t, err)

	unknown := bookingID(99)
	_, err = svc.GetHold(ctx, unknown)
	checkError(t, err, hotel.ENOTFOUND, "")
	_, err = svc.MoveHold(ctx, unknown, hotel.HoldMove{CheckIn: good.CheckIn, CheckOut: good.CheckOut})
	checkError(t, err, hotel.ENOTFOUND, "")
	_, err = svc.ReleaseHold(ctx, unknown, hotel.HoldRelease{})
	checkError(t, err, hotel.ENOTFOUND, "")

	moveCases := []struct {
		name  string
		m     hotel.HoldMove
		field string
	}{
		{"no dates", hotel.HoldMove{}, "check_in"},
		{"check-out first", hotel.HoldMove{CheckIn: date("2030-01-12"), CheckOut: date("2030-01-11")}, "check_out"},
		{"negative room type", hotel.HoldMove{RoomTypeID: -1, CheckIn: good.CheckIn, CheckOut: good.CheckOut}, "room_type_id"},
		{"room type of another hotel", hotel.HoldMove{RoomTypeID: londonStandard, CheckIn: good.CheckIn, CheckOut: good.CheckOut}, "room_type_id"},
		{"unknown room type", hotel.HoldMove{RoomTypeID: 999999, CheckIn: good.CheckIn, CheckOut: good.CheckOut}, "room_type_id"},
	}
	for _, tc := range moveCases {
		_, err := svc.MoveHold(ctx, held, tc.m)
		checkError(t, err, hotel.EINVALID, tc.field)
	}
	_, err = svc.ReleaseHold(ctx, held, hotel.HoldRelease{From: hotel.NewDate(10000, 1, 1)})
	checkError(t, err, hotel.EINVALID, "from")
	wantAvailable(t, svc, "after the refused calls", auckland, aucklandStandard, "2030-01-09", 10, 9, 9, 10)
}

// adjust applies an adjustment by actorName, failing t on error.
func adjust(t *testing.T, svc hotel.InventoryService, a hotel.Adjustment) (hotel.Adjustment, bool) {
	t.Helper()
	a.Actor = actorName
	replayed, err := svc.Adjust(context.Background(), &a)
	must(t, err)
	return a, replayed
}

func testAdjust(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	a, replayed := adjust(t, svc, hotel.Adjustment{HotelID: london, RoomType: " deluxe ROOMS", StartDate: date("2030-03-01"), EndDate: date("2030-03-03"), NumRooms: 3, Reason: "Refurbishment"})
	if replayed || a.ID <= 0 || a.CreatedAt.IsZero() || a.RoomTypeID != londonDeluxe || a.RoomType != "Deluxe Rooms" ||
		a.HotelID != london || a.EndDate != date("2030-03-03") || a.NumRooms != 3 || a.Reason != "Refurbishment" || a.Actor != actorName {
		t.Fatalf("adjustment = %+v", a)
	}
	wantAvailable(t, svc, "after blocking 3", london, londonDeluxe, "2030-02-28", 10, 7, 7, 7, 10)

	// The seed's single date; a room type by id; unblocking.
	one, _ := adjust(t, svc, hotel.Adjustment{HotelID: london, RoomTypeID: londonDeluxe, StartDate: date("2030-03-02"), NumRooms: -2})
	if one.EndDate != date("2030-03-02") || one.RoomType != "Deluxe Rooms" {
		t.Fatalf("single-date adjustment = %+v", one)
	}
	wantAvailable(t, svc, "after unblocking 2", london, londonDeluxe, "2030-02-28", 10, 7, 9, 7, 10)

	// Never below zero, never more unblocked than blocked; nothing changes.
	for _, tc := range []struct {
		a      hotel.Adjustment
		nights []string
	}{
		{hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-03-01"), EndDate: date("2030-03-03"), NumRooms: 8}, []string{"2030-03-01", "2030-03-03"}},
		{hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-02-28"), EndDate: date("2030-03-03"), NumRooms: -2}, []string{"2030-02-28", "2030-03-02"}},
	} {
		tc.a.Actor = actorName
		_, err := svc.Adjust(ctx, &tc.a)
		checkNights(t, err, hotel.ECONFLICT, tc.nights...)
	}
	wantAvailable(t, svc, "after the refusals", london, londonDeluxe, "2030-02-28", 10, 7, 9, 7, 10)

	// Nights the calendar does not have are an invalid request naming them.
	bad := hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2031-02-03"), EndDate: date("2031-02-06"), NumRooms: 1, Actor: actorName}
	_, err := svc.Adjust(ctx, &bad)
	checkNights(t, err, hotel.EINVALID, "2031-02-05", "2031-02-06")
	checkError(t, err, hotel.EINVALID, "date")
	wantAvailable(t, svc, "after the refusal past the calendar", london, londonDeluxe, "2031-02-03", 10, 10)

	// The log: newest first, pages before an id, with who and why.
	all, err := svc.ListAdjustments(ctx, london, 0, 0)
	must(t, err)
	if len(all) != 2 || all[0].ID != one.ID || all[1].ID != a.ID || all[1].Reason != "Refurbishment" || all[0].Actor != actorName {
		t.Fatalf("ListAdjustments = %+v", all)
	}
	if fmt.Sprint(normalizeAdjustment(all[1])) != fmt.Sprint(normalizeAdjustment(a)) {
		t.Fatalf("listed %+v, applied %+v", all[1], a)
	}
	page, err := svc.ListAdjustments(ctx, london, 0, 1)
	must(t, err)
	if len(page) != 1 || page[0].ID != one.ID {
		t.Fatalf("first page = %+v", page)
	}
	page, err = svc.ListAdjustments(ctx, london, one.ID, 1)
	must(t, err)
	if len(page) != 1 || page[0].ID != a.ID {
		t.Fatalf("second page = %+v", page)
	}
	if page, err = svc.ListAdjustments(ctx, london, a.ID, 1); err != nil || len(page) != 0 {
		t.Fatalf("page before the oldest = %+v, %v", page, err)
	}
	if other, err := svc.ListAdjustments(ctx, auckland, 0, 0); err != nil || len(other) != 0 {
		t.Fatalf("another hotel's adjustments = %+v, %v", other, err)
	}
}

// normalizeAdjustment drops what a JSON round trip cannot keep identical
// (the monotonic clock and location of CreatedAt).
func normalizeAdjustment(a hotel.Adjustment) hotel.Adjustment {
	a.CreatedAt = a.CreatedAt.UTC().Round(0)
	return a
}

func testAdjustIdempotency(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	req := hotel.Adjustment{HotelID: auckland, RoomType: "Standard Rooms", StartDate: date("2030-04-01"), NumRooms: 2, Reason: "Staff", IdempotencyKey: "adj-2030-04-01"}
	first, replayed := adjust(t, svc, req)
	if replayed || first.IdempotencyKey != req.IdempotencyKey {
		t.Fatalf("first = %+v, replayed %v", first, replayed)
	}
	again, replayed := adjust(t, svc, req)
	if !replayed || fmt.Sprint(normalizeAdjustment(again)) != fmt.Sprint(normalizeAdjustment(first)) {
		t.Fatalf("replay = %+v (replayed %v), want %+v", again, replayed, first)
	}
	wantAvailable(t, svc, "after a replay", auckland, aucklandStandard, "2030-04-01", 8)

	// The same key for another request is refused and changes nothing.
	for _, mod := range []func(a *hotel.Adjustment){
		func(a *hotel.Adjustment) { a.NumRooms = 3 },
		func(a *hotel.Adjustment) { a.Reason = "Other" },
		func(a *hotel.Adjustment) { a.EndDate = date("2030-04-02") },
		func(a *hotel.Adjustment) { a.RoomType = "Deluxe Rooms" },
	} {
		other := req
		mod(&other)
		other.Actor = actorName
		_, err := svc.Adjust(ctx, &other)
		checkError(t, err, hotel.EUNPROCESSABLE, "")
	}
	wantAvailable(t, svc, "after the mismatches", auckland, aucklandStandard, "2030-04-01", 8, 10)
	// Another key is another adjustment.
	req.IdempotencyKey = "adj-2"
	adjust(t, svc, req)
	wantAvailable(t, svc, "after a second key", auckland, aucklandStandard, "2030-04-01", 6)
	as, err := svc.ListAdjustments(ctx, auckland, 0, 0)
	if err != nil || len(as) != 2 {
		t.Fatalf("ListAdjustments = %+v, %v; want 2", as, err)
	}
}

func testAdjustErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	good := hotel.Adjustment{HotelID: london, RoomType: "Standard Rooms", StartDate: date("2030-05-01"), NumRooms: 1, Actor: actorName}
	with := func(mod func(a *hotel.Adjustment)) hotel.Adjustment { a := good; mod(&a); return a }
	tests := []struct {
		name  string
		a     hotel.Adjustment
		code  string
		field string
	}{
		{"unknown hotel", with(func(a *hotel.Adjustment) { a.HotelID = 999999 }), hotel.ENOTFOUND, ""},
		{"zero hotel", with(func(a *hotel.Adjustment) { a.HotelID = 0 }), hotel.ENOTFOUND, ""},
		{"unknown hotel, bad fields", with(func(a *hotel.Adjustment) { a.HotelID, a.NumRooms = 999999, 0 }), hotel.EINVALID, "num_rooms"},
		{"no room type", with(func(a *hotel.Adjustment) { a.RoomType = "" }), hotel.EINVALID, "room_type"},
		{"unknown room type", with(func(a *hotel.Adjustment) { a.RoomType = "Penthouse" }), hotel.EINVALID, "room_type"},
		{"room type of another hotel", with(func(a *hotel.Adjustment) { a.RoomType, a.RoomTypeID = "", aucklandStandard }), hotel.EINVALID, "room_type_id"},
		{"name and id disagree", with(func(a *hotel.Adjustment) { a.RoomTypeID = londonDeluxe }), hotel.EINVALID, "room_type"},
		{"negative room type id", with(func(a *hotel.Adjustment) { a.RoomTypeID = -1 }), hotel.EINVALID, "room_type_id"},
		{"room type too long", with(func(a *hotel.Adjustment) { a.RoomType = strings.Repeat("x", 101) }), hotel.EINVALID, "room_type"},
		{"no date", with(func(a *hotel.Adjustment) { a.StartDate = hotel.Date{} }), hotel.EINVALID, "date"},
		{"end before date", with(func(a *hotel.Adjustment) { a.EndDate = a.StartDate.AddDays(-1) }), hotel.EINVALID, "end_date"},
		{"367 days", with(func(a *hotel.Adjustment) { a.EndDate = a.StartDate.AddDays(hotel.MaxRangeDays) }), hotel.EINVALID, "end_date"},
		{"zero rooms", with(func(a *hotel.Adjustment) { a.NumRooms = 0 }), hotel.EINVALID, "num_rooms"},
		{"10001 rooms", with(func(a *hotel.Adjustment) { a.NumRooms = 10001 }), hotel.EINVALID, "num_rooms"},
		{"-10001 rooms", with(func(a *hotel.Adjustment) { a.NumRooms = -10001 }), hotel.EINVALID, "num_rooms"},
		{"reason too long", with(func(a *hotel.Adjustment) { a.Reason = strings.Repeat("x", 501) }), hotel.EINVALID, "reason"},
		{"reason with a control character", with(func(a *hotel.Adjustment) { a.Reason = "a\tb" }), hotel.EINVALID, "reason"},
		{"key with a space around", with(func(a *hotel.Adjustment) { a.IdempotencyKey = "k " }), hotel.EINVALID, "Idempotency-Key"},
		{"key with a newline", with(func(a *hotel.Adjustment) { a.IdempotencyKey = "k\nX-Evil: 1" }), hotel.EINVALID, "Idempotency-Key"},
		{"key not ASCII", with(func(a *hotel.Adjustment) { a.IdempotencyKey = "clé" }), hotel.EINVALID, "Idempotency-Key"},
		{"key of 256 characters", with(func(a *hotel.Adjustment) { a.IdempotencyKey = strings.Repeat("k", 256) }), hotel.EINVALID, "Idempotency-Key"},
	}
	for _, tc := range tests {
		a := tc.a
		replayed, err := svc.Adjust(ctx, &a)
		if replayed {
			t.Errorf("%s: replayed", tc.name)
		}
		checkError(t, err, tc.code, tc.field)
	}
	// A key of 255 printable characters is fine.
	adjust(t, svc, with(func(a *hotel.Adjustment) { a.IdempotencyKey = strings.Repeat("~", 255) }))
	wantAvailable(t, svc, "after the refusals", london, londonStandard, "2030-05-01", 9)

	for _, tc := range []struct {
		hotelID, after int64
		limit          int
		code, field    string
	}{
		{999999, 0, 0, hotel.ENOTFOUND, ""},
		{0, 0, 0, hotel.ENOTFOUND, ""},
		{london, -1, 0, hotel.EINVALID, "cursor"},
		{london, 0, -1, hotel.EINVALID, "limit"},
		{london, 0, hotel.MaxPageSize + 1, hotel.EINVALID, "limit"},
	} {
		_, err := svc.ListAdjustments(ctx, tc.hotelID, tc.after, tc.limit)
		checkError(t, err, tc.code, tc.field)
	}
}

func testHotels(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	h := hotel.Hotel{Name: "  Grand Hotel ", Location: "Lisbon", TimeZone: "Europe/Lisbon", Currency: "EUR"}
	must(t, svc.CreateHotel(ctx, &h))
	if h.ID <= auckland || h.Name != "Grand Hotel" {
		t.Fatalf("created %+v, want a new id and the trimmed name", h)
	}
	got, err := svc.GetHotel(ctx, h.ID)
	if err != nil || !reflect.DeepEqual(*got, h) {
		t.Fatalf("GetHotel = %+v, %v; want %+v", got, err, h)
	}
	dup := hotel.Hotel{Name: "Grand Hotel", Location: "Porto", TimeZone: "Europe/Lisbon", Currency: "EUR"}
	checkError(t, svc.CreateHotel(ctx, &dup), hotel.ECONFLICT, "")
	if dup.ID != 0 {
		t.Fatalf("refused hotel got id %d", dup.ID)
	}

	upd := h
	upd.Location, upd.TimeZone, upd.Currency = "Madeira", "Atlantic/Madeira", "EUR"
	must(t, svc.UpdateHotel(ctx, &upd))
	if got, err := svc.GetHotel(ctx, h.ID); err != nil || !reflect.DeepEqual(*got, upd) {
		t.Fatalf("after update GetHotel = %+v, %v; want %+v", got, err, upd)
	}
	taken := upd
	taken.Name = "Test Hotel 100"
	checkError(t, svc.UpdateHotel(ctx, &taken), hotel.ECONFLICT, "")
	for _, id := range []int64{999999, 0, -1} {
		unknown := upd
		unknown.ID = id
		checkError(t, svc.UpdateHotel(ctx, &unknown), hotel.ENOTFOUND, "")
	}
	hs, err := svc.ListHotels(ctx, hotel.HotelFilter{Location: "MADEIRA"})
	if err != nil || len(hs) != 1 || !reflect.DeepEqual(hs[0], upd) {
		t.Fatalf("ListHotels(madeira) = %+v, %v", hs, err)
	}

	valid := hotel.Hotel{Name: "New", Location: "Oslo", TimeZone: "Europe/Oslo", Currency: "NOK"}
	with := func(mod func(h *hotel.Hotel)) hotel.Hotel { c := valid; mod(&c); return c }
	tests := []struct {
		name  string
		h     hotel.Hotel
		field string
	}{
		{"no name", with(func(h *hotel.Hotel) { h.Name = "" }), "hotel_name"},
		{"blank name", with(func(h *hotel.Hotel) { h.Name = "   " }), "hotel_name"},
		{"name too long", with(func(h *hotel.Hotel) { h.Name = strings.Repeat("x", 201) }), "hotel_name"},
		{"name with a control character", with(func(h *hotel.Hotel) { h.Name = "New\x00" }), "hotel_name"},
		{"no location", with(func(h *hotel.Hotel) { h.Location = "" }), "location"},
		{"location too long", with(func(h *hotel.Hotel) { h.Location = strings.Repeat("x", 201) }), "location"},
		{"no time zone", with(func(h *hotel.Hotel) { h.TimeZone = "" }), "time_zone"},
		{"Local", with(func(h *hotel.Hotel) { h.TimeZone = "Local" }), "time_zone"},
		{"unknown zone", with(func(h *hotel.Hotel) { h.TimeZone = "Mars/Olympus_Mons" }), "time_zone"},
		{"zone path", with(func(h *hotel.Hotel) { h.TimeZone = "../../etc/passwd" }), "time_zone"},
		{"lower-case currency", with(func(h *hotel.Hotel) { h.Currency = "nok" }), "currency"},
		{"four-letter currency", with(func(h *hotel.Hotel) { h.Currency = "NOKK" }), "currency"},
		{"no currency", with(func(h *hotel.Hotel) { h.Currency = "" }), "currency"},
	}
	for _, tc := range tests {
		c := tc.h
		checkError(t, svc.CreateHotel(ctx, &c), hotel.EINVALID, tc.field)
		u := tc.h
		u.ID = h.ID
		checkError(t, svc.UpdateHotel(ctx, &u), hotel.EINVALID, tc.field)
	}
	if got, err := svc.GetHotel(ctx, h.ID); err != nil || !reflect.DeepEqual(*got, upd) {
		t.Fatalf("after the refused updates GetHotel = %+v, %v; want %+v", got, err, upd)
	}
	if hs, err := svc.ListHotels(ctx, hotel.HotelFilter{}); err != nil || len(hs) != 3 {
		t.Fatalf("ListHotels = %+v, %v; want the fixture's two and one more", hs, err)
	}
}

func testRoomTypes(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	rt := hotel.RoomType{HotelID: london, Name: " Family Suite ", MaxOccupancy: 5}
	must(t, svc.CreateRoomType(ctx, &rt))
	if rt.ID <= aucklandDeluxe || rt.Name != "Family Suite" || rt.OverbookingAllowance != 0 {
		t.Fatalf("created %+v", rt)
	}
	rts, err := svc.ListRoomTypes(ctx, london)
	if err != nil || len(rts) != 3 || rts[2] != rt {
		t.Fatalf("ListRoomTypes = %+v, %v", rts, err)
	}
	dup := hotel.RoomType{HotelID: london, Name: "FAMILY suite", MaxOccupancy: 4}
	checkError(t, svc.CreateRoomType(ctx, &dup), hotel.ECONFLICT, "")
	// Names are unique per hotel only.
	other := hotel.RoomType{HotelID: auckland, Name: "Family Suite", MaxOccupancy: 4, OverbookingAllowance: 2}
	must(t, svc.CreateRoomType(ctx, &other))
	for _, id := range []int64{999999, 0} {
		c := hotel.RoomType{HotelID: id, Name: "X", MaxOccupancy: 1}
		checkError(t, svc.CreateRoomType(ctx, &c), hotel.ENOTFOUND, "")
	}

	upd := rt
	upd.Name, upd.MaxOccupancy = "Family Room", 4
	must(t, svc.UpdateRoomType(ctx, &upd))
	if rts, _ := svc.ListRoomTypes(ctx, london); rts[2] != upd {
		t.Fatalf("after update %+v, want %+v", rts[2], upd)
	}
	taken := upd
	taken.Name = "deluxe rooms"
	checkError(t, svc.UpdateRoomType(ctx, &taken), hotel.ECONFLICT, "")
	for _, tc := range []struct{ hotelID, id int64 }{{london, 999999}, {london, aucklandStandard}, {london, 0}, {999999, londonStandard}, {0, londonStandard}} {
		u := upd
		u.HotelID, u.ID = tc.hotelID, tc.id
		checkError(t, svc.UpdateRoomType(ctx, &u), hotel.ENOTFOUND, "")
	}

	// An allowance sells rooms beyond capacity; lowering it below what is
	// sold is refused, naming the nights.
	std := fixture.RoomTypes[0]
	std.OverbookingAllowance = 2
	must(t, svc.UpdateRoomType(ctx, &std))
	wantAvailable(t, svc, "with an allowance of 2", london, londonStandard, "2030-04-01", 12, 12)
	adjust(t, svc, hotel.Adjustment{HotelID: london, RoomTypeID: londonStandard, StartDate: date("2030-04-01"), NumRooms: 11})
	std.OverbookingAllowance = 0
	err = svc.UpdateRoomType(ctx, &std)
	checkNights(t, err, hotel.ECONFLICT, "2030-04-01")
	wantAvailable(t, svc, "after the refused allowance", london, londonStandard, "2030-04-01", 1, 12)
	std.OverbookingAllowance = 1
	must(t, svc.UpdateRoomType(ctx, &std))
	wantAvailable(t, svc, "with an allowance of 1", london, londonStandard, "2030-04-01", 0, 11)

	valid := hotel.RoomType{HotelID: london, Name: "Twin", MaxOccupancy: 2}
	with := func(mod func(rt *hotel.RoomType)) hotel.RoomType { c := valid; mod(&c); return c }
	for _, tc := range []struct {
		rt    hotel.RoomType
		field string
	}{
		{with(func(rt *hotel.RoomType) { rt.Name = "" }), "room_type"},
		{with(func(rt *hotel.RoomType) { rt.Name = strings.Repeat("x", 101) }), "room_type"},
		{with(func(rt *hotel.RoomType) { rt.Name = "Twin\r" + "x" }), "room_type"},
		{with(func(rt *hotel.RoomType) { rt.MaxOccupancy = 0 }), "max_occupancy"},
		{with(func(rt *hotel.RoomType) { rt.MaxOccupancy = 51 }), "max_occupancy"},
		{with(func(rt *hotel.RoomType) { rt.OverbookingAllowance = -1 }), "overbooking_allowance"},
		{with(func(rt *hotel.RoomType) { rt.OverbookingAllowance = 1001 }), "overbooking_allowance"},
	} {
		c := tc.rt
		checkError(t, svc.CreateRoomType(ctx, &c), hotel.EINVALID, tc.field)
		u := tc.rt
		u.ID = upd.ID
		checkError(t, svc.UpdateRoomType(ctx, &u), hotel.EINVALID, tc.field)
	}
	if rts, _ := svc.ListRoomTypes(ctx, london); len(rts) != 3 || rts[2] != upd {
		t.Fatalf("after the refusals %+v", rts)
	}
}

func ptr[T any](v T) *T { return &v }

func testCalendar(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	rt := hotel.RoomType{HotelID: london, Name: "Family Suite", MaxOccupancy: 5}
	must(t, svc.CreateRoomType(ctx, &rt))
	u := hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-01"), EndDate: date("2030-05-10"), Capacity: ptr(4), Price: ptr(hotel.Cents(50000))}
	res, err := svc.SetCalendar(ctx, u)
	if err != nil || *res != (hotel.CalendarResult{Created: 10}) {
		t.Fatalf("SetCalendar = %+v, %v; want 10 created", res, err)
	}
	wantAvailable(t, svc, "new nights", london, rt.ID, "2030-05-01", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)

	// Price only where some nights are missing: refused, naming them; nothing changes.
	_, err = svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-09"), EndDate: date("2030-05-12"), Price: ptr(hotel.Cents(1))})
	checkNights(t, err, hotel.EINVALID, "2030-05-11", "2030-05-12")
	checkError(t, err, hotel.EINVALID, "capacity")

	res, err = svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-02"), EndDate: date("2030-05-03"), Price: ptr(hotel.Cents(60000)), DemandLevel: ptr(hotel.DemandHigh)})
	if err != nil || *res != (hotel.CalendarResult{Updated: 2}) {
		t.Fatalf("price update = %+v, %v; want 2 updated", res, err)
	}
	p, err := svc.HotelInventory(ctx, london, hotel.InventoryFilter{RoomType: "Family Suite", StartDate: date("2030-05-01"), EndDate: date("2030-05-10")})
	must(t, err)
	var got []string
	for _, it := range p.Items {
		got = append(got, fmt.Sprintf("%s %s %s %d", it.Date, it.RoomPrice, it.DemandLevel, it.TotalRooms))
	}
	want := []string{"2030-05-01 500.00 medium 4", "2030-05-02 600.00 high 4", "2030-05-03 600.00 high 4"}
	for d := 4; d <= 10; d++ {
		want = append(want, fmt.Sprintf("2030-05-%02d 500.00 medium 4", d))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("calendar:\n got  %v\n want %v", got, want)
	}

	// Capacity below what is held and blocked is refused, naming the nights.
	for i := range 2 {
		_, _, err := svc.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(i), HotelID: london, RoomTypeID: rt.ID, CheckIn: date("2030-05-03"), CheckOut: date("2030-05-04")})
		must(t, err)
	}
	adjust(t, svc, hotel.Adjustment{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-05"), NumRooms: 2})
	_, err = svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-01"), EndDate: date("2030-05-10"), Capacity: ptr(1)})
	checkNights(t, err, hotel.ECONFLICT, "2030-05-03", "2030-05-05")
	wantAvailable(t, svc, "after the refused capacity", london, rt.ID, "2030-05-01", 4, 4, 2, 4, 2, 4)
	res, err = svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: date("2030-05-01"), EndDate: date("2030-05-10"), Capacity: ptr(2)})
	if err != nil || res.Updated != 10 {
		t.Fatalf("capacity 2 = %+v, %v", res, err)
	}
	wantAvailable(t, svc, "capacity 2", london, rt.ID, "2030-05-01", 2, 2, 0, 2, 0, 2)
}

func testCalendarErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	good := hotel.CalendarUpdate{HotelID: london, RoomTypeID: londonStandard, StartDate: date("2030-06-01"), EndDate: date("2030-06-02"), Capacity: ptr(5)}
	with := func(mod func(u *hotel.CalendarUpdate)) hotel.CalendarUpdate { u := good; mod(&u); return u }
	tests := []struct {
		name  string
		u     hotel.CalendarUpdate
		code  string
		field string
	}{
		{"unknown hotel", with(func(u *hotel.CalendarUpdate) { u.HotelID = 999999 }), hotel.ENOTFOUND, ""},
		{"zero hotel", with(func(u *hotel.CalendarUpdate) { u.HotelID = 0 }), hotel.ENOTFOUND, ""},
		{"no room type", with(func(u *hotel.CalendarUpdate) { u.RoomTypeID = 0 }), hotel.EINVALID, "room_type_id"},
		{"room type of another hotel", with(func(u *hotel.CalendarUpdate) { u.RoomTypeID = aucklandStandard }), hotel.EINVALID, "room_type_id"},
		{"nothing to set", with(func(u *hotel.CalendarUpdate) { u.Capacity = nil }), hotel.EINVALID, "capacity"},
		{"negative capacity", with(func(u *hotel.CalendarUpdate) { u.Capacity = ptr(-1) }), hotel.EINVALID, "capacity"},
		{"capacity 10001", with(func(u *hotel.CalendarUpdate) { u.Capacity = ptr(10001) }), hotel.EINVALID, "capacity"},
		{"negative price", with(func(u *hotel.CalendarUpdate) { u.Price = ptr(hotel.Cents(-1)) }), hotel.EINVALID, "price"},
		{"unknown demand level", with(func(u *hotel.CalendarUpdate) { u.DemandLevel = ptr("extreme") }), hotel.EINVALID, "demand_level"},
		{"no start", with(func(u *hotel.CalendarUpdate) { u.StartDate = hotel.Date{} }), hotel.EINVALID, "start_date"},
		{"end before start", with(func(u *hotel.CalendarUpdate) { u.EndDate = u.StartDate.AddDays(-1) }), hotel.EINVALID, "end_date"},
		{"367 days", with(func(u *hotel.CalendarUpdate) { u.EndDate = u.StartDate.AddDays(hotel.MaxRangeDays) }), hotel.EINVALID, "end_date"},
	}
	for _, tc := range tests {
		res, err := svc.SetCalendar(ctx, tc.u)
		if res != nil {
			t.Errorf("%s: result %+v, want nil", tc.name, res)
		}
		checkError(t, err, tc.code, tc.field)
	}
	wantAvailable(t, svc, "after the refusals", london, londonStandard, "2030-06-01", 10, 10)
	// 366 days, capacity 0 and price 0 are the edges allowed.
	res, err := svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: londonStandard, StartDate: date("2030-01-01"),
		EndDate: date("2030-01-01").AddDays(hotel.MaxRangeDays - 1), Capacity: ptr(0), Price: ptr(hotel.Cents(0))})
	if err != nil || res.Updated != hotel.MaxRangeDays {
		t.Fatalf("widest update = %+v, %v", res, err)
	}
}

func testSearchSeesWrites(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	q := stay("London", 0, "2030-06-09", 3, 1)
	// Five Deluxe rooms left on the 10th; Standard sold out on the 11th.
	adjust(t, svc, hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-06-10"), NumRooms: 5})
	adjust(t, svc, hotel.Adjustment{HotelID: london, RoomType: "Standard Rooms", StartDate: date("2030-06-11"), NumRooms: 9})
	_, _, err := svc.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(1), HotelID: london, RoomTypeID: londonStandard, CheckIn: date("2030-06-11"), CheckOut: date("2030-06-12")})
	must(t, err)
	p, err := svc.Search(ctx, q)
	must(t, err)
	want := offer(londonDeluxe, q.CheckIn, q.CheckOut)
	want.AvailableRooms = 5
	if len(p.Offers) != 1 || jsonOf(p.Offers[0]) != jsonOf(want) {
		t.Fatalf("offers:%s\nwant %+v", formatOffers(p, nil), want)
	}
	// A new room type with its own calendar is found, at its price.
	rt := hotel.RoomType{HotelID: london, Name: "Family Suite", MaxOccupancy: 5}
	must(t, svc.CreateRoomType(ctx, &rt))
	_, err = svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: london, RoomTypeID: rt.ID, StartDate: q.CheckIn, EndDate: q.CheckOut, Capacity: ptr(2), Price: ptr(hotel.Cents(25000))})
	must(t, err)
	p, err = svc.Search(ctx, q)
	must(t, err)
	if len(p.Offers) != 2 || p.Offers[0].RoomTypeID != rt.ID || p.Offers[0].TotalPrice != 75000 || p.Offers[0].AvailableRooms != 2 {
		t.Fatalf("offers:%s\nwant the family suite first at 750.00", formatOffers(p, nil))
	}
	q.Adults = 4
	p, err = svc.Search(ctx, q)
	if err != nil || len(p.Offers) != 1 || p.Offers[0].RoomTypeID != rt.ID {
		t.Fatalf("four guests: %s", formatOffers(p, err))
	}
}
