package sampledata

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

func mustSynthetic(t testing.TB, o SyntheticOptions) collected {
	t.Helper()
	ds, err := Synthetic(o)
	if err != nil {
		t.Fatalf("Synthetic(%+v): %v", o, err)
	}
	return collect(ds)
}

func TestSyntheticShape(t *testing.T) {
	o := SyntheticOptions{Hotels: 60, Days: 40, Seed: 3, Start: testStart, FirstHotelID: 1000, FirstRoomTypeID: 5000}
	got := mustSynthetic(t, o)

	if len(got.hotels) != o.Hotels {
		t.Fatalf("got %d hotels, want %d", len(got.hotels), o.Hotels)
	}
	hotels := map[int64]hotel.Hotel{}
	for i, h := range got.hotels {
		if h.ID != o.FirstHotelID+int64(i) {
			t.Fatalf("hotel %d has id %d, want %d", i, h.ID, o.FirstHotelID+int64(i))
		}
		if h.Name == "" || h.Location == "" || h.TimeZone == "" || len(h.Currency) != 3 {
			t.Fatalf("hotel %+v is incomplete", h)
		}
		hotels[h.ID] = h
	}

	if len(got.roomTypes) != 4*o.Hotels {
		t.Fatalf("got %d room types, want %d", len(got.roomTypes), 4*o.Hotels)
	}
	roomTypes := map[int64]hotel.RoomType{}
	for i, rt := range got.roomTypes {
		want := hotel.RoomType{ID: o.FirstRoomTypeID + int64(i), HotelID: o.FirstHotelID + int64(i/4), Name: roomSpecs[i%4].name, MaxOccupancy: roomSpecs[i%4].maxOccupancy}
		if rt != want {
			t.Fatalf("room type %d = %+v, want %+v", i, rt, want)
		}
		roomTypes[rt.ID] = rt
	}

	if int64(len(got.nights)) != NightCount(o) {
		t.Fatalf("got %d nights, NightCount says %d", len(got.nights), NightCount(o))
	}
	type key struct {
		rt   int64
		date hotel.Date
	}
	seen := map[key]bool{}
	capacity := map[int64]int{}
	prices := map[int64]map[hotel.Cents]bool{}
	demand := map[string]int{}
	end := o.Start.AddDays(o.Days - 1)
	for _, n := range got.nights {
		h, ok := hotels[n.HotelID]
		if !ok {
			t.Fatalf("night %+v names a hotel that was not yielded", n)
		}
		rt, ok := roomTypes[n.RoomTypeID]
		if !ok || rt.HotelID != n.HotelID {
			t.Fatalf("night %+v names a room type that was not yielded or is another hotel's", n)
		}
		if n.Date.Before(o.Start) || n.Date.After(end) {
			t.Fatalf("night %+v outside %s..%s", n, o.Start, end)
		}
		k := key{n.RoomTypeID, n.Date}
		if seen[k] {
			t.Fatalf("duplicate night %+v", n)
		}
		seen[k] = true
		spec := roomSpecs[(n.RoomTypeID-o.FirstRoomTypeID)%4]
		if n.Capacity < spec.capMin || n.Capacity > spec.capMax {
			t.Fatalf("night %+v: capacity outside %d..%d", n, spec.capMin, spec.capMax)
		}
		if c, ok := capacity[n.RoomTypeID]; ok && c != n.Capacity {
			t.Fatalf("room type %d has capacity %d and %d", n.RoomTypeID, c, n.Capacity)
		}
		capacity[n.RoomTypeID] = n.Capacity
		if n.Price <= 0 {
			t.Fatalf("night %+v: price not positive", n)
		}
		if zeroDecimal[h.Currency] && n.Price%100 != 0 {
			t.Fatalf("night %+v: %s has no minor unit, price %s", n, h.Currency, n.Price)
		}
		if n.Held != 0 || n.Blocked != 0 || n.Allowance != 0 {
			t.Fatalf("night %+v is not empty", n)
		}
		if prices[n.RoomTypeID] == nil {
			prices[n.RoomTypeID] = map[hotel.Cents]bool{}
		}
		prices[n.RoomTypeID][n.Price] = true
		demand[n.DemandLevel]++
	}
	if len(demand) != 3 || demand[hotel.DemandLow] == 0 || demand[hotel.DemandMedium] == 0 || demand[hotel.DemandHigh] == 0 {
		t.Errorf("demand levels %v, want all of low, medium, high", demand)
	}
	for id, ps := range prices {
		if len(ps) < 3 {
			t.Errorf("room type %d has only %d distinct prices over %d nights", id, len(ps), o.Days)
		}
	}
}

