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
	s := NewOfferSearch(q, len(all))
	today := make(map[int64]Date, len(snap.Hotels))
	for id, h := range snap.Hotels {
		today[id] = Today(now, h.Zone())
	}
	var chains [][]RatePlan
	for _, rt := range snap.RoomTypes {
		h := snap.Hotels[rt.HotelID]
		chains = chains[:0]
		for _, p := range byRoomType[rt.ID] {
			chain, err := snap.Plans.Chain(*p)
			if err != nil {
				return nil, nil, err
			}
			chains = append(chains, chain)
		}
		s.RoomType(h, today[h.ID], rt, chains, snap.ARI)
	}
	offers, excluded := s.Result()
	return offers, excluded, nil
}

// OfferSearch quotes the room types of a search one at a time (RoomType)
// and makes the page of offers of those that pass (Result): SearchOffers
// over a snapshot, and search indexes over what they keep, answer with it.
type OfferSearch struct {
	q        SearchQuery
	party    Party
	found    []candidate
	order    []rank       // of found, sorted by Result
	nights   []NightPrice // of found, in turn
	scratch  []NightPrice // the nights of the plan being quoted
	excluded []Exclusion
}

// candidate is a plan that passes; the offers are made for the page only.
type candidate struct {
	hotel         *Hotel
	rt            *RoomType
	plan          *RatePlan
	nights, rooms int // nights: the first of its NightPrices in OfferSearch.nights
	total         Cents
}

// rank is a candidate's position in the order of offers (no pointers:
// sorting moves no pointer, so no write barrier).
type rank struct {
	cursor SearchCursor
	i      int
}

// NewOfferSearch starts answering q; plans hints how many plans will be
// quoted.
func NewOfferSearch(q SearchQuery, plans int) *OfferSearch {
	return &OfferSearch{q: q, party: q.Party(), found: make([]candidate, 0, plans), order: make([]rank, 0, plans),
		nights: make([]NightPrice, 0, plans*max(q.CheckIn.DaysUntil(q.CheckOut), 1))}
}

// RoomType quotes the plans of room type rt of hotel h, whose date is
// today, from v: each chain is a plan (first, in the order of plan ids)
// and its ancestors (Plans.Chain). A room type of a hotel where the
// check-in has passed is skipped. The chains must stay unchanged until
// Result.
func (s *OfferSearch) RoomType(h Hotel, today Date, rt RoomType, chains [][]RatePlan, v ARIView) {
	q := s.q
	if today.After(q.CheckIn) {
		return
	}
	var hp *Hotel // shared by the room type's candidates
	var rtp *RoomType
	stay := Stay{CheckIn: q.CheckIn, CheckOut: q.CheckOut, Today: today, Party: s.party}
	for _, chain := range chains {
		p := &chain[0]
		if (q.MealPlan != "" && p.MealPlan != q.MealPlan) || (q.Refundable != nil && p.Refundable != *q.Refundable) {
			continue
		}
		explain := q.Explain && q.After == nil && len(s.excluded) < MaxExplained
		quote, broken := quoteChain(v, rt, chain, stay, explain, s.scratch)
		s.scratch = quote.NightlyPrices
		if broken != nil {
			if explain {
				s.excluded = append(s.excluded, Exclusion{HotelID: h.ID, RoomTypeID: rt.ID, RatePlanID: p.ID, RatePlan: p.Code, Violations: broken})
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
		if hp == nil {
			hp, rtp = &h, &rt
		}
		s.order = append(s.order, rank{cursor: c, i: len(s.found)})
		s.found = append(s.found, candidate{hotel: hp, rt: rtp, plan: p, nights: len(s.nights), rooms: quote.AvailableRooms, total: quote.Total})
		s.nights = append(s.nights, quote.NightlyPrices...)
	}
}

// Result returns the page of offers (at most q.Limit, in the order of
// offers) and the plans explained.
func (s *OfferSearch) Result() ([]Offer, []Exclusion) {
	order := s.order
	slices.SortFunc(order, func(a, b rank) int { return a.cursor.compare(b.cursor) })
	if s.q.Limit > 0 && len(order) > s.q.Limit {
		order = order[:s.q.Limit]
	}
	var offers []Offer
	if len(order) > 0 {
		offers = make([]Offer, len(order))
	}
	n := s.q.CheckIn.DaysUntil(s.q.CheckOut)
	for i, r := range order {
		c := s.found[r.i]
		nights := s.nights[c.nights : c.nights+n : c.nights+n]
		quote := Quote{Plan: *c.plan, NightlyPrices: nights, Total: c.total, AvailableRooms: c.rooms}
		offers[i] = offerOf(*c.hotel, *c.rt, s.q, s.party, quote)
	}
	return offers, s.excluded
}

// offerOf is the offer of a quote for party, with the terms it would be
// sold on: the plan's policies, the cancellation deadline of this stay
// and the price split by the hotel's taxes.
func offerOf(h Hotel, rt RoomType, q SearchQuery, party Party, quote Quote) Offer {
	p := quote.Plan
	o := Offer{
		HotelID: h.ID, HotelName: h.Name, Location: h.Location, TimeZone: h.TimeZone,
		RoomTypeID: rt.ID, RoomType: rt.Name, MaxOccupancy: rt.MaxOccupancy,
		RatePlanID: p.ID, RatePlan: p.Code, RatePlanName: p.Name,
		MealPlan: p.MealPlan, Refundable: p.Refundable,
		CheckIn: q.CheckIn, CheckOut: q.CheckOut, AvailableRooms: quote.AvailableRooms,
		NightlyPrices: quote.NightlyPrices, TotalPrice: quote.Total, Currency: h.Currency,
		CancellationPolicy: p.CancellationTerms(), NoShowPolicy: p.NoShow, Guarantee: p.Guarantee,
	}
	if o.Guarantee.Kind == "" {
		o.Guarantee.Kind = GuaranteeNone
	}
	if deadline, ok := o.CancellationPolicy.DeadlineAt(q.CheckIn, h.Zone()); ok {
		o.CancellationDeadline = &deadline
	}
	o.PriceBreakdown = ApplyTaxes(h.Taxes, quote.Total, len(quote.NightlyPrices), party, MinorUnit(h.Currency))
	return o
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
