package hotel

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// String encodes c as an opaque, URL-safe page token.
func (c SearchCursor) String() string {
	raw := strconv.FormatInt(int64(c.Total), 10) + "|" + strconv.FormatInt(c.HotelID, 10) + "|" + strconv.FormatInt(c.RoomTypeID, 10) +
		"|" + strconv.FormatInt(c.RatePlanID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseSearchCursor decodes a page token made by SearchCursor.String (or,
// without its rate plan, by the versions before rate plans).
func ParseSearchCursor(s string) (*SearchCursor, error) {
	bad := Errorf(EINVALID, "The page cursor is not valid; use the Link header of the previous page.")
	bad.Fields = []FieldError{{Field: "cursor", Reason: "not a cursor returned by this API"}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 90 {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) == 3 {
		parts = append(parts, "0")
	}
	if len(parts) != 4 {
		return nil, bad
	}
	total, err1 := strconv.ParseInt(parts[0], 10, 64)
	hid, err2 := strconv.ParseInt(parts[1], 10, 64)
	rid, err3 := strconv.ParseInt(parts[2], 10, 64)
	pid, err4 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || total < 0 || hid <= 0 || rid <= 0 || pid < 0 {
		return nil, bad
	}
	return &SearchCursor{Total: Cents(total), HotelID: hid, RoomTypeID: rid, RatePlanID: pid}, nil
}
