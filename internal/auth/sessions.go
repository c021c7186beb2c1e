package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Sessions of staff users (the console). The cookie carries a random token
// (256 bits); the database keeps its SHA-256, as for API keys. Each session
// has a CSRF token derived from its own token, which the console reads from
// GET /auth/session and sends back in CSRFHeader on every request that is
// not a read: a page of another site can make the browser send the cookie
// (were SameSite=Strict not enough) but cannot read the CSRF token.
const (
	// SessionCookie is the name of the session cookie.
	SessionCookie = "hotel_session"
	// CSRFHeader is the header that must carry the session's CSRF token.
	CSRFHeader = "X-CSRF-Token"

	sessionMarker = "hs_"
)

// NewSessionToken returns a new session token and its stored hash.
func NewSessionToken() (token string, hash []byte) {
	token = sessionMarker + secret()
	return token, Hash(token)
}

// CSRFToken is the CSRF token of the session whose token is token.
func CSRFToken(token string) string {
	sum := sha256.Sum256([]byte("csrf\x00" + token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// errSessionEnded is the one answer to a session cookie that names no
// active session (unknown, expired, idle too long, revoked, user disabled).
var errSessionEnded = &hotel.Error{Code: hotel.EUNAUTHORIZED, Message: "The session has ended; sign in again."}

// errNoCSRF refuses a write made with a session cookie but without the
// session's CSRF token.
var errNoCSRF = &hotel.Error{Code: hotel.EFORBIDDEN,
	Message: "A request made with a session cookie that is not a read needs the session's CSRF token in " + CSRFHeader + "."}

// safeMethod reports whether a request of method only reads.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// AuthenticateSession resolves a session token (the cookie's value) to its
// user, checking the CSRF token csrf unless the request's method only
// reads. Errors: EUNAUTHORIZED, EFORBIDDEN (no or wrong CSRF token),
// EUNAVAILABLE.
func (a *Authenticator) AuthenticateSession(ctx context.Context, token, method, csrf string) (hotel.Principal, error) {
	if a.store == nil || !strings.HasPrefix(token, sessionMarker) || len(token) > 100 {
		return hotel.Principal{}, errSessionEnded
	}
	hash := Hash(token)
	s, u, err := a.store.SessionUser(ctx, hash)
	if err != nil {
		if e := lookupError(err); hotel.ErrorCode(e) == hotel.EUNAUTHORIZED {
			return hotel.Principal{}, errSessionEnded
		}
		return hotel.Principal{}, lookupError(err)
	}
	now := a.now()
	if s.Revoked || u.Disabled || !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= a.SessionIdle {
		return hotel.Principal{}, errSessionEnded
	}
	if !safeMethod(method) && subtle.ConstantTimeCompare([]byte(csrf), []byte(CSRFToken(token))) != 1 {
		return hotel.Principal{}, errNoCSRF
	}
	if now.Sub(s.LastSeenAt) > touchEvery {
		if err := a.store.TouchSession(ctx, hash, now); err != nil {
			web.Logger(ctx).WarnContext(ctx, "could not record session use", "user_id", u.ID, "err", err)
		}
	}
	return u.Principal(hash), nil
}

// DefaultSessionIdle is how long a session may go unused before it ends.
const DefaultSessionIdle = time.Hour

// requestPrincipal resolves the caller of r: the Authorization header when
// there is one, else the session cookie, else anonymous.
func (a *Authenticator) requestPrincipal(r *http.Request) (hotel.Principal, error) {
	if r.Header.Get("Authorization") == "" {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			return a.AuthenticateSession(r.Context(), c.Value, r.Method, r.Header.Get(CSRFHeader))
		}
	}
	return a.Authenticate(r.Context(), r.Header.Get("Authorization"))
}
