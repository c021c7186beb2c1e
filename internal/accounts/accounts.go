// Package accounts is the console's staff users: signing in and out
// (a session cookie, see auth.AuthenticateSession), the signed-in user's
// session, and the admin routes that manage users. Passwords are argon2id
// hashes (auth.HashPassword); failed sign-ins lock an account for a while
// after LockAfter in a row, and the gateway limits sign-in attempts per
// address (gateway.SignInLimit).
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
)

// Defaults of Options.
const (
	DefaultSessionTTL = 12 * time.Hour   // a session ends this long after sign-in, used or not
	LockAfter         = 5                // failed sign-ins in a row that lock an account
	LockFor           = 15 * time.Minute // how long a lock lasts (each further failure renews it)
)

// Sign-in results, the values of hotel_sign_ins_total's label result.
const (
	SignInSuccess = "success"
	SignInFailure = "failure" // wrong email or password, or a disabled user
	SignInLocked  = "locked"  // refused: the account is locked
)

// NewSignInCounter registers hotel_sign_ins_total with reg.
func NewSignInCounter(reg prometheus.Registerer) (*prometheus.CounterVec, error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotel_sign_ins_total", Help: "Console sign-ins by result: success, failure (wrong email or password, disabled user), locked (refused: the account is locked).",
	}, []string{"result"})
	for _, r := range []string{SignInSuccess, SignInFailure, SignInLocked} {
		c.WithLabelValues(r) // every result exported from the start, at 0
	}
	return c, reg.Register(c)
}

// Options configure a Service.
type Options struct {
	// SignIns counts sign-ins by result (NewSignInCounter); nil: none.
	SignIns    *prometheus.CounterVec
	SessionTTL time.Duration // DefaultSessionTTL when zero
	Now        func() time.Time
	Log        *slog.Logger
	// Hotels checks that a hotel exists (a user's hotel limit names
	// existing hotels); nil skips the check.
	Hotels func(ctx context.Context, id int64) error
}

// Service manages staff users and their sessions over the store.
type Service struct {
	st  store.Store
	opt Options
}

// New returns a Service.
func New(st store.Store, opt Options) *Service {
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = DefaultSessionTTL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Service{st: st, opt: opt}
}

// UserInput is the body of POST /users and PATCH /users/{id}: absent
// fields do not change.
type UserInput struct {
	Email    *string  `json:"email,omitempty"`
	Role     *string  `json:"role,omitempty"`
	HotelIDs *[]int64 `json:"hotel_ids,omitempty"`
	Password *string  `json:"password,omitempty"`
	Disabled *bool    `json:"disabled,omitempty"`
}

// NewUser is the answer to creating a user: the user, and the password
// when the service generated it (shown once).
type NewUser struct {
	hotel.User
	Password string `json:"password,omitempty"`
}

// CreateUser creates a user from in (email and role required); without a
// password it generates one and returns it, once.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (NewUser, error) {
	var v hotel.Validation
	if in.Email == nil {
		v.Add("email", "is required")
	}
	if in.Role == nil {
		v.Add("role", "is required")
	}
	if in.Disabled != nil {
		v.Add("disabled", "a new user is enabled; disable it afterwards")
	}
	if err := v.Err(); err != nil {
		return NewUser{}, err
	}
	u := hotel.User{HotelIDs: []int64{}}
	generated := ""
	if in.Password == nil {
		generated = auth.NewPassword()
		in.Password = &generated
	}
	if err := s.apply(ctx, &u, in); err != nil {
		return NewUser{}, err
	}
	if err := s.st.CreateUser(ctx, &u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return NewUser{}, hotel.Errorf(hotel.ECONFLICT, "A user with email %s exists already.", u.Email)
		}
		return NewUser{}, unavailable(err)
	}
	s.opt.Log.InfoContext(ctx, "staff user created", "user_id", u.ID, "role", u.Role, "by", auth.PrincipalFrom(ctx).LogID())
	return NewUser{User: u, Password: generated}, nil
}

