package accounts_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/accounts"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

// clock is a fake clock the service and the authenticator share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	svc   *accounts.Service
	authn *auth.Authenticator
	clk   *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)}
	svc := accounts.New(st, accounts.Options{SessionTTL: 8 * time.Hour, Now: clk.now, Log: slog.New(slog.DiscardHandler)})
	authn := auth.NewAuthenticator(st, "", "", clk.now)
	authn.SessionIdle = time.Hour
	return &fixture{svc: svc, authn: authn, clk: clk}
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) user(t *testing.T, email, role string, hotels ...int64) (hotel.User, string) {
	t.Helper()
	in := accounts.UserInput{Email: &email, Role: &role, HotelIDs: &hotels}
	u, err := f.svc.CreateUser(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Password) < 20 {
		t.Fatalf("generated password %q", u.Password)
	}
	return u.User, u.Password
}

// TestSessionLifetime: a session lasts until it goes unused for the idle
// time or reaches its end, whichever is first; a read needs no CSRF token,
// a write does.
func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	u, pw := f.user(t, "Desk@Hotel.Example", hotel.RoleFrontDesk, 111)
	if u.Email != "desk@hotel.example" || u.PasswordHash == "" || strings.Contains(u.PasswordHash, pw) {
		t.Fatalf("stored user %+v", u)
	}
	si, _, err := f.svc.SignIn(ctx, " DESK@hotel.example ", pw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.authn.AuthenticateSession(ctx, si.Token, "GET", "")
	if err != nil || p.Kind != hotel.StaffUser || p.UserID != u.ID || !p.Has(hotel.ScopeGuestsRead) || p.Has(hotel.ScopeInventoryWrite) ||
		!p.MayAccessHotel(111) || p.MayAccessHotel(222) {
		t.Fatalf("session principal %+v, %v", p, err)
	}
	if _, err := f.authn.AuthenticateSession(ctx, si.Token, "POST", ""); hotel.ErrorCode(err) != hotel.EFORBIDDEN {
		t.Fatalf("write without CSRF token = %v, want forbidden", err)
	}
	if _, err := f.authn.AuthenticateSession(ctx, si.Token, "DELETE", auth.CSRFToken("hs_another")); hotel.ErrorCode(err) != hotel.EFORBIDDEN {
		t.Fatalf("write with another session's CSRF token = %v, want forbidden", err)
	}
	if _, err := f.authn.AuthenticateSession(ctx, si.Token, "POST", si.CSRFToken); err != nil {
		t.Fatalf("write with the CSRF token = %v", err)
	}
	// Used every 50 minutes, it lives until its end (8 h) ...
	for range 10 {
		f.clk.add(50 * time.Minute)
		_, err := f.authn.AuthenticateSession(ctx, si.Token, "GET", "")
		if f.clk.now().Before(si.ExpiresAt) != (err == nil) {
			t.Fatalf("at %v (ends %v): %v", f.clk.now(), si.ExpiresAt, err)
		}
	}
	// ... and unused for an hour, it ends.
	si2, _, err := f.svc.SignIn(ctx, "desk@hotel.example", pw)
	if err != nil {
		t.Fatal(err)
	}
	f.clk.add(59 * time.Minute)
	if _, err := f.authn.AuthenticateSession(ctx, si2.Token, "GET", ""); err != nil {
		t.Fatalf("after 59 idle minutes: %v", err)
	}
	f.clk.add(60 * time.Minute)
	if _, err := f.authn.AuthenticateSession(ctx, si2.Token, "GET", ""); hotel.ErrorCode(err) != hotel.EUNAUTHORIZED {
		t.Fatalf("after 60 idle minutes = %v, want unauthorized", err)
	}
}

