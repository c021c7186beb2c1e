package bookinghttp_test

import (
	"maps"
	"net/http"
	"reflect"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

func TestModify(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		writer := b.staffKey(t, "writer", hotel.ScopeBookingsWrite, hotel.ScopeGuestsRead)
		reader := b.staffKey(t, "reader", hotel.ScopeBookingsRead, hotel.ScopeGuestsRead)
		bk := b.create(t, standard("Ada Lovelace", 0, 2))
		other := b.create(t, standard("Grace Hopper", 0, 1))
		path := "/bookings/" + bk.BookingID
		auth := []string{"Authorization", bearer(writer)}

		// Move the stay with the current ETag: re-priced, new ETag.
		r := b.do(t, http.MethodPatch, path, map[string]any{"arrival_date": "2030-01-11", "stay_length": 3},
			append(auth, "If-Match", etag(1))...)
		moved := r.booking(t, http.StatusOK)
		room, nights, total := prices(bookingtest.LondonStandard, 10, 3)
		want := bk
		want.AccessToken = nil
		want.ArrivalDate, want.StayLength, want.CheckOutDate, want.IsWeekend = "2030-01-11", 3, "2030-01-14", true
		want.RoomPrice, want.NightlyPrices, want.TotalPrice = room, nights, total
		want.Version, want.CreatedAt, want.UpdatedAt = 2, bk.CreatedAt, moved.UpdatedAt
		checkBooking(t, moved, want)
		if total != "945.00" {
			t.Fatalf("fixture prices changed: %s", total)
		}
		if got := r.Header.Get("ETag"); got != etag(2) {
			t.Fatalf("ETag = %q, want %q", got, etag(2))
		}
		b.CheckInventory(t)

		// A stale ETag: 412, nothing changed.
		r = b.do(t, http.MethodPatch, path, map[string]any{"stay_length": 1}, append(auth, "If-Match", etag(1))...)
		r.problem(t, http.StatusPreconditionFailed, hotel.EPRECONDITION)
		if r.Header.Get("ETag") != "" {
			t.Fatalf("412 with an ETag")
		}
		// If-Match in every accepted form, and "*".
		for i, m := range []string{`"2"`, ` W/"3" `, `*`} {
			name := []string{"Ada King", "Ada Byron", "Ada Lovelace"}[i]
			r = b.do(t, http.MethodPatch, path, map[string]any{"guest_name": name}, append(auth, "If-Match", m)...)
			if got := r.booking(t, http.StatusOK); got.GuestName != name || got.Version != 3+i || r.Header.Get("ETag") != etag(3+i) {
				t.Fatalf("If-Match %s: %+v, ETag %q", m, got, r.Header.Get("ETag"))
			}
		}
		for _, m := range []string{"4", `W/4`, `"abc"`, `"0"`, `"-1"`, `W/"7", W/"6"`, `"7`} {
			r = b.do(t, http.MethodPatch, path, map[string]any{"stay_length": 1}, append(auth, "If-Match", m)...)
			p := r.problem(t, http.StatusBadRequest, hotel.EINVALID)
			fields(t, p, fe("If-Match", `must be one ETag as sent in a response, such as W/"3"`))
		}

		// Unknown, mistyped and invalid fields: 400 naming them, nothing changed.
		for _, c := range []struct {
			body   any
			errors []hotel.FieldError
		}{
			{map[string]any{"arrival_date": "2030-01-12", "pets": 1}, []hotel.FieldError{fe("pets", "unknown field")}},
			{map[string]any{"check_out_date": "2030-01-15"}, []hotel.FieldError{fe("check_out_date", "unknown field")}},
			{map[string]any{"reservation_status": "cancelled"}, []hotel.FieldError{fe("reservation_status", "unknown field")}},
			{map[string]any{"stay_length": "2"}, []hotel.FieldError{fe("stay_length", "must be an integer")}},
			{map[string]any{"arrival_date": "2029-12-30"}, []hotel.FieldError{fe("arrival_date", "is in the past at the hotel, where it is 2029-12-31")}},
			{map[string]any{"stay_length": 31}, []hotel.FieldError{fe("stay_length", "must be between 1 and 30 nights")}},
			{map[string]any{"children": 1}, []hotel.FieldError{fe("adults", "a party of 2 adult(s) and 1 child(ren) exceeds the 2 guests a room of Standard Rooms holds")}},
			{map[string]any{"room_type": "Suite"}, []hotel.FieldError{fe("room_type", `hotel 100 has no room type "Suite"`)}},
			{map[string]any{"guest_name": ""}, []hotel.FieldError{fe("guest_name", "is required")}},
			{`{"stay_length": 2`, nil},
			// null is not "leave unchanged": leaving the field out is.
			{`{"guest_name":null}`, []hotel.FieldError{fe("guest_name", "must not be null")}},
			{`{"arrival_date":null,"stay_length":null}`, []hotel.FieldError{fe("arrival_date", "must not be null"), fe("stay_length", "must not be null")}},
			// Exact, single names: no "last one wins", no other case.
			{`{"guest_name":"Ada Lovelace","guest_name":"Mallory"}`, []hotel.FieldError{fe("guest_name", "is given more than once")}},
			{`{"GUEST_NAME":"Mallory"}`, []hotel.FieldError{fe("GUEST_NAME", "unknown field (names are case-sensitive: guest_name)")}},
			// Safe single-line text only.
			{map[string]any{"guest_name": "Mallory\u202e"}, []hotel.FieldError{fe("guest_name", "must not contain bidirectional control characters (such as U+202E)")}},
			{map[string]any{"guest_name": "Ada\u2066Mallory\u2069"}, []hotel.FieldError{fe("guest_name", "must not contain bidirectional control characters (such as U+202E)")}},
			{map[string]any{"guest_name": "Ada\u2028Mallory"}, []hotel.FieldError{fe("guest_name", "must be a single line: no line or paragraph separators (U+2028, U+2029)")}},
			{map[string]any{"guest_name": "Ada\tMallory"}, []hotel.FieldError{fe("guest_name", "must not contain control characters")}},
			{"{\"guest_name\":\"Ada \xffMallory\"}", []hotel.FieldError{fe("body", "must be valid UTF-8")}},
		} {
			r = b.do(t, http.MethodPatch, path, c.body, append(auth, "If-Match", etag(5))...)
			fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), c.errors...)
		}
		// An impossible date names its field, with the domain's reason.
		r = b.do(t, http.MethodPatch, path, map[string]any{"arrival_date": "2030-02-31"}, append(auth, "If-Match", etag(5))...)
		fields(t, r.problem(t, http.StatusBadRequest, hotel.EINVALID), fe("arrival_date", `date "2030-02-31" is not a valid YYYY-MM-DD date`))
		// A body that is not declared JSON: 415 naming the header.
		r = b.do(t, http.MethodPatch, path, map[string]any{"guest_name": "Mallory"}, append(auth, "If-Match", etag(5), "Content-Type", "text/plain")...)
		fields(t, r.problem(t, http.StatusUnsupportedMediaType, hotel.EUNSUPPORTEDMEDIA), fe("Content-Type", "must be application/json"))
		now := b.do(t, http.MethodGet, path, nil, "Authorization", bearer(reader)).booking(t, http.StatusOK)
		want.GuestName, want.Version, want.UpdatedAt = "Ada Lovelace", 5, now.UpdatedAt
		checkBooking(t, now, want)

		// The owner's token may change its own booking (a new room type:
		// re-priced), but not another one.
		r = b.do(t, http.MethodPatch, path, map[string]any{"room_type": "deluxe rooms", "children": 1},
			"Authorization", bearer(*bk.AccessToken), "If-Match", etag(5))
		up := r.booking(t, http.StatusOK)
		room, nights, total = prices(bookingtest.LondonDeluxe, 10, 3)
		want.RoomType, want.RoomTypeID, want.Children = "Deluxe Rooms", bookingtest.LondonDeluxe, 1
		want.RatePlan, want.RatePlanID = "", 0 // the new room type's default plan
		want.RoomPrice, want.NightlyPrices, want.TotalPrice, want.Version, want.UpdatedAt = room, nights, total, 6, up.UpdatedAt
		checkBooking(t, up, want)
		r = b.do(t, http.MethodPatch, "/bookings/"+other.BookingID, map[string]any{"guest_name": "Mallory"},
			"Authorization", bearer(*bk.AccessToken))
		r.problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		r = b.do(t, http.MethodPatch, path, map[string]any{"guest_name": "Mallory"}, "Authorization", bearer(*other.AccessToken))
		r.problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		r = b.do(t, http.MethodPatch, path, map[string]any{"guest_name": "Mallory"}, "Authorization", bearer(reader))
		r.problem(t, http.StatusForbidden, hotel.EFORBIDDEN)
		r = b.do(t, http.MethodPatch, path, map[string]any{"guest_name": "Mallory"})
		r.problem(t, http.StatusUnauthorized, hotel.EUNAUTHORIZED)
		if s := b.stored(t, other.BookingID); s.GuestName != "Grace Hopper" || s.Version != 1 {
			t.Fatalf("other booking changed: %+v", s)
		}
		if s := b.stored(t, bk.BookingID); s.GuestName != "Ada Lovelace" || s.Version != 6 {
			t.Fatalf("booking changed by refused requests: %+v", s)
		}
		b.CheckInventory(t)
	})
}

