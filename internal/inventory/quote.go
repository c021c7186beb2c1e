package inventory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// A hold is sold on a rate plan: the store calls the hold's Price inside
// its transaction with the ARI of the stay, and the functions here check
// every rule of the plan (hotel.Plans.Quote, the same code search offers
// are judged by) and price the nights for the party.

// checkHoldTerms validates the plan code and party of a hold or a move,
// upper-casing the code.
func checkHoldTerms(v *hotel.Validation, code *string, adults int, ages []int) {
	*code = hotel.CheckRatePlanCode(v, "rate_plan", *code)
	if adults < 0 || adults > maxOccupancy {
		v.Add("adults", fmt.Sprintf("must be from 0 to %d", maxOccupancy))
	}
	hotel.CheckChildAges(v, "children_ages", ages, maxOccupancy, true)
}

// planOf returns room type rtID of snap and the plan to sell it on: the
// plan of code, else the plan of id current when it is one of the room
// type's, else the room type's default plan. Errors: store.ErrNotFound (no
// such room type: the caller explains it), EINVALID rate_plan.
func planOf(snap hotel.ARISnapshot, rtID int64, code string, current int64) (hotel.RoomType, hotel.RatePlan, error) {
	i := slices.IndexFunc(snap.RoomTypes, func(rt hotel.RoomType) bool { return rt.ID == rtID })
	if i < 0 {
		return hotel.RoomType{}, hotel.RatePlan{}, store.ErrNotFound
	}
	rt := snap.RoomTypes[i]
	var found, def *hotel.RatePlan
	for _, p := range snap.Plans {
		switch {
		case code != "" && strings.EqualFold(p.Code, code):
			found = &p
		case code == "" && p.RoomTypeID == rt.ID && p.ID == current:
			found = &p
		case p.RoomTypeID == rt.ID && p.Default:
			def = &p
		}
	}
	switch {
	case found != nil && found.RoomTypeID != rt.ID:
		return rt, hotel.RatePlan{}, planInvalid(fmt.Sprintf("rate plan %s is not a plan of room type %s", found.Code, rt.Name))
	case found != nil:
		return rt, *found, nil
	case code != "":
		return rt, hotel.RatePlan{}, planInvalid(fmt.Sprintf("hotel %d has no rate plan %s", rt.HotelID, code))
	case def == nil:
		return rt, hotel.RatePlan{}, fmt.Errorf("room type %d has no default rate plan", rt.ID)
	}
	return rt, *def, nil
}

func planInvalid(reason string) error {
	var v hotel.Validation
	v.Add("rate_plan", reason)
	return v.Err()
}

// quote checks stay s on plan p of room type rt and prices it. The rules of
// availability (sold out, no inventory, and no price on a night without
// inventory) are left to the store, which names the nights it could not
// take; ignore drops others. Any other broken rule refuses the stay:
// ECONFLICT naming each rule and date.
func quote(snap hotel.ARISnapshot, rt hotel.RoomType, p hotel.RatePlan, s hotel.Stay, ignore func(hotel.Violation) bool) (*hotel.HoldQuote, error) {
	q, broken, err := snap.Plans.Quote(snap.ARI, rt, p, s)
	if err != nil {
		return nil, err
	}
	noInventory := map[hotel.Date]bool{}
	for _, v := range broken {
		if v.Rule == hotel.RuleNoInventory {
			noInventory[v.Date] = true
		}
	}
	broken = slices.DeleteFunc(broken, func(v hotel.Violation) bool {
		switch {
		case v.Rule == hotel.RuleSoldOut, v.Rule == hotel.RuleNoInventory, v.Rule == hotel.RuleNoPrice && noInventory[v.Date]:
			return true
		}
		return ignore != nil && ignore(v)
	})
	if len(broken) > 0 {
		return nil, RuleError(p.Code, broken)
	}
	h := snap.Hotels[rt.HotelID]
	return &hotel.HoldQuote{RatePlanID: p.ID, Party: s.Party.Key(), Prices: q.NightlyPrices,
		Terms: hotel.Terms{RatePlan: p, Party: s.Party, Restrictions: q.Restrictions, TimeZone: h.TimeZone, Taxes: h.Taxes}}, nil
}

