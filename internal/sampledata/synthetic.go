package sampledata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Limits of SyntheticOptions.
const (
	MaxSyntheticHotels = 1_000_000
	MaxSyntheticDays   = 3660
)

// SyntheticOptions configures Synthetic.
type SyntheticOptions struct {
	Hotels int        // number of hotels, 1 to MaxSyntheticHotels
	Days   int        // nights per room type, 1 to MaxSyntheticDays
	Seed   uint64     // same seed (and other options), same data
	Start  hotel.Date // first night; required
	// FirstHotelID, FirstRoomTypeID and FirstRatePlanID are the ids to
	// start from (callers pass the store's max existing id + 1). Zero means 1.
	FirstHotelID, FirstRoomTypeID, FirstRatePlanID int64
}

// NightCount returns how many inventory nights Synthetic(o) yields (Hotels
// × 4 × Days), for progress totals. It does not validate o.
func NightCount(o SyntheticOptions) int64 {
	return int64(o.Hotels) * roomTypesPerHotel * int64(o.Days)
}

// Synthetic returns a large deterministic data set: the same options give
// byte-identical data. Hotel i (counting from 0) has id FirstHotelID+i and
// room types FirstRoomTypeID+4i … FirstRoomTypeID+4i+3; it is in one of
// over a hundred real cities worldwide, with that city's time zone and
// currency, and has a unique name such as "Grand Harbour Hotel Lisbon".
// Prices vary by hotel, room type, weekday, season and demand, and are exact
// amounts (whole units in currencies without minor units). Every night starts
// with nothing held, blocked or overbooked.
//
// Each room type has five rate plans on average (synthetic_plans.go):
// its default plan (BAR), non-refundable (NR, 10 % below BAR) and bed and
// breakfast (BB, BAR plus breakfast) always; on most room types an
// advance purchase base plan with prices of its own (AP), non-refundable
// with breakfast (NRBB, NR plus breakfast: a derived plan of a derived
// plan); on half of them half board (HB, BB plus dinner). Room type r's
// plans have ids FirstRatePlanID + 6(r − FirstRoomTypeID) + 0 … 5, the
// absent plans leaving gaps. About a fifth of the room types' nights
// have a restriction. The refundable plans (BAR, BB, HB) are free to
// cancel until a deadline chosen per hotel, then charge a fee; the
// others are non-refundable and prepaid; a no-show costs one night.
// About 60 % of the hotels have their city's taxes (newCityTaxes): a VAT
// included in the price, and in some cities a city tax per person and
// night or a service charge.
//
// Each hotel's attributes are derived from (Seed, i) alone, so the sequences
// are independent of one another and of iteration order; they may be
// iterated any number of times, and stream: nothing proportional to the
// number of nights is held in memory.
//
// Errors: an *hotel.Error with code EINVALID for options out of range, or an
// error when this machine's time zone database lacks a city's zone.
func Synthetic(o SyntheticOptions) (store.Dataset, error) {
	if o.FirstHotelID == 0 {
		o.FirstHotelID = 1
	}
	if o.FirstRoomTypeID == 0 {
		o.FirstRoomTypeID = 1
	}
	if err := o.validate(); err != nil {
		return store.Dataset{}, err
	}
	if err := checkZones(); err != nil {
		return store.Dataset{}, err
	}
	if o.FirstRatePlanID == 0 {
		o.FirstRatePlanID = 1
	}
	g := &generator{o: o, perm: newNamePerm(o.Seed), cityTaxes: newCityTaxes(o.Seed)}
	return store.Dataset{Hotels: g.hotels, RoomTypes: g.roomTypes, Nights: g.nights,
		RatePlans: g.ratePlans, RateNights: g.rateNights, Restrictions: g.restrictions}, nil
}

