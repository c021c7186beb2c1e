package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

// call sends method url with an optional JSON body and headers (key, value
// pairs), decodes a JSON answer into out (when not nil) and returns the response.
func call(t *testing.T, method, url, body string, out any, headers ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	privacy.watchBodies([]byte(body), b)
	if bytes.Contains(b, []byte("SQLSTATE")) || bytes.Contains(b, []byte("goroutine ")) || bytes.Contains(b, []byte(".go:")) {
		t.Fatalf("%s %s leaks internals: %s", method, url, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s = %d, body not JSON: %v\n%s", method, url, resp.StatusCode, err, b)
		}
	}
	return resp
}

// bookingView is a booking as clients see it.
type bookingView struct {
	ID               string `json:"booking_id"`
	ConfirmationCode string `json:"confirmation_code"`
	AccessToken      string `json:"access_token"`
	Version          int    `json:"version"`
	HotelID          int64  `json:"hotel_id"`
	HotelName        string `json:"hotel_name"`
	RoomType         string `json:"room_type"`
	GuestName        string `json:"guest_name"`
	ArrivalDate      string `json:"arrival_date"`
	StayLength       int    `json:"stay_length"`
	CheckOutDate     string `json:"check_out_date"`
	RoomPrice        string `json:"room_price"`
	NightlyPrices    []struct {
		Date  string `json:"date"`
		Price string `json:"price"`
	} `json:"nightly_prices"`
	TotalPrice string `json:"total_price"`
	Currency   string `json:"currency"`
	Status     string `json:"reservation_status"`
}

// sum adds up the nightly prices of b.
func (b bookingView) sum(t *testing.T) hotel.Cents {
	var total hotel.Cents
	for _, n := range b.NightlyPrices {
		c, err := hotel.ParseCents(n.Price)
		if err != nil {
			t.Fatal(err)
		}
		total += c
	}
	return total
}

// available returns the rooms for sale of hotel 111's room type on the
// nights from first, as the public inventory API reports them.
func available(t *testing.T, gw, roomType string, first hotel.Date, nights int) []int {
	t.Helper()
	var items []item
	url := fmt.Sprintf("%s/inventory/111?start_date=%s&end_date=%s", gw, first, first.AddDays(nights-1))
	if r := get(t, url, &items); r.StatusCode != 200 {
		t.Fatalf("GET %s = %d", url, r.StatusCode)
	}
	var out []int
	for _, it := range items {
		if it.RoomType == roomType {
			out = append(out, *it.AvailableRooms)
		}
	}
	if len(out) != nights {
		t.Fatalf("%d rows of %s, want %d", len(out), roomType, nights)
	}
	return out
}

