package inventoryhttp

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/web"
)

// Handlers of search, the catalogue, the calendar, adjustments and holds.
// Each parses its input (syntax only where the service checks the values,
// so both implementations answer alike), calls the service once and
// writes the answer; every failure leaves through web.Error.

// searchParams are the query parameters of GET /inventory/search.
var searchParams = []string{"location", "hotel_id", "room_type", "check_in", "check_out", "adults", "children",
	"children_ages", "max_price", "meal_plan", "refundable", "explain", "limit", "cursor"}

// parseSearch reads a search query. adults defaults to 1 here, on the wire
// (the seed's default); in-process callers say how many adults they are.
func parseSearch(r *http.Request) (hotel.SearchQuery, error) {
	q := web.NewQuery(r, searchParams...)
	sq := hotel.SearchQuery{
		Location: q.String("location", 200),
		HotelID:  q.Int64("hotel_id", 1, math.MaxInt64),
		RoomType: q.String("room_type", 100),
		CheckIn:  q.Date("check_in"),
		CheckOut: q.Date("check_out"),
		Adults:   int(q.Int64("adults", math.MinInt32, math.MaxInt32)),
		Children: int(q.Int64("children", math.MinInt32, math.MaxInt32)),
		// Ages are checked by the service, as in-process callers' are.
		ChildAges:  q.Ints("children_ages", math.MinInt32, math.MaxInt32, 100),
		MealPlan:   q.String("meal_plan", 16),
		Refundable: q.Bool("refundable"),
		Limit:      int(q.Int64("limit", 1, hotel.MaxSearchPageSize)),
	}
	if !r.URL.Query().Has("adults") {
		sq.Adults = 1
	}
	if explain := q.Bool("explain"); explain != nil {
		sq.Explain = *explain
	}
	var v hotel.Validation
	if s := q.String("max_price", 32); s != "" {
		c, err := hotel.ParseCents(s)
		if err != nil || c <= 0 {
			v.Add("max_price", "must be a positive amount such as 150.00")
		}
		sq.MaxPrice = c
	}
	var cerr error
	if cursor := q.String("cursor", 128); cursor != "" {
		sq.After, cerr = hotel.ParseSearchCursor(cursor)
	}
	return sq, merge(q.Err(), v.Err(), cerr)
}

func handleSearch(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := parseSearch(r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		p, err := svc.Search(r.Context(), q)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		setNext(w, r, p.Next)
		web.Encode(w, http.StatusOK, searchBody{Offers: nonNil(p.Offers), Excluded: p.Excluded})
	})
}

// decode reads a write route's JSON body with the platform's one decoder
// (web.Decode); write routes take no query.
func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	if err := web.NewQuery(r).Err(); err != nil {
		var zero T
		return zero, err
	}
	return web.Decode[T](w, r)
}

// decodeOptional is decode for a body that may be left out (the zero T).
func decodeOptional[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	if err := web.NewQuery(r).Err(); err != nil {
		var zero T
		return zero, err
	}
	return web.DecodeOptional[T](w, r)
}

// pageLimit is the effective size of a page asked for with limit.
func pageLimit(limit int) int {
	if limit == 0 {
		return hotel.DefaultPageSize
	}
	return limit
}

// setNextID links the next page of a list keyed by id when this page is
// full (the next page may then be empty).
func setNextID(w http.ResponseWriter, r *http.Request, n, limit int, lastID int64) {
	if n > 0 && n == pageLimit(limit) {
		setNext(w, r, strconv.FormatInt(lastID, 10))
	}
}

func handleListHotels(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := web.NewQuery(r, "location", "limit", "cursor")
		f := hotel.HotelFilter{
			Location: q.String("location", 200),
			AfterID:  q.Int64("cursor", 1, math.MaxInt64),
			Limit:    int(q.Int64("limit", 1, hotel.MaxPageSize)),
		}
		if err := q.Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		hs, err := svc.ListHotels(r.Context(), f)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if len(hs) > 0 {
			setNextID(w, r, len(hs), f.Limit, hs[len(hs)-1].ID)
		}
		web.Encode(w, http.StatusOK, nonNil(hs))
	})
}

func handleListRoomTypes(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rts, err := listRoomTypes(svc, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, nonNil(rts))
	})
}

func listRoomTypes(svc hotel.InventoryService, r *http.Request) ([]hotel.RoomType, error) {
	id, err := web.PathID(r, "hotel_id")
	if err != nil {
		return nil, err
	}
	if err := web.NewQuery(r).Err(); err != nil {
		return nil, err
	}
	return svc.ListRoomTypes(r.Context(), id)
}

func handleGetRoomType(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, err := getRoomType(svc, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, rt)
	})
}

