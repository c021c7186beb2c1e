package bookinghttp_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

func TestGetAccess(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		mine := b.create(t, standard("Ada Lovelace", 0, 2))
		other := b.create(t, standard("Grace Hopper", 1, 2))
		path := "/bookings/" + mine.BookingID
		reader := b.staffKey(t, "reader", hotel.ScopeBookingsRead)
		guests := b.staffKey(t, "guests", hotel.ScopeBookingsRead, hotel.ScopeGuestsRead)
		writer := b.staffKey(t, "writer", hotel.ScopeBookingsWrite)
		inventory := b.staffKey(t, "inventory", hotel.ScopeInventoryWrite, hotel.ScopeGuestsRead)

		visible := []struct{ who, cred string }{
			{"own token", *mine.AccessToken},
			{"bookings:read + guests:read", guests},
			{"admin key", adminKey},
		}
		for _, c := range visible {
			r := b.do(t, http.MethodGet, path, nil, "Authorization", bearer(c.cred))
			got := r.booking(t, http.StatusOK)
			if got.BookingID != mine.BookingID || got.GuestName != "Ada Lovelace" || got.AccessToken != nil ||
				got.ConfirmationCode != mine.ConfirmationCode || got.TotalPrice != mine.TotalPrice || got.Version != 1 {
				t.Fatalf("%s: GET = %+v", c.who, got)
			}
			if r.Header.Get("ETag") != etag(1) || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s: headers %v", c.who, r.Header)
			}
		}
		// The id in any case names the same booking.
		r := b.do(t, http.MethodGet, "/bookings/"+strings.ToUpper(mine.BookingID), nil, "Authorization", bearer(guests))
		if got := r.booking(t, http.StatusOK); got.BookingID != mine.BookingID {
			t.Fatalf("upper-case id: %+v", got)
		}

		// bookings:read alone: the guest name is redacted, nothing else.
		r = b.do(t, http.MethodGet, path, nil, "Authorization", bearer(reader))
		got := r.booking(t, http.StatusOK)
		if got.GuestName != hotel.Redacted || got.BookingID != mine.BookingID || got.HotelName != "Test Hotel 100" {
			t.Fatalf("bookings:read only: %+v", got)
		}
		if strings.Contains(string(r.Body), "Ada") {
			t.Fatalf("redacted answer names the guest: %s", r.Body)
		}

		// Another booking's token: as if the booking did not exist.
		r = b.do(t, http.MethodGet, path, nil, "Authorization", bearer(*other.AccessToken))
		p := r.problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		if p.Detail != "Booking "+mine.BookingID+" was not found." {
			t.Fatalf("detail = %q", p.Detail)
		}
		missing := "0190a0b0-0000-7000-8000-000000000000"
		r = b.do(t, http.MethodGet, "/bookings/"+missing, nil, "Authorization", bearer(guests))
		if p2 := r.problem(t, http.StatusNotFound, hotel.ENOTFOUND); p2.Detail != "Booking "+missing+" was not found." {
			t.Fatalf("missing booking detail = %q", p2.Detail)
		}
		r = b.do(t, http.MethodGet, "/bookings/not-a-uuid", nil, "Authorization", bearer(guests))
		r.problem(t, http.StatusNotFound, hotel.ENOTFOUND)

		// No credentials, bad credentials, and credentials without the scope.
		for _, c := range []struct {
			who, header string
			status      int
			code        string
		}{
			{"anonymous", "", 401, hotel.EUNAUTHORIZED},
			{"unknown key", bearer("hk_aaaaaaaaaaaa_" + strings.Repeat("x", 43)), 401, hotel.EUNAUTHORIZED},
			{"forged token", bearer("bt_" + strings.ReplaceAll(mine.BookingID, "-", "") + "_" + strings.Repeat("x", 43)), 401, hotel.EUNAUTHORIZED},
			{"not bearer", "Basic " + adminKey, 401, hotel.EUNAUTHORIZED},
			{"bookings:write only", bearer(writer), 403, hotel.EFORBIDDEN},
			{"inventory:write + guests:read", bearer(inventory), 403, hotel.EFORBIDDEN},
		} {
			var h []string
			if c.header != "" {
				h = []string{"Authorization", c.header}
			}
			r := b.do(t, http.MethodGet, path, nil, h...)
			r.problem(t, c.status, c.code)
			wantWWW := ""
			if c.status == 401 {
				wantWWW = `Bearer realm="hotel"`
			}
			if got := r.Header.Get("WWW-Authenticate"); got != wantWWW {
				t.Fatalf("%s: WWW-Authenticate = %q, want %q", c.who, got, wantWWW)
			}
			if strings.Contains(string(r.Body), mine.ConfirmationCode) {
				t.Fatalf("%s: refusal shows the booking: %s", c.who, r.Body)
			}
		}
	})
}

