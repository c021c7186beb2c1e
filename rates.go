package hotel

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// This file holds the rules of rates and restrictions (ARI): how a rate
// plan prices a stay for a party and which restrictions a stay must meet.
// Search and booking both call Quote, so an offer and the booking made from
// it are judged by the same code; the stores only supply the data (an
// ARIView).

// RatePlan is a way a room type is sold: a price and the terms with it.
type RatePlan struct {
	ID         int64  `json:"rate_plan_id"`
	HotelID    int64  `json:"hotel_id"`
	RoomTypeID int64  `json:"room_type_id"`
	Code       string `json:"code"` // unique per hotel
	Name       string `json:"name"`
	MealPlan   string `json:"meal_plan"` // one of MealPlans
	Refundable bool   `json:"refundable"`
	Sellable   bool   `json:"sellable"`
	// Default marks the room type's default plan: a base plan whose nightly
	// price is the room type's price on the inventory night.
	Default bool `json:"default"`
	// ParentID is the plan a derived plan is priced from, any plan of the
	// same hotel (0: a base plan, with nightly prices of its own).
	ParentID int64 `json:"parent_id,omitempty"`
	// PercentBP adjusts the parent's price by this many basis points
	// (−1 000 = 10 % less); AmountCents by a fixed amount per night. A
	// derived plan has one of them (or neither: the parent's price).
	PercentBP   int   `json:"adjust_percent_bp,omitempty"`
	AmountCents Cents `json:"adjust_amount,omitempty"`
	// FollowsParentRestrictions: a derived plan meets its parent's
	// restrictions as well as its own.
	FollowsParentRestrictions bool `json:"follows_parent_restrictions,omitempty"`
	// Occupancy prices the party on a base plan; derived plans price the
	// party as their parent does.
	Occupancy Occupancy `json:"occupancy"`
	// Cancellation is the plan's cancellation policy (nil: the policy
	// Refundable implies, see CancellationTerms), NoShow what a guest who
	// does not arrive owes, Guarantee what a booking must secure. A derived
	// plan has its own, never its parent's.
	Cancellation *CancellationPolicy `json:"cancellation_policy,omitempty"`
	NoShow       NoShowPolicy        `json:"no_show_policy,omitzero"`
	Guarantee    Guarantee           `json:"guarantee,omitzero"`
}

// CancellationTerms returns the cancellation policy a stay on p is sold
// under: p.Cancellation, or without one free cancellation until the
// arrival date begins at the hotel when p is refundable, else
// non-refundable.
func (p RatePlan) CancellationTerms() CancellationPolicy {
	if p.Cancellation != nil {
		return *p.Cancellation
	}
	return CancellationPolicy{NonRefundable: !p.Refundable}
}

