package hotel_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2030-01-01", true}, {"2028-02-29", true}, {"2030-02-29", false}, {"2030-13-01", false},
		{"2030-1-1", false}, {"2030-01-01T00:00:00Z", false}, {"", false}, {"tomorrow", false}, {" 2030-01-01", false},
	} {
		d, err := hotel.ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if tc.ok && d.String() != tc.in {
			t.Errorf("ParseDate(%q).String() = %q", tc.in, d)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	t.Parallel()
	d := hotel.NewDate(2030, 12, 30)
	if got := d.AddDays(3).String(); got != "2031-01-02" {
		t.Errorf("AddDays across a year = %s", got)
	}
	if n := d.DaysUntil(d.AddDays(366)); n != 366 {
		t.Errorf("DaysUntil = %d", n)
	}
	// Across a DST change the day count must stay exact (dates are zone-free).
	spring := hotel.NewDate(2030, 3, 30)
	if n := spring.DaysUntil(spring.AddDays(2)); n != 2 {
		t.Errorf("DaysUntil across DST = %d", n)
	}
	if !d.Before(d.AddDays(1)) || d.After(d.AddDays(1)) || d.AddDays(1).Weekday() != (d.Weekday()+1)%7 {
		t.Error("ordering or weekday wrong")
	}
}

func TestTodayIsHotelLocal(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 1, 11, 30, 0, 0, time.UTC)
	auckland, _ := time.LoadLocation("Pacific/Auckland")
	honolulu, _ := time.LoadLocation("Pacific/Honolulu")
	if got := hotel.Today(now, auckland).String(); got != "2030-01-02" {
		t.Errorf("Auckland today = %s, want 2030-01-02", got)
	}
	if got := hotel.Today(now, honolulu).String(); got != "2030-01-01" {
		t.Errorf("Honolulu today = %s, want 2030-01-01", got)
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		D hotel.Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2030-05-06"}`), &v); err != nil || v.D != hotel.NewDate(2030, 5, 6) {
		t.Fatalf("unmarshal = %v, %v", v.D, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2030-05-06"}` {
		t.Fatalf("marshal = %s", b)
	}
	for _, bad := range []string{`{"d":20300506}`, `{"d":"2030-02-30"}`, `{"d":null}`} {
		var w struct {
			D hotel.Date `json:"d"`
		}
		if err := json.Unmarshal([]byte(bad), &w); err == nil && bad != `{"d":null}` {
			t.Errorf("unmarshal %s accepted", bad)
		}
	}
}

func TestCents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want hotel.Cents
		ok   bool
	}{
		{"364.80", 36480, true}, {"364.8", 36480, true}, {"130", 13000, true}, {"0.05", 5, true}, {"-1.50", -150, true},
		{"1.234", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1e3", 0, false}, {"NaN", 0, false}, {"", 0, false},
		{"99999999999999999999", 0, false}, {"12,50", 0, false},
	} {
		got, err := hotel.ParseCents(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseCents(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if s := hotel.Cents(36480).String(); s != "364.80" {
		t.Errorf("String = %s", s)
	}
	for c, want := range map[hotel.Cents]string{-5: "-0.05", 0: "0.00", 7: "0.07", 100: "1.00", -123456: "-1234.56",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08"} {
		if s := c.String(); s != want {
			t.Errorf("String(%d) = %s, want %s", int64(c), s, want)
		}
	}
	b, _ := json.Marshal(hotel.Cents(60800))
	if string(b) != `"608.00"` {
		t.Errorf("JSON = %s, want a decimal string", b)
	}
	type row struct {
		D hotel.Date  `json:"d"`
		Z hotel.Date  `json:"z"`
		C hotel.Cents `json:"c"`
	}
	if b, _ := json.Marshal(row{D: hotel.NewDate(2030, 1, 2), C: -150}); string(b) != `{"d":"2030-01-02","z":"","c":"-1.50"}` {
		t.Errorf("JSON of dates and amounts = %s", b)
	}
}

func TestInventoryCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := hotel.InventoryCursor{HotelID: 111, Date: hotel.NewDate(2030, 1, 2), RoomTypeID: 4}
	got, err := hotel.ParseInventoryCursor(c.String())
	if err != nil || *got != c {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "!!!", "MTExfDIwMzAtMDEtMDI", "MHwyMDMwLTAxLTAyfDQ"} { // truncated; zero hotel id
		if _, err := hotel.ParseInventoryCursor(bad); hotel.ErrorCode(err) != hotel.EINVALID {
			t.Errorf("ParseInventoryCursor(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	if hotel.ErrorCode(nil) != "" || hotel.ErrorCode(errors.New("x")) != hotel.EINTERNAL {
		t.Error("ErrorCode of nil / plain errors")
	}
	inner := &hotel.Error{Code: hotel.ENOTFOUND, Message: "Hotel 9 was not found."}
	wrapped := errors.Join(errors.New("context"), inner)
	if hotel.ErrorCode(wrapped) != hotel.ENOTFOUND || hotel.ErrorMessage(wrapped) != "Hotel 9 was not found." {
		t.Error("codes and messages must survive wrapping")
	}
	if msg := hotel.ErrorMessage(errors.New(`pq: relation "hotel" does not exist`)); msg != "An internal error occurred." {
		t.Errorf("internal text leaked: %q", msg)
	}
	var v hotel.Validation
	if v.Err() != nil {
		t.Error("empty validation is an error")
	}
	v.Add("end_date", "must not be before start_date")
	var he *hotel.Error
	if !errors.As(v.Err(), &he) || he.Code != hotel.EINVALID || len(he.Fields) != 1 || !v.Has("end_date") {
		t.Errorf("validation error = %+v", he)
	}
}

func TestParseBookingID(t *testing.T) {
	t.Parallel()
	const canonical = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	tests := []struct {
		in, want string
		ok       bool
	}{
		{canonical, canonical, true},
		{"0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", canonical, true}, // any case, canonicalised
		{"0193a1B2-c3D4-7e5f-8A9b-0c1d2e3f4a5b", canonical, true},
		{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", true},
		{"", "", false},
		{"42", "", false},
		{"0193a1b2c3d47e5f8a9b0c1d2e3f4a5b", "", false},              // no hyphens
		{"{0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}", "", false},        // braces
		{"urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "", false}, // URN
		{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g", "", false},          // not hex
		{"0193a1b2-c3d4-7e5f-8a9b0-c1d2e3f4a5b", "", false},          // hyphen misplaced
		{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b ", "", false},
		{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "", false},
		{"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bb", "", false},
	}
	for _, tt := range tests {
		if got, ok := hotel.ParseBookingID(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseBookingID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
