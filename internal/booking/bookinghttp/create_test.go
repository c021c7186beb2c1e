package bookinghttp_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

var (
	confirmationCode = regexp.MustCompile(`^[A-HJ-NP-Z2-9]{8}$`)
	uuidV7           = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// checkCreated checks the headers and generated fields of a 201 answer and
// returns its access token.
func checkCreated(t *testing.T, r response, bj bookingJSON) string {
	t.Helper()
	if !uuidV7.MatchString(bj.BookingID) {
		t.Fatalf("booking_id %q is not a UUIDv7", bj.BookingID)
	}
	if !confirmationCode.MatchString(bj.ConfirmationCode) {
		t.Fatalf("confirmation_code %q", bj.ConfirmationCode)
	}
	if got := r.Header.Get("Location"); got != "/bookings/"+bj.BookingID {
		t.Fatalf("Location = %q, want /bookings/%s", got, bj.BookingID)
	}
	if got := r.Header.Get("ETag"); got != etag(bj.Version) || bj.Version != 1 {
		t.Fatalf("ETag = %q, version %d; want %q", got, bj.Version, etag(1))
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("Cache-Control = %q", got)
	}
	if got := r.Header.Get("Idempotent-Replayed"); got != "" {
		t.Fatalf("Idempotent-Replayed = %q on a first answer", got)
	}
	if bj.AccessToken == nil || !strings.HasPrefix(*bj.AccessToken, "bt_"+strings.ReplaceAll(bj.BookingID, "-", "")+"_") {
		t.Fatalf("access_token = %v, want bt_<id>_…", bj.AccessToken)
	}
	// The store stamps these with its own (wall) clock, not the service's.
	if c, u := mustTime(t, bj.CreatedAt), mustTime(t, bj.UpdatedAt); c.IsZero() || u.Before(c) {
		t.Fatalf("created_at %q, updated_at %q", bj.CreatedAt, bj.UpdatedAt)
	}
	return *bj.AccessToken
}

func TestCreate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		// Every seed field, on POST /bookings/.
		body := with(standard("Ada Lovelace", 0, 3),
			"meal_plan", "BB", "market_segment", "Online TA", "booking_channel", "TA/TO", "is_holiday", true)
		r := b.do(t, http.MethodPost, "/bookings/", body)
		got := r.booking(t, http.StatusCreated)
		token := checkCreated(t, r, got)
		room, nights, total := prices(bookingtest.LondonStandard, 0, 3)
		want := bookingJSON{
			BookingID: got.BookingID, ConfirmationCode: got.ConfirmationCode, AccessToken: got.AccessToken,
			HotelID: bookingtest.London, HotelName: "Test Hotel 100", RoomTypeID: bookingtest.LondonStandard,
			RoomType: "Standard Rooms", GuestName: "Ada Lovelace", ArrivalDate: "2030-01-01", StayLength: 3,
			CheckOutDate: "2030-01-04", Adults: 2, Children: 0, MealPlan: "BB", MarketSegment: "Online TA",
			BookingChannel: "TA/TO", IsWeekend: false, IsHoliday: true,
			RoomPrice: room, NightlyPrices: nights, TotalPrice: total, Currency: "GBP", Status: "confirmed",
			Version: 1, CreatedAt: got.CreatedAt, UpdatedAt: got.UpdatedAt,
		}
		if room != "304.00" || total != "915.00" {
			t.Fatalf("fixture prices changed: %s, %s", room, total)
		}
		checkBooking(t, got, want)

		// The same booking read back with its token: the same, without the token.
		r2 := b.do(t, http.MethodGet, r.Header.Get("Location"), nil, "Authorization", bearer(token))
		read := r2.booking(t, http.StatusOK)
		want.AccessToken = nil
		checkBooking(t, read, want)
		if r2.Header.Get("ETag") != r.Header.Get("ETag") {
			t.Fatalf("GET ETag %q, create ETag %q", r2.Header.Get("ETag"), r.Header.Get("ETag"))
		}

		// POST /bookings (no slash), room type in any case, a weekend night,
		// the optional fields left out.
		r = b.do(t, http.MethodPost, "/bookings", newBooking("Grace Hopper", bookingtest.London, "deluxe ROOMS", bookingtest.Day(3), 2, 3, 0))
		got = r.booking(t, http.StatusCreated)
		checkCreated(t, r, got)
		room, nights, total = prices(bookingtest.LondonDeluxe, 3, 2)
		checkBooking(t, got, bookingJSON{
			BookingID: got.BookingID, ConfirmationCode: got.ConfirmationCode, AccessToken: got.AccessToken,
			HotelID: bookingtest.London, HotelName: "Test Hotel 100", RoomTypeID: bookingtest.LondonDeluxe,
			RoomType: "Deluxe Rooms", GuestName: "Grace Hopper", ArrivalDate: "2030-01-04", StayLength: 2,
			CheckOutDate: "2030-01-06", Adults: 3, IsWeekend: true,
			RoomPrice: room, NightlyPrices: nights, TotalPrice: total, Currency: "GBP", Status: "confirmed",
			Version: 1, CreatedAt: got.CreatedAt, UpdatedAt: got.UpdatedAt,
		})
		if total != "736.60" {
			t.Fatalf("fixture prices changed: %s", total)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &top); err != nil {
			t.Fatal(err)
		}
		if _, ok := top["meal_plan"]; ok {
			t.Fatalf("empty optional fields are sent: %s", r.Body)
		}

		// Auckland: its own currency, and already 2030-01-01 there.
		got = b.create(t, newBooking("Kate Sheppard", bookingtest.Auckland, "Standard Rooms", bookingtest.Day(0), 1, 1, 1))
		if got.Currency != "NZD" || got.HotelName != "Test Hotel 101" || got.RoomTypeID != bookingtest.AucklandStandard ||
			got.TotalPrice != "304.00" || got.Status != "confirmed" {
			t.Fatalf("Auckland booking = %+v", got)
		}

		stored := b.CheckInventory(t)
		if len(stored) != 3 {
			t.Fatalf("%d bookings stored, want 3", len(stored))
		}
		if n := b.Faults.Calls(bookingtest.CreateHold); n != 3 {
			t.Fatalf("%d CreateHold calls, want 3", n)
		}
	})
}

