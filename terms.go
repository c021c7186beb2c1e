package hotel

import (
	"strconv"
	"strings"
)

// Terms are what a stay was sold under: the rate plan as it was when the
// stay was priced and the restrictions in effect on each date of the stay
// through its check-out (only dates with some restriction). A booking
// keeps them; a later change of the plan or of its restrictions never
// alters them.
type Terms struct {
	RatePlan     RatePlan            `json:"rate_plan"`
	Party        Party               `json:"party"`
	Restrictions []DatedRestrictions `json:"restrictions,omitempty"`
	// TimeZone is the hotel's time zone and Taxes its taxes when the stay
	// was sold: deadlines are in that zone, and the price breakdown uses
	// those taxes (a stay sold before taxes were recorded has none).
	TimeZone string `json:"time_zone,omitempty"`
	Taxes    []Tax  `json:"taxes,omitempty"`
}

// DatedRestrictions are the restrictions in effect on a date.
type DatedRestrictions struct {
	Date Date `json:"date"`
	Restrictions
}

// HoldQuote is how the inventory service priced a hold: the plan, the party
// (Party.Key), each night's price for it, and the terms. The store records
// it with the hold.
type HoldQuote struct {
	RatePlanID int64
	Party      string
	Prices     []NightPrice
	Terms      Terms
}

// Key is the party in a canonical, comparable form: adults, then ';' and
// the children's ages in the order given (-1 unknown), e.g. "2;4,11".
func (p Party) Key() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(p.Adults))
	for i, a := range p.ChildAges {
		if i == 0 {
			b.WriteByte(';')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(a))
	}
	return b.String()
}

// PartyOf returns the party of adults and children, with the children's
// ages when given (one per child), else of unknown age.
func PartyOf(adults, children int, ages []int) Party {
	if len(ages) > 0 {
		return Party{Adults: adults, ChildAges: ages}
	}
	unknown := make([]int, children)
	for i := range unknown {
		unknown[i] = -1
	}
	return Party{Adults: adults, ChildAges: unknown}
}
