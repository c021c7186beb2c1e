package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Rule says who may call a route. The zero Rule admits only admin keys.
type Rule struct {
	Public  bool   // anyone, no credentials needed
	Forward bool   // a gateway route to another service, which enforces its own rules
	Scope   string // staff keys holding this scope (admin holds all)
	Service bool   // the service credential of the platform's own services
	Owner   bool   // the access token of the booking named by {booking_id}
	// EveryHotel admits only principals not limited to some hotels (a
	// route that is no one hotel's, such as creating a hotel).
	EveryHotel bool
	User       bool // any signed-in staff user (its session)
}

// Route is one route of a server: its ServeMux pattern, who may call it
// and its handler. Each server declares its routes once, as a table of
// Routes (inventoryhttp.Routes, bookinghttp.Routes, …); the rules the
// Router enforces, the README's access table and the routes of the OpenAPI
// document are all made from those tables, so a route cannot exist without
// a rule.
type Route struct {
	Pattern string // "METHOD /path", or a bare path (a subtree) for a Forward rule
	Rule    Rule
	Handler http.Handler
}

// Describe renders a rule for people (the README's table).
func (r Rule) Describe() string {
	var who []string
	switch {
	case r.Public:
		return "anyone"
	case r.Forward:
		return "as the service behind it decides"
	}
	if r.Scope != "" {
		who = append(who, "keys and users with "+r.Scope)
	}
	if r.EveryHotel && len(who) > 0 {
		who[len(who)-1] += " (not limited to some hotels)"
	}
	if r.Owner {
		who = append(who, "the booking's access token")
	}
	if r.Service {
		who = append(who, "the service credential")
	}
	if r.User {
		return strings.Join(append(who, "a signed-in staff user"), ", ")
	}
	return strings.Join(append(who, "admin"), ", ")
}

type principalKey struct{}

// PrincipalFrom returns the caller of the request (anonymous if none was resolved).
func PrincipalFrom(ctx context.Context) hotel.Principal {
	if p, ok := ctx.Value(principalKey{}).(hotel.Principal); ok {
		return p
	}
	return hotel.Principal{Kind: hotel.Anonymous}
}

