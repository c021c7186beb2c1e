package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Search returns a page of offers for a stay. "Past" is hotel-local: with a
// hotel id, a check-in before that hotel's today is invalid; with only a
// location (hotels in many zones), a check-in before the earliest today on
// Earth is invalid and hotels whose today is already after the check-in
// are left out. Offers are quoted by hotel.OfferSearch — the rules a
// booking checks again when it is made — from the search index, or from
// what the store's LoadARI reads.
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
	} else if earliest := hotel.EarliestToday(now); q.CheckIn.Before(earliest) {
		v.Add("check_in", fmt.Sprintf("is in the past in every time zone (the earliest today on Earth is %s)", earliest))
		return nil, v.Err()
	}

	// One offer more than asked tells whether a next page exists.
	limit := q.Limit
	q.Limit = limit + 1
	offers, excluded, err := s.offers(ctx, q, now)
	if err != nil {
		return nil, storeError(err, "search")
	}
	p := &hotel.SearchPage{Offers: offers, Excluded: excluded}
	if len(offers) > limit {
		p.Offers = offers[:limit]
		p.Next = p.Offers[limit-1].Cursor().String()
	}
	return p, nil
}

// offers answers a checked query from the search index, or from the
// database when there is none or the stay is outside its window.
func (s *Service) offers(ctx context.Context, q hotel.SearchQuery, now time.Time) ([]hotel.Offer, []hotel.Exclusion, error) {
	if s.index != nil {
		offers, excluded, ok, err := s.index.Search(ctx, q, now)
		if ok || err != nil {
			return offers, excluded, err
		}
	}
	snap, err := s.store.LoadARI(ctx, q.ARIQuery())
	if err != nil {
		return nil, nil, err
	}
	return hotel.SearchOffers(snap, q, now)
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
	hotel.CheckChildAges(v, "children_ages", q.ChildAges, maxOccupancy, false)
	switch {
	case len(q.ChildAges) == 0 || v.Has("children"):
	case q.Children == 0:
		q.Children = len(q.ChildAges)
	case q.Children != len(q.ChildAges):
		v.Add("children_ages", fmt.Sprintf("gives %d ages for %d children", len(q.ChildAges), q.Children))
	}
	if q.MealPlan != "" && !slices.Contains(hotel.MealPlans, q.MealPlan) {
		v.Add("meal_plan", "must be one of "+strings.Join(hotel.MealPlans, ", "))
	}
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