// TestSignInLock: five wrong passwords in a row lock the account for 15
// minutes (the right password too is refused, with how long to wait); a
// good sign-in after the lock clears the count. Unknown emails, wrong
// passwords and disabled users get the same answer.
func TestSignInLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	u, pw := f.user(t, "rev@hotel.example", hotel.RoleRevenue)
	_, _, unknown := f.svc.SignIn(ctx, "nobody@hotel.example", pw)
	for i := 1; i <= accounts.LockAfter; i++ {
		_, wait, err := f.svc.SignIn(ctx, "rev@hotel.example", "not the password")
		if hotel.ErrorCode(err) != hotel.EUNAUTHORIZED || wait != 0 || hotel.ErrorMessage(err) != hotel.ErrorMessage(unknown) {
			t.Fatalf("failure %d = %v (wait %v); unknown email = %v", i, err, wait, unknown)
		}
	}
	_, wait, err := f.svc.SignIn(ctx, "rev@hotel.example", pw)
	if hotel.ErrorCode(err) != hotel.ERATELIMITED || wait != accounts.LockFor {
		t.Fatalf("locked account, right password = %v (wait %v)", err, wait)
	}
	f.clk.add(accounts.LockFor)
	if _, _, err := f.svc.SignIn(ctx, "rev@hotel.example", pw); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// Disabled: the right password gets the same 401 as a wrong one, and
	// the sessions it had end.
	si, _, err := f.svc.SignIn(ctx, "rev@hotel.example", pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateUser(ctx, u.ID, accounts.UserInput{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SignIn(ctx, "rev@hotel.example", pw); hotel.ErrorMessage(err) != hotel.ErrorMessage(unknown) {
		t.Fatalf("disabled user = %v", err)
	}
	if _, err := f.authn.AuthenticateSession(ctx, si.Token, "GET", ""); hotel.ErrorCode(err) != hotel.EUNAUTHORIZED {
		t.Fatalf("a disabled user's session = %v", err)
	}
}

// TestRevocation: signing out ends one session; a new password, a new role
// and DELETE …/sessions end them all; a new hotel limit applies at once.
func TestRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	u, pw := f.user(t, "desk@hotel.example", hotel.RoleFrontDesk)
	signIn := func() accounts.SignedIn {
		si, _, err := f.svc.SignIn(ctx, "desk@hotel.example", pw)
		if err != nil {
			t.Fatal(err)
		}
		return si
	}
	alive := func(si accounts.SignedIn) bool {
		_, err := f.authn.AuthenticateSession(ctx, si.Token, "GET", "")
		return err == nil
	}
	a, b := signIn(), signIn()
	p, _ := f.authn.AuthenticateSession(ctx, a.Token, "POST", a.CSRFToken)
	if err := f.svc.SignOut(auth.WithPrincipal(ctx, p)); err != nil {
		t.Fatal(err)
	}
	if alive(a) || !alive(b) {
		t.Fatal("signing out ended the wrong session")
	}
	if n, err := f.svc.RevokeSessions(ctx, u.ID); err != nil || n != 1 || alive(b) {
		t.Fatalf("RevokeSessions = %d, %v", n, err)
	}
	c := signIn()
	if _, err := f.svc.UpdateUser(ctx, u.ID, accounts.UserInput{HotelIDs: &[]int64{111}}); err != nil || !alive(c) {
		t.Fatalf("a new hotel limit ended the session (%v)", err)
	}
	if p, _ := f.authn.AuthenticateSession(ctx, c.Token, "GET", ""); p.MayAccessHotel(222) {
		t.Fatal("the new hotel limit does not apply to the open session")
	}
	newPW := "a much better password"
	if _, err := f.svc.UpdateUser(ctx, u.ID, accounts.UserInput{Password: &newPW}); err != nil || alive(c) {
		t.Fatalf("a new password left the session open (%v)", err)
	}
	if _, _, err := f.svc.SignIn(ctx, "desk@hotel.example", pw); err == nil {
		t.Fatal("the old password still signs in")
	}
	pw = newPW
	d := signIn()
	if _, err := f.svc.UpdateUser(ctx, u.ID, accounts.UserInput{Role: ptr(hotel.RoleRevenue)}); err != nil || alive(d) {
		t.Fatalf("a new role left the session open (%v)", err)
	}
}

// TestUserValidation: what a user may not be.
func TestUserValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	for _, c := range []struct {
		name  string
		in    accounts.UserInput
		field string
	}{
		{"no email", accounts.UserInput{Role: ptr(hotel.RoleAdmin)}, "email"},
		{"bad email", accounts.UserInput{Email: ptr("not an email"), Role: ptr(hotel.RoleAdmin)}, "email"},
		{"bad role", accounts.UserInput{Email: ptr("a@b.example"), Role: ptr("root")}, "role"},
		{"limited admin", accounts.UserInput{Email: ptr("a@b.example"), Role: ptr(hotel.RoleAdmin), HotelIDs: &[]int64{1}}, "hotel_ids"},
		{"hotel twice", accounts.UserInput{Email: ptr("a@b.example"), Role: ptr(hotel.RoleFrontDesk), HotelIDs: &[]int64{1, 1}}, "hotel_ids"},
		{"short password", accounts.UserInput{Email: ptr("a@b.example"), Role: ptr(hotel.RoleFrontDesk), Password: ptr("short")}, "password"},
	} {
		_, err := f.svc.CreateUser(ctx, c.in)
		var e *hotel.Error
		if !asError(err, &e) || e.Code != hotel.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	if _, err := f.svc.GetUser(ctx, 99); hotel.ErrorCode(err) != hotel.ENOTFOUND {
		t.Fatalf("unknown user = %v", err)
	}
}

func asError(err error, e **hotel.Error) bool { return errors.As(err, e) }