// validate returns an EINVALID *hotel.Error naming every field out of range.
func (o SyntheticOptions) validate() error {
	var fields []hotel.FieldError
	var msgs []string
	bad := func(field, reason string) {
		fields = append(fields, hotel.FieldError{Field: field, Reason: reason})
		msgs = append(msgs, field+" "+reason)
	}
	if o.Hotels < 1 || o.Hotels > MaxSyntheticHotels {
		bad("hotels", fmt.Sprintf("must be between 1 and %d (got %d)", MaxSyntheticHotels, o.Hotels))
	}
	if o.Days < 1 || o.Days > MaxSyntheticDays {
		bad("days", fmt.Sprintf("must be between 1 and %d (got %d)", MaxSyntheticDays, o.Days))
	}
	if o.Start.IsZero() {
		bad("start", "is required")
	}
	if o.FirstHotelID < 0 || o.FirstHotelID > math.MaxInt64-MaxSyntheticHotels {
		bad("first_hotel_id", fmt.Sprintf("must be positive and leave room for the hotels (got %d)", o.FirstHotelID))
	}
	if o.FirstRoomTypeID < 0 || o.FirstRoomTypeID > math.MaxInt64-MaxSyntheticHotels*roomTypesPerHotel {
		bad("first_room_type_id", fmt.Sprintf("must be positive and leave room for the room types (got %d)", o.FirstRoomTypeID))
	}
	if o.FirstRatePlanID < 0 || o.FirstRatePlanID > math.MaxInt64-MaxSyntheticHotels*roomTypesPerHotel*plansPerRoomType {
		bad("first_rate_plan_id", fmt.Sprintf("must be positive and leave room for the rate plans (got %d)", o.FirstRatePlanID))
	}
	if len(fields) > 0 {
		msg := "Invalid synthetic data options: " + strings.Join(msgs, "; ") + "."
		return &hotel.Error{Code: hotel.EINVALID, Message: msg, Fields: fields}
	}
	return nil
}

// checkZones loads every city's time zone, once per process.
var checkZones = sync.OnceValue(func() error {
	for _, c := range cities {
		if _, err := time.LoadLocation(c.zone); err != nil {
			return fmt.Errorf("sampledata: time zone of %s: %w", c.name, err)
		}
	}
	return nil
})

// generator holds validated options; its methods are the data set's sequences.
type generator struct {
	o         SyntheticOptions
	perm      namePerm
	cityTaxes [len(cities)][]hotel.Tax // shared by the city's taxed hotels, never modified
}

// taxedPct is the share in percent of synthetic hotels with taxes.
const taxedPct = 60

// Rates of the synthetic VATs, in basis points.
var vatRates = [...]int{700, 1000, 1300, 2000}

// newCityTaxes returns the taxes of each city's taxed hotels, from seed: a
// VAT included in the price at one of vatRates; in about half of the
// cities a city tax per person and night (1 to 4 reference units, scaled
// to the currency), for at most 5, 7 or 10 nights, children under 12, 16
// or 18 exempt; in about a fifth a 10 % service charge added.
func newCityTaxes(seed uint64) [len(cities)][]hotel.Tax {
	var out [len(cities)][]hotel.Tax
	for i, c := range cities {
		x := mix64(mix64(seed^0x6a09_e667_f3bc_c908) ^ uint64(i))
		rate := vatRates[x%uint64(len(vatRates))]
		taxes := []hotel.Tax{{Code: "VAT", Name: fmt.Sprintf("VAT %d %%", rate/100), PercentBP: rate, Inclusive: true}}
		if (x>>8)%2 == 0 {
			step := int64(1)
			if zeroDecimal[c.currency] {
				step = 100
			}
			taxes = append(taxes, hotel.Tax{Code: "CITY", Name: "City tax",
				PerPersonNight: hotel.Cents(roundTo(int64(100+(x>>16)%4*100)*c.scale, step)),
				MaxNights:      [...]int{5, 7, 10}[(x>>24)%3], ExemptUnderAge: [...]int{12, 16, 18}[(x>>32)%3]})
		}
		if (x>>40)%5 == 0 {
			taxes = append(taxes, hotel.Tax{Code: "SERVICE", Name: "Service charge", PercentBP: 1000})
		}
		out[i] = taxes
	}
	return out
}