// getRoomType finds the room type of the path among its hotel's.
func getRoomType(svc hotel.InventoryService, r *http.Request) (*hotel.RoomType, error) {
	hotelID, rtID, err := hotelPathIDs(r, "room_type_id")
	if err != nil {
		return nil, err
	}
	if err := web.NewQuery(r).Err(); err != nil {
		return nil, err
	}
	rts, err := svc.ListRoomTypes(r.Context(), hotelID)
	if err != nil {
		return nil, err
	}
	for _, rt := range rts {
		if rt.ID == rtID {
			return &rt, nil
		}
	}
	return nil, roomTypeNotFound(hotelID, rtID)
}

// roomTypeNotFound is the in-process service's answer to a room type id
// its hotel does not have.
func roomTypeNotFound(hotelID, id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Room type %d of hotel %d was not found.", id, hotelID)
}

func handleCreateHotel(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := decode[hotelBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		var h hotel.Hotel
		b.apply(&h)
		if err := svc.CreateHotel(r.Context(), &h); err != nil {
			web.Error(w, r, err)
			return
		}
		w.Header().Set("Location", hotelPath(h.ID))
		web.Encode(w, http.StatusCreated, h)
	})
}

// handleUpdateHotel applies a partial update: the fields given replace the
// stored ones (a concurrent update of other fields may be overwritten).
func handleUpdateHotel(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[hotelBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		h, err := svc.GetHotel(r.Context(), id)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b.apply(h)
		if err := svc.UpdateHotel(r.Context(), h); err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, h)
	})
}

func handleCreateRoomType(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[roomTypeBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		rt := hotel.RoomType{HotelID: id}
		b.apply(&rt)
		if err := svc.CreateRoomType(r.Context(), &rt); err != nil {
			web.Error(w, r, err)
			return
		}
		w.Header().Set("Location", hotelPath(id)+"/room-types/"+strconv.FormatInt(rt.ID, 10))
		web.Encode(w, http.StatusCreated, rt)
	})
}

// handleUpdateRoomType applies a partial update, as handleUpdateHotel.
func handleUpdateRoomType(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := web.PathID(r, "hotel_id"); err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[roomTypeBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		rt, err := getRoomType(svc, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b.apply(rt)
		if err := svc.UpdateRoomType(r.Context(), rt); err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, rt)
	})
}

func handleSetCalendar(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[calendarBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		res, err := svc.SetCalendar(r.Context(), hotel.CalendarUpdate{
			HotelID: id, RoomTypeID: b.RoomTypeID, StartDate: b.StartDate, EndDate: b.EndDate,
			Capacity: b.Capacity, Price: b.Price, DemandLevel: b.DemandLevel,
		})
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, res)
	})
}

// handleAdjust applies an adjustment by the caller (its key's name is the
// actor). Its Idempotency-Key is applied by keys, as on every route that
// takes one: a retry of the same request is answered from the key's record
// with Idempotent-Replayed: true and changes nothing. The resource of the
// claim is a new id for the adjustment, which the store records once: a
// retry that resumes a request that failed or was abandoned (its process
// died after the adjustment was stored) finds the adjustment instead of
// making a second.
func handleAdjust(svc hotel.InventoryService, keys *idempotency.Keys) http.Handler {
	newID := func(*http.Request) (string, bool) { return uuid.NewString(), true }
	return keys.Handle(idempotency.Route{Resource: newID, Resumable: true}, func(w http.ResponseWriter, r *http.Request, opID string) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		b, err := decode[adjustBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		a := hotel.Adjustment{
			HotelID: id, RoomTypeID: b.RoomTypeID, RoomType: b.RoomType, StartDate: b.Date, EndDate: b.EndDate,
			NumRooms: b.NumRooms, Reason: b.Reason, Actor: actor(r), IdempotencyKey: opID,
		}
		replayed, err := svc.Adjust(r.Context(), &a)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if replayed {
			w.Header().Set(idempotency.ReplayedHeader, "true")
		}
		web.Encode(w, http.StatusOK, a)
	})
}

// actor names the caller of a request for the adjustment log: its key's
// name, "service", or its kind when it has no name.
func actor(r *http.Request) string {
	p := auth.PrincipalFrom(r.Context())
	if p.Name != "" {
		return p.Name
	}
	return string(p.Kind)
}

func handleListAdjustments(svc hotel.InventoryService) http.Handler {
	// (a closure: Routes is also called with no service, to list them)
	return handleHotelLog(func(ctx context.Context, id, before int64, limit int) ([]hotel.Adjustment, error) {
		return svc.ListAdjustments(ctx, id, before, limit)
	}, func(a hotel.Adjustment) int64 { return a.ID })
}