// checkBooking compares two bookings field by field.
func checkBooking(t *testing.T, got, want bookingJSON) {
	t.Helper()
	tok := func(p *string) string {
		if p == nil {
			return "<none>"
		}
		return *p
	}
	if tok(got.AccessToken) != tok(want.AccessToken) {
		t.Errorf("access_token = %s, want %s", tok(got.AccessToken), tok(want.AccessToken))
	}
	got.AccessToken, want.AccessToken = nil, nil
	if !slices.Equal(got.NightlyPrices, want.NightlyPrices) {
		t.Errorf("nightly_prices = %v, want %v", got.NightlyPrices, want.NightlyPrices)
	}
	got.NightlyPrices, want.NightlyPrices = nil, nil
	if got.CreatedAt != want.CreatedAt && !mustTime(t, got.CreatedAt).Equal(mustTime(t, want.CreatedAt)) {
		t.Errorf("created_at = %s, want %s", got.CreatedAt, want.CreatedAt)
	}
	if got.UpdatedAt != want.UpdatedAt && !mustTime(t, got.UpdatedAt).Equal(mustTime(t, want.UpdatedAt)) {
		t.Errorf("updated_at = %s, want %s", got.UpdatedAt, want.UpdatedAt)
	}
	got.CreatedAt, want.CreatedAt, got.UpdatedAt, want.UpdatedAt = "", "", "", ""
	if !want.ExplicitTerms {
		want = defaultTerms(want)
	}
	checkTerms(t, got, want)
	got.Terms, want.Terms, got.RatePlanID, want.RatePlanID, got.RatePlan, want.RatePlan = nil, nil, 0, 0, "", ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("booking =\n%+v\nwant\n%+v", got, want)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// defaultTerms is want with the terms shown of a booking sold on a
// default plan of the fixture (no policy, no guarantee, no tax) before its
// arrival: free cancellation until the arrival date begins in London
// (UTC+0 in the fixture's January), the price all net.
func defaultTerms(want bookingJSON) bookingJSON {
	want.Guarantee = &guaranteeDue{Kind: hotel.GuaranteeNone, Amount: "0.00"}
	want.PriceBreakdown = &priceBreakdown{Net: want.TotalPrice, Taxes: []taxLine{}, Gross: want.TotalPrice}
	want.CancellationDeadline, want.FreeCancellation, want.CancellationFee, want.LateCancellationFee = "", nil, "", ""
	if want.Status == hotel.StatusConfirmed || want.Status == hotel.StatusCancelled {
		free := true
		want.CancellationDeadline = want.ArrivalDate + "T00:00:00Z"
		want.FreeCancellation, want.CancellationFee, want.LateCancellationFee = &free, "0.00", "0.00"
	}
	return want
}

// checkTerms checks the plan a booking was sold on: want's, or when want
// names none, its room type's default plan (BAR-<room type id>); and that
// its terms record that plan and the booking's party.
func checkTerms(t *testing.T, got bookingJSON, want bookingJSON) {
	t.Helper()
	code := want.RatePlan
	if code == "" {
		code = fmt.Sprintf("BAR-%d", want.RoomTypeID)
	}
	if got.RatePlan != code || got.RatePlanID == 0 {
		t.Errorf("rate_plan = %q (id %d), want %q", got.RatePlan, got.RatePlanID, code)
	}
	if want.RatePlanID != 0 && got.RatePlanID != want.RatePlanID {
		t.Errorf("rate_plan_id = %d, want %d", got.RatePlanID, want.RatePlanID)
	}
	if got.Terms == nil {
		t.Errorf("terms missing")
		return
	}
	if c, _ := got.Terms.RatePlan["code"].(string); c != code {
		t.Errorf("terms.rate_plan.code = %q, want %q", c, code)
	}
	if id, _ := got.Terms.RatePlan["rate_plan_id"].(float64); int64(id) != got.RatePlanID {
		t.Errorf("terms.rate_plan.rate_plan_id = %v, want %d", id, got.RatePlanID)
	}
	// Children whose ages were not given are priced as of unknown age (-1).
	ages := got.ChildAges
	if len(ages) == 0 {
		ages = slices.Repeat([]int{-1}, got.Children)
	}
	if p := got.Terms.Party; p.Adults != got.Adults || !slices.Equal(p.ChildAges, ages) && len(p.ChildAges)+len(ages) > 0 {
		t.Errorf("terms.party = %+v, want %d adults, children aged %v", p, got.Adults, got.ChildAges)
	}
}

func TestCreateInvalid(t *testing.T) {
	t.Parallel()
	good := standard("Ada Lovelace", 0, 2)
	cases := []struct {
		name   string
		body   any
		ctype  string // Content-Type, when not JSON
		status int
		code   string
		errors []hotel.FieldError
	}{
		{"unknown field", with(good, "pets", 2), "", 400, hotel.EINVALID, []hotel.FieldError{fe("pets", "unknown field")}},
		{"unknown nested", with(good, "guest", map[string]any{"name": "x"}), "", 400, hotel.EINVALID, []hotel.FieldError{fe("guest", "unknown field")}},
		{"adults not a number", with(good, "adults", "two"), "", 400, hotel.EINVALID, []hotel.FieldError{fe("adults", "must be an integer")}},
		{"hotel_id a string", with(good, "hotel_id", "100"), "", 400, hotel.EINVALID, []hotel.FieldError{fe("hotel_id", "must be an integer")}},
		{"stay_length fractional", with(good, "stay_length", 1.5), "", 400, hotel.EINVALID, []hotel.FieldError{fe("stay_length", "must be an integer")}},
		{"is_holiday a string", with(good, "is_holiday", "yes"), "", 400, hotel.EINVALID, []hotel.FieldError{fe("is_holiday", "must be true or false")}},
		{"guest_name a number", with(good, "guest_name", 7), "", 400, hotel.EINVALID, []hotel.FieldError{fe("guest_name", "must be a string")}},
		{"malformed JSON", `{"guest_name": "Ada", `, "", 400, hotel.EINVALID, nil},
		{"not an object", `[1, 2]`, "", 400, hotel.EINVALID, []hotel.FieldError{fe("body", "must be an object")}},
		{"two objects", `{} {}`, "", 400, hotel.EINVALID, nil},
		{"empty body", ``, "", 400, hotel.EINVALID, nil},
		{"not JSON", `guest_name=Ada`, "application/x-www-form-urlencoded", 415, hotel.EUNSUPPORTEDMEDIA,
			[]hotel.FieldError{fe("Content-Type", "must be application/json")}},
		{"JSON as text", good, "text/plain", 415, hotel.EUNSUPPORTEDMEDIA, []hotel.FieldError{fe("Content-Type", "must be application/json")}},
		{"duplicate field", `{"guest_name":"Ada Lovelace","guest_name":"Mallory","hotel_id":100,"room_type":"Standard Rooms","arrival_date":"2030-01-01","stay_length":2,"adults":2}`,
			"", 400, hotel.EINVALID, []hotel.FieldError{fe("guest_name", "is given more than once")}},
		{"field name in capitals", with(good, "GUEST_NAME", "Mallory"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("GUEST_NAME", "unknown field (names are case-sensitive: guest_name)")}},
		{"null field", `{"guest_name":"Ada Lovelace","hotel_id":100,"room_type":"Standard Rooms","arrival_date":"2030-01-01","stay_length":2,"adults":2,"children":null}`,
			"", 400, hotel.EINVALID, []hotel.FieldError{fe("children", "must not be null")}},
		{"invalid UTF-8", "{\"guest_name\":\"Ada \xff\"}", "", 400, hotel.EINVALID, []hotel.FieldError{fe("body", "must be valid UTF-8")}},
		{"right-to-left override", with(good, "guest_name", "Ada \u202eecalevoL"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("guest_name", "must not contain bidirectional control characters (such as U+202E)")}},
		{"line separator", with(good, "guest_name", "Ada\u2028Lovelace"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("guest_name", "must be a single line: no line or paragraph separators (U+2028, U+2029)")}},
		{"paragraph separator in a label", with(good, "meal_plan", "BB\u2029"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("meal_plan", "must be a single line: no line or paragraph separators (U+2028, U+2029)")}},
		{"impossible date", with(good, "arrival_date", "2030-02-30"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("arrival_date", `date "2030-02-30" is not a valid YYYY-MM-DD date`)}},
		{"date in another form", with(good, "arrival_date", "1/2/2030"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("arrival_date", `date "1/2/2030" is not in YYYY-MM-DD form`)}},
		{"date a number", with(good, "arrival_date", 20300101), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("arrival_date", "date must be a string in YYYY-MM-DD form")}},
		{"past arrival", with(good, "arrival_date", "2029-12-30"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("arrival_date", "is in the past at the hotel, where it is 2029-12-31")}},
		{"no arrival", with(good, "arrival_date", nil), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("arrival_date", "is required (YYYY-MM-DD)")}},
		{"stay too long", with(good, "stay_length", 31), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("stay_length", "must be between 1 and 30 nights")}},
		{"no nights", with(good, "stay_length", 0), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("stay_length", "must be between 1 and 30 nights")}},
		{"party too big", with(good, "children", 1), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("adults", "a party of 2 adult(s) and 1 child(ren) exceeds the 2 guests a room of Standard Rooms holds")}},
		{"no adults", with(good, "adults", 0), "", 400, hotel.EINVALID, []hotel.FieldError{fe("adults", "must be at least 1")}},
		{"negative children", with(good, "children", -1), "", 400, hotel.EINVALID, []hotel.FieldError{fe("children", "must not be negative")}},
		{"unknown hotel", with(good, "hotel_id", 999), "", 400, hotel.EINVALID, []hotel.FieldError{fe("hotel_id", "no hotel has this id")}},
		{"zero hotel", with(good, "hotel_id", 0), "", 400, hotel.EINVALID, []hotel.FieldError{fe("hotel_id", "must be a positive integer")}},
		{"unknown room type", with(good, "room_type", "Suite"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("room_type", `hotel 100 has no room type "Suite"`)}},
		{"room type of another hotel", with(good, "hotel_id", bookingtest.Auckland, "room_type", "Royal Suite"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("room_type", `hotel 101 has no room type "Royal Suite"`)}},
		{"no guest", with(good, "guest_name", "  "), "", 400, hotel.EINVALID, []hotel.FieldError{fe("guest_name", "is required")}},
		{"guest name too long", with(good, "guest_name", strings.Repeat("é", 101)), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("guest_name", "must be at most 100 characters")}},
		{"control characters", with(good, "guest_name", "Ada\u0007"), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("guest_name", "must not contain control characters")}},
		{"meal plan too long", with(good, "meal_plan", strings.Repeat("B", 51)), "", 400, hotel.EINVALID,
			[]hotel.FieldError{fe("meal_plan", "must be at most 50 characters")}},
		{"everything wrong", map[string]any{"guest_name": "", "hotel_id": bookingtest.London, "room_type": "",
			"arrival_date": "2029-01-01", "stay_length": 0, "adults": 0, "children": -1}, "", 400, hotel.EINVALID,
			[]hotel.FieldError{
				fe("guest_name", "is required"), fe("stay_length", "must be between 1 and 30 nights"),
				fe("adults", "must be at least 1"), fe("children", "must not be negative"), fe("room_type", "is required"),
				fe("arrival_date", "is in the past at the hotel, where it is 2029-12-31"),
			}},
		{"body too large", `{"guest_name": "` + strings.Repeat("a", 1<<20) + `"}`, "", 413, hotel.ETOOLARGE, nil},
	}
	each(t, func(t *testing.T, b *bench) {
		for _, c := range cases {
			for _, path := range []string{"/bookings/", "/bookings"} {
				var headers []string
				if c.ctype != "" {
					headers = []string{"Content-Type", c.ctype}
				}
				r := b.do(t, http.MethodPost, path, c.body, headers...)
				if r.Status != c.status {
					t.Fatalf("%s: POST %s = %d, want %d:\n%s", c.name, path, r.Status, c.status, r.Body)
				}
				p := r.problem(t, c.status, c.code)
				fields(t, p, c.errors...)
				if p.Instance != path {
					t.Fatalf("%s: instance %q", c.name, p.Instance)
				}
				if r.Header.Get("Location") != "" || r.Header.Get("ETag") != "" {
					t.Fatalf("%s: error with Location/ETag: %v", c.name, r.Header)
				}
			}
			if n := b.count(t); n != 0 {
				t.Fatalf("%s: %d bookings stored, want 0", c.name, n)
			}
		}
		if n := b.Faults.Calls(bookingtest.CreateHold); n != 0 {
			t.Fatalf("%d CreateHold calls for invalid requests, want 0", n)
		}
		b.CheckInventory(t)
	})
}