// WithPrincipal returns ctx carrying p, as the Router does for a request.
// Services and tests use it to act as a caller.
func WithPrincipal(ctx context.Context, p hotel.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

type verifiedKey struct{}

// verified is a principal already resolved from an Authorization header.
type verified struct {
	header string
	p      hotel.Principal
}

// WithVerified returns ctx carrying p as resolved from the Authorization
// header (by the gateway's rate limiter), so the router does not look the
// credential up a second time for the same request.
func WithVerified(ctx context.Context, header string, p hotel.Principal) context.Context {
	return context.WithValue(ctx, verifiedKey{}, verified{header, p})
}

// authenticate resolves the request's credentials, reusing a principal
// resolved earlier in the request from the same header.
func (rt *Router) authenticate(r *http.Request) (hotel.Principal, error) {
	header := r.Header.Get("Authorization")
	if v, ok := r.Context().Value(verifiedKey{}).(verified); ok && v.header == header && header != "" {
		return v.p, nil
	}
	return rt.authn.requestPrincipal(r)
}

// decide applies rule to an authenticated principal.
func (r Rule) decide(p hotel.Principal, req *http.Request) error {
	switch {
	case r.EveryHotel && p.HotelLimited():
		return errOtherHotel
	case p.Has(hotel.ScopeAdmin):
		return nil
	case r.Service && p.Kind == hotel.Service:
		return nil
	case r.User && p.Kind == hotel.StaffUser:
		return nil
	case r.Scope != "" && p.Has(r.Scope):
		return nil
	case r.Owner && p.Kind == hotel.BookingOwner:
		if strings.EqualFold(req.PathValue("booking_id"), p.BookingID) {
			return nil
		}
		// Another booking's token: do not reveal that this booking exists.
		return hotel.Errorf(hotel.ENOTFOUND, "Booking %s was not found.", req.PathValue("booking_id"))
	case p.Kind == hotel.Anonymous:
		return &hotel.Error{Code: hotel.EUNAUTHORIZED, Message: "This route needs credentials: Authorization: Bearer <key>."}
	default:
		return &hotel.Error{Code: hotel.EFORBIDDEN, Message: "These credentials do not allow this call."}
	}
}

// Router registers routes on a ServeMux with their access rule enforced.
type Router struct {
	mux   *http.ServeMux
	authn *Authenticator
}

// NewRouter returns a Router over mux that authenticates callers with authn.
func NewRouter(mux *http.ServeMux, authn *Authenticator) *Router {
	return &Router{mux: mux, authn: authn}
}

// Register adds routes to the mux, each behind its rule. It panics on a
// route whose rule cannot be meant as written: such a server must not start.
func (rt *Router) Register(routes ...Route) {
	for _, r := range routes {
		err := r.Check()
		if r.Handler == nil {
			err = errors.New("no handler")
		}
		if err != nil {
			panic(fmt.Sprintf("auth: route %q: %v", r.Pattern, err))
		}
		rt.mux.Handle(r.Pattern, rt.guard(r.Rule, r.Pattern, r.Handler))
	}
}

// Check reports what is wrong with the rule of a route's declaration.
func (r Route) Check() error {
	switch rule := r.Rule; {
	case (rule.Public || rule.Forward) && (rule.Public == rule.Forward || rule.Scope != "" || rule.Owner || rule.Service || rule.EveryHotel || rule.User):
		return errors.New("a public or forwarding rule with other conditions is ambiguous")
	case rule.Scope != "" && !slices.Contains(hotel.AllScopes, rule.Scope):
		return fmt.Errorf("unknown scope %q", rule.Scope)
	case rule.Owner && !strings.Contains(r.Pattern, "{booking_id}"):
		return errors.New("an owner rule needs a {booking_id} in the pattern")
	}
	return nil
}

func hasCookie(r *http.Request, name string) bool {
	_, err := r.Cookie(name)
	return err == nil
}

// errOtherHotel refuses a principal limited to other hotels.
var errOtherHotel = &hotel.Error{Code: hotel.EFORBIDDEN, Message: "These credentials are limited to other hotels."}

// checkHotel refuses p a route about hotel pathID (the {hotel_id} of the
// route's path) when p is limited to other hotels. An id that is not a
// number is left to the handler (400).
func checkHotel(p hotel.Principal, pathID string) error {
	if id, err := strconv.ParseInt(pathID, 10, 64); err == nil && !p.MayAccessHotel(id) {
		return errOtherHotel
	}
	return nil
}

// CheckHotel returns a 403 error unless the caller of ctx may act on hotel
// id (principals limited to some hotels). Routes with {hotel_id} in their
// path are checked by the Router; handlers check the hotels named in a
// query or body with it.
func CheckHotel(ctx context.Context, id int64) error {
	if !PrincipalFrom(ctx).MayAccessHotel(id) {
		return errOtherHotel
	}
	return nil
}

// guard returns h behind rule; on a route about one hotel ({hotel_id} in
// pattern), a principal limited to other hotels gets 403.
func (rt *Router) guard(rule Rule, pattern string, h http.Handler) http.Handler {
	hotelScoped := strings.Contains(pattern, "{hotel_id}")
	if rule.Forward {
		return h
	}
	if rule.Public {
		// Anyone may call; a caller that presents valid credentials is
		// still known (its Idempotency-Keys are its own, it sees what its
		// scopes allow). Bad credentials are ignored, not refused.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" || hasCookie(r, SessionCookie) {
				if p, err := rt.authenticate(r); err == nil {
					r = r.WithContext(WithPrincipal(r.Context(), p))
				}
			}
			h.ServeHTTP(w, r)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := rt.authenticate(r)
		if err == nil {
			err = rule.decide(p, r)
		}
		if err == nil && hotelScoped {
			err = checkHotel(p, r.PathValue("hotel_id"))
		}
		if err != nil {
			web.Error(w, r, err)
			return
		}
		ctx := WithPrincipal(r.Context(), p)
		if p.Kind == hotel.Service {
			// Another service of the platform: the booking service, whose
			// calls must see what it just wrote (a hold, then its booking).
			ctx = store.ReadPrimary(ctx)
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
