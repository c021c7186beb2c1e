package inventoryhttp_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/store"
)

// The differential test of issue 17: an in-memory model of a hotel's plans,
// restrictions and capacity, written here from the README's text ("Rates
// and restrictions", "Managing rates") and nothing of rates.go, is the
// oracle. For random ARI written through the public admin path (ApplyARI)
// and random stays, what search offers (every page) and explains, and what
// a hold on each plan does — taken at the oracle's nightly prices, or
// refused naming the oracle's rules — must be the oracle's answer, on both
// stores, in process and over HTTP. Every offer can be held at its price
// and every plan search leaves out is refused: search and booking agree.

// oracleRounds is how many random hotels each store and mode gets.
const oracleRounds = 8

// oracleStays is how many random stays each round asks about.
const oracleStays = 14

func TestOracle(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range modes {
				t.Run(m.name, func(t *testing.T) {
					t.Parallel()
					st := migrated(t, d)
					var ids atomic.Int64
					for round := range oracleRounds {
						seed := uint64(17_000 + round)
						t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
							r := rand.New(rand.NewPCG(seed, 0x17))
							runOracle(t, r, round, st, m, &ids)
						})
					}
				})
			}
		})
	}
}

// migrated returns a migrated, empty store of d.
func migrated(t *testing.T, d driver) store.Store {
	t.Helper()
	st := d.open(t)
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}

// The model. Its data are held in the platform's types (RatePlan,
// Restrictions, ARIUpdate are plain records); every rule applied to them
// is this file's.

type orNight struct {
	capacity int
	price    hotel.Cents // the default plan's price
}

type orRoom struct {
	rt     hotel.RoomType
	nights map[hotel.Date]*orNight
}

type orPlan struct {
	hotel.RatePlan
	room   *orRoom
	parent *orPlan
}

type orRuleKey struct {
	roomTypeID, planID int64 // planID 0: every plan of the room type
	date               hotel.Date
}

type orModel struct {
	hotel hotel.Hotel
	today hotel.Date
	rooms []*orRoom
	plans []*orPlan
	rates map[hotel.PlanNight]hotel.Cents // prices of base plans but the default ones
	rules map[orRuleKey]hotel.Restrictions
}

func (m *orModel) room(id int64) *orRoom {
	for _, r := range m.rooms {
		if r.rt.ID == id {
			return r
		}
	}
	panic(fmt.Sprint("no room type ", id))
}

func (m *orModel) plan(code string) *orPlan {
	for _, p := range m.plans {
		if p.Code == code {
			return p
		}
	}
	panic("no plan " + code)
}

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// dates are the dates an update covers: From…To inclusive, on its weekdays.
func orDates(u hotel.ARIUpdate) []hotel.Date {
	var out []hotel.Date
	for d := u.From; !d.After(u.To); d = d.AddDays(1) {
		if len(u.Weekdays) == 0 || slices.Contains(u.Weekdays, weekdayNames[d.Time().Weekday()]) {
			out = append(out, d)
		}
	}
	return out
}

// apply is what the README says an update does.
func (m *orModel) apply(u hotel.ARIUpdate) {
	room := m.room(u.RoomTypeID)
	var plan *orPlan
	if u.RatePlan != "" {
		plan = m.plan(u.RatePlan)
	}
	for _, d := range orDates(u) {
		n := room.nights[d]
		if n == nil && u.Capacity != nil && u.Price != nil && plan.Default {
			n = &orNight{}
			room.nights[d] = n
		}
		if u.Capacity != nil {
			n.capacity = *u.Capacity
		}
		if u.Price != nil {
			if plan.Default {
				n.price = *u.Price
			} else {
				m.rates[hotel.PlanNight{PlanID: plan.ID, Night: d}] = *u.Price
			}
		}
		if p := u.Rules; p != nil {
			k := orRuleKey{roomTypeID: room.rt.ID, date: d}
			if plan != nil {
				k.planID = plan.ID
			}
			r := m.rules[k]
			setI := func(dst *int, v *int) {
				if v != nil {
					*dst = *v
				}
			}
			setB := func(dst *bool, v *bool) {
				if v != nil {
					*dst = *v
				}
			}
			setI(&r.MinStayArrival, p.MinStayArrival)
			setI(&r.MaxStayArrival, p.MaxStayArrival)
			setI(&r.MinStayThrough, p.MinStayThrough)
			setI(&r.MaxStayThrough, p.MaxStayThrough)
			setB(&r.ClosedToArrival, p.ClosedToArrival)
			setB(&r.ClosedToDeparture, p.ClosedToDeparture)
			setB(&r.StopSell, p.StopSell)
			setI(&r.MinAdvance, p.MinAdvance)
			setI(&r.MaxAdvance, p.MaxAdvance)
			m.rules[k] = r
		}
	}
}