func TestSyntheticPricesAreOrdered(t *testing.T) {
	// On one night, a hotel's dearer room types never cost less.
	got := mustSynthetic(t, SyntheticOptions{Hotels: 30, Days: 1, Start: testStart})
	for i := 0; i < len(got.nights); i += 4 {
		n := got.nights[i : i+4]
		sameDemand := n[0].DemandLevel == n[1].DemandLevel && n[1].DemandLevel == n[2].DemandLevel && n[2].DemandLevel == n[3].DemandLevel
		increasing := n[0].Price < n[1].Price && n[1].Price < n[2].Price && n[2].Price < n[3].Price
		if sameDemand && !increasing {
			t.Errorf("hotel %d: prices %s %s %s %s not increasing", n[0].HotelID, n[0].Price, n[1].Price, n[2].Price, n[3].Price)
		}
	}
}

func TestSyntheticNamesUnique(t *testing.T) {
	o := SyntheticOptions{Hotels: 20_000, Days: 1, Seed: 11, Start: testStart}
	ds, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	byCity := map[string]city{}
	for _, c := range cities {
		byCity[c.name] = c
	}
	names := make(map[string]bool, o.Hotels)
	locations := map[string]int{}
	shape := regexp.MustCompile(`^[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+ [A-Z]`)
	for h := range ds.Hotels {
		if names[h.Name] {
			t.Fatalf("duplicate name %q", h.Name)
		}
		names[h.Name] = true
		c, ok := byCity[h.Location]
		if !ok {
			t.Fatalf("hotel %+v: location is not a known city", h)
		}
		if h.TimeZone != c.zone || h.Currency != c.currency {
			t.Fatalf("hotel %+v: want zone %s, currency %s", h, c.zone, c.currency)
		}
		if !strings.HasSuffix(h.Name, " "+h.Location) || !shape.MatchString(h.Name) {
			t.Fatalf("hotel name %q does not look like \"Grand Harbour Hotel %s\"", h.Name, h.Location)
		}
		locations[h.Location]++
	}
	if len(names) != o.Hotels {
		t.Fatalf("got %d names, want %d", len(names), o.Hotels)
	}
	if len(locations) != len(cities) {
		t.Errorf("hotels are in %d cities, want all %d", len(locations), len(cities))
	}
}

func TestNamePermIsBijection(t *testing.T) {
	p := newNamePerm(99)
	seen := make([]bool, nameSpace)
	for i := range nameSpace {
		x := p.index(i)
		if x < 0 || x >= nameSpace || seen[x] {
			t.Fatalf("index(%d) = %d: out of range or repeated", i, x)
		}
		seen[x] = true
	}
}

func TestNamesBeyondNameSpace(t *testing.T) {
	p := newNamePerm(5)
	for _, i := range []int{0, 17, nameSpace - 1} {
		base := name(i, p.combo(i))
		if strings.Contains(base, "No.") {
			t.Errorf("name(%d) = %q has a suffix", i, base)
		}
		if got, want := name(i+nameSpace, p.combo(i+nameSpace)), base+" No. 2"; got != want {
			t.Errorf("name(%d) = %q, want %q", i+nameSpace, got, want)
		}
		if got, want := name(i+2*nameSpace, p.combo(i+2*nameSpace)), base+" No. 3"; got != want {
			t.Errorf("name(%d) = %q, want %q", i+2*nameSpace, got, want)
		}
	}
	if nameSpace < MaxSyntheticHotels {
		t.Logf("name space %d < %d hotels: the largest sets use suffixes", nameSpace, MaxSyntheticHotels)
	}
}

