package gateway_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/web"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeAuthn knows three credentials.
type fakeAuthn struct{ calls int }

func (f *fakeAuthn) Authenticate(_ context.Context, header string) (hotel.Principal, error) {
	f.calls++
	switch header {
	case "Bearer admin":
		return hotel.Principal{Kind: hotel.StaffKey, Name: "ops", Scopes: []string{hotel.ScopeAdmin}}, nil
	case "Bearer service":
		return hotel.Principal{Kind: hotel.Service, Name: "service"}, nil
	case "Bearer clerk":
		return hotel.Principal{Kind: hotel.StaffKey, Name: "clerk", Scopes: []string{hotel.ScopeBookingsRead}}, nil
	case "Bearer bt_1", "Bearer bt_2":
		return hotel.Principal{Kind: hotel.BookingOwner, BookingID: strings.TrimPrefix(header, "Bearer ")}, nil
	}
	return hotel.Principal{}, hotel.Errorf(hotel.EUNAUTHORIZED, "bad")
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	authn := &fakeAuthn{}
	var remembered []string
	identify := gateway.IdentifyByCredential(authn, true, true, func(ctx context.Context, header string, p hotel.Principal) context.Context {
		remembered = append(remembered, p.Name)
		return ctx
	})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := web.Middleware(discard(), gateway.RateLimit(gateway.NewMemoryLimiter(gateway.Limit{Rate: 2, Burst: 3}, gateway.MemoryOptions{Now: clk.Now}), identify, ok))
	do := func(from, header, path string) *http.Response {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = from + ":40000"
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	// One address: a burst of 3, then 429 with the headers.
	for i, want := range []int{204, 204, 204, 429, 429} {
		resp := do("192.0.2.1", "", "/inventory/")
		if resp.StatusCode != want {
			t.Fatalf("request %d from one address = %d, want %d", i, resp.StatusCode, want)
		}
		if resp.Header.Get("RateLimit-Limit") != "3" || resp.Header.Get("RateLimit-Policy") != "3;w=2" {
			t.Fatalf("headers %v", resp.Header)
		}
		if want == 429 {
			var p web.Problem
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.Code != hotel.ERATELIMITED || p.Status != 429 ||
				resp.Header.Get("Content-Type") != web.ProblemContentType || resp.Header.Get("Retry-After") != "1" || resp.Header.Get("RateLimit-Remaining") != "0" {
				t.Fatalf("429 = %+v %v (%v)", p, resp.Header, err)
			}
		}
	}
	// Other clients have their own buckets; invented credentials count as the address.
	if resp := do("192.0.2.2", "", "/inventory/"); resp.StatusCode != 204 || resp.Header.Get("RateLimit-Remaining") != "2" {
		t.Fatalf("another address = %d, remaining %s", resp.StatusCode, resp.Header.Get("RateLimit-Remaining"))
	}
	if resp := do("192.0.2.1", "Bearer made-up", "/inventory/"); resp.StatusCode != 429 {
		t.Fatalf("an invented credential from a limited address = %d, want 429", resp.StatusCode)
	}
	// Booking tokens a client minted by booking are its address too.
	for _, tok := range []string{"Bearer bt_1", "Bearer bt_2"} {
		if resp := do("192.0.2.1", tok, "/bookings/"); resp.StatusCode != 429 {
			t.Fatalf("a booking token from a limited address = %d, want 429", resp.StatusCode)
		}
	}
	for i := range 3 {
		if resp := do("192.0.2.1", "Bearer clerk", "/bookings/"); resp.StatusCode != 204 {
			t.Fatalf("a verified key's request %d = %d, want its own bucket", i, resp.StatusCode)
		}
	}
	if resp := do("192.0.2.9", "Bearer clerk", "/bookings/"); resp.StatusCode != 429 {
		t.Fatalf("the same key from another address = %d, want 429: the key is the client", resp.StatusCode)
	}
	// Admin keys and the service credential are exempt; probes are never limited.
	for range 10 {
		for _, hd := range []string{"Bearer admin", "Bearer service"} {
			if resp := do("192.0.2.1", hd, "/inventory/"); resp.StatusCode != 204 || resp.Header.Get("RateLimit-Limit") != "" {
				t.Fatalf("exempt %s = %d %v", hd, resp.StatusCode, resp.Header)
			}
		}
		if resp := do("192.0.2.1", "", "/healthz"); resp.StatusCode != 204 {
			t.Fatalf("/healthz = %d", resp.StatusCode)
		}
	}
	// Tokens come back at the rate: two per second.
	clk.Add(time.Second)
	for i, want := range []int{204, 204, 429} {
		if resp := do("192.0.2.1", "", "/inventory/"); resp.StatusCode != want {
			t.Fatalf("after a second, request %d = %d, want %d", i, resp.StatusCode, want)
		}
	}
	if !strings.Contains(strings.Join(remembered, ","), "clerk") {
		t.Fatalf("verified principals were not handed on: %v", remembered)
	}
}

func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := gateway.RateLimit(gateway.NewMemoryLimiter(gateway.Limit{Rate: 0}, gateway.MemoryOptions{}), nil, ok)
	for range 1000 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		if w.Code != 204 || w.Header().Get("RateLimit-Limit") != "" {
			t.Fatalf("limiting off: %d %v", w.Code, w.Header())
		}
	}
}

func TestRateLimitEvictsIdleClients(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	identify := func(r *http.Request) (string, bool, *http.Request) { return r.Header.Get("X-Client"), false, r }
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := gateway.RateLimit(gateway.NewMemoryLimiter(gateway.Limit{Rate: 1, Burst: 1}, gateway.MemoryOptions{MaxClients: 10, Now: clk.Now}), identify, ok)
	hit := func(client string) int {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("X-Client", client)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if hit("busy") != 204 || hit("busy") != 429 {
		t.Fatal("busy client not limited")
	}
	for i := range 50 { // far more clients than MaxClients
		hit(string(rune('a' + i)))
	}
	// The busy client's bucket may have been evicted with the others, but
	// never refilled early: at most one request passes within the second.
	passed := 0
	for range 3 {
		if hit("busy") == 204 {
			passed++
		}
	}
	if passed > 1 {
		t.Fatalf("%d requests passed for a limited client after evictions", passed)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	h := web.Middleware(discard(), gateway.CORS([]string{"https://book.example.com"}, ok))
	do := func(method, origin, reqMethod string) *http.Response {
		r := httptest.NewRequest(method, "/bookings/", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if reqMethod != "" {
			r.Header.Set("Access-Control-Request-Method", reqMethod)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	resp := do(http.MethodOptions, "https://book.example.com", "POST")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://book.example.com" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") || resp.Header.Get("Access-Control-Max-Age") != "600" {
		t.Fatalf("preflight from an allowed origin = %d %v", resp.StatusCode, resp.Header)
	}
	resp = do(http.MethodPost, "https://book.example.com", "")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://book.example.com" ||
		!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Location") || resp.Header.Get("Vary") != "Origin" {
		t.Fatalf("request from an allowed origin = %d %v", resp.StatusCode, resp.Header)
	}
	resp = do(http.MethodOptions, "https://evil.example", "DELETE")
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.Header.Get("Content-Type") != web.ProblemContentType {
		t.Fatalf("preflight from another origin = %d %v", resp.StatusCode, resp.Header)
	}
	resp = do(http.MethodGet, "https://evil.example", "")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("request from another origin = %d %v", resp.StatusCode, resp.Header)
	}
	if resp = do(http.MethodGet, "", ""); resp.Header.Get("Vary") != "" || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("same-origin request got CORS headers: %v", resp.Header)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