// orParty is who stays; an age of -1 is not known.
type orParty struct {
	adults int
	ages   []int
}

func (p orParty) known() bool { return !slices.Contains(p.ages, -1) }

// orRule is a rule a stay breaks on a date (zero: a rule of no date).
type orRule struct {
	rule string
	date hotel.Date
}

func (r orRule) String() string {
	if r.date.IsZero() {
		return r.rule
	}
	return r.rule + "@" + r.date.String()
}

// orAnswer is the oracle's answer for a plan and a stay.
type orAnswer struct {
	broken    []orRule
	prices    []hotel.NightPrice // of the nights that have a price
	total     hotel.Cents
	available int // the fewest rooms for sale over the nights with inventory
}

// roundHalfAway divides num by den, rounding half away from zero.
func roundHalfAway(num, den int64) int64 {
	neg := num < 0
	if neg {
		num = -num
	}
	q, rem := num/den, num%den
	if 2*rem >= den {
		q++
	}
	if neg {
		return -q
	}
	return q
}

// price is plan p's price on night d for party: the base plan's price for
// its base adults, plus each adult beyond (children older than every band
// count as adults) and each child's band; then each derived plan down the
// chain adjusts and rounds its own price, never below zero.
func (m *orModel) price(p *orPlan, d hotel.Date, party orParty) (hotel.Cents, bool) {
	chain := []*orPlan{p}
	for q := p; q.parent != nil; q = q.parent {
		chain = append(chain, q.parent)
	}
	base := chain[len(chain)-1]
	var price hotel.Cents
	if base.Default {
		n := base.room.nights[d]
		if n == nil {
			return 0, false
		}
		price = n.price
	} else {
		c, ok := m.rates[hotel.PlanNight{PlanID: base.ID, Night: d}]
		if !ok {
			return 0, false
		}
		price = c
	}
	occ := base.Occupancy
	adults := party.adults
	for _, age := range party.ages {
		bands := occ.ChildBands
		switch {
		case len(bands) == 0:
			// No bands: a child costs nothing (rates.go's Occupancy; the
			// README is silent, see the report of this test).
		case age < 0:
			price += bands[len(bands)-1].Price
		default:
			found := false
			for _, b := range bands {
				if b.MaxAge >= age {
					price += b.Price
					found = true
					break
				}
			}
			if !found {
				adults++
			}
		}
	}
	if occ.BaseAdults > 0 && adults > occ.BaseAdults {
		price += hotel.Cents(adults-occ.BaseAdults) * occ.ExtraAdult
	}
	for i := len(chain) - 2; i >= 0; i-- {
		q := chain[i]
		if q.PercentBP != 0 {
			price = hotel.Cents(roundHalfAway(int64(price)*int64(10_000+q.PercentBP), 10_000))
		}
		price += q.AmountCents
		if price < 0 {
			price = 0
		}
	}
	return price, true
}

// rulesOn merges the restrictions that apply to p on d: its room type's,
// its own, and its ancestors' (with their room type's when it is another)
// while each plan follows its parent's. The
// larger minimum, the smaller maximum (0 is none), any closure.
func (m *orModel) rulesOn(p *orPlan, d hotel.Date) hotel.Restrictions {
	sets := []hotel.Restrictions{m.rules[orRuleKey{p.room.rt.ID, 0, d}], m.rules[orRuleKey{p.room.rt.ID, p.ID, d}]}
	for q := p; q.FollowsParentRestrictions && q.parent != nil; q = q.parent {
		if q.parent.room != q.room { // a parent of another room type: its room type's too
			sets = append(sets, m.rules[orRuleKey{q.parent.room.rt.ID, 0, d}])
		}
		sets = append(sets, m.rules[orRuleKey{q.parent.room.rt.ID, q.parent.ID, d}])
	}
	lower := func(a, b int) int {
		if a == 0 || (b != 0 && b < a) {
			return b
		}
		return a
	}
	var r hotel.Restrictions
	for _, s := range sets {
		r.MinStayArrival = max(r.MinStayArrival, s.MinStayArrival)
		r.MinStayThrough = max(r.MinStayThrough, s.MinStayThrough)
		r.MinAdvance = max(r.MinAdvance, s.MinAdvance)
		r.MaxStayArrival = lower(r.MaxStayArrival, s.MaxStayArrival)
		r.MaxStayThrough = lower(r.MaxStayThrough, s.MaxStayThrough)
		r.MaxAdvance = lower(r.MaxAdvance, s.MaxAdvance)
		r.ClosedToArrival = r.ClosedToArrival || s.ClosedToArrival
		r.ClosedToDeparture = r.ClosedToDeparture || s.ClosedToDeparture
		r.StopSell = r.StopSell || s.StopSell
	}
	return r
}