// RuleError is the refusal of a stay that breaks rules of rate plan code:
// ECONFLICT, naming the first rule in the message and every one in
// Violations.
func RuleError(code string, broken []hotel.Violation) error {
	msg := fmt.Sprintf("Rate plan %s does not sell this stay: %s (rule %s)", code, broken[0].Detail, broken[0].Rule)
	if n := len(broken) - 1; n > 0 {
		msg += fmt.Sprintf(", and %d more rule(s) in violations", n)
	}
	return &hotel.Error{Code: hotel.ECONFLICT, Message: msg + ".", Violations: broken}
}

// holdPrice is the Price of hold request req at now.
func holdPrice(req hotel.HoldRequest, now time.Time) func(hotel.ARISnapshot) (*hotel.HoldQuote, error) {
	party := hotel.Party{Adults: req.Adults, ChildAges: req.ChildAges}
	return func(snap hotel.ARISnapshot) (*hotel.HoldQuote, error) {
		rt, p, err := planOf(snap, req.RoomTypeID, req.RatePlan, 0)
		if err != nil {
			return nil, err
		}
		today := hotel.Today(now, snap.Hotels[rt.HotelID].Zone())
		return quote(snap, rt, p, hotel.Stay{CheckIn: req.CheckIn, CheckOut: req.CheckOut, Today: today, Party: party}, nil)
	}
}

// movePrice is the Price of move m at now. The moved stay is checked like
// a new one, except that nights the hold keeps are its already (a stop-sell
// on them does not apply) and the lead time rules apply only when the
// arrival date changes. Without a plan code the hold keeps its plan (the
// room type's default plan when the room type changes); without a party,
// its party. Kept nights keep their price unless the plan or party change.
func movePrice(m hotel.HoldMove, now time.Time) func(hotel.Hold, hotel.ARISnapshot) (*hotel.HoldQuote, error) {
	return func(cur hotel.Hold, snap hotel.ARISnapshot) (*hotel.HoldQuote, error) {
		current := int64(0)
		if m.RoomTypeID == cur.RoomTypeID {
			current = cur.RatePlanID
		}
		rt, p, err := planOf(snap, m.RoomTypeID, m.RatePlan, current)
		if err != nil {
			return nil, err
		}
		party := hotel.Party{Adults: m.Adults, ChildAges: m.ChildAges}
		if party.Guests() == 0 && cur.Terms != nil {
			party = cur.Terms.Party
		}
		kept := map[hotel.Date]hotel.Cents{}
		if m.RoomTypeID == cur.RoomTypeID {
			for _, n := range cur.Nights {
				if !n.Date.Before(m.CheckIn) && n.Date.Before(m.CheckOut) {
					kept[n.Date] = n.Price
				}
			}
		}
		today := hotel.Today(now, snap.Hotels[rt.HotelID].Zone())
		stay := hotel.Stay{CheckIn: m.CheckIn, CheckOut: m.CheckOut, Today: today, Party: party}
		q, err := quote(snap, rt, p, stay, func(v hotel.Violation) bool {
			_, held := kept[v.Date]
			lead := v.Rule == hotel.RuleMinAdvance || v.Rule == hotel.RuleMaxAdvance
			return v.Rule == hotel.RuleStopSell && held || lead && m.CheckIn == cur.CheckIn
		})
		if err != nil {
			return nil, err
		}
		samePlan := cur.RatePlanID == p.ID || cur.RatePlanID == 0 && p.Default
		if samePlan && (cur.Terms == nil || cur.Terms.Party.Key() == party.Key()) {
			for i, n := range q.Prices {
				if price, ok := kept[n.Date]; ok {
					q.Prices[i].Price = price
				}
			}
		}
		return q, nil
	}
}
