package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// planByCode returns the plan of hotelID with code.
func planByCode(t *testing.T, s store.Store, hotelID int64, code string) hotel.RatePlan {
	t.Helper()
	plans, err := s.ListRatePlans(context.Background(), hotelID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Code == code {
			return p
		}
	}
	t.Fatalf("hotel %d has no plan %s: %+v", hotelID, code, plans)
	return hotel.RatePlan{}
}

// testRatePlanWrites: CreateRatePlan, UpdateRatePlan and GetRatePlan keep
// every field; a parent of another hotel, a room type of another hotel, a
// code taken, a derivation cycle and a derived default plan are refused
// and change nothing.
func testRatePlanWrites(t *testing.T, h Harness) {
	ctx := context.Background()
	f := NewFixture(320, 1)
	s := loaded(t, h, f)
	flex := hotel.RatePlan{HotelID: 320, RoomTypeID: 3201, Code: "FLEX", Name: "Flexible", MealPlan: "BB", Refundable: true, Sellable: true,
		Occupancy:    hotel.Occupancy{BaseAdults: 2, ExtraAdult: 2000, ChildBands: []hotel.ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: 1500}}},
		Cancellation: &hotel.CancellationPolicy{Deadline: &hotel.Deadline{DaysBefore: 2, At: "18:00"}, Fee: hotel.Fee{Nights: 1}},
		NoShow:       hotel.NoShowPolicy{Fee: hotel.Fee{PercentBP: 5000}, ReleaseLaterNights: true},
		Guarantee:    hotel.Guarantee{Kind: hotel.GuaranteeDeposit, DepositPercentBP: 2000, DueDaysBefore: 7}}
	if err := s.CreateRatePlan(ctx, &flex); err != nil || flex.ID == 0 {
		t.Fatalf("CreateRatePlan(FLEX) = %v, id %d", err, flex.ID)
	}
	nr := hotel.RatePlan{HotelID: 320, RoomTypeID: 3201, Code: "NR", Name: "Non-refundable", MealPlan: "RO", Sellable: true,
		ParentID: flex.ID, PercentBP: -1000, FollowsParentRestrictions: true}
	if err := s.CreateRatePlan(ctx, &nr); err != nil {
		t.Fatalf("CreateRatePlan(NR) = %v", err)
	}
	for _, want := range []hotel.RatePlan{flex, nr} {
		got, err := s.GetRatePlan(ctx, 320, want.ID)
		if err != nil || planString(got) != planString(want) {
			t.Fatalf("GetRatePlan(%d) = %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	if _, err := s.GetRatePlan(ctx, 321, flex.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetRatePlan of another hotel = %v, want ErrNotFound", err)
	}

	bad := func(what string, p hotel.RatePlan, want error) {
		t.Helper()
		if err := s.CreateRatePlan(ctx, &p); !errors.Is(err, want) {
			t.Errorf("CreateRatePlan with %s = %v, want %v", what, err, want)
		}
	}
	bad("a parent of another hotel", hotel.RatePlan{HotelID: 320, RoomTypeID: 3200, Code: "X1", Name: "X", MealPlan: "RO",
		ParentID: other(t, s, 321)}, store.ErrNotFound)
	bad("a room type of another hotel", hotel.RatePlan{HotelID: 320, RoomTypeID: 3210, Code: "X2", Name: "X", MealPlan: "RO"}, store.ErrNotFound)
	bad("a hotel that does not exist", hotel.RatePlan{HotelID: 999, RoomTypeID: 3200, Code: "X3", Name: "X", MealPlan: "RO"}, store.ErrNotFound)
	bad("a code taken", hotel.RatePlan{HotelID: 320, RoomTypeID: 3200, Code: "NR", Name: "X", MealPlan: "RO"}, store.ErrConflict)

	cycle := flex
	cycle.ParentID = nr.ID
	if err := s.UpdateRatePlan(ctx, cycle); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UpdateRatePlan making a cycle = %v, want ErrConflict", err)
	}
	def := planByCode(t, s, 320, "BAR-3200")
	derived := def
	derived.ParentID = flex.ID
	if err := s.UpdateRatePlan(ctx, derived); !errors.Is(err, store.ErrConflict) {
		t.Errorf("UpdateRatePlan deriving the default plan = %v, want ErrConflict", err)
	}
	if err := s.UpdateRatePlan(ctx, hotel.RatePlan{HotelID: 321, ID: flex.ID, Code: "FLEX", Name: "X", MealPlan: "RO"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRatePlan of another hotel's plan = %v, want ErrNotFound", err)
	}

	// A plan becomes base with occupancy of its own; its room type and
	// default mark are not the update's to change.
	nr2 := nr
	nr2.Name, nr2.ParentID, nr2.PercentBP, nr2.FollowsParentRestrictions, nr2.RoomTypeID = "Saver", 0, 0, false, 3200
	nr2.Occupancy = hotel.Occupancy{BaseAdults: 1, ExtraAdult: 500}
	nr2.Cancellation, nr2.Guarantee = &hotel.CancellationPolicy{NonRefundable: true}, hotel.Guarantee{Kind: hotel.GuaranteeCard}
	if err := s.UpdateRatePlan(ctx, nr2); err != nil {
		t.Fatal(err)
	}
	nr2.RoomTypeID = 3201
	if got, err := s.GetRatePlan(ctx, 320, nr.ID); err != nil || planString(got) != planString(nr2) {
		t.Fatalf("after update, GetRatePlan = %+v, %v; want %+v", got, err, nr2)
	}
	if got, _ := s.GetRatePlan(ctx, 320, flex.ID); planString(got) != planString(flex) {
		t.Fatalf("FLEX changed by refused updates: %+v", got)
	}
	if got, _ := s.GetRatePlan(ctx, 320, def.ID); planString(got) != planString(def) {
		t.Fatalf("the default plan changed by a refused update: %+v", got)
	}
}

