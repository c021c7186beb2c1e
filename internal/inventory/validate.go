package inventory

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Limits of the fields the service accepts. They keep every value far from
// what the database or an int64 total could not hold.
const (
	maxHotelName    = 200
	maxLocation     = 200
	maxRoomTypeName = 100
	maxOccupancy    = 50 // also the largest party a search accepts
	maxAllowance    = 1000
	maxCapacity     = 10000
	maxAdjustRooms  = 10000
	maxReason       = 500
	maxActor        = 100
	// maxNightPrice (10,000,000.00) keeps a year of nights far from overflow.
	maxNightPrice = hotel.Cents(1_000_000_000)
)

// CheckBookingID returns EINVALID naming booking_id unless id is a booking
// id in its canonical form (hotel.ParseBookingID): the only form holds take,
// so one booking can never hold under two spellings of its id. The hold
// methods check it first and alone: it names the resource (the HTTP path),
// so the HTTP client can check it before sending.
func CheckBookingID(id string) error {
	if c, ok := hotel.ParseBookingID(id); ok && c == id {
		return nil
	}
	return &hotel.Error{Code: hotel.EINVALID, Message: "The booking id is not valid.",
		Fields: []hotel.FieldError{{Field: "booking_id", Reason: "must be a lowercase UUID such as 0190a5d2-6c7e-7b3a-9f1e-2d4c6b8a0e1f"}}}
}

// requiredText is checkText for a field that must not be empty.
func requiredText(v *hotel.Validation, field, s string, maxLen int) string {
	s = checkText(v, field, s, maxLen)
	if s == "" && !v.Has(field) {
		v.Add(field, "is required")
	}
	return s
}

// checkID checks an optional id is not negative (zero means absent).
func checkID(v *hotel.Validation, field string, id int64) {
	if id < 0 {
		v.Add(field, "must be a positive integer")
	}
}

// requiredID checks a required id is positive.
func requiredID(v *hotel.Validation, field string, id int64) {
	if id <= 0 {
		v.Add(field, "is required: a positive integer")
	}
}

// checkDate checks a required date carries on the wire.
func checkDate(v *hotel.Validation, field string, d hotel.Date) bool {
	switch {
	case d.IsZero():
		v.Add(field, "is required (YYYY-MM-DD)")
	case !onWire(d):
		v.Add(field, "must be a date from year 1 to 9999")
	default:
		return true
	}
	return false
}

// checkStay checks the stay [in, out) has 1 to maxNights nights.
func checkStay(v *hotel.Validation, in, out hotel.Date, maxNights int) {
	okIn, okOut := checkDate(v, "check_in", in), checkDate(v, "check_out", out)
	if !okIn || !okOut {
		return
	}
	switch n := in.DaysUntil(out); {
	case n < 1:
		v.Add("check_out", "must be after check_in")
	case n > maxNights:
		v.Add("check_out", fmt.Sprintf("a stay may have at most %d nights; this one has %d", maxNights, n))
	}
}

// checkDays checks the inclusive range [start, end] covers 1 to MaxRangeDays days.
func checkDays(v *hotel.Validation, startField, endField string, start, end hotel.Date) {
	okStart, okEnd := checkDate(v, startField, start), checkDate(v, endField, end)
	if !okStart || !okEnd {
		return
	}
	switch n := start.DaysUntil(end) + 1; {
	case n < 1:
		v.Add(endField, "must not be before "+startField)
	case n > hotel.MaxRangeDays:
		v.Add(endField, fmt.Sprintf("the range may cover at most %d days; it covers %d", hotel.MaxRangeDays, n))
	}
}

