// Package inventoryhttp is the inventory service over HTTP: the server
// (routes and handlers) and a client implementing hotel.InventoryService, so
// split mode runs the same code as all-in-one mode.
package inventoryhttp

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/web"
)

// Routes is the whole inventory API: each route with who may call it and
// its handler over svc. keys applies the Idempotency-Keys of the adjust
// and bulk ARI routes.
func Routes(svc hotel.InventoryService, keys *idempotency.Keys) []auth.Route {
	var (
		anyone  = auth.Rule{Public: true}
		writer  = auth.Rule{Scope: hotel.ScopeInventoryWrite}
		reader  = auth.Rule{Scope: hotel.ScopeInventoryRead} // inventory:write holds it
		service = auth.Rule{Service: true}                   // the booking service
	)
	return []auth.Route{
		// Reads (seed routes, search and the catalogue).
		{Pattern: "GET /inventory", Rule: anyone, Handler: handleList(svc)},
		{Pattern: "GET /inventory/{$}", Rule: anyone, Handler: handleList(svc)},
		{Pattern: "GET /inventory/{hotel_id}", Rule: anyone, Handler: handleHotelInventory(svc)},
		{Pattern: "GET /inventory/hotel_name/{hotel_id}", Rule: anyone, Handler: handleHotelName(svc)},
		{Pattern: "GET /inventory/hotels/{hotel_id}", Rule: anyone, Handler: handleGetHotel(svc)},
		{Pattern: "GET /inventory/search", Rule: anyone, Handler: handleSearch(svc)},
		{Pattern: "GET /inventory/hotels", Rule: anyone, Handler: handleListHotels(svc)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/room-types", Rule: anyone, Handler: handleListRoomTypes(svc)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/room-types/{room_type_id}", Rule: anyone, Handler: handleGetRoomType(svc)},

		// Administration: hotels, room types, calendar, adjustments.
		{Pattern: "POST /inventory/hotels", Rule: auth.Rule{Scope: hotel.ScopeInventoryWrite, EveryHotel: true}, Handler: handleCreateHotel(svc)},
		{Pattern: "PATCH /inventory/hotels/{hotel_id}", Rule: writer, Handler: handleUpdateHotel(svc)},
		{Pattern: "POST /inventory/hotels/{hotel_id}/room-types", Rule: writer, Handler: handleCreateRoomType(svc)},
		{Pattern: "PATCH /inventory/hotels/{hotel_id}/room-types/{room_type_id}", Rule: writer, Handler: handleUpdateRoomType(svc)},
		{Pattern: "PUT /inventory/hotels/{hotel_id}/calendar", Rule: writer, Handler: handleSetCalendar(svc)},
		{Pattern: "POST /inventory/{hotel_id}/adjust", Rule: writer, Handler: handleAdjust(svc, keys)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/adjustments", Rule: reader, Handler: handleListAdjustments(svc)},

		// Rates and restrictions: rate plans, bulk ARI updates, their log, the ARI calendar.
		{Pattern: "GET /inventory/hotels/{hotel_id}/rate-plans", Rule: reader, Handler: handleListRatePlans(svc)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/rate-plans/{rate_plan_id}", Rule: reader, Handler: handleGetRatePlan(svc)},
		{Pattern: "POST /inventory/hotels/{hotel_id}/rate-plans", Rule: writer, Handler: handleCreateRatePlan(svc)},
		{Pattern: "PATCH /inventory/hotels/{hotel_id}/rate-plans/{rate_plan_id}", Rule: writer, Handler: handleUpdateRatePlan(svc)},
		{Pattern: "POST /inventory/hotels/{hotel_id}/ari", Rule: writer, Handler: handleApplyARI(svc, keys)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/ari", Rule: reader, Handler: handleARICalendar(svc)},
		{Pattern: "GET /inventory/hotels/{hotel_id}/ari-changes", Rule: reader, Handler: handleListARIChanges(svc)},

		// Reservation holds: only the platform's own services.
		{Pattern: "PUT /inventory/holds/{booking_id}", Rule: service, Handler: handleCreateHold(svc)},
		{Pattern: "PUT /inventory/hold-groups/{booking_id}", Rule: service, Handler: handleCreateHolds(svc)},
		{Pattern: "GET /inventory/holds/{booking_id}", Rule: service, Handler: handleGetHold(svc)},
		{Pattern: "POST /inventory/holds/{booking_id}/move", Rule: service, Handler: handleMoveHold(svc)},
		{Pattern: "POST /inventory/holds/{booking_id}/release", Rule: service, Handler: handleReleaseHold(svc)},
		// The creates the booking service's recovery pass settles.
		{Pattern: "GET /inventory/holds", Rule: service, Handler: handleUnconfirmedHolds(svc)},
		{Pattern: "POST /inventory/holds/confirm", Rule: service, Handler: handleConfirmHolds(svc)},
	}
}

// listParams are the query parameters of the inventory listings.
var listParams = []string{"location", "hotel_id", "room_type", "start_date", "end_date", "limit", "cursor"}

func parseFilter(r *http.Request, allowed []string) (hotel.InventoryFilter, error) {
	q := web.NewQuery(r, allowed...)
	f := hotel.InventoryFilter{
		Location:  q.String("location", 200),
		RoomType:  q.String("room_type", 100),
		StartDate: q.Date("start_date"),
		EndDate:   q.Date("end_date"),
		Limit:     int(q.Int64("limit", 1, hotel.MaxPageSize)),
	}
	if slices.Contains(allowed, "hotel_id") {
		// Any positive int64, as in paths and in the in-process service.
		f.HotelID = q.Int64("hotel_id", 1, math.MaxInt64)
	}
	var cerr error
	if cursor := q.String("cursor", 128); cursor != "" {
		f.After, cerr = hotel.ParseInventoryCursor(cursor)
	}
	// A bad cursor is listed with the other bad parameters, as the
	// in-process service does, not one round trip later.
	return f, merge(q.Err(), cerr)
}

// writePage writes the items as a JSON array (the seed's shape) with a
// Link: rel="next" header when another page exists.
func writePage(w http.ResponseWriter, r *http.Request, p *hotel.InventoryPage) {
	setNext(w, r, p.Next)
	items := p.Items
	if items == nil {
		items = []hotel.InventoryItem{}
	}
	web.Encode(w, http.StatusOK, items)
}

// setNext adds a Link: rel="next" header pointing at this request's URL
// with the cursor replaced by next, when next is set.
func setNext(w http.ResponseWriter, r *http.Request, next string) {
	if next == "" {
		return
	}
	q := r.URL.Query()
	q.Set("cursor", next)
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}

// merge joins the invalid parameters of several EINVALID errors into one,
// so a client learns all of them at once. A single error is returned
// unchanged; an error of another code wins.
func merge(errs ...error) error {
	var found []*hotel.Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var he *hotel.Error
		if !errors.As(err, &he) || he.Code != hotel.EINVALID {
			return err
		}
		found = append(found, he)
	}
	switch len(found) {
	case 0:
		return nil
	case 1:
		return found[0]
	}
	var v hotel.Validation
	for _, he := range found {
		for _, f := range he.Fields {
			v.Add(f.Field, f.Reason)
		}
	}
	return v.Err()
}

func handleList(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := parseFilter(r, listParams)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		p, err := svc.ListInventory(r.Context(), f)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		writePage(w, r, p)
	})
}

func handleHotelInventory(svc hotel.InventoryService) http.Handler {
	allowed := []string{"start_date", "end_date", "room_type", "limit", "cursor"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		f, err := parseFilter(r, allowed)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		p, err := svc.HotelInventory(r.Context(), id, f)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		writePage(w, r, p)
	})
}

// HotelName is the body of GET /inventory/hotel_name/{hotel_id} (seed shape).
type HotelName struct {
	HotelID   int64  `json:"hotel_id"`
	HotelName string `json:"hotel_name"`
}

func handleHotelName(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := getHotel(svc, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, HotelName{HotelID: h.ID, HotelName: h.Name})
	})
}

func handleGetHotel(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := getHotel(svc, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, h)
	})
}

func getHotel(svc hotel.InventoryService, r *http.Request) (*hotel.Hotel, error) {
	id, err := web.PathID(r, "hotel_id")
	if err != nil {
		return nil, err
	}
	if err := web.NewQuery(r).Err(); err != nil {
		return nil, err
	}
	return svc.GetHotel(r.Context(), id)
}
