// Package sampledata generates data sets to load into a store: the platform's
// seven sample hotels (Sample) and large, deterministic synthetic data sets
// for demos and benchmarks (Synthetic). Both stream their rows as iterators,
// so a data set of millions of nights is never held in memory.
package sampledata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// SampleDays is the number of nights Sample yields for each room type.
const SampleDays = 365

// Seed loads the sample hotels into st when it has no hotel, their first
// night today in their time zone; it reports whether it loaded them.
func Seed(ctx context.Context, st store.Store, now time.Time, seed uint64) (bool, error) {
	loc, err := time.LoadLocation(sampleZone)
	if err != nil {
		return false, fmt.Errorf("load time zone %s: %w", sampleZone, err)
	}
	loaded, err := st.Load(ctx, Sample(hotel.Today(now, loc), seed), true)
	if err != nil {
		return false, fmt.Errorf("seed sample hotels: %w", err)
	}
	return loaded, nil
}

// Room types every generated hotel has, in room type id order.
const (
	RoomStandard  = "Standard Rooms"
	RoomDeluxe    = "Deluxe Rooms"
	RoomSuite     = "Suites"
	RoomPenthouse = "Penthouse Suites"
)

// roomSpec describes one of the four room types of a generated hotel.
type roomSpec struct {
	name         string
	pricePct     int64 // price as a percentage of the hotel's base price
	capMin       int   // fewest rooms of this type a hotel has
	capMax       int   // most rooms of this type a hotel has
	maxOccupancy int
}

// roomSpecs are the room types of every generated hotel, in id order.
var roomSpecs = [roomTypesPerHotel]roomSpec{
	{RoomStandard, 100, 10, 20, 2},
	{RoomDeluxe, 120, 5, 10, 3},
	{RoomSuite, 150, 2, 5, 4},
	{RoomPenthouse, 200, 1, 2, 6},
}

// roomTypesPerHotel is the number of room types of every generated hotel.
const roomTypesPerHotel = 4

// sampleHotel is one hotel of the sample data set.
type sampleHotel struct {
	id       int64
	name     string
	location string
	base     int64 // base price in whole pounds
}

// sampleHotels are the original system's seed hotels.
var sampleHotels = [...]sampleHotel{
	{111, "Royal Lancaster", "London", 304},
	{222, "Shangri-La The Shard", "London", 415},
	{333, "Abbots Grange Manor House", "Worcestershire", 310},
	{444, "The Gleneagles", "Scotland", 346},
	{555, "The Grand", "Brighton", 130},
	{666, "St Brides Spa", "Wales", 190},
	{777, "Cliveden House", "Berkshire", 280},
}

// Sample time zone and currency of every sample hotel.
const (
	sampleZone     = "Europe/London"
	sampleCurrency = "GBP"
)

// sampleVAT is the UK's standard rate of VAT, which hotel rooms pay and
// which is included in the prices the sample hotels sell at.
var sampleVAT = hotel.Tax{Code: "VAT", Name: "VAT 20 %", PercentBP: 2000, Inclusive: true}

// sampleTaxes are the sample hotels' taxes: VAT included everywhere, and
// at St Brides Spa in Pembrokeshire a visitor levy added per person and
// night, modelled on the one Wales is introducing (£1.30 a night in
// hotels; the sample charges at most 7 nights of a stay and exempts
// children under 12). The slices are shared and never modified.
var sampleTaxes = map[int64][]hotel.Tax{
	111: {sampleVAT}, 222: {sampleVAT}, 333: {sampleVAT}, 444: {sampleVAT}, 555: {sampleVAT},
	666: {sampleVAT, {Code: "LEVY", Name: "Visitor levy", PerPersonNight: 130, MaxNights: 7, ExemptUnderAge: 12}},
	777: {sampleVAT},
}

var demandLevels = [3]string{hotel.DemandLow, hotel.DemandMedium, hotel.DemandHigh}

