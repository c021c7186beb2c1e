package bookinghttp_test

import (
	"net/http"
	"testing"

	"github.com/hotelplatform/hotel"
)

// TestStoreDown: with the database gone, every route answers a 5xx
// problem that says nothing about SQL, drivers or Go.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		key := b.staffKey(t, "staff", hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite)
		bk := b.create(t, standard("Ada Lovelace", 0, 2))
		path := "/bookings/" + bk.BookingID
		if err := b.Store.Close(); err != nil {
			t.Fatal(err)
		}
		admin := []string{"Authorization", bearer(adminKey)}
		// A closed store is not "unavailable" to the drivers: the booking
		// routes answer 500 "internal error"; credentials that need the
		// store cannot be checked (503 from the auth Router).
		const internal, noAuth = "internal error", "Credentials cannot be checked right now; try again shortly."
		for _, c := range []struct {
			method, path string
			body         any
			headers      []string
			status       int
			detail       string
		}{
			{http.MethodGet, path, nil, admin, 500, internal},
			{http.MethodGet, "/bookings/?limit=5", nil, admin, 500, internal},
			{http.MethodPost, "/bookings/", standard("Grace Hopper", 1, 1), nil, 500, internal},
			{http.MethodPost, "/bookings/", standard("Grace Hopper", 1, 1), []string{keyHeader, hotel.NewIdempotencyKey()}, 500, internal},
			{http.MethodPatch, path, map[string]any{"guest_name": "X"}, admin, 500, internal},
			{http.MethodPatch, path, map[string]any{"guest_name": "X"}, append([]string{keyHeader, hotel.NewIdempotencyKey()}, admin...), 500, internal},
			{http.MethodDelete, path, nil, admin, 500, internal},
			{http.MethodPost, path + "/check-out", nil, admin, 500, internal},
			{http.MethodGet, path, nil, []string{"Authorization", bearer(*bk.AccessToken)}, 503, noAuth},
			{http.MethodGet, path, nil, []string{"Authorization", bearer(key)}, 503, noAuth},
		} {
			r := b.do(t, c.method, c.path, c.body, c.headers...) // checks for leaks
			code := hotel.EINTERNAL
			if c.status == 503 {
				code = hotel.EUNAVAILABLE
			}
			if p := r.problem(t, c.status, code); p.Detail != c.detail || len(p.Errors) != 0 {
				t.Fatalf("%s %s: %+v", c.method, c.path, p)
			}
		}
	})
}

// TestRoutes: methods and paths no route serves get problem answers.
func TestRoutes(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		bk := b.create(t, standard("Ada Lovelace", 0, 1))
		for _, c := range []struct {
			method, path, allow string
		}{
			// POST is listed because the collection's subtree pattern
			// "POST /bookings/" matches here too (and answers 404, below).
			{http.MethodPut, "/bookings/" + bk.BookingID, "DELETE, GET, HEAD, PATCH, POST"},
			{http.MethodPut, "/bookings/", "GET, HEAD, POST"},
			{http.MethodDelete, "/bookings", "GET, HEAD, POST"},
		} {
			r := b.do(t, c.method, c.path, nil, "Authorization", bearer(adminKey))
			p := r.problem(t, http.StatusMethodNotAllowed, "method_not_allowed")
			if r.Header.Get("Allow") != c.allow {
				t.Fatalf("%s %s: Allow %q, want %q (%s)", c.method, c.path, r.Header.Get("Allow"), c.allow, p.Detail)
			}
		}
		b.do(t, http.MethodPost, "/bookings/"+bk.BookingID, standard("X", 1, 1)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		// GET falls to the collection's subtree pattern: 404, not 405.
		b.do(t, http.MethodGet, "/bookings/"+bk.BookingID+"/check-out", nil, "Authorization", bearer(adminKey)).
			problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		b.do(t, http.MethodGet, "/bookingsx", nil, "Authorization", bearer(adminKey)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		if n := b.count(t); n != 1 {
			t.Fatalf("%d bookings", n)
		}
	})
}
