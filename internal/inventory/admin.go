package inventory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Administration: hotels, room types, the calendar and adjustments. The
// order of the checks is the HTTP server's: ids in the path, then the
// resource they name where the server must read it first (updates), then
// the fields, then what the fields name.

// CreateHotel validates h (trimming its text), stores it and sets h.ID.
func (s *Service) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	c := *h
	c.ID = 0
	var v hotel.Validation
	checkHotel(&v, &c)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.store.CreateHotel(ctx, &c); err != nil {
		return catalogueError(err, "create hotel", fmt.Sprintf("A hotel named %q already exists.", c.Name))
	}
	*h = c
	return nil
}

// UpdateHotel replaces the name, location, time zone and currency of h.ID.
func (s *Service) UpdateHotel(ctx context.Context, h *hotel.Hotel) error {
	if _, err := s.GetHotel(ctx, h.ID); err != nil {
		return err
	}
	c := *h
	var v hotel.Validation
	checkHotel(&v, &c)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.store.UpdateHotel(ctx, c); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return hotelNotFound(c.ID)
		}
		return catalogueError(err, "update hotel", fmt.Sprintf("A hotel named %q already exists.", c.Name))
	}
	*h = c
	return nil
}

// ListHotels returns hotels by id after f.AfterID (default page
// hotel.DefaultPageSize), optionally of one location.
func (s *Service) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	var v hotel.Validation
	f.Location = checkText(&v, "location", f.Location, maxLocation)
	if f.AfterID < 0 {
		v.Add("cursor", "not a cursor returned by this API")
	}
	checkLimit(&v, &f.Limit, hotel.DefaultPageSize, hotel.MaxPageSize)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hs, err := s.store.ListHotels(ctx, f)
	if err != nil {
		return nil, storeError(err, "list hotels")
	}
	return nonNil(hs), nil
}

// ListRoomTypes returns a hotel's room types by id. Errors: ENOTFOUND.
func (s *Service) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	if _, err := s.GetHotel(ctx, hotelID); err != nil {
		return nil, err
	}
	rts, err := s.store.ListRoomTypes(ctx, hotelID)
	if err != nil {
		return nil, storeError(err, "list room types")
	}
	return nonNil(rts), nil
}

// CreateRoomType validates rt (trimming its name), stores it and sets rt.ID.
func (s *Service) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	if rt.HotelID <= 0 {
		return hotelNotFound(rt.HotelID)
	}
	c := *rt
	c.ID = 0
	var v hotel.Validation
	checkRoomType(&v, &c)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.store.CreateRoomType(ctx, &c); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return hotelNotFound(c.HotelID)
		}
		return catalogueError(err, "create room type", fmt.Sprintf("Hotel %d already has a room type named %q.", c.HotelID, c.Name))
	}
	*rt = c
	return nil
}

// UpdateRoomType replaces the name, max occupancy and overbooking allowance
// of rt.ID. A lower allowance that would leave nights overbooked is a
// conflict naming them.
func (s *Service) UpdateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	if _, err := s.pathRoomType(ctx, rt.HotelID, rt.ID); err != nil {
		return err
	}
	c := *rt
	var v hotel.Validation
	checkRoomType(&v, &c)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.store.UpdateRoomType(ctx, c); err != nil {
		switch {
		case isNights(err):
			return nightsFault(err, func(nights string) string {
				return fmt.Sprintf("Lowering the overbooking allowance of %s would overbook it on %s.", c.Name, nights)
			}, c.Name, "overbooking_allowance", "update room type")
		case errors.Is(err, store.ErrNotFound):
			return roomTypeNotFound(c.HotelID, c.ID)
		}
		return catalogueError(err, "update room type", fmt.Sprintf("Hotel %d already has a room type named %q.", c.HotelID, c.Name))
	}
	*rt = c
	return nil
}

// pathRoomType returns the room type named by ids in a path: an unknown
// hotel or room type is ENOTFOUND.
func (s *Service) pathRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	if _, err := s.GetHotel(ctx, hotelID); err != nil {
		return hotel.RoomType{}, err
	}
	if id <= 0 {
		return hotel.RoomType{}, roomTypeNotFound(hotelID, id)
	}
	rt, err := s.store.GetRoomType(ctx, hotelID, id)
	if errors.Is(err, store.ErrNotFound) {
		return rt, roomTypeNotFound(hotelID, id)
	}
	if err != nil {
		return rt, storeError(err, "room type lookup")
	}
	return rt, nil
}

