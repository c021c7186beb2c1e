package inventoryhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory"
)

// Hold groups (CreateHolds): the rooms of one booking held all or none, on
// every driver × {in-process, HTTP}.

func TestHoldGroups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, svc hotel.InventoryService)
	}{
		{"Create", testHoldGroupCreate},
		{"SoldOut", testHoldGroupSoldOut},
		{"Errors", testHoldGroupErrors},
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

// roomsOf asks for one room of each room type of rts in London over
// [in, out), under the hold ids of booking n's rooms.
func roomsOf(n int, in, out string, rts ...int64) []hotel.HoldRequest {
	reqs := make([]hotel.HoldRequest, len(rts))
	for k, rt := range rts {
		reqs[k] = hotel.HoldRequest{BookingID: hotel.RoomHoldID(bookingID(n), k+1), HotelID: london, RoomTypeID: rt,
			CheckIn: date(in), CheckOut: date(out)}
	}
	return reqs
}

// price is the fixture's price of a room type's nights.
func price(rt int64) hotel.Cents {
	if rt == londonDeluxe {
		return 36480
	}
	return 30400
}

// wantGroupHold is the hold of req on its room type's default plan.
func wantGroupHold(req hotel.HoldRequest) hotel.Hold {
	n := req.CheckIn.DaysUntil(req.CheckOut)
	return hotel.Hold{BookingID: req.BookingID, HotelID: req.HotelID, RoomTypeID: req.RoomTypeID, CheckIn: req.CheckIn, CheckOut: req.CheckOut,
		Status: hotel.HoldHeld, Nights: prices(req.CheckIn.String(), n, price(req.RoomTypeID)), TotalPrice: hotel.Cents(n) * price(req.RoomTypeID), Currency: "GBP"}
}

// noGroupHolds fails t unless no id of reqs has a hold.
func noGroupHolds(t *testing.T, svc hotel.InventoryService, what string, reqs []hotel.HoldRequest) {
	t.Helper()
	for _, r := range reqs {
		if h, err := svc.GetHold(context.Background(), r.BookingID); hotel.ErrorCode(err) != hotel.ENOTFOUND {
			t.Fatalf("%s: GetHold(%s) = %+v, %v; want not found", what, r.BookingID, h, err)
		}
	}
}

func testHoldGroupCreate(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	reqs := roomsOf(1, "2030-01-10", "2030-01-13", londonStandard, londonStandard, londonDeluxe)
	if reqs[0].BookingID != bookingID(1) {
		t.Fatalf("room 1's hold id %s, want the booking id %s", reqs[0].BookingID, bookingID(1))
	}
	hs, created, err := svc.CreateHolds(ctx, reqs)
	must(t, err)
	if !created || len(hs) != 3 {
		t.Fatalf("CreateHolds = %d holds, created %v; want 3, created", len(hs), created)
	}
	for k, r := range reqs {
		checkHold(t, fmt.Sprintf("room %d", k+1), &hs[k], wantGroupHold(r))
		got, err := svc.GetHold(ctx, r.BookingID)
		must(t, err)
		checkHold(t, fmt.Sprintf("GetHold of room %d", k+1), got, wantGroupHold(r))
	}
	wantAvailable(t, svc, "standard after the group", london, londonStandard, "2030-01-09", 10, 8, 8, 8, 10)
	wantAvailable(t, svc, "deluxe after the group", london, londonDeluxe, "2030-01-09", 10, 9, 9, 9, 10)

	// The same group again: the same holds, nothing taken twice.
	again, created, err := svc.CreateHolds(ctx, reqs)
	must(t, err)
	if created || len(again) != len(hs) {
		t.Fatalf("retry = %d holds, created %v; want %d, not created", len(again), created, len(hs))
	}
	for k := range hs {
		if holdString(t, &again[k]) != holdString(t, &hs[k]) || !again[k].CreatedAt.Equal(hs[k].CreatedAt) {
			t.Fatalf("retry, room %d = %+v, want the first hold %+v", k+1, again[k], hs[k])
		}
	}
	// Room 1 alone, asked as a one-room hold: the same hold.
	one, created, err := svc.CreateHold(ctx, reqs[0])
	must(t, err)
	if created || holdString(t, one) != holdString(t, &hs[0]) {
		t.Fatalf("CreateHold of room 1 = %+v (created %v), want its hold", one, created)
	}
	wantAvailable(t, svc, "standard after the retries", london, londonStandard, "2030-01-09", 10, 8, 8, 8, 10)

	// Other requests under the same ids, or a group some of whose rooms
	// are held, are refused and change nothing.
	for what, g := range map[string][]hotel.HoldRequest{
		"another stay":       roomsOf(1, "2030-01-10", "2030-01-14", londonStandard, londonStandard, londonDeluxe),
		"other room types":   roomsOf(1, "2030-01-10", "2030-01-13", londonDeluxe, londonStandard, londonStandard),
		"a fourth room":      roomsOf(1, "2030-01-10", "2030-01-13", londonStandard, londonStandard, londonDeluxe, londonDeluxe),
		"two of three rooms": roomsOf(1, "2030-01-10", "2030-01-13", londonStandard, londonStandard),
	} {
		hs, _, err := svc.CreateHolds(ctx, g)
		if hs != nil {
			t.Fatalf("%s: holds %+v with the refusal", what, hs)
		}
		checkError(t, err, hotel.ECONFLICT, "")
		if he := asError(t, err); len(he.Nights) != 0 || !strings.Contains(he.Message, bookingID(1)) {
			t.Fatalf("%s: %v; want a conflict about booking %s, naming no nights", what, err, bookingID(1))
		}
	}
	if _, err := svc.GetHold(ctx, hotel.RoomHoldID(bookingID(1), 4)); hotel.ErrorCode(err) != hotel.ENOTFOUND {
		t.Fatalf("the refused fourth room left a hold: %v", err)
	}
	wantAvailable(t, svc, "standard after the refusals", london, londonStandard, "2030-01-09", 10, 8, 8, 8, 10)
	wantAvailable(t, svc, "deluxe after the refusals", london, londonDeluxe, "2030-01-09", 10, 9, 9, 9, 10)

	// A party and a plan per room, checked and priced like a single hold's.
	family := roomsOf(2, "2030-01-20", "2030-01-22", londonDeluxe, londonStandard)
	family[0].Adults, family[0].ChildAges = 2, []int{7}
	family[1].Adults = 2
	hs, created, err = svc.CreateHolds(ctx, family)
	must(t, err)
	for k, r := range family {
		single := r
		single.BookingID = bookingID(100 + k)
		h, _, err := svc.CreateHold(ctx, single)
		must(t, err)
		if !created || hs[k].Terms == nil || hs[k].Terms.Party.Key() != h.Terms.Party.Key() || hs[k].TotalPrice != h.TotalPrice ||
			hs[k].RatePlanID != h.RatePlanID {
			t.Fatalf("family room %d = %+v (terms %+v), want priced as the single hold %+v (terms %+v)", k+1, hs[k], hs[k].Terms, h, h.Terms)
		}
	}
}

func testHoldGroupSoldOut(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	// One Standard room left on Feb 2; no Deluxe room on Feb 3.
	_, err := svc.Adjust(ctx, &hotel.Adjustment{HotelID: london, RoomType: "Standard Rooms", StartDate: date("2030-02-02"), NumRooms: 9, Actor: actorName})
	must(t, err)
	_, err = svc.Adjust(ctx, &hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-02-03"), NumRooms: 10, Actor: actorName})
	must(t, err)
	before := [][]int{available(t, svc, london, londonStandard, "2030-02-01", 4), available(t, svc, london, londonDeluxe, "2030-02-01", 4)}

	two := roomsOf(1, "2030-02-01", "2030-02-04", londonStandard, londonStandard)
	_, _, err = svc.CreateHolds(ctx, two)
	checkNights(t, err, hotel.ECONFLICT, "2030-02-02")
	if msg := hotel.ErrorMessage(err); msg != "Not enough rooms left on 2030-02-02 for the 2 rooms asked (Standard Rooms)." {
		t.Fatalf("message %q", msg)
	}
	noGroupHolds(t, svc, "two standard rooms, one left", two)

	three := roomsOf(2, "2030-02-01", "2030-02-04", londonDeluxe, londonStandard, londonStandard)
	_, _, err = svc.CreateHolds(ctx, three)
	checkNights(t, err, hotel.ECONFLICT, "2030-02-02", "2030-02-03")
	noGroupHolds(t, svc, "both short", three)
	after := [][]int{available(t, svc, london, londonStandard, "2030-02-01", 4), available(t, svc, london, londonDeluxe, "2030-02-01", 4)}
	if !slices.EqualFunc(before, after, slices.Equal) {
		t.Fatalf("refused groups changed the inventory: %v, then %v", before, after)
	}

	// One of each fits; then the last standard room is gone.
	hs, created, err := svc.CreateHolds(ctx, roomsOf(3, "2030-02-01", "2030-02-03", londonStandard, londonDeluxe))
	must(t, err)
	if !created || len(hs) != 2 {
		t.Fatalf("CreateHolds = %d holds, created %v", len(hs), created)
	}
	wantAvailable(t, svc, "standard after the group", london, londonStandard, "2030-02-01", 9, 0, 10)
}

func testHoldGroupErrors(t *testing.T, svc hotel.InventoryService) {
	ctx := context.Background()
	good := func() []hotel.HoldRequest {
		return roomsOf(1, "2030-01-10", "2030-01-12", londonStandard, londonDeluxe)
	}
	with := func(mod func(r []hotel.HoldRequest) []hotel.HoldRequest) []hotel.HoldRequest { return mod(good()) }
	ten := make([]hotel.HoldRequest, hotel.MaxRoomsPerBooking+1)
	for k := range ten {
		ten[k] = roomsOf(1, "2030-01-10", "2030-01-12", londonStandard)[0]
		ten[k].BookingID = hotel.RoomHoldID(bookingID(1), k+1)
	}
	for _, tc := range []struct {
		name   string
		reqs   []hotel.HoldRequest
		fields []string
	}{
		{"no room", nil, []string{"rooms"}},
		{"too many rooms", ten, []string{"rooms"}},
		{"different check-outs", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].CheckOut = date("2030-01-13"); return r }),
			[]string{"rooms[1].check_out"}},
		{"different stays", with(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			r[1].CheckIn, r[1].CheckOut = date("2030-01-11"), date("2030-01-13")
			return r
		}), []string{"rooms[1].check_in", "rooms[1].check_out"}},
		{"mixed hotels", with(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			r[1].HotelID, r[1].RoomTypeID = auckland, aucklandStandard
			return r
		}), []string{"rooms[1].hotel_id"}},
		{"a room without a room type", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].RoomTypeID = 0; return r }),
			[]string{"rooms[1].room_type_id"}},
		{"a room's bad party and stay", with(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			r[0].Adults, r[0].CheckOut = -1, r[0].CheckIn
			return r
		}), []string{"rooms[0].adults", "rooms[0].check_out", "rooms[1].check_out"}},
		{"a bad booking id", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[0].BookingID = "not-a-uuid"; return r }),
			[]string{"booking_id"}},
		{"room 2 under another id", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].BookingID = bookingID(2); return r }),
			[]string{"rooms[1].booking_id"}},
		{"an unknown room type", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].RoomTypeID = 999999; return r }),
			[]string{"rooms[1].room_type_id"}},
		{"a room type of another hotel", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].RoomTypeID = aucklandDeluxe; return r }),
			[]string{"rooms[1].room_type_id"}},
		{"an unknown hotel", with(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			r[0].HotelID, r[1].HotelID = 999999, 999999
			return r
		}), []string{"rooms[0].hotel_id"}},
		{"an unknown rate plan", with(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[1].RatePlan = "NOPE"; return r }),
			[]string{"rooms[1].rate_plan"}},
	} {
		hs, created, err := svc.CreateHolds(ctx, tc.reqs)
		if hs != nil || created {
			t.Fatalf("%s: holds %+v, created %v with the refusal", tc.name, hs, created)
		}
		checkError(t, err, hotel.EINVALID, "")
		if got := errorFields(err); !slices.Equal(got, tc.fields) {
			t.Fatalf("%s: %v names fields %v, want %v", tc.name, err, got, tc.fields)
		}
	}
	// A plan's rule broken by one room refuses the group, saying which room.
	big := good()
	big[1].Adults = 4 // the deluxe room takes 3
	_, _, err := svc.CreateHolds(ctx, big)
	checkError(t, err, hotel.ECONFLICT, "")
	if he := asError(t, err); !strings.HasPrefix(he.Message, "Room 2: ") || len(he.Violations) == 0 {
		t.Fatalf("a room over its occupancy: %v (violations %v); want a conflict of room 2 with violations", err, he.Violations)
	}
	noGroupHolds(t, svc, "after the refusals", append(good(), ten...))
	wantAvailable(t, svc, "after the refusals", london, londonStandard, "2030-01-09", 10, 10, 10, 10)
}

