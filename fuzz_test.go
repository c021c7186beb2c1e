package hotel_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

// Fuzz targets of the domain's request parsers: dates, money and page
// cursors. `go test` runs their seeds; scripts/fuzz.sh fuzzes each.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-12-14", "2030-01-01", "2024-02-29", "0001-01-01", "0000-01-01", "9999-12-31", "2025-02-30", "2025-13-01",
		"2025-00-10", "2025-1-1", "20250101", "2025-01-01T00:00:00Z", " 2025-01-01", "2025-01-01\n",
		"+2025-01-0", "-001-01-01", "２０２５-01-01", "", "'; DROP TABLE booking;--", "2025-01-01\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := hotel.ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) failed (%v) but returned %v", s, err, d)
			}
			return
		}
		// A date that parses formats back to the same string, is a real
		// calendar day and survives JSON.
		if d.IsZero() || d.String() != s {
			t.Fatalf("ParseDate(%q) = %q", s, d.String())
		}
		if tm := d.Time(); tm.Hour() != 0 || tm.Minute() != 0 || tm.Location() != time.UTC || hotel.DateOf(tm) != d {
			t.Fatalf("ParseDate(%q).Time() = %v, want midnight UTC of the date", s, tm)
		}
		if next := d.AddDays(1); d.DaysUntil(next) != 1 || !d.Before(next) || !next.After(d) {
			t.Fatalf("ParseDate(%q): the next day is %v (%d days away)", s, next, d.DaysUntil(next))
		}
		b, err := json.Marshal(d)
		if err != nil || string(b) != `"`+s+`"` {
			t.Fatalf("Marshal(%q) = %s, %v", s, b, err)
		}
		var back hotel.Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("Unmarshal(%s) = %v, %v; want %v", b, back, err, d)
		}
	})
}

func FuzzDateJSON(f *testing.F) {
	for _, s := range []string{
		`"2026-12-14"`, `"2025-02-30"`, `""`, `null`, `20261214`, `true`, `{}`, `[]`, `"2026-12-14T10:00:00Z"`,
		`"2026-12-14" `, `"\u0032026-12-14"`, `"2026-12-1\u0034"`, `"\xff"`, `1e400`, `{"date":"2026-12-14"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d hotel.Date
		err := json.Unmarshal(b, &d)
		checkClientText(t, b, err)
		if err != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal(%v): %v", d, err)
		}
		var back hotel.Date
		if err := json.Unmarshal(out, &back); err != nil || back != d {
			t.Fatalf("%s → %v → %s → %v, %v", b, d, out, back, err)
		}
	})
}

func FuzzParseCents(f *testing.F) {
	for _, s := range []string{
		"364.80", "364.8", "130", "0.05", "0", "-12.50", "-0", "007.10", "1.", ".5", "1.234", "1e3", "+1.00",
		"1,00", "92233720368547758.07", "92233720368547758.08", "-92233720368547758.07", "-10000000000000000", "99999999999999999999",
		"NaN", "Inf", "", "-", " 1.00", "１.00", "1.0\x00", "'; DROP TABLE booking;--",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := hotel.ParseCents(s)
		if err != nil {
			if c != 0 {
				t.Fatalf("ParseCents(%q) failed (%v) but returned %d", s, err, c)
			}
			return
		}
		// The value is exactly the decimal's, in hundredths.
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("ParseCents(%q) = %d, but %q is not a decimal", s, c, s)
		}
		if want := r.Mul(r, big.NewRat(100, 1)); !want.IsInt() || want.Num().Cmp(big.NewInt(int64(c))) != 0 {
			t.Fatalf("ParseCents(%q) = %d, want %s hundredths", s, c, want.RatString())
		}
		// Formatting gives the canonical form, which parses back to c.
		out := c.String()
		back, err := hotel.ParseCents(out)
		if err != nil || back != c {
			t.Fatalf("ParseCents(%q) = %d; String() = %q parses to %d, %v", s, c, out, back, err)
		}
		whole, frac, ok := strings.Cut(strings.TrimPrefix(out, "-"), ".")
		if !ok || len(frac) != 2 || whole == "" || (len(whole) > 1 && whole[0] == '0') {
			t.Fatalf("Cents(%d).String() = %q, not canonical", c, out)
		}
		j, err := json.Marshal(c)
		if err != nil || string(j) != `"`+out+`"` {
			t.Fatalf("Marshal(%d) = %s, %v", c, j, err)
		}
	})
}

func FuzzCentsJSON(f *testing.F) {
	for _, s := range []string{
		`"364.80"`, `"0.05"`, `"-1.00"`, `364.80`, `1e400`, `"1e400"`, `null`, `""`, `"9223372036854775807"`,
		`"92233720368547758.07"`, `"92233720368547758.08"`, `true`, `["1.00"]`, `{"price":"1.00"}`, `"\u0031.00"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c hotel.Cents
		err := json.Unmarshal(b, &c)
		checkClientText(t, b, err)
		if err != nil {
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal(%d): %v", c, err)
		}
		var back hotel.Cents
		if err := json.Unmarshal(out, &back); err != nil || back != c {
			t.Fatalf("%s → %d → %s → %d, %v", b, c, out, back, err)
		}
	})
}

