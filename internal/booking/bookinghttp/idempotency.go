package bookinghttp

import (
	"context"
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
// settled) instead of making a second one, with a new access token.
//
// An access token is kept nowhere but as its hash, so the stored answer of
// a create has none. A replayed create — its first answer may never have
// reached the client, which is why it retries — carries a new one instead,
// which replaces the booking's token: whoever holds the key (anonymous
// callers' keys are secret UUIDs) holds the booking, and the token of the
// latest answer to the key is the one that works.

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

// tokenIssuer is a booking service that can give a booking a new access
// token (booking.Service is one).
type tokenIssuer interface {
	NewAccessToken(ctx context.Context, id string) (string, error)
}

// idempotent runs do under the Idempotency-Key the request carries, if any,
// on the booking resource names.
func (a *api) idempotent(resource func(*http.Request) (string, bool), do idempotency.Op) http.Handler {
	return a.keys.Handle(idempotency.Route{
		Resource:  resource,
		Resumable: a.createWithID != nil,
		Stored:    withoutToken,
		Replay:    a.replay,
	}, do)
}

// replay is a stored booking answer as replayed: with the ETag and, for a
// create, the Location it was first sent with and a new access token.
func (a *api) replay(r *http.Request, h http.Header, status int, body []byte) ([]byte, error) {
	if status >= 400 {
		return body, nil
	}
	var b struct {
		ID      string `json:"booking_id"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.ID == "" {
		return body, nil //nolint:nilerr // not a booking's answer: replayed as it was stored
	}
	h.Set("ETag", etag(b.Version))
	if status != http.StatusCreated {
		return body, nil
	}
	h.Set("Location", "/bookings/"+b.ID)
	if a.issueToken == nil {
		return body, nil
	}
	token, err := a.issueToken(r.Context(), b.ID)
	if err != nil {
		return nil, err
	}
	return withToken(body, token), nil
}

// withoutToken is the body to store: a created booking's access token is
// shown once and kept nowhere.
func withoutToken(status int, body []byte) []byte {
	if status != http.StatusCreated {
		return body
	}
	return setToken(body, nil)
}

// withToken is a stored created booking with access token token.
func withToken(body []byte, token string) []byte {
	t, err := json.Marshal(token)
	if err != nil {
		return body
	}
	return setToken(body, t)
}

// setToken returns the booking of body with its access_token member set to
// token (nil: removed).
func setToken(body []byte, token json.RawMessage) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	if token == nil {
		if _, ok := m["access_token"]; !ok {
			return body
		}
		delete(m, "access_token")
	} else {
		m["access_token"] = token
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return append(out, '\n')
}
