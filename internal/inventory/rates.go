package inventory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Rate plans, bulk ARI updates and the ARI calendar. The checks come in the
// order of the other administration: ids in the path, the fields, then
// what the fields name (room types, parents, plan codes) as read before
// the write; the store checks parents and cycles again in its transaction.

// Limits of rate plans.
const (
	maxPlanName     = 100
	maxChildBands   = 18
	maxPercentBP    = 100_000 // +1 000 %
	minPercentBP    = -10_000 // −100 %
	maxAdjustAmount = hotel.Cents(100_000_000)
	maxBaseAdults   = 50
	maxStayRule     = 366
	maxAdvanceRule  = 1000
)

var planCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,31}$`)

// ListRatePlans returns a hotel's rate plans by room type, then id.
func (s *Service) ListRatePlans(ctx context.Context, hotelID int64) ([]hotel.RatePlan, error) {
	if _, err := s.GetHotel(ctx, hotelID); err != nil {
		return nil, err
	}
	ps, err := s.store.ListRatePlans(ctx, hotelID)
	if err != nil {
		return nil, storeError(err, "list rate plans")
	}
	return nonNil(ps), nil
}

// GetRatePlan returns one plan of a hotel.
func (s *Service) GetRatePlan(ctx context.Context, hotelID, id int64) (*hotel.RatePlan, error) {
	if _, err := s.GetHotel(ctx, hotelID); err != nil {
		return nil, err
	}
	if id <= 0 {
		return nil, planNotFound(hotelID, id)
	}
	p, err := s.store.GetRatePlan(ctx, hotelID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, planNotFound(hotelID, id)
	}
	if err != nil {
		return nil, storeError(err, "rate plan lookup")
	}
	return &p, nil
}

// planNotFound is the error of a plan id in a path that names no plan of
// the hotel. inventoryhttp answers the same.
func planNotFound(hotelID, id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Rate plan %d of hotel %d was not found.", id, hotelID)
}

// CreateRatePlan validates p and stores it as a new (never default) plan.
func (s *Service) CreateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	if p.HotelID <= 0 {
		return hotelNotFound(p.HotelID)
	}
	c := *p
	c.ID, c.Default = 0, false
	if c.MealPlan == "" {
		c.MealPlan = "RO"
	}
	var v hotel.Validation
	requiredID(&v, "room_type_id", c.RoomTypeID)
	checkPlan(&v, &c)
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := s.GetHotel(ctx, c.HotelID); err != nil {
		return err
	}
	if _, err := s.bodyRoomType(ctx, c.HotelID, c.RoomTypeID); err != nil {
		return err
	}
	if err := s.checkPlanLinks(ctx, c); err != nil {
		return err
	}
	if err := s.store.CreateRatePlan(ctx, &c); err != nil {
		return planWriteError(err, c, "create rate plan")
	}
	*p = c
	return nil
}

// UpdateRatePlan replaces the fields of p.ID but its room type and
// default mark.
func (s *Service) UpdateRatePlan(ctx context.Context, p *hotel.RatePlan) error {
	cur, err := s.GetRatePlan(ctx, p.HotelID, p.ID)
	if err != nil {
		return err
	}
	c := *p
	var v hotel.Validation
	if c.RoomTypeID != 0 && c.RoomTypeID != cur.RoomTypeID {
		v.Add("room_type_id", "cannot be changed: create a plan on the other room type")
	}
	c.RoomTypeID, c.Default = cur.RoomTypeID, cur.Default
	checkPlan(&v, &c)
	if c.Default && c.ParentID != 0 {
		v.Add("parent", "the room type's default plan is a base plan: it cannot be derived")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.checkPlanLinks(ctx, c); err != nil {
		return err
	}
	if err := s.store.UpdateRatePlan(ctx, c); err != nil {
		return planWriteError(err, c, "update rate plan")
	}
	*p = c
	return nil
}

// checkPlan checks and trims the fields of a plan.
func checkPlan(v *hotel.Validation, p *hotel.RatePlan) {
	if !planCode.MatchString(p.Code) {
		v.Add("code", "must be 1 to 32 capital letters, digits, '-' or '_', starting with a letter or digit")
	}
	p.Name = requiredText(v, "name", p.Name, maxPlanName)
	if !slices.Contains(hotel.MealPlans, p.MealPlan) {
		v.Add("meal_plan", "must be one of "+strings.Join(hotel.MealPlans, ", "))
	}
	checkID(v, "parent_id", p.ParentID)
	if c := p.Cancellation; c != nil {
		hotel.CheckCancellationPolicy(v, "cancellation_policy", *c)
		if c.NonRefundable == p.Refundable {
			v.Add("refundable", "must agree with cancellation_policy.non_refundable")
		}
	}
	hotel.CheckNoShowPolicy(v, "no_show_policy", p.NoShow)
	hotel.CheckGuarantee(v, "guarantee", p.Guarantee)
	if p.Occupancy.ChildBands == nil {
		p.Occupancy.ChildBands = []hotel.ChildBand{} // as the stores read it back
	}
	if p.ParentID == 0 {
		if p.PercentBP != 0 || p.AmountCents != 0 {
			v.Add("adjust_percent_bp", "only a derived plan (with a parent) adjusts its parent's price")
		}
		if p.FollowsParentRestrictions {
			v.Add("follows_parent_restrictions", "only a derived plan (with a parent) follows its parent")
		}
		checkOccupancy(v, p.Occupancy)
		return
	}
	if p.ParentID == p.ID {
		v.Add("parent", "a plan cannot derive from itself")
	}
	checkInt(v, "adjust_percent_bp", p.PercentBP, minPercentBP, maxPercentBP)
	if p.AmountCents < -maxAdjustAmount || p.AmountCents > maxAdjustAmount {
		v.Add("adjust_amount", fmt.Sprintf("must be between -%s and %s", maxAdjustAmount, maxAdjustAmount))
	}
	if p.PercentBP != 0 && p.AmountCents != 0 {
		v.Add("adjust_amount", "a derived plan adjusts by a percentage or by an amount, not both")
	}
	if p.Occupancy.BaseAdults != 0 || p.Occupancy.ExtraAdult != 0 || len(p.Occupancy.ChildBands) != 0 {
		v.Add("occupancy", "a derived plan prices the party as its parent does: it has no occupancy of its own")
	}
}

// checkOccupancy checks a base plan's occupancy pricing.
func checkOccupancy(v *hotel.Validation, o hotel.Occupancy) {
	checkInt(v, "occupancy.base_adults", o.BaseAdults, 0, maxBaseAdults)
	if o.ExtraAdult < 0 || o.ExtraAdult > maxNightPrice {
		v.Add("occupancy.extra_adult", fmt.Sprintf("must be between 0.00 and %s", maxNightPrice))
	}
	if len(o.ChildBands) > maxChildBands {
		v.Add("occupancy.child_bands", fmt.Sprintf("at most %d bands", maxChildBands))
		return
	}
	for i, b := range o.ChildBands {
		field := fmt.Sprintf("occupancy.child_bands[%d]", i)
		switch {
		case b.MaxAge < 0 || b.MaxAge > hotel.MaxChildAge:
			v.Add(field+".max_age", fmt.Sprintf("must be between 0 and %d", hotel.MaxChildAge))
		case i > 0 && b.MaxAge <= o.ChildBands[i-1].MaxAge:
			v.Add(field+".max_age", "bands must be in ascending order of max_age")
		}
		if b.Price < 0 || b.Price > maxNightPrice {
			v.Add(field+".price", fmt.Sprintf("must be between 0.00 and %s", maxNightPrice))
		}
	}
}

// checkPlanLinks checks what a plan names among its hotel's plans: its
// code is free, its parent exists (any plan of the hotel) and is not
// derived from it.
func (s *Service) checkPlanLinks(ctx context.Context, p hotel.RatePlan) error {
	plans, err := s.store.ListRatePlans(ctx, p.HotelID)
	if err != nil {
		return storeError(err, "list rate plans")
	}
	ps := hotel.PlansOf(plans)
	for _, q := range plans {
		if q.Code == p.Code && q.ID != p.ID {
			return hotel.Errorf(hotel.ECONFLICT, "Hotel %d already has a rate plan %s.", p.HotelID, p.Code)
		}
	}
	var v hotel.Validation
	if _, ok := ps[p.ParentID]; p.ParentID != 0 && !ok {
		v.Add("parent", fmt.Sprintf("hotel %d has no such rate plan", p.HotelID))
		return v.Err()
	}
	if p.ID != 0 {
		ps[p.ID] = p
		if _, err := ps.Chain(p); err != nil {
			v.Add("parent", "would make a derivation cycle: the parent derives from this plan")
		}
	}
	return v.Err()
}

// planWriteError translates the store's refusal of a plan write that the
// checks before it let through (a concurrent change).
func planWriteError(err error, p hotel.RatePlan, what string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		var v hotel.Validation
		v.Add("parent", fmt.Sprintf("hotel %d has no such rate plan", p.HotelID))
		return v.Err()
	case errors.Is(err, store.ErrConflict):
		return &hotel.Error{Code: hotel.ECONFLICT, Err: err,
			Message: fmt.Sprintf("Rate plan %s conflicts with another plan of hotel %d (its code, or a derivation cycle); read the plans again.", p.Code, p.HotelID)}
	}
	return storeError(err, what)
}

// ApplyARI validates a bulk ARI change and applies it in one transaction.
func (s *Service) ApplyARI(ctx context.Context, c *hotel.ARIChange) (bool, error) {
	if c.HotelID <= 0 {
		return false, hotelNotFound(c.HotelID)
	}
	if c.IdempotencyKey != "" {
		if err := hotel.CheckIdempotencyKey(c.IdempotencyKey, false); err != nil {
			return false, err
		}
	}
	w := *c
	w.ID, w.Result = 0, hotel.ARIResult{}
	var v hotel.Validation
	w.Reason = checkText(&v, "reason", w.Reason, maxReason)
	w.Actor = requiredText(&v, "actor", w.Actor, maxActor)
	checkUpdates(&v, w.Updates)
	if err := v.Err(); err != nil {
		return false, err
	}
	if _, err := s.GetHotel(ctx, w.HotelID); err != nil {
		return false, err
	}
	if err := s.checkUpdateNames(ctx, w.HotelID, w.Updates); err != nil {
		return false, err
	}
	replayed, err := s.store.ApplyARI(ctx, &w)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrIdempotencyMismatch):
			return false, hotel.IdempotencyKeyReused(err)
		case isNights(err):
			return false, nightsFault(err, func(nights string) string {
				return fmt.Sprintf("The capacity cannot fall below the rooms held and blocked on %s; nothing was changed.", nights)
			}, "the room type", "updates", "apply ARI")
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict):
			// A plan renamed, removed or derived since the checks above.
			return false, &hotel.Error{Code: hotel.ECONFLICT, Err: err,
				Message: "The rate plans changed while the update ran; nothing was changed. Read the plans and try again."}
		}
		return false, storeError(err, "apply ARI")
	}
	*c = w
	return replayed, nil
}

// checkUpdates checks the fields of each update and the limits of a call.
func checkUpdates(v *hotel.Validation, us []hotel.ARIUpdate) {
	switch {
	case len(us) == 0:
		v.Add("updates", "at least one update is required")
		return
	case len(us) > hotel.MaxARIUpdates:
		v.Add("updates", fmt.Sprintf("at most %d updates per call", hotel.MaxARIUpdates))
		return
	}
	nights := 0
	for i, u := range us {
		f := fmt.Sprintf("updates[%d].", i)
		requiredID(v, f+"room_type_id", u.RoomTypeID)
		checkDays(v, f+"from", f+"to", u.From, u.To)
		for _, d := range u.Weekdays {
			if !slices.Contains(hotel.Weekdays, d) {
				v.Add(f+"weekdays", "each must be one of "+strings.Join(hotel.Weekdays, ", "))
				break
			}
		}
		if u.Price == nil && u.Capacity == nil && u.Rules == nil {
			v.Add(f+"price", "at least one of price, capacity and restrictions is required")
		}
		if u.Price != nil {
			if u.RatePlan == "" {
				v.Add(f+"rate_plan", "is required with a price: the base plan priced")
			}
			if *u.Price < 0 || *u.Price > maxNightPrice {
				v.Add(f+"price", fmt.Sprintf("must be between 0.00 and %s", maxNightPrice))
			}
		}
		if u.Capacity != nil {
			checkInt(v, f+"capacity", *u.Capacity, 0, maxCapacity)
		}
		if u.Rules != nil {
			checkRules(v, f+"restrictions.", *u.Rules)
		}
		if !v.Has(f+"from") && !v.Has(f+"to") {
			nights += len(u.Nights())
		}
	}
	if nights > hotel.MaxARINights {
		v.Add("updates", fmt.Sprintf("at most %d nights per call; these updates cover %d", hotel.MaxARINights, nights))
	}
}

// checkRules checks the numbers of a restriction patch.
func checkRules(v *hotel.Validation, prefix string, p hotel.RestrictionPatch) {
	for _, r := range []struct {
		name string
		n    *int
		hi   int
	}{
		{"min_stay_arrival", p.MinStayArrival, maxStayRule}, {"max_stay_arrival", p.MaxStayArrival, maxStayRule},
		{"min_stay_through", p.MinStayThrough, maxStayRule}, {"max_stay_through", p.MaxStayThrough, maxStayRule},
		{"min_advance", p.MinAdvance, maxAdvanceRule}, {"max_advance", p.MaxAdvance, maxAdvanceRule},
	} {
		if r.n != nil {
			checkInt(v, prefix+r.name, *r.n, 0, r.hi)
		}
	}
}

// checkUpdateNames checks the room types and plans the updates name are
// the hotel's, and that priced plans are base plans.
func (s *Service) checkUpdateNames(ctx context.Context, hotelID int64, us []hotel.ARIUpdate) error {
	rts, err := s.store.ListRoomTypes(ctx, hotelID)
	if err != nil {
		return storeError(err, "room type lookup")
	}
	plans, err := s.store.ListRatePlans(ctx, hotelID)
	if err != nil {
		return storeError(err, "list rate plans")
	}
	var v hotel.Validation
	for i, u := range us {
		f := fmt.Sprintf("updates[%d].", i)
		if !slices.ContainsFunc(rts, func(rt hotel.RoomType) bool { return rt.ID == u.RoomTypeID }) {
			v.Add(f+"room_type_id", fmt.Sprintf("hotel %d has no such room type", hotelID))
			continue
		}
		if u.RatePlan == "" {
			continue
		}
		i := slices.IndexFunc(plans, func(p hotel.RatePlan) bool { return p.Code == u.RatePlan && p.RoomTypeID == u.RoomTypeID })
		switch {
		case i < 0:
			v.Add(f+"rate_plan", fmt.Sprintf("room type %d has no rate plan with this code", u.RoomTypeID))
		case u.Price != nil && plans[i].ParentID != 0:
			v.Add(f+"price", "rate plan "+u.RatePlan+" is derived: its prices follow its parent's")
		}
	}
	return v.Err()
}

// ListARIChanges returns a hotel's ARI changes with id < beforeID (from
// the newest when beforeID is 0), newest first.
func (s *Service) ListARIChanges(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.ARIChange, error) {
	return listLog(ctx, s, hotelID, beforeID, limit, s.store.ListARIChanges, "list ARI changes")
}

// ARICalendar reads the hotel's ARI over [q.From, q.To] with LoadARI (and
// the nights' capacity from the inventory listing) and evaluates each
// plan's price for its base occupancy and its effective restrictions.
func (s *Service) ARICalendar(ctx context.Context, q hotel.ARICalendarQuery) (*hotel.ARICalendar, error) {
	if q.HotelID <= 0 {
		return nil, hotelNotFound(q.HotelID)
	}
	var v hotel.Validation
	checkID(&v, "room_type_id", q.RoomTypeID)
	if !q.From.IsZero() && !onWire(q.From) {
		v.Add("from", "must be a date from year 1 to 9999")
	}
	if !q.To.IsZero() && !onWire(q.To) {
		v.Add("to", "must be a date from year 1 to 9999")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	h, err := s.GetHotel(ctx, q.HotelID)
	if err != nil {
		return nil, err
	}
	if q.From.IsZero() {
		q.From = hotel.Today(s.now(), h.Zone())
	}
	if q.To.IsZero() {
		q.To = q.From.AddDays(hotel.DefaultRangeDays - 1)
	}
	checkDays(&v, "from", "to", q.From, q.To)
	if err := v.Err(); err != nil {
		return nil, err
	}
	aq := hotel.ARIQuery{HotelIDs: []int64{h.ID}, From: q.From, To: q.To.AddDays(1)}
	if q.RoomTypeID != 0 {
		if _, err := s.bodyRoomType(ctx, h.ID, q.RoomTypeID); err != nil {
			return nil, err
		}
		aq.RoomTypeIDs = []int64{q.RoomTypeID}
	}
	snap, err := s.store.LoadARI(ctx, aq)
	if err != nil {
		return nil, storeError(err, "load ARI")
	}
	capacity, err := s.capacities(ctx, h.ID, q.From, q.To)
	if err != nil {
		return nil, err
	}
	cal := &hotel.ARICalendar{HotelID: h.ID, Currency: h.Currency, From: q.From, To: q.To, RoomTypes: []hotel.ARIRoomCalendar{}}
	plans := make([]hotel.RatePlan, 0, len(snap.Plans))
	for _, p := range snap.Plans {
		plans = append(plans, p)
	}
	slices.SortFunc(plans, func(a, b hotel.RatePlan) int { return int(a.ID - b.ID) })
	for _, rt := range snap.RoomTypes {
		rc := hotel.ARIRoomCalendar{RoomTypeID: rt.ID, RoomType: rt.Name, Nights: []hotel.ARIRoomNight{}, Plans: []hotel.ARIPlanCalendar{}}
		for d := q.From; !d.After(q.To); d = d.AddDays(1) {
			if avail, ok := snap.ARI.Available(rt.ID, d); ok {
				rc.Nights = append(rc.Nights, hotel.ARIRoomNight{Date: d, Capacity: capacity[hotel.RoomNight{RoomTypeID: rt.ID, Night: d}], Available: avail})
			}
		}
		for _, p := range plans {
			if p.RoomTypeID != rt.ID {
				continue
			}
			pc := hotel.ARIPlanCalendar{RatePlanID: p.ID, Code: p.Code, Sellable: p.Sellable, Nights: []hotel.ARIPlanNight{}}
			for d := q.From; !d.After(q.To); d = d.AddDays(1) {
				n := hotel.ARIPlanNight{Date: d}
				price, ok, err := snap.Plans.NightPrice(snap.ARI, p, d, hotel.Party{})
				if err != nil {
					return nil, storeError(err, "ARI calendar")
				}
				if ok {
					n.Price = &price
				}
				if n.Restrictions, err = snap.Plans.Restrictions(snap.ARI, p, d); err != nil {
					return nil, storeError(err, "ARI calendar")
				}
				pc.Nights = append(pc.Nights, n)
			}
			rc.Plans = append(rc.Plans, pc)
		}
		cal.RoomTypes = append(cal.RoomTypes, rc)
	}
	return cal, nil
}

// capacities returns the total rooms of the hotel's nights over [from, to]
// from the inventory listing (LoadARI reads the rooms for sale only).
func (s *Service) capacities(ctx context.Context, hotelID int64, from, to hotel.Date) (map[hotel.RoomNight]int, error) {
	out := map[hotel.RoomNight]int{}
	f := hotel.InventoryFilter{HotelID: hotelID, StartDate: from, EndDate: to, Limit: hotel.MaxPageSize}
	for {
		items, err := s.store.ListInventory(ctx, f)
		if err != nil {
			return nil, storeError(err, "inventory listing")
		}
		for _, it := range items {
			out[hotel.RoomNight{RoomTypeID: it.RoomTypeID, Night: it.Date}] = it.TotalRooms
		}
		if len(items) < f.Limit {
			return out, nil
		}
		last := items[len(items)-1]
		f.After = &hotel.InventoryCursor{HotelID: last.HotelID, Date: last.Date, RoomTypeID: last.RoomTypeID}
	}
}
