// Package inventory implements hotel.InventoryService over a store: the
// rules (ranges, defaults in the hotel's time zone, page sizes) live here;
// the SQL lives in the store drivers.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
	"github.com/hotelplatform/hotel/internal/store"
)

// Service is the in-process inventory service.
type Service struct {
	store store.Store
	now   func() time.Time
	index *ariindex.Index // nil: search reads the database
}

var _ hotel.InventoryService = (*Service)(nil)

// An Option configures a Service.
type Option func(*Service)

// WithSearchIndex answers searches from an in-memory index with opt
// (opt.Now is the service's clock); the default.
func WithSearchIndex(opt ariindex.Options) Option {
	return func(s *Service) {
		if src, ok := s.store.(ariindex.Source); ok {
			opt.Now = s.now
			s.index = ariindex.New(src, opt)
		}
	}
}

// WithoutSearchIndex makes every search read the database.
func WithoutSearchIndex() Option { return func(s *Service) { s.index = nil } }

// NewService returns a Service over st; now is the clock (time.Now in
// production). Searches are answered from a search index unless an
// option says otherwise.
func NewService(st store.Store, now func() time.Time, opts ...Option) *Service {
	s := &Service{store: st, now: now}
	WithSearchIndex(ariindex.Options{})(s)
	for _, o := range opts {
		o(s)
	}
	return s
}

// SearchIndex returns the service's search index, nil without one.
func (s *Service) SearchIndex() *ariindex.Index { return s.index }

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

// hotelNotFound is the error of a hotel id that names no hotel.
// inventoryhttp.Client answers ids ≤ 0 with the same error.
func hotelNotFound(id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Hotel %d was not found.", id)
}

// GetHotel returns a hotel. Errors: ENOTFOUND.
func (s *Service) GetHotel(ctx context.Context, id int64) (*hotel.Hotel, error) {
	if id <= 0 {
		return nil, hotelNotFound(id)
	}
	h, err := s.store.GetHotel(ctx, id)
	if err != nil {
		return nil, storeError(err, fmt.Sprintf("Hotel %d", id))
	}
	return &h, nil
}

// ListInventory returns a page of inventory rows.
func (s *Service) ListInventory(ctx context.Context, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	var v hotel.Validation
	checkFilter(&v, &f)
	checkRange(&v, f)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.page(ctx, f)
}

// HotelInventory returns a page of one hotel's inventory; missing dates
// default to today (hotel-local) and DefaultRangeDays nights.
func (s *Service) HotelInventory(ctx context.Context, hotelID int64, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	// The order of the checks is the HTTP server's: the id, then the inputs
	// as given, then the hotel, then the range (which needs its "today").
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	var v hotel.Validation
	if f.Location != "" {
		v.Add("location", "is not a filter of one hotel's inventory")
	}
	checkFilter(&v, &f)
	if err := v.Err(); err != nil {
		return nil, err
	}
	f.HotelID = hotelID
	// The hotel is looked up only when its "today" is needed (a date left
	// out), or to tell an unknown hotel (404) from an invalid or empty range.
	known := f.StartDate.IsZero() || f.EndDate.IsZero()
	if known {
		h, err := s.GetHotel(ctx, hotelID)
		if err != nil {
			return nil, err
		}
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
	}
	var r hotel.Validation
	checkRange(&r, f)
	err := r.Err()
	invalid := err != nil
	var p *hotel.InventoryPage
	if !invalid {
		p, err = s.page(ctx, f)
	}
	if !known && (invalid || err == nil && len(p.Items) == 0) {
		if _, herr := s.GetHotel(ctx, hotelID); herr != nil {
			return nil, herr
		}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// checkFilter checks the fields of f as a caller gave them, with the rules
// the HTTP server applies to its query, so an in-process caller gets the
// answer an HTTP client would. It trims the text filters (as the server
// does) and sets the default limit.
func checkFilter(v *hotel.Validation, f *hotel.InventoryFilter) {
	v.PageLimit(&f.Limit, hotel.DefaultPageSize, hotel.MaxPageSize)
	if f.HotelID < 0 {
		v.Add("hotel_id", "must be a positive integer")
	}
	f.Location = checkText(v, "location", f.Location, 200)
	f.RoomType = checkText(v, "room_type", f.RoomType, 100)
	if !f.StartDate.IsZero() && !onWire(f.StartDate) {
		v.Add("start_date", "must be a date from year 1 to 9999")
	}
	if !f.EndDate.IsZero() && !onWire(f.EndDate) {
		v.Add("end_date", "must be a date from year 1 to 9999")
	}
	if c := f.After; c != nil && (c.HotelID <= 0 || c.RoomTypeID <= 0 || c.Date.IsZero() || !onWire(c.Date)) {
		v.Add("cursor", "not a cursor returned by this API")
	}
}

// checkText checks s is safe single-line text (hotel.TextFault: valid
// UTF-8 without control, bidirectional control or line separator
// characters — PostgreSQL would refuse NUL and invalid UTF-8 outright, a
// 500, where SQLite would quietly match nothing) and, trimmed, at most
// maxLen bytes; it returns it trimmed.
func checkText(v *hotel.Validation, field, s string, maxLen int) string {
	if fault := hotel.TextFault(s); fault != "" {
		v.Add(field, fault)
		return strings.TrimSpace(s)
	}
	s = strings.TrimSpace(s)
	if len(s) > maxLen {
		v.Add(field, fmt.Sprintf("must be at most %d bytes", maxLen))
	}
	return s
}

// onWire reports whether d has the four-digit year YYYY-MM-DD can carry.
// Beyond it the drivers disagree: SQLite compares dates as text, so
// "10000-01-01" sorts before "2030-01-01".
func onWire(d hotel.Date) bool {
	y := d.Time().Year()
	return y >= 1 && y <= 9999
}

// checkRange checks the date range once both ends are known.
func checkRange(v *hotel.Validation, f hotel.InventoryFilter) {
	if f.StartDate.IsZero() || f.EndDate.IsZero() || !onWire(f.StartDate) || !onWire(f.EndDate) {
		return // nothing to check, or checkFilter already named the date
	}
	switch n := f.StartDate.DaysUntil(f.EndDate) + 1; {
	case n < 1:
		v.Add("end_date", "must not be before start_date")
	case n > hotel.MaxRangeDays:
		v.Add("end_date", fmt.Sprintf("the range may cover at most %d days; it covers %d", hotel.MaxRangeDays, n))
	}
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