func minus(a []int, b ...int) []int {
	out := make([]int, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// checkBookingFlow walks a booking's life through the gateway: search,
// book, read as each kind of caller, modify, retry with an
// Idempotency-Key, cancel — checking inventory after each step — and that
// the guest's name reaches no log.
func checkBookingFlow(t *testing.T, sys *system, cs []caller) {
	gw := sys.Gateway
	key := func(scope string) string {
		for _, c := range cs {
			if c.name == scope {
				return c.header
			}
		}
		t.Fatalf("no caller %q", scope)
		return ""
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	arrival := hotel.Today(time.Now(), london).AddDays(20)

	// Search offers the stay.
	var found struct {
		Offers []struct {
			HotelID  int64  `json:"hotel_id"`
			RoomType string `json:"room_type"`
			Total    string `json:"total_price"`
		} `json:"offers"`
	}
	url := fmt.Sprintf("%s/inventory/search?location=london&check_in=%s&check_out=%s&adults=2", gw, arrival, arrival.AddDays(3))
	if r := call(t, "GET", url, "", &found); r.StatusCode != 200 || len(found.Offers) == 0 {
		t.Fatalf("search = %d with %d offers", r.StatusCode, len(found.Offers))
	}
	const roomType = "Deluxe Rooms"
	before := available(t, gw, roomType, arrival, 4)

	// Book anonymously.
	const guest = "Zebedee Quillfeather"
	body := fmt.Sprintf(`{"guest_name":%q,"hotel_id":111,"room_type":"deluxe rooms","arrival_date":"%s","stay_length":3,"adults":2,"children":0,"meal_plan":"BB"}`, guest, arrival)
	var b bookingView
	r := call(t, "POST", gw+"/bookings/", body, &b)
	if r.StatusCode != 201 || r.Header.Get("Location") != "/bookings/"+b.ID || !strings.HasPrefix(b.AccessToken, "bt_") ||
		b.Status != "confirmed" || b.GuestName != guest || b.HotelName != "Royal Lancaster" || b.RoomType != roomType ||
		b.CheckOutDate != arrival.AddDays(3).String() || len(b.NightlyPrices) != 3 || b.RoomPrice != b.NightlyPrices[0].Price ||
		b.Currency != "GBP" || len(b.ConfirmationCode) != 8 {
		t.Fatalf("POST /bookings/ = %d %+v (Location %q)", r.StatusCode, b, r.Header.Get("Location"))
	}
	if total, err := hotel.ParseCents(b.TotalPrice); err != nil || total != b.sum(t) {
		t.Fatalf("total_price %s is not the sum of %+v", b.TotalPrice, b.NightlyPrices)
	}
	if got, want := available(t, gw, roomType, arrival, 4), minus(before, 1, 1, 1, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after booking, available %v, want %v", got, want)
	}
	token := "Bearer " + b.AccessToken

	// Who sees what.
	for _, tc := range []struct {
		who, header string
		status      int
		name        string
	}{
		{"its token", token, 200, guest},
		{"its token via /booking/", token, 200, guest},
		{"bookings:read", key(hotel.ScopeBookingsRead), 200, hotel.Redacted},
		{"admin", key("HOTEL_ADMIN_KEY"), 200, guest},
		{"guests:read alone", key(hotel.ScopeGuestsRead), 403, ""},
		{"anonymous", "", 401, ""},
	} {
		path := "/bookings/" + b.ID
		if strings.HasSuffix(tc.who, "via /booking/") {
			path = "/booking" + path
		}
		var got bookingView
		var hdr []string
		if tc.header != "" {
			hdr = []string{"Authorization", tc.header}
		}
		r := call(t, "GET", gw+path, "", &got, hdr...)
		if r.StatusCode != tc.status || (tc.status == 200 && (got.GuestName != tc.name || got.AccessToken != "")) {
			t.Errorf("GET %s as %s = %d, guest %q, token %q; want %d, %q", path, tc.who, r.StatusCode, got.GuestName, got.AccessToken, tc.status, tc.name)
		}
		if tc.status == 401 && r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	}

	// A second booking's token does not open the first (404, not 403).
	var other bookingView
	if r := call(t, "POST", gw+"/bookings", strings.Replace(body, guest, "Ophelia Marchbanks", 1), &other); r.StatusCode != 201 {
		t.Fatalf("second booking = %d", r.StatusCode)
	}
	var p problem
	if r := call(t, "GET", gw+"/bookings/"+b.ID, "", &p, "Authorization", "Bearer "+other.AccessToken); r.StatusCode != 404 || p.Code != "not_found" {
		t.Fatalf("another booking's token = %d %+v", r.StatusCode, p)
	}
	if r := call(t, "DELETE", gw+"/bookings/"+b.ID, "", &p, "Authorization", "Bearer "+other.AccessToken); r.StatusCode != 404 {
		t.Fatalf("cancel with another booking's token = %d", r.StatusCode)
	}

	// Staff listing: paginated, names redacted without guests:read.
	var list []bookingView
	r = call(t, "GET", gw+"/bookings/?limit=1", "", &list, "Authorization", key(hotel.ScopeBookingsRead))
	if r.StatusCode != 200 || len(list) != 1 || list[0].GuestName != hotel.Redacted || !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("GET /bookings/?limit=1 = %d %+v Link %q", r.StatusCode, list, r.Header.Get("Link"))
	}

	// The owner lengthens the stay: the hold grows, the price follows.
	var longer bookingView
	r = call(t, "PATCH", gw+"/bookings/"+b.ID, `{"stay_length":4}`, &longer, "Authorization", token, "If-Match", fmt.Sprintf(`W/"%d"`, b.Version))
	if r.StatusCode != 200 || longer.StayLength != 4 || len(longer.NightlyPrices) != 4 || longer.CheckOutDate != arrival.AddDays(4).String() {
		t.Fatalf("PATCH stay_length = %d %+v", r.StatusCode, longer)
	}
	if total, _ := hotel.ParseCents(longer.TotalPrice); total != longer.sum(t) {
		t.Fatalf("re-priced total %s is not the sum of %+v", longer.TotalPrice, longer.NightlyPrices)
	}
	if got, want := available(t, gw, roomType, arrival, 4), minus(before, 2, 2, 2, 1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the change, available %v, want %v", got, want)
	}
	p = problem{}
	if r := call(t, "PATCH", gw+"/bookings/"+b.ID, `{"stay_length":2,"vip":true}`, &p, "Authorization", token); r.StatusCode != 400 ||
		len(p.Errors) != 1 || p.Errors[0].Field != "vip" {
		t.Fatalf("PATCH with an unknown field = %d %+v", r.StatusCode, p)
	}
	if r := call(t, "PATCH", gw+"/bookings/"+b.ID, `{"stay_length":2}`, &p, "Authorization", token, "If-Match", fmt.Sprintf(`W/"%d"`, b.Version)); r.StatusCode != 412 {
		t.Fatalf("PATCH with a stale If-Match = %d", r.StatusCode)
	}

	// A create retried with one Idempotency-Key (anonymous: a random
	// UUID) books once; the replay carries a new access token, which
	// replaces the first.
	idem := strings.Replace(body, guest, "Perpetua Idlewild", 1)
	idemKey := hotel.NewIdempotencyKey()
	var first, again bookingView
	r1 := call(t, "POST", gw+"/bookings/", idem, &first, "Idempotency-Key", idemKey)
	r2 := call(t, "POST", gw+"/bookings/", idem, &again, "Idempotency-Key", idemKey)
	if r1.StatusCode != 201 || r2.StatusCode != 201 || first.ID != again.ID || r2.Header.Get("Idempotent-Replayed") != "true" ||
		again.AccessToken == "" || again.AccessToken == first.AccessToken {
		t.Fatalf("idempotent create: %d %s then %d %s (replayed %q)", r1.StatusCode, first.ID, r2.StatusCode, again.ID, r2.Header.Get("Idempotent-Replayed"))
	}
	for tok, want := range map[string]int{again.AccessToken: 200, first.AccessToken: 401} {
		if r := call(t, "GET", gw+"/bookings/"+first.ID, "", nil, "Authorization", "Bearer "+tok); r.StatusCode != want {
			t.Fatalf("GET with a token of the idempotent create = %d, want %d", r.StatusCode, want)
		}
	}
	if r := call(t, "POST", gw+"/bookings/", body, &p, "Idempotency-Key", idemKey); r.StatusCode != 422 {
		t.Fatalf("a key reused with another body = %d", r.StatusCode)
	}
	if r := call(t, "POST", gw+"/bookings/", idem, &p, "Idempotency-Key", "e2e-"+b.ID); r.StatusCode != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "Idempotency-Key" {
		t.Fatalf("an anonymous guessable key = %d %+v", r.StatusCode, p)
	}
	// Three bookings hold the first three nights, one the fourth.
	if got, want := available(t, gw, roomType, arrival, 4), minus(before, 3, 3, 3, 1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the idempotent create, available %v, want %v", got, want)
	}

	// Bad input changes nothing.
	for _, bad := range []string{
		`{"guest_name":"","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"` + arrival.String() + `","stay_length":3,"adults":2}`,
		`{"guest_name":"X","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"2001-01-01","stay_length":3,"adults":2}`,
		`{"guest_name":"X","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"` + arrival.String() + `","stay_length":31,"adults":2}`,
		`{"guest_name":"X","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"` + arrival.String() + `","stay_length":3,"adults":9}`,
		`{"guest_name":"X","hotel_id":999999,"room_type":"Deluxe Rooms","arrival_date":"` + arrival.String() + `","stay_length":3,"adults":2}`,
		`{"guest_name":"X","hotel_id":111,"room_type":"Broom Cupboard","arrival_date":"` + arrival.String() + `","stay_length":3,"adults":2}`,
		`{"guest_name":"X","hotel_id":"111","room_type":"Deluxe Rooms","arrival_date":"` + arrival.String() + `","stay_length":3,"adults":2}`,
		`{"guest_name":"X","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"2030-02-30","stay_length":3,"adults":2}`,
		`{"guest_name":"Robert'); DROP TABLE booking;--","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"2001-01-01","stay_length":3,"adults":2}`,
		`{"guest_name":`,
	} {
		p = problem{}
		r := call(t, "POST", gw+"/bookings/", bad, &p)
		if r.StatusCode != 400 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST %s = %d %s, want 400 problem+json", bad, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	if got, want := available(t, gw, roomType, arrival, 4), minus(before, 3, 3, 3, 1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after refused bookings, available %v, want %v", got, want)
	}

	// Cancel: the nights come back, once.
	var cancelled bookingView
	if r := call(t, "DELETE", gw+"/bookings/"+b.ID, "", &cancelled, "Authorization", token); r.StatusCode != 200 || cancelled.Status != "cancelled" {
		t.Fatalf("DELETE = %d %+v", r.StatusCode, cancelled)
	}
	if r := call(t, "DELETE", gw+"/bookings/"+b.ID, "", &p, "Authorization", token); r.StatusCode != 409 {
		t.Fatalf("second DELETE = %d", r.StatusCode)
	}
	if got, want := available(t, gw, roomType, arrival, 4), minus(before, 2, 2, 2, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the cancel, available %v, want %v", got, want)
	}

	// Inventory changes need inventory:write (issue 3's "done means").
	adjust := fmt.Sprintf(`{"room_type":"Standard Rooms","date":"%s","num_rooms":1,"reason":"e2e"}`, arrival.AddDays(10))
	if r := call(t, "POST", gw+"/inventory/111/adjust", adjust, nil, "Authorization", key(hotel.ScopeBookingsRead)); r.StatusCode != 403 {
		t.Fatalf("adjust with bookings:read = %d, want 403", r.StatusCode)
	}
	if r := call(t, "POST", gw+"/inventory/111/adjust", adjust, nil); r.StatusCode != 401 {
		t.Fatalf("adjust without a key = %d, want 401", r.StatusCode)
	}
	if r := call(t, "POST", gw+"/inventory/111/adjust", adjust, nil, "Authorization", "Bearer "+testAdminKey); r.StatusCode != 200 {
		t.Fatalf("adjust with HOTEL_ADMIN_KEY = %d, want 200", r.StatusCode)
	}

	// No guest name in any log, at debug level.
	for name, p := range sys.procs {
		logs := p.logs.String()
		for _, g := range []string{guest, "Ophelia Marchbanks", "Perpetua Idlewild", "Quillfeather", b.AccessToken, other.AccessToken} {
			if strings.Contains(logs, g) {
				t.Errorf("%q appears in the %s log", g, name)
			}
		}
	}
}