// answer is the oracle's judgement of plan p for the stay [in, out) and
// party, with held rooms already taken from every night.
func (m *orModel) answer(p *orPlan, in, out hotel.Date, party orParty) orAnswer {
	a := orAnswer{available: -1}
	brk := func(rule string, d hotel.Date) { a.broken = append(a.broken, orRule{rule, d}) }
	if !p.Sellable {
		brk("not_sellable", hotel.Date{})
	}
	if party.adults+len(party.ages) > p.room.rt.MaxOccupancy {
		brk("max_occupancy", hotel.Date{})
	}
	n := in.DaysUntil(out)
	for d := in; d.Before(out); d = d.AddDays(1) {
		if night := p.room.nights[d]; night == nil {
			brk("no_inventory", d)
		} else {
			free := night.capacity + p.room.rt.OverbookingAllowance
			if free < 1 {
				brk("sold_out", d)
			}
			if a.available < 0 || free < a.available {
				a.available = max(free, 0)
			}
		}
		if c, ok := m.price(p, d, party); ok {
			a.prices = append(a.prices, hotel.NightPrice{Date: d, Price: c})
			a.total += c
		} else {
			brk("no_price", d)
		}
		r := m.rulesOn(p, d)
		if r.StopSell {
			brk("stop_sell", d)
		}
		if r.MinStayThrough > 0 && n < r.MinStayThrough {
			brk("min_stay_through", d)
		}
		if r.MaxStayThrough > 0 && n > r.MaxStayThrough {
			brk("max_stay_through", d)
		}
	}
	r := m.rulesOn(p, in)
	lead := m.today.DaysUntil(in)
	if r.ClosedToArrival {
		brk("closed_to_arrival", in)
	}
	if r.MinStayArrival > 0 && n < r.MinStayArrival {
		brk("min_stay_arrival", in)
	}
	if r.MaxStayArrival > 0 && n > r.MaxStayArrival {
		brk("max_stay_arrival", in)
	}
	if r.MinAdvance > 0 && lead < r.MinAdvance {
		brk("min_advance", in)
	}
	if r.MaxAdvance > 0 && lead > r.MaxAdvance {
		brk("max_advance", in)
	}
	if m.rulesOn(p, out).ClosedToDeparture {
		brk("closed_to_departure", out)
	}
	return a
}

// orRules is a set of rules broken, sorted, to compare.
func orRules(rs []orRule) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	slices.Sort(s)
	return strings.Join(s, " ")
}

func violationRules(vs []hotel.Violation) string {
	rs := make([]orRule, len(vs))
	for i, v := range vs {
		rs[i] = orRule{v.Rule, v.Date}
	}
	return orRules(rs)
}

// The random hotel.

var orZones = []string{"UTC", "Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"}

// orHorizon is the last day (from today) with inventory; stays end by it.
const orHorizon = 18

