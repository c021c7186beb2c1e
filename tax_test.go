package hotel

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestApplyTaxes(t *testing.T) {
	t.Parallel()
	vat := func(bp int) Tax { return Tax{Code: "VAT", Name: "VAT", PercentBP: bp, Inclusive: true} }
	levy := func(bp int) Tax { return Tax{Code: "LEVY", Name: "Tourism levy", PercentBP: bp, Inclusive: true} }
	service := func(bp int) Tax { return Tax{Code: "SVC", Name: "Service charge", PercentBP: bp} }
	city := func(amount Cents, maxNights, exemptUnder int) Tax {
		return Tax{Code: "CITY", Name: "City tax", PerPersonNight: amount, MaxNights: maxNights, ExemptUnderAge: exemptUnder}
	}
	in := func(code string, amount Cents) TaxLine { return TaxLine{Code: code, Amount: amount, Included: true} }
	out := func(code string, amount Cents) TaxLine { return TaxLine{Code: code, Amount: amount} }
	two := Party{Adults: 2}
	cases := []struct {
		name   string
		taxes  []Tax
		price  Cents
		nights int
		party  Party
		unit   Cents
		net    Cents
		lines  []TaxLine
		gross  Cents
	}{
		{"no taxes", nil, 12345, 2, two, 1, 12345, nil, 12345},
		{"inclusive: 110.00 with 10 % is 100.00 + 10.00", []Tax{vat(1000)}, 11000, 1, two, 1,
			10000, []TaxLine{in("VAT", 1000)}, 11000},
		{"inclusive, rounded: 99.99 / 1.1 = 90.9000 → 90.90", []Tax{vat(1000)}, 9999, 1, two, 1,
			9090, []TaxLine{in("VAT", 909)}, 9999},
		{"inclusive, to the cent: 0.21 / 1.1 = 0.1909 → 0.19", []Tax{vat(1000)}, 21, 1, two, 1,
			19, []TaxLine{in("VAT", 2)}, 21},
		{"inclusive 20 %: 100.01 / 1.2 = 83.3417 → 83.34", []Tax{vat(2000)}, 10001, 1, two, 1,
			8334, []TaxLine{in("VAT", 1667)}, 10001},
		// net = round(12345 × 10000 / 11150) = round(11071.749) = 110.72; share 12.73;
		// VAT round(12.73 × 1000 / 1150) = round(11.0696) = 11.07; levy the rest, 1.66.
		{"two inclusive: the second takes the rest", []Tax{vat(1000), levy(150)}, 12345, 1, two, 1,
			11072, []TaxLine{in("VAT", 1107), in("LEVY", 166)}, 12345},
		// net = round(1000 × 10000 / 11000) = 909; share 91: 7 % round(63.7) = 64, 3 % 27.
		{"two inclusive 7 % + 3 % of 10.00", []Tax{vat(700), levy(300)}, 1000, 1, two, 1,
			909, []TaxLine{in("VAT", 64), in("LEVY", 27)}, 1000},
		// 0.05 / 1.11 = 0.045 → net 0.05: nothing is left to share. Each rounded on the net
		// would make the VAT round(0.005) = 0.01 and leave the levy −0.01; running totals give 0 and 0.
		{"two inclusive on 0.05: none negative", []Tax{vat(1000), levy(100)}, 5, 1, two, 1,
			5, []TaxLine{in("VAT", 0), in("LEVY", 0)}, 5},
		{"an inclusive tax of 0 % is 0", []Tax{vat(0), levy(1000)}, 11000, 1, two, 1,
			10000, []TaxLine{in("VAT", 0), in("LEVY", 1000)}, 11000},
		{"added: 200.00 + 8.75 %", []Tax{service(875)}, 20000, 2, two, 1,
			20000, []TaxLine{out("SVC", 1750)}, 21750},
		{"added, below half: 5 % of 100.09 = 5.0045 → 5.00", []Tax{service(500)}, 10009, 1, two, 1,
			10009, []TaxLine{out("SVC", 500)}, 10509},
		{"added, half away from zero: 5 % of 100.10 = 5.005 → 5.01", []Tax{service(500)}, 10010, 1, two, 1,
			10010, []TaxLine{out("SVC", 501)}, 10511},
		{"two added, each on the net (no tax on tax)", []Tax{service(1000), {Code: "ST", Name: "State tax", PercentBP: 600}}, 10000, 1, two, 1,
			10000, []TaxLine{out("SVC", 1000), out("ST", 600)}, 11600},
		// The README's example: net 110.72, VAT 11.07 and levy 1.66 included,
		// service 5 % of 110.72 = 5.536 → 5.54, city tax 2.50 × 2 (the child of 8 is exempt) × 3 (of 5) nights.
		{"mixed", []Tax{vat(1000), levy(150), service(500), city(250, 3, 12)}, 12345, 5, Party{Adults: 2, ChildAges: []int{8}}, 1,
			11072, []TaxLine{in("VAT", 1107), in("LEVY", 166), out("SVC", 554), out("CITY", 1500)}, 14399},
		{"city tax, every night", []Tax{city(250, 0, 0)}, 50000, 5, two, 1,
			50000, []TaxLine{out("CITY", 2500)}, 52500},
		{"city tax capped at 7 nights of 10", []Tax{city(250, 7, 0)}, 100000, 10, two, 1,
			100000, []TaxLine{out("CITY", 3500)}, 103500},
		{"city tax, cap above the stay", []Tax{city(250, 7, 0)}, 30000, 3, two, 1,
			30000, []TaxLine{out("CITY", 1500)}, 31500},
		{"city tax: children under 12 exempt, 12 and over not", []Tax{city(300, 0, 12)}, 10000, 1, Party{Adults: 2, ChildAges: []int{0, 11, 12, 17}}, 1,
			10000, []TaxLine{out("CITY", 1200)}, 11200},
		{"city tax: a child of unknown age is not exempt", []Tax{city(300, 0, 18)}, 10000, 2, Party{Adults: 1, ChildAges: []int{-1, 5}}, 1,
			10000, []TaxLine{out("CITY", 1200)}, 11200},
		{"city tax: no exemption age, every child pays", []Tax{city(300, 0, 0)}, 10000, 1, Party{Adults: 1, ChildAges: []int{0}}, 1,
			10000, []TaxLine{out("CITY", 600)}, 10600},
		{"a free night still pays the city tax", []Tax{vat(1000), service(1000), city(200, 0, 0)}, 0, 1, two, 1,
			0, []TaxLine{in("VAT", 0), out("SVC", 0), out("CITY", 400)}, 400},
		{"no nights", []Tax{vat(1000), city(200, 0, 0)}, 0, 0, two, 1,
			0, []TaxLine{in("VAT", 0), out("CITY", 0)}, 0},
		// Yen: ¥12 345 / 1.1 = ¥11 222.73 → ¥11 223, consumption tax ¥1 122; service
		// 10 % of ¥11 223 = ¥1 122.3 → ¥1 122; accommodation tax ¥200 × 2 × 2.
		{"whole yen", []Tax{{Code: "CT", Name: "Consumption tax", PercentBP: 1000, Inclusive: true}, service(1000), city(20000, 0, 0)}, 1_234_500, 2, two, 100,
			1_122_300, []TaxLine{in("CT", 112_200), out("SVC", 112_200), out("CITY", 80000)}, 1_426_700},
		{"whole yen, half away from zero: 5 % of ¥12 310 = ¥615.5 → ¥616", []Tax{service(500)}, 1_231_000, 1, two, 100,
			1_231_000, []TaxLine{out("SVC", 61600)}, 1_292_600},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ApplyTaxes(tc.taxes, tc.price, tc.nights, tc.party, tc.unit)
			for i := range got.Taxes {
				got.Taxes[i].Name = "" // names are checked below
			}
			want := TaxBreakdown{Net: tc.net, Taxes: tc.lines, Gross: tc.gross}
			if !equalBreakdown(got, want) {
				t.Errorf("ApplyTaxes = %+v\nwant %+v", got, want)
			}
			if got.Net+sumLines(got.Taxes) != got.Gross {
				t.Errorf("net + taxes = %s, gross %s", got.Net+sumLines(got.Taxes), got.Gross)
			}
		})
	}
	b := ApplyTaxes([]Tax{vat(1000), city(250, 0, 0)}, 11000, 1, Party{Adults: 1}, 1)
	j, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"net":"100.00","taxes":[{"code":"VAT","name":"VAT","amount":"10.00","included":true},` +
		`{"code":"CITY","name":"City tax","amount":"2.50","included":false}],"gross":"112.50"}`
	if string(j) != want {
		t.Errorf("JSON %s\nwant %s", j, want)
	}
	if j, _ := json.Marshal(ApplyTaxes(nil, 100, 1, two, 1)); string(j) != `{"net":"1.00","taxes":[],"gross":"1.00"}` {
		t.Errorf("JSON without taxes: %s", j)
	}
}

// sumLines returns the total of tax lines.
func sumLines(ls []TaxLine) Cents {
	var sum Cents
	for _, l := range ls {
		sum += l.Amount
	}
	return sum
}

func TestMinorUnit(t *testing.T) {
	t.Parallel()
	for currency, want := range map[string]Cents{"JPY": 100, "KRW": 100, "ISK": 100, "CLP": 100, "EUR": 1, "USD": 1, "GBP": 1, "": 1, "jpy": 1} {
		if got := MinorUnit(currency); got != want {
			t.Errorf("MinorUnit(%q) = %d, want %d", currency, got, want)
		}
	}
}

// TestTaxesAddUp draws hotels' taxes, rooms' prices and parties and checks
// the rules ApplyTaxes promises: every line is non-negative and in the
// currency's unit, net + taxes = gross exactly, net + the inclusive taxes =
// the price, net is the price without the inclusive taxes to half a unit,
// each inclusive tax is within a unit of its share, and a booking's rooms
// sum (SumBreakdowns) to their totals to the cent.
func TestTaxesAddUp(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(18, 2027))
	for round := range 5000 {
		unit := Cents(1)
		if r.IntN(4) == 0 {
			unit = 100
		}
		var taxes []Tax
		for i := range r.IntN(5) {
			tax := Tax{Code: fmt.Sprintf("T%d", i), Name: fmt.Sprintf("Tax %d", i)}
			switch r.IntN(3) {
			case 0:
				tax.PercentBP, tax.Inclusive = r.IntN(3001), true
			case 1:
				tax.PercentBP = r.IntN(3001)
			default:
				tax.PerPersonNight = Cents(1+r.IntN(1000)) * unit
				tax.MaxNights, tax.ExemptUnderAge = r.IntN(8), r.IntN(19)
			}
			taxes = append(taxes, tax)
		}
		var v Validation
		CheckTaxes(&v, "taxes", taxes)
		if err := v.Err(); err != nil {
			t.Fatalf("round %d: drew invalid taxes %+v: %v", round, taxes, err)
		}
		inclusiveOnly := !slices.ContainsFunc(taxes, func(t Tax) bool { return !t.included() })
		inclusive := 0
		for _, tax := range taxes {
			if tax.included() {
				inclusive += tax.PercentBP
			}
		}

		var rooms []TaxBreakdown
		for range 1 + r.IntN(4) {
			nights := r.IntN(15)
			price := Cents(r.Int64N(int64(nights+1)*50_000)) * unit
			party := Party{Adults: 1 + r.IntN(3)}
			for range r.IntN(3) {
				party.ChildAges = append(party.ChildAges, r.IntN(MaxChildAge+2)-1)
			}
			b := ApplyTaxes(taxes, price, nights, party, unit)
			where := fmt.Sprintf("round %d: %+v on %s for %d nights, %+v, unit %d: %+v", round, taxes, price, nights, party, unit, b)
			if len(b.Taxes) != len(taxes) || b.Net+sumLines(b.Taxes) != b.Gross {
				t.Fatalf("%s: net + taxes != gross", where)
			}
			included := b.Net
			for i, l := range b.Taxes {
				if l.Code != taxes[i].Code || l.Name != taxes[i].Name || l.Included != taxes[i].included() {
					t.Fatalf("%s: line %d is not tax %d", where, i, i)
				}
				if l.Amount < 0 || l.Amount%unit != 0 {
					t.Fatalf("%s: line %d negative or not in the unit", where, i)
				}
				if l.Included {
					included += l.Amount
					// |amount − share × bp / I| ≤ unit, in integers.
					if d := int64(l.Amount)*int64(inclusive) - int64(price-b.Net)*int64(taxes[i].PercentBP); d > int64(unit)*int64(inclusive) || -d > int64(unit)*int64(inclusive) {
						t.Fatalf("%s: line %d is more than a unit off its share", where, i)
					}
				}
			}
			if included != price {
				t.Fatalf("%s: net + inclusive taxes != price", where)
			}
			if inclusiveOnly && b.Gross != price {
				t.Fatalf("%s: only inclusive taxes, gross != price", where)
			}
			// |net × (10000 + I) − price × 10000| ≤ unit/2 × (10000 + I), doubled to stay in integers.
			if d := 2 * (int64(b.Net)*int64(10_000+inclusive) - int64(price)*10_000); d > int64(unit)*int64(10_000+inclusive) || -d > int64(unit)*int64(10_000+inclusive) {
				t.Fatalf("%s: net is not the price without the inclusive taxes", where)
			}
			rooms = append(rooms, b)
		}

		sum := SumBreakdowns(rooms)
		want := TaxBreakdown{Taxes: []TaxLine{}}
		for i, tax := range taxes {
			want.Taxes = append(want.Taxes, TaxLine{Code: tax.Code, Name: tax.Name, Included: tax.included()})
			for _, room := range rooms {
				want.Taxes[i].Amount += room.Taxes[i].Amount
			}
		}
		for _, room := range rooms {
			want.Net += room.Net
			want.Gross += room.Gross
		}
		if !equalBreakdown(sum, want) || sum.Net+sumLines(sum.Taxes) != sum.Gross {
			t.Fatalf("round %d: SumBreakdowns = %+v, want %+v", round, sum, want)
		}
	}
}

func TestSumBreakdowns(t *testing.T) {
	t.Parallel()
	a := TaxBreakdown{Net: 100, Gross: 130, Taxes: []TaxLine{{Code: "VAT", Name: "VAT", Amount: 10, Included: true}, {Code: "CITY", Name: "City", Amount: 20}}}
	b := TaxBreakdown{Net: 50, Gross: 58, Taxes: []TaxLine{{Code: "SVC", Name: "Service", Amount: 3}, {Code: "VAT", Name: "VAT", Amount: 5, Included: true}}}
	c := TaxBreakdown{Net: 7, Gross: 8, Taxes: []TaxLine{{Code: "VAT", Name: "VAT", Amount: 1}}} // the same code, added: another line
	got := SumBreakdowns([]TaxBreakdown{a, b, c})
	want := TaxBreakdown{Net: 157, Gross: 196, Taxes: []TaxLine{
		{Code: "VAT", Name: "VAT", Amount: 15, Included: true}, {Code: "CITY", Name: "City", Amount: 20},
		{Code: "SVC", Name: "Service", Amount: 3}, {Code: "VAT", Name: "VAT", Amount: 1},
	}}
	if !equalBreakdown(got, want) {
		t.Errorf("SumBreakdowns = %+v\nwant %+v", got, want)
	}
	if got := SumBreakdowns(nil); !equalBreakdown(got, TaxBreakdown{}) || got.Taxes == nil {
		t.Errorf("sum of none: %+v", got)
	}
}

func TestCheckTaxes(t *testing.T) {
	t.Parallel()
	ok := []Tax{
		{Code: "VAT", Name: "VAT", PercentBP: 2000, Inclusive: true},
		{Code: "SVC", Name: "Service charge", PercentBP: 1000},
		{Code: "CITY-TAX", Name: "Taxe de séjour", PerPersonNight: maxPolicyAmount, MaxNights: 365, ExemptUnderAge: 18},
		{Code: "ZERO", Name: "Zero-rated", PercentBP: 0},
	}
	with := func(i int, change func(*Tax)) []Tax {
		ts := slices.Clone(ok)
		change(&ts[i])
		return ts
	}
	cases := []struct {
		name  string
		taxes []Tax
		want  []string
	}{
		{"valid", ok, nil},
		{"none", nil, nil},
		{"too many", make([]Tax, MaxTaxes+1), []string{"taxes"}},
		{"no code", with(0, func(t *Tax) { t.Code = "" }), []string{"taxes[0].code"}},
		{"lower-case code", with(0, func(t *Tax) { t.Code = "vat" }), []string{"taxes[0].code"}},
		{"long code", with(0, func(t *Tax) { t.Code = "ABCDEFGHIJKLMNOPQ" }), []string{"taxes[0].code"}},
		{"duplicate code", with(1, func(t *Tax) { t.Code = "VAT" }), []string{"taxes[1].code"}},
		{"no name", with(0, func(t *Tax) { t.Name = " " }), []string{"taxes[0].name"}},
		{"a control character in the name", with(0, func(t *Tax) { t.Name = "VAT\n" }), []string{"taxes[0].name"}},
		{"percent over 100", with(1, func(t *Tax) { t.PercentBP = 10_001 }), []string{"taxes[1].percent_bp"}},
		{"negative percent", with(1, func(t *Tax) { t.PercentBP = -1 }), []string{"taxes[1].percent_bp"}},
		{"negative amount", with(2, func(t *Tax) { t.PerPersonNight = -1 }), []string{"taxes[2].per_person_night"}},
		{"amount too large", with(2, func(t *Tax) { t.PerPersonNight = maxPolicyAmount + 1 }), []string{"taxes[2].per_person_night"}},
		{"too many nights", with(2, func(t *Tax) { t.MaxNights = 366 }), []string{"taxes[2].max_nights"}},
		{"exempt age over 18", with(2, func(t *Tax) { t.ExemptUnderAge = 19 }), []string{"taxes[2].exempt_under_age"}},
		{"both kinds", with(2, func(t *Tax) { t.PercentBP = 100 }), []string{"taxes[2].per_person_night"}},
		{"a per-person amount included", with(2, func(t *Tax) { t.Inclusive = true }), []string{"taxes[2].per_person_night"}},
		{"a percentage with a night cap", with(1, func(t *Tax) { t.MaxNights = 3 }), []string{"taxes[1].per_person_night"}},
		{"a percentage with an exempt age", with(1, func(t *Tax) { t.ExemptUnderAge = 3 }), []string{"taxes[1].per_person_night"}},
	}
	for _, tc := range cases {
		var v Validation
		CheckTaxes(&v, "taxes", tc.taxes)
		var got []string
		for _, f := range v.fields {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	j, err := json.Marshal(ok[2])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"code":"CITY-TAX","name":"Taxe de séjour","per_person_night":"1000000.00","max_nights":365,"exempt_under_age":18}`; string(j) != want {
		t.Errorf("JSON %s\nwant %s", j, want)
	}
}

