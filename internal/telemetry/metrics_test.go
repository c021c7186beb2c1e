package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// holds answers each hold call with the error it was built with.
type holds struct {
	hotel.InventoryService
	err     error
	created bool
}

func (h holds) CreateHold(context.Context, hotel.HoldRequest) (*hotel.Hold, bool, error) {
	return &hotel.Hold{}, h.created, h.err
}
func (h holds) MoveHold(context.Context, string, hotel.HoldMove) (*hotel.Hold, error) {
	return &hotel.Hold{}, h.err
}
func (h holds) ReleaseHold(context.Context, string, hotel.HoldRelease) (*hotel.Hold, error) {
	return &hotel.Hold{}, h.err
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	m := telemetry.NewMetrics("booking")
	ctx := context.Background()
	soldOut := &hotel.Error{Code: hotel.ECONFLICT, Nights: []hotel.Date{hotel.NewDate(2030, 1, 1)}}
	calls := []struct {
		inv  hotel.InventoryService
		call string
	}{
		{holds{created: true}, "create"},
		{holds{}, "create"}, // a retry: the same hold again
		{holds{err: soldOut}, "create"},
		{holds{err: hotel.Errorf(hotel.ECONFLICT, "another request")}, "create"},
		{holds{}, "move"},
		{holds{err: soldOut}, "move"},
		{holds{}, "release"},
		{holds{}, "release"},
	}
	for _, c := range calls {
		inv := m.InstrumentInventory(c.inv)
		switch c.call {
		case "create":
			_, _, _ = inv.CreateHold(ctx, hotel.HoldRequest{})
		case "move":
			_, _ = inv.MoveHold(ctx, "id", hotel.HoldMove{})
		case "release":
			_, _ = inv.ReleaseHold(ctx, "id", hotel.HoldRelease{})
		}
	}
	m.BookingCreated()
	m.BookingFailed(soldOut)
	m.BookingFailed(hotel.Errorf(hotel.EINVALID, "bad"))
	m.BookingFailed(hotel.Errorf(hotel.EUNAVAILABLE, "down"))
	m.BookingFailed(hotel.Errorf(hotel.EUNAVAILABLE, "down"))
	m.IdempotentReplay()
	m.ObserveRequest("GET", "GET /bookings/{booking_id}", 200, 30*time.Millisecond)
	m.ObserveRequest("GET", "GET /bookings/{booking_id}", 404, 2*time.Millisecond)

	want := `
# HELP hotel_holds_total Reservation hold operations by result: created, replayed, sold_out, moved, released, refused.
# TYPE hotel_holds_total counter
hotel_holds_total{result="created",service="booking"} 1
hotel_holds_total{result="moved",service="booking"} 1
hotel_holds_total{result="refused",service="booking"} 1
hotel_holds_total{result="released",service="booking"} 2
hotel_holds_total{result="replayed",service="booking"} 1
hotel_holds_total{result="sold_out",service="booking"} 2
# HELP hotel_bookings_failed_total Booking creations that did not confirm, by reason: sold_out, invalid, unavailable.
# TYPE hotel_bookings_failed_total counter
hotel_bookings_failed_total{reason="invalid",service="booking"} 1
hotel_bookings_failed_total{reason="sold_out",service="booking"} 1
hotel_bookings_failed_total{reason="unavailable",service="booking"} 2
# HELP hotel_bookings_created_total Bookings confirmed at creation.
# TYPE hotel_bookings_created_total counter
hotel_bookings_created_total{service="booking"} 1
# HELP hotel_idempotent_replays_total Requests answered from an Idempotency-Key record.
# TYPE hotel_idempotent_replays_total counter
hotel_idempotent_replays_total{service="booking"} 1
# HELP http_requests_total HTTP requests served, by method, route template and status.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="GET /bookings/{booking_id}",service="booking",status="200"} 1
http_requests_total{method="GET",route="GET /bookings/{booking_id}",service="booking",status="404"} 1
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want),
		"hotel_holds_total", "hotel_bookings_failed_total", "hotel_bookings_created_total", "hotel_idempotent_replays_total", "http_requests_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(m.Registry, "http_request_duration_seconds"); n != 1 {
		t.Fatalf("%d duration series, want 1 (one route, method)", n)
	}
}

// TestUnsettledAge: the gauge is the age of the oldest unsettled booking, 0
// with none, -1 when the store fails.
func TestUnsettledAge(t *testing.T) {
	t.Parallel()
	stats := func() store.PoolStats { return store.PoolStats{} }
	for _, tc := range []struct {
		name     string
		oldest   time.Time
		ok       bool
		err      error
		min, max float64
	}{
		{"none", time.Time{}, false, nil, 0, 0},
		{"two minutes", time.Now().Add(-2 * time.Minute), true, nil, 120, 180},
		{"clock ahead", time.Now().Add(time.Minute), true, nil, 0, 0},
		{"store error", time.Time{}, false, errors.New("down"), -1, -1},
	} {
		m := telemetry.NewMetrics("booking")
		m.RegisterDatabase("booking", "sqlite", stats, func(context.Context) (time.Time, bool, error) { return tc.oldest, tc.ok, tc.err })
		mfs, err := m.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for _, mf := range mfs {
			if mf.GetName() == "hotel_bookings_unsettled_oldest_age_seconds" {
				for _, s := range mf.GetMetric() {
					got = append(got, s.GetGauge().GetValue())
				}
			}
		}
		if len(got) != 1 || got[0] < tc.min || got[0] > tc.max {
			t.Errorf("%s: hotel_bookings_unsettled_oldest_age_seconds = %v, want one value in [%v, %v]", tc.name, got, tc.min, tc.max)
		}
	}
}