func TestCreateSoldOut(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		// London Deluxe has SmallCapacity (2) rooms: fill 2030-01-06 and -07.
		for i := range bookingtest.SmallCapacity {
			b.create(t, deluxe("Guest "+string(rune('A'+i)), 5, 2))
		}
		before := b.AllBookings(t)
		r := b.do(t, http.MethodPost, "/bookings/", deluxe("Late Guest", 4, 4))
		p := r.problem(t, http.StatusConflict, hotel.ECONFLICT)
		if want := []hotel.Date{bookingtest.Day(5), bookingtest.Day(6)}; !slices.Equal(p.Nights, want) {
			t.Fatalf("nights = %v, want %v", p.Nights, want)
		}
		if p.Detail != "Deluxe Rooms is sold out on 2 night(s) of the stay from 2030-01-05." {
			t.Fatalf("detail = %q", p.Detail)
		}
		if !strings.Contains(string(r.Body), `"nights":["2030-01-06","2030-01-07"]`) {
			t.Fatalf("nights not as dates: %s", r.Body)
		}
		// The refused booking is recorded failed, without the guest's name;
		// no room was taken.
		after := b.CheckInventory(t)
		statuses := map[string]string{}
		for _, bk := range after {
			statuses[bk.GuestName] = bk.Status
		}
		want := map[string]string{"Guest A": "confirmed", "Guest B": "confirmed", "(not recorded)": "failed"}
		if len(after) != len(before)+1 || !maps.Equal(statuses, want) {
			t.Fatalf("after a sold-out request: %v, want %v", statuses, want)
		}
		// Other nights of the same room type still sell.
		b.create(t, deluxe("Early Guest", 4, 1))
		b.CheckInventory(t)
	})
}

