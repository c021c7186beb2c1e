// Package hotel is the domain of the hotel inventory and booking platform: its
// types, error codes and service interfaces. It does no I/O; adapters in
// internal/ implement the interfaces and cmd/hotel wires them together.
package hotel

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Hotel is a property that sells rooms.
type Hotel struct {
	ID       int64  `json:"hotel_id"`
	Name     string `json:"hotel_name"`
	Location string `json:"location"`
	// TimeZone is the IANA zone that defines the hotel's "today" and its nights.
	TimeZone string `json:"time_zone"`
	// Currency is the ISO 4217 code of every price at this hotel.
	Currency string `json:"currency"`
	// Taxes are the hotel's taxes and fees on a room's price (tax.go), in
	// the order a breakdown lists them.
	Taxes []Tax `json:"taxes,omitempty"`
}

// Zone returns the hotel's time zone, falling back to UTC if the stored
// name is unknown to this machine's zone database (stores validate on write).
func (h Hotel) Zone() *time.Location {
	loc, err := LoadZone(h.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LoadZone is time.LoadLocation with the loaded zones cached.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// zones caches loaded time zones: time.LoadLocation parses the zone database
// on every call, and Zone is on the request path. There are a few hundred
// zone names at most, so the cache is bounded.
var zones sync.Map

// RoomType is a kind of room a hotel sells, with its own nightly inventory.
type RoomType struct {
	ID           int64  `json:"room_type_id"`
	HotelID      int64  `json:"hotel_id"`
	Name         string `json:"room_type"`
	MaxOccupancy int    `json:"max_occupancy"`
	// OverbookingAllowance is how many rooms may be sold beyond capacity on
	// each night (default 0: no overbooking).
	OverbookingAllowance int `json:"overbooking_allowance"`
}

// Demand levels of an inventory night (the seed's demand_level).
const (
	DemandLow    = "low"
	DemandMedium = "medium"
	DemandHigh   = "high"
)

// Night is the stored inventory of one room type on one date.
// Invariant (enforced by the database): Held + Blocked <= Capacity + Allowance.
type Night struct {
	HotelID     int64
	RoomTypeID  int64
	Date        Date
	Capacity    int   // rooms of this type the hotel has
	Held        int   // rooms held by bookings
	Blocked     int   // rooms taken out of sale by staff
	Allowance   int   // rooms that may be sold beyond capacity (overbooking), default 0
	Price       Cents // nightly price in the hotel's currency
	DemandLevel string
}

// Available returns the rooms still for sale on the night.
func (n Night) Available() int { return n.Capacity + n.Allowance - n.Held - n.Blocked }

// InventoryItem is one room type on one date as the API shows it (seed field names).
type InventoryItem struct {
	HotelID        int64  `json:"hotel_id"`
	HotelName      string `json:"hotel_name"`
	Location       string `json:"location"`
	RoomTypeID     int64  `json:"room_type_id"`
	RoomType       string `json:"room_type"`
	Date           Date   `json:"date"`
	AvailableRooms int    `json:"available_rooms"`
	TotalRooms     int    `json:"total_rooms"`
	RoomPrice      Cents  `json:"room_price"`
	Currency       string `json:"currency"`
	DemandLevel    string `json:"demand_level"`
}

// InventoryFilter selects inventory rows. Zero fields do not filter. Dates are
// inclusive. Rows come ordered by hotel, date, room type; After continues a
// previous page (keyset pagination, stable under inserts).
type InventoryFilter struct {
	HotelID   int64
	Location  string // case-insensitive exact match
	RoomType  string // room type name, case-insensitive exact match
	StartDate Date
	EndDate   Date
	Limit     int
	After     *InventoryCursor
}

// InventoryCursor is the position after the last row of a page.
type InventoryCursor struct {
	HotelID    int64
	Date       Date
	RoomTypeID int64
}

// InventoryPage is one page of inventory rows; Next is empty on the last page.
type InventoryPage struct {
	Items []InventoryItem
	Next  string
}

// Pagination limits shared by every list endpoint.
const (
	DefaultPageSize = 500
	MaxPageSize     = 5000
	// MaxRangeDays is the longest date range one inventory query may cover.
	MaxRangeDays = 366
	// DefaultRangeDays is the range shown when a hotel's inventory is asked for without dates.
	DefaultRangeDays = 30
)

// InventoryService is the inventory bounded context. It has two implementations
// with identical behaviour: internal/inventory (in-process, over a store) and
// internal/inventory/inventoryhttp.Client (over HTTP, for split mode).
type InventoryService interface {
	// GetHotel returns the hotel with id. Errors: ENOTFOUND.
	GetHotel(ctx context.Context, id int64) (*Hotel, error)

	// ListInventory returns a page of inventory rows matching f.
	// Errors: EINVALID (bad range, bad cursor, bad limit).
	ListInventory(ctx context.Context, f InventoryFilter) (*InventoryPage, error)

	// HotelInventory returns a page of the inventory of one hotel. A zero start
	// date means today in the hotel's time zone; a zero end date means
	// DefaultRangeDays-1 days after the start. Errors: ENOTFOUND, EINVALID.
	HotelInventory(ctx context.Context, hotelID int64, f InventoryFilter) (*InventoryPage, error)

	// Search returns a page of offers for a stay. Errors: EINVALID.
	Search(ctx context.Context, q SearchQuery) (*SearchPage, error)

	Holds
	InventoryAdmin
	ARIAdmin
}

// String encodes c as an opaque, URL-safe page token.
func (c InventoryCursor) String() string {
	raw := strconv.FormatInt(c.HotelID, 10) + "|" + c.Date.String() + "|" + strconv.FormatInt(c.RoomTypeID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseInventoryCursor decodes a page token made by InventoryCursor.String.
func ParseInventoryCursor(s string) (*InventoryCursor, error) {
	bad := Errorf(EINVALID, "The page cursor is not valid; use the Link header of the previous page.")
	bad.Fields = []FieldError{{Field: "cursor", Reason: "not a cursor returned by this API"}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 64 {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return nil, bad
	}
	hid, err1 := strconv.ParseInt(parts[0], 10, 64)
	d, err2 := ParseDate(parts[1])
	rid, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || hid <= 0 || rid <= 0 {
		return nil, bad
	}
	return &InventoryCursor{HotelID: hid, Date: d, RoomTypeID: rid}, nil
}
