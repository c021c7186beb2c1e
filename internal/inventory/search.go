package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// earliestZone is where the calendar day starts last (UTC−12): no hotel's
// "today" is earlier than the date there.
var earliestZone = time.FixedZone("UTC-12", -12*60*60)

// Search returns a page of offers for a stay. "Past" is hotel-local: with a
// hotel id, a check-in before that hotel's today is invalid; with only a
// location (hotels in many zones), a check-in before the earliest today on
// Earth is invalid and offers of hotels whose today is already after the
// check-in are left out, so such a page may hold fewer offers than the
// limit while a next page exists.
func (s *Service) Search(ctx context.Context, q hotel.SearchQuery) (*hotel.SearchPage, error) {
	var v hotel.Validation
	checkSearch(&v, &q)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	if q.HotelID != 0 {
		h, err := s.store.GetHotel(ctx, q.HotelID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, hotelInvalid("hotel_id")
		}
		if err != nil {
			return nil, storeError(err, "search hotel")
		}
		if today := hotel.Today(now, h.Zone()); q.CheckIn.Before(today) {
			v.Add("check_in", fmt.Sprintf("is in the past: today is %s in the hotel's time zone (%s)", today, h.TimeZone))
			return nil, v.Err()
		}
	} else if earliest := hotel.Today(now, earliestZone); q.CheckIn.Before(earliest) {
		v.Add("check_in", fmt.Sprintf("is in the past in every time zone (the earliest today on Earth is %s)", earliest))
		return nil, v.Err()
	}

	// One offer more than asked tells whether a next page exists.
	limit := q.Limit
	q.Limit = limit + 1
	offers, err := s.store.Search(ctx, q)
	if err != nil {
		return nil, storeError(err, "search")
	}
	p := &hotel.SearchPage{Offers: make([]hotel.Offer, 0, min(len(offers), limit))}
	if len(offers) > limit {
		offers = offers[:limit]
		last := offers[limit-1]
		p.Next = hotel.SearchCursor{Total: last.TotalPrice, HotelID: last.HotelID, RoomTypeID: last.RoomTypeID}.String()
	}
	for _, o := range offers {
		if hotel.Today(now, hotel.Hotel{TimeZone: o.TimeZone}.Zone()).After(q.CheckIn) {
			continue // check-in is already past at this hotel
		}
		p.Offers = append(p.Offers, o)
	}
	return p, nil
}

// checkSearch checks q as a caller gave it, trims its text and sets the
// default limit. The HTTP server parses its query into the same checks.
func checkSearch(v *hotel.Validation, q *hotel.SearchQuery) {
	q.Location = checkText(v, "location", q.Location, maxLocation)
	q.RoomType = checkText(v, "room_type", q.RoomType, maxRoomTypeName)
	checkID(v, "hotel_id", q.HotelID)
	if q.Location == "" && q.HotelID == 0 && !v.Has("location") && !v.Has("hotel_id") {
		v.Add("location", "location or hotel_id is required")
	}
	checkStay(v, q.CheckIn, q.CheckOut, hotel.MaxStayNights)
	checkInt(v, "adults", q.Adults, 1, maxOccupancy)
	checkInt(v, "children", q.Children, 0, maxOccupancy)
	if !v.Has("adults") && !v.Has("children") && q.Guests() > maxOccupancy {
		v.Add("children", fmt.Sprintf("adults and children together must be at most %d", maxOccupancy))
	}
	if q.MaxPrice < 0 {
		v.Add("max_price", "must not be negative")
	}
	checkLimit(v, &q.Limit, hotel.DefaultSearchPageSize, hotel.MaxSearchPageSize)
	if c := q.After; c != nil && (c.Total < 0 || c.HotelID <= 0 || c.RoomTypeID <= 0) {
		v.Add("cursor", "not a cursor returned by this API")
	}
}
