package ariindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
	"github.com/hotelplatform/hotel/internal/sampledata"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// pair opens two stores on one new database: the index reads the first;
// the second writes, as another process would.
type pair func(t *testing.T) (read, write store.Store)

var drivers = []struct {
	name string
	open pair
}{
	{"sqlite", func(t *testing.T) (store.Store, store.Store) {
		path := filepath.Join(t.TempDir(), "hotel.db")
		open := func() store.Store {
			s, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		return open(), open()
	}},
	{"postgres", func(t *testing.T) (store.Store, store.Store) {
		url := pgtest.NewDatabase(t)
		open := func() store.Store {
			s, err := postgres.Open(context.Background(), url, postgres.Options{ConnectTimeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		return open(), open()
	}},
}

// world is the data a test changes: a synthetic data set of a few cities.
type world struct {
	read, write store.Store
	svc         *inventory.Service // writes, through the write store
	now         time.Time
	start       hotel.Date
	days        int
	hotels      []hotel.Hotel
	locations   []string
	holds       []string
}

func newWorld(t *testing.T, open pair, hotels, days int) *world {
	t.Helper()
	ctx := context.Background()
	read, write := open(t)
	if _, err := read.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2031, 3, 10, 12, 0, 0, 0, time.UTC)
	start := hotel.DateOf(now).AddDays(-1)
	ds, err := sampledata.Synthetic(sampledata.SyntheticOptions{Hotels: hotels, Days: days, Seed: 3, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := write.Load(ctx, ds, false); err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	w := &world{read: read, write: write, now: now, start: start, days: days,
		svc: inventory.NewService(write, func() time.Time { return now }, inventory.WithoutSearchIndex())}
	seen := map[string]bool{}
	for h := range ds.Hotels {
		w.hotels = append(w.hotels, h)
		if !seen[h.Location] {
			seen[h.Location] = true
			w.locations = append(w.locations, h.Location)
		}
	}
	return w
}

// query draws a search: a city (in some other letter case at times) or a
// hotel, a stay in the data (sometimes reaching past it), a party, and
// sometimes explain, a filter or a page after a cursor.
func (w *world) query(r *rand.Rand) hotel.SearchQuery {
	in := w.start.AddDays(1 + r.IntN(w.days))
	q := hotel.SearchQuery{CheckIn: in, CheckOut: in.AddDays(1 + r.IntN(4)), Adults: 1 + r.IntN(3), Limit: 1 + r.IntN(60)}
	if r.IntN(4) == 0 {
		q.HotelID = w.hotels[r.IntN(len(w.hotels))].ID
		if r.IntN(3) == 0 { // a hotel and a location: offers of the hotel if it is there
			q.Location = w.locations[r.IntN(len(w.locations))]
		}
	} else {
		q.Location = w.locations[r.IntN(len(w.locations))]
		if r.IntN(3) == 0 {
			q.Location = strings.ToUpper(q.Location) // matched as the database matches it
		}
	}
	if r.IntN(3) == 0 {
		q.ChildAges = []int{r.IntN(18)}
		q.Children = 1
	}
	switch r.IntN(6) {
	case 0:
		q.Explain = true
	case 1:
		q.MealPlan = "BB"
	case 2:
		refundable := r.IntN(2) == 0
		q.Refundable = &refundable
	case 3:
		q.MaxPrice = hotel.Cents(10_000 + r.IntN(30_000))
	case 4:
		q.After = &hotel.SearchCursor{Total: hotel.Cents(r.IntN(200_000)), HotelID: 1, RoomTypeID: 1, RatePlanID: 1}
	}
	return q
}

// fromDatabase answers q as search does without an index.
func (w *world) fromDatabase(t *testing.T, q hotel.SearchQuery) ([]hotel.Offer, []hotel.Exclusion) {
	t.Helper()
	snap, err := w.read.LoadARI(context.Background(), q.ARIQuery())
	if err != nil {
		t.Fatal(err)
	}
	offers, excluded, err := hotel.SearchOffers(snap, q, w.now)
	if err != nil {
		t.Fatal(err)
	}
	return offers, excluded
}

// change makes one random change through the write store.
func (w *world) change(t *testing.T, r *rand.Rand, step int) string {
	t.Helper()
	ctx := context.Background()
	h := w.hotels[r.IntN(len(w.hotels))]
	rts, err := w.write.ListRoomTypes(ctx, h.ID)
	if err != nil || len(rts) == 0 {
		t.Fatalf("room types of %d: %v", h.ID, err)
	}
	rt := rts[r.IntN(len(rts))]
	in := w.start.AddDays(1 + r.IntN(w.days-5))
	switch k := r.IntN(10); {
	case k < 3: // a hold: availability
		id := fmt.Sprintf("ix-%d", step)
		if _, _, err := w.svc.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: h.ID, RoomTypeID: rt.ID,
			CheckIn: in, CheckOut: in.AddDays(1 + r.IntN(3)), Adults: 1, Restore: true}); err == nil {
			w.holds = append(w.holds, id)
		}
		return "hold"
	case k == 3 && len(w.holds) > 0: // a release
		if _, err := w.svc.ReleaseHold(ctx, w.holds[r.IntN(len(w.holds))], hotel.HoldRelease{}); err != nil {
			t.Fatalf("ReleaseHold: %v", err)
		}
		return "release"
	case k < 7: // bulk ARI: prices, restrictions, capacity
		plans, err := w.write.ListRatePlans(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var base []hotel.RatePlan
		for _, p := range plans {
			if p.RoomTypeID == rt.ID && p.ParentID == 0 {
				base = append(base, p)
			}
		}
		p := base[r.IntN(len(base))]
		price := hotel.Cents(5_000 + r.IntN(40_000))
		stop, minStay, capacity := r.IntN(3) == 0, r.IntN(4), 1+r.IntN(4)
		to := in.AddDays(r.IntN(10))
		if last := w.start.AddDays(w.days - 1); to.After(last) {
			to = last // capacity is set on nights that exist
		}
		u := hotel.ARIUpdate{RoomTypeID: rt.ID, RatePlan: p.Code, From: in, To: to, Price: &price,
			Rules: &hotel.RestrictionPatch{StopSell: &stop, MinStayThrough: &minStay}}
		if r.IntN(2) == 0 {
			u.RatePlan, u.Price = "", nil // the room type's restrictions, every plan's
		}
		if r.IntN(3) == 0 {
			u.Capacity = &capacity
		}
		c := &hotel.ARIChange{HotelID: h.ID, Actor: "test", Updates: []hotel.ARIUpdate{u}}
		if _, err := w.svc.ApplyARI(ctx, c); err != nil && hotel.ErrorCode(err) != hotel.ECONFLICT {
			t.Fatalf("ApplyARI: %v", err)
		}
		return "ari"
	case k == 7: // a new derived plan, or a plan no longer sold
		plans, err := w.write.ListRatePlans(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := plans[r.IntN(len(plans))]
		if r.IntN(2) == 0 && !p.Default {
			p.Sellable = !p.Sellable
			if err := w.svc.UpdateRatePlan(ctx, &p); err != nil {
				t.Fatalf("UpdateRatePlan: %v", err)
			}
			return "plan sellable"
		}
		d := hotel.RatePlan{HotelID: h.ID, RoomTypeID: p.RoomTypeID, Code: fmt.Sprintf("X%d", step), Name: "Derived",
			MealPlan: "RO", Refundable: true, Sellable: true, ParentID: p.ID, PercentBP: -500, FollowsParentRestrictions: true}
		if err := w.svc.CreateRatePlan(ctx, &d); err != nil {
			t.Fatalf("CreateRatePlan: %v", err)
		}
		return "plan created"
	case k == 8: // a hotel moves to another city
		h.Location = w.locations[r.IntN(len(w.locations))]
		if err := w.svc.UpdateHotel(ctx, &h); err != nil {
			t.Fatalf("UpdateHotel: %v", err)
		}
		for i := range w.hotels {
			if w.hotels[i].ID == h.ID {
				w.hotels[i] = h
			}
		}
		return "moved"
	default: // a new hotel in a city, with a room type and nights
		nh := hotel.Hotel{Name: fmt.Sprintf("New %d", step), Location: w.locations[r.IntN(len(w.locations))], TimeZone: "Asia/Tokyo", Currency: "JPY"}
		if err := w.svc.CreateHotel(ctx, &nh); err != nil {
			t.Fatalf("CreateHotel: %v", err)
		}
		nrt := hotel.RoomType{HotelID: nh.ID, Name: "Twin", MaxOccupancy: 2}
		if err := w.svc.CreateRoomType(ctx, &nrt); err != nil {
			t.Fatalf("CreateRoomType: %v", err)
		}
		capacity, price := 3, hotel.Cents(12_000)
		if _, err := w.svc.SetCalendar(ctx, hotel.CalendarUpdate{HotelID: nh.ID, RoomTypeID: nrt.ID, StartDate: w.start, EndDate: w.start.AddDays(w.days - 1),
			Capacity: &capacity, Price: &price}); err != nil {
			t.Fatalf("SetCalendar: %v", err)
		}
		w.hotels = append(w.hotels, nh)
		return "new hotel"
	}
}

// TestIndexAgreesWithDatabase: after every change made by another store
// (another process), searches answered by the index equal those answered
// from the database, offers, pages and explanations alike; stays past the
// window are left to the database.
func TestIndexAgreesWithDatabase(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, d.open, 24, 40)
			src := w.read.(ariindex.Source)
			x := ariindex.New(src, ariindex.Options{Days: 45, Now: func() time.Time { return w.now }})
			r := rand.New(rand.NewPCG(5, 17))
			ctx := context.Background()
			answered := 0
			for step := range 120 {
				what := "nothing"
				if step > 0 {
					what = w.change(t, r, step)
				}
				for range 4 {
					q := w.query(r)
					got, gotEx, ok, err := x.Search(ctx, q, w.now)
					if err != nil {
						t.Fatalf("step %d (%s): Search: %v", step, what, err)
					}
					if !ok {
						if first := hotel.EarliestToday(w.now); !q.CheckIn.Before(first) && !q.CheckOut.After(first.AddDays(45)) {
							t.Fatalf("step %d: the index did not answer %+v inside its window", step, q)
						}
						continue
					}
					answered++
					want, wantEx := w.fromDatabase(t, q)
					if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotEx, wantEx) {
						t.Fatalf("step %d, after %s: query %+v\nindex:    %d offers %+v\n          %d excluded %+v\ndatabase: %d offers %+v\n          %d excluded %+v",
							step, what, q, len(got), got, len(gotEx), gotEx, len(want), want, len(wantEx), wantEx)
					}
				}
			}
			if answered < 300 {
				t.Fatalf("the index answered %d searches of 480", answered)
			}
			if s := x.Stats(); s.Polls == 0 || s.Touches == 0 || s.HotelLoads == 0 {
				t.Fatalf("stats %+v: no poll, touch or load", s)
			}
		})
	}
}

