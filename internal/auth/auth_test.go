package auth

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
	"github.com/hotelplatform/hotel/internal/store/storetest"
	"github.com/hotelplatform/hotel/internal/web"
)

func TestKeyFormats(t *testing.T) {
	t.Parallel()
	key, prefix, hash := NewKey()
	if !strings.HasPrefix(key, "hk_"+prefix+"_") || len(key) < 50 || !Equal(hash, Hash(key)) {
		t.Fatalf("NewKey = %q, %q", key, prefix)
	}
	if p, ok := keyPrefix(key); !ok || p != prefix {
		t.Fatalf("keyPrefix(%q) = %q, %v", key, p, ok)
	}
	other, _, _ := NewKey()
	if other == key {
		t.Fatal("two keys are equal")
	}
	for _, bad := range []string{"", "hk_", "hk_short_x", "bt_" + key[3:], key[:20]} {
		if _, ok := keyPrefix(bad); ok {
			t.Errorf("keyPrefix accepted %q", bad)
		}
	}
	id := "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	tok, th := NewBookingToken(id)
	if got, ok := tokenBooking(tok); !ok || got != id || !Equal(th, Hash(tok)) {
		t.Fatalf("tokenBooking(%q) = %q, %v", tok, got, ok)
	}
	// The id part is read by hotel.ParseBookingID: any case, canonical result.
	if got, ok := tokenBooking("bt_0193A1B2C3D47E5F8A9B0C1D2E3F4A5B_" + strings.Repeat("s", 40)); !ok || got != id {
		t.Errorf("tokenBooking(upper case) = %q, %v; want %q", got, ok, id)
	}
	for _, bad := range []string{"bt_zz_" + strings.Repeat("a", 40), "bt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b_short", tok[:30],
		"bt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5g_" + strings.Repeat("s", 40), "bt_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f_" + strings.Repeat("s", 40)} {
		if _, ok := tokenBooking(bad); ok {
			t.Errorf("tokenBooking accepted %q", bad)
		}
	}
	if Equal(Hash("a"), Hash("b")) || Equal(Hash("a"), nil) {
		t.Fatal("Equal")
	}
}

// fixture is a store with one active key per scope, a revoked key and a booking with a token.
type fixture struct {
	authn        *Authenticator
	keys         map[string]string // scope → key
	revoked      string
	bookingID    string
	bookingToken string
}

