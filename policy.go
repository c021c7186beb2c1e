package hotel

import (
	"fmt"
	"time"
)

// This file holds the rules of what a stay costs besides its price: what
// cancelling costs and until when it is free, what a no-show costs and
// which nights it gives back, and what guarantee is due and when. They are
// pure arithmetic over a stay's nightly prices, its arrival date and the
// hotel's time zone; nothing here reads a clock (callers pass now) or
// stores anything. Amounts are rounded, where they must be, half away from
// zero to the currency's MinorUnit (roundTo).
//
// Rate plans carry them (RatePlan.Cancellation, NoShow, Guarantee), a
// booking's Terms snapshot the plan, and Booking.ShowTerms and offerOf
// apply them. Nothing marks a no-show yet (NoShowPolicy.FeeOf and
// Released are unused), and bookings are one room (SumQuotes is unused).

// Limits of the policies' numbers (Check* refuses anything outside them).
const (
	maxPolicyDays   = 365                // DaysBefore, DueDaysBefore, Fee.Nights
	maxPolicyHours  = 8760               // HoursBefore: 365 days
	maxPolicyAmount = Cents(100_000_000) // a fixed fee or a per-person tax: 1 000 000.00
)

// CancellationPolicy is what cancelling a stay costs. NonRefundable: the
// whole stay, from booking (Deadline and Fee are then empty). Otherwise
// cancelling is free until Deadline, inclusive — at the deadline instant
// itself it is still free, from the next instant it costs Fee. Without a
// Deadline cancelling is free until the arrival date begins at the hotel
// (00:00 hotel-local on the arrival date, as a Deadline of 0 days before at
// "00:00"), then costs Fee. The zero policy is free cancellation with no
// fee at any time: after arrival, what a stay costs is the no-show
// policy's or the stay's own business.
type CancellationPolicy struct {
	NonRefundable bool      `json:"non_refundable,omitempty"`
	Deadline      *Deadline `json:"deadline,omitempty"`
	Fee           Fee       `json:"fee,omitzero"`
}

// Deadline is when free cancellation ends, in the hotel's time zone. At is
// a time of day, "HH:MM" (00:00–23:59). With DaysBefore the deadline is At
// on the date DaysBefore days before arrival: the wall time, whatever the
// offset. With HoursBefore it is HoursBefore real hours before At on the
// arrival date (At is then the hotel's check-in time), so 48 hours across a
// daylight-saving change is 48 elapsed hours, 47 or 49 on the wall clock.
// At most one of them is set; neither is At on the arrival date. A wall
// time the clocks skip or show twice is resolved by Date.At: the first
// instant after the gap, the earlier of the two.
type Deadline struct {
	DaysBefore  int    `json:"days_before,omitempty"`
	HoursBefore int    `json:"hours_before,omitempty"`
	At          string `json:"at"`
}

// Fee is a charge on a stay: the first Nights nights' prices (all of them
// when the stay is shorter), PercentBP basis points of the stay's total
// rounded half away from zero to the currency's minor unit, or a fixed
// Amount. A fee has one kind; the zero Fee charges nothing. Whatever the
// kind, a fee is never negative and never more than the stay's total.
type Fee struct {
	Nights    int   `json:"nights,omitempty"`
	PercentBP int   `json:"percent_bp,omitempty"`
	Amount    Cents `json:"amount,omitempty"`
}

// Of returns the fee on a stay of nights (its nightly prices, arrival
// first) in a currency of minor unit unit. A fee of several kinds (which
// CheckCancellationPolicy refuses) counts as its first: nights, percent,
// amount.
func (f Fee) Of(nights []NightPrice, unit Cents) Cents {
	total := sumNights(nights)
	var fee Cents
	switch {
	case f.Nights > 0:
		fee = sumNights(nights[:min(f.Nights, len(nights))])
	case f.PercentBP > 0:
		fee = roundTo(int64(total)*int64(f.PercentBP), 10_000, unit)
	default:
		fee = f.Amount
	}
	return max(min(fee, total), 0)
}

// sumNights returns the total of nightly prices.
func sumNights(nights []NightPrice) Cents {
	var total Cents
	for _, n := range nights {
		total += n.Price
	}
	return total
}

// DeadlineAt returns the last instant of free cancellation for a stay
// arriving on arrival at a hotel in loc, in loc (so it marshals with the
// hotel's offset); false when cancelling is never free (non-refundable).
// A policy without a Deadline returns the start of the arrival date; a
// Deadline with both DaysBefore and HoursBefore (refused by validation)
// counts its hours.
func (p CancellationPolicy) DeadlineAt(arrival Date, loc *time.Location) (time.Time, bool) {
	if p.NonRefundable {
		return time.Time{}, false
	}
	d := Deadline{At: "00:00"}
	if p.Deadline != nil {
		d = *p.Deadline
	}
	hour, minute, _ := parseClock(d.At) // an invalid At (refused by validation) is 00:00
	if d.HoursBefore > 0 {
		return arrival.At(hour, minute, loc).Add(-time.Duration(d.HoursBefore) * time.Hour), true
	}
	return arrival.AddDays(-d.DaysBefore).At(hour, minute, loc), true
}

