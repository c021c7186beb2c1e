package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// ARIFixture is a Fixture with rate plans, base plan prices and restrictions
// to load with it.
type ARIFixture struct {
	Fixture
	Plans        []hotel.RatePlan
	RateNights   []store.RateNight
	Restrictions []store.Restriction
}

// Dataset returns the fixture as a store.Dataset.
func (f ARIFixture) Dataset() store.Dataset {
	ds := f.Fixture.Dataset()
	ds.RatePlans, ds.RateNights, ds.Restrictions = slices.Values(f.Plans), slices.Values(f.RateNights), slices.Values(f.Restrictions)
	return ds
}

// NewARIFixture returns NewFixture(firstID, days) with plans from id
// firstPlanID: every room type's default plan (priced for two adults, an
// extra adult 25.00, children 0–2 free, 3–11 at 15.00, 12–17 at 30.00),
// a non-refundable plan 10 % below it that follows its restrictions, and,
// on the first room type of each hotel, an advance purchase base plan
// (prices of its own on every night) with a bed and breakfast plan 18.50
// above it. The derived plans come before their parents. Restrictions: on
// day 1 a minimum stay of 2 on arrival for every plan of each first room
// type, on day 2 the advance purchase plan is closed to arrival.
func NewARIFixture(firstID int64, days int, firstPlanID int64) ARIFixture {
	f := ARIFixture{Fixture: NewFixture(firstID, days)}
	id := firstPlanID
	occ := hotel.Occupancy{BaseAdults: 2, ExtraAdult: 2500,
		ChildBands: []hotel.ChildBand{{MaxAge: 2, Price: 0}, {MaxAge: 11, Price: 1500}, {MaxAge: 17, Price: 3000}}}
	for i, rt := range f.RoomTypes {
		def := hotel.RatePlan{ID: id + 1, HotelID: rt.HotelID, RoomTypeID: rt.ID, Code: fmt.Sprintf("BAR-%d", rt.ID),
			Name: "Flexible", MealPlan: "RO", Refundable: true, Sellable: true, Default: true, Occupancy: occ}
		nr := hotel.RatePlan{ID: id, HotelID: rt.HotelID, RoomTypeID: rt.ID, Code: fmt.Sprintf("NR-%d", rt.ID),
			Name: "Non-refundable", MealPlan: "RO", Sellable: true, ParentID: def.ID, PercentBP: -1000, FollowsParentRestrictions: true}
		f.Plans = append(f.Plans, nr, def)
		id += 2
		if i%2 != 0 {
			continue
		}
		ap := hotel.RatePlan{ID: id + 1, HotelID: rt.HotelID, RoomTypeID: rt.ID, Code: fmt.Sprintf("AP-%d", rt.ID),
			Name: "Advance purchase", MealPlan: "RO", Sellable: true, Occupancy: occ}
		bb := hotel.RatePlan{ID: id, HotelID: rt.HotelID, RoomTypeID: rt.ID, Code: fmt.Sprintf("AP-BB-%d", rt.ID),
			Name: "Advance purchase with breakfast", MealPlan: "BB", Sellable: true, ParentID: ap.ID, AmountCents: 1850}
		f.Plans = append(f.Plans, bb, ap)
		id += 2
		for d := range days {
			f.RateNights = append(f.RateNights, store.RateNight{HotelID: rt.HotelID, RatePlanID: ap.ID, Night: day(d), Price: hotel.Cents(20000 + 100*d)})
		}
		f.Restrictions = append(f.Restrictions,
			store.Restriction{HotelID: rt.HotelID, RoomTypeID: rt.ID, Night: day(1), Restrictions: hotel.Restrictions{MinStayArrival: 2}},
			store.Restriction{HotelID: rt.HotelID, RoomTypeID: rt.ID, RatePlanID: ap.ID, Night: day(2), Restrictions: hotel.Restrictions{ClosedToArrival: true}})
	}
	return f
}