// checkClientText fails t if err — which the API shows clients as a field
// reason — carries Go internals the input did not contain.
func checkClientText(t *testing.T, input []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, leak := range []string{"json:", "strconv.", "hotel.", "Go value", "panic", "goroutine", ".go:"} {
		if strings.Contains(msg, leak) && !strings.Contains(string(input), leak) {
			t.Fatalf("error for %q shows internals (%q): %s", input, leak, msg)
		}
	}
}

func FuzzParseInventoryCursor(f *testing.F) {
	f.Add(hotel.InventoryCursor{HotelID: 111, Date: hotel.NewDate(2030, 1, 1), RoomTypeID: 4}.String())
	f.Add(hotel.InventoryCursor{HotelID: math.MaxInt64, Date: hotel.NewDate(9999, 12, 31), RoomTypeID: math.MaxInt64}.String())
	for _, raw := range []string{"0|2030-01-01|1", "1|2030-02-30|1", "1|2030-01-01", "1|2030-01-01|1|1", "-1|2030-01-01|1",
		"+1|2030-01-01|+1", "1|2030-01-01|9223372036854775808", "' OR 1=1 --|2030-01-01|1"} {
		f.Add(b64(raw))
	}
	for _, s := range []string{"", "not a cursor", "MTExfDIwMzAtMDEtMDF8NA==", "%2e%2e%2f", "../../etc/passwd", strings.Repeat("A", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := hotel.ParseInventoryCursor(s)
		if err != nil {
			checkCursorError(t, s, err, c == nil)
			return
		}
		if c.HotelID <= 0 || c.RoomTypeID <= 0 || c.Date.IsZero() {
			t.Fatalf("ParseInventoryCursor(%q) = %+v", s, *c)
		}
		back, err := hotel.ParseInventoryCursor(c.String())
		if err != nil || *back != *c {
			t.Fatalf("cursor %q → %+v → %q → %v, %v", s, *c, c.String(), back, err)
		}
	})
}

func FuzzParseSearchCursor(f *testing.F) {
	f.Add(hotel.SearchCursor{Total: 109440, HotelID: 111, RoomTypeID: 4}.String())
	f.Add(hotel.SearchCursor{Total: 0, HotelID: 1, RoomTypeID: 1}.String())
	f.Add(hotel.SearchCursor{Total: math.MaxInt64, HotelID: math.MaxInt64, RoomTypeID: math.MaxInt64}.String())
	for _, raw := range []string{"-1|1|1", "1|0|1", "1|1", "1.50|1|1", "1|1|1|", "1e3|1|1", "'; DROP TABLE booking;--|1|1"} {
		f.Add(b64(raw))
	}
	for _, s := range []string{"", "====", "MTA5NDQwfDExMXw0", strings.Repeat("z", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := hotel.ParseSearchCursor(s)
		if err != nil {
			checkCursorError(t, s, err, c == nil)
			return
		}
		if c.Total < 0 || c.HotelID <= 0 || c.RoomTypeID <= 0 {
			t.Fatalf("ParseSearchCursor(%q) = %+v", s, *c)
		}
		back, err := hotel.ParseSearchCursor(c.String())
		if err != nil || *back != *c {
			t.Fatalf("cursor %q → %+v → %q → %v, %v", s, *c, c.String(), back, err)
		}
	})
}

// checkCursorError checks a rejected cursor's error is the client-facing
// EINVALID naming the cursor, and nothing else came back.
func checkCursorError(t *testing.T, s string, err error, nilCursor bool) {
	t.Helper()
	var he *hotel.Error
	if !errors.As(err, &he) || he.Code != hotel.EINVALID || len(he.Fields) != 1 || he.Fields[0].Field != "cursor" || !nilCursor {
		t.Fatalf("cursor %q: error %#v (nil cursor %v), want EINVALID naming cursor", s, err, nilCursor)
	}
}

// b64 encodes raw as the cursors do (base64url without padding).
func b64(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