// CancellationQuote is what cancelling a stay (a room) costs at an instant:
// what a booking shows and what a cancellation preview answers.
type CancellationQuote struct {
	// Deadline is the last instant of free cancellation, with the hotel's
	// offset; nil when there is none (non-refundable). It may be past.
	Deadline *time.Time `json:"cancellation_deadline,omitempty"`
	// Free reports whether the instant is at or before Deadline: then Fee is 0.
	Free bool `json:"free_cancellation"`
	// Fee is what cancelling at the instant costs.
	Fee Cents `json:"cancellation_fee"`
	// LateFee is what cancelling after Deadline costs (for a non-refundable
	// stay: the whole stay, at any time).
	LateFee Cents `json:"late_cancellation_fee"`
}

// Quote returns what cancelling a stay of nights (arrival first), arriving
// on arrival at a hotel in loc whose currency has minor unit unit, costs at
// now. A stay booked after its deadline costs the fee from booking.
func (p CancellationPolicy) Quote(now time.Time, nights []NightPrice, arrival Date, loc *time.Location, unit Cents) CancellationQuote {
	late := p.Fee.Of(nights, unit)
	if p.NonRefundable {
		late = sumNights(nights)
	}
	q := CancellationQuote{Fee: late, LateFee: late}
	if deadline, ok := p.DeadlineAt(arrival, loc); ok {
		q.Deadline = &deadline
		if !now.After(deadline) {
			q.Free, q.Fee = true, 0
		}
	}
	return q
}

// FeeAt returns what cancelling the stay costs at now: Quote's Fee.
func (p CancellationPolicy) FeeAt(now time.Time, nights []NightPrice, arrival Date, loc *time.Location, unit Cents) Cents {
	return p.Quote(now, nights, arrival, loc, unit).Fee
}

// SumQuotes returns the quote for cancelling several rooms of a booking at
// the same instant: the fees and late fees summed, Free when every room is
// free, and Deadline the earliest of the rooms' deadlines — after it,
// cancelling them all costs more — nil when no room has one.
func SumQuotes(qs []CancellationQuote) CancellationQuote {
	sum := CancellationQuote{Free: len(qs) > 0}
	for _, q := range qs {
		sum.Fee += q.Fee
		sum.LateFee += q.LateFee
		sum.Free = sum.Free && q.Free
		if q.Deadline != nil && (sum.Deadline == nil || q.Deadline.Before(*sum.Deadline)) {
			sum.Deadline = q.Deadline
		}
	}
	return sum
}

// NoShowPolicy is what a guest who does not arrive owes: Fee, on the stay's
// nights as a cancellation fee is; and whether the nights after the first
// are given back to the hotel's inventory (ReleaseLaterNights) or kept for
// a late arrival. The first night is never released: it is the night
// missed.
type NoShowPolicy struct {
	Fee                Fee  `json:"fee,omitzero"`
	ReleaseLaterNights bool `json:"release_later_nights,omitempty"`
}

// FeeOf returns the no-show fee on a stay of nights (arrival first) in a
// currency of minor unit unit.
func (p NoShowPolicy) FeeOf(nights []NightPrice, unit Cents) Cents { return p.Fee.Of(nights, unit) }

// Released returns the nights a no-show gives back: every night after the
// first when ReleaseLaterNights, else none (nil).
func (p NoShowPolicy) Released(nights []NightPrice) []Date {
	if !p.ReleaseLaterNights || len(nights) < 2 {
		return nil
	}
	out := make([]Date, 0, len(nights)-1)
	for _, n := range nights[1:] {
		out = append(out, n.Date)
	}
	return out
}

// Guarantee kinds: nothing, a payment card on file, or a deposit.
const (
	GuaranteeNone    = "none"
	GuaranteeCard    = "card"
	GuaranteeDeposit = "deposit"
)

// GuaranteeKinds are the kinds a Guarantee may be (empty is none).
var GuaranteeKinds = []string{GuaranteeNone, GuaranteeCard, GuaranteeDeposit}

// Guarantee is what a booking must secure: nothing, a card on file (at
// booking), or a deposit of DepositPercentBP basis points of the stay,
// rounded as a percentage fee is, due DueDaysBefore days before arrival (0:
// at booking). The platform takes no payment: the booking records what is
// due and when.
type Guarantee struct {
	Kind             string `json:"kind"`
	DepositPercentBP int    `json:"deposit_percent_bp,omitempty"`
	DueDaysBefore    int    `json:"due_days_before,omitempty"`
}

// GuaranteeDue is what a booking's guarantee asks for: an Amount (a
// deposit's; 0 for a card) due at DueAt (with the hotel's offset; nil when
// nothing is due).
type GuaranteeDue struct {
	Kind   string     `json:"kind"`
	Amount Cents      `json:"amount"`
	DueAt  *time.Time `json:"due_at,omitempty"`
}