func TestCreateInventoryUnavailable(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		// The hotel cannot be looked up: nothing is recorded.
		b.Faults.Set(bookingtest.GetHotel, bookingtest.Fault{Err: bookingtest.Unavailable})
		r := b.do(t, http.MethodPost, "/bookings/", standard("Ada Lovelace", 0, 2))
		r.problem(t, http.StatusServiceUnavailable, hotel.EUNAVAILABLE)
		if got := r.Header.Get("Retry-After"); got != "5" {
			t.Fatalf("Retry-After = %q, want 5", got)
		}
		if n := b.Faults.Calls(bookingtest.GetHotel); n != 4 {
			t.Fatalf("%d GetHotel calls, want 4 (1 + 3 retries)", n)
		}
		if n := b.count(t); n != 0 {
			t.Fatalf("%d bookings stored, want 0", n)
		}
		b.Faults.Clear()

		// The hold cannot be taken: nothing is recorded, nothing held.
		b.Faults.Set(bookingtest.CreateHold, bookingtest.Fault{Err: bookingtest.Unavailable})
		r = b.do(t, http.MethodPost, "/bookings/", standard("Ada Lovelace", 0, 2))
		p := r.problem(t, http.StatusServiceUnavailable, hotel.EUNAVAILABLE)
		if got := r.Header.Get("Retry-After"); got != "5" {
			t.Fatalf("Retry-After = %q, want 5", got)
		}
		if p.Detail != "The booking could not be completed because inventory is unavailable; retry with the same Idempotency-Key." {
			t.Fatalf("detail = %q", p.Detail)
		}
		if all := b.CheckInventory(t); len(all) != 0 {
			t.Fatalf("bookings = %+v, want none", all)
		}
		b.Faults.Clear()
		b.create(t, standard("Ada Lovelace", 0, 2))
		b.CheckInventory(t)
	})
}