// TestMultiRoomPartialCancel is a booking of two rooms on different plans
// (flexible and semi-flexible) with VAT included and a city tax: its
// totals are its rooms' summed, and cancelling one room costs that room's
// fee by its own policy and leaves the other room's totals.
func TestMultiRoomPartialCancel(t *testing.T) {
	t.Parallel()
	loc := zone(t, "America/New_York")
	arrival := NewDate(2027, time.November, 8)
	taxes := []Tax{
		{Code: "SALES", Name: "Sales tax", PercentBP: 875},
		{Code: "CITY", Name: "Hotel room occupancy tax", PerPersonNight: 200, MaxNights: 2},
	}
	type room struct {
		nights []NightPrice
		party  Party
		policy CancellationPolicy
	}
	rooms := []room{
		{priced(arrival, 19999, 21001, 21001), Party{Adults: 2},
			CancellationPolicy{Deadline: &Deadline{HoursBefore: 48, At: "16:00"}, Fee: Fee{Nights: 1}}},
		{priced(arrival, 15000, 15000, 15000), Party{Adults: 1, ChildAges: []int{5}},
			CancellationPolicy{Deadline: &Deadline{DaysBefore: 7, At: "00:00"}, Fee: Fee{PercentBP: 3333}}},
	}
	// 2027-11-05 12:00 EDT: after room 1's deadline (2027-11-01 00:00 EDT),
	// before room 0's (48 real hours before 2027-11-08 16:00 EST:
	// 2027-11-06 17:00 EDT).
	now := instant(t, "2027-11-05T12:00:00-04:00")
	var quotes []CancellationQuote
	var breakdowns []TaxBreakdown
	for _, r := range rooms {
		quotes = append(quotes, r.policy.Quote(now, r.nights, arrival, loc, 1))
		breakdowns = append(breakdowns, ApplyTaxes(taxes, sumNights(r.nights), len(r.nights), r.party, 1))
	}
	// 33.33 % of 450.00 = 149.985 → 149.99.
	if quotes[0].Fee != 0 || !quotes[0].Free || quotes[1].Fee != 14999 || quotes[1].Free {
		t.Fatalf("room quotes: %+v", quotes)
	}
	line := func(code string, amount Cents) TaxLine {
		name := map[string]string{"SALES": "Sales tax", "CITY": "Hotel room occupancy tax"}[code]
		return TaxLine{Code: code, Name: name, Amount: amount}
	}
	wantRooms := []TaxBreakdown{
		// 620.01 × 8.75 % = 54.250875 → 54.25; 2 guests × 2 nights (of 3) × 2.00.
		{Net: 62001, Taxes: []TaxLine{line("SALES", 5425), line("CITY", 800)}, Gross: 62001 + 5425 + 800},
		// 450.00 × 8.75 % = 39.375 → 39.38; 2 guests (a child of 5 is not exempt here) × 2 × 2.00.
		{Net: 45000, Taxes: []TaxLine{line("SALES", 3938), line("CITY", 800)}, Gross: 45000 + 3938 + 800},
	}
	for i := range rooms {
		if !equalBreakdown(breakdowns[i], wantRooms[i]) {
			t.Fatalf("room %d: %+v\nwant %+v", i, breakdowns[i], wantRooms[i])
		}
	}
	total := SumBreakdowns(breakdowns)
	wantTotal := TaxBreakdown{Net: 107001, Taxes: []TaxLine{line("SALES", 9363), line("CITY", 1600)}, Gross: 117964}
	if !equalBreakdown(total, wantTotal) {
		t.Fatalf("booking totals %+v\nwant %+v", total, wantTotal)
	}
	booking := SumQuotes(quotes)
	if booking.Fee != 14999 || booking.Free || booking.Deadline == nil || !booking.Deadline.Equal(*quotes[1].Deadline) {
		t.Errorf("booking quote: %+v", booking)
	}
	// Cancel room 1 alone: its fee by its policy; what is left is room 0.
	fee := rooms[1].policy.FeeAt(now, rooms[1].nights, arrival, loc, 1)
	left := SumBreakdowns(breakdowns[:1])
	if fee != 14999 || !equalBreakdown(left, breakdowns[0]) {
		t.Errorf("cancelling room 1: fee %s, left %+v", fee, left)
	}
	if left.Gross+breakdowns[1].Gross != total.Gross || left.Net+breakdowns[1].Net != total.Net {
		t.Errorf("the parts do not add up to the booking: %+v + %+v != %+v", left, breakdowns[1], total)
	}
	// Cancel room 0 alone after its deadline: one night, its first.
	if fee := rooms[0].policy.FeeAt(instant(t, "2027-11-06T17:00:01-04:00"), rooms[0].nights, arrival, loc, 1); fee != 19999 {
		t.Errorf("room 0 after its deadline: %s", fee)
	}
}

// equalBreakdown compares breakdowns (a nil and an empty tax list alike).
func equalBreakdown(a, b TaxBreakdown) bool {
	return a.Net == b.Net && a.Gross == b.Gross && slices.Equal(a.Taxes, b.Taxes)
}