const (
	adminKey   = "k"
	serviceKey = "service-credential-0123456789abcdef0123"
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hotel.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(ctx, storetest.NewFixture(100, 3).Dataset(), false); err != nil {
		t.Fatal(err)
	}
	f := &fixture{authn: NewAuthenticator(st, adminKey, serviceKey, time.Now), keys: map[string]string{}}
	for _, sc := range hotel.AllScopes {
		key, prefix, hash := NewKey()
		if err := st.CreateAPIKey(ctx, &hotel.APIKey{Name: "key-" + sc, Prefix: prefix, Hash: hash, Scopes: []string{sc}}); err != nil {
			t.Fatal(err)
		}
		f.keys[sc] = key
	}
	key, prefix, hash := NewKey()
	if err := st.CreateAPIKey(ctx, &hotel.APIKey{Name: "gone", Prefix: prefix, Hash: hash, Scopes: []string{hotel.ScopeAdmin}}); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeAPIKey(ctx, "gone", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.revoked = key
	f.bookingID = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	var th []byte
	f.bookingToken, th = NewBookingToken(f.bookingID)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
check_out_date, adults, currency, status, access_token_hash) VALUES (?, 'ABC123', 100, 1000, 'Guest', '2030-01-01', 1, '2030-01-02', 1, 'GBP', 'confirmed', ?)`,
		f.bookingID, th); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	otherToken, _ := NewBookingToken("0193a1b2-c3d4-7e5f-8a9b-000000000000")
	forged := f.bookingToken[:len(f.bookingToken)-4] + "AAAA"
	wrongSecret := f.keys[hotel.ScopeAdmin][:len(f.keys[hotel.ScopeAdmin])-4] + "AAAA"
	unknown, _, _ := NewKey()
	tests := []struct {
		name, header string
		kind         hotel.PrincipalKind
		scope        string // a scope the principal must hold
		wantCode     string
	}{
		{"no header", "", hotel.Anonymous, "", ""},
		{"bootstrap admin", "Bearer " + adminKey, hotel.StaffKey, hotel.ScopeBookingsWrite, ""},
		{"scheme is case-insensitive", "bearer " + adminKey, hotel.StaffKey, hotel.ScopeAdmin, ""},
		{"service credential", "Bearer " + serviceKey, hotel.Service, "", ""},
		{"scoped key", "Bearer " + f.keys[hotel.ScopeBookingsRead], hotel.StaffKey, hotel.ScopeBookingsRead, ""},
		{"booking token", "Bearer " + f.bookingToken, hotel.BookingOwner, "", ""},
		{"revoked key", "Bearer " + f.revoked, "", "", hotel.EUNAUTHORIZED},
		{"unknown key", "Bearer " + unknown, "", "", hotel.EUNAUTHORIZED},
		{"right prefix, wrong secret", "Bearer " + wrongSecret, "", "", hotel.EUNAUTHORIZED},
		{"token of an unknown booking", "Bearer " + otherToken, "", "", hotel.EUNAUTHORIZED},
		{"forged token", "Bearer " + forged, "", "", hotel.EUNAUTHORIZED},
		{"basic auth", "Basic dXNlcjpwYXNz", "", "", hotel.EUNAUTHORIZED},
		{"empty bearer", "Bearer ", "", "", hotel.EUNAUTHORIZED},
		{"garbage", "Bearer ' OR 1=1 --", "", "", hotel.EUNAUTHORIZED},
		{"huge", "Bearer " + strings.Repeat("x", 5000), "", "", hotel.EUNAUTHORIZED},
	}
	for _, tc := range tests {
		p, err := f.authn.Authenticate(ctx, tc.header)
		if got := hotel.ErrorCode(err); got != tc.wantCode {
			t.Errorf("%s: error %v, want code %q", tc.name, err, tc.wantCode)
			continue
		}
		if tc.wantCode != "" {
			continue
		}
		if p.Kind != tc.kind || (tc.scope != "" && !p.Has(tc.scope)) {
			t.Errorf("%s: principal %+v, want kind %s with %q", tc.name, p, tc.kind, tc.scope)
		}
	}
	// A scoped key holds only its scope; only admin holds everything.
	p, _ := f.authn.Authenticate(ctx, "Bearer "+f.keys[hotel.ScopeBookingsRead])
	if p.Has(hotel.ScopeInventoryWrite) || p.Has(hotel.ScopeGuestsRead) {
		t.Errorf("bookings:read key holds other scopes: %+v", p)
	}
	// Without configured admin/service keys, those strings are just wrong keys.
	bare := NewAuthenticator(nil, "", "", time.Now)
	for _, h := range []string{"Bearer " + adminKey, "Bearer " + serviceKey, "Bearer "} {
		if _, err := bare.Authenticate(ctx, h); hotel.ErrorCode(err) != hotel.EUNAUTHORIZED {
			t.Errorf("unconfigured %q = %v, want 401", h, err)
		}
	}
}

func TestRouterEnforcesRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"kind": string(PrincipalFrom(r.Context()).Kind)})
	})
	mux := http.NewServeMux()
	NewRouter(mux, f.authn).Register(
		Route{"GET /public", Rule{Public: true}, whoami},
		Route{"POST /inventory-admin", Rule{Scope: hotel.ScopeInventoryWrite}, whoami},
		Route{"GET /bookings/{booking_id}", Rule{Scope: hotel.ScopeBookingsRead, Owner: true}, whoami},
		Route{"POST /holds", Rule{Service: true}, whoami},
		Route{"GET /admin-only", Rule{}, whoami},
		Route{"GET /whoami", Rule{Scope: hotel.ScopeGuestsRead, Service: true}, whoami},
		Route{"GET /bookings/{booking_id}/other", Rule{Owner: true}, whoami},
	)
	srv := httptest.NewServer(web.ProblemMux(mux))
	defer srv.Close()

	callers := map[string]string{
		"anonymous":       "",
		"admin":           "Bearer " + adminKey,
		"service":         "Bearer " + serviceKey,
		"revoked":         "Bearer " + f.revoked,
		"token":           "Bearer " + f.bookingToken,
		"bookings:read":   "Bearer " + f.keys[hotel.ScopeBookingsRead],
		"bookings:write":  "Bearer " + f.keys[hotel.ScopeBookingsWrite],
		"guests:read":     "Bearer " + f.keys[hotel.ScopeGuestsRead],
		"inventory:write": "Bearer " + f.keys[hotel.ScopeInventoryWrite],
		"admin key":       "Bearer " + f.keys[hotel.ScopeAdmin],
	}
	own := "/bookings/" + f.bookingID
	other := "/bookings/0193a1b2-c3d4-7e5f-8a9b-ffffffffffff"
	tests := []struct {
		method, path string
		want         map[string]int // caller → status; unlisted callers: 403 (401 for anonymous/revoked)
	}{
		{"GET", "/public", map[string]int{"anonymous": 200, "admin": 200, "service": 200, "revoked": 200, "token": 200,
			"bookings:read": 200, "bookings:write": 200, "guests:read": 200, "inventory:write": 200, "admin key": 200}},
		{"POST", "/inventory-admin", map[string]int{"admin": 200, "admin key": 200, "inventory:write": 200}},
		{"GET", own, map[string]int{"admin": 200, "admin key": 200, "bookings:read": 200, "token": 200}},
		{"GET", other, map[string]int{"admin": 200, "admin key": 200, "bookings:read": 200, "token": 404}},
		{"GET", other + "/other", map[string]int{"admin": 200, "admin key": 200, "token": 404}},
		{"POST", "/holds", map[string]int{"admin": 200, "admin key": 200, "service": 200}},
		{"GET", "/admin-only", map[string]int{"admin": 200, "admin key": 200}},
		{"GET", "/whoami", map[string]int{"admin": 200, "admin key": 200, "service": 200, "guests:read": 200}},
	}
	for _, tc := range tests {
		for caller, header := range callers {
			want, ok := tc.want[caller]
			if !ok {
				want = http.StatusForbidden
				if caller == "anonymous" || caller == "revoked" {
					want = http.StatusUnauthorized
				}
			}
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s %s as %s = %d, want %d", tc.method, tc.path, caller, resp.StatusCode, want)
			}
			if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s as %s: 401 without WWW-Authenticate", tc.method, tc.path, caller)
			}
			if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != web.ProblemContentType {
				t.Errorf("%s %s as %s: error is %s, not problem+json", tc.method, tc.path, caller, resp.Header.Get("Content-Type"))
			}
		}
	}
}

func TestRouterRefusesIllFormedRules(t *testing.T) {
	t.Parallel()
	for _, r := range []Route{
		{"GET /both", Rule{Public: true, Scope: hotel.ScopeBookingsRead}, http.NotFoundHandler()},
		{"GET /forwarded", Rule{Public: true, Forward: true}, http.NotFoundHandler()},
		{"GET /nobody", Rule{Scope: "bookings:everything"}, http.NotFoundHandler()},
		{"GET /bookings", Rule{Owner: true}, http.NotFoundHandler()},
		{"GET /nothing", Rule{Public: true}, nil},
	} {
		func() {
			defer func() {
				if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), r.Pattern) {
					t.Errorf("registering %s %+v: recovered %v, want a panic naming it", r.Pattern, r.Rule, v)
				}
			}()
			NewRouter(http.NewServeMux(), NewAuthenticator(nil, "", "", time.Now)).Register(r)
		}()
	}
}

// countingStore counts TouchAPIKey writes over a real store.
type countingStore struct {
	store.Store
	mu      sync.Mutex
	touches int
}

func (c *countingStore) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	c.mu.Lock()
	c.touches++
	c.mu.Unlock()
	return c.Store.TouchAPIKey(ctx, id, at)
}

func TestAuthenticateWritesLastUseAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key, prefix, hash := NewKey()
	if err := st.CreateAPIKey(ctx, &hotel.APIKey{Name: "k", Prefix: prefix, Hash: hash, Scopes: []string{hotel.ScopeAdmin}}); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: st}
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	a := NewAuthenticator(cs, "", "", func() time.Time { return now })
	for range 5 {
		if _, err := a.Authenticate(ctx, "Bearer "+key); err != nil {
			t.Fatal(err)
		}
	}
	if cs.touches != 1 {
		t.Fatalf("5 uses within a minute wrote last use %d times, want 1", cs.touches)
	}
	now = now.Add(time.Minute + time.Second)
	if _, err := a.Authenticate(ctx, "Bearer "+key); err != nil {
		t.Fatal(err)
	}
	if cs.touches != 2 {
		t.Fatalf("a use over a minute later wrote %d times in all, want 2", cs.touches)
	}
	if k, _ := st.APIKeyByPrefix(ctx, prefix); !k.LastUsedAt.Equal(now) {
		t.Fatalf("last use = %v, want %v", k.LastUsedAt, now)
	}
}