// build creates the round's hotel, room types and plans through svc and
// returns the model of them (no ARI yet).
func build(t *testing.T, r *rand.Rand, svc hotel.InventoryService, round int, now time.Time) *orModel {
	t.Helper()
	ctx := context.Background()
	zone := "UTC"
	if r.IntN(4) > 0 {
		zone = orZones[r.IntN(len(orZones))]
	}
	h := hotel.Hotel{Name: fmt.Sprintf("Oracle %d", round), Location: "Oracle City", TimeZone: zone, Currency: "EUR"}
	must(t, svc.CreateHotel(ctx, &h))
	loc, err := time.LoadLocation(zone)
	must(t, err)
	m := &orModel{hotel: h, today: hotel.DateOf(now.In(loc)), rates: map[hotel.PlanNight]hotel.Cents{}, rules: map[orRuleKey]hotel.Restrictions{}}
	for i := range 1 + r.IntN(2) {
		rt := hotel.RoomType{HotelID: h.ID, Name: fmt.Sprintf("Room %c", 'A'+i), MaxOccupancy: 1 + r.IntN(4)}
		if r.IntN(5) == 0 {
			rt.OverbookingAllowance = 1
		}
		must(t, svc.CreateRoomType(ctx, &rt))
		m.rooms = append(m.rooms, &orRoom{rt: rt, nights: map[hotel.Date]*orNight{}})
	}
	plans, err := svc.ListRatePlans(ctx, h.ID)
	must(t, err)
	if len(plans) != len(m.rooms) {
		t.Fatalf("a new hotel has plans %s, want one default plan per room type", jsonOf(plans))
	}
	for _, p := range plans {
		room := m.room(p.RoomTypeID)
		if !p.Default || p.Code != fmt.Sprintf("BAR-%d", room.rt.ID) || p.ParentID != 0 || !p.Sellable {
			t.Fatalf("default plan %s", jsonOf(p))
		}
		if r.IntN(2) == 0 {
			p.Occupancy = randomOccupancy(r)
			p.Refundable = r.IntN(3) > 0
			p.Sellable = r.IntN(8) > 0
			must(t, svc.UpdateRatePlan(ctx, &p))
		}
		m.plans = append(m.plans, &orPlan{RatePlan: p, room: room})
	}
	for _, room := range m.rooms {
		for k := range 1 + r.IntN(4) {
			p := hotel.RatePlan{HotelID: h.ID, RoomTypeID: room.rt.ID, Code: fmt.Sprintf("P%d-%d", room.rt.ID, k), Name: fmt.Sprintf("Plan %d", k),
				MealPlan: hotel.MealPlans[r.IntN(len(hotel.MealPlans))], Refundable: r.IntN(2) == 0, Sellable: r.IntN(8) > 0}
			var parent *orPlan
			if r.IntN(4) > 0 { // derived from a plan of the room type (or, at times, of another)
				var mine []*orPlan
				for _, q := range m.plans {
					if q.room == room || r.IntN(6) == 0 {
						mine = append(mine, q)
					}
				}
				parent = mine[r.IntN(len(mine))]
				p.ParentID = parent.ID
				p.FollowsParentRestrictions = r.IntN(2) == 0
				switch r.IntN(3) {
				case 0:
					p.PercentBP = []int{-1000, -1250, -333, 777, 150, -5, -9999, 2500}[r.IntN(8)]
				case 1:
					p.AmountCents = hotel.Cents([]int{-500, 1234, -99_999, 1, -1}[r.IntN(5)])
				}
			} else {
				p.Occupancy = randomOccupancy(r)
			}
			must(t, svc.CreateRatePlan(ctx, &p))
			m.plans = append(m.plans, &orPlan{RatePlan: p, room: room, parent: parent})
		}
	}
	return m
}

func randomOccupancy(r *rand.Rand) hotel.Occupancy {
	o := hotel.Occupancy{ChildBands: []hotel.ChildBand{}}
	if r.IntN(3) == 0 {
		return o
	}
	o.BaseAdults = r.IntN(3)
	o.ExtraAdult = hotel.Cents(r.IntN(4000))
	age := -1
	for range r.IntN(4) {
		age += 1 + r.IntN(7)
		if age > hotel.MaxChildAge {
			break
		}
		o.ChildBands = append(o.ChildBands, hotel.ChildBand{MaxAge: age, Price: hotel.Cents(r.IntN(3) * r.IntN(2500))})
	}
	return o
}

