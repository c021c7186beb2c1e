package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/server"
)

var keyPattern = regexp.MustCompile(`hk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}`)

// createKey runs `hotel keys create` and returns the printed key.
func createKey(t *testing.T, db map[string]string, name, scopes string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"keys", "create", "--name", name, "--scopes", scopes}, args...), env(db), &out, &errOut); err != nil {
		t.Fatalf("keys create %s: %v\n%s", name, err, errOut.String())
	}
	key := keyPattern.FindString(out.String())
	if key == "" {
		t.Fatalf("keys create printed no key: %q", out.String())
	}
	privacy.watch("an API key", key)
	return key
}

func TestKeysCLI(t *testing.T) {
	t.Parallel()
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, kind)
			migrateUp(t, db)
			ctx := context.Background()
			key := createKey(t, db, "frontdesk", "bookings:read,guests:read")
			var out bytes.Buffer
			if err := run(ctx, []string{"keys", "list"}, env(db), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "frontdesk") || !strings.Contains(out.String(), "bookings:read,guests:read") ||
				strings.Contains(out.String(), key) || !strings.Contains(out.String(), "active") {
				t.Fatalf("keys list:\n%s", out.String())
			}
			err := run(ctx, []string{"keys", "create", "--name", "frontdesk", "--scopes", "admin"}, env(db), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "already called") {
				t.Fatalf("duplicate name = %v", err)
			}
			err = run(ctx, []string{"keys", "create", "--name", "x", "--scopes", "root"}, env(db), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), `unknown scope "root"`) {
				t.Fatalf("bad scope = %v", err)
			}
			if err := run(ctx, []string{"keys", "revoke", "frontdesk"}, env(db), io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			if err := run(ctx, []string{"keys", "revoke", "frontdesk"}, env(db), io.Discard, io.Discard); err == nil {
				t.Fatal("revoking twice succeeded")
			}
			out.Reset()
			_ = run(ctx, []string{"keys", "list"}, env(db), &out, io.Discard)
			if !strings.Contains(out.String(), "revoked") {
				t.Fatalf("revoked key not listed as revoked:\n%s", out.String())
			}
		})
	}
}

// syncBuffer is a goroutine-safe bytes.Buffer for a server's stdout.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFirstStartPrintsAdminKeyOnce(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, sqliteStore)
	var out syncBuffer
	p := startServeOut(t, db, &out)
	key := keyPattern.FindString(out.String())
	if key == "" {
		t.Fatalf("first start printed no admin key:\n%s", out.String())
	}
	if strings.Contains(p.logs.String(), key) {
		t.Fatal("the admin key reached the log")
	}
	p.stop(t)
	// The printed key is an admin key.
	var out2 syncBuffer
	startServeOut(t, db, &out2)
	if keyPattern.MatchString(out2.String()) {
		t.Fatal("a second start printed another key")
	}
	var list bytes.Buffer
	if err := run(context.Background(), []string{"keys", "list"}, env(db), &list, io.Discard); err != nil ||
		!strings.Contains(list.String(), "admin") || strings.Count(list.String(), "\n") != 2 {
		t.Fatalf("keys after two starts:\n%s (%v)", list.String(), err)
	}
}

// caller is one kind of client of the access matrix.
type caller struct {
	name   string
	header string
	p      hotel.Principal // what the caller is, if its credentials are good
	bad    bool            // credentials are wrong or revoked
	// cookie and csrf are a signed-in staff user's session cookie
	// ("hotel_session=…") and its CSRF token, sent instead of a header.
	cookie, csrf string
}

