// Package bookinghttp is the booking service over HTTP: the seed's
// /bookings routes, with ETags, If-Match and Idempotency-Key. The gateway
// proxies these routes, so there is no client.
package bookinghttp

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/web"
)

// Routes is the whole booking API: each route with who may call it and its
// handler over svc. keys applies the Idempotency-Keys of the routes that
// change bookings.
func Routes(svc hotel.BookingService, keys *idempotency.Keys) []auth.Route {
	a := &api{svc: svc, keys: keys}
	if c, ok := svc.(creator); ok {
		a.createWithID = c.CreateWithID
	}
	if t, ok := svc.(tokenIssuer); ok {
		a.issueToken = t.NewAccessToken
	}
	create := collection(a.idempotent(newBookingID, a.create))
	list := collection(http.HandlerFunc(a.list))
	var (
		anyone = auth.Rule{Public: true}
		reader = auth.Rule{Scope: hotel.ScopeBookingsRead}
		// Staff keys by scope; the booking's access token for that booking only.
		ownerReads  = auth.Rule{Scope: hotel.ScopeBookingsRead, Owner: true}
		ownerWrites = auth.Rule{Scope: hotel.ScopeBookingsWrite, Owner: true}
		admin       = auth.Rule{} // the zero Rule: admin keys only
	)
	return []auth.Route{
		{Pattern: "POST /bookings/", Rule: anyone, Handler: create},
		{Pattern: "POST /bookings", Rule: anyone, Handler: create},
		{Pattern: "GET /bookings/", Rule: reader, Handler: list},
		{Pattern: "GET /bookings", Rule: reader, Handler: list},
		{Pattern: "GET /bookings/{booking_id}", Rule: ownerReads, Handler: http.HandlerFunc(a.get)},
		{Pattern: "PATCH /bookings/{booking_id}", Rule: ownerWrites, Handler: a.idempotent(pathBookingID, a.modify)},
		{Pattern: "DELETE /bookings/{booking_id}", Rule: ownerWrites, Handler: a.idempotent(pathBookingID, a.cancel)},
		{Pattern: "DELETE /bookings/{booking_id}/rooms/{room_no}", Rule: ownerWrites, Handler: a.idempotent(pathBookingID, a.cancelRoom)},
		{Pattern: "GET /bookings/{booking_id}/cancellation", Rule: ownerReads, Handler: http.HandlerFunc(a.previewCancellation)},
		{Pattern: "POST /bookings/{booking_id}/check-in", Rule: ownerWrites, Handler: a.idempotent(pathBookingID, a.checkIn)},
		{Pattern: "POST /bookings/{booking_id}/check-out", Rule: ownerWrites, Handler: a.idempotent(pathBookingID, a.checkOut)},
		{Pattern: "POST /bookings/{booking_id}/erase", Rule: admin, Handler: http.HandlerFunc(a.erase)},
	}
}

// creator is a booking service whose creates a retry can resume by id
// (booking.Service is one).
type creator interface {
	CreateWithID(ctx context.Context, id string, nb hotel.NewBooking) (*hotel.Booking, error)
}

type api struct {
	svc          hotel.BookingService
	createWithID func(ctx context.Context, id string, nb hotel.NewBooking) (*hotel.Booking, error) // nil: not resumable
	issueToken   func(ctx context.Context, id string) (string, error)                              // nil: replayed creates carry no token
	keys         *idempotency.Keys
}

// collection answers 404 for paths the subtree patterns "… /bookings/"
// match beyond the collection itself (/bookings/a/b).
func collection(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bookings/" && r.URL.Path != "/bookings" {
			web.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// writeBooking writes one booking with its ETag.
func writeBooking(w http.ResponseWriter, status int, b *hotel.Booking) {
	w.Header().Set("ETag", etag(b.Version))
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, status, b)
}

func etag(version int) string { return `W/"` + strconv.Itoa(version) + `"` }