// taxes returns the taxes of hotel i, in city c: its city's for
// taxedPct % of the hotels, chosen from (Seed, i); none for the others.
func (g *generator) taxes(i, c int) []hotel.Tax {
	if mix64(mix64(g.o.Seed^0xbb67_ae85_84ca_a73b)^uint64(i))%100 >= taxedPct {
		return nil
	}
	return g.cityTaxes[c]
}

// synthHotel is what Nights needs to know about one hotel.
type synthHotel struct {
	id        int64
	hemi      int   // 0 northern, 1 southern
	step      int64 // prices are multiples of step cents
	price     [roomTypesPerHotel]int64
	capacity  [roomTypesPerHotel]int
	demandKey [roomTypesPerHotel]uint64
}

// attrs derives hotel i's pricing and room counts from (Seed, i), reseeding
// src, the source of r (reused so that no hotel costs an allocation).
func (g *generator) attrs(i int, h *synthHotel, src *rand.PCG, r *rand.Rand) {
	c := &cities[g.perm.combo(i).city]
	src.Seed(g.o.Seed, mix64(uint64(i)^0x243f_6a88_85a3_08d3))

	h.id = g.o.FirstHotelID + int64(i)
	h.hemi = 0
	if c.south {
		h.hemi = 1
	}
	h.step = 1
	if zeroDecimal[c.currency] {
		h.step = 100
	}
	base := (60 + r.Int64N(541)) * c.scale // whole units
	for k, rs := range roomSpecs {
		h.price[k] = roundTo(base*rs.pricePct, h.step)
		h.capacity[k] = rs.capMin + r.IntN(rs.capMax-rs.capMin+1)
		h.demandKey[k] = r.Uint64()
	}
}

func (g *generator) hotels(yield func(hotel.Hotel) bool) {
	for i := range g.o.Hotels {
		cb := g.perm.combo(i)
		c := &cities[cb.city]
		h := hotel.Hotel{
			ID:       g.o.FirstHotelID + int64(i),
			Name:     name(i, cb),
			Location: c.name,
			TimeZone: c.zone,
			Currency: c.currency,
			Taxes:    g.taxes(i, cb.city),
		}
		if !yield(h) {
			return
		}
	}
}

func (g *generator) roomTypes(yield func(hotel.RoomType) bool) {
	for i := range g.o.Hotels {
		hid := g.o.FirstHotelID + int64(i)
		for k, rs := range roomSpecs {
			rt := hotel.RoomType{
				ID:           g.o.FirstRoomTypeID + int64(i)*roomTypesPerHotel + int64(k),
				HotelID:      hid,
				Name:         rs.name,
				MaxOccupancy: rs.maxOccupancy,
			}
			if !yield(rt) {
				return
			}
		}
	}
}

// Demand price factors in percent, by demand level.
var demandPct = [3]int64{90, 100, 120}

// nights yields hotel by hotel, date by date, room type by room type: the
// order the inventory is listed in.
func (g *generator) nights(yield func(hotel.Night) bool) {
	days := dayTable(g.o.Start, g.o.Days)
	var h synthHotel
	src := new(rand.PCG)
	r := rand.New(src)
	for i := range g.o.Hotels {
		g.attrs(i, &h, src, r)
		rt0 := g.o.FirstRoomTypeID + int64(i)*roomTypesPerHotel
		half := h.step * 500_000 // half of 1e6 × step, for rounding
		div := h.step * 1_000_000
		for j := range days {
			d := &days[j]
			pct, bias := d.pct[h.hemi], d.bias[h.hemi]
			for k := range roomTypesPerHotel {
				lvl := demandLevel(&h, k, d, bias)
				n := hotel.Night{
					HotelID:     h.id,
					RoomTypeID:  rt0 + int64(k),
					Date:        d.date,
					Capacity:    h.capacity[k],
					Price:       hotel.Cents((h.price[k]*pct*demandPct[lvl] + half) / div * h.step),
					DemandLevel: demandLevels[lvl],
				}
				if !yield(n) {
					return
				}
			}
		}
	}
}