// planString is p as text to compare plans by: every field, the
// cancellation policy's too (not its address).
func planString(p hotel.RatePlan) string {
	c := p.Cancellation
	p.Cancellation = nil
	return fmt.Sprint(p) + jsonOf(c)
}

// jsonOf is v in JSON, to compare values holding pointers.
func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ptrTo returns a pointer to v.
func ptrTo[T any](v T) *T { return &v }

// ariFixture loads hotels 330 and 331 with 14 nights and a base plan FLEX
// and a derived plan NR on room type 3301.
func ariFixture(t *testing.T, h Harness) (store.Store, Fixture, hotel.RatePlan, hotel.RatePlan) {
	t.Helper()
	f := NewFixture(330, 14)
	s := loaded(t, h, f)
	flex := hotel.RatePlan{HotelID: 330, RoomTypeID: 3301, Code: "FLEX", Name: "Flexible", MealPlan: "RO", Sellable: true}
	if err := s.CreateRatePlan(context.Background(), &flex); err != nil {
		t.Fatal(err)
	}
	nr := hotel.RatePlan{HotelID: 330, RoomTypeID: 3301, Code: "NR", Name: "Saver", MealPlan: "RO", Sellable: true, ParentID: flex.ID, PercentBP: -1000}
	if err := s.CreateRatePlan(context.Background(), &nr); err != nil {
		t.Fatal(err)
	}
	return s, f, flex, nr
}

