package hotel

import (
	"math/rand/v2"
	"testing"
)

// sellable is the README's restriction table read literally, night by
// night, for one plan with no ancestors: a second, plainer statement of
// the rules that Quote must agree with. rule(d) is the merged restriction
// of date d.
func sellable(rule func(Date) Restrictions, avail func(Date) int, in, out, today Date) bool {
	n := in.DaysUntil(out)
	ok := true
	for i := range n {
		d := in.AddDays(i)
		r := rule(d)
		ok = ok && avail(d) >= 1 && !r.StopSell && n >= r.MinStayThrough && (r.MaxStayThrough == 0 || n <= r.MaxStayThrough)
	}
	a := rule(in)
	lead := today.DaysUntil(in)
	ok = ok && !a.ClosedToArrival && n >= a.MinStayArrival && (a.MaxStayArrival == 0 || n <= a.MaxStayArrival)
	ok = ok && lead >= a.MinAdvance && (a.MaxAdvance == 0 || lead <= a.MaxAdvance)
	return ok && !rule(out).ClosedToDeparture
}

// TestQuoteAgreesWithTheTable draws random restrictions on the room type and
// the plan over a fortnight and checks every stay of up to 7 nights.
func TestQuoteAgreesWithTheTable(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2027))
	small := func(p float64, hi int) int {
		if r.Float64() < p {
			return 1 + r.IntN(hi)
		}
		return 0
	}
	for round := range 200 {
		v := newView()
		for i := range 16 {
			d := day0.AddDays(i)
			v.Rooms[RoomNight{1, d}] = r.IntN(3) // 0: sold out
			for _, plan := range []int64{0, 1} {
				v.set(1, plan, d, Restrictions{
					MinStayArrival: small(0.15, 4), MaxStayArrival: small(0.1, 6),
					MinStayThrough: small(0.15, 4), MaxStayThrough: small(0.1, 6),
					ClosedToArrival: r.Float64() < 0.1, ClosedToDeparture: r.Float64() < 0.1, StopSell: r.Float64() < 0.05,
					MinAdvance: small(0.1, 5), MaxAdvance: small(0.1, 10),
				})
			}
		}
		rule := func(d Date) Restrictions { return v.Restrictions(1, 0, d).Merge(v.Restrictions(1, 1, d)) }
		avail := func(d Date) int { return v.Rooms[RoomNight{1, d}] }
		for in := range 10 {
			for n := 1; n <= 7; n++ {
				s := stay(in, n)
				_, vs, err := Plans{1: flex}.Quote(v, room, flex, s)
				if err != nil {
					t.Fatal(err)
				}
				if want := sellable(rule, avail, s.CheckIn, s.CheckOut, s.Today); (vs == nil) != want {
					t.Fatalf("round %d, %s for %d nights: Quote broke %v, the table says sellable=%v", round, s.CheckIn, n, vs, want)
				}
			}
		}
	}
}
