package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// feed is a chain of ARITouches calls, as the search index makes them.
type feed struct {
	s        store.Store
	c        store.TouchCursor
	returned map[int64]bool // every touch the chain returned
}

// newFeed starts a chain with the zero cursor's call, which returns no
// touch and a cursor that is not the zero cursor.
func newFeed(t *testing.T, s store.Store) *feed {
	t.Helper()
	ts, c, err := s.ARITouches(context.Background(), store.TouchCursor{})
	if err != nil || len(ts) != 0 || c.IsZero() {
		t.Fatalf("ARITouches(zero cursor) = %+v, %+v, %v; want no touch and a cursor", ts, c, err)
	}
	return &feed{s: s, c: c, returned: map[int64]bool{}}
}

// next calls ARITouches with the chain's cursor and moves it on. A touch
// the chain returned before is an error.
func (f *feed) next(ctx context.Context) ([]store.ARITouch, error) {
	ts, c, err := f.s.ARITouches(ctx, f.c)
	if err != nil {
		return nil, fmt.Errorf("ARITouches(%+v): %w", f.c, err)
	}
	if c.IsZero() {
		return nil, fmt.Errorf("ARITouches(%+v) returned the zero cursor", f.c)
	}
	f.c = c
	for _, x := range ts {
		if f.returned[x.ID] {
			return nil, fmt.Errorf("touch %+v returned again", x)
		}
		f.returned[x.ID] = true
	}
	return ts, nil
}