// loadARI reads hotel 330's ARI over days [0, 20).
func loadARI(t *testing.T, s store.Store) hotel.ARISnapshot {
	t.Helper()
	snap, err := s.LoadARI(context.Background(), hotel.ARIQuery{HotelIDs: []int64{330}, From: day(0), To: day(20)})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// testApplyARI: one bulk change sets default and base plan prices on the
// weekdays asked, room-type and plan restrictions field by field (a field
// left out kept, 0 and false clearing), capacity, and creates nights given
// capacity and the default price; it is recorded; a refusal anywhere
// changes nothing.
func testApplyARI(t *testing.T, h Harness) {
	ctx := context.Background()
	s, _, flex, nr := ariFixture(t, h)
	snap0 := loadARI(t, s)
	c := &hotel.ARIChange{HotelID: 330, Actor: "alice", Reason: "summer", Updates: []hotel.ARIUpdate{
		// 2030-01-01 is a Tuesday: days 4 and 5 are Saturday and Sunday.
		{RoomTypeID: 3300, RatePlan: "BAR-3300", From: day(0), To: day(6), Weekdays: []string{"sat", "sun"}, Price: ptrTo[hotel.Cents](9900)},
		{RoomTypeID: 3301, RatePlan: "FLEX", From: day(0), To: day(3), Price: ptrTo[hotel.Cents](12000),
			Rules: &hotel.RestrictionPatch{MinStayArrival: ptrTo(2), ClosedToArrival: ptrTo(true)}},
		{RoomTypeID: 3300, From: day(1), To: day(2), Rules: &hotel.RestrictionPatch{StopSell: ptrTo(true), MaxAdvance: ptrTo(300)}},
		{RoomTypeID: 3301, From: day(0), To: day(2), Capacity: ptrTo(20)},
		{RoomTypeID: 3301, RatePlan: "BAR-3301", From: day(14), To: day(15), Capacity: ptrTo(5), Price: ptrTo[hotel.Cents](5000)},
	}}
	replayed, err := s.ApplyARI(ctx, c)
	if err != nil || replayed || c.ID == 0 || c.CreatedAt.IsZero() {
		t.Fatalf("ApplyARI = %v, %v; change %+v", replayed, err, c)
	}
	if want := (hotel.ARIResult{Prices: 2 + 4 + 2, Restrictions: 4 + 2, Capacity: 3 + 2, Created: 2}); c.Result != want {
		t.Errorf("result = %+v, want %+v", c.Result, want)
	}
	snap := loadARI(t, s)
	a, a0 := snap.ARI, snap0.ARI
	def := snap.Plans[planByCode(t, s, 330, "BAR-3300").ID]
	for d := range 7 {
		want, _ := a0.BasePrice(def, day(d))
		if d == 4 || d == 5 {
			want = 9900
		}
		if got, _ := a.BasePrice(def, day(d)); got != want {
			t.Errorf("BAR-3300 price day %d = %v, want %v", d, got, want)
		}
	}
	for d := range 5 {
		got, ok := a.BasePrice(flex, day(d))
		if want := d < 4; ok != want || (ok && got != 12000) {
			t.Errorf("FLEX price day %d = %v, %v", d, got, ok)
		}
	}
	if r := a.Restrictions(3301, flex.ID, day(3)); r != (hotel.Restrictions{MinStayArrival: 2, ClosedToArrival: true}) {
		t.Errorf("FLEX restrictions day 3 = %+v", r)
	}
	if r := a.Restrictions(3300, 0, day(2)); r != (hotel.Restrictions{StopSell: true, MaxAdvance: 300}) {
		t.Errorf("room type restrictions day 2 = %+v", r)
	}
	if n, _ := a.Available(3301, day(2)); n != 19 { // 1 held
		t.Errorf("3301 available day 2 = %d, want 19", n)
	}
	if n, ok := a.Available(3301, day(15)); !ok || n != 5 {
		t.Errorf("created night day 15 = %d, %v; want 5", n, ok)
	}
	if p, ok := a.BasePrice(snap.Plans[planByCode(t, s, 330, "BAR-3301").ID], day(14)); !ok || p != 5000 {
		t.Errorf("created night's price = %v, %v", p, ok)
	}

	// Field by field: left out kept, 0 and false clear.
	apply := func(what string, c *hotel.ARIChange) {
		t.Helper()
		if _, err := s.ApplyARI(ctx, c); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	apply("clear min stay", &hotel.ARIChange{HotelID: 330, Actor: "alice", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3301, RatePlan: "FLEX", From: day(3), To: day(3), Rules: &hotel.RestrictionPatch{MinStayArrival: ptrTo(0), MaxStayThrough: ptrTo(7)}}}})
	if r := loadARI(t, s).ARI.Restrictions(3301, flex.ID, day(3)); r != (hotel.Restrictions{ClosedToArrival: true, MaxStayThrough: 7}) {
		t.Errorf("after clearing min stay: %+v", r)
	}
	apply("clear all", &hotel.ARIChange{HotelID: 330, Actor: "alice", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3301, RatePlan: "FLEX", From: day(3), To: day(3), Rules: &hotel.RestrictionPatch{ClosedToArrival: ptrTo(false), MaxStayThrough: ptrTo(0)}}}})
	if r := loadARI(t, s).ARI.Restrictions(3301, flex.ID, day(3)); r != (hotel.Restrictions{}) {
		t.Errorf("after clearing all: %+v", r)
	}

	// Refusals change nothing, whichever update refuses.
	before := loadARI(t, s)
	for _, tc := range []struct {
		what     string
		u        hotel.ARIUpdate
		sentinel error
		nights   []hotel.Date
	}{
		{"capacity below held", hotel.ARIUpdate{RoomTypeID: 3301, From: day(6), To: day(8), Weekdays: []string{"mon", "tue"}, Capacity: ptrTo(0)},
			store.ErrConflict, days(6, 7)},
		{"capacity on nights without inventory", hotel.ARIUpdate{RoomTypeID: 3300, From: day(13), To: day(16), Capacity: ptrTo(3)},
			store.ErrNotFound, days(14, 15, 16)},
		{"the default price on nights without inventory", hotel.ARIUpdate{RoomTypeID: 3300, RatePlan: "BAR-3300", From: day(14), To: day(14), Price: ptrTo[hotel.Cents](1)},
			store.ErrNotFound, days(14)},
		{"a derived plan's price", hotel.ARIUpdate{RoomTypeID: 3301, RatePlan: nr.Code, From: day(1), To: day(1), Price: ptrTo[hotel.Cents](1)}, store.ErrConflict, nil},
		{"a plan of another room type", hotel.ARIUpdate{RoomTypeID: 3300, RatePlan: "FLEX", From: day(1), To: day(1), Price: ptrTo[hotel.Cents](1)}, store.ErrNotFound, nil},
	} {
		c := &hotel.ARIChange{HotelID: 330, Actor: "alice", Updates: []hotel.ARIUpdate{
			{RoomTypeID: 3301, RatePlan: "FLEX", From: day(0), To: day(9), Price: ptrTo[hotel.Cents](1), Rules: &hotel.RestrictionPatch{StopSell: ptrTo(true)}},
			{RoomTypeID: 3300, From: day(0), To: day(9), Capacity: ptrTo(50)},
			tc.u,
		}}
		_, err := s.ApplyARI(ctx, c)
		if tc.nights != nil {
			wantNightsError(t, "ApplyARI with "+tc.what, err, tc.sentinel, tc.nights...)
		} else if !errors.Is(err, tc.sentinel) {
			t.Errorf("ApplyARI with %s = %v, want %v", tc.what, err, tc.sentinel)
		}
		if after := loadARI(t, s); fmt.Sprint(after.ARI) != fmt.Sprint(before.ARI) {
			t.Errorf("ApplyARI with %s changed the ARI", tc.what)
		}
	}
	if _, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: 999, Actor: "alice", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3300, From: day(1), To: day(1), Capacity: ptrTo(1)}}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ApplyARI of a hotel that does not exist = %v, want ErrNotFound", err)
	}

	changes, err := s.ListARIChanges(ctx, 330, 1<<62, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("ListARIChanges = %d changes, %v; want 3", len(changes), err)
	}
	first := changes[2]
	if first.ID != c.ID || first.Actor != "alice" || first.Reason != "summer" || jsonOf(first.Updates) != jsonOf(c.Updates) ||
		first.Result != c.Result || !first.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("the oldest change = %+v, want %+v", first, *c)
	}
	if changes[0].ID <= changes[1].ID {
		t.Errorf("changes not newest first: %d, %d", changes[0].ID, changes[1].ID)
	}
	page, err := s.ListARIChanges(ctx, 330, changes[1].ID, 10)
	if err != nil || len(page) != 1 || page[0].ID != c.ID {
		t.Errorf("ListARIChanges before %d = %+v, %v", changes[1].ID, page, err)
	}
	if other, err := s.ListARIChanges(ctx, 331, 1<<62, 10); err != nil || len(other) != 0 {
		t.Errorf("hotel 331's changes = %+v, %v", other, err)
	}
}