// demandLevel returns the demand level (0 low, 1 medium, 2 high) of room
// type k of h on d.
func demandLevel(h *synthHotel, k int, d *day, bias int) int {
	u := int(mix64(h.demandKey[k]^d.key)%100) + bias
	switch {
	case u < 30:
		return 0
	case u >= 75:
		return 2
	}
	return 1
}

// roundTo rounds cents half up to a multiple of step.
func roundTo(cents, step int64) int64 { return (cents + step/2) / step * step }

// Words of synthetic hotel names: "<prefix> <noun> <kind> <city>". Each list
// holds distinct single words, so distinct combinations give distinct names.
var (
	namePrefixes = [...]string{
		"The", "Grand", "Royal", "Old", "Imperial", "Golden", "Silver", "Majestic",
		"Regent", "Crown", "Little", "Blue", "Green", "White", "Noble", "Hidden",
		"Quiet", "Sunny", "Copper", "Ivory", "Urban", "Central", "Coastal", "Wild",
	}
	nameNouns = [...]string{
		"Harbour", "Riverside", "Garden", "Park", "Lighthouse", "Bridge", "Lake", "Mill",
		"Orchard", "Meadow", "Tower", "Bay", "Cliff", "Forest", "Oak", "Willow",
		"Cedar", "Maple", "Rose", "Lotus", "Anchor", "Compass", "Lantern", "Fountain",
		"Terrace", "Square", "Market", "Station", "Quay", "Castle", "Abbey", "Chapel",
		"Vineyard", "Summit", "Canyon", "Dune", "Island", "Coral", "Palm", "Pine",
	}
	nameKinds = [...]string{
		"Hotel", "Inn", "Lodge", "Resort", "Suites", "House", "Residences", "Palace", "Retreat", "Manor",
	}
)

// nameSpace is the number of distinct "<prefix> <noun> <kind> <city>" names.
const nameSpace = len(namePrefixes) * len(nameNouns) * len(nameKinds) * len(cities)

// combo is a choice of words for a hotel's name; city is also its location.
type combo struct{ prefix, noun, kind, city int }

// namePerm maps hotel indexes to name combinations through a seeded
// permutation of [0, nameSpace), so names look random yet never repeat. Hotel
// i ≥ nameSpace reuses the combination of i mod nameSpace with a " No. n"
// suffix (n = i/nameSpace + 1), keeping every name unique.
type namePerm struct {
	keys     [4]uint64
	halfBits uint
	mask     uint64
}

func newNamePerm(seed uint64) namePerm {
	bits := uint(1)
	for 1<<bits < nameSpace {
		bits++
	}
	bits += bits & 1 // a balanced Feistel network needs an even width
	p := namePerm{halfBits: bits / 2, mask: 1<<(bits/2) - 1}
	for r := range p.keys {
		p.keys[r] = mix64(seed ^ mix64(uint64(r)+0x1319_8a2e_0370_7344))
	}
	return p
}

// index returns the position of hotel i in the name space.
func (p namePerm) index(i int) int {
	x := uint64(i % nameSpace)
	for { // cycle-walk: a permutation of [0, 2^bits) restricted to [0, nameSpace)
		l, r := x>>p.halfBits, x&p.mask
		for _, k := range p.keys {
			l, r = r, l^(mix64(r^k)&p.mask)
		}
		x = l<<p.halfBits | r
		if x < uint64(nameSpace) {
			return int(x)
		}
	}
}

// combo returns the name combination of hotel i.
func (p namePerm) combo(i int) combo {
	x := p.index(i)
	var c combo
	c.city, x = x%len(cities), x/len(cities)
	c.kind, x = x%len(nameKinds), x/len(nameKinds)
	c.noun, x = x%len(nameNouns), x/len(nameNouns)
	c.prefix = x
	return c
}

// name returns the name of hotel i, whose combination is c.
func name(i int, c combo) string {
	s := namePrefixes[c.prefix] + " " + nameNouns[c.noun] + " " + nameKinds[c.kind] + " " + cities[c.city].name
	if n := i / nameSpace; n > 0 {
		s += " No. " + strconv.Itoa(n+1)
	}
	return s
}