// UpdateUser changes a user. A new password, a new role or a disabled
// user ends every session of the user; so does DELETE …/sessions.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (hotel.User, error) {
	if in.Email != nil {
		var v hotel.Validation
		v.Add("email", "cannot change: create a user with the new email")
		return hotel.User{}, v.Err()
	}
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return hotel.User{}, err
	}
	before := u
	if err := s.apply(ctx, &u, in); err != nil {
		return hotel.User{}, err
	}
	if err := s.st.UpdateUser(ctx, &u); err != nil {
		return hotel.User{}, s.userError(err, id)
	}
	if u.PasswordHash != before.PasswordHash || u.Role != before.Role || (u.Disabled && !before.Disabled) {
		if _, err := s.st.RevokeUserSessions(ctx, id, s.opt.Now()); err != nil {
			return hotel.User{}, unavailable(err)
		}
	}
	s.opt.Log.InfoContext(ctx, "staff user changed", "user_id", u.ID, "role", u.Role, "disabled", u.Disabled,
		"by", auth.PrincipalFrom(ctx).LogID())
	return u, nil
}

// apply checks in and writes it onto u.
func (s *Service) apply(ctx context.Context, u *hotel.User, in UserInput) error {
	var v hotel.Validation
	merge := func(err error) {
		var e *hotel.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				v.Add(f.Field, f.Reason)
			}
		}
	}
	if in.Email != nil {
		email, err := hotel.NormalizeEmail("email", *in.Email)
		merge(err)
		u.Email = email
	}
	if in.Role != nil {
		merge(hotel.CheckRole("role", *in.Role))
		u.Role = *in.Role
	}
	if in.HotelIDs != nil {
		u.HotelIDs = *in.HotelIDs
	}
	if in.Role != nil || in.HotelIDs != nil {
		merge(hotel.CheckHotelLimit("hotel_ids", u.HotelIDs, hotel.RoleScopes[u.Role]))
	}
	if in.Password != nil {
		merge(auth.CheckPasswordRule("password", *in.Password))
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if err := v.Err(); err != nil {
		return err
	}
	if in.HotelIDs != nil && s.opt.Hotels != nil {
		for _, id := range u.HotelIDs {
			if err := s.opt.Hotels(ctx, id); err != nil {
				if hotel.ErrorCode(err) == hotel.ENOTFOUND {
					v.Add("hotel_ids", fmt.Sprintf("hotel %d does not exist", id))
					continue
				}
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	if in.Password != nil {
		u.PasswordHash = auth.HashPassword(*in.Password)
	}
	return nil
}

// GetUser reads a user. Errors: ENOTFOUND.
func (s *Service) GetUser(ctx context.Context, id int64) (hotel.User, error) {
	u, err := s.st.GetUser(ctx, id)
	return u, s.userError(err, id)
}

// ListUsers lists every user.
func (s *Service) ListUsers(ctx context.Context) ([]hotel.User, error) {
	us, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	if us == nil {
		us = []hotel.User{}
	}
	return us, nil
}

// RevokeSessions ends every session of user id and returns how many were
// active.
func (s *Service) RevokeSessions(ctx context.Context, id int64) (int64, error) {
	if _, err := s.GetUser(ctx, id); err != nil {
		return 0, err
	}
	n, err := s.st.RevokeUserSessions(ctx, id, s.opt.Now())
	if err != nil {
		return 0, unavailable(err)
	}
	s.opt.Log.InfoContext(ctx, "staff user's sessions revoked", "user_id", id, "sessions", n, "by", auth.PrincipalFrom(ctx).LogID())
	return n, nil
}

// errBadSignIn is the one answer to a wrong email, a wrong password and a
// disabled user, so a caller cannot tell which.
var errBadSignIn = &hotel.Error{Code: hotel.EUNAUTHORIZED, Message: "The email or password is wrong, or the account is disabled."}

// SignedIn is a new session: its token (the cookie's value), the user and
// the session's CSRF token and end.
type SignedIn struct {
	Token     string
	User      hotel.User
	CSRFToken string
	ExpiresAt time.Time
}

// SignIn checks email and password and opens a session. Errors:
// EUNAUTHORIZED, ERATELIMITED (the account is locked; retryAfter says for
// how long), EUNAVAILABLE.
func (s *Service) SignIn(ctx context.Context, email, password string) (_ SignedIn, retryAfter time.Duration, err error) {
	defer func() {
		if s.opt.SignIns == nil {
			return
		}
		switch hotel.ErrorCode(err) {
		case "":
			s.opt.SignIns.WithLabelValues(SignInSuccess).Inc()
		case hotel.EUNAUTHORIZED:
			s.opt.SignIns.WithLabelValues(SignInFailure).Inc()
		case hotel.ERATELIMITED:
			s.opt.SignIns.WithLabelValues(SignInLocked).Inc()
		}
	}()
	now := s.opt.Now()
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := s.st.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.CheckNoPassword(password)
		return SignedIn{}, 0, errBadSignIn
	case err != nil:
		return SignedIn{}, 0, unavailable(err)
	case now.Before(u.LockedUntil):
		wait := u.LockedUntil.Sub(now)
		return SignedIn{}, wait, hotel.Errorf(hotel.ERATELIMITED,
			"Too many failed sign-ins to this account; try again in %d minute(s).", int(wait.Minutes())+1)
	}
	if !auth.CheckPassword(u.PasswordHash, password) {
		n, err := s.st.SignInFailed(ctx, u.ID, LockAfter, now.Add(LockFor))
		if err != nil {
			return SignedIn{}, 0, unavailable(err)
		}
		s.opt.Log.WarnContext(ctx, "failed sign-in", "user_id", u.ID, "failures", n, "locked", n >= LockAfter)
		return SignedIn{}, 0, errBadSignIn
	}
	if u.Disabled {
		return SignedIn{}, 0, errBadSignIn
	}
	if err := s.st.SignInSucceeded(ctx, u.ID, now); err != nil {
		return SignedIn{}, 0, unavailable(err)
	}
	token, hash := auth.NewSessionToken()
	sess := hotel.Session{Hash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionTTL)}
	if err := s.st.CreateSession(ctx, sess); err != nil {
		return SignedIn{}, 0, unavailable(err)
	}
	s.opt.Log.InfoContext(ctx, "signed in", "user_id", u.ID, "role", u.Role)
	return SignedIn{Token: token, User: u, CSRFToken: auth.CSRFToken(token), ExpiresAt: sess.ExpiresAt}, 0, nil
}

// SignOut ends the caller's session.
func (s *Service) SignOut(ctx context.Context) error {
	p := auth.PrincipalFrom(ctx)
	if p.Kind != hotel.StaffUser || p.Session == nil {
		return errNoSession
	}
	if err := s.st.RevokeSession(ctx, p.Session, s.opt.Now()); err != nil {
		return unavailable(err)
	}
	s.opt.Log.InfoContext(ctx, "signed out", "user_id", p.UserID)
	return nil
}

// Session is the caller's session: the user, the CSRF token (from the
// cookie's token) and when it ends.
func (s *Service) Session(ctx context.Context, token string) (SignedIn, error) {
	p := auth.PrincipalFrom(ctx)
	if p.Kind != hotel.StaffUser || p.Session == nil {
		return SignedIn{}, errNoSession
	}
	ss, u, err := s.st.SessionUser(ctx, p.Session)
	if err != nil {
		return SignedIn{}, s.userError(err, p.UserID)
	}
	return SignedIn{User: u, CSRFToken: auth.CSRFToken(token), ExpiresAt: ss.ExpiresAt}, nil
}

func (s *Service) userError(err error, id int64) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return hotel.Errorf(hotel.ENOTFOUND, "No user has id %d.", id)
	}
	return unavailable(err)
}

func unavailable(err error) error {
	return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "Staff accounts are unavailable; try again shortly.", Err: err}
}

// SecureCookie reports whether the session cookie of a request must be
// Secure: always, but on loopback (a developer's `make run` over plain
// HTTP). The host is the one the client named: the gateway's
// X-Forwarded-Host when a service answers through it (the gateway sets
// it), else the request's.
func SecureCookie(r *http.Request) bool {
	host := r.Host
	if fh := r.Header.Get("X-Forwarded-Host"); fh != "" {
		host = fh
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback()
}

// sessionCookie is the cookie of a session token (empty: one that ends
// the browser's session).
func sessionCookie(r *http.Request, token string, expires time.Time) *http.Cookie {
	//nolint:gosec // Secure but on loopback (SecureCookie), HttpOnly and SameSite=Strict
	c := &http.Cookie{Name: auth.SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: SecureCookie(r),
		SameSite: http.SameSiteStrictMode}
	if token == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	return c
}
