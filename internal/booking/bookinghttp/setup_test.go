package bookinghttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookinghttp"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// adminKey is the bootstrap admin key the test servers accept.
const adminKey = "test-admin-key-0123456789-0123456789-0123456789"

// bench is the booking HTTP server as cmd/hotel wires it (middleware,
// ProblemMux, the auth Router with the routes' rules) over a bookingtest.Env.
type bench struct {
	*bookingtest.Env
	url    string
	client *http.Client
}

// each runs f on every driver and mode, in parallel, each with its own bench.
func each(t *testing.T, f func(t *testing.T, b *bench)) {
	t.Helper()
	eachCombo(t, func(t *testing.T, d bookingtest.Driver, m bookingtest.Mode) { f(t, newBench(t, d, m)) })
}

// eachCombo runs f on every driver and mode, in parallel.
func eachCombo(t *testing.T, f func(t *testing.T, d bookingtest.Driver, m bookingtest.Mode)) {
	t.Helper()
	for _, d := range bookingtest.Drivers {
		for _, m := range bookingtest.Modes {
			t.Run(d.Name+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				f(t, d, m)
			})
		}
	}
}

// newBench builds a bench; with wrap, the booking service's inventory is
// wrap(the Faulty one).
func newBench(t *testing.T, d bookingtest.Driver, m bookingtest.Mode, wrap ...func(hotel.InventoryService) hotel.InventoryService) *bench {
	t.Helper()
	env := bookingtest.NewEnv(t, d, m, booking.Config{})
	if len(wrap) > 0 && wrap[0] != nil {
		env.Service = booking.New(bookingtest.Bookings(env.Store), wrap[0](env.Faults),
			booking.Config{Backoff: time.Millisecond}, env.Clock.Now, nil)
	}
	authn := auth.NewAuthenticator(env.Store, adminKey, "", env.Clock.Now)
	mux := http.NewServeMux()
	auth.NewRouter(mux, authn).Register(bookinghttp.Routes(env.Service, idempotency.New(bookingtest.Bookings(env.Store), env.Clock.Now, nil))...)
	srv := httptest.NewServer(web.Middleware(slog.New(slog.DiscardHandler), web.ProblemMux(mux)))
	t.Cleanup(srv.Close)
	return &bench{Env: env, url: srv.URL, client: srv.Client()}
}

// staffKey creates an API key with scopes in the store and returns it.
func (b *bench) staffKey(t *testing.T, name string, scopes ...string) string {
	t.Helper()
	key, prefix, hash := auth.NewKey()
	k := hotel.APIKey{Name: name, Prefix: prefix, Hash: hash, Scopes: scopes}
	if err := b.Store.CreateAPIKey(context.Background(), &k); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	return key
}

// bearer is an Authorization header value.
func bearer(cred string) string { return "Bearer " + cred }