// testLoadRatePlans: Load writes a data set's plans (the default plans in
// place of those the schema makes), base plan prices and restrictions in
// its transaction, on an empty store and after other data; the identity
// sequences continue after the data set's ids; a data set without every
// default plan or with a plan whose parent is missing loads nothing.
func testLoadRatePlans(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	// Data first loaded without plans: their default plans take ids the
	// next data set's plans also use.
	load(t, s, NewFixture(100, 2))
	before, err := s.MaxIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := NewARIFixture(330, 4, before.RatePlan+1)
	if ok, err := s.Load(ctx, f.Dataset(), false); err != nil || !ok {
		t.Fatalf("Load with plans = %v, %v", ok, err)
	}
	for _, hid := range []int64{330, 331} {
		got, err := s.ListRatePlans(ctx, hid)
		if err != nil {
			t.Fatal(err)
		}
		var want []hotel.RatePlan
		for _, p := range f.Plans {
			if p.HotelID == hid {
				want = append(want, p)
			}
		}
		slices.SortFunc(want, func(a, b hotel.RatePlan) int {
			if a.RoomTypeID != b.RoomTypeID {
				return int(a.RoomTypeID - b.RoomTypeID)
			}
			return int(a.ID - b.ID)
		})
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("hotel %d's plans:\n got %+v\nwant %+v", hid, got, want)
		}
	}
	ids, err := s.MaxIDs(ctx)
	if want := f.Plans[len(f.Plans)-1].ID; err != nil || ids.RatePlan != want || ids.Hotel != 331 {
		t.Fatalf("MaxIDs = %+v, %v; want rate plan %d", ids, err, want)
	}

	// What LoadARI reads back, and offers on the loaded plans.
	std := f.RoomTypes[0].ID
	snap, err := s.LoadARI(ctx, hotel.ARIQuery{HotelIDs: []int64{330}, From: day(0), To: day(3)})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]hotel.RatePlan{}
	for _, p := range snap.Plans {
		byCode[p.Code] = p
	}
	ap := byCode[fmt.Sprintf("AP-%d", std)]
	if p, ok := snap.ARI.BasePrice(ap, day(2)); !ok || p != 20200 {
		t.Errorf("AP price on day 2 = %v, %v; want 202.00", p, ok)
	}
	if r := snap.ARI.Restrictions(std, 0, day(1)); r != (hotel.Restrictions{MinStayArrival: 2}) {
		t.Errorf("room type restrictions on day 1 = %+v", r)
	}
	if r := snap.ARI.Restrictions(std, ap.ID, day(2)); r != (hotel.Restrictions{ClosedToArrival: true}) {
		t.Errorf("AP restrictions on day 2 = %+v", r)
	}
	q := hotel.SearchQuery{HotelID: 330, CheckIn: day(0), CheckOut: day(1), Adults: 3, RoomType: "Deluxe Rooms"}
	offers, _, err := hotel.SearchOffers(snap, q, Start.Time())
	if err != nil {
		t.Fatal(err)
	}
	// Deluxe: 364.80 for two, 25.00 the third adult; NR 10 % below.
	var prices []string
	for _, o := range offers {
		prices = append(prices, o.RatePlan+" "+o.TotalPrice.String())
	}
	dlx := f.RoomTypes[1].ID
	if want := []string{fmt.Sprintf("NR-%d 350.82", dlx), fmt.Sprintf("BAR-%d 389.80", dlx)}; !slices.Equal(prices, want) {
		t.Errorf("offers for 3 adults = %v, want %v", prices, want)
	}

	// The sequences continue after the data set: new rows get fresh ids,
	// and a new room type its own default plan.
	rt := hotel.RoomType{HotelID: 330, Name: "Family Suite", MaxOccupancy: 4}
	if err := s.CreateRoomType(ctx, &rt); err != nil || rt.ID <= ids.RoomType {
		t.Fatalf("CreateRoomType after Load = %v, id %d (max loaded %d)", err, rt.ID, ids.RoomType)
	}
	plans, err := s.ListRatePlans(ctx, 330)
	if err != nil {
		t.Fatal(err)
	}
	last := plans[len(plans)-1]
	if last.RoomTypeID != rt.ID || !last.Default || last.ID <= ids.RatePlan || last.Code != fmt.Sprintf("BAR-%d", rt.ID) {
		t.Fatalf("the new room type's plan = %+v; want its default plan with an id above %d", last, ids.RatePlan)
	}
	nh := hotel.Hotel{Name: "After The Load", Location: "London", TimeZone: "Europe/London", Currency: "GBP"}
	if err := s.CreateHotel(ctx, &nh); err != nil || nh.ID <= ids.Hotel {
		t.Fatalf("CreateHotel after Load = %v, id %d", err, nh.ID)
	}

	// Broken data sets load nothing.
	for name, breakIt := range map[string]func(f *ARIFixture){
		"a room type without its default plan": func(f *ARIFixture) {
			f.Plans = slices.DeleteFunc(f.Plans, func(p hotel.RatePlan) bool { return p.Default && p.RoomTypeID == f.RoomTypes[3].ID })
		},
		"a parent not in the data set": func(f *ARIFixture) { f.Plans[0].ParentID = 1 << 40 },
		"two default plans of a room type": func(f *ARIFixture) {
			f.Plans[0].Default, f.Plans[0].ParentID, f.Plans[0].PercentBP = true, 0, 0
		},
		"a rate night of an unknown plan":       func(f *ARIFixture) { f.RateNights[0].RatePlanID = 1 << 40 },
		"a restriction of an unknown room type": func(f *ARIFixture) { f.Restrictions[0].RoomTypeID = 1 << 40 },
	} {
		s := migrated(t, h)
		bad := NewARIFixture(340, 2, 1)
		breakIt(&bad)
		if _, err := s.Load(ctx, bad.Dataset(), false); !errors.Is(err, store.ErrConflict) {
			t.Errorf("Load with %s = %v, want ErrConflict", name, err)
		}
		if ids, _ := s.MaxIDs(ctx); ids != (store.IDs{}) {
			t.Errorf("Load with %s left rows behind: %+v", name, ids)
		}
	}
}