// TestIndexWindowMoves: when the clock's days pass the window's first
// week, the window moves and the index still agrees with the database.
func TestIndexWindowMoves(t *testing.T) {
	t.Parallel()
	d := drivers[0]
	w := newWorld(t, d.open, 6, 40)
	now := w.now
	x := ariindex.New(w.read.(ariindex.Source), ariindex.Options{Days: 30, Now: func() time.Time { return now }})
	ctx := context.Background()
	r := rand.New(rand.NewPCG(9, 17))
	for _, days := range []int{0, 3, 9, 20} {
		now = w.now.Add(time.Duration(days) * 24 * time.Hour)
		w.now = now
		for range 20 {
			q := w.query(r)
			if q.CheckIn.Before(hotel.EarliestToday(now)) {
				continue
			}
			got, gotEx, ok, err := x.Search(ctx, q, now)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			want, wantEx := w.fromDatabase(t, q)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotEx, wantEx) {
				t.Fatalf("day +%d: query %+v: index %+v %+v, database %+v %+v", days, q, got, gotEx, want, wantEx)
			}
		}
	}
	if s := x.Stats(); s.Resets < 2 {
		t.Fatalf("stats %+v: the window never moved", s)
	}
}

// TestIndexLagged: with a lag allowed, a search does not wait for a poll,
// and Run's polls bring a change in (waited for, not timed).
func TestIndexLagged(t *testing.T) {
	t.Parallel()
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, d.open, 3, 20)
			x := ariindex.New(w.read.(ariindex.Source), ariindex.Options{MaxLag: 200 * time.Millisecond, Retention: time.Second,
				Now: func() time.Time { return w.now }})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := x.Warm(ctx); err != nil || x.Stats().Hotels != len(w.hotels) {
				t.Fatalf("Warm = %v: %d hotels of %d", err, x.Stats().Hotels, len(w.hotels))
			}
			go x.Run(ctx)
			h := w.hotels[0]
			in := w.start.AddDays(3)
			q := hotel.SearchQuery{HotelID: h.ID, CheckIn: in, CheckOut: in.AddDays(1), Adults: 1, Limit: 100}
			before, _, ok, err := x.Search(ctx, q, w.now)
			if err != nil || !ok || len(before) == 0 {
				t.Fatalf("Search = %d offers, %v, %v", len(before), ok, err)
			}
			stop := true
			u := hotel.ARIUpdate{RoomTypeID: before[0].RoomTypeID, From: in, To: in, Rules: &hotel.RestrictionPatch{StopSell: &stop}}
			if _, err := w.svc.ApplyARI(ctx, &hotel.ARIChange{HotelID: h.ID, Actor: "test", Updates: []hotel.ARIUpdate{u}}); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				got, _, _, err := x.Search(ctx, q, w.now)
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := w.fromDatabase(t, q); reflect.DeepEqual(got, want) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the stop-sell never reached the index: %d offers", len(got))
				}
			}
			// Past the retention, Run prunes the feed; the index still
			// follows changes (or starts again when it fell behind).
			for deadline := time.Now().Add(20 * time.Second); x.Stats().Prunes == 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("Run never pruned the feed")
				}
			}
			stop = false
			if _, err := w.svc.ApplyARI(ctx, &hotel.ARIChange{HotelID: h.ID, Actor: "test", Updates: []hotel.ARIUpdate{u}}); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				got, _, _, err := x.Search(ctx, q, w.now)
				if err != nil {
					t.Fatal(err)
				}
				if reflect.DeepEqual(got, before) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("lifting the stop-sell never reached the index: %d offers, want %d", len(got), len(before))
				}
			}
		})
	}
}
