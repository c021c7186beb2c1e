package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/hotelplatform/hotel"
)

// TestParseChildBands: the hand parser reads what ChildBandsJSON writes
// exactly as encoding/json does, and anything else goes to encoding/json.
func TestParseChildBands(t *testing.T) {
	check := func(s string) {
		t.Helper()
		var want []hotel.ChildBand
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := ParseChildBands(s)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: error %v, encoding/json %v", s, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %#v, encoding/json %#v", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		bands := make([]hotel.ChildBand, r.IntN(4))
		for i := range bands {
			bands[i] = hotel.ChildBand{MaxAge: r.IntN(18), Price: hotel.Cents(r.Int64N(1_000_000_000))}
		}
		s := ChildBandsJSON(hotel.RatePlan{Occupancy: hotel.Occupancy{ChildBands: bands}})
		if _, ok := parseChildBands(s); !ok {
			t.Fatalf("%s: not parsed by hand", s)
		}
		check(s)
	}
	for _, s := range []string{
		"[]", "null", "", "[", "]", "[{}]", `[{"max_age":2}]`, `[{"max_age":2,"price":"1.00"}`,
		`[{"price": "1.00", "max_age": 2}]`, // as jsonb would print it
		`[{"max_age":2,"price":"1.00"},]`, `[{"max_age":02,"price":"1.00"}]`, `[{"max_age":-2,"price":"1.00"}]`,
		`[{"max_age":2,"price":"-1.00"}]`, `[{"max_age":2,"price":"1.5"}]`, `[{"max_age":2,"price":"x"}]`,
		`[{"max_age":2,"price":"1.00"} ]`, `[{"max_age":99999999999,"price":"1.00"}]`,
		`[{"max_age":2,"price":"1.00"},{"max_age":3,"price":"2.00"}]`,
	} {
		check(s)
	}
}