// Due returns what guarantee a stay of nights (arrival first), arriving on
// arrival at a hotel in loc whose currency has minor unit unit, booked at
// bookedAt, owes. A card is due at booking. A deposit is due at booking
// when DueDaysBefore is 0, else when the day DueDaysBefore days before
// arrival begins at the hotel (its 00:00, by Date.At), or at booking if
// that is later (a late booking pays at once). An empty or unknown kind
// (refused by validation) owes nothing.
func (g Guarantee) Due(bookedAt time.Time, nights []NightPrice, arrival Date, loc *time.Location, unit Cents) GuaranteeDue {
	if loc == nil {
		loc = time.UTC
	}
	booked := bookedAt.In(loc)
	switch g.Kind {
	case GuaranteeCard:
		return GuaranteeDue{Kind: GuaranteeCard, DueAt: &booked}
	case GuaranteeDeposit:
		due := booked
		if g.DueDaysBefore > 0 {
			if start := arrival.AddDays(-g.DueDaysBefore).At(0, 0, loc); start.After(booked) {
				due = start
			}
		}
		amount := Fee{PercentBP: g.DepositPercentBP}.Of(nights, unit)
		return GuaranteeDue{Kind: GuaranteeDeposit, Amount: amount, DueAt: &due}
	default:
		return GuaranteeDue{Kind: GuaranteeNone}
	}
}

// parseClock parses a time of day "HH:MM" (00:00–23:59).
func parseClock(s string) (hour, minute int, ok bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, false
	}
	digits := [4]byte{s[0], s[1], s[3], s[4]}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
	}
	hour = int(s[0]-'0')*10 + int(s[1]-'0')
	minute = int(s[3]-'0')*10 + int(s[4]-'0')
	if hour > 23 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// CheckCancellationPolicy adds to v, under field, what is wrong with p.
func CheckCancellationPolicy(v *Validation, field string, p CancellationPolicy) {
	if p.NonRefundable {
		if p.Deadline != nil || p.Fee != (Fee{}) {
			v.Add(field+".non_refundable", "a non-refundable policy charges the whole stay from booking: it has no deadline and no fee")
		}
		return
	}
	if d := p.Deadline; d != nil {
		if p.Fee == (Fee{}) {
			v.Add(field+".fee", "a deadline needs a fee to charge after it (free at any time: leave both out)")
		}
		if _, _, ok := parseClock(d.At); !ok {
			v.Add(field+".deadline.at", "must be a time of day, HH:MM from 00:00 to 23:59, in the hotel's time zone")
		}
		checkRange(v, field+".deadline.days_before", d.DaysBefore, 0, maxPolicyDays)
		checkRange(v, field+".deadline.hours_before", d.HoursBefore, 0, maxPolicyHours)
		if d.DaysBefore != 0 && d.HoursBefore != 0 {
			v.Add(field+".deadline", "set days_before or hours_before, not both")
		}
	}
	checkFee(v, field+".fee", p.Fee)
}

// CheckNoShowPolicy adds to v, under field, what is wrong with p.
func CheckNoShowPolicy(v *Validation, field string, p NoShowPolicy) {
	checkFee(v, field+".fee", p.Fee)
}

// CheckGuarantee adds to v, under field, what is wrong with g.
func CheckGuarantee(v *Validation, field string, g Guarantee) {
	switch g.Kind {
	case GuaranteeDeposit:
		checkRange(v, field+".deposit_percent_bp", g.DepositPercentBP, 1, 10_000)
		checkRange(v, field+".due_days_before", g.DueDaysBefore, 0, maxPolicyDays)
	case "", GuaranteeNone, GuaranteeCard:
		if g.DepositPercentBP != 0 || g.DueDaysBefore != 0 {
			v.Add(field+".kind", "only a deposit has deposit_percent_bp and due_days_before")
		}
	default:
		v.Add(field+".kind", "must be one of none, card, deposit")
	}
}

// checkFee adds to v, under field, what is wrong with f.
func checkFee(v *Validation, field string, f Fee) {
	checkRange(v, field+".nights", f.Nights, 0, maxPolicyDays)
	checkRange(v, field+".percent_bp", f.PercentBP, 0, 10_000)
	if f.Amount < 0 || f.Amount > maxPolicyAmount {
		v.Add(field+".amount", fmt.Sprintf("must be between 0.00 and %s", maxPolicyAmount))
	}
	kinds := 0
	for _, set := range []bool{f.Nights != 0, f.PercentBP != 0, f.Amount != 0} {
		if set {
			kinds++
		}
	}
	if kinds > 1 {
		v.Add(field, "a fee is nights, percent_bp or amount: one of them")
	}
}

// checkRange adds to v, under field, that n is outside lo–hi.
func checkRange(v *Validation, field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.Add(field, fmt.Sprintf("must be from %d to %d", lo, hi))
	}
}