// poll is next, failing t on error.
func (f *feed) poll(t *testing.T) []store.ARITouch {
	t.Helper()
	ts, err := f.next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// touchKey is what a touch is about: its kind, hotel and room type.
type touchKey struct {
	Kind                string
	HotelID, RoomTypeID int64
}

// cover is what touches should cover: for each touchKey the nights
// changed (none for a catalogue touch).
type cover map[touchKey][]hotel.Date

// coverDiff describes how touches ts differ from covering want exactly
// (each of its keys, no other; every night changed, and no night before
// the first or after the last of its key: PostgreSQL writes one range per
// statement, SQLite one per row); "" when they agree.
func coverDiff(ts []store.ARITouch, want cover) string {
	got := map[touchKey][]store.ARITouch{}
	for _, x := range ts {
		k := touchKey{x.Kind, x.HotelID, x.RoomTypeID}
		got[k] = append(got[k], x)
		if x.ID == 0 || (x.Kind == store.TouchCatalogue) != x.From.IsZero() || x.From.IsZero() != x.To.IsZero() || x.To.Before(x.From) {
			return fmt.Sprintf("malformed touch %+v", x)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			return fmt.Sprintf("touches %+v of %+v, which nothing changed", got[k], k)
		}
	}
	for k, nights := range want {
		xs, ok := got[k]
		if !ok {
			return fmt.Sprintf("no touch of %+v (touches %+v)", k, ts)
		}
		for _, d := range nights {
			if !slices.ContainsFunc(xs, func(x store.ARITouch) bool { return !d.Before(x.From) && !x.To.Before(d) }) {
				return fmt.Sprintf("night %s of %+v not covered by %+v", d, k, xs)
			}
		}
		if len(nights) > 0 {
			lo, hi := nights[0], nights[0]
			for _, d := range nights {
				if d.Before(lo) {
					lo = d
				}
				if hi.Before(d) {
					hi = d
				}
			}
			for _, x := range xs {
				if x.From.Before(lo) || hi.Before(x.To) {
					return fmt.Sprintf("touch %+v reaches outside the nights changed, %s to %s", x, lo, hi)
				}
			}
		}
	}
	return ""
}

// wantCover fails t unless the touches ts cover want exactly (coverDiff).
func wantCover(t *testing.T, what string, ts []store.ARITouch, want cover) {
	t.Helper()
	if d := coverDiff(ts, want); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// testARITouchKinds: from the zero cursor, each change the contract makes
// (holds, plans, bulk ARI of each kind, hotels and room types) is
// returned by the next call, once, as touches of the right kind, hotel,
// room type and nights; a call with nothing changed returns nothing.
func testARITouchKinds(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(360, 10)
	s := loaded(t, h, f)
	fd := newFeed(t, s)
	if ts := fd.poll(t); len(ts) != 0 {
		t.Fatalf("nothing changed, touches %+v", ts)
	}
	catalogue := func(hotelID int64) cover { return cover{{store.TouchCatalogue, hotelID, 0}: nil} }
	step := func(what string, change func() error, want cover) {
		t.Helper()
		if err := change(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		wantCover(t, what, fd.poll(t), want)
		if ts := fd.poll(t); len(ts) != 0 {
			t.Fatalf("after %s, nothing changed, touches %+v", what, ts)
		}
	}
	apply := func(hotelID int64, us ...hotel.ARIUpdate) func() error {
		return func() error {
			_, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: hotelID, Actor: "feed", Updates: us})
			return err
		}
	}
	id := bookingID(1)
	step("CreateHold", func() error {
		_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 360, RoomTypeID: 3600, CheckIn: day(1), CheckOut: day(4)})
		return err
	}, cover{{store.TouchNights, 360, 3600}: days(1, 2, 3)})
	step("ReleaseHold", func() error {
		_, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{})
		return err
	}, cover{{store.TouchNights, 360, 3600}: days(1, 2, 3)})
	flex := hotel.RatePlan{HotelID: 360, RoomTypeID: 3601, Code: "FLEX", Name: "Flexible", MealPlan: "RO", Sellable: true}
	step("CreateRatePlan", func() error { return s.CreateRatePlan(ctx, &flex) }, catalogue(360))
	step("UpdateRatePlan", func() error {
		p := flex
		p.Name = "Flexible rate"
		return s.UpdateRatePlan(ctx, p)
	}, catalogue(360))
	step("ApplyARI: a base plan's prices", apply(360,
		hotel.ARIUpdate{RoomTypeID: 3601, RatePlan: "FLEX", From: day(2), To: day(5), Price: ptrTo[hotel.Cents](15000)}),
		cover{{store.TouchRates, 360, 0}: days(2, 3, 4, 5)})
	rules := &hotel.RestrictionPatch{MinStayArrival: ptrTo(2), StopSell: ptrTo(true)}
	step("ApplyARI: restrictions", apply(360,
		hotel.ARIUpdate{RoomTypeID: 3601, From: day(3), To: day(4), Rules: rules},
		hotel.ARIUpdate{RoomTypeID: 3601, RatePlan: "FLEX", From: day(4), To: day(4), Rules: rules}),
		cover{{store.TouchRules, 360, 3601}: days(3, 4)})
	step("ApplyARI: restrictions cleared", apply(360,
		hotel.ARIUpdate{RoomTypeID: 3601, From: day(3), To: day(4), Rules: &hotel.RestrictionPatch{MinStayArrival: ptrTo(0), StopSell: ptrTo(false)}}),
		cover{{store.TouchRules, 360, 3601}: days(3, 4)})
	step("ApplyARI: capacity", apply(361,
		hotel.ARIUpdate{RoomTypeID: 3602, From: day(0), To: day(2), Capacity: ptrTo(20)}),
		cover{{store.TouchNights, 361, 3602}: days(0, 1, 2)})
	// 2030-01-01 is a Tuesday: day 4 is a Saturday, day 6 a Monday.
	step("ApplyARI: the default plan's prices on some weekdays", apply(360,
		hotel.ARIUpdate{RoomTypeID: 3600, RatePlan: "BAR-3600", From: day(0), To: day(6), Weekdays: []string{"sat", "mon"}, Price: ptrTo[hotel.Cents](9900)}),
		cover{{store.TouchNights, 360, 3600}: days(4, 6)})
	step("ApplyARI: nights created", apply(361,
		hotel.ARIUpdate{RoomTypeID: 3603, RatePlan: "BAR-3603", From: day(10), To: day(11), Capacity: ptrTo(4), Price: ptrTo[hotel.Cents](5000)}),
		cover{{store.TouchNights, 361, 3603}: days(10, 11)})
	step("UpdateHotel", func() error {
		ho := f.findHotel(361)
		ho.Name = "Renamed"
		return s.UpdateHotel(ctx, ho)
	}, catalogue(361))
	step("CreateRoomType", func() error {
		return s.CreateRoomType(ctx, &hotel.RoomType{HotelID: 360, Name: "Suite", MaxOccupancy: 4})
	}, catalogue(360))
	// A Load touches the catalogue of each hotel it writes (which covers
	// all of their rows), and nothing of other hotels.
	load(t, s, NewFixture(362, 3))
	ts := fd.poll(t)
	for _, hotelID := range []int64{362, 363} {
		if !slices.ContainsFunc(ts, func(x store.ARITouch) bool { return x.Kind == store.TouchCatalogue && x.HotelID == hotelID }) {
			t.Fatalf("Load: no catalogue touch of hotel %d in %+v", hotelID, ts)
		}
	}
	for _, x := range ts {
		if x.HotelID != 362 && x.HotelID != 363 {
			t.Fatalf("Load: touch %+v of a hotel it did not write", x)
		}
	}
	// Refused changes write nothing, touches neither.
	_, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: 360, Actor: "feed", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3600, From: day(0), To: day(1), Capacity: ptrTo(30)},
		{RoomTypeID: 3600, From: day(12), To: day(12), Capacity: ptrTo(30)}}})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ApplyARI on nights without inventory = %v, want ErrNotFound", err)
	}
	if ts := fd.poll(t); len(ts) != 0 {
		t.Fatalf("a refused change left touches %+v", ts)
	}
}

