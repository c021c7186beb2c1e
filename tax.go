package hotel

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file holds the rules of a hotel's taxes and fees on a room's price:
// what part of the price is net, what each tax is, and what the guest pays
// in all (gross). Hotels carry their taxes (Hotel.Taxes), a booking's
// Terms snapshot them, and offers and bookings show ApplyTaxes' breakdown
// (SumBreakdowns waits for bookings of several rooms).

// Tax is one of a hotel's taxes or fees, of one of two kinds.
//
// A percentage (PercentBP basis points, PerPersonNight 0) of the net price,
// either included in the price as sold (Inclusive: VAT in most of Europe)
// or added to it (a service charge, US sales tax).
//
// A per-person-per-night amount (PerPersonNight; PercentBP 0), always added
// (a city tax): for every guest who is not exempt, for each night up to
// MaxNights (0: every night). A child whose age is under ExemptUnderAge is
// exempt; a child of unknown age (-1, see Party) is not, as the hotel
// cannot show the child is exempt; adults never are.
type Tax struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	PercentBP      int    `json:"percent_bp,omitempty"`
	Inclusive      bool   `json:"inclusive,omitempty"`
	PerPersonNight Cents  `json:"per_person_night,omitempty"`
	MaxNights      int    `json:"max_nights,omitempty"`
	ExemptUnderAge int    `json:"exempt_under_age,omitempty"`
}

// TaxLine is one tax on a room: its code and name, the amount, and whether
// the amount is included in the price as sold.
type TaxLine struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Amount   Cents  `json:"amount"`
	Included bool   `json:"included"`
}

// TaxBreakdown splits what a room costs: Net plus every tax is Gross,
// exactly.
type TaxBreakdown struct {
	Net   Cents     `json:"net"`
	Taxes []TaxLine `json:"taxes"`
	Gross Cents     `json:"gross"`
}

// ApplyTaxes returns the breakdown of a room sold at price (the total of
// its nights for its party) for nights nights, in a currency whose minor
// unit is unit (MinorUnit). Taxes are computed on the room's stay, once;
// every rounding is half away from zero to a multiple of unit:
//
//  1. net = round(price × 10000 / (10000 + I)), I the sum of the inclusive
//     percentages in basis points (no inclusive tax: net = price).
//  2. The inclusive taxes share price − net in proportion to their
//     percentages, by running totals: the first k of them together take
//     round((price − net) × (their basis points) / I), and once their
//     basis points reach I all of price − net. Each tax is the difference
//     of two running totals: within one unit of its exact share, never
//     negative, and net + the inclusive taxes = price exactly.
//  3. Each added percentage = round(net × basis points / 10000): of the
//     net, never of another tax.
//  4. Each per-person-per-night amount = amount × guests not exempt ×
//     min(nights, MaxNights), exactly.
//  5. gross = net + every tax: the price plus the added taxes.
//
// Lines come in the order of taxes. A booking of several rooms sums its
// rooms' breakdowns (SumBreakdowns), so its totals are the sum of its
// rooms' to the cent.
func ApplyTaxes(taxes []Tax, price Cents, nights int, party Party, unit Cents) TaxBreakdown {
	inclusive := 0
	for _, t := range taxes {
		if t.included() {
			inclusive += t.PercentBP
		}
	}
	b := TaxBreakdown{Net: price, Taxes: make([]TaxLine, 0, len(taxes))}
	if inclusive > 0 {
		b.Net = roundTo(int64(price)*10_000, int64(10_000+inclusive), unit)
	}
	share := price - b.Net   // what the inclusive taxes take
	bp, taken := 0, Cents(0) // the running totals of the inclusive taxes' basis points and amounts
	for _, t := range taxes {
		line := TaxLine{Code: t.Code, Name: t.Name, Included: t.included()}
		switch {
		case line.Included:
			bp += t.PercentBP
			upTo := share
			if bp < inclusive {
				upTo = min(roundTo(int64(share)*int64(bp), int64(inclusive), unit), share)
			}
			line.Amount, taken = upTo-taken, upTo
		case t.PerPersonNight != 0:
			nightsTaxed := nights
			if t.MaxNights > 0 {
				nightsTaxed = min(nights, t.MaxNights)
			}
			line.Amount = t.PerPersonNight * Cents(t.liable(party)*max(nightsTaxed, 0))
		default:
			line.Amount = roundTo(int64(b.Net)*int64(t.PercentBP), 10_000, unit)
		}
		b.Taxes = append(b.Taxes, line)
	}
	b.Gross = b.Net
	for _, l := range b.Taxes {
		b.Gross += l.Amount
	}
	return b
}

