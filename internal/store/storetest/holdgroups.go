package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Hold groups: the rooms of one booking held together (CreateHolds).

// room is one room of a group: room type rt of hotel 100 over days [in, out).
type room struct {
	rt      int64
	in, out int
}

// groupRequests asks for rooms under the hold ids of booking n's rooms
// (hotel.RoomHoldID).
func groupRequests(n int, rooms ...room) []hotel.HoldRequest {
	reqs := make([]hotel.HoldRequest, len(rooms))
	for k, r := range rooms {
		reqs[k] = hotel.HoldRequest{BookingID: hotel.RoomHoldID(bookingID(n), k+1), HotelID: 100, RoomTypeID: r.rt,
			CheckIn: day(r.in), CheckOut: day(r.out)}
	}
	return reqs
}

// groupIDs returns the hold ids of reqs.
func groupIDs(reqs []hotel.HoldRequest) []string {
	ids := make([]string, len(reqs))
	for i, r := range reqs {
		ids[i] = r.BookingID
	}
	return ids
}

// createHolds fails t unless CreateHolds(reqs) returns the fixture's holds
// with created=wantCreated.
func createHolds(t *testing.T, s store.Store, f Fixture, reqs []hotel.HoldRequest, wantCreated bool) []hotel.Hold {
	t.Helper()
	hs, created, err := s.CreateHolds(context.Background(), reqs)
	if err != nil || created != wantCreated || len(hs) != len(reqs) {
		t.Fatalf("CreateHolds(%s) = %d holds, created %v, %v; want %d, created %v, nil", groupIDs(reqs), len(hs), created, err, len(reqs), wantCreated)
	}
	for i, r := range reqs {
		checkHold(t, fmt.Sprintf("CreateHolds, room %d", i+1), hs[i], f.wantHold(r.BookingID, r.RoomTypeID, r.CheckIn, r.CheckOut))
	}
	return hs
}

// noHolds fails t unless none of the ids of reqs has a hold.
func noHolds(t *testing.T, s store.Store, reqs []hotel.HoldRequest) {
	t.Helper()
	for _, r := range reqs {
		noHold(t, s, r.BookingID)
	}
}

// testHoldGroupAllOrNone: a group is held whole or not at all; two rooms of
// one room type need two rooms for sale; the refusal names the short
// nights of every room.
func testHoldGroupAllOrNone(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1001, 3, func(n *hotel.Night) { n.Blocked = 11 }) // deluxe sold out on day 3
	f.set(1000, 2, func(n *hotel.Night) { n.Blocked = 9 })  // one standard left on day 2
	s := loaded(t, h, f)
	before := inventory(t, s)
	for i, tc := range []struct {
		what  string
		rooms []room
		short []hotel.Date
	}{
		{"one room's night sold out", []room{{1000, 1, 4}, {1001, 1, 4}}, days(3)},
		{"two standard rooms, one left on day 2", []room{{1000, 1, 4}, {1000, 1, 4}}, days(2)},
		{"both shortages", []room{{1000, 1, 4}, {1000, 1, 4}, {1001, 1, 4}}, days(2, 3)},
		{"sold out and no inventory, other stays", []room{{1000, 8, 11}, {1001, 1, 4}}, days(3, 10)},
		{"the shortage in the last room", []room{{1000, 4, 6}, {1000, 4, 6}, {1001, 2, 4}}, days(3)},
	} {
		reqs := groupRequests(i+1, tc.rooms...)
		hs, created, err := s.CreateHolds(ctx, reqs)
		if hs != nil || created {
			t.Fatalf("%s: CreateHolds returned holds %v, created %v with its error", tc.what, hs, created)
		}
		wantNightsError(t, tc.what, err, store.ErrConflict, tc.short...)
		unchanged(t, s, before, "refused CreateHolds ("+tc.what+")")
		noHolds(t, s, reqs)
	}

	// Groups that fit: all three rooms; the last standard room of day 2.
	three := groupRequests(10, room{1000, 4, 6}, room{1000, 4, 6}, room{1001, 4, 6})
	createHolds(t, s, f, three, true)
	wantAvailable(t, s, "standard after the group of three", 100, 1000, 3, 10, 8, 8, 10)
	wantAvailable(t, s, "deluxe after the group of three", 100, 1001, 3, 0, 10, 10, 11)
	two := groupRequests(11, room{1000, 2, 3}, room{1001, 2, 3})
	createHolds(t, s, f, two, true)
	wantAvailable(t, s, "standard after the last room of day 2", 100, 1000, 1, 10, 0, 10)
	_, _, err := s.CreateHolds(ctx, groupRequests(12, room{1001, 2, 3}, room{1000, 2, 3}))
	wantNightsError(t, "a group after the last room", err, store.ErrConflict, day(2))
	consistent(t, s, append(groupIDs(three), groupIDs(two)...))
}