// demandLevels are the values of a night's demand level.
var demandLevels = []string{hotel.DemandLow, hotel.DemandMedium, hotel.DemandHigh}

// SetCalendar sets capacity, price and/or demand level on every night of
// [u.StartDate, u.EndDate], creating missing nights when capacity and price
// are both given.
func (s *Service) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (*hotel.CalendarResult, error) {
	if u.HotelID <= 0 {
		return nil, hotelNotFound(u.HotelID)
	}
	var v hotel.Validation
	requiredID(&v, "room_type_id", u.RoomTypeID)
	checkDays(&v, "start_date", "end_date", u.StartDate, u.EndDate)
	if u.Capacity == nil && u.Price == nil && u.DemandLevel == nil {
		v.Add("capacity", "at least one of capacity, price and demand_level is required")
	}
	if u.Capacity != nil {
		checkInt(&v, "capacity", *u.Capacity, 0, maxCapacity)
	}
	if u.Price != nil && (*u.Price < 0 || *u.Price > maxNightPrice) {
		v.Add("price", fmt.Sprintf("must be between 0.00 and %s", maxNightPrice))
	}
	if u.DemandLevel != nil && !slices.Contains(demandLevels, *u.DemandLevel) {
		v.Add("demand_level", "must be one of "+strings.Join(demandLevels, ", "))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.GetHotel(ctx, u.HotelID); err != nil {
		return nil, err
	}
	rt, err := s.bodyRoomType(ctx, u.HotelID, u.RoomTypeID)
	if err != nil {
		return nil, err
	}
	res, err := s.store.SetCalendar(ctx, u)
	if err != nil {
		return nil, nightsFault(err, func(nights string) string {
			return fmt.Sprintf("The capacity of %s cannot fall below the rooms held and blocked on %s.", rt.Name, nights)
		}, rt.Name, "capacity", "set calendar")
	}
	return &res, nil
}

// Adjust blocks (NumRooms > 0) or unblocks (NumRooms < 0) rooms of a room
// type, named by RoomTypeID or by RoomType (its name, case-insensitively),
// on every night of [StartDate, EndDate] (EndDate defaults to StartDate).
// a.Actor is required: the HTTP server sets it from the caller's credential.
func (s *Service) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	if a.HotelID <= 0 {
		return false, hotelNotFound(a.HotelID)
	}
	if a.IdempotencyKey != "" {
		// An in-process caller; the HTTP server has applied its caller's rule.
		if err := hotel.CheckIdempotencyKey(a.IdempotencyKey, false); err != nil {
			return false, err
		}
	}
	c := *a
	c.ID = 0
	var v hotel.Validation
	c.RoomType = checkText(&v, "room_type", c.RoomType, maxRoomTypeName)
	checkID(&v, "room_type_id", c.RoomTypeID)
	if c.RoomType == "" && c.RoomTypeID == 0 && !v.Has("room_type") && !v.Has("room_type_id") {
		v.Add("room_type", "is required: the room type's name")
	}
	if c.EndDate.IsZero() {
		c.EndDate = c.StartDate
	}
	checkDays(&v, "date", "end_date", c.StartDate, c.EndDate)
	switch {
	case c.NumRooms == 0:
		v.Add("num_rooms", "must not be 0: a positive number blocks rooms, a negative one returns blocked rooms to sale")
	case c.NumRooms < -maxAdjustRooms || c.NumRooms > maxAdjustRooms:
		v.Add("num_rooms", fmt.Sprintf("must be between %d and %d", -maxAdjustRooms, maxAdjustRooms))
	}
	c.Reason = checkText(&v, "reason", c.Reason, maxReason)
	c.Actor = requiredText(&v, "actor", c.Actor, maxActor)
	if err := v.Err(); err != nil {
		return false, err
	}
	if _, err := s.GetHotel(ctx, c.HotelID); err != nil {
		return false, err
	}
	rt, err := s.adjustRoomType(ctx, c.HotelID, c.RoomTypeID, c.RoomType)
	if err != nil {
		return false, err
	}
	c.RoomTypeID, c.RoomType = rt.ID, rt.Name
	replayed, err := s.store.Adjust(ctx, &c)
	if err != nil {
		if errors.Is(err, store.ErrIdempotencyMismatch) {
			return false, hotel.IdempotencyKeyReused(err)
		}
		return false, nightsFault(err, adjustConflict(c.NumRooms, rt.Name), rt.Name, "date", "adjust")
	}
	c.IdempotencyKey = a.IdempotencyKey
	*a = c
	return replayed, nil
}