var linkNext = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// listAll follows GET /bookings/?query page by page and returns the pages.
func (b *bench) listAll(t *testing.T, query, cred string) [][]bookingJSON {
	t.Helper()
	var pages [][]bookingJSON
	next := "/bookings/?" + query
	for next != "" {
		r := b.do(t, http.MethodGet, next, nil, "Authorization", bearer(cred))
		pages = append(pages, r.bookings(t))
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("list Cache-Control = %q", r.Header.Get("Cache-Control"))
		}
		next = ""
		if l := r.Header.Get("Link"); l != "" {
			m := linkNext.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("Link = %q", l)
			}
			u, err := url.Parse(m[1])
			if err != nil || u.Path != "/bookings/" || u.Host != "" || u.Query().Get("cursor") == "" {
				t.Fatalf("Link target %q", m[1])
			}
			next = m[1]
		}
		if len(pages) > 100 {
			t.Fatal("pagination does not end")
		}
	}
	return pages
}

func ids(bs []bookingJSON) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, b.BookingID)
	}
	return out
}

func TestList(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		guests := b.staffKey(t, "guests", hotel.ScopeBookingsRead, hotel.ScopeGuestsRead)
		reader := b.staffKey(t, "reader", hotel.ScopeBookingsRead)

		// Seven bookings: London on days 0..4, Auckland on days 2 and 6;
		// the one on day 3 cancelled.
		var all []bookingJSON
		for i, n := range []int{0, 1, 2, 3, 4} {
			all = append(all, b.create(t, standard("London "+string(rune('A'+i)), n, 1)))
		}
		for i, n := range []int{2, 6} {
			all = append(all, b.create(t, newBooking("Auckland "+string(rune('A'+i)), bookingtest.Auckland, "Standard Rooms", bookingtest.Day(n), 1, 1, 0)))
		}
		b.do(t, http.MethodDelete, "/bookings/"+all[3].BookingID, nil, "Authorization", bearer(adminKey)).booking(t, http.StatusOK)
		newestFirst := ids(all)
		slices.Sort(newestFirst)
		slices.Reverse(newestFirst)

		// Every page size: each booking exactly once, newest (largest id) first.
		for _, limit := range []int{1, 2, 3, 6, 7, 8, 500} {
			pages := b.listAll(t, "limit="+itoa(limit), guests)
			wantPages := (len(all) + limit - 1) / limit
			if len(pages) != wantPages {
				t.Fatalf("limit %d: %d pages, want %d", limit, len(pages), wantPages)
			}
			var got []string
			for i, p := range pages {
				if i < len(pages)-1 && len(p) != limit {
					t.Fatalf("limit %d: page %d has %d bookings", limit, i, len(p))
				}
				got = append(got, ids(p)...)
			}
			if !slices.Equal(got, newestFirst) {
				t.Fatalf("limit %d: listed %v, want %v", limit, got, newestFirst)
			}
		}
		// The default page holds them all, with names for guests:read.
		r := b.do(t, http.MethodGet, "/bookings/", nil, "Authorization", bearer(guests))
		list := r.bookings(t)
		if !slices.Equal(ids(list), newestFirst) || r.Header.Get("Link") != "" {
			t.Fatalf("default page: %v (Link %q)", ids(list), r.Header.Get("Link"))
		}
		for _, bk := range list {
			if bk.AccessToken != nil || bk.GuestName == hotel.Redacted || bk.GuestName == "" {
				t.Fatalf("listed booking %+v", bk)
			}
		}
		// bookings:read alone: every name redacted. /bookings works too.
		for _, bk := range b.do(t, http.MethodGet, "/bookings", nil, "Authorization", bearer(reader)).bookings(t) {
			if bk.GuestName != hotel.Redacted || bk.AccessToken != nil {
				t.Fatalf("bookings:read lists %+v", bk)
			}
		}

		// Filters, alone and together, each followed across pages.
		byID := func(idx ...int) []string {
			var out []string
			for _, id := range newestFirst {
				for _, i := range idx {
					if all[i].BookingID == id {
						out = append(out, id)
					}
				}
			}
			return out
		}
		lower := strings.ToLower(all[4].ConfirmationCode)
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"hotel_id=100", byID(0, 1, 2, 3, 4)},
			{"hotel_id=101", byID(5, 6)},
			{"hotel_id=102", nil},
			{"status=cancelled", byID(3)},
			{"status=confirmed", byID(0, 1, 2, 4, 5, 6)},
			{"status=failed", nil},
			{"arrival_from=2030-01-03", byID(2, 3, 4, 5, 6)},
			{"arrival_to=2030-01-03", byID(0, 1, 2, 5)},
			{"arrival_from=2030-01-02&arrival_to=2030-01-04", byID(1, 2, 3, 5)},
			{"arrival_from=2030-01-03&arrival_to=2030-01-03", byID(2, 5)},
			{"hotel_id=100&status=confirmed&arrival_from=2030-01-02", byID(1, 2, 4)},
			{"confirmation_code=" + all[4].ConfirmationCode, byID(4)},
			{"confirmation_code=" + lower, byID(4)},
			{"confirmation_code=ZZZZZZZZ", nil},
		} {
			for _, limit := range []string{"", "&limit=1", "&limit=2"} {
				var got []string
				for _, p := range b.listAll(t, c.query+limit, guests) {
					got = append(got, ids(p)...)
				}
				if !slices.Equal(got, c.want) {
					t.Fatalf("?%s%s: %v, want %v", c.query, limit, got, c.want)
				}
			}
		}
		// A page of nothing is an empty array, not null.
		if r := b.do(t, http.MethodGet, "/bookings/?hotel_id=102", nil, "Authorization", bearer(guests)); strings.TrimSpace(string(r.Body)) != "[]" {
			t.Fatalf("empty page = %s", r.Body)
		}
	})
}