// create handles POST /bookings/: 201 with Location and the booking,
// access token included (only here).
func (a *api) create(w http.ResponseWriter, r *http.Request, id string) {
	nb, err := web.Decode[hotel.NewBooking](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var b *hotel.Booking
	if a.createWithID != nil {
		b, err = a.createWithID(r.Context(), id, nb)
	} else {
		b, err = a.svc.Create(r.Context(), nb)
	}
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/bookings/"+b.ID)
	writeBooking(w, http.StatusCreated, b)
}

// listParams are the query parameters of GET /bookings/.
var listParams = []string{"limit", "cursor", "hotel_id", "status", "arrival_from", "arrival_to", "departure_from", "departure_to",
	"confirmation_code", "guest_name"}

// list handles GET /bookings/: a JSON array, newest first, with a
// Link: rel="next" header when another page exists.
func (a *api) list(w http.ResponseWriter, r *http.Request) {
	q := web.NewQuery(r, listParams...)
	f := hotel.BookingFilter{
		HotelID:          q.Int64("hotel_id", 1, math.MaxInt64),
		Status:           q.String("status", 20),
		ArrivalFrom:      q.Date("arrival_from"),
		ArrivalTo:        q.Date("arrival_to"),
		DepartureFrom:    q.Date("departure_from"),
		DepartureTo:      q.Date("departure_to"),
		ConfirmationCode: q.String("confirmation_code", 16),
		GuestName:        q.String("guest_name", 100),
		Limit:            int(q.Int64("limit", 1, booking.MaxPageSize)),
		BeforeID:         q.String("cursor", 64),
	}
	if err := q.Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	page, err := a.svc.List(r.Context(), f)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	if page.Next != "" {
		v := r.URL.Query()
		v.Set("cursor", page.Next)
		u := url.URL{Path: r.URL.Path, RawQuery: v.Encode()}
		w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	items := page.Bookings
	if items == nil {
		items = []hotel.Booking{}
	}
	web.Encode(w, http.StatusOK, items)
}

// get handles GET /bookings/{booking_id}.
func (a *api) get(w http.ResponseWriter, r *http.Request) {
	b, err := a.svc.Get(r.Context(), r.PathValue("booking_id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	writeBooking(w, http.StatusOK, b)
}

// previewCancellation handles GET /bookings/{booking_id}/cancellation:
// what cancelling now would cost, changing nothing.
func (a *api) previewCancellation(w http.ResponseWriter, r *http.Request) {
	p, err := a.svc.PreviewCancellation(r.Context(), r.PathValue("booking_id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.Encode(w, http.StatusOK, p)
}

// modify handles PATCH /bookings/{booking_id}.
func (a *api) modify(w http.ResponseWriter, r *http.Request, id string) {
	version, err := ifMatch(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := web.Decode[hotel.BookingChange](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	b, err := a.svc.Modify(r.Context(), id, c, version)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	writeBooking(w, http.StatusOK, b)
}

// cancel handles DELETE /bookings/{booking_id}: 200 with the cancelled booking.
func (a *api) cancel(w http.ResponseWriter, r *http.Request, id string) {
	a.transition(w, r, id, a.svc.Cancel)
}

// cancelRoom handles DELETE /bookings/{booking_id}/rooms/{room_no}: one
// room of a booking of several cancelled, the others kept. A room number
// that is not one (1 to 9) names no room: 404.
func (a *api) cancelRoom(w http.ResponseWriter, r *http.Request, id string) {
	room, err := strconv.Atoi(r.PathValue("room_no"))
	if err != nil || room < 1 || room > hotel.MaxRoomsPerBooking {
		web.Error(w, r, hotel.Errorf(hotel.ENOTFOUND, "Booking %s has no room %q.", hotel.Clip(id, 40), hotel.Clip(r.PathValue("room_no"), 12)))
		return
	}
	a.transition(w, r, id, func(ctx context.Context, id string, version int) (*hotel.Booking, error) {
		return a.svc.CancelRoom(ctx, id, room, version)
	})
}

// checkIn handles POST /bookings/{booking_id}/check-in.
func (a *api) checkIn(w http.ResponseWriter, r *http.Request, id string) {
	a.transition(w, r, id, a.svc.CheckIn)
}

// checkOut handles POST /bookings/{booking_id}/check-out (early departure).
func (a *api) checkOut(w http.ResponseWriter, r *http.Request, id string) {
	a.transition(w, r, id, a.svc.CheckOut)
}

// erase handles POST /bookings/{booking_id}/erase: a guest's erasure
// request. It takes no body; erasing again is the same answer, so it needs
// no Idempotency-Key.
func (a *api) erase(w http.ResponseWriter, r *http.Request) {
	if err := web.NoBody(r); err != nil {
		web.Error(w, r, err)
		return
	}
	b, err := a.svc.EraseGuest(r.Context(), r.PathValue("booking_id"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	writeBooking(w, http.StatusOK, b)
}

// transition runs a change that takes no request body: a body is refused
// (web.NoBody), not ignored.
func (a *api) transition(w http.ResponseWriter, r *http.Request, id string,
	do func(ctx context.Context, id string, version int) (*hotel.Booking, error)) {
	if err := web.NoBody(r); err != nil {
		web.Error(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	b, err := do(r.Context(), id, version)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	writeBooking(w, http.StatusOK, b)
}

// ifMatch returns the version an If-Match header asks for: 0 when absent
// or "*". It accepts the ETags this API sends (W/"3"), weak or strong.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	s := strings.TrimPrefix(v, "W/")
	if n, err := strconv.Atoi(strings.Trim(s, `"`)); err == nil && n > 0 && len(s) >= 3 && s[0] == '"' && s[len(s)-1] == '"' {
		return n, nil
	}
	return 0, &hotel.Error{Code: hotel.EINVALID, Message: "The If-Match header is not an ETag of this API.",
		Fields: []hotel.FieldError{{Field: "If-Match", Reason: `must be one ETag as sent in a response, such as W/"3"`}}}
}