// response is a finished HTTP exchange.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends method path with body (nil: none; string or []byte: raw; else
// JSON-encoded) and header name/value pairs, and checks that the answer
// leaks nothing internal and that errors are problem+json.
func (b *bench) do(t *testing.T, method, path string, body any, headers ...string) response {
	t.Helper()
	r, err := b.send(method, path, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	checkClean(t, method+" "+path, r)
	return r
}

// send is do without the checks, safe to call from any goroutine.
func (b *bench) send(method, path string, body any, headers ...string) (response, error) {
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	case []byte:
		rd = bytes.NewReader(v)
	default:
		j, err := json.Marshal(v)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		return response{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(headers)%2 != 0 {
		return response{}, fmt.Errorf("odd header list %q", headers)
	}
	// A header named twice is sent twice; a Content-Type replaces the default.
	for i := 0; i < len(headers); i += 2 {
		req.Header.Del(headers[i])
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// leaks are texts no response may contain: SQL, driver and Go error text,
// stack traces.
var leaks = []string{
	"SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "sqlite", "SQLITE", "SQLSTATE", "pgx", "postgres", "pq:",
	"goroutine ", "panic", ".go:", "runtime.", "runtime error", "json: ", "strconv.", "context deadline",
	"context canceled", "dial tcp", "connection refused", "no rows", "constraint", "duplicate key", "ERROR:", "%!",
}

// randomTokens matches the access tokens in an answer: random text, which
// may spell a leak ("pgx", "panic") by chance.
var randomTokens = regexp.MustCompile(`"access_token":"[^"]*"`)

// withoutTokens is body with every access token blanked.
func withoutTokens(body []byte) []byte {
	return randomTokens.ReplaceAll(body, []byte(`"access_token":""`))
}

func checkClean(t *testing.T, what string, r response) {
	t.Helper()
	body := withoutTokens(r.Body)
	for _, l := range leaks {
		if bytes.Contains(body, []byte(l)) {
			t.Errorf("%s: response %d contains %q:\n%s", what, r.Status, l, r.Body)
		}
	}
	if r.Status >= 400 {
		if ct := r.Header.Get("Content-Type"); ct != web.ProblemContentType {
			t.Errorf("%s: error %d has Content-Type %q, want %q:\n%s", what, r.Status, ct, web.ProblemContentType, r.Body)
		}
	} else if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: %d has Content-Type %q, want application/json", what, r.Status, ct)
	}
}

// bookingJSON is a booking as the API sends it. Decoding rejects unknown
// fields, so a response carrying any other member fails the test; money is
// decoded as strings, so a number fails it too.
type bookingJSON struct {
	BookingID        string  `json:"booking_id"`
	ConfirmationCode string  `json:"confirmation_code"`
	AccessToken      *string `json:"access_token"`
	HotelID          int64   `json:"hotel_id"`
	HotelName        string  `json:"hotel_name"`
	RoomTypeID       int64   `json:"room_type_id"`
	RoomType         string  `json:"room_type"`
	GuestName        string  `json:"guest_name"`
	ArrivalDate      string  `json:"arrival_date"`
	StayLength       int     `json:"stay_length"`
	CheckOutDate     string  `json:"check_out_date"`
	Adults           int     `json:"adults"`
	Children         int     `json:"children"`
	ChildAges        []int   `json:"children_ages"`
	MealPlan         string  `json:"meal_plan"`
	RatePlan         string  `json:"rate_plan"`
	RatePlanID       int64   `json:"rate_plan_id"`
	Terms            *terms  `json:"terms"`
	MarketSegment    string  `json:"market_segment"`
	BookingChannel   string  `json:"booking_channel"`
	IsWeekend        bool    `json:"is_weekend"`
	IsHoliday        bool    `json:"is_holiday"`
	RoomPrice        string  `json:"room_price"`
	NightlyPrices    []night `json:"nightly_prices"`
	TotalPrice       string  `json:"total_price"`
	Currency         string  `json:"currency"`
	Status           string  `json:"reservation_status"`
	DepartedOn       string  `json:"departed_on"`
	CheckedInAt      string  `json:"checked_in_at"`
	CancelledAt      string  `json:"cancelled_at"`
	NoShowFee        string  `json:"no_show_fee"`
	// What the terms mean when the booking was read.
	CancellationDeadline string          `json:"cancellation_deadline"`
	FreeCancellation     *bool           `json:"free_cancellation"`
	CancellationFee      string          `json:"cancellation_fee"`
	LateCancellationFee  string          `json:"late_cancellation_fee"`
	Guarantee            *guaranteeDue   `json:"guarantee"`
	PriceBreakdown       *priceBreakdown `json:"price_breakdown"`
	Version              int             `json:"version"`
	// ExplicitTerms: the test gives the terms shown; otherwise checkBooking
	// expects those of a default plan (defaultTerms).
	ExplicitTerms bool   `json:"-"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// terms is a booking's terms as the API shows them (the rate plan is
// checked where it matters; its full shape is the inventory API's).
type terms struct {
	RatePlan map[string]any `json:"rate_plan"`
	Party    struct {
		Adults    int   `json:"adults"`
		ChildAges []int `json:"children_ages"`
	} `json:"party"`
	Restrictions []json.RawMessage `json:"restrictions"`
	TimeZone     string            `json:"time_zone"`
	Taxes        []json.RawMessage `json:"taxes"`
}

type guaranteeDue struct {
	Kind   string `json:"kind"`
	Amount string `json:"amount"`
	DueAt  string `json:"due_at"`
}

type priceBreakdown struct {
	Net   string    `json:"net"`
	Taxes []taxLine `json:"taxes"`
	Gross string    `json:"gross"`
}

type taxLine struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Amount   string `json:"amount"`
	Included bool   `json:"included"`
}

type night struct {
	Date  string `json:"date"`
	Price string `json:"price"`
}

func decodeStrict(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, data)
	}
}

// booking decodes a booking answer, failing t unless the status is want.
func (r response) booking(t *testing.T, want int) bookingJSON {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d:\n%s", r.Status, want, r.Body)
	}
	var bj bookingJSON
	decodeStrict(t, r.Body, &bj)
	return bj
}

// bookings decodes a list answer.
func (r response) bookings(t *testing.T) []bookingJSON {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200:\n%s", r.Status, r.Body)
	}
	var out []bookingJSON
	decodeStrict(t, r.Body, &out)
	return out
}

// problem decodes a problem answer, failing t unless it has status and code.
func (r response) problem(t *testing.T, status int, code string) web.Problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d:\n%s", r.Status, status, r.Body)
	}
	var p web.Problem
	decodeStrict(t, r.Body, &p)
	if p.Status != status || p.Code != code || p.Title != http.StatusText(status) || p.Detail == "" ||
		p.Type != "https://hotelplatform.dev/problems/"+strings.ReplaceAll(code, "_", "-") {
		t.Fatalf("problem = %+v, want status %d, code %q, a detail and the matching type/title", p, status, code)
	}
	if p.RequestID == "" || p.RequestID != r.Header.Get(web.RequestIDHeader) {
		t.Fatalf("problem request_id %q, header %q", p.RequestID, r.Header.Get(web.RequestIDHeader))
	}
	return p
}

// fields checks a problem's field list exactly.
func fields(t *testing.T, p web.Problem, want ...hotel.FieldError) {
	t.Helper()
	if !slices.Equal(p.Errors, want) {
		t.Fatalf("problem errors = %+v, want %+v (detail %q)", p.Errors, want, p.Detail)
	}
}

func fe(field, reason string) hotel.FieldError { return hotel.FieldError{Field: field, Reason: reason} }

// newBooking is a POST /bookings/ body.
func newBooking(guest string, hotelID int64, roomType string, arrival hotel.Date, nights, adults, children int) map[string]any {
	return map[string]any{
		"guest_name": guest, "hotel_id": hotelID, "room_type": roomType, "arrival_date": arrival.String(),
		"stay_length": nights, "adults": adults, "children": children,
	}
}

// with returns a copy of m with k set to v (or removed when v is nil).
func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// create books through the API, anonymously, and returns the 201 answer.
func (b *bench) create(t *testing.T, body map[string]any, headers ...string) bookingJSON {
	t.Helper()
	return b.do(t, http.MethodPost, "/bookings/", body, headers...).booking(t, http.StatusCreated)
}

// standard is a London Standard Rooms stay of nights from day n, for two.
func standard(guest string, n, nights int) map[string]any {
	return newBooking(guest, bookingtest.London, "Standard Rooms", bookingtest.Day(n), nights, 2, 0)
}

// deluxe is a London Deluxe Rooms stay (SmallCapacity rooms a night).
func deluxe(guest string, n, nights int) map[string]any {
	return newBooking(guest, bookingtest.London, "Deluxe Rooms", bookingtest.Day(n), nights, 2, 1)
}

// prices returns the fixture's nightly prices of rt for nights from day n.
func prices(rt int64, n, nights int) (room string, each []night, total string) {
	var sum hotel.Cents
	for i := range nights {
		p := bookingtest.Price(rt, n+i)
		each = append(each, night{bookingtest.Day(n + i).String(), p.String()})
		sum += p
	}
	return each[0].Price, each, sum.String()
}

// etag is the ETag of a booking at version.
func etag(version int) string { return `W/"` + strconv.Itoa(version) + `"` }

func itoa(n int) string { return strconv.Itoa(n) }

// count returns how many bookings are stored.
func (b *bench) count(t *testing.T) int {
	t.Helper()
	return len(b.AllBookings(t))
}

// stored returns the stored booking id (unredacted).
func (b *bench) stored(t *testing.T, id string) hotel.Booking {
	t.Helper()
	bk, err := bookingtest.Bookings(b.Store).GetBooking(context.Background(), id)
	if err != nil {
		t.Fatalf("GetBooking(%s): %v", id, err)
	}
	return bk
}

// mustTime parses an RFC 3339 time of a response.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}
