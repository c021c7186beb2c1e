package bookinghttp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
)

// TestErase: POST /bookings/{id}/erase is for admin keys only; it replaces
// the guest name, makes the access token stop working, keeps everything
// else, and answers the same when repeated.
func TestErase(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		mine := b.create(t, standard("Ada Lovelace", 0, 2))
		path := "/bookings/" + mine.BookingID + "/erase"
		writer := b.staffKey(t, "writer", hotel.ScopeBookingsWrite, hotel.ScopeBookingsRead, hotel.ScopeGuestsRead)
		inventory := b.staffKey(t, "inventory", hotel.ScopeInventoryWrite)
		for _, c := range []struct {
			who, header string
			status      int
			code        string
		}{
			{"anonymous", "", 401, hotel.EUNAUTHORIZED},
			{"the booking's own token", bearer(*mine.AccessToken), 403, hotel.EFORBIDDEN},
			{"bookings:write + read + guests:read", bearer(writer), 403, hotel.EFORBIDDEN},
			{"inventory:write", bearer(inventory), 403, hotel.EFORBIDDEN},
		} {
			var h []string
			if c.header != "" {
				h = []string{"Authorization", c.header}
			}
			b.do(t, http.MethodPost, path, nil, h...).problem(t, c.status, c.code)
		}
		// Refused callers changed nothing.
		if got := b.do(t, http.MethodGet, "/bookings/"+mine.BookingID, nil, "Authorization", bearer(adminKey)).booking(t, http.StatusOK); got.GuestName != "Ada Lovelace" || got.Version != 1 {
			t.Fatalf("after refused erasures: %+v", got)
		}

		for i := range 2 { // a second erasure answers the same
			r := b.do(t, http.MethodPost, path, nil, "Authorization", bearer(adminKey))
			got := r.booking(t, http.StatusOK)
			if got.GuestName != "(erased)" || got.Version != 2 || got.Status != hotel.StatusConfirmed ||
				got.TotalPrice != mine.TotalPrice || got.ArrivalDate != mine.ArrivalDate || got.StayLength != mine.StayLength || got.AccessToken != nil {
				t.Fatalf("erasure %d: %+v", i+1, got)
			}
			if r.Header.Get("ETag") != etag(2) || strings.Contains(string(r.Body), "Ada") {
				t.Fatalf("erasure %d: ETag %q, body %s", i+1, r.Header.Get("ETag"), r.Body)
			}
		}
		// The guest's token no longer works.
		b.do(t, http.MethodGet, "/bookings/"+mine.BookingID, nil, "Authorization", bearer(*mine.AccessToken)).problem(t, 401, hotel.EUNAUTHORIZED)
		// A body is refused; unknown bookings are 404.
		b.do(t, http.MethodPost, path, `{}`, "Authorization", bearer(adminKey)).problem(t, 400, hotel.EINVALID)
		b.do(t, http.MethodPost, "/bookings/0190a0b0-0000-7000-8000-000000000000/erase", nil, "Authorization", bearer(adminKey)).problem(t, 404, hotel.ENOTFOUND)
		b.do(t, http.MethodPost, "/bookings/not-a-uuid/erase", nil, "Authorization", bearer(adminKey)).problem(t, 404, hotel.ENOTFOUND)
	})
}