// randomARI returns random bulk updates for the model's hotel, applying
// each to the model as it goes, so that updates needing inventory only
// cover nights that have it: inventory nights (with gaps), capacity and
// price changes, base plan prices, and restrictions of the room type and
// of plans, over ranges and weekdays.
func randomARI(r *rand.Rand, m *orModel) []hotel.ARIUpdate {
	var us []hotel.ARIUpdate
	add := func(u hotel.ARIUpdate) {
		m.apply(u)
		us = append(us, u)
	}
	span := func(maxLen int) (hotel.Date, hotel.Date) {
		from := m.today.AddDays(r.IntN(orHorizon + 1))
		return from, from.AddDays(r.IntN(maxLen))
	}
	exists := func(room *orRoom, u hotel.ARIUpdate) bool {
		for _, d := range orDates(u) {
			if room.nights[d] == nil {
				return false
			}
		}
		return true
	}
	for _, room := range m.rooms {
		def := m.plan(fmt.Sprintf("BAR-%d", room.rt.ID))
		for i := 0; i <= orHorizon; i++ {
			if r.IntN(15) == 0 {
				continue // a night without inventory
			}
			d := m.today.AddDays(i)
			add(hotel.ARIUpdate{RoomTypeID: room.rt.ID, RatePlan: def.Code, From: d, To: d,
				Capacity: ptr(max(0, r.IntN(10)-1)), Price: ptr(hotel.Cents(5000 + r.IntN(30000)))})
		}
		for range r.IntN(4) {
			from, to := span(5)
			u := hotel.ARIUpdate{RoomTypeID: room.rt.ID, From: from, To: to}
			if r.IntN(2) == 0 {
				u.Capacity = ptr(r.IntN(3))
			} else {
				u.RatePlan, u.Price = def.Code, ptr(hotel.Cents(1+r.IntN(40000)))
			}
			if exists(room, u) {
				add(u)
			}
		}
	}
	for _, p := range m.plans {
		if p.ParentID != 0 || p.Default {
			continue
		}
		for i := 0; i <= orHorizon; i++ {
			if r.IntN(12) == 0 {
				continue // no price that night
			}
			d := m.today.AddDays(i)
			add(hotel.ARIUpdate{RoomTypeID: p.RoomTypeID, RatePlan: p.Code, From: d, To: d, Price: ptr(hotel.Cents(r.IntN(30000)))})
		}
	}
	for range 2 + r.IntN(6) {
		room := m.rooms[r.IntN(len(m.rooms))]
		from, to := span(4)
		from = from.AddDays(-1)
		u := hotel.ARIUpdate{RoomTypeID: room.rt.ID, From: from, To: to, Rules: randomPatch(r)}
		if r.IntN(3) == 0 {
			for _, w := range weekdayNames {
				if r.IntN(3) == 0 {
					u.Weekdays = append(u.Weekdays, w)
				}
			}
		}
		if r.IntN(2) == 0 {
			var mine []*orPlan
			for _, q := range m.plans {
				if q.room == room {
					mine = append(mine, q)
				}
			}
			u.RatePlan = mine[r.IntN(len(mine))].Code
		}
		add(u)
	}
	return us
}

// randomPatch sets one to three restrictions, sometimes to 0 or false (clearing).
func randomPatch(r *rand.Rand) *hotel.RestrictionPatch {
	p := &hotel.RestrictionPatch{}
	for range 1 + r.IntN(3) {
		switch r.IntN(9) {
		case 0:
			p.MinStayArrival = ptr(r.IntN(4))
		case 1:
			p.MaxStayArrival = ptr(r.IntN(6))
		case 2:
			p.MinStayThrough = ptr(r.IntN(4))
		case 3:
			p.MaxStayThrough = ptr(r.IntN(7))
		case 4:
			p.ClosedToArrival = ptr(r.IntN(3) > 0)
		case 5:
			p.ClosedToDeparture = ptr(r.IntN(3) > 0)
		case 6:
			p.StopSell = ptr(r.IntN(3) == 0)
		case 7:
			p.MinAdvance = ptr(r.IntN(5))
		case 8:
			p.MaxAdvance = ptr(r.IntN(15))
		}
	}
	return p
}

func randomParty(r *rand.Rand) orParty {
	p := orParty{adults: 1 + r.IntN(3)}
	kids := r.IntN(3)
	unknown := r.IntN(4) == 0
	for range kids {
		if unknown {
			p.ages = append(p.ages, -1)
		} else {
			p.ages = append(p.ages, r.IntN(hotel.MaxChildAge+1))
		}
	}
	return p
}

// orTally counts what a run compared, to see it tests something.
type orTally struct{ offers, refusedRules, refusedRooms, holds, booked, bookingsRefused int }

func runOracle(t *testing.T, r *rand.Rand, round int, st store.Store, m mode, ids *atomic.Int64) {
	ctx := context.Background()
	now := time.Date(2030, 3, 9, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(48*60)) * time.Minute)
	svc := m.new(t, st, func() time.Time { return now })
	// Bookings are made through the booking service over svc: in process,
	// or over the split inventory API.
	bookings := booking.New(st, svc, booking.Config{Retries: -1}, func() time.Time { return now }, nil)
	model := build(t, r, svc, round, now)
	us := randomARI(r, model)
	for len(us) > 0 {
		n := min(len(us), 1+r.IntN(60))
		c := &hotel.ARIChange{HotelID: model.hotel.ID, Actor: actorName, Reason: "oracle", IdempotencyKey: fmt.Sprintf("oracle-%d-%d", round, len(us)), Updates: us[:n]}
		if _, err := svc.ApplyARI(ctx, c); err != nil {
			t.Fatalf("ApplyARI: %v", err)
		}
		us = us[n:]
	}
	var tally orTally
	for range oracleStays {
		in := model.today.AddDays(r.IntN(11))
		out := in.AddDays(1 + r.IntN(7))
		party := randomParty(r)
		answers := map[int64]orAnswer{}
		for _, p := range model.plans {
			answers[p.ID] = model.answer(p, in, out, party)
		}
		what := fmt.Sprintf("stay %s…%s (today %s, %s), party %d+%v", in, out, model.today, model.hotel.TimeZone, party.adults, party.ages)
		offers := checkOracleSearch(t, r, svc, model, in, out, party, answers, what)
		for _, p := range model.plans {
			checkOracleHold(t, svc, model, p, in, out, party, answers[p.ID], offers[p.ID], ids, &tally, what)
		}
		p := model.plans[r.IntN(len(model.plans))]
		checkOracleBooking(t, bookings, model, p, in, out, party, answers[p.ID], &tally, what)
		tally.offers += len(offers)
	}
	t.Logf("%d offers, %d holds taken, %d refused by a rule, %d for want of rooms; %d booked, %d bookings refused",
		tally.offers, tally.holds, tally.refusedRules, tally.refusedRooms, tally.booked, tally.bookingsRefused)
}