func TestSyntheticDeterministic(t *testing.T) {
	o := SyntheticOptions{Hotels: 40, Days: 20, Seed: 12345, Start: testStart, FirstHotelID: 8, FirstRoomTypeID: 29}
	a, err := Synthetic(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Synthetic(o)
	if digest(a) != digest(b) {
		t.Fatal("same options gave different data")
	}
	first, second := digest(a), digest(a)
	if first != second {
		t.Fatal("iterating a data set twice gave different data")
	}
	o2 := o
	o2.Seed++
	c, _ := Synthetic(o2)
	if digest(c) == digest(a) {
		t.Fatal("different seeds gave the same data")
	}

	// Hotel i depends only on (Seed, i): a smaller set is a prefix of a larger
	// one, and fewer days are a prefix of each hotel's nights.
	small := mustSynthetic(t, SyntheticOptions{Hotels: 5, Days: 7, Seed: o.Seed, Start: o.Start, FirstHotelID: 8, FirstRoomTypeID: 29})
	big := mustSynthetic(t, o)
	if !reflect.DeepEqual(small.hotels, big.hotels[:5]) || !slices.Equal(small.roomTypes, big.roomTypes[:20]) {
		t.Fatal("hotels or room types of a smaller set differ from a larger one's")
	}
	for h := range 5 {
		if !slices.Equal(small.nights[h*7*4:(h+1)*7*4], big.nights[h*o.Days*4:h*o.Days*4+7*4]) {
			t.Fatalf("nights of hotel %d differ between sets", h)
		}
	}
}

func TestSyntheticInvalid(t *testing.T) {
	ok := SyntheticOptions{Hotels: 1, Days: 1, Start: testStart}
	for name, mod := range map[string]func(*SyntheticOptions){
		"no hotels":         func(o *SyntheticOptions) { o.Hotels = 0 },
		"negative hotels":   func(o *SyntheticOptions) { o.Hotels = -1 },
		"too many hotels":   func(o *SyntheticOptions) { o.Hotels = 1_000_001 },
		"no days":           func(o *SyntheticOptions) { o.Days = 0 },
		"too many days":     func(o *SyntheticOptions) { o.Days = 3661 },
		"no start":          func(o *SyntheticOptions) { o.Start = hotel.Date{} },
		"negative hotel":    func(o *SyntheticOptions) { o.FirstHotelID = -5 },
		"negative room":     func(o *SyntheticOptions) { o.FirstRoomTypeID = -5 },
		"hotel id overflow": func(o *SyntheticOptions) { o.FirstHotelID = 1<<63 - 10 },
	} {
		o := ok
		mod(&o)
		if _, err := Synthetic(o); hotel.ErrorCode(err) != hotel.EINVALID {
			t.Errorf("%s: Synthetic(%+v) error %v, want %s", name, o, err, hotel.EINVALID)
		}
	}
	for _, o := range []SyntheticOptions{
		ok,
		{Hotels: 1_000_000, Days: 3660, Start: testStart, FirstHotelID: 1 << 40, FirstRoomTypeID: 1 << 40},
	} {
		if _, err := Synthetic(o); err != nil {
			t.Errorf("Synthetic(%+v): %v", o, err)
		}
	}
	if n := NightCount(SyntheticOptions{Hotels: 1_000_000, Days: 3660}); n != 14_640_000_000 {
		t.Errorf("NightCount = %d, want 14640000000", n)
	}
}

func TestCityTable(t *testing.T) {
	if len(cities) < 80 {
		t.Errorf("only %d cities", len(cities))
	}
	now := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	minOff, maxOff := 0, 0
	zones := map[string]bool{}
	names := map[string]bool{}
	currency := regexp.MustCompile(`^[A-Z]{3}$`)
	for _, c := range cities {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Errorf("%s: time zone %q does not load: %v", c.name, c.zone, err)
			continue
		}
		_, off := now.In(loc).Zone()
		minOff, maxOff = min(minOff, off), max(maxOff, off)
		zones[c.zone] = true
		if names[c.name] {
			t.Errorf("city %q listed twice", c.name)
		}
		names[c.name] = true
		if !currency.MatchString(c.currency) || c.scale < 1 {
			t.Errorf("%s: bad currency %q or scale %d", c.name, c.currency, c.scale)
		}
	}
	if len(zones) < 60 {
		t.Errorf("only %d distinct time zones", len(zones))
	}
	if minOff > -10*3600 || maxOff < 13*3600 {
		t.Errorf("UTC offsets span %ds..%ds, want from −10h or further west to +13h or further east", minOff, maxOff)
	}
	if err := checkZones(); err != nil {
		t.Error(err)
	}
	for _, rs := range roomSpecs {
		// Keep prices exact and far from overflow: largest base × factors.
		var maxScale int64
		for _, c := range cities {
			maxScale = max(maxScale, c.scale)
		}
		if v := 600 * maxScale * rs.pricePct * 125 * 115 * 120; v < 0 || v > 1<<62 {
			t.Errorf("price arithmetic may overflow: %d", v)
		}
	}
}

func TestSyntheticNightsDoNotAllocate(t *testing.T) {
	ds, err := Synthetic(SyntheticOptions{Hotels: 20, Days: 365, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(3, func() {
		for range ds.Nights {
		}
	})
	// The day table and a few per hotel are fine; none per night.
	if allocs > 20*4 {
		t.Errorf("%.0f allocations iterating %d nights", allocs, 20*4*365)
	}
}

func BenchmarkSyntheticNights(b *testing.B) {
	o := SyntheticOptions{Hotels: 100, Days: 365, Seed: 1, Start: testStart}
	ds, err := Synthetic(o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var sum int64
	for b.Loop() {
		for n := range ds.Nights {
			sum += int64(n.Price)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*NightCount(o)), "ns/night")
	if sum == 0 {
		b.Fatal("no prices")
	}
}

func BenchmarkSyntheticHotels(b *testing.B) {
	o := SyntheticOptions{Hotels: 10_000, Days: 1, Seed: 1, Start: testStart}
	ds, err := Synthetic(o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for range ds.Hotels {
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*int64(o.Hotels)), "ns/hotel")
}
