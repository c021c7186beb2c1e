package hotel

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// zone loads an IANA zone or fails the test.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// instant parses an RFC 3339 time: the fake clock of these tests.
func instant(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// date parses a YYYY-MM-DD date or fails the test.
func date(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// priced returns nights from arrival at the given prices.
func priced(arrival Date, prices ...Cents) []NightPrice {
	out := make([]NightPrice, len(prices))
	for i, p := range prices {
		out[i] = NightPrice{Date: arrival.AddDays(i), Price: p}
	}
	return out
}

// The 2027 daylight-saving changes the tables below are built around:
//
//	Europe/London     28 Mar 01:00 GMT → 02:00 BST (gap 01:00–02:00);  31 Oct 02:00 BST → 01:00 GMT (01:00–02:00 twice)
//	America/New_York  14 Mar 02:00 EST → 03:00 EDT (gap 02:00–03:00);   7 Nov 02:00 EDT → 01:00 EST (01:00–02:00 twice)
//	Pacific/Auckland  26 Sep 02:00 NZST → 03:00 NZDT (gap 02:00–03:00);  4 Apr 03:00 NZDT → 02:00 NZST (02:00–03:00 twice)
//	America/Havana    14 Mar 00:00 CST → 01:00 CDT: the day has no midnight
func TestDeadlines(t *testing.T) {
	t.Parallel()
	days := func(n int, at string) *Deadline { return &Deadline{DaysBefore: n, At: at} }
	hours := func(n int, at string) *Deadline { return &Deadline{HoursBefore: n, At: at} }
	cases := []struct {
		name     string
		zone     string
		arrival  string
		deadline *Deadline
		want     string // the deadline with the hotel's offset
	}{
		// Around midnight, far from any change: the UTC date is often not the local one.
		{"London summer 00:00 the day before", "Europe/London", "2027-06-10", days(1, "00:00"), "2027-06-09T00:00:00+01:00"},
		{"London summer 23:59 the day before", "Europe/London", "2027-06-10", days(1, "23:59"), "2027-06-09T23:59:00+01:00"},
		{"London summer 18:00 on arrival", "Europe/London", "2027-06-10", days(0, "18:00"), "2027-06-10T18:00:00+01:00"},
		{"London winter 00:00 the day before", "Europe/London", "2027-01-15", days(1, "00:00"), "2027-01-14T00:00:00Z"},
		{"New York 00:00 two days before", "America/New_York", "2027-07-01", days(2, "00:00"), "2027-06-29T00:00:00-04:00"},
		{"New York 23:59 the day before (next day in UTC)", "America/New_York", "2027-07-01", days(1, "23:59"), "2027-06-30T23:59:00-04:00"},
		{"New York 18:00 the day before", "America/New_York", "2027-01-10", days(1, "18:00"), "2027-01-09T18:00:00-05:00"},
		{"Auckland 00:00 the day before (two days before in UTC)", "Pacific/Auckland", "2027-06-10", days(1, "00:00"), "2027-06-09T00:00:00+12:00"},
		{"Auckland 23:59 the day before", "Pacific/Auckland", "2027-06-10", days(1, "23:59"), "2027-06-09T23:59:00+12:00"},
		{"Auckland 18:00 the day before, summer", "Pacific/Auckland", "2027-01-10", days(1, "18:00"), "2027-01-09T18:00:00+13:00"},

		// London, spring forward (28 Mar): 01:00–01:59 does not exist.
		{"London gap: before it", "Europe/London", "2027-03-30", days(2, "00:59"), "2027-03-28T00:59:00Z"},
		{"London gap: its first minute", "Europe/London", "2027-03-30", days(2, "01:00"), "2027-03-28T02:00:00+01:00"},
		{"London gap: inside it", "Europe/London", "2027-03-30", days(2, "01:30"), "2027-03-28T02:00:00+01:00"},
		{"London gap: just after it", "Europe/London", "2027-03-30", days(2, "02:00"), "2027-03-28T02:00:00+01:00"},
		{"London gap day 18:00", "Europe/London", "2027-03-30", days(2, "18:00"), "2027-03-28T18:00:00+01:00"},
		{"London gap day midnight", "Europe/London", "2027-03-29", days(1, "00:00"), "2027-03-28T00:00:00Z"},
		// London, fall back (31 Oct): 01:00–01:59 happens twice; the first (BST) is taken.
		{"London overlap: before it", "Europe/London", "2027-11-01", days(1, "00:59"), "2027-10-31T00:59:00+01:00"},
		{"London overlap: its first minute", "Europe/London", "2027-11-01", days(1, "01:00"), "2027-10-31T01:00:00+01:00"},
		{"London overlap: inside it", "Europe/London", "2027-11-01", days(1, "01:30"), "2027-10-31T01:30:00+01:00"},
		{"London overlap: just after it", "Europe/London", "2027-11-01", days(1, "02:00"), "2027-10-31T02:00:00Z"},
		{"London overlap day 23:59", "Europe/London", "2027-11-01", days(1, "23:59"), "2027-10-31T23:59:00Z"},

		// New York, spring forward (14 Mar): 02:00–02:59 does not exist.
		{"New York gap: before it", "America/New_York", "2027-03-15", days(1, "01:59"), "2027-03-14T01:59:00-05:00"},
		{"New York gap: its first minute", "America/New_York", "2027-03-15", days(1, "02:00"), "2027-03-14T03:00:00-04:00"},
		{"New York gap: inside it", "America/New_York", "2027-03-15", days(1, "02:30"), "2027-03-14T03:00:00-04:00"},
		{"New York gap: just after it", "America/New_York", "2027-03-15", days(1, "03:00"), "2027-03-14T03:00:00-04:00"},
		{"New York gap day midnight", "America/New_York", "2027-03-15", days(1, "00:00"), "2027-03-14T00:00:00-05:00"},
		// New York, fall back (7 Nov): 01:00–01:59 happens twice.
		{"New York overlap: its first minute", "America/New_York", "2027-11-07", days(0, "01:00"), "2027-11-07T01:00:00-04:00"},
		{"New York overlap: inside it", "America/New_York", "2027-11-07", days(0, "01:30"), "2027-11-07T01:30:00-04:00"},
		{"New York overlap: its last minute", "America/New_York", "2027-11-07", days(0, "01:59"), "2027-11-07T01:59:00-04:00"},
		{"New York overlap: just after it", "America/New_York", "2027-11-07", days(0, "02:00"), "2027-11-07T02:00:00-05:00"},

		// Auckland, spring forward (26 Sep): 02:00–02:59 does not exist.
		{"Auckland gap: before it", "Pacific/Auckland", "2027-09-27", days(1, "01:59"), "2027-09-26T01:59:00+12:00"},
		{"Auckland gap: inside it", "Pacific/Auckland", "2027-09-27", days(1, "02:30"), "2027-09-26T03:00:00+13:00"},
		{"Auckland gap: just after it", "Pacific/Auckland", "2027-09-27", days(1, "03:00"), "2027-09-26T03:00:00+13:00"},
		{"Auckland gap day midnight", "Pacific/Auckland", "2027-09-27", days(1, "00:00"), "2027-09-26T00:00:00+12:00"},
		// Auckland, fall back (4 Apr): 02:00–02:59 happens twice.
		{"Auckland overlap: its first minute", "Pacific/Auckland", "2027-04-05", days(1, "02:00"), "2027-04-04T02:00:00+13:00"},
		{"Auckland overlap: inside it", "Pacific/Auckland", "2027-04-05", days(1, "02:30"), "2027-04-04T02:30:00+13:00"},
		{"Auckland overlap: just after it", "Pacific/Auckland", "2027-04-05", days(1, "03:00"), "2027-04-04T03:00:00+12:00"},
		{"Auckland overlap day 23:59", "Pacific/Auckland", "2027-04-05", days(1, "23:59"), "2027-04-04T23:59:00+12:00"},

		// Havana skips midnight itself: the day starts at 01:00.
		{"Havana: a midnight that does not exist", "America/Havana", "2027-03-15", days(1, "00:00"), "2027-03-14T01:00:00-04:00"},

		// Hours before: real elapsed hours, so the wall clock moves by 47 or 49.
		{"London 48h across spring forward", "Europe/London", "2027-03-29", hours(48, "15:00"), "2027-03-27T14:00:00Z"},
		{"London 48h across fall back", "Europe/London", "2027-11-01", hours(48, "15:00"), "2027-10-30T16:00:00+01:00"},
		{"London 24h before, arriving on the change", "Europe/London", "2027-03-28", hours(24, "15:00"), "2027-03-27T14:00:00Z"},
		{"New York 48h across spring forward", "America/New_York", "2027-03-15", hours(48, "16:00"), "2027-03-13T15:00:00-05:00"},
		{"New York 48h across fall back", "America/New_York", "2027-11-08", hours(48, "16:00"), "2027-11-06T17:00:00-04:00"},
		{"Auckland 48h across spring forward", "Pacific/Auckland", "2027-09-27", hours(48, "14:00"), "2027-09-25T13:00:00+12:00"},
		{"Auckland 48h across fall back", "Pacific/Auckland", "2027-04-05", hours(48, "14:00"), "2027-04-03T15:00:00+13:00"},
		{"Auckland 1h before a check-in inside the gap", "Pacific/Auckland", "2027-09-26", hours(1, "02:30"), "2027-09-26T01:00:00+12:00"},
		{"hours without a change", "Europe/London", "2027-06-10", hours(72, "14:00"), "2027-06-07T14:00:00+01:00"},

		// No deadline: free until the arrival date begins at the hotel.
		{"no deadline: London arrival midnight", "Europe/London", "2027-06-10", nil, "2027-06-10T00:00:00+01:00"},
		{"no deadline: Auckland arrival midnight", "Pacific/Auckland", "2027-06-10", nil, "2027-06-10T00:00:00+12:00"},
		{"no deadline: Havana arrival with no midnight", "America/Havana", "2027-03-14", nil, "2027-03-14T01:00:00-04:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tc.zone)
			arrival := date(t, tc.arrival)
			p := CancellationPolicy{Deadline: tc.deadline, Fee: Fee{Nights: 1}}
			var v Validation
			CheckCancellationPolicy(&v, "cancellation", p)
			if err := v.Err(); err != nil {
				t.Fatalf("policy not valid: %v", err)
			}
			got, ok := p.DeadlineAt(arrival, loc)
			if !ok || got.Format(time.RFC3339) != tc.want {
				t.Fatalf("DeadlineAt = %s, %v; want %s", got.Format(time.RFC3339), ok, tc.want)
			}
			if got.Location() != loc {
				t.Errorf("deadline in %v, want the hotel's zone %v", got.Location(), loc)
			}
			// The deadline instant itself is still free; the next nanosecond is not.
			nights := priced(arrival, 12000, 13000)
			for _, at := range []struct {
				offset time.Duration
				fee    Cents
			}{{-time.Hour, 0}, {-time.Nanosecond, 0}, {0, 0}, {time.Nanosecond, 12000}, {59 * time.Second, 12000}, {time.Hour, 12000}} {
				now := instant(t, tc.want).Add(at.offset)
				if fee := p.FeeAt(now, nights, arrival, loc, 1); fee != at.fee {
					t.Errorf("FeeAt(deadline %+v) = %s, want %s", at.offset, fee, at.fee)
				}
			}
		})
	}
}

// TestDateAtAgreesWithTheClocks checks Date.At against its definition —
// the first instant at which the zone's clocks show at least the wall time
// — read off the clocks minute by minute, for every quarter hour of the
// days around every change of 2026–2028 in zones with gaps and overlaps of
// an hour, of half an hour (Lord Howe), at midnight (Havana, Santiago), and
// none (Kolkata).
func TestDateAtAgreesWithTheClocks(t *testing.T) {
	t.Parallel()
	// wall is an instant's wall clock in loc, read as if it were UTC.
	wall := func(at time.Time, loc *time.Location) time.Time {
		l := at.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
	}
	zones := []string{"Europe/London", "America/New_York", "Pacific/Auckland", "Australia/Lord_Howe", "America/Havana", "America/Santiago", "Asia/Kolkata"}
	for _, name := range zones {
		loc := zone(t, name)
		var days []Date
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for at := start; at.Year() < 2029; {
			_, end := at.In(loc).ZoneBounds()
			if end.IsZero() || end.Year() > 2028 {
				break
			}
			d := DateOf(end.In(loc))
			days = append(days, d.AddDays(-1), d, d.AddDays(1))
			at = end
		}
		if name == "Asia/Kolkata" {
			days = append(days, NewDate(2027, time.March, 28))
		} else if len(days) < 6 {
			t.Fatalf("%s: %d days around changes, want those of three years", name, len(days))
		}
		for _, d := range days {
			for q := range 24 * 4 {
				hour, minute := q/4, q%4*15
				got := d.At(hour, minute, loc)
				want := d.Time().Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
				if got.Location() != loc {
					t.Fatalf("%s %s %02d:%02d: in %v", name, d, hour, minute, got.Location())
				}
				if wall(got, loc).Before(want) {
					t.Fatalf("%s %s %02d:%02d: At = %s, whose clock shows less", name, d, hour, minute, got)
				}
				// Every offset change here is on a minute and by at most an
				// hour, so a clock that reaches the wall time before got
				// would show it at some minute in the three hours before.
				for back := got.Add(-3 * time.Hour); back.Before(got); back = back.Add(time.Minute) {
					if !wall(back, loc).Before(want) {
						t.Fatalf("%s %s %02d:%02d: At = %s, but the clock already shows %s at %s", name, d, hour, minute, got, wall(back, loc), back)
					}
				}
				if !wall(got.Add(-time.Nanosecond), loc).Before(want) {
					t.Fatalf("%s %s %02d:%02d: At = %s is not the first instant", name, d, hour, minute, got)
				}
			}
		}
	}
}

func TestCancellationFees(t *testing.T) {
	t.Parallel()
	loc := zone(t, "Europe/London")
	arrival := NewDate(2027, time.June, 10)
	flexible := &Deadline{DaysBefore: 2, At: "18:00"} // 2027-06-08T17:00:00Z
	early := instant(t, "2027-06-01T09:00:00Z")       // before the deadline
	late := instant(t, "2027-06-09T09:00:00Z")        // after it, before arrival
	three := priced(arrival, 10000, 12000, 14001)     // total 360.01
	cases := []struct {
		name   string
		policy CancellationPolicy
		nights []NightPrice
		unit   Cents
		now    time.Time
		want   Cents
	}{
		{"free policy, early", CancellationPolicy{}, three, 1, early, 0},
		{"free policy, on the arrival day", CancellationPolicy{}, three, 1, instant(t, "2027-06-10T15:00:00+01:00"), 0},
		{"before the deadline nothing", CancellationPolicy{Deadline: flexible, Fee: Fee{Nights: 1}}, three, 1, early, 0},
		{"one night: the first", CancellationPolicy{Deadline: flexible, Fee: Fee{Nights: 1}}, three, 1, late, 10000},
		{"two nights", CancellationPolicy{Deadline: flexible, Fee: Fee{Nights: 2}}, three, 1, late, 22000},
		{"more nights than the stay: all of it", CancellationPolicy{Deadline: flexible, Fee: Fee{Nights: 5}}, three, 1, late, 36001},
		{"percent, exact", CancellationPolicy{Deadline: flexible, Fee: Fee{PercentBP: 10_000}}, three, 1, late, 36001},
		{"percent rounds half away from zero: 50% of 360.01 = 180.005", CancellationPolicy{Deadline: flexible, Fee: Fee{PercentBP: 5000}}, three, 1, late, 18001},
		{"percent rounds down below half: 33.33% of 360.01 = 119.991", CancellationPolicy{Deadline: flexible, Fee: Fee{PercentBP: 3333}}, three, 1, late, 11999},
		{"percent of an odd cent: 50% of 0.01", CancellationPolicy{Deadline: flexible, Fee: Fee{PercentBP: 5000}}, priced(arrival, 1), 1, late, 1},
		{"percent in whole yen: 10% of ¥12 345 is ¥1 235", CancellationPolicy{Deadline: flexible, Fee: Fee{PercentBP: 1000}}, priced(arrival, 1_234_500), 100, late, 123_500},
		{"fixed", CancellationPolicy{Deadline: flexible, Fee: Fee{Amount: 5000}}, three, 1, late, 5000},
		{"fixed, capped at the stay", CancellationPolicy{Deadline: flexible, Fee: Fee{Amount: 50000}}, three, 1, late, 36001},
		{"no deadline: free until the arrival date begins", CancellationPolicy{Fee: Fee{Nights: 1}}, three, 1, instant(t, "2027-06-09T23:59:59+01:00"), 0},
		{"no deadline: the fee once it has begun", CancellationPolicy{Fee: Fee{Nights: 1}}, three, 1, instant(t, "2027-06-10T00:00:01+01:00"), 10000},
		{"non-refundable: all of it, right after booking", CancellationPolicy{NonRefundable: true}, three, 1, instant(t, "2027-01-01T00:00:00Z"), 36001},
		{"non-refundable, late", CancellationPolicy{NonRefundable: true}, three, 1, late, 36001},
		{"a stay with no price costs nothing", CancellationPolicy{NonRefundable: true}, priced(arrival, 0, 0), 1, late, 0},
		{"a stay of no nights costs nothing", CancellationPolicy{Deadline: flexible, Fee: Fee{Amount: 5000}}, nil, 1, late, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.policy.FeeAt(tc.now, tc.nights, arrival, loc, tc.unit); got != tc.want {
				t.Errorf("FeeAt = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCancellationQuote(t *testing.T) {
	t.Parallel()
	loc := zone(t, "Pacific/Auckland")
	arrival := NewDate(2027, time.September, 27)
	nights := priced(arrival, 20000, 20000)
	flexible := CancellationPolicy{Deadline: &Deadline{DaysBefore: 1, At: "02:30"}, Fee: Fee{PercentBP: 5000}}
	before := flexible.Quote(instant(t, "2027-09-20T10:00:00Z"), nights, arrival, loc, 1)
	after := flexible.Quote(instant(t, "2027-09-26T10:00:00+13:00"), nights, arrival, loc, 1)
	nr := CancellationPolicy{NonRefundable: true}.Quote(instant(t, "2027-09-20T10:00:00Z"), nights, arrival, loc, 1)

	if before.Deadline == nil || before.Deadline.Format(time.RFC3339) != "2027-09-26T03:00:00+13:00" {
		t.Fatalf("deadline %v, want the first instant after the gap", before.Deadline)
	}
	if want := (CancellationQuote{Deadline: before.Deadline, Free: true, Fee: 0, LateFee: 20000}); before != want {
		t.Errorf("before: %+v, want %+v", before, want)
	}
	if after.Free || after.Fee != 20000 || after.LateFee != 20000 || !after.Deadline.Equal(*before.Deadline) {
		t.Errorf("after: %+v", after)
	}
	if nr.Deadline != nil || nr.Free || nr.Fee != 40000 || nr.LateFee != 40000 {
		t.Errorf("non-refundable: %+v", nr)
	}
	b, err := json.Marshal(before)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"cancellation_deadline":"2027-09-26T03:00:00+13:00","free_cancellation":true,"cancellation_fee":"0.00","late_cancellation_fee":"200.00"}`; string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(nr)
	if want := `{"free_cancellation":false,"cancellation_fee":"400.00","late_cancellation_fee":"400.00"}`; string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}

	sum := SumQuotes([]CancellationQuote{before, nr})
	if sum.Deadline != before.Deadline || sum.Free || sum.Fee != 40000 || sum.LateFee != 60000 {
		t.Errorf("sum: %+v", sum)
	}
	if sum := SumQuotes(nil); sum != (CancellationQuote{}) {
		t.Errorf("sum of none: %+v", sum)
	}
}

func TestNoShow(t *testing.T) {
	t.Parallel()
	arrival := NewDate(2027, time.March, 27)
	nights := priced(arrival, 10000, 11000, 12000)
	release := NoShowPolicy{Fee: Fee{Nights: 1}, ReleaseLaterNights: true}
	keep := NoShowPolicy{Fee: Fee{PercentBP: 10_000}}
	if got := release.FeeOf(nights, 1); got != 10000 {
		t.Errorf("one night: %s", got)
	}
	if got := keep.FeeOf(nights, 1); got != 33000 {
		t.Errorf("the whole stay: %s", got)
	}
	if got := (NoShowPolicy{}).FeeOf(nights, 1); got != 0 {
		t.Errorf("no fee: %s", got)
	}
	if got, want := release.Released(nights), []Date{arrival.AddDays(1), arrival.AddDays(2)}; !slices.Equal(got, want) {
		t.Errorf("released %v, want %v", got, want)
	}
	if got := keep.Released(nights); got != nil {
		t.Errorf("kept nights released: %v", got)
	}
	if got := release.Released(nights[:1]); got != nil {
		t.Errorf("a one-night stay has no later night: %v", got)
	}
}

func TestGuarantee(t *testing.T) {
	t.Parallel()
	auckland := zone(t, "Pacific/Auckland")
	havana := zone(t, "America/Havana")
	arrival := NewDate(2027, time.October, 1)
	nights := priced(arrival, 33333, 33333) // 666.66
	booked := instant(t, "2027-09-01T10:00:00Z")
	cases := []struct {
		name   string
		g      Guarantee
		nights []NightPrice
		booked time.Time
		loc    *time.Location
		unit   Cents
		want   GuaranteeDue
		dueAt  string // with the hotel's offset; "" for none
	}{
		{"none", Guarantee{Kind: GuaranteeNone}, nights, booked, auckland, 1, GuaranteeDue{Kind: GuaranteeNone}, ""},
		{"empty kind is none", Guarantee{}, nights, booked, auckland, 1, GuaranteeDue{Kind: GuaranteeNone}, ""},
		{"card: at booking", Guarantee{Kind: GuaranteeCard}, nights, booked, auckland, 1, GuaranteeDue{Kind: GuaranteeCard}, "2027-09-01T22:00:00+12:00"},
		{"deposit at booking, rounded half away from zero (25% of 666.66 = 166.665)", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 2500}, nights, booked, auckland, 1,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 16667}, "2027-09-01T22:00:00+12:00"},
		{"deposit 7 days before: the hotel's midnight starting that day (across spring forward)", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 10_000, DueDaysBefore: 7}, nights, booked, auckland, 1,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 66666}, "2027-09-24T00:00:00+12:00"},
		{"deposit 5 days before, after the change", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 10_000, DueDaysBefore: 5}, nights, booked, auckland, 1,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 66666}, "2027-09-26T00:00:00+12:00"},
		{"deposit booked after the due date: at booking", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 5000, DueDaysBefore: 30}, nights, booked, auckland, 1,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 33333}, "2027-09-01T22:00:00+12:00"},
		{"deposit due on a day with no midnight: 01:00", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 5000, DueDaysBefore: 1}, priced(NewDate(2027, time.March, 15), 10001), booked.AddDate(0, -7, 0), havana, 1,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 5001}, "2027-03-14T01:00:00-04:00"},
		{"deposit in whole yen", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 3000}, priced(arrival, 1_234_500), booked, zone(t, "Asia/Tokyo"), 100,
			GuaranteeDue{Kind: GuaranteeDeposit, Amount: 370_400}, "2027-09-01T19:00:00+09:00"}, // 30 % of ¥12 345 = ¥3 703.5 → ¥3 704
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var v Validation
			CheckGuarantee(&v, "guarantee", tc.g)
			if err := v.Err(); err != nil {
				t.Fatalf("not valid: %v", err)
			}
			got := tc.g.Due(tc.booked, tc.nights, tc.nights[0].Date, tc.loc, tc.unit)
			dueAt := ""
			if got.DueAt != nil {
				dueAt = got.DueAt.Format(time.RFC3339)
			}
			got.DueAt = nil
			if got != tc.want || dueAt != tc.dueAt {
				t.Errorf("Due = %+v at %q, want %+v at %q", got, dueAt, tc.want, tc.dueAt)
			}
		})
	}
}

func TestPolicyJSON(t *testing.T) {
	t.Parallel()
	p := CancellationPolicy{Deadline: &Deadline{DaysBefore: 2, At: "18:00"}, Fee: Fee{Amount: 5050}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"deadline":{"days_before":2,"at":"18:00"},"fee":{"amount":"50.50"}}`; string(b) != want {
		t.Errorf("JSON %s\nwant %s", b, want)
	}
	var back CancellationPolicy
	if err := json.Unmarshal(b, &back); err != nil || back.Fee != p.Fee || *back.Deadline != *p.Deadline {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{CancellationPolicy{NonRefundable: true}, `{"non_refundable":true}`},
		{CancellationPolicy{}, `{}`},
		{NoShowPolicy{Fee: Fee{Nights: 1}, ReleaseLaterNights: true}, `{"fee":{"nights":1},"release_later_nights":true}`},
		{Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 3000, DueDaysBefore: 14}, `{"kind":"deposit","deposit_percent_bp":3000,"due_days_before":14}`},
		{GuaranteeDue{Kind: GuaranteeDeposit, Amount: 12345}, `{"kind":"deposit","amount":"123.45"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("JSON of %+v = %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
}

func TestCheckPolicies(t *testing.T) {
	t.Parallel()
	at := func(days, hours int, clock string) *Deadline {
		return &Deadline{DaysBefore: days, HoursBefore: hours, At: clock}
	}
	fields := func(check func(v *Validation)) []string {
		var v Validation
		check(&v)
		var out []string
		for _, f := range v.fields {
			out = append(out, f.Field)
		}
		return out
	}
	cancellation := []struct {
		name string
		p    CancellationPolicy
		want []string
	}{
		{"free", CancellationPolicy{}, nil},
		{"a fee from the arrival date", CancellationPolicy{Fee: Fee{Nights: 1}}, nil},
		{"non-refundable", CancellationPolicy{NonRefundable: true}, nil},
		{"non-refundable with a fee", CancellationPolicy{NonRefundable: true, Fee: Fee{Nights: 1}}, []string{"c.non_refundable"}},
		{"non-refundable with a deadline", CancellationPolicy{NonRefundable: true, Deadline: at(1, 0, "18:00")}, []string{"c.non_refundable"}},
		{"days", CancellationPolicy{Deadline: at(365, 0, "23:59"), Fee: Fee{PercentBP: 10_000}}, nil},
		{"hours", CancellationPolicy{Deadline: at(0, 8760, "00:00"), Fee: Fee{Amount: maxPolicyAmount}}, nil},
		{"on arrival", CancellationPolicy{Deadline: at(0, 0, "14:00"), Fee: Fee{Nights: 365}}, nil},
		{"a deadline without a fee", CancellationPolicy{Deadline: at(1, 0, "18:00")}, []string{"c.fee"}},
		{"days and hours", CancellationPolicy{Deadline: at(1, 24, "18:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline"}},
		{"too many days", CancellationPolicy{Deadline: at(366, 0, "18:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline.days_before"}},
		{"negative days", CancellationPolicy{Deadline: at(-1, 0, "18:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline.days_before"}},
		{"too many hours", CancellationPolicy{Deadline: at(0, 8761, "18:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline.hours_before"}},
		{"no time of day", CancellationPolicy{Deadline: at(1, 0, ""), Fee: Fee{Nights: 1}}, []string{"c.deadline.at"}},
		{"24:00", CancellationPolicy{Deadline: at(1, 0, "24:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline.at"}},
		{"18:60", CancellationPolicy{Deadline: at(1, 0, "18:60"), Fee: Fee{Nights: 1}}, []string{"c.deadline.at"}},
		{"6pm", CancellationPolicy{Deadline: at(1, 0, "6:00p"), Fee: Fee{Nights: 1}}, []string{"c.deadline.at"}},
		{"seconds", CancellationPolicy{Deadline: at(1, 0, "18:00:00"), Fee: Fee{Nights: 1}}, []string{"c.deadline.at"}},
		{"two kinds of fee", CancellationPolicy{Fee: Fee{Nights: 1, Amount: 100}}, []string{"c.fee"}},
		{"three kinds of fee", CancellationPolicy{Fee: Fee{Nights: 1, PercentBP: 100, Amount: 100}}, []string{"c.fee"}},
		{"percent over 100", CancellationPolicy{Fee: Fee{PercentBP: 10_001}}, []string{"c.fee.percent_bp"}},
		{"negative percent", CancellationPolicy{Fee: Fee{PercentBP: -1}}, []string{"c.fee.percent_bp"}},
		{"negative amount", CancellationPolicy{Fee: Fee{Amount: -1}}, []string{"c.fee.amount"}},
		{"amount too large", CancellationPolicy{Fee: Fee{Amount: maxPolicyAmount + 1}}, []string{"c.fee.amount"}},
		{"too many nights", CancellationPolicy{Fee: Fee{Nights: 366}}, []string{"c.fee.nights"}},
	}
	for _, tc := range cancellation {
		if got := fields(func(v *Validation) { CheckCancellationPolicy(v, "c", tc.p) }); !slices.Equal(got, tc.want) {
			t.Errorf("cancellation %s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := fields(func(v *Validation) { CheckNoShowPolicy(v, "n", NoShowPolicy{Fee: Fee{Nights: 2, PercentBP: 1}}) }); !slices.Equal(got, []string{"n.fee"}) {
		t.Errorf("no-show with two kinds: %v", got)
	}
	if got := fields(func(v *Validation) {
		CheckNoShowPolicy(v, "n", NoShowPolicy{Fee: Fee{Nights: 1}, ReleaseLaterNights: true})
	}); got != nil {
		t.Errorf("no-show of one night: %v", got)
	}
	guarantees := []struct {
		name string
		g    Guarantee
		want []string
	}{
		{"empty", Guarantee{}, nil},
		{"none", Guarantee{Kind: GuaranteeNone}, nil},
		{"card", Guarantee{Kind: GuaranteeCard}, nil},
		{"deposit", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 10_000, DueDaysBefore: 365}, nil},
		{"deposit of nothing", Guarantee{Kind: GuaranteeDeposit}, []string{"g.deposit_percent_bp"}},
		{"deposit over 100%", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 10_001}, []string{"g.deposit_percent_bp"}},
		{"deposit due too early", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 100, DueDaysBefore: 366}, []string{"g.due_days_before"}},
		{"deposit due after arrival", Guarantee{Kind: GuaranteeDeposit, DepositPercentBP: 100, DueDaysBefore: -1}, []string{"g.due_days_before"}},
		{"a card with a percentage", Guarantee{Kind: GuaranteeCard, DepositPercentBP: 100}, []string{"g.kind"}},
		{"none with a due date", Guarantee{DueDaysBefore: 3}, []string{"g.kind"}},
		{"unknown kind", Guarantee{Kind: "cash"}, []string{"g.kind"}},
	}
	for _, tc := range guarantees {
		if got := fields(func(v *Validation) { CheckGuarantee(v, "g", tc.g) }); !slices.Equal(got, tc.want) {
			t.Errorf("guarantee %s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