// adjustConflict is the conflict message of an adjustment that found too
// few rooms to block or too few blocked rooms to unblock.
func adjustConflict(n int, roomType string) func(string) string {
	return func(nights string) string {
		if n > 0 {
			return fmt.Sprintf("Fewer than %d %s are for sale on %s; nothing was blocked.", n, roomType, nights)
		}
		return fmt.Sprintf("Fewer than %d %s are blocked on %s; nothing was unblocked.", -n, roomType, nights)
	}
}

// adjustRoomType finds the room type an adjustment names by id or by name
// (exact first, then case-insensitively); when both are given they must
// agree. One the hotel does not have is EINVALID naming the field.
func (s *Service) adjustRoomType(ctx context.Context, hotelID, id int64, name string) (hotel.RoomType, error) {
	if id != 0 {
		rt, err := s.bodyRoomType(ctx, hotelID, id)
		if err == nil && name != "" && !strings.EqualFold(name, rt.Name) {
			var v hotel.Validation
			v.Add("room_type", fmt.Sprintf("does not name room type %d (%s)", id, rt.Name))
			return rt, v.Err()
		}
		return rt, err
	}
	rts, err := s.store.ListRoomTypes(ctx, hotelID)
	if err != nil {
		return hotel.RoomType{}, storeError(err, "room type lookup")
	}
	for _, exact := range []bool{true, false} {
		for _, rt := range rts {
			if rt.Name == name || (!exact && strings.EqualFold(rt.Name, name)) {
				return rt, nil
			}
		}
	}
	return hotel.RoomType{}, roomTypeInvalid("room_type", hotelID)
}

// ListAdjustments returns a hotel's adjustments with id < beforeID (from
// the newest when beforeID is 0), newest first (default page
// hotel.DefaultPageSize).
func (s *Service) ListAdjustments(ctx context.Context, hotelID int64, beforeID int64, limit int) ([]hotel.Adjustment, error) {
	return listLog(ctx, s, hotelID, beforeID, limit, s.store.ListAdjustments, "list adjustments")
}

// listLog checks a request for a page of a hotel's log (adjustments, ARI
// changes) and reads it with list: ids below beforeID (0: from the
// newest), newest first, limit (default hotel.DefaultPageSize) at most.
func listLog[T any](ctx context.Context, s *Service, hotelID, beforeID int64, limit int,
	list func(ctx context.Context, hotelID, beforeID int64, limit int) ([]T, error), what string) ([]T, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	var v hotel.Validation
	if beforeID < 0 {
		v.Add("cursor", "not a cursor returned by this API")
	}
	checkLimit(&v, &limit, hotel.DefaultPageSize, hotel.MaxPageSize)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.GetHotel(ctx, hotelID); err != nil {
		return nil, err
	}
	if beforeID == 0 {
		beforeID = math.MaxInt64
	}
	page, err := list(ctx, hotelID, beforeID, limit)
	if err != nil {
		return nil, storeError(err, what)
	}
	return nonNil(page), nil
}

// catalogueError translates a catalogue write error: a unique name taken
// is ECONFLICT with taken as its message.
func catalogueError(err error, what, taken string) error {
	if errors.Is(err, store.ErrConflict) {
		return &hotel.Error{Code: hotel.ECONFLICT, Message: taken, Err: err}
	}
	return storeError(err, what)
}

// nonNil returns s, or an empty slice for nil, so an empty list is [] in
// JSON and compares equal across the implementations.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
