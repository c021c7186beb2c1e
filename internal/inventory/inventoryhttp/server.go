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
	"github.com/hotelplatform/hotel/internal/web"
)

// Register adds the inventory routes to mux. This is the whole inventory API.
func Register(mux web.Router, svc hotel.InventoryService) {
	mux.Handle("GET /inventory", handleList(svc))
	mux.Handle("GET /inventory/{$}", handleList(svc))
	mux.Handle("GET /inventory/{hotel_id}", handleHotelInventory(svc))
	mux.Handle("GET /inventory/hotel_name/{hotel_id}", handleHotelName(svc))
	mux.Handle("GET /inventory/hotels/{hotel_id}", handleGetHotel(svc))
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
	cursor := q.String("cursor", 128)
	err := q.Err()
	if cursor != "" {
		c, cerr := hotel.ParseInventoryCursor(cursor)
		switch {
		case cerr == nil:
			f.After = c
		case err == nil:
			err = cerr
		default:
			// List a bad cursor with the other bad parameters, as the
			// in-process service does, not one round trip later.
			var qe, ce *hotel.Error
			if errors.As(err, &qe) && errors.As(cerr, &ce) {
				qe.Fields = append(qe.Fields, ce.Fields...)
			}
		}
	}
	return f, err
}

// writePage writes the items as a JSON array (the seed's shape) with a
// Link: rel="next" header when another page exists.
func writePage(w http.ResponseWriter, r *http.Request, p *hotel.InventoryPage) {
	if p.Next != "" {
		q := r.URL.Query()
		q.Set("cursor", p.Next)
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	items := p.Items
	if items == nil {
		items = []hotel.InventoryItem{}
	}
	web.Encode(w, http.StatusOK, items)
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