// checkOracleSearch compares every page of the hotel's offers for the stay, and
// the plans the first page explains, with the oracle's answers; it
// returns the offers by plan id.
func checkOracleSearch(t *testing.T, r *rand.Rand, svc hotel.InventoryService, m *orModel, in, out hotel.Date, party orParty,
	answers map[int64]orAnswer, what string) map[int64]hotel.Offer {
	t.Helper()
	q := hotel.SearchQuery{HotelID: m.hotel.ID, CheckIn: in, CheckOut: out, Adults: party.adults, Children: len(party.ages),
		Explain: true, Limit: 1 + r.IntN(4)}
	if party.known() {
		q.ChildAges = party.ages
	}
	var got []hotel.Offer
	var excluded []hotel.Exclusion
	for page := 0; ; page++ {
		p, err := svc.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: search: %v", what, err)
		}
		if page == 0 {
			excluded = p.Excluded
		} else if len(p.Excluded) > 0 {
			t.Errorf("%s: page %d explains %d plans; only the first page explains", what, page, len(p.Excluded))
		}
		if len(p.Offers) > q.Limit {
			t.Fatalf("%s: %d offers on a page of %d", what, len(p.Offers), q.Limit)
		}
		got = append(got, p.Offers...)
		if p.Next == "" {
			break
		}
		if q.After, err = hotel.ParseSearchCursor(p.Next); err != nil {
			t.Fatalf("%s: next %q: %v", what, p.Next, err)
		}
		if page > 50 {
			t.Fatalf("%s: more than 50 pages", what)
		}
	}
	sorted := slices.IsSortedFunc(got, func(a, b hotel.Offer) int {
		return cmp.Or(cmp.Compare(a.TotalPrice, b.TotalPrice), cmp.Compare(a.RoomTypeID, b.RoomTypeID), cmp.Compare(a.RatePlanID, b.RatePlanID))
	})
	if !sorted {
		t.Errorf("%s: offers out of (total, room type, plan) order: %s", what, jsonOf(got))
	}
	byPlan := map[int64]hotel.Offer{}
	for _, o := range got {
		if _, dup := byPlan[o.RatePlanID]; dup {
			t.Errorf("%s: plan %d offered twice", what, o.RatePlanID)
		}
		byPlan[o.RatePlanID] = o
	}
	explained := map[int64]hotel.Exclusion{}
	for _, e := range excluded {
		explained[e.RatePlanID] = e
	}
	for _, p := range m.plans {
		a := answers[p.ID]
		o, offered := byPlan[p.ID]
		e, isExplained := explained[p.ID]
		switch {
		case len(a.broken) == 0 && !offered:
			t.Errorf("%s: plan %s (%d) is for sale at %s %s but not offered (explained: %s)", what, p.Code, p.ID, a.total, jsonOf(a.prices), jsonOf(e))
		case len(a.broken) > 0 && offered:
			t.Errorf("%s: plan %s is offered (%s) but breaks %s", what, p.Code, jsonOf(o), orRules(a.broken))
		case offered:
			want := hotel.Offer{HotelID: m.hotel.ID, HotelName: m.hotel.Name, Location: m.hotel.Location, TimeZone: m.hotel.TimeZone,
				RoomTypeID: p.room.rt.ID, RoomType: p.room.rt.Name, MaxOccupancy: p.room.rt.MaxOccupancy,
				RatePlanID: p.ID, RatePlan: p.Code, RatePlanName: p.Name, MealPlan: p.MealPlan, Refundable: p.Refundable,
				CheckIn: in, CheckOut: out, AvailableRooms: a.available, NightlyPrices: a.prices, TotalPrice: a.total, Currency: m.hotel.Currency,
				// The model's plans have no policies and its hotel no taxes:
				// a refundable plan is free to cancel until the arrival day
				// begins at the hotel, the price is all net.
				CancellationPolicy: hotel.CancellationPolicy{NonRefundable: !p.Refundable},
				Guarantee:          hotel.Guarantee{Kind: hotel.GuaranteeNone},
				PriceBreakdown:     hotel.TaxBreakdown{Net: a.total, Taxes: []hotel.TaxLine{}, Gross: a.total}}
			if p.Refundable {
				deadline := in.At(0, 0, m.hotel.Zone())
				want.CancellationDeadline = &deadline
			}
			if jsonOf(o) != jsonOf(want) {
				t.Errorf("%s: plan %s offered as\n\t%s\nwant\t%s", what, p.Code, jsonOf(o), jsonOf(want))
			}
			if isExplained {
				t.Errorf("%s: plan %s is offered and explained: %s", what, p.Code, jsonOf(e))
			}
		case !isExplained:
			t.Errorf("%s: plan %s breaks %s but is not explained", what, p.Code, orRules(a.broken))
		case violationRules(e.Violations) != orRules(a.broken) || e.RoomTypeID != p.room.rt.ID || e.RatePlan != p.Code:
			t.Errorf("%s: plan %s explained as %s (%s), want %s", what, p.Code, violationRules(e.Violations), jsonOf(e), orRules(a.broken))
		}
	}
	if len(byPlan) != len(got) || len(got) > len(m.plans) {
		t.Errorf("%s: offers of plans the hotel does not have: %s", what, jsonOf(got))
	}
	return byPlan
}