// send sets c's credentials on req.
func (c caller) send(req *http.Request) {
	if c.header != "" {
		req.Header.Set("Authorization", c.header)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
}

// matrixHotel is the hotel the access matrix's routes name ({hotel_id});
// otherHotel the one the limited callers are limited to.
const (
	matrixHotel = 111
	otherHotel  = 222
)

func callers(t *testing.T, db map[string]string) []caller {
	cs := []caller{
		{name: "anonymous", p: hotel.Principal{Kind: hotel.Anonymous}},
		{name: "wrong key", header: "Bearer hk_aaaaaaaaaaaa_" + strings.Repeat("A", 43), bad: true},
		{name: "other booking's token", header: "Bearer bt_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b_" + strings.Repeat("B", 43), bad: true},
		{name: "service", header: "Bearer " + testServiceKey, p: hotel.Principal{Kind: hotel.Service}},
		{name: "HOTEL_ADMIN_KEY", header: "Bearer " + testAdminKey, p: hotel.Principal{Kind: hotel.StaffKey, Scopes: []string{hotel.ScopeAdmin}}},
	}
	migrateUp(t, db)
	// The sample hotels, which keys and users are limited to.
	if err := run(context.Background(), []string{"seed"}, env(db), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	revoked := createKey(t, db, "revoked", "admin")
	if err := run(context.Background(), []string{"keys", "revoke", "revoked"}, env(db), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cs = append(cs, caller{name: "revoked key", header: "Bearer " + revoked, bad: true})
	for _, sc := range hotel.AllScopes {
		key := createKey(t, db, "key-"+strings.ReplaceAll(sc, ":", "-"), sc)
		cs = append(cs, caller{name: sc, header: "Bearer " + key, p: hotel.Principal{Kind: hotel.StaffKey, Scopes: []string{sc}}})
		if sc == hotel.ScopeAdmin {
			continue // an admin sees every hotel
		}
		// The same scope, limited to another hotel than the matrix's.
		key = createKey(t, db, "key-"+strings.ReplaceAll(sc, ":", "-")+"-h222", sc, "--hotels", fmt.Sprint(otherHotel))
		cs = append(cs, caller{name: sc + " of hotel 222", header: "Bearer " + key,
			p: hotel.Principal{Kind: hotel.StaffKey, Scopes: []string{sc}, HotelIDs: []int64{otherHotel}}})
	}
	return cs
}

var passwordPattern = regexp.MustCompile(`first password \(shown only now\): (\S+)`)

// createUser runs `hotel users create` and returns the printed password.
func createUser(t *testing.T, db map[string]string, email, role string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"users", "create", "--email", email, "--role", role}, args...), env(db), &out, &errOut); err != nil {
		t.Fatalf("users create %s: %v\n%s", email, err, errOut.String())
	}
	m := passwordPattern.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("users create printed no password: %q", out.String())
	}
	privacy.watch("a password", m[1])
	return m[1]
}

// userCallers creates staff users (before the system starts) and returns
// the function that signs them in through the gateway once it runs.
func userCallers(t *testing.T, db map[string]string) func(gw string) []caller {
	users := []struct {
		email, role string
		hotels      []int64
	}{
		{"desk222@hotel.example", hotel.RoleFrontDesk, []int64{otherHotel}},
		{"desk111@hotel.example", hotel.RoleFrontDesk, []int64{matrixHotel}},
		{"revenue@hotel.example", hotel.RoleRevenue, nil},
		{"admin@hotel.example", hotel.RoleAdmin, nil},
	}
	passwords := make([]string, len(users))
	for i, u := range users {
		var args []string
		if len(u.hotels) > 0 {
			args = []string{"--hotels", fmt.Sprint(u.hotels[0])}
		}
		passwords[i] = createUser(t, db, u.email, u.role, args...)
	}
	return func(gw string) []caller {
		var cs []caller
		for i, u := range users {
			cookie, csrf := signIn(t, gw, u.email, passwords[i])
			cs = append(cs, caller{name: "user " + u.email, cookie: cookie, csrf: csrf,
				p: hotel.Principal{Kind: hotel.StaffUser, Scopes: hotel.RoleScopes[u.role], HotelIDs: u.hotels}})
		}
		return cs
	}
}

// signIn signs a staff user in through gw and returns its session cookie
// ("hotel_session=…") and CSRF token.
func signIn(t *testing.T, gw, email, password string) (cookie, csrf string) {
	t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	req, _ := http.NewRequest("POST", gw+"/auth/sign-in", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in %s = %d (%v)", email, resp.StatusCode, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == auth.SessionCookie {
			privacy.watch("a session cookie", c.Value)
			return c.Name + "=" + c.Value, s.CSRF
		}
	}
	t.Fatalf("sign in %s set no session cookie", email)
	return "", ""
}

// TestServeRefusesGuessableSecrets: `hotel serve` does not start with an
// admin or service key that is short or of trivially low variety; it says
// why, and nothing listens.
func TestServeRefusesGuessableSecrets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, env, value, want string }{
		{"one character", "HOTEL_ADMIN_KEY", "x", "HOTEL_ADMIN_KEY must be at least 32 characters"},
		{"32 times a", "HOTEL_ADMIN_KEY", strings.Repeat("a", 32), "HOTEL_ADMIN_KEY has only 1 different characters"},
		{"short service key", "HOTEL_SERVICE_KEY", "secret", "HOTEL_SERVICE_KEY must be at least 32 characters"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"HOTEL_DATA_DIR": t.TempDir(), "HOTEL_ADDR": "127.0.0.1:0", c.env: c.value}
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve"}, env(vars), &out, &errOut)
			if err == nil || !strings.Contains(err.Error()+errOut.String(), c.want) {
				t.Fatalf("serve with %s=%q: err %v, stderr %q; want a refusal saying %q", c.env, c.value, err, errOut.String(), c.want)
			}
			if strings.Contains(out.String()+errOut.String(), "listening") {
				t.Errorf("serve listened with a guessable %s", c.env)
			}
		})
	}
}