func TestListInvalid(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		b.create(t, standard("Ada Lovelace", 0, 1))
		for _, c := range []struct {
			query  string
			errors []hotel.FieldError
		}{
			{"hotel_id=abc", []hotel.FieldError{fe("hotel_id", "must be an integer between 1 and 9223372036854775807")}},
			{"hotel_id=0", []hotel.FieldError{fe("hotel_id", "must be an integer between 1 and 9223372036854775807")}},
			{"hotel_id=-5", []hotel.FieldError{fe("hotel_id", "must be an integer between 1 and 9223372036854775807")}},
			{"status=bogus", []hotel.FieldError{fe("status", "must be one of pending, confirmed, checked_in, cancelled, no_show, completed, failed")}},
			{"status=" + strings.Repeat("x", 21), []hotel.FieldError{fe("status", "must be at most 20 bytes")}},
			{"arrival_from=2030-13-01", []hotel.FieldError{fe("arrival_from", "must be a real date in YYYY-MM-DD form")}},
			{"arrival_to=tomorrow", []hotel.FieldError{fe("arrival_to", "must be a real date in YYYY-MM-DD form")}},
			{"arrival_from=2030-01-05&arrival_to=2030-01-04", []hotel.FieldError{fe("arrival_to", "must not be before arrival_from")}},
			{"departure_from=2030-01-05&departure_to=2030-01-04", []hotel.FieldError{fe("departure_to", "must not be before departure_from")}},
			{"departure_to=soon", []hotel.FieldError{fe("departure_to", "must be a real date in YYYY-MM-DD form")}},
			{"guest_name=" + strings.Repeat("x", 101), []hotel.FieldError{fe("guest_name", "must be at most 100 bytes")}},
			{"confirmation_code=AB-12", []hotel.FieldError{fe("confirmation_code", "must be a confirmation code such as K7PQ2MXA")}},
			{"confirmation_code=" + strings.Repeat("A", 17), []hotel.FieldError{fe("confirmation_code", "must be at most 16 bytes")}},
			{"limit=0", []hotel.FieldError{fe("limit", "must be an integer between 1 and 500")}},
			{"limit=501", []hotel.FieldError{fe("limit", "must be an integer between 1 and 500")}},
			{"limit=ten", []hotel.FieldError{fe("limit", "must be an integer between 1 and 500")}},
			{"cursor=abc", []hotel.FieldError{fe("cursor", "not a cursor returned by this API")}},
			{"status=confirmed&status=cancelled", []hotel.FieldError{fe("status", "must be given at most once")}},
			{"hotel=100", []hotel.FieldError{fe("hotel", "unknown query parameter; allowed: limit, cursor, hotel_id, status, arrival_from, arrival_to, departure_from, departure_to, confirmation_code, guest_name")}},
			{"start_date=2030-01-01", []hotel.FieldError{fe("start_date", "unknown query parameter; allowed: limit, cursor, hotel_id, status, arrival_from, arrival_to, departure_from, departure_to, confirmation_code, guest_name")}},
			{"a=%zz", []hotel.FieldError{fe("query", "is not a valid URL query string")}},
		} {
			r := b.do(t, http.MethodGet, "/bookings/?"+c.query, nil, "Authorization", bearer(adminKey))
			p := r.problem(t, http.StatusBadRequest, hotel.EINVALID)
			fields(t, p, c.errors...)
		}
		// Several at once are all named.
		r := b.do(t, http.MethodGet, "/bookings/?limit=0&hotel_id=x&foo=1", nil, "Authorization", bearer(adminKey))
		p := r.problem(t, http.StatusBadRequest, hotel.EINVALID)
		var names []string
		for _, f := range p.Errors {
			names = append(names, f.Field)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"foo", "hotel_id", "limit"}) {
			t.Fatalf("fields %v", names)
		}

		// Listing is for staff with bookings:read, not for a booking's owner.
		own := b.create(t, standard("Grace Hopper", 1, 1))
		b.do(t, http.MethodGet, "/bookings/", nil, "Authorization", bearer(*own.AccessToken)).problem(t, http.StatusForbidden, hotel.EFORBIDDEN)
		r = b.do(t, http.MethodGet, "/bookings/", nil)
		r.problem(t, http.StatusUnauthorized, hotel.EUNAUTHORIZED)
		if r.Header.Get("WWW-Authenticate") != `Bearer realm="hotel"` {
			t.Fatalf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
		}
		// Paths below the collection that are not a booking.
		b.do(t, http.MethodGet, "/bookings/"+own.BookingID+"/extra", nil, "Authorization", bearer(adminKey)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		b.do(t, http.MethodPost, "/bookings/"+own.BookingID+"/extra", standard("X", 1, 1)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		if n := b.count(t); n != 2 {
			t.Fatalf("%d bookings, want 2", n)
		}
	})
}