// Sample returns the platform's sample data set: the seed's seven hotels for
// the 365 nights starting at start. The hotels keep their original ids (111,
// 222, … 777); their room types get ids 1–28, four per hotel in hotel order
// (Standard Rooms, Deluxe Rooms, Suites, Penthouse Suites). Room counts and
// each night's demand level are chosen pseudo-randomly but deterministically
// from seed; prices are the hotel's base price × 1, 1.2, 1.5 and 2. Every
// night starts with nothing held, blocked or overbooked.
//
// Every hotel's prices include VAT at 20 %; St Brides Spa (666) adds a
// visitor levy per person and night (sampleTaxes).
//
// Each room type has two or three rate plans (plans.go): its default
// flexible plan, priced for two adults with extra adults and children
// by age band, free to cancel until 18:00 two days before arrival and
// then one night; a non-refundable plan 10 % below it, prepaid; and, but
// for the penthouse, bed and breakfast, on the flexible terms with a
// card on file. A no-show costs one night. Restrictions: Saturday arrivals stay at
// least two nights at The Gleneagles (444) and Cliveden House (777); St
// Brides Spa (666) is closed to arrival on the first Sunday of each month;
// the non-refundable plans of The Grand (555) sell from seven days ahead.
// Hotels 111, 222 and 333 have no restriction.
//
// The sequences may be iterated any number of times and yield the same rows.
// start must not be the zero Date.
func Sample(start hotel.Date, seed uint64) store.Dataset {
	days := dayTable(start, SampleDays)
	return store.Dataset{
		Hotels: func(yield func(hotel.Hotel) bool) {
			for _, h := range sampleHotels {
				if !yield(hotel.Hotel{ID: h.id, Name: h.name, Location: h.location, TimeZone: sampleZone, Currency: sampleCurrency, Taxes: sampleTaxes[h.id]}) {
					return
				}
			}
		},
		RoomTypes: func(yield func(hotel.RoomType) bool) {
			for i, h := range sampleHotels {
				for k, rs := range roomSpecs {
					rt := hotel.RoomType{ID: sampleRoomTypeID(i, k), HotelID: h.id, Name: rs.name, MaxOccupancy: rs.maxOccupancy}
					if !yield(rt) {
						return
					}
				}
			}
		},
		RatePlans:    samplePlans,
		Restrictions: sampleRestrictions(days),
		Nights: func(yield func(hotel.Night) bool) {
			for i, h := range sampleHotels {
				caps := sampleCapacities(seed, h.id)
				var keys [roomTypesPerHotel]uint64
				for k := range keys {
					keys[k] = mix64(mix64(seed^0x5a3c_9e1d_7b24_f806) ^ mix64(uint64(h.id)<<8|uint64(k)))
				}
				for _, d := range days {
					for k, rs := range roomSpecs {
						n := hotel.Night{
							HotelID:     h.id,
							RoomTypeID:  sampleRoomTypeID(i, k),
							Date:        d.date,
							Capacity:    caps[k],
							Price:       hotel.Cents(h.base * rs.pricePct),
							DemandLevel: demandLevels[mix64(keys[k]^d.key)%3],
						}
						if !yield(n) {
							return
						}
					}
				}
			}
		},
	}
}

// sampleRoomTypeID returns the id of room type k of the i-th sample hotel.
func sampleRoomTypeID(i, k int) int64 { return int64(i*roomTypesPerHotel + k + 1) }

// sampleCapacities returns the number of rooms of each room type of a sample
// hotel: fixed for a (seed, hotel), whatever the dates.
func sampleCapacities(seed uint64, hotelID int64) [roomTypesPerHotel]int {
	r := rand.New(rand.NewPCG(seed, mix64(uint64(hotelID))))
	var caps [roomTypesPerHotel]int
	for k, rs := range roomSpecs {
		caps[k] = rs.capMin + r.IntN(rs.capMax-rs.capMin+1)
	}
	return caps
}

// day is one date of a generated range with what its nights need, computed
// once per iteration rather than once per night.
type day struct {
	date hotel.Date
	key  uint64 // hash of the calendar date, mixed into per-night choices
	// pct is the weekday × season price factor in percent², for northern
	// [0] and southern [1] hemisphere hotels.
	pct [2]int64
	// bias shifts demand up in busy periods, per hemisphere.
	bias [2]int
}

// Month price factors in percent, January first, for the northern hemisphere.
var seasonPct = [12]int64{85, 85, 95, 100, 105, 115, 125, 125, 110, 100, 90, 105}

// dayTable returns the n dates from start with their per-date factors.
func dayTable(start hotel.Date, n int) []day {
	days := make([]day, n)
	for j := range days {
		d := start.AddDays(j)
		t := d.Time()
		epochDay := uint64(t.Unix() / 86400)
		var wk int64 = 100
		switch t.Weekday() {
		case 5, 6: // Friday and Saturday nights
			wk = 115
		case 0:
			wk = 95
		}
		m := int(t.Month()) - 1
		north, south := seasonPct[m], seasonPct[(m+6)%12]
		days[j] = day{
			date: d,
			key:  mix64(epochDay*0x9e37_79b9_7f4a_7c15 + 0x632b_e59b_d9b4_e019),
			pct:  [2]int64{wk * north, wk * south},
			bias: [2]int{int(north-100)/2 + int(wk-100)/2, int(south-100)/2 + int(wk-100)/2},
		}
	}
	return days
}

// mix64 is the SplitMix64 finaliser: a fast, well-distributed hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58_476d_1ce4_e5b9
	x ^= x >> 27
	x *= 0x94d0_49bb_1331_11eb
	x ^= x >> 31
	return x
}

// SampleUser is a staff user the sample data set comes with.
type SampleUser struct {
	Email    string
	Role     string
	HotelIDs []int64
}

// SampleUsers are the console users a fresh deployment with the sample
// hotels gets (their first passwords are generated and printed once): a
// front desk of the first hotel only, and a revenue manager of them all.
var SampleUsers = []SampleUser{
	{Email: "frontdesk@royal-lancaster.example", Role: hotel.RoleFrontDesk, HotelIDs: []int64{sampleHotels[0].id}},
	{Email: "revenue@hotels.example", Role: hotel.RoleRevenue},
}