// testApplyARIIdempotent: the same key and request replays the recorded
// change and applies nothing; the same key with another request (or
// another hotel) is ErrIdempotencyMismatch; another actor's key is its own.
func testApplyARIIdempotent(t *testing.T, h Harness) {
	ctx := context.Background()
	s, _, _, _ := ariFixture(t, h)
	req := func(actor string, price hotel.Cents, hotelID int64) *hotel.ARIChange {
		return &hotel.ARIChange{HotelID: hotelID, Actor: actor, Reason: "push", IdempotencyKey: "k1", Updates: []hotel.ARIUpdate{
			{RoomTypeID: hotelID*10 + 1, RatePlan: "FLEX", From: day(0), To: day(1), Price: &price}}}
	}
	first := req("alice", 100, 330)
	if replayed, err := s.ApplyARI(ctx, first); err != nil || replayed {
		t.Fatalf("first = %v, %v", replayed, err)
	}
	again := req("alice", 100, 330)
	if replayed, err := s.ApplyARI(ctx, again); err != nil || !replayed || again.ID != first.ID || again.Result != first.Result ||
		!again.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("retry = %v, %v, %+v; want the first change %+v", replayed, err, again, first)
	}
	if _, err := s.ApplyARI(ctx, req("alice", 200, 330)); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Errorf("same key, other price = %v, want ErrIdempotencyMismatch", err)
	}
	if _, err := s.ApplyARI(ctx, req("alice", 100, 331)); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Errorf("same key, other hotel = %v, want ErrIdempotencyMismatch", err)
	}
	// Bob's key k1 is his own (his update names no plan of hotel 330's FLEX).
	bob := &hotel.ARIChange{HotelID: 330, Actor: "bob", IdempotencyKey: "k1", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3300, From: day(0), To: day(0), Capacity: ptrTo(12)}}}
	if replayed, err := s.ApplyARI(ctx, bob); err != nil || replayed || bob.ID == first.ID {
		t.Errorf("bob's k1 = %v, %v, id %d", replayed, err, bob.ID)
	}
	if changes, err := s.ListARIChanges(ctx, 330, 1<<62, 10); err != nil || len(changes) != 2 {
		t.Errorf("%d changes recorded, %v; want 2", len(changes), err)
	}
}

