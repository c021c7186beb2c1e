package bookinghttp

import (
	"encoding/json"
	"net/http"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/idempotency"
)

// Idempotency-Key handling (POST, PATCH, DELETE, check-out) is the
// platform's one mechanism (package idempotency); what is the booking
// routes' own is here. The resource is the booking: for a create, the id it
// will create, chosen before anything is written, so a retry after a 5xx
// resumes the booking the first attempt recorded (pending until its hold is
// settled) instead of making a second one; the resumed answer has no access
// token if the first attempt had already stored the booking. A replayed
// create has no access_token: the token is never stored outside its hash.

func newBookingID(*http.Request) (string, bool) { return booking.NewID(), true }

// pathBookingID is the booking of the path; a path id no booking can have
// (ids are UUIDs) runs as it is, and finds no booking.
func pathBookingID(r *http.Request) (string, bool) {
	id := r.PathValue("booking_id")
	if _, ok := hotel.ParseBookingID(id); !ok {
		return id, false
	}
	return id, true
}

// idempotent runs do under the Idempotency-Key the request carries, if any,
// on the booking resource names.
func (a *api) idempotent(resource func(*http.Request) (string, bool), do idempotency.Op) http.Handler {
	return a.keys.Handle(idempotency.Route{
		Resource:  resource,
		Resumable: a.createWithID != nil,
		Stored:    withoutToken,
		Replayed:  bookingHeaders,
	}, do)
}

// bookingHeaders are the ETag and, for a create, the Location a replayed
// booking was first sent with.
func bookingHeaders(h http.Header, status int, body []byte) {
	if status >= 400 {
		return
	}
	var b struct {
		ID      string `json:"booking_id"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(body, &b) == nil && b.ID != "" {
		h.Set("ETag", etag(b.Version))
		if status == http.StatusCreated {
			h.Set("Location", "/bookings/"+b.ID)
		}
	}
}

// withoutToken is the body to store: a created booking's access token is
// shown once and kept nowhere.
func withoutToken(status int, body []byte) []byte {
	if status != http.StatusCreated {
		return body
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	if _, ok := m["access_token"]; !ok {
		return body
	}
	delete(m, "access_token")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return append(out, '\n')
}