// testARITouchesOpenTransaction: a change whose transaction is still open
// during a call is not returned by it, and is by the first call after it
// commits — also when a later transaction's touches, committed while it
// was open, were returned before it (PostgreSQL; SQLite has one writer,
// so the later transaction waits).
func testARITouchesOpenTransaction(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(380, 10)
	s := loaded(t, h, f)
	fd := newFeed(t, s)
	var once sync.Once
	open, commit := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Atomically(ctx, func(ctx context.Context) error {
			_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(1), HotelID: 380, RoomTypeID: 3800, CheckIn: day(1), CheckOut: day(3)})
			if err != nil {
				return err
			}
			once.Do(func() { close(open) })
			<-commit
			return nil
		})
	}()
	select {
	case <-open:
	case err := <-done:
		t.Fatalf("the unit ended before it was held open: %v", err)
	}
	if ts := fd.poll(t); len(ts) != 0 {
		t.Fatalf("touches %+v of a transaction still open", ts)
	}
	other := func() error {
		_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(2), HotelID: 380, RoomTypeID: 3801, CheckIn: day(5), CheckOut: day(6)})
		return err
	}
	later := cover{{store.TouchNights, 380, 3801}: days(5)}
	if s.Driver() == "sqlite" {
		close(commit)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		wantCover(t, "after the unit committed", fd.poll(t), cover{{store.TouchNights, 380, 3800}: days(1, 2)})
		if err := other(); err != nil {
			t.Fatal(err)
		}
		wantCover(t, "after a later hold", fd.poll(t), later)
	} else {
		if err := other(); err != nil {
			t.Fatal(err)
		}
		wantCover(t, "a hold committed while the unit is open", fd.poll(t), later)
		close(commit)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		wantCover(t, "after the unit committed", fd.poll(t), cover{{store.TouchNights, 380, 3800}: days(1, 2)})
	}
	if ts := fd.poll(t); len(ts) != 0 {
		t.Fatalf("touches %+v returned again", ts)
	}
}

