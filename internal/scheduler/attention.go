package scheduler

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Attention is what a hotel's staff should look at that the scheduler's
// jobs are there to settle: bookings left unsettled (pending, or a step of
// a change in flight) for longer than a minute — the recovery pass finishes
// them — and nights whose held rooms differ from the bookings that hold
// them (the reconciliation job reports and repairs them).
type Attention struct {
	Unsettled []UnsettledBooking `json:"unsettled"`
	Drift     []DriftNight       `json:"drift"`
}

// UnsettledBooking is a booking the recovery pass will settle.
type UnsettledBooking struct {
	BookingID        string    `json:"booking_id"`
	ConfirmationCode string    `json:"confirmation_code"`
	Status           string    `json:"status"`
	Since            time.Time `json:"since"`
}

// DriftNight is a night whose held rooms differ from its bookings.
type DriftNight struct {
	RoomTypeID int64      `json:"room_type_id"`
	Date       hotel.Date `json:"date"`
	Held       int        `json:"held"`
	Bookings   int        `json:"bookings"`
}

// settleAfter is how long a booking may be unsettled before it needs
// attention: requests in flight settle within it.
const settleAfter = time.Minute

// maxAttention bounds each list.
const maxAttention = 200

// AttentionStore is what ReadAttention reads.
type AttentionStore interface {
	store.Bookings
	store.Jobs
}

// ReadAttention returns the attention items of hotel hotelID at now.
func ReadAttention(ctx context.Context, st AttentionStore, hotelID int64, now time.Time) (Attention, error) {
	a := Attention{Unsettled: []UnsettledBooking{}, Drift: []DriftNight{}}
	before := now.Add(-settleAfter)
	pending, err := st.ListBookings(ctx, hotel.BookingFilter{HotelID: hotelID, Status: hotel.StatusPending, Limit: maxAttention})
	if err != nil {
		return a, err
	}
	marked, err := st.SyncPendingBookings(ctx, before, 10*maxAttention)
	if err != nil {
		return a, err
	}
	for _, b := range slices.Concat(pending, marked) {
		if b.HotelID != hotelID || !b.UpdatedAt.Before(before) ||
			slices.ContainsFunc(a.Unsettled, func(u UnsettledBooking) bool { return u.BookingID == b.ID }) {
			continue
		}
		a.Unsettled = append(a.Unsettled, UnsettledBooking{BookingID: b.ID, ConfirmationCode: b.ConfirmationCode, Status: b.Status, Since: b.UpdatedAt})
	}
	slices.SortFunc(a.Unsettled, func(x, y UnsettledBooking) int { return x.Since.Compare(y.Since) })
	drift, err := st.Drift(ctx, maxDrift)
	if err != nil {
		return a, err
	}
	for _, d := range drift {
		if d.HotelID == hotelID && len(a.Drift) < maxAttention {
			a.Drift = append(a.Drift, DriftNight{RoomTypeID: d.RoomTypeID, Date: d.Date, Held: d.Held, Bookings: d.Bookings})
		}
	}
	return a, nil
}

// AttentionPath is the route of a hotel's attention items.
const AttentionPath = "/scheduler/hotels/{hotel_id}/attention"

// AttentionRoutes serves GET AttentionPath (bookings:read; the router
// refuses a caller limited to other hotels).
func AttentionRoutes(st AttentionStore, now func() time.Time) []auth.Route {
	return []auth.Route{{Pattern: "GET " + AttentionPath, Rule: auth.Rule{Scope: hotel.ScopeBookingsRead},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, err := web.PathID(r, "hotel_id")
			if err == nil {
				err = web.NewQuery(r).Err()
			}
			if err != nil {
				web.Error(w, r, err)
				return
			}
			a, err := ReadAttention(r.Context(), st, id, now())
			if err != nil {
				web.Error(w, r, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The booking database is unavailable; try again shortly.", Err: err})
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			web.Encode(w, http.StatusOK, a)
		})}}
}