// ratePlanCode is the form of a rate plan code (the schema's CHECK).
var ratePlanCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,31}$`)

// ValidRatePlanCode reports whether s is a rate plan code: 1–32 capital
// letters, digits, '-' or '_', starting with a letter or digit.
func ValidRatePlanCode(s string) bool { return ratePlanCode.MatchString(s) }

// CheckRatePlanCode returns a client's rate plan code as plans store it
// (trimmed, upper-cased), adding to v under field when it is not a code;
// empty stays empty (the room type's default plan).
func CheckRatePlanCode(v *Validation, field, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code != "" && !ValidRatePlanCode(code) {
		v.Add(field, "must be a rate plan code: up to 32 letters, digits, '-' or '_'")
	}
	return code
}

// MealPlans are the meal plan codes a rate plan may include: room only,
// bed and breakfast, half board, full board, all inclusive.
var MealPlans = []string{"RO", "BB", "HB", "FB", "AI"}

// Occupancy is how a base plan prices a party. The nightly price is for
// BaseAdults adults (0: any number up to the room's maximum); each adult
// beyond adds ExtraAdult a night. A child is priced by the first band whose
// MaxAge is at least the child's age; a child older than every band counts
// as an adult. A child of unknown age is priced by the last band.
type Occupancy struct {
	BaseAdults int         `json:"base_adults"`
	ExtraAdult Cents       `json:"extra_adult"`
	ChildBands []ChildBand `json:"child_bands"`
}

// ChildBand prices children up to MaxAge (inclusive) at Price a night; the
// bands are ordered by MaxAge, each starting the year after the one before
// (the first at age 0).
type ChildBand struct {
	MaxAge int   `json:"max_age"`
	Price  Cents `json:"price"`
}

// MaxChildAge is the oldest a child may be: from 18, a guest is an adult.
const MaxChildAge = 17

// CheckChildAges adds to v, under field, what is wrong with children's
// ages: more than most of them, or an age outside 0–MaxChildAge (-1, "not
// known", is also taken when unknown is true: a hold's party, whose client
// gave a number of children without their ages).
func CheckChildAges(v *Validation, field string, ages []int, most int, unknown bool) {
	if len(ages) > most {
		v.Add(field, fmt.Sprintf("must list at most %d ages", most))
		return
	}
	lowest, also := 0, ""
	if unknown {
		lowest, also = -1, ", or -1 when not known"
	}
	if slices.ContainsFunc(ages, func(a int) bool { return a < lowest || a > MaxChildAge }) {
		v.Add(field, fmt.Sprintf("ages must be from 0 to %d (from %d a guest is an adult)%s", MaxChildAge, MaxChildAge+1, also))
	}
}

// Party is who stays. ChildAges has one entry per child; an age of -1 is
// not known (a client that sent a number of children without their ages).
type Party struct {
	Adults    int   `json:"adults"`
	ChildAges []int `json:"children_ages,omitempty"`
}

// Guests returns the party size.
func (p Party) Guests() int { return p.Adults + len(p.ChildAges) }

// Restrictions are the rules a stay must meet on one date. A zero number
// is no restriction. See the README ("Restrictions") for what each means.
type Restrictions struct {
	// Checked on the arrival date: the stay's number of nights.
	MinStayArrival int `json:"min_stay_arrival,omitempty"`
	MaxStayArrival int `json:"max_stay_arrival,omitempty"`
	// Checked on every night of the stay: the stay's number of nights.
	MinStayThrough int `json:"min_stay_through,omitempty"`
	MaxStayThrough int `json:"max_stay_through,omitempty"`
	// No stay arrives on this date / leaves on this date (its check-out).
	ClosedToArrival   bool `json:"closed_to_arrival,omitempty"`
	ClosedToDeparture bool `json:"closed_to_departure,omitempty"`
	// No stay includes this night.
	StopSell bool `json:"stop_sell,omitempty"`
	// Checked on the arrival date: days from today (hotel-local) to arrival.
	MinAdvance int `json:"min_advance,omitempty"`
	MaxAdvance int `json:"max_advance,omitempty"`
}

// Merge returns the restrictions that hold when both r and o apply: the
// larger minimum, the smaller maximum, either's closure.
func (r Restrictions) Merge(o Restrictions) Restrictions {
	return Restrictions{
		MinStayArrival:    max(r.MinStayArrival, o.MinStayArrival),
		MaxStayArrival:    minLimit(r.MaxStayArrival, o.MaxStayArrival),
		MinStayThrough:    max(r.MinStayThrough, o.MinStayThrough),
		MaxStayThrough:    minLimit(r.MaxStayThrough, o.MaxStayThrough),
		ClosedToArrival:   r.ClosedToArrival || o.ClosedToArrival,
		ClosedToDeparture: r.ClosedToDeparture || o.ClosedToDeparture,
		StopSell:          r.StopSell || o.StopSell,
		MinAdvance:        max(r.MinAdvance, o.MinAdvance),
		MaxAdvance:        minLimit(r.MaxAdvance, o.MaxAdvance),
	}
}

// merge is r = r.Merge(o), in place (search merges the restrictions of
// every date of every plan it quotes).
func (r *Restrictions) merge(o Restrictions) {
	if o == (Restrictions{}) {
		return
	}
	*r = r.Merge(o)
}

// minLimit is the smaller of two maxima where 0 is none.
func minLimit(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	default:
		return min(a, b)
	}
}

// Rules a stay can break, as Violation.Rule and in problems.
const (
	RuleNotSellable       = "not_sellable"
	RuleMaxOccupancy      = "max_occupancy"
	RuleNoInventory       = "no_inventory"
	RuleSoldOut           = "sold_out"
	RuleNoPrice           = "no_price"
	RuleStopSell          = "stop_sell"
	RuleClosedToArrival   = "closed_to_arrival"
	RuleClosedToDeparture = "closed_to_departure"
	RuleMinStayArrival    = "min_stay_arrival"
	RuleMaxStayArrival    = "max_stay_arrival"
	RuleMinStayThrough    = "min_stay_through"
	RuleMaxStayThrough    = "max_stay_through"
	RuleMinAdvance        = "min_advance"
	RuleMaxAdvance        = "max_advance"
)

// Violation is one rule a stay breaks on one date (zero for rules of no date).
type Violation struct {
	Rule   string `json:"rule"`
	Date   Date   `json:"date,omitzero"`
	Detail string `json:"detail"`
}

// ARIView is the availability, prices and restrictions Quote reads. Stores
// and indexes implement it over the dates of the stays they quote.
type ARIView interface {
	// Available returns the rooms for sale of a room type on a night, and
	// false when the night has no inventory.
	Available(roomTypeID int64, night Date) (int, bool)
	// BasePrice returns a base plan's price for its base occupancy on a
	// night, and false when it has none.
	BasePrice(plan RatePlan, night Date) (Cents, bool)
	// Restrictions returns the restrictions set on a date for a plan, or
	// with planID 0 for every plan of the room type.
	Restrictions(roomTypeID, planID int64, date Date) Restrictions
}

// Stay is a stay to quote: the nights [CheckIn, CheckOut) for a party,
// asked on Today (the hotel's date).
type Stay struct {
	CheckIn, CheckOut, Today Date
	Party                    Party
}

// Quote is what a plan charges for a stay: a price per night for the party.
type Quote struct {
	Plan           RatePlan
	NightlyPrices  []NightPrice
	Total          Cents
	AvailableRooms int
	// Restrictions in effect on the dates of the stay through check-out
	// (dates with none left out): the terms the stay is sold under.
	Restrictions []DatedRestrictions
}

// Plans are the rate plans of one hotel, by id: a derived plan's parent is
// always in the same hotel.
type Plans map[int64]RatePlan

// PlansOf indexes a hotel's plans (as Store.ListRatePlans returns them) by id.
func PlansOf(plans []RatePlan) Plans {
	ps := make(Plans, len(plans))
	for _, p := range plans {
		ps[p.ID] = p
	}
	return ps
}

// Chain returns p and its ancestors, p first. It fails on a cycle or a
// missing parent, which the stores refuse to write.
func (ps Plans) Chain(p RatePlan) ([]RatePlan, error) {
	return ps.appendChain(nil, p)
}

// appendChain appends p and its ancestors to dst (p first).
func (ps Plans) appendChain(dst []RatePlan, p RatePlan) ([]RatePlan, error) {
	first := len(dst)
	dst = append(dst, p)
	for p.ParentID != 0 {
		parent, ok := ps[p.ParentID]
		if !ok {
			return nil, fmt.Errorf("rate plan %d: parent %d not found", p.ID, p.ParentID)
		}
		if slices.ContainsFunc(dst[first:], func(c RatePlan) bool { return c.ID == parent.ID }) {
			return nil, fmt.Errorf("rate plan %d: derivation cycle", p.ID)
		}
		dst = append(dst, parent)
		p = parent
	}
	return dst, nil
}

// Quote prices stay s on plan p of room type rt and returns every rule the
// stay breaks (none broken: a nil slice; with some, the quote holds the
// nights it could price and is not an offer). The checks, in order: the plan is
// sellable and the party fits; every night has inventory, a room for sale
// and a price; then the restrictions of the room type, the plan and, when
// it follows them, its ancestors'.
func (ps Plans) Quote(v ARIView, rt RoomType, p RatePlan, s Stay) (Quote, []Violation, error) {
	chain, err := ps.Chain(p)
	if err != nil {
		return Quote{}, nil, err
	}
	q, out := quoteChain(v, rt, chain, s, true, nil)
	return q, out, nil
}

// quoteChain is Quote of chain[0] with its chain. Without explain (search
// offers that need no reasons) it stops at the first rule broken and
// returns it without its detail, and leaves Quote.Restrictions empty; the
// nights priced are the same. The nightly prices are appended to prices[:0]
// (nil: a new slice), which the caller then owns.
func quoteChain(v ARIView, rt RoomType, chain []RatePlan, s Stay, explain bool, prices []NightPrice) (Quote, []Violation) {
	p, base := chain[0], chain[len(chain)-1]
	var out []Violation
	add := func(rule string, d Date, format string, args ...any) {
		if !explain {
			out = append(out, Violation{Rule: rule, Date: d})
			return
		}
		out = append(out, Violation{Rule: rule, Date: d, Detail: fmt.Sprintf(format, args...)})
	}
	stop := func() bool { return !explain && out != nil }
	if !p.Sellable {
		add(RuleNotSellable, Date{}, "rate plan %s is not for sale", p.Code)
	}
	if g := s.Party.Guests(); g > rt.MaxOccupancy {
		add(RuleMaxOccupancy, Date{}, "%d guests; the room takes at most %d", g, rt.MaxOccupancy)
	}

	n := s.CheckIn.DaysUntil(s.CheckOut)
	q := Quote{Plan: p, AvailableRooms: -1}
	if stop() {
		return q, out
	}
	if prices == nil {
		prices = make([]NightPrice, 0, n)
	}
	q.NightlyPrices = prices[:0]
	for d := s.CheckIn; d.Before(s.CheckOut); d = d.AddDays(1) {
		avail, ok := v.Available(rt.ID, d)
		switch {
		case !ok:
			add(RuleNoInventory, d, "no inventory on %s", d)
		case avail < 1:
			add(RuleSoldOut, d, "no room for sale on %s", d)
		}
		if q.AvailableRooms < 0 || avail < q.AvailableRooms {
			q.AvailableRooms = max(avail, 0)
		}
		price, ok := chainPrice(v, chain, d, s.Party)
		if !ok {
			add(RuleNoPrice, d, "rate plan %s has no price on %s", base.Code, d)
		} else {
			q.NightlyPrices = append(q.NightlyPrices, NightPrice{Date: d, Price: price})
			q.Total += price
		}
		if stop() {
			return q, out
		}
	}

	// The restrictions of each date of the stay through check-out, merged
	// along the chain once.
	var buf [8]Restrictions
	rules := buf[:0]
	if n+1 > len(buf) {
		rules = make([]Restrictions, 0, n+1)
	}
	for d := s.CheckIn; !d.After(s.CheckOut); d = d.AddDays(1) {
		r := chainRules(v, chain, d)
		rules = append(rules, r)
		if explain && r != (Restrictions{}) {
			q.Restrictions = append(q.Restrictions, DatedRestrictions{Date: d, Restrictions: r})
		}
	}
	for i, d := 0, s.CheckIn; d.Before(s.CheckOut); i, d = i+1, d.AddDays(1) {
		r := rules[i]
		if r.StopSell {
			add(RuleStopSell, d, "%s is not for sale", d)
		}
		if r.MinStayThrough > n {
			add(RuleMinStayThrough, d, "stays including %s must be at least %d nights", d, r.MinStayThrough)
		}
		if r.MaxStayThrough != 0 && n > r.MaxStayThrough {
			add(RuleMaxStayThrough, d, "stays including %s must be at most %d nights", d, r.MaxStayThrough)
		}
		if stop() {
			return q, out
		}
	}
	ruleOf := func(i int, d Date) Restrictions {
		if i >= 0 && i < len(rules) {
			return rules[i]
		}
		return chainRules(v, chain, d) // a stay of no nights or less
	}
	a := ruleOf(0, s.CheckIn)
	if a.ClosedToArrival {
		add(RuleClosedToArrival, s.CheckIn, "no arrival on %s", s.CheckIn)
	}
	if a.MinStayArrival > n {
		add(RuleMinStayArrival, s.CheckIn, "stays arriving on %s must be at least %d nights", s.CheckIn, a.MinStayArrival)
	}
	if a.MaxStayArrival != 0 && n > a.MaxStayArrival {
		add(RuleMaxStayArrival, s.CheckIn, "stays arriving on %s must be at most %d nights", s.CheckIn, a.MaxStayArrival)
	}
	lead := s.Today.DaysUntil(s.CheckIn)
	if a.MinAdvance > lead {
		add(RuleMinAdvance, s.CheckIn, "arrival on %s must be booked at least %d days ahead", s.CheckIn, a.MinAdvance)
	}
	if a.MaxAdvance != 0 && lead > a.MaxAdvance {
		add(RuleMaxAdvance, s.CheckIn, "arrival on %s can be booked at most %d days ahead", s.CheckIn, a.MaxAdvance)
	}
	if ruleOf(n, s.CheckOut).ClosedToDeparture {
		add(RuleClosedToDeparture, s.CheckOut, "no departure on %s", s.CheckOut)
	}
	return q, out
}

// NightPrice returns plan p's price on a night for a party: the base
// plan's price for the party (its occupancy pricing), then each derived
// plan's adjustment from the base down to p. It returns false when the base
// plan has no price that night, and an error for a broken chain.
func (ps Plans) NightPrice(v ARIView, p RatePlan, night Date, party Party) (Cents, bool, error) {
	chain, err := ps.Chain(p)
	if err != nil {
		return 0, false, err
	}
	price, ok := chainPrice(v, chain, night, party)
	return price, ok, nil
}

// Restrictions returns the restrictions that apply to plan p on date d:
// those of its room type (for every plan), its own, and, while each plan
// of its chain follows its parent's, its ancestors'. Quote checks these.
func (ps Plans) Restrictions(v ARIView, p RatePlan, d Date) (Restrictions, error) {
	chain, err := ps.Chain(p)
	if err != nil {
		return Restrictions{}, err
	}
	return chainRules(v, chain, d), nil
}

// chainRules merges the restrictions of a plan's chain (the plan first) on d.
func chainRules(v ARIView, chain []RatePlan, d Date) Restrictions {
	p := &chain[0]
	r := v.Restrictions(p.RoomTypeID, 0, d)
	r.merge(v.Restrictions(p.RoomTypeID, p.ID, d))
	for i := 1; i < len(chain) && chain[i-1].FollowsParentRestrictions; i++ {
		parent := &chain[i]
		if parent.RoomTypeID != chain[i-1].RoomTypeID {
			// A parent of another room type brings its room type's too.
			r.merge(v.Restrictions(parent.RoomTypeID, 0, d))
		}
		r.merge(v.Restrictions(parent.RoomTypeID, parent.ID, d))
	}
	return r
}

// chainPrice prices a night on a plan's chain (the plan first, its base last).
func chainPrice(v ARIView, chain []RatePlan, night Date, party Party) (Cents, bool) {
	base := chain[len(chain)-1]
	price, ok := v.BasePrice(base, night)
	if !ok {
		return 0, false
	}
	price = base.Occupancy.Price(price, party)
	for i := len(chain) - 2; i >= 0; i-- {
		price = chain[i].Derive(price)
	}
	return price, true
}

// Price returns the night's price for the party, from the price for the
// base occupancy.
func (o Occupancy) Price(base Cents, party Party) Cents {
	adults := party.Adults
	price := base
	for _, age := range party.ChildAges {
		band, ok := o.band(age)
		if !ok {
			adults++ // older than every band: an adult
			continue
		}
		price += band.Price
	}
	if o.BaseAdults > 0 && adults > o.BaseAdults {
		price += Cents(adults-o.BaseAdults) * o.ExtraAdult
	}
	return price
}

// band returns the band of a child's age (the last band for an unknown age).
func (o Occupancy) band(age int) (ChildBand, bool) {
	if len(o.ChildBands) == 0 {
		return ChildBand{}, age <= MaxChildAge // no bands: children (of any known or unknown age under 18) are free
	}
	if age < 0 {
		return o.ChildBands[len(o.ChildBands)-1], true
	}
	i, _ := slices.BinarySearchFunc(o.ChildBands, age, func(b ChildBand, age int) int { return cmp.Compare(b.MaxAge, age) })
	if i == len(o.ChildBands) {
		return ChildBand{}, false
	}
	return o.ChildBands[i], true
}

// Derive returns a derived plan's price from its parent's: the parent's
// price adjusted by PercentBP, rounded half away from zero to the cent,
// then by AmountCents; never below zero. Each plan of a chain rounds its
// own price.
func (p RatePlan) Derive(parent Cents) Cents {
	price := parent
	if p.PercentBP != 0 {
		num := int64(parent) * int64(10_000+p.PercentBP)
		price = Cents(divRound(num, 10_000))
	}
	return max(price+p.AmountCents, 0)
}

// divRound divides rounding half away from zero.
func divRound(num, den int64) int64 {
	if num < 0 {
		return -divRound(-num, den)
	}
	return (num + den/2) / den
}

// ARI is an ARIView held in maps: what a store loads for one hotel and a
// range of dates, and what tests build by hand.
type ARI struct {
	// Rooms for sale per room type and night; a missing night has no inventory.
	Rooms map[RoomNight]int
	// Base-plan prices per plan and night (the default plan's: the
	// inventory night's price).
	Prices map[PlanNight]Cents
	// Restrictions per room type, plan (0: every plan of the room type) and date.
	Rules map[RuleKey]Restrictions
}

// ARIQuery selects what a store's LoadARI reads: the room types of the
// hotels of HotelIDs, or of the hotels at Location (case-insensitive exact
// match), narrowed by RoomTypeIDs and RoomType (a name, case-insensitive)
// when set and to room types for at least MinOccupancy guests, over the
// nights [From, To).
type ARIQuery struct {
	HotelIDs     []int64
	Location     string
	RoomTypeIDs  []int64
	RoomType     string
	MinOccupancy int
	From, To     Date
}

// ARISnapshot is what LoadARI read: the hotels and room types selected,
// every rate plan of those room types (and their ancestors), and the ARI of
// the nights asked for.
type ARISnapshot struct {
	Hotels    map[int64]Hotel
	RoomTypes []RoomType // by hotel id, then id
	Plans     Plans
	ARI       *ARI
}

// RoomNight is a room type's night.
type RoomNight struct {
	RoomTypeID int64
	Night      Date
}

// PlanNight is a rate plan's night.
type PlanNight struct {
	PlanID int64
	Night  Date
}

// RuleKey is where restrictions are set: a room type, a plan of it (0:
// all), a date.
type RuleKey struct {
	RoomTypeID, PlanID int64
	Date               Date
}

// NewARI returns an empty ARI.
func NewARI() *ARI {
	return &ARI{Rooms: map[RoomNight]int{}, Prices: map[PlanNight]Cents{}, Rules: map[RuleKey]Restrictions{}}
}

// Available implements ARIView.
func (a *ARI) Available(roomTypeID int64, night Date) (int, bool) {
	n, ok := a.Rooms[RoomNight{roomTypeID, night}]
	return n, ok
}

// BasePrice implements ARIView.
func (a *ARI) BasePrice(plan RatePlan, night Date) (Cents, bool) {
	c, ok := a.Prices[PlanNight{plan.ID, night}]
	return c, ok
}

// Restrictions implements ARIView.
func (a *ARI) Restrictions(roomTypeID, planID int64, date Date) Restrictions {
	return a.Rules[RuleKey{roomTypeID, planID, date}]
}
