package hotel

import (
	"cmp"
	"slices"
	"time"
)

// MaxExplained bounds the left-out plans a search explains.
const MaxExplained = 500

// Exclusion is a rate plan of a room type a search left out, with every
// rule the stay breaks on it (explain=true).
type Exclusion struct {
	HotelID    int64       `json:"hotel_id"`
	RoomTypeID int64       `json:"room_type_id"`
	RatePlanID int64       `json:"rate_plan_id"`
	RatePlan   string      `json:"rate_plan"`
	Violations []Violation `json:"violations"`
}

// Party returns the party q asks for: its adults, and its children by age
// (ChildAges), or of unknown age (-1 each) when only a number was given.
func (q SearchQuery) Party() Party { return PartyOf(q.Adults, q.Children, q.ChildAges) }

// ARIQuery returns what a store must load to answer q: the hotels and room
// types q names over the nights of the stay (with explain, room types of
// any size, so that a room too small is explained).
func (q SearchQuery) ARIQuery() ARIQuery {
	a := ARIQuery{Location: q.Location, RoomType: q.RoomType, From: q.CheckIn, To: q.CheckOut}
	if q.HotelID != 0 {
		a.HotelIDs = []int64{q.HotelID}
	}
	if !q.Explain {
		a.MinOccupancy = q.Party().Guests()
	}
	return a
}

// SearchOffers answers q from snap (loaded with q.ARIQuery()) at time now:
// every rate plan of every room type whose every rule holds for the stay
// and party (Plans.Quote), as offers ordered by total price, hotel id,
// room type id and rate plan id, at most q.Limit strictly after q.After.
// Plans the meal plan, refundable or price filters leave out are not
// offered and not explained; with q.Explain, the first page (q.After nil)
// lists up to MaxExplained plans left out by a rule. Hotels where the
// check-in date has passed (hotel-local) are left out.
func SearchOffers(snap ARISnapshot, q SearchQuery, now time.Time) ([]Offer, []Exclusion, error) {
	party := q.Party()
	var excluded []Exclusion
	// The plans by room type, then id: one copy, sorted by pointer.
	all := make([]RatePlan, 0, len(snap.Plans))
	for _, p := range snap.Plans {
		all = append(all, p)
	}
	sorted := make([]*RatePlan, len(all))
	for i := range all {
		sorted[i] = &all[i]
	}
	slices.SortFunc(sorted, func(a, b *RatePlan) int {
		return cmp.Or(cmp.Compare(a.RoomTypeID, b.RoomTypeID), cmp.Compare(a.ID, b.ID))
	})
	byRoomType := make(map[int64][]*RatePlan, len(snap.RoomTypes))
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].RoomTypeID == sorted[i].RoomTypeID {
			j++
		}
		byRoomType[sorted[i].RoomTypeID] = sorted[i:j:j]
		i = j
	}
	today := make(map[int64]Date, len(snap.Hotels))
	for id, h := range snap.Hotels {
		today[id] = Today(now, h.Zone())
	}
	// The plans that pass, as their position in the order of offers; the
	// offers are made for the page only.
	type candidate struct {
		cursor SearchCursor
		rt     int // index in snap.RoomTypes
		plan   *RatePlan
		nights []NightPrice
		rooms  int
	}
	found := make([]candidate, 0, len(all))
	var chain []RatePlan
	for i, rt := range snap.RoomTypes {
		h := snap.Hotels[rt.HotelID]
		if today[h.ID].After(q.CheckIn) {
			continue
		}
		stay := Stay{CheckIn: q.CheckIn, CheckOut: q.CheckOut, Today: today[h.ID], Party: party}
		for _, p := range byRoomType[rt.ID] {
			if (q.MealPlan != "" && p.MealPlan != q.MealPlan) || (q.Refundable != nil && p.Refundable != *q.Refundable) {
				continue
			}
			var err error
			if chain, err = snap.Plans.appendChain(chain[:0], *p); err != nil {
				return nil, nil, err
			}
			explain := q.Explain && q.After == nil && len(excluded) < MaxExplained
			quote, broken := quoteChain(snap.ARI, rt, chain, stay, explain)
			if broken != nil {
				if explain {
					excluded = append(excluded, Exclusion{HotelID: h.ID, RoomTypeID: rt.ID, RatePlanID: p.ID, RatePlan: p.Code, Violations: broken})
				}
				continue
			}
			if q.MaxPrice > 0 && slices.ContainsFunc(quote.NightlyPrices, func(n NightPrice) bool { return n.Price > q.MaxPrice }) {
				continue
			}
			c := SearchCursor{Total: quote.Total, HotelID: h.ID, RoomTypeID: rt.ID, RatePlanID: p.ID}
			if q.After != nil && c.compare(*q.After) <= 0 {
				continue
			}
			found = append(found, candidate{cursor: c, rt: i, plan: p, nights: quote.NightlyPrices, rooms: quote.AvailableRooms})
		}
	}
	slices.SortFunc(found, func(a, b candidate) int { return a.cursor.compare(b.cursor) })
	if q.Limit > 0 && len(found) > q.Limit {
		found = found[:q.Limit]
	}
	var offers []Offer
	if len(found) > 0 {
		offers = make([]Offer, len(found))
	}
	for i, c := range found {
		rt := snap.RoomTypes[c.rt]
		quote := Quote{Plan: *c.plan, NightlyPrices: c.nights, Total: c.cursor.Total, AvailableRooms: c.rooms}
		offers[i] = offerOf(snap.Hotels[rt.HotelID], rt, q, quote)
	}
	return offers, excluded, nil
}

// offerOf is the offer of a quote.
func offerOf(h Hotel, rt RoomType, q SearchQuery, quote Quote) Offer {
	return Offer{
		HotelID: h.ID, HotelName: h.Name, Location: h.Location, TimeZone: h.TimeZone,
		RoomTypeID: rt.ID, RoomType: rt.Name, MaxOccupancy: rt.MaxOccupancy,
		RatePlanID: quote.Plan.ID, RatePlan: quote.Plan.Code, RatePlanName: quote.Plan.Name,
		MealPlan: quote.Plan.MealPlan, Refundable: quote.Plan.Refundable,
		CheckIn: q.CheckIn, CheckOut: q.CheckOut, AvailableRooms: quote.AvailableRooms,
		NightlyPrices: quote.NightlyPrices, TotalPrice: quote.Total, Currency: h.Currency,
	}
}

// cursor is the position of o in the order of offers.
func (o Offer) cursor() SearchCursor {
	return SearchCursor{Total: o.TotalPrice, HotelID: o.HotelID, RoomTypeID: o.RoomTypeID, RatePlanID: o.RatePlanID}
}

// Cursor is the position after o, for the next page.
func (o Offer) Cursor() SearchCursor { return o.cursor() }

// compare orders positions by total, hotel id, room type id, rate plan id.
func (c SearchCursor) compare(d SearchCursor) int {
	return cmp.Or(cmp.Compare(c.Total, d.Total), cmp.Compare(c.HotelID, d.HotelID),
		cmp.Compare(c.RoomTypeID, d.RoomTypeID), cmp.Compare(c.RatePlanID, d.RatePlanID))
}