// checkOracleHold holds plan p for the stay and party and checks the hold is
// taken at the oracle's prices (and the offer's, when offered) or refused
// as the oracle says: ECONFLICT naming the rules broken; else, for want
// of rooms, ECONFLICT naming the nights without inventory or sold out. A hold taken is released, so every stay sees the
// capacity the model has.
func checkOracleHold(t *testing.T, svc hotel.InventoryService, m *orModel, p *orPlan, in, out hotel.Date, party orParty,
	a orAnswer, offer hotel.Offer, ids *atomic.Int64, tally *orTally, what string) {
	t.Helper()
	ctx := context.Background()
	id := bookingID(int(ids.Add(1)))
	req := hotel.HoldRequest{BookingID: id, HotelID: m.hotel.ID, RoomTypeID: p.room.rt.ID, CheckIn: in, CheckOut: out,
		RatePlan: p.Code, Adults: party.adults, ChildAges: party.ages}
	h, _, err := svc.CreateHold(ctx, req)

	rules, short := holdRefusal(a)
	var he *hotel.Error
	errors.As(err, &he)
	switch {
	case len(rules) > 0:
		tally.refusedRules++
		if he == nil || he.Code != hotel.ECONFLICT || violationRules(he.Violations) != orRules(rules) {
			t.Errorf("%s: hold on %s = %s, %v; want ECONFLICT naming %s", what, p.Code, jsonOf(h), err, orRules(rules))
		}
	case len(short) > 0:
		tally.refusedRooms++
		if he == nil || he.Code != hotel.ECONFLICT || len(he.Violations) > 0 || jsonOf(he.Nights) != jsonOf(short) {
			t.Errorf("%s: hold on %s = %s, %v; want ECONFLICT naming nights %v", what, p.Code, jsonOf(h), err, short)
		}
	case err != nil:
		t.Errorf("%s: hold on %s refused: %v; the oracle sells it at %s %s", what, p.Code, err, a.total, jsonOf(a.prices))
	default:
		tally.holds++
		if h.RatePlanID != p.ID || h.TotalPrice != a.total || jsonOf(h.Nights) != jsonOf(a.prices) {
			t.Errorf("%s: hold on %s (%d) = plan %d, %s %s; want %s %s", what, p.Code, p.ID, h.RatePlanID, h.TotalPrice, jsonOf(h.Nights), a.total, jsonOf(a.prices))
		}
		if offer.RatePlanID != 0 && (offer.TotalPrice != h.TotalPrice || jsonOf(offer.NightlyPrices) != jsonOf(h.Nights)) {
			t.Errorf("%s: hold on %s at %s, offered at %s", what, p.Code, jsonOf(h.Nights), jsonOf(offer.NightlyPrices))
		}
		if _, err := svc.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil {
			t.Fatalf("release %s: %v", id, err)
		}
	}
	if err == nil && len(a.broken) > 0 {
		// Taken against the oracle's word: give the room back all the same.
		if _, err := svc.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil {
			t.Fatalf("release %s: %v", id, err)
		}
	}
}