// testAdminKey is HOTEL_ADMIN_KEY in the end-to-end tests (config refuses a
// guessable one).
const testAdminKey = "test-admin-key-0123456789-abcdefghij"

// concrete turns a ServeMux pattern into a method and a path to call.
func concrete(pattern string) (string, string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	path = strings.NewReplacer("{$}", "", "{hotel_id}", "111", "{booking_id}", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").Replace(path)
	if path == "/booking/" {
		path = "/booking/healthz"
	}
	return method, path
}

// checkAccessMatrix calls every declared route as every caller.
func checkAccessMatrix(t *testing.T, gateway string, cs []caller) {
	routes := server.Routes()
	// Signing out ends the session the later routes are called with: last.
	ordered := slices.Clone(routes)
	last := func(r auth.Route) int {
		if strings.HasSuffix(r.Pattern, "/sign-out") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(ordered, func(a, b auth.Route) int { return cmp.Compare(last(a), last(b)) })
	for _, route := range ordered {
		rule := route.Rule
		method, path := concrete(route.Pattern)
		if rule.Forward {
			// A forwarded path is judged by the route it reaches.
			if i := slices.IndexFunc(routes, func(r auth.Route) bool { return r.Pattern == method+" "+path }); i >= 0 {
				rule = routes[i].Rule
			}
		}
		for _, c := range cs {
			req, _ := http.NewRequest(method, gateway+path, nil)
			c.send(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			resp.Body.Close()
			allowed := rule.Public || rule.Forward || c.p.Has(hotel.ScopeAdmin) ||
				(rule.Scope != "" && c.p.Has(rule.Scope)) || (rule.Service && c.p.Kind == hotel.Service) ||
				(rule.User && c.p.Kind == hotel.StaffUser)
			denied := resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden
			// The hotel dimension: a caller limited to other hotels than
			// the route's, or a route that is no one hotel's.
			otherHotels := !rule.Public && !rule.Forward &&
				((strings.Contains(route.Pattern, "{hotel_id}") && !c.p.MayAccessHotel(matrixHotel)) || (rule.EveryHotel && c.p.HotelLimited()))
			switch {
			case resp.StatusCode >= 500:
				t.Errorf("%s %s as %s = %d", method, path, c.name, resp.StatusCode)
			case allowed && otherHotels:
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s (limited to other hotels) = %d, want 403", method, path, c.name, resp.StatusCode)
				}
			case !allowed && rule.Owner && c.p.Kind == hotel.BookingOwner:
				// Another booking's token: the booking is not revealed.
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as %s = %d, want 404", method, path, c.name, resp.StatusCode)
				}
			case allowed && denied:
				t.Errorf("%s %s as %s = %d, want access (rule: %s)", method, path, c.name, resp.StatusCode, rule.Describe())
			case !allowed && (c.bad || c.p.Kind == hotel.Anonymous) && resp.StatusCode != http.StatusUnauthorized:
				t.Errorf("%s %s as %s = %d, want 401", method, path, c.name, resp.StatusCode)
			case !allowed && !c.bad && c.p.Kind != hotel.Anonymous && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s as %s = %d, want 403", method, path, c.name, resp.StatusCode)
			}
		}
	}
}

// checkNoSecretsInLogs fails if any credential of cs appears in the logs of sys.
func checkNoSecretsInLogs(t *testing.T, sys *system, cs []caller) {
	for name, p := range sys.procs {
		logs := p.logs.String()
		for _, c := range cs {
			if secret := strings.TrimPrefix(c.header, "Bearer "); len(secret) > 8 && strings.Contains(logs, secret) {
				t.Errorf("the %s credential appears in the %s log", c.name, name)
			}
			if _, session, _ := strings.Cut(c.cookie, "="); session != "" && (strings.Contains(logs, session) || strings.Contains(logs, c.csrf)) {
				t.Errorf("the session cookie or CSRF token of %s appears in the %s log", c.name, name)
			}
		}
	}
}

// bookingTokenCaller books a room through gw and returns the caller holding
// that booking's access token: for every other booking, a stranger.
func bookingTokenCaller(t *testing.T, gw string) caller {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		ID    string `json:"booking_id"`
		Token string `json:"access_token"`
	}
	body := fmt.Sprintf(`{"guest_name":"Matrix Guest","hotel_id":222,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`,
		hotel.Today(time.Now(), london).AddDays(40))
	if r := call(t, "POST", gw+"/bookings/", body, &b); r.StatusCode != http.StatusCreated || b.Token == "" {
		t.Fatalf("booking for the matrix = %d", r.StatusCode)
	}
	return caller{name: "another booking's real token", header: "Bearer " + b.Token, p: hotel.Principal{Kind: hotel.BookingOwner, BookingID: b.ID}}
}