// TestHoldGroupsOnTheWire: PUT /inventory/hold-groups/{booking_id} as a
// client sees it — 201 then 200 with {"holds": […]}, problem+json naming
// the fields of a refused group.
func TestHoldGroupsOnTheWire(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			st := seeded(t, d)
			srv := serve(t, inventory.NewService(st, at(t, noon)), st)
			const bid = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
			path := "/inventory/hold-groups/" + bid
			room := func(hotelID, rt int64, in, out string) string {
				b, err := json.Marshal(map[string]any{"hotel_id": hotelID, "room_type_id": rt, "check_in": in, "check_out": out})
				must(t, err)
				return string(b)
			}
			body := func(rooms ...string) string { return `{"rooms":[` + strings.Join(rooms, ",") + `]}` }
			std, dlx := room(london, londonStandard, "2030-01-10", "2030-01-12"), room(london, londonDeluxe, "2030-01-10", "2030-01-12")

			for _, tc := range []struct {
				name, body string
				fields     []string
			}{
				{"no rooms", `{"rooms":[]}`, []string{"rooms"}},
				{"no body members", `{}`, []string{"rooms"}},
				{"too many rooms", body(slices.Repeat([]string{std}, hotel.MaxRoomsPerBooking+1)...), []string{"rooms"}},
				{"different stays", body(std, room(london, londonDeluxe, "2030-01-11", "2030-01-12")), []string{"rooms[1].check_in"}},
				{"mixed hotels", body(std, room(auckland, aucklandStandard, "2030-01-10", "2030-01-12")), []string{"rooms[1].hotel_id"}},
				{"a bad room", body(std, room(london, 0, "2030-01-10", "2030-01-12")), []string{"rooms[1].room_type_id"}},
				{"an unknown field", `{"rooms":[` + std + `],"extra":1}`, []string{"extra"}},
			} {
				resp, b := send(t, srv, http.MethodPut, path, "application/json", tc.body)
				p := checkProblem(t, resp, b, http.StatusBadRequest, tc.fields[0])
				var got []string
				for _, f := range p.Errors {
					got = append(got, f.Field)
				}
				if !slices.Equal(got, tc.fields) {
					t.Fatalf("%s: problem names %v, want %v", tc.name, got, tc.fields)
				}
			}

			var first holdGroupAnswer
			for i, want := range []int{http.StatusCreated, http.StatusOK} {
				resp, b := send(t, srv, http.MethodPut, path, "application/json", body(std, dlx, std))
				if resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("PUT %d = %d %s: %s; want %d", i+1, resp.StatusCode, resp.Header.Get("Content-Type"), b, want)
				}
				if loc, wantLoc := resp.Header.Get("Location"), map[int]string{http.StatusCreated: "/inventory/holds/" + bid}[want]; loc != wantLoc {
					t.Fatalf("PUT %d: Location %q, want %q", i+1, loc, wantLoc)
				}
				var got holdGroupAnswer
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatalf("answer %s: %v", b, err)
				}
				ids := make([]string, len(got.Holds))
				for k, h := range got.Holds {
					ids[k] = h.BookingID
				}
				wantIDs := []string{bid, hotel.RoomHoldID(bid, 2), hotel.RoomHoldID(bid, 3)}
				if !slices.Equal(ids, wantIDs) || got.Holds[1].RoomTypeID != londonDeluxe || got.Holds[0].TotalPrice != 2*30400 {
					t.Fatalf("PUT %d answered holds %+v, want ids %v, the second deluxe", i+1, got.Holds, wantIDs)
				}
				if i == 0 {
					first = got
				} else if !slices.EqualFunc(got.Holds, first.Holds, func(a, b hotel.Hold) bool { return a.CreatedAt.Equal(b.CreatedAt) }) {
					t.Fatalf("the retry answered other holds: %+v, first %+v", got.Holds, first.Holds)
				}
			}
			// A night the group cannot have: 409 naming it.
			_, err := inventory.NewService(st, at(t, noon)).Adjust(context.Background(),
				&hotel.Adjustment{HotelID: london, RoomType: "Deluxe Rooms", StartDate: date("2030-03-02"), NumRooms: 10, Actor: actorName})
			must(t, err)
			resp, b := send(t, srv, http.MethodPut, "/inventory/hold-groups/"+bookingID(2), "application/json",
				body(room(london, londonStandard, "2030-03-01", "2030-03-03"), room(london, londonDeluxe, "2030-03-01", "2030-03-03")))
			if p := checkProblem(t, resp, b, http.StatusConflict, ""); !slices.Equal(p.Nights, []hotel.Date{date("2030-03-02")}) {
				t.Fatalf("sold out: problem names nights %v, want 2030-03-02", p.Nights)
			}
		})
	}
}

// holdGroupAnswer is the body of a hold group's answer.
type holdGroupAnswer struct {
	Holds []hotel.Hold `json:"holds"`
}