// checkInt checks lo <= n <= hi.
func checkInt(v *hotel.Validation, field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.Add(field, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
}

// checkLimit sets the default page size for 0 and checks the range.
func checkLimit(v *hotel.Validation, limit *int, def, maxLimit int) {
	switch {
	case *limit == 0:
		*limit = def
	case *limit < 0 || *limit > maxLimit:
		v.Add("limit", fmt.Sprintf("must be between 1 and %d", maxLimit))
	}
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// checkHotel checks and trims the fields of h.
func checkHotel(v *hotel.Validation, h *hotel.Hotel) {
	h.Name = requiredText(v, "hotel_name", h.Name, maxHotelName)
	h.Location = requiredText(v, "location", h.Location, maxLocation)
	h.TimeZone = requiredText(v, "time_zone", h.TimeZone, 64)
	if h.TimeZone != "" && !v.Has("time_zone") {
		// "Local" is this machine's zone, not a hotel's; LoadLocation also
		// accepts "" as UTC, which requiredText has already refused.
		if _, err := time.LoadLocation(h.TimeZone); err != nil || h.TimeZone == "Local" {
			v.Add("time_zone", "must be an IANA time zone such as Europe/London")
		}
	}
	h.Currency = requiredText(v, "currency", h.Currency, 3)
	if h.Currency != "" && !v.Has("currency") && !currencyPattern.MatchString(h.Currency) {
		v.Add("currency", "must be an ISO 4217 code of three capital letters such as GBP")
	}
	hotel.CheckTaxes(v, "taxes", h.Taxes)
	if len(h.Taxes) == 0 {
		h.Taxes = nil // as the stores read it back
	}
}

// checkRoomType checks and trims the fields of rt.
func checkRoomType(v *hotel.Validation, rt *hotel.RoomType) {
	rt.Name = requiredText(v, "room_type", rt.Name, maxRoomTypeName)
	checkInt(v, "max_occupancy", rt.MaxOccupancy, 1, maxOccupancy)
	checkInt(v, "overbooking_allowance", rt.OverbookingAllowance, 0, maxAllowance)
}

// hotelInvalid is the field error of a hotel id in a request body (or
// query) that names no hotel: the request is wrong, not the route.
func hotelInvalid(field string) error {
	var v hotel.Validation
	v.Add(field, "no hotel has this id")
	return v.Err()
}

// roomTypeInvalid is the field error of a room type (by id or name) that
// the hotel does not have.
func roomTypeInvalid(field string, hotelID int64) error {
	var v hotel.Validation
	v.Add(field, fmt.Sprintf("hotel %d has no such room type", hotelID))
	return v.Err()
}

// roomTypeNotFound is the error of a room type id in a path that names no
// room type of the hotel. inventoryhttp answers the same.
func roomTypeNotFound(hotelID, id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Room type %d of hotel %d was not found.", id, hotelID)
}

// nightList names nights for a message: the first ten, then a count.
func nightList(ds []hotel.Date) string {
	const show = 10
	parts := make([]string, 0, min(len(ds), show))
	for _, d := range ds[:min(len(ds), show)] {
		parts = append(parts, d.String())
	}
	s := strings.Join(parts, ", ")
	if len(ds) > show {
		s += fmt.Sprintf(" and %d more", len(ds)-show)
	}
	return s
}

// nightsFault translates a store refusal that concerns nights. A conflict
// (no room to take, nothing to unblock, capacity below what is held) is
// ECONFLICT with the message conflict makes of the list of nights;
// nights without inventory are a request that names nights the calendar
// does not have: EINVALID naming field, also with the nights. Other errors
// go to storeError with what. Both carry the nights in Error.Nights.
func nightsFault(err error, conflict func(nights string) string, roomType, field, what string) error {
	var ne *store.NightsError
	if !errors.As(err, &ne) {
		return storeError(err, what)
	}
	nights := nightList(ne.Nights)
	if errors.Is(ne.Err, store.ErrNotFound) {
		return &hotel.Error{Code: hotel.EINVALID,
			Message: fmt.Sprintf("There is no inventory for %s on %s.", roomType, nights),
			Fields:  []hotel.FieldError{{Field: field, Reason: "no inventory exists on the nights listed"}},
			Nights:  ne.Nights, Err: err}
	}
	return &hotel.Error{Code: hotel.ECONFLICT, Message: conflict(nights), Nights: ne.Nights, Err: err}
}