// holdRefusal splits what the oracle finds broken into what refuses a hold
// first, the rules of the plan, and the nights it cannot take. Rules of
// inventory (a night without inventory, hence without a price; a night
// sold out) are left to the hold's own take of the nights, which refuses
// it with ECONFLICT naming every night it could not take (the store's
// contract, and write_test's "nights past the end of the calendar").
func holdRefusal(a orAnswer) (rules []orRule, short []hotel.Date) {
	missing := map[hotel.Date]bool{}
	for _, b := range a.broken {
		if b.rule == "no_inventory" {
			missing[b.date] = true
		}
	}
	for _, b := range a.broken {
		switch {
		case b.rule == "no_price" && missing[b.date]:
		case b.rule == "no_inventory", b.rule == "sold_out":
			short = append(short, b.date)
		default:
			rules = append(rules, b)
		}
	}
	slices.SortFunc(short, func(a, b hotel.Date) int { return b.DaysUntil(a) })
	return rules, short
}

// desk is a member of staff who may make and cancel bookings.
var desk = auth.WithPrincipal(context.Background(), hotel.Principal{Kind: hotel.StaffKey, Name: "desk",
	Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead}})

// checkOracleBooking books plan p for the stay and party through the
// booking service: confirmed at the oracle's nightly prices (then
// cancelled, returning the room), or refused as a hold is (but a party
// over the room's size, which the booking service itself refuses).
func checkOracleBooking(t *testing.T, bookings *booking.Service, m *orModel, p *orPlan, in, out hotel.Date, party orParty,
	a orAnswer, tally *orTally, what string) {
	t.Helper()
	nb := hotel.NewBooking{GuestName: "Ada Oracle", HotelID: m.hotel.ID, RoomType: p.room.rt.Name, ArrivalDate: in,
		StayLength: in.DaysUntil(out), Adults: party.adults, Children: len(party.ages), RatePlan: p.Code}
	if party.known() {
		nb.ChildAges = party.ages
	}
	b, err := bookings.Create(desk, nb)
	rules, short := holdRefusal(a)
	var he *hotel.Error
	errors.As(err, &he)
	switch {
	case slices.Contains(rules, orRule{rule: "max_occupancy"}):
		// The booking service checks the party against the room before
		// it asks for a hold: 400 naming adults, as before rate plans.
		tally.bookingsRefused++
		if he == nil || he.Code != hotel.EINVALID || !slices.Contains(errorFields(err), "adults") {
			t.Errorf("%s: booking on %s = %s, %v; want EINVALID naming adults (party over max occupancy)", what, p.Code, jsonOf(b), err)
		}
	case len(rules) > 0:
		tally.bookingsRefused++
		if he == nil || he.Code != hotel.ECONFLICT || violationRules(he.Violations) != orRules(rules) {
			t.Errorf("%s: booking on %s = %s, %v; want ECONFLICT naming %s", what, p.Code, jsonOf(b), err, orRules(rules))
		}
	case len(short) > 0:
		tally.bookingsRefused++
		if he == nil || he.Code != hotel.ECONFLICT || jsonOf(he.Nights) != jsonOf(short) {
			t.Errorf("%s: booking on %s = %s, %v; want ECONFLICT naming nights %v", what, p.Code, jsonOf(b), err, short)
		}
	case err != nil:
		t.Errorf("%s: booking on %s refused: %v; the oracle sells it at %s %s", what, p.Code, err, a.total, jsonOf(a.prices))
	default:
		tally.booked++
		if b.Status != hotel.StatusConfirmed || b.RatePlan != p.Code || b.RatePlanID != p.ID || b.TotalPrice != a.total || jsonOf(b.NightlyPrices) != jsonOf(a.prices) {
			t.Errorf("%s: booking on %s (%d) = %s, plan %s (%d), %s %s; want confirmed at %s %s", what, p.Code, p.ID,
				b.Status, b.RatePlan, b.RatePlanID, b.TotalPrice, jsonOf(b.NightlyPrices), a.total, jsonOf(a.prices))
		}
	}
	if err == nil {
		if _, err := bookings.Cancel(desk, b.ID, b.Version); err != nil {
			t.Fatalf("cancel %s: %v", b.ID, err)
		}
	}
}
