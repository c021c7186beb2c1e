package hotel

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date without a time of day or zone, as a hotel night is.
// The zero value is not a valid date; check with IsZero.
type Date struct {
	t time.Time // midnight UTC of the date
}

// DateLayout is the wire and storage format of a Date (ISO 8601, YYYY-MM-DD).
const DateLayout = "2006-01-02"

// NewDate returns the date year-month-day, normalising out-of-range values as time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// ParseDate parses a YYYY-MM-DD string. It rejects anything else, including
// dates that do not exist (2025-02-30).
func ParseDate(s string) (Date, error) {
	if len(s) != len(DateLayout) {
		return Date{}, fmt.Errorf("date %.40q is not in YYYY-MM-DD form", s)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.IsZero() { // 0001-01-01 is the zero Date, which means "no date"
		return Date{}, fmt.Errorf("date %q is not a valid YYYY-MM-DD date", s)
	}
	return Date{t: t}, nil
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// Today returns the current date in loc according to now: the hotel-local "today".
func Today(now time.Time, loc *time.Location) Date {
	return DateOf(now.In(loc))
}

// earliestZone is where the calendar day starts last (UTC−12).
var earliestZone = time.FixedZone("UTC-12", -12*60*60)

// EarliestToday returns the earliest "today" on Earth at now (in UTC−12):
// no hotel's today is before it.
func EarliestToday(now time.Time) Date { return Today(now, earliestZone) }

// At returns the first instant at which clocks in loc show date d at
// hour:minute (a nil loc is UTC), in loc. On most days a wall time is one
// instant. When the clocks skip it (the gap of a spring-forward change) it
// is the first instant after the gap: 01:30 on a day London goes from 01:00
// GMT to 02:00 BST is 02:00 BST. When the clocks show it twice (the
// overlap of a fall-back change) it is the earlier instant: 01:30 on a day
// New York goes back from 02:00 EDT to 01:00 EST is 01:30 EDT. time.Date
// does not promise either choice, so At computes them.
func (d Date) At(hour, minute int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, day := d.t.Date()
	wall := time.Date(y, m, day, hour, minute, 0, 0, time.UTC) // the wall time, read as if it were UTC
	// An instant's wall clock is the instant plus its offset, and offsets
	// are within ±15 hours, so the answer is after wall−15h. Walk the zone's
	// periods (spans of one offset) from there in order: within a period the
	// wall clock rises with the instant, so the first instant whose wall
	// clock reaches wall is the period's start (when the clock jumped past
	// wall into it) or wall minus the period's offset (when the period
	// shows wall at all).
	for t := wall.Add(-15 * time.Hour); ; {
		local := t.In(loc)
		_, secs := local.Zone()
		off := time.Duration(secs) * time.Second
		if !t.Add(off).Before(wall) {
			return local
		}
		_, end := local.ZoneBounds()
		if end.IsZero() || end.Add(off).After(wall) {
			return wall.Add(-off).In(loc)
		}
		t = end
	}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date {
	if n > -100_000 && n < 100_000 {
		// Midnight UTC has no daylight saving: a day is 24 hours, and
		// Add is far cheaper than AddDate's normalisation (search walks
		// the nights of every plan it quotes).
		return Date{t: d.t.Add(time.Duration(n) * 24 * time.Hour)}
	}
	return Date{t: d.t.AddDate(0, 0, n)}
}

// DaysUntil returns the number of nights from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Time returns midnight UTC of d, the form drivers store.
func (d Date) Time() time.Time { return d.t }

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	b, _ := d.AppendText(nil)
	return string(b)
}

// AppendText appends d as "YYYY-MM-DD" (nothing when zero); encoding/json
// writes it as a JSON string.
func (d Date) AppendText(b []byte) ([]byte, error) {
	if d.IsZero() {
		return b, nil
	}
	return d.t.AppendFormat(b, DateLayout), nil
}

// MarshalText encodes d as "YYYY-MM-DD" (empty when zero).
func (d Date) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalJSON decodes a "YYYY-MM-DD" string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string in YYYY-MM-DD form")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