// testHoldGroupRetry: the same group again changes nothing and returns its
// holds; an id used for another request, a group some of whose ids hold
// rooms, and an id twice in a group are refused and change nothing.
func testHoldGroupRetry(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	s := loaded(t, h, f)
	if hs, created, err := s.CreateHolds(ctx, nil); hs != nil || created || err != nil {
		t.Fatalf("CreateHolds(no request) = %v, %v, %v; want nil, false, nil", hs, created, err)
	}
	reqs := groupRequests(1, room{1000, 1, 4}, room{1000, 1, 4}, room{1001, 1, 4})
	first := createHolds(t, s, f, reqs, true)
	wantAvailable(t, s, "after the group", 100, 1000, 0, 10, 8, 8, 8, 10)
	before := inventory(t, s)

	again := createHolds(t, s, f, reqs, false)
	for i := range again {
		if !again[i].CreatedAt.Equal(first[i].CreatedAt) {
			t.Fatalf("repeated CreateHolds, room %d: created_at %v, first %v; want the same hold", i+1, again[i].CreatedAt, first[i].CreatedAt)
		}
	}
	unchanged(t, s, before, "repeated CreateHolds")
	// A room's hold alone, asked again by CreateHold: the same hold.
	createHold(t, s, f, reqs[1], false)

	other := func(change func(reqs []hotel.HoldRequest) []hotel.HoldRequest) []hotel.HoldRequest {
		return change(groupRequests(1, room{1000, 1, 4}, room{1000, 1, 4}, room{1001, 1, 4}))
	}
	for what, g := range map[string][]hotel.HoldRequest{
		"another check-out for room 3": other(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[2].CheckOut = day(5); return r }),
		"another room type for room 1": other(func(r []hotel.HoldRequest) []hotel.HoldRequest { r[0].RoomTypeID = 1001; return r }),
		"the room types of rooms 1 and 3 swapped": other(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			r[0].RoomTypeID, r[2].RoomTypeID = 1001, 1000
			return r
		}),
		"a fourth room": other(func(r []hotel.HoldRequest) []hotel.HoldRequest {
			return append(r, groupRequests(1, room{1000, 1, 4}, room{1000, 1, 4}, room{1000, 1, 4}, room{1000, 1, 4})[3])
		}),
		"a new room before a held one": append(groupRequests(2, room{1000, 5, 6}), reqs[2]),
		"a held room before a new one": append([]hotel.HoldRequest{reqs[0]}, groupRequests(3, room{1000, 5, 6})...),
		"an id twice":                  append(groupRequests(4, room{1000, 5, 6}), groupRequests(4, room{1000, 5, 6})...),
	} {
		hs, created, err := s.CreateHolds(ctx, g)
		if hs != nil || created {
			t.Fatalf("CreateHolds with %s returned holds %v, created %v with its error", what, hs, created)
		}
		wantPlainConflict(t, "CreateHolds with "+what, err)
		unchanged(t, s, before, "CreateHolds with "+what)
		for _, r := range g {
			if !slices.Contains(groupIDs(reqs), r.BookingID) {
				noHold(t, s, r.BookingID)
			}
		}
	}
	for i, r := range reqs {
		getHold(t, s, r.BookingID, first[i])
	}
	consistent(t, s, groupIDs(reqs))
}

