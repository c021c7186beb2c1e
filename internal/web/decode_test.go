package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// post is a POST with body and, unless it is "-", the Content-Type ct.
func post(body, ct string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
	if ct != "-" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

// wantError checks err is a *hotel.Error with code and, when given, fields.
func wantError(t *testing.T, err error, code string, fields ...hotel.FieldError) {
	t.Helper()
	var he *hotel.Error
	if !errors.As(err, &he) || he.Code != code {
		t.Fatalf("error = %v, want code %q", err, code)
	}
	if len(fields) > 0 && !reflect.DeepEqual(he.Fields, fields) {
		t.Fatalf("fields = %+v, want %+v", he.Fields, fields)
	}
}

// A field tagged nullable accepts an explicit null; its neighbours do not.
func TestDecodeNullable(t *testing.T) {
	t.Parallel()
	type inner struct {
		Note *string `json:"note" web:"nullable"`
		Size int     `json:"size"`
	}
	type request struct {
		Note  *string `json:"note,omitempty" web:"nullable"`
		Name  *string `json:"name,omitempty"`
		Inner inner   `json:"inner"`
		inner         // embedded: its fields are the request's
	}
	v, err := web.Decode[request](httptest.NewRecorder(), post(`{"note":null,"inner":{"note":null},"size":2}`, "application/json"))
	if err != nil || v.Note != nil || v.Inner.Note != nil || v.Size != 2 {
		t.Fatalf("nullable fields: %+v, %v", v, err)
	}
	_, err = web.Decode[request](httptest.NewRecorder(), post(`{"note":null,"name":null,"inner":{"size":null},"size":null}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "name", Reason: "must not be null"},
		hotel.FieldError{Field: "inner.size", Reason: "must not be null"}, hotel.FieldError{Field: "size", Reason: "must not be null"})
}

// The request types of the domain refuse null in every field.
func TestDecodeDomainNulls(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"guest_name":null}`, `{"arrival_date":null}`, `{"stay_length":null}`, `{"room_type":null}`} {
		_, err := web.Decode[hotel.BookingChange](httptest.NewRecorder(), post(body, "application/json"))
		wantError(t, err, hotel.EINVALID)
	}
	for _, body := range []string{`{"capacity":null}`, `{"price":null}`, `{"demand_level":null}`, `{"room_type_id":null}`} {
		_, err := web.Decode[hotel.CalendarUpdate](httptest.NewRecorder(), post(body, "application/json"))
		wantError(t, err, hotel.EINVALID)
	}
	_, err := web.Decode[hotel.HoldConfirmation](httptest.NewRecorder(), post(`{"booking_ids":["a",null]}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "booking_ids.1", Reason: "must not be null"})
}

func TestDecodeOptional(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, ct string }{{"", "-"}, {"", "application/json"}, {" \n", "application/json"}, {"{}", "application/json"}} {
		v, err := web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(tc.body, tc.ct))
		if err != nil || !v.From.IsZero() {
			t.Errorf("DecodeOptional(%q, %s) = %+v, %v; want the zero value", tc.body, tc.ct, v, err)
		}
	}
	v, err := web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(`{"from":"2030-01-05"}`, "application/json"))
	if err != nil || v.From != hotel.NewDate(2030, 1, 5) {
		t.Errorf("DecodeOptional with a body = %+v, %v", v, err)
	}
	// A body that is there follows every rule of Decode.
	_, err = web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(`{"from":"2030-01-05"}`, "-"))
	wantError(t, err, hotel.EUNSUPPORTEDMEDIA, hotel.FieldError{Field: "Content-Type", Reason: "is required: application/json"})
	_, err = web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(`{"from":null}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "from", Reason: "must not be null"})
	_, err = web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(`{"from":"2030-01-05","from":"2030-01-06"}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "from", Reason: "is given more than once"})
	_, err = web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post(`{"FROM":"2030-01-05"}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "FROM", Reason: "unknown field (names are case-sensitive: from)"})
	_, err = web.DecodeOptional[hotel.HoldRelease](httptest.NewRecorder(), post("", "text/plain"))
	wantError(t, err, hotel.EUNSUPPORTEDMEDIA)
}

func TestNoBody(t *testing.T) {
	t.Parallel()
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodDelete, "/x", nil),
		post("", "-"),
		post("", "application/json"),
	} {
		if err := web.NoBody(r); err != nil {
			t.Errorf("NoBody(empty) = %v", err)
		}
	}
	for _, body := range []string{"{}", `{"guest_name":"x"}`, " ", "x"} {
		for _, ct := range []string{"-", "application/json"} {
			r := post(body, ct)
			r.Method = http.MethodDelete
			err := web.NoBody(r)
			wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: "body", Reason: "must be empty: this route takes no request body"})
			w := httptest.NewRecorder()
			web.Error(w, r, err)
			if w.Code != http.StatusBadRequest {
				t.Errorf("NoBody(%q) answered %d, want 400", body, w.Code)
			}
		}
	}
}

// A body without a JSON Content-Type is answered 415 as a problem naming
// the header.
func TestDecodeUnsupportedMediaIs415(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"-", "text/plain", "application/xml", "application/json; charset=latin1"} {
		r := post(`{"name":"Ada"}`, ct)
		w := httptest.NewRecorder()
		_, err := web.Decode[bookingRequest](w, r)
		web.Error(w, r, err)
		if w.Code != http.StatusUnsupportedMediaType {
			t.Fatalf("Content-Type %q: status %d, want 415", ct, w.Code)
		}
		p := decodeProblem(t, w.Result())
		if p.Code != hotel.EUNSUPPORTEDMEDIA || len(p.Errors) != 1 || p.Errors[0].Field != "Content-Type" {
			t.Errorf("Content-Type %q: problem %+v", ct, p)
		}
	}
	r := post(`{"name":"Ada"}`, "application/json")
	r.Header.Add("Content-Type", "application/json")
	_, err := web.Decode[bookingRequest](httptest.NewRecorder(), r)
	wantError(t, err, hotel.EUNSUPPORTEDMEDIA, hotel.FieldError{Field: "Content-Type", Reason: "must be given once"})
}

// An unknown name that is not safe text is quoted in the problem, and a
// long one clipped.
func TestDecodeUnknownNameIsSafe(t *testing.T) {
	t.Parallel()
	_, err := web.Decode[bookingRequest](httptest.NewRecorder(), post(`{"a\u202eb":1}`, "application/json"))
	wantError(t, err, hotel.EINVALID, hotel.FieldError{Field: `"a\u202eb"`, Reason: "unknown field"})
	_, err = web.Decode[bookingRequest](httptest.NewRecorder(), post(`{"`+strings.Repeat("k", 5000)+`":1}`, "application/json"))
	var he *hotel.Error
	if !errors.As(err, &he) || len(he.Fields) != 1 || len(he.Fields[0].Field) > 110 {
		t.Fatalf("long unknown name: %v", err)
	}
}
