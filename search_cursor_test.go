package hotel_test

import (
	"encoding/base64"
	"errors"
	"testing"

	"github.com/hotelplatform/hotel"
)

func TestSearchCursorRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []hotel.SearchCursor{
		{Total: 0, HotelID: 1, RoomTypeID: 1},
		{Total: 109440, HotelID: 100, RoomTypeID: 1001},
		{Total: 1<<62 + 7, HotelID: 1<<63 - 1, RoomTypeID: 1<<63 - 1, RatePlanID: 1<<63 - 1},
		{Total: 5, HotelID: 2, RoomTypeID: 3, RatePlanID: 4},
	} {
		got, err := hotel.ParseSearchCursor(c.String())
		if err != nil || *got != c {
			t.Errorf("ParseSearchCursor(%v.String()) = %v, %v", c, got, err)
		}
	}
}

func TestParseSearchCursorRejects(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		"", "not base64!", enc("1|2"), enc("1|2|3|4|5"), enc("1|2|3|-4"), enc("1|2|3|x"), enc("-1|2|3"), enc("1|0|3"), enc("1|2|0"),
		enc("x|2|3"), enc("1|2|3.0"), enc("1|99999999999999999999|3"), enc("0|1|" + string(make([]byte, 90))),
		base64.StdEncoding.EncodeToString([]byte("1|2|3")) + "=",
	} {
		c, err := hotel.ParseSearchCursor(s)
		if err == nil {
			t.Errorf("ParseSearchCursor(%q) = %+v, want an error", s, c)
			continue
		}
		var he *hotel.Error
		if hotel.ErrorCode(err) != hotel.EINVALID || !errors.As(err, &he) || len(he.Fields) != 1 || he.Fields[0].Field != "cursor" {
			t.Errorf("ParseSearchCursor(%q) error = %v, want EINVALID naming cursor", s, err)
		}
	}
}

// A page token made before rate plans (total|hotel|room type) still works:
// it continues before the first plan of its room type.
func TestParseSearchCursorBeforeRatePlans(t *testing.T) {
	t.Parallel()
	got, err := hotel.ParseSearchCursor(base64.RawURLEncoding.EncodeToString([]byte("109440|111|4")))
	if err != nil || *got != (hotel.SearchCursor{Total: 109440, HotelID: 111, RoomTypeID: 4}) {
		t.Fatalf("ParseSearchCursor(old token) = %v, %v", got, err)
	}
}