func TestModifySoldOut(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		for _, g := range []string{"Guest A", "Guest B"} { // SmallCapacity
			b.create(t, deluxe(g, 20, 2))
		}
		bk := b.create(t, deluxe("Ada Lovelace", 40, 2))
		path := "/bookings/" + bk.BookingID
		before := b.stored(t, bk.BookingID)
		held := b.Held(t)

		r := b.do(t, http.MethodPatch, path, map[string]any{"arrival_date": "2030-01-20"}, "Authorization", bearer(adminKey))
		p := r.problem(t, http.StatusConflict, hotel.ECONFLICT)
		if want := []hotel.Date{bookingtest.Day(20)}; !reflect.DeepEqual(p.Nights, want) {
			t.Fatalf("nights = %v, want %v", p.Nights, want)
		}
		if p.Detail != "Deluxe Rooms is sold out on 1 night(s) of the stay from 2030-01-20." {
			t.Fatalf("detail = %q", p.Detail)
		}
		after := b.stored(t, bk.BookingID)
		if after.ArrivalDate != before.ArrivalDate || after.StayLength != before.StayLength || after.TotalPrice != before.TotalPrice ||
			!reflect.DeepEqual(after.NightlyPrices, before.NightlyPrices) || after.Status != hotel.StatusConfirmed || after.SyncPending {
			t.Fatalf("after a refused move: %+v\nbefore: %+v", after, before)
		}
		if !maps.Equal(b.Held(t), held) {
			t.Fatalf("holds changed by a refused move")
		}
		b.CheckInventory(t)
		// The booking still reads as it was and can still be changed.
		got := b.do(t, http.MethodGet, path, nil, "Authorization", bearer(*bk.AccessToken)).booking(t, http.StatusOK)
		if got.ArrivalDate != bk.ArrivalDate || got.TotalPrice != bk.TotalPrice || got.Status != "confirmed" {
			t.Fatalf("GET after a refused move: %+v", got)
		}
		r = b.do(t, http.MethodPatch, path, map[string]any{"arrival_date": "2030-01-23"},
			"Authorization", bearer(*bk.AccessToken), "If-Match", etag(got.Version))
		if m := r.booking(t, http.StatusOK); m.ArrivalDate != "2030-01-23" || m.CheckOutDate != "2030-01-25" {
			t.Fatalf("move after a refused one: %+v", m)
		}
		b.CheckInventory(t)
	})
}