// handleHotelLog answers a page of a hotel's log (adjustments, ARI
// changes), newest first: ?limit= and ?cursor=, the last (oldest) id of
// the page before — the next page is older than it.
func handleHotelLog[T any](list func(ctx context.Context, hotelID, before int64, limit int) ([]T, error), idOf func(T) int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := web.PathID(r, "hotel_id")
		if err != nil {
			web.Error(w, r, err)
			return
		}
		q := web.NewQuery(r, "limit", "cursor")
		before := q.Int64("cursor", 1, math.MaxInt64)
		limit := int(q.Int64("limit", 1, hotel.MaxPageSize))
		if err := q.Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		page, err := list(r.Context(), id, before, limit)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if len(page) > 0 {
			setNextID(w, r, len(page), limit, idOf(page[len(page)-1]))
		}
		web.Encode(w, http.StatusOK, nonNil(page))
	})
}

// handleCreateHold answers 201 with Location for a new hold and 200 when
// the identical hold already existed.
func handleCreateHold(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := decode[holdBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		h, created, err := svc.CreateHold(r.Context(), b.request(r.PathValue("booking_id")))
		if err != nil {
			web.Error(w, r, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", "/inventory/holds/"+h.BookingID)
		}
		web.Encode(w, status, h)
	})
}

// handleCreateHolds holds the rooms of {"rooms": […]}, each the body of
// PUT /inventory/holds/{booking_id}, under the hold ids of the booking's
// rooms (hotel.RoomHoldID): 201 when they are new, 200 when the identical
// holds already existed. Location names room 1's hold (the booking id).
func handleCreateHolds(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := decode[holdGroupBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		hs, created, err := svc.CreateHolds(r.Context(), b.requests(r.PathValue("booking_id")))
		if err != nil {
			web.Error(w, r, err)
			return
		}
		status := http.StatusOK
		if created && len(hs) > 0 {
			status = http.StatusCreated
			w.Header().Set("Location", "/inventory/holds/"+hs[0].BookingID)
		}
		web.Encode(w, status, holdGroup{Holds: nonNil(hs)})
	})
}

func handleGetHold(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := web.NewQuery(r).Err(); err != nil {
			web.Error(w, r, err)
			return
		}
		writeHold(w, r)(svc.GetHold(r.Context(), r.PathValue("booking_id")))
	})
}

func handleMoveHold(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := decode[moveBody](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		writeHold(w, r)(svc.MoveHold(r.Context(), r.PathValue("booking_id"), b.move()))
	})
}

// handleReleaseHold releases every night for an empty body or {}, or the
// nights from "from" on.
func handleReleaseHold(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, err := decodeOptional[hotel.HoldRelease](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		writeHold(w, r)(svc.ReleaseHold(r.Context(), r.PathValue("booking_id"), rel))
	})
}

// handleUnconfirmedHolds lists the holds made before ?before= (RFC 3339)
// and not confirmed since, oldest first (?limit=, default and most
// hotel.MaxHoldBatch).
func handleUnconfirmedHolds(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := web.NewQuery(r, "before", "limit")
		raw := q.String("before", 64)
		limit := int(q.Int64("limit", 1, hotel.MaxHoldBatch))
		if limit == 0 {
			limit = hotel.MaxHoldBatch
		}
		err := q.Err()
		before, perr := time.Parse(time.RFC3339Nano, raw)
		if err == nil && perr != nil {
			var v hotel.Validation
			v.Add("before", "is required: an RFC 3339 time such as 2026-12-04T18:00:00Z")
			err = v.Err()
		}
		if err != nil {
			web.Error(w, r, err)
			return
		}
		hs, err := svc.UnconfirmedHolds(r.Context(), before, limit)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, nonNil(hs))
	})
}

// handleConfirmHolds confirms the holds of {"booking_ids": […]}.
func handleConfirmHolds(svc hotel.InventoryService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := decode[hotel.HoldConfirmation](w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		n, err := svc.ConfirmHolds(r.Context(), c.BookingIDs)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, hotel.HoldConfirmation{Confirmed: n})
	})
}

// writeHold returns a function writing a service's hold answer.
func writeHold(w http.ResponseWriter, r *http.Request) func(*hotel.Hold, error) {
	return func(h *hotel.Hold, err error) {
		if err != nil {
			web.Error(w, r, err)
			return
		}
		web.Encode(w, http.StatusOK, h)
	}
}

func hotelPath(id int64) string { return "/inventory/hotels/" + strconv.FormatInt(id, 10) }

// nonNil returns s, or an empty slice for nil, so lists encode as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