// touchIDs returns the ids of every touch in the store's table.
func touchIDs(t *testing.T, h Harness, s store.Store) []int64 {
	t.Helper()
	ids, err := h.Int64s(t, s, `SELECT id FROM ari_touch ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// testARITouchesConcurrent: while writers hold, release and change ARI
// concurrently, a chain of calls polling all along, with one last call
// after them, returns every touch they wrote exactly once.
func testARITouchesConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(390, 30)
	s := loaded(t, h, f)
	before := touchIDs(t, h, s)
	fd := newFeed(t, s)
	var got []int64
	stop, polled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(polled)
		for {
			ts, err := fd.next(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			for _, x := range ts {
				got = append(got, x.ID)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 17)) //nolint:gosec // a test's reproducible choices
			for i := range 12 {
				hotelID := int64(390 + r.IntN(2))
				rt := 3900 + 2*(hotelID-390) + int64(r.IntN(2)) // the fixture's room types of the hotel
				in := r.IntN(25)
				out := in + 1 + r.IntN(4)
				var err error
				switch i % 3 {
				case 0, 1:
					id := bookingID(1000 + 100*w + i)
					_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: hotelID, RoomTypeID: rt, CheckIn: day(in), CheckOut: day(out)})
					if err == nil && i%3 == 1 {
						_, err = s.ReleaseHold(ctx, id, hotel.HoldRelease{From: day(in + 1)})
					}
				case 2:
					_, err = s.ApplyARI(ctx, &hotel.ARIChange{HotelID: hotelID, Actor: "feed", Updates: []hotel.ARIUpdate{
						{RoomTypeID: rt, RatePlan: fmt.Sprint("BAR-", rt), From: day(in), To: day(out), Price: ptrTo(hotel.Cents(10000 + i))},
						{RoomTypeID: rt, From: day(in), To: day(out), Capacity: ptrTo(30), Rules: &hotel.RestrictionPatch{MinStayThrough: ptrTo(1 + i%2)}},
					}})
				}
				if err != nil && !errors.Is(err, store.ErrConflict) {
					t.Errorf("writer %d, change %d: %v", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-polled
	for _, x := range fd.poll(t) {
		got = append(got, x.ID)
	}
	var want []int64
	for _, id := range touchIDs(t, h, s) {
		if !slices.Contains(before, id) {
			want = append(want, id)
		}
	}
	slices.Sort(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("the chain returned touches %v\nthe writers wrote %v", got, want)
	}
}

// rangesARI returns the ARI of rows as LoadARI holds it: a night's rooms
// for sale and its price as the default plan's (defaults: room type →
// its default plan), base-plan prices, restrictions.
func rangesARI(rows store.ARIRows, defaults map[int64]int64) *hotel.ARI {
	a := hotel.NewARI()
	for _, n := range rows.Nights {
		a.Rooms[hotel.RoomNight{RoomTypeID: n.RoomTypeID, Night: n.Night}] = n.Available
		a.Prices[hotel.PlanNight{PlanID: defaults[n.RoomTypeID], Night: n.Night}] = n.Price
	}
	for _, r := range rows.Rates {
		a.Prices[hotel.PlanNight{PlanID: r.PlanID, Night: r.Night}] = r.Price
	}
	for _, r := range rows.Rules {
		a.Rules[hotel.RuleKey{RoomTypeID: r.RoomTypeID, PlanID: r.PlanID, Date: r.Date}] = r.Restrictions
	}
	return a
}

// testLoadARIRanges: LoadARIRanges reads exactly the rows LoadARI reads
// over the same ranges (rows of other hotels, room types and dates left
// out), as they are now — rows deleted gone — whatever the overlaps of the
// ranges; catalogue touches and no touch read nothing.
func testLoadARIRanges(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(370, 10)
	s := loaded(t, h, f)
	for _, hotelID := range []int64{370, 371} {
		rt := 3701 + 2*(hotelID-370) // the second room type of the hotel
		p := hotel.RatePlan{HotelID: hotelID, RoomTypeID: rt, Code: "FLEX", Name: "Flexible", MealPlan: "RO", Sellable: true}
		if err := s.CreateRatePlan(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: hotelID, Actor: "feed", Updates: []hotel.ARIUpdate{
			{RoomTypeID: rt, RatePlan: "FLEX", From: day(0), To: day(9), Price: ptrTo[hotel.Cents](12000),
				Rules: &hotel.RestrictionPatch{ClosedToArrival: ptrTo(true)}},
			{RoomTypeID: rt - 1, From: day(1), To: day(6), Rules: &hotel.RestrictionPatch{MinStayThrough: ptrTo(2)}},
			{RoomTypeID: rt, From: day(2), To: day(5), Rules: &hotel.RestrictionPatch{MaxAdvance: ptrTo(90)}},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(1), HotelID: 370, RoomTypeID: 3700, CheckIn: day(2), CheckOut: day(5)}); err != nil {
		t.Fatal(err)
	}
	plans, err := s.ListRatePlans(ctx, 370)
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[int64]int64{}
	for _, p := range plans {
		if p.Default {
			defaults[p.RoomTypeID] = p.ID
		}
	}
	touch := func(kind string, rt int64, from, to int) store.ARITouch {
		return store.ARITouch{ID: 1, Kind: kind, HotelID: 370, RoomTypeID: rt, From: day(from), To: day(to)}
	}
	// check compares LoadARIRanges(rs) with LoadARI(q), its rules those of
	// room type rulesOf (0: all).
	check := func(what string, rs []store.ARITouch, q hotel.ARIQuery, rulesOf int64) {
		t.Helper()
		rows, err := s.LoadARIRanges(ctx, rs)
		if err != nil {
			t.Fatalf("%s: LoadARIRanges: %v", what, err)
		}
		snap, err := s.LoadARI(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want := snap.ARI
		if rulesOf != 0 {
			maps.DeleteFunc(want.Rules, func(k hotel.RuleKey, _ hotel.Restrictions) bool { return k.RoomTypeID != rulesOf })
		}
		got := rangesARI(rows, defaults)
		if len(want.Rooms) == 0 || len(want.Prices) == 0 || len(want.Rules) == 0 {
			t.Fatalf("%s: LoadARI read an empty part: %+v", what, want)
		}
		if !maps.Equal(got.Rooms, want.Rooms) || !maps.Equal(got.Prices, want.Prices) || !maps.Equal(got.Rules, want.Rules) {
			t.Fatalf("%s: LoadARIRanges read %+v\n(rows %+v)\nLoadARI reads %+v", what, got, rows, want)
		}
	}
	check("a room type's nights, the hotel's prices and restrictions",
		[]store.ARITouch{touch(store.TouchNights, 3700, 1, 4), touch(store.TouchRates, 0, 1, 4), touch(store.TouchRules, 0, 1, 5),
			touch(store.TouchCatalogue, 0, 0, 0)},
		hotel.ARIQuery{HotelIDs: []int64{370}, RoomTypeIDs: []int64{3700}, From: day(1), To: day(5)}, 0)
	check("overlapping ranges, the restrictions of one room type",
		[]store.ARITouch{touch(store.TouchNights, 3701, 0, 5), touch(store.TouchNights, 3701, 3, 9), touch(store.TouchRates, 0, 0, 6),
			touch(store.TouchRates, 0, 4, 9), touch(store.TouchRules, 3701, 0, 10), touch(store.TouchRules, 3701, 2, 3)},
		hotel.ARIQuery{HotelIDs: []int64{370}, RoomTypeIDs: []int64{3701}, From: day(0), To: day(10)}, 3701)
	// Restrictions cleared are deleted: they are read no more.
	if _, err := s.ApplyARI(ctx, &hotel.ARIChange{HotelID: 370, Actor: "feed", Updates: []hotel.ARIUpdate{
		{RoomTypeID: 3700, From: day(1), To: day(3), Rules: &hotel.RestrictionPatch{MinStayThrough: ptrTo(0)}},
	}}); err != nil {
		t.Fatal(err)
	}
	check("after restrictions were cleared",
		[]store.ARITouch{touch(store.TouchNights, 3700, 1, 4), touch(store.TouchRates, 0, 1, 4), touch(store.TouchRules, 0, 1, 5)},
		hotel.ARIQuery{HotelIDs: []int64{370}, RoomTypeIDs: []int64{3700}, From: day(1), To: day(5)}, 0)
	for what, rs := range map[string][]store.ARITouch{
		"no touch":          nil,
		"catalogue touches": {touch(store.TouchCatalogue, 0, 0, 0), {ID: 2, Kind: store.TouchCatalogue, HotelID: 371}},
		"ranges of nothing": {touch(store.TouchNights, 3700, 20, 30), touch(store.TouchRates, 0, 20, 30), touch(store.TouchRules, 0, 20, 30)},
	} {
		if rows, err := s.LoadARIRanges(ctx, rs); err != nil || len(rows.Nights)+len(rows.Rates)+len(rows.Rules) != 0 {
			t.Errorf("LoadARIRanges of %s = %+v, %v; want no row", what, rows, err)
		}
	}
}

// testPruneARITouches: PruneARITouches deletes the touches a chain at its
// cursor will not return again (with the zero cursor, none), and the
// chain goes on as before.
func testPruneARITouches(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(395, 10)
	s := loaded(t, h, f)
	loadTouches := touchIDs(t, h, s)
	fd := newFeed(t, s)
	if n, err := s.PruneARITouches(ctx, store.TouchCursor{}); n != 0 || err != nil {
		t.Fatalf("PruneARITouches(zero cursor) = %d, %v; want 0, nil", n, err)
	}
	if len(loadTouches) == 0 || !slices.Equal(touchIDs(t, h, s), loadTouches) {
		t.Fatalf("the Load's touches %v, then %v", loadTouches, touchIDs(t, h, s))
	}
	// The Load's touches are pruned once the chain has moved past every
	// transaction running when it committed (PostgreSQL: in any database
	// of the server).
	for deadline := time.Now().Add(30 * time.Second); ; {
		if ts := fd.poll(t); len(ts) != 0 {
			t.Fatalf("nothing changed, touches %+v", ts)
		}
		n, err := s.PruneARITouches(ctx, fd.c)
		if err != nil {
			t.Fatal(err)
		}
		if n == int64(len(loadTouches)) {
			break
		}
		if n != 0 || time.Now().After(deadline) {
			t.Fatalf("PruneARITouches = %d, want the Load's %d touches", n, len(loadTouches))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if left := touchIDs(t, h, s); len(left) != 0 {
		t.Fatalf("touches %v left after pruning", left)
	}
	hold := func(n, in int) {
		t.Helper()
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: bookingID(n), HotelID: 395, RoomTypeID: 3950, CheckIn: day(in), CheckOut: day(in + 2)}); err != nil {
			t.Fatal(err)
		}
	}
	hold(1, 1)
	wantCover(t, "the first hold", fd.poll(t), cover{{store.TouchNights, 395, 3950}: days(1, 2)})
	if _, err := s.PruneARITouches(ctx, fd.c); err != nil {
		t.Fatal(err)
	}
	hold(2, 5)
	wantCover(t, "a hold after pruning", fd.poll(t), cover{{store.TouchNights, 395, 3950}: days(5, 6)})
	if ts := fd.poll(t); len(ts) != 0 {
		t.Fatalf("nothing changed, touches %+v", ts)
	}
}