func TestCancel(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		writer := b.staffKey(t, "writer", hotel.ScopeBookingsWrite)
		bk := b.create(t, standard("Ada Lovelace", 0, 2))
		own := b.create(t, standard("Grace Hopper", 1, 2))
		path := "/bookings/" + bk.BookingID

		// Stale If-Match first: 412, still confirmed.
		b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(writer), "If-Match", etag(2)).
			problem(t, http.StatusPreconditionFailed, hotel.EPRECONDITION)
		// Another booking's token: 404.
		b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(*own.AccessToken)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		b.do(t, http.MethodDelete, path, nil).problem(t, http.StatusUnauthorized, hotel.EUNAUTHORIZED)
		// A body: refused, not ignored (DELETE takes none).
		for _, body := range []any{`{}`, `{"reason":"changed plans"}`, "x"} {
			fields(t, b.do(t, http.MethodDelete, path, body, "Authorization", bearer(writer)).problem(t, http.StatusBadRequest, hotel.EINVALID),
				fe("body", "must be empty: this route takes no request body"))
		}
		if s := b.stored(t, bk.BookingID); s.Status != hotel.StatusConfirmed {
			t.Fatalf("status %s after refused cancels", s.Status)
		}

		r := b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(writer), "If-Match", etag(1))
		got := r.booking(t, http.StatusOK)
		want := bk
		want.AccessToken = nil
		want.GuestName = hotel.Redacted // the writer key has no guests:read
		want.Status, want.Version, want.UpdatedAt = "cancelled", 2, got.UpdatedAt
		want.CancelledAt = got.UpdatedAt // cancelled when the booking last changed, free (before the deadline)
		checkBooking(t, got, want)
		if r.Header.Get("ETag") != etag(2) {
			t.Fatalf("ETag = %q", r.Header.Get("ETag"))
		}
		b.CheckInventory(t)
		if s := b.stored(t, bk.BookingID); s.SyncPending || s.Status != hotel.StatusCancelled {
			t.Fatalf("stored after cancel: %s, sync pending %v", s.Status, s.SyncPending)
		}

		// Again: 409, whoever asks.
		p := b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(writer)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		if p.Detail != "Only confirmed bookings can be cancelled; booking "+bk.BookingID+" is cancelled." {
			t.Fatalf("detail = %q", p.Detail)
		}
		b.do(t, http.MethodDelete, path, nil, "Authorization", bearer(*bk.AccessToken)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		b.do(t, http.MethodPatch, path, map[string]any{"guest_name": "X"}, "Authorization", bearer(writer)).
			problem(t, http.StatusConflict, hotel.ECONFLICT)

		// The owner may cancel its own booking; it sees the name.
		got = b.do(t, http.MethodDelete, "/bookings/"+own.BookingID, nil, "Authorization", bearer(*own.AccessToken)).booking(t, http.StatusOK)
		if got.Status != "cancelled" || got.GuestName != "Grace Hopper" {
			t.Fatalf("owner cancel: %+v", got)
		}
		if held := b.Held(t); len(held) != 0 {
			t.Fatalf("nights still held after every booking was cancelled: %v", held)
		}
		b.CheckInventory(t)
	})
}

