package accounts

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/web"
)

// Paths of the sign-in routes (the gateway limits SignInPath per address).
const (
	SignInPath  = "/auth/sign-in"
	SignOutPath = "/auth/sign-out"
	SessionPath = "/auth/session"
)

// Routes are the sign-in routes (anyone; sign-out and the session need a
// signed-in user) and the admin routes of users.
func Routes(s *Service) []auth.Route {
	admin := auth.Rule{Scope: hotel.ScopeAdmin}
	user := auth.Rule{User: true}
	return []auth.Route{
		{Pattern: "POST " + SignInPath, Rule: auth.Rule{Public: true}, Handler: http.HandlerFunc(s.signIn)},
		{Pattern: "POST " + SignOutPath, Rule: user, Handler: http.HandlerFunc(s.signOut)},
		{Pattern: "GET " + SessionPath, Rule: user, Handler: http.HandlerFunc(s.session)},
		{Pattern: "POST /users", Rule: admin, Handler: http.HandlerFunc(s.create)},
		{Pattern: "GET /users", Rule: admin, Handler: http.HandlerFunc(s.list)},
		{Pattern: "GET /users/{id}", Rule: admin, Handler: http.HandlerFunc(s.get)},
		{Pattern: "PATCH /users/{id}", Rule: admin, Handler: http.HandlerFunc(s.update)},
		{Pattern: "DELETE /users/{id}/sessions", Rule: admin, Handler: http.HandlerFunc(s.revoke)},
	}
}

// SignInInput is the body of POST /auth/sign-in.
type SignInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// SessionView is the answer to signing in and to GET /auth/session: the
// user, the CSRF token to send in X-CSRF-Token, and when the session ends
// at the latest.
type SessionView struct {
	User      hotel.User `json:"user"`
	Scopes    []string   `json:"scopes"`
	CSRFToken string     `json:"csrf_token"`
	ExpiresAt time.Time  `json:"expires_at"`
}

func view(si SignedIn) SessionView {
	return SessionView{User: si.User, Scopes: hotel.RoleScopes[si.User.Role], CSRFToken: si.CSRFToken, ExpiresAt: si.ExpiresAt}
}

func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// signIn handles POST /auth/sign-in: 200 with the session and its cookie.
func (s *Service) signIn(w http.ResponseWriter, r *http.Request) {
	in, err := web.Decode[SignInInput](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var v hotel.Validation
	if in.Email == "" {
		v.Add("email", "is required")
	}
	if in.Password == "" {
		v.Add("password", "is required")
	} else if len(in.Password) > 4*auth.MaxPasswordLen {
		v.Add("password", "is too long")
	}
	if err := v.Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	si, wait, err := s.SignIn(r.Context(), in.Email, in.Password)
	if err != nil {
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		}
		web.Error(w, r, err)
		return
	}
	noStore(w)
	http.SetCookie(w, sessionCookie(r, si.Token, si.ExpiresAt))
	web.Encode(w, http.StatusOK, view(si))
}

// signOut handles POST /auth/sign-out: 204, the session revoked and its
// cookie cleared.
func (s *Service) signOut(w http.ResponseWriter, r *http.Request) {
	if err := web.NoBody(r); err != nil {
		web.Error(w, r, err)
		return
	}
	if err := s.SignOut(r.Context()); err != nil {
		web.Error(w, r, err)
		return
	}
	http.SetCookie(w, sessionCookie(r, "", time.Time{}))
	w.WriteHeader(http.StatusNoContent)
}

// session handles GET /auth/session.
func (s *Service) session(w http.ResponseWriter, r *http.Request) {
	if err := web.NewQuery(r).Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := r.Cookie(auth.SessionCookie)
	if err != nil {
		web.Error(w, r, errNoSession)
		return
	}
	si, err := s.Session(r.Context(), c.Value)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	noStore(w)
	web.Encode(w, http.StatusOK, view(si))
}

// errNoSession answers a staff user who authenticated otherwise than by
// a session cookie.
var errNoSession = hotel.Errorf(hotel.EINVALID, "Only a session signed in with a cookie has a session to show or end; API keys are revoked with hotel keys revoke.")

func userPath(id int64) string { return "/users/" + strconv.FormatInt(id, 10) }

// create handles POST /users: 201 with the user (and its generated
// password, once).
func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	in, err := web.Decode[UserInput](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	u, err := s.CreateUser(r.Context(), in)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	noStore(w)
	w.Header().Set("Location", userPath(u.ID))
	web.Encode(w, http.StatusCreated, u)
}

// list handles GET /users.
func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	if err := web.NewQuery(r).Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	us, err := s.ListUsers(r.Context())
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, map[string][]hotel.User{"users": us})
}

// get handles GET /users/{id}.
func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.NewQuery(r).Err()
	}
	var u hotel.User
	if err == nil {
		u, err = s.GetUser(r.Context(), id)
	}
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, u)
}

// update handles PATCH /users/{id}.
func (s *Service) update(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		web.Error(w, r, err)
		return
	}
	in, err := web.Decode[UserInput](w, r)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	u, err := s.UpdateUser(r.Context(), id, in)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, u)
}

// revoke handles DELETE /users/{id}/sessions: 200 with how many sessions
// ended.
func (s *Service) revoke(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.NoBody(r)
	}
	var n int64
	if err == nil {
		n, err = s.RevokeSessions(r.Context(), id)
	}
	if err != nil {
		web.Error(w, r, err)
		return
	}
	web.Encode(w, http.StatusOK, map[string]int64{"revoked": n})
}