// testHoldGroupPrice: each request's Price is called in the group's
// transaction with the ARI of its room type and stay, and prices its
// nights; one refusal refuses the group; a retry gets the holds whatever
// Price says now.
func testHoldGroupPrice(t *testing.T, h Harness) {
	ctx := context.Background()
	f := newInventoryFixture(100, 10)
	f.set(1000, 2, func(n *hotel.Night) { n.Blocked = 4 })
	s := loaded(t, h, f)
	calls := map[string]int{}
	priced := func(reqs []hotel.HoldRequest, refuse error) []hotel.HoldRequest {
		for i, r := range reqs {
			reqs[i].Price = func(snap hotel.ARISnapshot) (*hotel.HoldQuote, error) {
				calls[r.BookingID]++
				q := &hotel.HoldQuote{Party: (hotel.Party{}).Key()}
				for _, p := range snap.Plans {
					if p.RoomTypeID == r.RoomTypeID && p.Default {
						q.RatePlanID, q.Terms = p.ID, hotel.Terms{RatePlan: p}
					}
				}
				for _, d := range store.Stay(r.CheckIn, r.CheckOut) {
					rooms, ok := snap.ARI.Available(r.RoomTypeID, d)
					if !ok {
						return nil, fmt.Errorf("room %d: the snapshot has no night %s of room type %d", i+1, d, r.RoomTypeID)
					}
					// The price tells the rooms for sale the transaction read.
					q.Prices = append(q.Prices, hotel.NightPrice{Date: d, Price: hotel.Cents(100 * rooms)})
				}
				if q.RatePlanID == 0 {
					return nil, fmt.Errorf("room %d: the snapshot has no default plan of room type %d", i+1, r.RoomTypeID)
				}
				if refuse != nil && i == len(reqs)-1 {
					return nil, refuse
				}
				return q, nil
			}
		}
		return reqs
	}
	reqs := priced(groupRequests(1, room{1000, 1, 4}, room{1001, 1, 4}, room{1000, 1, 4}), nil)
	hs, created, err := s.CreateHolds(ctx, reqs)
	if err != nil || !created {
		t.Fatalf("CreateHolds(priced) = created %v, %v; want created, nil", created, err)
	}
	for i, r := range reqs {
		if calls[r.BookingID] != 1 {
			t.Fatalf("room %d: Price called %d times, want once", i+1, calls[r.BookingID])
		}
		want := f.wantHold(r.BookingID, r.RoomTypeID, r.CheckIn, r.CheckOut)
		want.Nights, want.TotalPrice = nil, 0
		for _, d := range store.Stay(r.CheckIn, r.CheckOut) {
			n, _ := f.night(r.RoomTypeID, d)
			want.Nights = append(want.Nights, hotel.NightPrice{Date: d, Price: hotel.Cents(100 * n.Available())})
			want.TotalPrice += hotel.Cents(100 * n.Available())
		}
		checkHold(t, fmt.Sprintf("priced room %d", i+1), hs[i], want)
		if hs[i].RatePlanID == 0 {
			t.Fatalf("priced room %d: no rate plan recorded", i+1)
		}
		getHold(t, s, r.BookingID, want)
	}
	before := inventory(t, s)

	refusal := errors.New("the plan refuses the last room")
	_, _, err = s.CreateHolds(ctx, priced(groupRequests(2, room{1000, 5, 7}, room{1001, 5, 7}), refusal))
	if !errors.Is(err, refusal) {
		t.Fatalf("CreateHolds with a room its Price refuses = %v, want that refusal", err)
	}
	unchanged(t, s, before, "CreateHolds refused by a Price")
	noHolds(t, s, groupRequests(2, room{1000, 5, 7}, room{1001, 5, 7}))

	retry := priced(groupRequests(1, room{1000, 1, 4}, room{1001, 1, 4}, room{1000, 1, 4}), refusal)
	again, created, err := s.CreateHolds(ctx, retry)
	if err != nil || created {
		t.Fatalf("retry of a priced group whose Price now refuses = created %v, %v; want the holds, created false", created, err)
	}
	for i := range again {
		checkHold(t, fmt.Sprintf("retried priced room %d", i+1), again[i], hs[i])
	}
	unchanged(t, s, before, "retry of a priced group")
	consistent(t, s, groupIDs(reqs))
}