// included reports whether t is a percentage included in the price.
func (t Tax) included() bool { return t.Inclusive && t.PerPersonNight == 0 }

// liable returns how many of party pay a per-person tax: the adults and
// every child not under ExemptUnderAge, a child of unknown age included.
func (t Tax) liable(party Party) int {
	n := party.Adults
	for _, age := range party.ChildAges {
		if age < 0 || age >= t.ExemptUnderAge {
			n++
		}
	}
	return n
}

// SumBreakdowns returns the breakdown of several rooms: their nets, gross
// and each tax (by code and whether included, in the order first met)
// summed.
func SumBreakdowns(bs []TaxBreakdown) TaxBreakdown {
	sum := TaxBreakdown{Taxes: []TaxLine{}}
	for _, b := range bs {
		sum.Net += b.Net
		sum.Gross += b.Gross
		for _, l := range b.Taxes {
			i := 0
			for i < len(sum.Taxes) && (sum.Taxes[i].Code != l.Code || sum.Taxes[i].Included != l.Included) {
				i++
			}
			if i == len(sum.Taxes) {
				sum.Taxes = append(sum.Taxes, TaxLine{Code: l.Code, Name: l.Name, Included: l.Included})
			}
			sum.Taxes[i].Amount += l.Amount
		}
	}
	return sum
}

// MaxTaxes is the most taxes a hotel may have.
const MaxTaxes = 10

// taxCode is the form of a tax's code: 1–16 capital letters, digits, '-'
// or '_', starting with a letter or digit ("VAT", "CITY-TAX").
var taxCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,15}$`)

// CheckTaxes adds to v, under field, what is wrong with a hotel's taxes.
func CheckTaxes(v *Validation, field string, taxes []Tax) {
	if len(taxes) > MaxTaxes {
		v.Add(field, fmt.Sprintf("at most %d taxes", MaxTaxes))
		return
	}
	seen := map[string]bool{}
	for i, t := range taxes {
		f := fmt.Sprintf("%s[%d].", field, i)
		switch {
		case !taxCode.MatchString(t.Code):
			v.Add(f+"code", "must be 1 to 16 capital letters, digits, '-' or '_', starting with a letter or digit")
		case seen[t.Code]:
			v.Add(f+"code", "must be unique among the hotel's taxes")
		}
		seen[t.Code] = true
		if fault := TextFault(t.Name); fault != "" {
			v.Add(f+"name", fault)
		} else if strings.TrimSpace(t.Name) == "" || utf8.RuneCountInString(t.Name) > 100 {
			v.Add(f+"name", "must be 1 to 100 characters")
		}
		checkRange(v, f+"percent_bp", t.PercentBP, 0, 10_000)
		if t.PerPersonNight < 0 || t.PerPersonNight > maxPolicyAmount {
			v.Add(f+"per_person_night", fmt.Sprintf("must be between 0.00 and %s", maxPolicyAmount))
		}
		checkRange(v, f+"max_nights", t.MaxNights, 0, maxPolicyDays)
		checkRange(v, f+"exempt_under_age", t.ExemptUnderAge, 0, MaxChildAge+1)
		if t.PerPersonNight != 0 && (t.PercentBP != 0 || t.Inclusive) {
			v.Add(f+"per_person_night", "a tax is a percentage (percent_bp, inclusive) or a per-person-per-night amount, not both")
		}
		if t.PerPersonNight == 0 && (t.MaxNights != 0 || t.ExemptUnderAge != 0) {
			v.Add(f+"per_person_night", "max_nights and exempt_under_age apply to a per-person-per-night amount only")
		}
	}
}
