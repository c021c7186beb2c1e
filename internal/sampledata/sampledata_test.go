package sampledata

import (
	"crypto/sha256"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

var testStart = hotel.NewDate(2025, 3, 1)

// collected is a data set with its sequences drained.
type collected struct {
	hotels    []hotel.Hotel
	roomTypes []hotel.RoomType
	nights    []hotel.Night
}

func collect(ds store.Dataset) collected {
	return collected{
		hotels:    slices.Collect(ds.Hotels),
		roomTypes: slices.Collect(ds.RoomTypes),
		nights:    slices.Collect(ds.Nights),
	}
}

// digest hashes every row of ds, so data sets can be compared without keeping them.
func digest(ds store.Dataset) [32]byte {
	h := sha256.New()
	for x := range ds.Hotels {
		fmt.Fprintf(h, "%+v\n", x)
	}
	for x := range ds.RoomTypes {
		fmt.Fprintf(h, "%+v\n", x)
	}
	for n := range ds.Nights {
		fmt.Fprintf(h, "%d %d %s %d %d %d %d %d %s\n", n.HotelID, n.RoomTypeID, n.Date, n.Capacity, n.Held, n.Blocked, n.Allowance, n.Price, n.DemandLevel)
	}
	for p := range ds.RatePlans {
		policies := store.PoliciesJSON(p) // by value: %+v would print the policy's address
		p.Cancellation = nil
		fmt.Fprintf(h, "%+v %s\n", p, policies)
	}
	if ds.RateNights != nil {
		for n := range ds.RateNights {
			fmt.Fprintf(h, "%+v\n", n)
		}
	}
	for r := range ds.Restrictions {
		fmt.Fprintf(h, "%+v\n", r)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func TestSampleHotels(t *testing.T) {
	got := collect(Sample(testStart, 1))
	want := []hotel.Hotel{
		{ID: 111, Name: "Royal Lancaster", Location: "London"},
		{ID: 222, Name: "Shangri-La The Shard", Location: "London"},
		{ID: 333, Name: "Abbots Grange Manor House", Location: "Worcestershire"},
		{ID: 444, Name: "The Gleneagles", Location: "Scotland"},
		{ID: 555, Name: "The Grand", Location: "Brighton"},
		{ID: 666, Name: "St Brides Spa", Location: "Wales"},
		{ID: 777, Name: "Cliveden House", Location: "Berkshire"},
	}
	vat := hotel.Tax{Code: "VAT", Name: "VAT 20 %", PercentBP: 2000, Inclusive: true}
	for i := range want {
		want[i].TimeZone, want[i].Currency, want[i].Taxes = "Europe/London", "GBP", []hotel.Tax{vat}
	}
	want[5].Taxes = append(want[5].Taxes, hotel.Tax{Code: "LEVY", Name: "Visitor levy", PerPersonNight: 130, MaxNights: 7, ExemptUnderAge: 12})
	for _, h := range got.hotels {
		var v hotel.Validation
		hotel.CheckTaxes(&v, "taxes", h.Taxes)
		if err := v.Err(); err != nil {
			t.Errorf("hotel %d: taxes %+v: %v", h.ID, h.Taxes, err)
		}
	}
	if !reflect.DeepEqual(got.hotels, want) {
		t.Fatalf("hotels:\n got %+v\nwant %+v", got.hotels, want)
	}

	if len(got.roomTypes) != 28 {
		t.Fatalf("got %d room types, want 28", len(got.roomTypes))
	}
	names := []string{"Standard Rooms", "Deluxe Rooms", "Suites", "Penthouse Suites"}
	occupancy := []int{2, 3, 4, 6}
	for i, rt := range got.roomTypes {
		want := hotel.RoomType{ID: int64(i + 1), HotelID: want[i/4].ID, Name: names[i%4], MaxOccupancy: occupancy[i%4]}
		if rt != want {
			t.Errorf("room type %d = %+v, want %+v", i, rt, want)
		}
	}
}

func TestSampleNights(t *testing.T) {
	got := collect(Sample(testStart, 42))
	if want := 7 * 4 * 365; len(got.nights) != want {
		t.Fatalf("got %d nights, want %d", len(got.nights), want)
	}
	roomTypes := map[int64]hotel.RoomType{}
	for _, rt := range got.roomTypes {
		roomTypes[rt.ID] = rt
	}
	// Exact prices in cents, per hotel id and room type name.
	prices := map[int64]map[string]hotel.Cents{
		111: {"Standard Rooms": 30400, "Deluxe Rooms": 36480, "Suites": 45600, "Penthouse Suites": 60800},
		222: {"Standard Rooms": 41500, "Deluxe Rooms": 49800, "Suites": 62250, "Penthouse Suites": 83000},
		333: {"Standard Rooms": 31000, "Deluxe Rooms": 37200, "Suites": 46500, "Penthouse Suites": 62000},
		444: {"Standard Rooms": 34600, "Deluxe Rooms": 41520, "Suites": 51900, "Penthouse Suites": 69200},
		555: {"Standard Rooms": 13000, "Deluxe Rooms": 15600, "Suites": 19500, "Penthouse Suites": 26000},
		666: {"Standard Rooms": 19000, "Deluxe Rooms": 22800, "Suites": 28500, "Penthouse Suites": 38000},
		777: {"Standard Rooms": 28000, "Deluxe Rooms": 33600, "Suites": 42000, "Penthouse Suites": 56000},
	}
	capRange := map[string][2]int{
		"Standard Rooms": {10, 20}, "Deluxe Rooms": {5, 10}, "Suites": {2, 5}, "Penthouse Suites": {1, 2},
	}
	type key struct {
		rt   int64
		date hotel.Date
	}
	seen := map[key]bool{}
	capacity := map[int64]int{}
	demand := map[string]int{}
	end := testStart.AddDays(364)
	for _, n := range got.nights {
		rt, ok := roomTypes[n.RoomTypeID]
		if !ok || rt.HotelID != n.HotelID {
			t.Fatalf("night %+v names an unknown room type or the wrong hotel", n)
		}
		if n.Date.Before(testStart) || n.Date.After(end) {
			t.Fatalf("night %+v outside %s..%s", n, testStart, end)
		}
		k := key{n.RoomTypeID, n.Date}
		if seen[k] {
			t.Fatalf("duplicate night %+v", n)
		}
		seen[k] = true
		if want := prices[n.HotelID][rt.Name]; n.Price != want {
			t.Fatalf("night %+v: price %s, want %s", n, n.Price, want)
		}
		if r := capRange[rt.Name]; n.Capacity < r[0] || n.Capacity > r[1] {
			t.Fatalf("night %+v: capacity %d outside %v", n, n.Capacity, r)
		}
		if c, ok := capacity[n.RoomTypeID]; ok && c != n.Capacity {
			t.Fatalf("room type %d has capacity %d and %d", n.RoomTypeID, c, n.Capacity)
		}
		capacity[n.RoomTypeID] = n.Capacity
		if n.Held != 0 || n.Blocked != 0 || n.Allowance != 0 {
			t.Fatalf("night %+v is not empty", n)
		}
		demand[n.DemandLevel]++
	}
	if len(seen) != 28*365 {
		t.Fatalf("got %d distinct nights, want %d", len(seen), 28*365)
	}
	for _, lvl := range []string{hotel.DemandLow, hotel.DemandMedium, hotel.DemandHigh} {
		if demand[lvl] < len(got.nights)/5 {
			t.Errorf("demand %q on %d of %d nights; want roughly a third", lvl, demand[lvl], len(got.nights))
		}
	}
	if len(demand) != 3 {
		t.Errorf("demand levels %v, want only low, medium, high", demand)
	}
	if got := got.nights[0].Price.String(); got != "304.00" {
		t.Errorf("first night price %s, want 304.00", got)
	}
	if got := got.nights[1].Price.String(); got != "364.80" {
		t.Errorf("Royal Lancaster Deluxe price %s, want 364.80", got)
	}
}

func TestSampleDeterministic(t *testing.T) {
	a, b := digest(Sample(testStart, 7)), digest(Sample(testStart, 7))
	if a != b {
		t.Fatal("same seed gave different data")
	}
	if c := digest(Sample(testStart, 8)); c == a {
		t.Fatal("different seeds gave the same data")
	}
	// The demand of a date does not depend on where the range starts.
	x := collect(Sample(testStart, 7)).nights
	y := collect(Sample(testStart.AddDays(1), 7)).nights
	if x[4].Date != y[0].Date || x[4].DemandLevel != y[0].DemandLevel || x[4].Capacity != y[0].Capacity {
		t.Errorf("night of %s differs between ranges: %+v vs %+v", x[4].Date, x[4], y[0])
	}
}

func TestSequencesStopEarly(t *testing.T) {
	ds, err := Synthetic(SyntheticOptions{Hotels: 3, Days: 3, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Dataset{Sample(testStart, 1), ds} {
		n := 0
		for range d.Hotels {
			n++
			break
		}
		for range d.RoomTypes {
			n++
			break
		}
		for range d.Nights {
			n++
			break
		}
		for range d.RatePlans {
			n++
			break
		}
		for range d.Restrictions {
			n++
			break
		}
		if n != 5 {
			t.Fatalf("got %d rows, want 3", n)
		}
	}
}
