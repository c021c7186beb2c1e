// Package inventory implements hotel.InventoryService over a store: the
// rules (ranges, defaults in the hotel's time zone, page sizes) live here;
// the SQL lives in the store drivers.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Service is the in-process inventory service.
type Service struct {
	store store.Store
	now   func() time.Time
}

var _ hotel.InventoryService = (*Service)(nil)

// NewService returns a Service over st; now is the clock (time.Now in production).
func NewService(st store.Store, now func() time.Time) *Service {
	return &Service{store: st, now: now}
}

// storeError translates a store error into a domain error.
func storeError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return hotel.Errorf(hotel.ENOTFOUND, "%s was not found.", what)
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The inventory database is unavailable; try again shortly.", Err: err}
	case errors.Is(err, context.Canceled):
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The request was cancelled.", Err: err}
	default:
		return &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: fmt.Errorf("%s: %w", what, err)}
	}
}

// GetHotel returns a hotel. Errors: ENOTFOUND.
func (s *Service) GetHotel(ctx context.Context, id int64) (*hotel.Hotel, error) {
	if id <= 0 {
		return nil, hotel.Errorf(hotel.ENOTFOUND, "Hotel %d was not found.", id)
	}
	h, err := s.store.GetHotel(ctx, id)
	if err != nil {
		return nil, storeError(err, fmt.Sprintf("Hotel %d", id))
	}
	return &h, nil
}

// ListInventory returns a page of inventory rows.
func (s *Service) ListInventory(ctx context.Context, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	if err := validateFilter(&f); err != nil {
		return nil, err
	}
	return s.page(ctx, f)
}

// HotelInventory returns a page of one hotel's inventory; missing dates
// default to today (hotel-local) and DefaultRangeDays nights.
func (s *Service) HotelInventory(ctx context.Context, hotelID int64, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	h, err := s.GetHotel(ctx, hotelID)
	if err != nil {
		return nil, err
	}
	f.HotelID = hotelID
	if f.StartDate.IsZero() {
		f.StartDate = hotel.Today(s.now(), h.Zone())
		if !f.EndDate.IsZero() && f.EndDate.Before(f.StartDate) {
			// Asked only for an end in the past: show the range ending there.
			f.StartDate = f.EndDate.AddDays(-(hotel.DefaultRangeDays - 1))
		}
	}
	if f.EndDate.IsZero() {
		f.EndDate = f.StartDate.AddDays(hotel.DefaultRangeDays - 1)
	}
	if err := validateFilter(&f); err != nil {
		return nil, err
	}
	return s.page(ctx, f)
}

func validateFilter(f *hotel.InventoryFilter) error {
	var v hotel.Validation
	switch {
	case f.Limit == 0:
		f.Limit = hotel.DefaultPageSize
	case f.Limit < 0 || f.Limit > hotel.MaxPageSize:
		v.Add("limit", fmt.Sprintf("must be between 1 and %d", hotel.MaxPageSize))
	}
	if f.HotelID < 0 {
		v.Add("hotel_id", "must be a positive integer")
	}
	if len(f.Location) > 200 {
		v.Add("location", "must be at most 200 characters")
	}
	if len(f.RoomType) > 100 {
		v.Add("room_type", "must be at most 100 characters")
	}
	if !f.StartDate.IsZero() && !f.EndDate.IsZero() {
		switch n := f.StartDate.DaysUntil(f.EndDate) + 1; {
		case n < 1:
			v.Add("end_date", "must not be before start_date")
		case n > hotel.MaxRangeDays:
			v.Add("end_date", fmt.Sprintf("the range may cover at most %d days; it covers %d", hotel.MaxRangeDays, n))
		}
	}
	return v.Err()
}

// page fetches one row more than asked to know whether a next page exists.
func (s *Service) page(ctx context.Context, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	limit := f.Limit
	f.Limit = limit + 1
	items, err := s.store.ListInventory(ctx, f)
	if err != nil {
		return nil, storeError(err, "inventory listing")
	}
	p := &hotel.InventoryPage{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		last := p.Items[limit-1]
		p.Next = hotel.InventoryCursor{HotelID: last.HotelID, Date: last.Date, RoomTypeID: last.RoomTypeID}.String()
	}
	return p, nil
}

// Ready reports whether the store answers and has the expected schema.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return storeError(err, "database ping")
	}
	if err := s.store.CheckSchema(ctx); err != nil {
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The database schema is not at this binary's version.", Err: err}
	}
	return nil
}