func TestCheckOut(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bench) {
		bk := b.create(t, standard("Ada Lovelace", 0, 3))
		later := b.create(t, standard("Grace Hopper", 5, 2))
		path := "/bookings/" + bk.BookingID + "/check-out"

		// Before the arrival day: refused.
		p := b.do(t, http.MethodPost, path, nil, "Authorization", bearer(*bk.AccessToken)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		if p.Detail != "The stay of booking "+bk.BookingID+" begins on 2030-01-01; cancel the booking instead." {
			t.Fatalf("detail = %q", p.Detail)
		}
		// During the stay (2030-01-02 in London): completed, departed today,
		// the nights from today on returned.
		b.Clock.Set(t, "2030-01-02T10:00:00Z")
		// But not with a body, which check-out does not take.
		fields(t, b.do(t, http.MethodPost, path, `{"from":"2030-01-02"}`, "Authorization", bearer(*bk.AccessToken)).
			problem(t, http.StatusBadRequest, hotel.EINVALID), fe("body", "must be empty: this route takes no request body"))
		b.do(t, http.MethodPost, path, nil, "Authorization", bearer(*later.AccessToken)).problem(t, http.StatusNotFound, hotel.ENOTFOUND)
		b.do(t, http.MethodPost, path, nil, "Authorization", bearer(adminKey), "If-Match", etag(2)).
			problem(t, http.StatusPreconditionFailed, hotel.EPRECONDITION)
		r := b.do(t, http.MethodPost, path, nil, "Authorization", bearer(*bk.AccessToken), "If-Match", etag(1))
		got := r.booking(t, http.StatusOK)
		want := bk
		want.AccessToken = nil
		want.Status, want.DepartedOn, want.Version, want.UpdatedAt = "completed", "2030-01-02", 2, got.UpdatedAt
		checkBooking(t, got, want)
		if r.Header.Get("ETag") != etag(2) {
			t.Fatalf("ETag = %q", r.Header.Get("ETag"))
		}
		held := b.Held(t)
		wantHeld := map[bookingtest.Night]int{
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(0)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(5)}: 1,
			{RoomTypeID: bookingtest.LondonStandard, Date: bookingtest.Day(6)}: 1,
		}
		if !maps.Equal(held, wantHeld) {
			t.Fatalf("held = %v, want %v", held, wantHeld)
		}
		b.CheckInventory(t)
		// Completed bookings do not check out, cancel or change again.
		b.do(t, http.MethodPost, path, nil, "Authorization", bearer(adminKey)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		b.do(t, http.MethodDelete, "/bookings/"+bk.BookingID, nil, "Authorization", bearer(adminKey)).problem(t, http.StatusConflict, hotel.ECONFLICT)
		// A body is not needed, but check-out of an unknown booking is 404.
		b.do(t, http.MethodPost, "/bookings/0190a0b0-0000-7000-8000-000000000000/check-out", nil, "Authorization", bearer(adminKey)).
			problem(t, http.StatusNotFound, hotel.ENOTFOUND)
	})
}