// testApplyARIRace: bulk changes racing on the same nights each apply
// whole: afterwards every night carries the price and the restriction of
// one and the same change, and every change is recorded once; concurrent
// retries of one key apply it once.
func testApplyARIRace(t *testing.T, h Harness) {
	ctx := context.Background()
	s, _, flex, _ := ariFixture(t, h)
	const writers = 6
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			j := i % 3 // writers j and j+3 send the same request with the same key: a retry
			updates := []hotel.ARIUpdate{
				{RoomTypeID: 3301, RatePlan: "FLEX", From: day(0), To: day(9), Price: ptrTo(hotel.Cents(1000 + j)),
					Rules: &hotel.RestrictionPatch{MinStayThrough: ptrTo(1 + j)}},
				{RoomTypeID: 3301, From: day(0), To: day(9), Capacity: ptrTo(20 + j)},
			}
			if j%2 == 1 { // write the capacity first, so the orders meet
				updates[0], updates[1] = updates[1], updates[0]
			}
			c := &hotel.ARIChange{HotelID: 330, Actor: "alice", IdempotencyKey: fmt.Sprint("race-", j), Updates: updates}
			if _, err := s.ApplyARI(ctx, c); err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	changes, err := s.ListARIChanges(ctx, 330, 1<<62, 100)
	if err != nil || len(changes) != 3 {
		t.Fatalf("%d changes recorded, %v; want 3 (one per key)", len(changes), err)
	}
	a := loadARI(t, s).ARI
	p0, _ := a.BasePrice(flex, day(0))
	i := int(p0 - 1000)
	for d := range 10 {
		p, _ := a.BasePrice(flex, day(d))
		r := a.Restrictions(3301, flex.ID, day(d))
		n, _ := a.Available(3301, day(d))
		if p != p0 || r.MinStayThrough != 1+i || n != 20+i-1 {
			t.Errorf("day %d: price %v, min stay %d, available %d; want change %d's %v, %d, %d", d, p, r.MinStayThrough, n, i, p0, 1+i, 19+i)
		}
	}
}
