package ariindex

import (
	"cmp"
	"math"
	"slices"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// noNight marks a day without inventory (avail) or without a price.
const (
	noNight = math.MinInt32
	noPrice = hotel.Cents(-1)
)

// hotelARI is one hotel's ARI over the window: arrays by day (day 0 is the
// window's first), nights [0, days), restrictions [0, days] (the last is a
// check-out date's).
type hotelARI struct {
	hotel hotel.Hotel
	rooms []*roomARI // by id
	byID  map[int64]*roomARI
	plans hotel.Plans
	// planARI of the base plans that are not default (their prices) and of
	// every plan with restrictions of its own.
	byPlan map[int64]*planARI
	// rules is the hotel's table of distinct restrictions (0: none), which
	// the days' entries index.
	rules   []hotel.Restrictions
	ruleIdx map[hotel.Restrictions]uint32
	days    int
}

// roomARI is a room type's days: rooms for sale, the default plan's price,
// the restrictions of every plan; and its plans by id.
type roomARI struct {
	rt    hotel.RoomType
	avail []int32
	price []hotel.Cents
	rules []uint32 // nil: none
	// chains are the room type's plans by id, each with its ancestors
	// (hotel.Plans.Chain); a plan whose chain is broken is left out (the
	// stores refuse to write one).
	chains [][]hotel.RatePlan
}

// planARI is a plan's days: its base price (base plans that are not the
// default), its restrictions (nil: none).
type planARI struct {
	price []hotel.Cents
	rules []uint32
}

// build makes the hotels of snap over days from day base.
func build(snap hotel.ARISnapshot, base int64, days int) map[int64]*hotelARI {
	out := make(map[int64]*hotelARI, len(snap.Hotels))
	for _, rt := range snap.RoomTypes {
		h := out[rt.HotelID]
		if h == nil {
			h = &hotelARI{hotel: snap.Hotels[rt.HotelID], byID: map[int64]*roomARI{}, plans: hotel.Plans{},
				byPlan: map[int64]*planARI{}, rules: []hotel.Restrictions{{}}, ruleIdx: map[hotel.Restrictions]uint32{{}: 0}, days: days}
			out[rt.HotelID] = h
		}
		r := &roomARI{rt: rt, avail: make([]int32, days), price: make([]hotel.Cents, days)}
		for d := range r.avail {
			r.avail[d] = noNight
		}
		h.rooms = append(h.rooms, r)
		h.byID[rt.ID] = r
	}
	for _, p := range snap.Plans {
		h := out[p.HotelID]
		if h == nil {
			continue
		}
		h.plans[p.ID] = p
		if p.ParentID == 0 && !p.Default {
			h.plan(p.ID).price = newPrices(days)
		}
	}
	for _, h := range out {
		for _, p := range h.plans {
			if r := h.byID[p.RoomTypeID]; r != nil {
				if chain, err := h.plans.Chain(p); err == nil {
					r.chains = append(r.chains, chain)
				}
			}
		}
		for _, r := range h.rooms {
			slices.SortFunc(r.chains, func(a, b []hotel.RatePlan) int { return cmp.Compare(a[0].ID, b[0].ID) })
		}
	}
	rooms := make(map[int64]*roomARI, len(snap.RoomTypes))
	for _, h := range out {
		for _, r := range h.rooms {
			rooms[r.rt.ID] = r
		}
	}
	for k, n := range snap.ARI.Rooms {
		if r := rooms[k.RoomTypeID]; r != nil {
			if d := int(dayOf(k.Night) - base); d >= 0 && d < days {
				r.avail[d] = int32(max(min(n, math.MaxInt32), math.MinInt32+1))
			}
		}
	}
	// The default plans' prices are the inventory nights'; LoadARI keyed
	// them by plan.
	for k, c := range snap.ARI.Prices {
		p, ok := snap.Plans[k.PlanID]
		h := out[p.HotelID]
		d := int(dayOf(k.Night) - base)
		if !ok || h == nil || d < 0 || d >= days {
			continue
		}
		if p.Default {
			if r := h.byID[p.RoomTypeID]; r != nil {
				r.price[d] = c
			}
		} else if pa := h.byPlan[p.ID]; pa != nil && pa.price != nil {
			pa.price[d] = c
		}
	}
	for k, rs := range snap.ARI.Rules {
		if r := rooms[k.RoomTypeID]; r != nil {
			out[r.rt.HotelID].setRule(k.RoomTypeID, k.PlanID, int(dayOf(k.Date)-base), rs)
		}
	}
	return out
}

func newPrices(days int) []hotel.Cents {
	p := make([]hotel.Cents, days)
	for d := range p {
		p[d] = noPrice
	}
	return p
}

// plan returns the planARI of a plan, made empty when it has none.
func (h *hotelARI) plan(id int64) *planARI {
	pa := h.byPlan[id]
	if pa == nil {
		pa = &planARI{}
		h.byPlan[id] = pa
	}
	return pa
}

// setRule sets the restrictions of a room type's plan (0: all its plans)
// on day d (days outside [0, days] are ignored).
func (h *hotelARI) setRule(roomTypeID, planID int64, d int, rs hotel.Restrictions) {
	if d < 0 || d > h.days {
		return
	}
	idx, ok := h.ruleIdx[rs]
	if !ok {
		if len(h.rules) >= compactRulesAt {
			h.compactRules() // mostly restrictions no day uses any more
		}
		idx = uint32(len(h.rules))
		h.rules = append(h.rules, rs)
		h.ruleIdx[rs] = idx
	}
	var days *[]uint32
	if planID == 0 {
		r := h.byID[roomTypeID]
		if r == nil {
			return
		}
		days = &r.rules
	} else {
		if _, ok := h.plans[planID]; !ok {
			return
		}
		days = &h.plan(planID).rules
	}
	if *days == nil {
		if idx == 0 {
			return
		}
		*days = make([]uint32, h.days+1)
	}
	(*days)[d] = idx
}

// compactRules rebuilds the table of restrictions with only those some
// day uses.
func (h *hotelARI) compactRules() {
	used := map[uint32]uint32{0: 0}
	table := []hotel.Restrictions{{}}
	index := map[hotel.Restrictions]uint32{{}: 0}
	remap := func(days []uint32) {
		for d, i := range days {
			j, ok := used[i]
			if !ok {
				j = uint32(len(table))
				table = append(table, h.rules[i])
				index[h.rules[i]] = j
				used[i] = j
			}
			days[d] = j
		}
	}
	for _, r := range h.rooms {
		remap(r.rules)
	}
	for _, pa := range h.byPlan {
		remap(pa.rules)
	}
	h.rules, h.ruleIdx = table, index
}

// applyLocked clears the ranges of touches of loaded hotels and writes the
// rows read back over them. mu is held.
func (x *Index) applyLocked(touches []store.ARITouch, rows store.ARIRows) {
	base := x.base
	clamp := func(h *hotelARI, t store.ARITouch, last int) (int, int) {
		return max(int(dayOf(t.From)-base), 0), min(int(dayOf(t.To)-base), last)
	}
	for _, t := range touches {
		h := x.hotels[t.HotelID]
		if h == nil {
			continue
		}
		switch t.Kind {
		case store.TouchNights:
			if r := h.byID[t.RoomTypeID]; r != nil {
				from, to := clamp(h, t, h.days-1)
				for d := from; d <= to; d++ {
					r.avail[d], r.price[d] = noNight, 0
				}
			}
		case store.TouchRates:
			from, to := clamp(h, t, h.days-1)
			for _, pa := range h.byPlan {
				for d := from; d <= to && pa.price != nil; d++ {
					pa.price[d] = noPrice
				}
			}
		case store.TouchRules:
			from, to := clamp(h, t, h.days)
			for _, r := range h.rooms {
				if t.RoomTypeID != 0 && r.rt.ID != t.RoomTypeID {
					continue
				}
				clearRules(r.rules, from, to)
				for _, chain := range r.chains {
					if pa := h.byPlan[chain[0].ID]; pa != nil {
						clearRules(pa.rules, from, to)
					}
				}
			}
		}
	}
	for _, n := range rows.Nights {
		if h := x.hotels[n.HotelID]; h != nil {
			if r := h.byID[n.RoomTypeID]; r != nil {
				if d := int(dayOf(n.Night) - base); d >= 0 && d < h.days {
					r.avail[d] = int32(max(min(n.Available, math.MaxInt32), math.MinInt32+1))
					r.price[d] = n.Price
				}
			}
		}
	}
	for _, n := range rows.Rates {
		if h := x.hotels[n.HotelID]; h != nil {
			if pa := h.byPlan[n.PlanID]; pa != nil && pa.price != nil {
				if d := int(dayOf(n.Night) - base); d >= 0 && d < h.days {
					pa.price[d] = n.Price
				}
			}
		}
	}
	for _, n := range rows.Rules {
		if h := x.hotels[n.HotelID]; h != nil {
			h.setRule(n.RoomTypeID, n.PlanID, int(dayOf(n.Date)-base), n.Restrictions)
		}
	}
}

func clearRules(days []uint32, from, to int) {
	for d := from; d <= to && days != nil; d++ {
		days[d] = 0
	}
}

// view is a hotel's ARI as hotel.ARIView, for one search: it remembers the
// room type and plan it looked up last (a search asks about one room type
// and plan many times in a row).
type view struct {
	h    *hotelARI
	base int64

	room   *roomARI
	planID int64
	plan   *planARI
}

func (v *view) day(d hotel.Date) int { return int(dayOf(d) - v.base) }

func (v *view) roomOf(id int64) *roomARI {
	if v.room == nil || v.room.rt.ID != id {
		v.room = v.h.byID[id]
	}
	return v.room
}

func (v *view) planOf(id int64) *planARI {
	if v.planID != id {
		v.planID, v.plan = id, v.h.byPlan[id]
	}
	return v.plan
}

// Available implements hotel.ARIView.
func (v *view) Available(roomTypeID int64, night hotel.Date) (int, bool) {
	r, d := v.roomOf(roomTypeID), v.day(night)
	if r == nil || d < 0 || d >= len(r.avail) || r.avail[d] == noNight {
		return 0, false
	}
	return int(r.avail[d]), true
}

// BasePrice implements hotel.ARIView.
func (v *view) BasePrice(plan hotel.RatePlan, night hotel.Date) (hotel.Cents, bool) {
	d := v.day(night)
	if plan.Default {
		r := v.roomOf(plan.RoomTypeID)
		if r == nil || d < 0 || d >= len(r.avail) || r.avail[d] == noNight {
			return 0, false
		}
		return r.price[d], true
	}
	pa := v.planOf(plan.ID)
	if pa == nil || pa.price == nil || d < 0 || d >= len(pa.price) || pa.price[d] == noPrice {
		return 0, false
	}
	return pa.price[d], true
}

// Restrictions implements hotel.ARIView.
func (v *view) Restrictions(roomTypeID, planID int64, date hotel.Date) hotel.Restrictions {
	var days []uint32
	if planID == 0 {
		if r := v.roomOf(roomTypeID); r != nil {
			days = r.rules
		}
	} else if pa := v.planOf(planID); pa != nil {
		days = pa.rules
	}
	d := v.day(date)
	if d < 0 || d >= len(days) {
		return hotel.Restrictions{}
	}
	return v.h.rules[days[d]]
}
