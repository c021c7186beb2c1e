package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// TestTraceAcrossServices books once through the gateway in split mode on
// PostgreSQL and checks that the booking is one trace: server spans of the
// gateway, the booking service and the inventory service, client spans
// between them, and SQL spans of the store — with no guest name anywhere.
func TestTraceAcrossServices(t *testing.T) {
	t.Parallel()
	exp := tracetest.NewInMemoryExporter()
	base := telemetry.WithSpanExporter(context.Background(), exp)
	db := overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, dbEnv(t, postgresStore))
	inv := startServeCtx(t, base, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db), io.Discard)
	book := startServeCtx(t, base, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": inv.URL}, db), io.Discard)
	gw := startServeCtx(t, base, map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": inv.URL, "BOOKING_URL": book.URL}, io.Discard)

	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	const guest = "Tracey Spanswick"
	body := fmt.Sprintf(`{"guest_name":%q,"hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":2,"adults":1}`,
		guest, hotel.Today(time.Now(), london).AddDays(5))
	const traceID = "4bf92f3577b34da6a3ce929d0e0736aa"
	r := call(t, "POST", gw.URL+"/bookings/", body, nil, "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	if r.StatusCode != 201 {
		t.Fatalf("POST = %d", r.StatusCode)
	}

	services := map[string][]string{}
	for _, s := range exp.GetSpans() {
		if s.SpanContext.TraceID().String() != traceID {
			continue
		}
		svc := ""
		for _, kv := range s.Resource.Attributes() {
			if kv.Key == "service.name" {
				svc = kv.Value.AsString()
			}
		}
		services[svc] = append(services[svc], s.Name)
		for _, a := range s.Attributes {
			if strings.Contains(a.Value.String(), guest) {
				t.Errorf("span %q carries the guest name in %s", s.Name, a.Key)
			}
		}
	}
	has := func(svc, name string) bool {
		return slices.ContainsFunc(services[svc], func(n string) bool { return strings.HasPrefix(n, name) })
	}
	for _, want := range []struct{ svc, span string }{
		{"hotel-gateway", "POST /bookings/"},          // the gateway's server span, by route
		{"hotel-gateway", "HTTP POST"},                // its call to the booking service
		{"hotel-booking", "POST /bookings/"},          // the booking service's server span
		{"hotel-booking", "postgresql WITH"},          // the booking row (with its nights, one statement)
		{"hotel-booking", "HTTP PUT"},                 // the hold, over HTTP
		{"hotel-inventory", "PUT /inventory/holds/"},  // the inventory's server span
		{"hotel-inventory", "postgresql "},            // and its SQL
		{"hotel-inventory", "GET /inventory/hotels/"}, // the hotel and room types looked up
	} {
		if !has(want.svc, want.span) {
			t.Errorf("trace lacks a %s span %q; spans by service: %v", want.svc, want.span, services)
		}
	}
}