// testHoldGroupRush: 24 goroutines book groups of 2 and 3 rooms of both
// room types (some with a Price, some the same group twice, racing) for
// the last rooms of a hotel. No error but a refusal escapes (no deadlock),
// every group is held whole or not at all — duplicates alike —, and the
// inventory agrees with the holds (consistent: held = hold nights, never
// beyond capacity + allowance).
func testHoldGroupRush(t *testing.T, h Harness) {
	ctx := context.Background()
	const racers, groups, nights = 24, 18, 6
	f := newInventoryFixture(100, nights)
	for d := range nights {
		f.set(1000, d, func(n *hotel.Night) { n.Capacity = 3 })
		f.set(1001, d, func(n *hotel.Night) { n.Capacity, n.Allowance = 2, 1 })
	}
	s := loaded(t, h, f)
	r := seeded(t)
	reqs := make([][]hotel.HoldRequest, groups)
	for g := range reqs {
		in := r.IntN(nights - 1)
		out := in + 1 + r.IntN(min(3, nights-in))
		rooms := make([]room, 2+r.IntN(2))
		for k := range rooms {
			rooms[k] = room{1000 + r.Int64N(2), in, out}
		}
		reqs[g] = groupRequests(g+1, rooms...)
	}
	type result struct {
		holds   []hotel.Hold
		created bool
		err     error
	}
	results := make([]result, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		g := i % groups // racers past groups repeat a group: duplicates racing
		wg.Go(func() {
			rs := slices.Clone(reqs[g])
			if i%2 == 1 {
				for k := range rs {
					rt := rs[k].RoomTypeID
					rs[k].Price = func(snap hotel.ARISnapshot) (*hotel.HoldQuote, error) {
						if !slices.ContainsFunc(snap.RoomTypes, func(x hotel.RoomType) bool { return x.ID == rt }) {
							return nil, fmt.Errorf("the snapshot lacks room type %d", rt)
						}
						return nil, nil
					}
				}
			}
			<-start
			hs, created, err := s.CreateHolds(ctx, rs)
			results[i] = result{hs, created, err}
		})
	}
	close(start)
	wg.Wait()

	var ids []string
	held := 0
	for g, rs := range reqs {
		ids = append(ids, groupIDs(rs)...)
		var outcomes []result
		for i := g; i < racers; i += groups {
			res := results[i]
			outcomes = append(outcomes, res)
			if res.err != nil {
				if !isNightsConflict(res.err) {
					t.Errorf("group %d, racer %d: %v; want a refusal naming nights (*store.NightsError wrapping ErrConflict)", g, i, res.err)
				}
				continue
			}
			for k, req := range rs {
				checkHold(t, fmt.Sprintf("group %d, racer %d, room %d", g, i, k+1), res.holds[k],
					f.wantHold(req.BookingID, req.RoomTypeID, req.CheckIn, req.CheckOut))
			}
		}
		// Held whole or not at all, and the same for every racer of the group.
		found := 0
		for k, req := range rs {
			got, err := s.GetHold(ctx, req.BookingID)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				t.Fatalf("GetHold(%s): %v", req.BookingID, err)
			default:
				found++
				checkHold(t, fmt.Sprintf("group %d, room %d", g, k+1), got, f.wantHold(req.BookingID, req.RoomTypeID, req.CheckIn, req.CheckOut))
			}
		}
		if found != 0 && found != len(rs) {
			t.Errorf("group %d: %d of its %d rooms are held: a partial group", g, found, len(rs))
		}
		created := 0
		for _, o := range outcomes {
			if (o.err == nil) != (found > 0) {
				t.Errorf("group %d: a racer got %v while %d of its rooms are held", g, o.err, found)
			}
			if o.created {
				created++
			}
		}
		if found > 0 {
			held++
			if created != 1 {
				t.Errorf("group %d: %d of its %d racers report created; want exactly 1", g, created, len(outcomes))
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d of %d groups held", held, groups)
	consistent(t, s, ids)
	if held == 0 {
		t.Fatal("no group was held")
	}
}

// isNightsConflict reports whether err is a *store.NightsError wrapping
// ErrConflict with nights in ascending order.
func isNightsConflict(err error) bool {
	var ne *store.NightsError
	return errors.As(err, &ne) && errors.Is(err, store.ErrConflict) && len(ne.Nights) > 0 &&
		slices.IsSortedFunc(ne.Nights, func(a, b hotel.Date) int { return b.DaysUntil(a) })
}
