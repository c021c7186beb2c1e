package auth

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Rule says who may call a route. The zero Rule admits only admin keys.
type Rule struct {
	Public  bool   // anyone, no credentials needed
	Forward bool   // a gateway route to another service, which enforces its own rules
	Scope   string // staff keys holding this scope (admin holds all)
	Service bool   // the service credential of the platform's own services
	Owner   bool   // the access token of the booking named by {booking_id}
}

// Rules is the access table of every route of every server, by ServeMux
// pattern. A route missing here cannot be registered (Router panics at
// start), and the authorization matrix test walks this table.
var Rules = map[string]Rule{
	// Operations.
	"GET /{$}":     {Public: true},
	"GET /healthz": {Public: true},
	"GET /readyz":  {Public: true},

	// API documentation (package api), served by the gateway.
	"GET /openapi.json":             {Public: true},
	"GET /docs":                     {Public: true},
	"GET /docs/redoc.standalone.js": {Public: true},

	// Inventory reads (seed routes).
	"GET /inventory":                       {Public: true},
	"GET /inventory/{$}":                   {Public: true},
	"GET /inventory/{hotel_id}":            {Public: true},
	"GET /inventory/hotel_name/{hotel_id}": {Public: true},
	"GET /inventory/hotels/{hotel_id}":     {Public: true},

	// Availability search and the catalogue.
	"GET /inventory/search":                                      {Public: true},
	"GET /inventory/hotels":                                      {Public: true},
	"GET /inventory/hotels/{hotel_id}/room-types":                {Public: true},
	"GET /inventory/hotels/{hotel_id}/room-types/{room_type_id}": {Public: true},

	// Inventory administration: hotels, room types, calendar, adjustments.
	"POST /inventory/hotels":                                       {Scope: hotel.ScopeInventoryWrite},
	"PATCH /inventory/hotels/{hotel_id}":                           {Scope: hotel.ScopeInventoryWrite},
	"POST /inventory/hotels/{hotel_id}/room-types":                 {Scope: hotel.ScopeInventoryWrite},
	"PATCH /inventory/hotels/{hotel_id}/room-types/{room_type_id}": {Scope: hotel.ScopeInventoryWrite},
	"PUT /inventory/hotels/{hotel_id}/calendar":                    {Scope: hotel.ScopeInventoryWrite},
	"POST /inventory/{hotel_id}/adjust":                            {Scope: hotel.ScopeInventoryWrite},
	"GET /inventory/hotels/{hotel_id}/adjustments":                 {Scope: hotel.ScopeInventoryWrite},

	// Reservation holds: only the platform's services (the booking service).
	"GET /inventory/holds":                       {Service: true},
	"POST /inventory/holds/confirm":              {Service: true},
	"PUT /inventory/holds/{booking_id}":          {Service: true},
	"GET /inventory/holds/{booking_id}":          {Service: true},
	"POST /inventory/holds/{booking_id}/move":    {Service: true},
	"POST /inventory/holds/{booking_id}/release": {Service: true},

	// Bookings (seed routes): anyone may book; staff keys by scope; the
	// booking's access token for that booking only.
	"POST /bookings/":                       {Public: true},
	"POST /bookings":                        {Public: true},
	"GET /bookings/":                        {Scope: hotel.ScopeBookingsRead},
	"GET /bookings":                         {Scope: hotel.ScopeBookingsRead},
	"GET /bookings/{booking_id}":            {Scope: hotel.ScopeBookingsRead, Owner: true},
	"PATCH /bookings/{booking_id}":          {Scope: hotel.ScopeBookingsWrite, Owner: true},
	"DELETE /bookings/{booking_id}":         {Scope: hotel.ScopeBookingsWrite, Owner: true},
	"POST /bookings/{booking_id}/check-out": {Scope: hotel.ScopeBookingsWrite, Owner: true},

	// Gateway forwarding; the service behind enforces the same table.
	"/inventory/": {Forward: true},
	"/inventory":  {Forward: true},
	"/bookings/":  {Forward: true},
	"/bookings":   {Forward: true},
	"/booking/":   {Forward: true},
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
		who = append(who, "keys with "+r.Scope)
	}
	if r.Owner {
		who = append(who, "the booking's access token")
	}
	if r.Service {
		who = append(who, "the service credential")
	}
	return strings.Join(append(who, "admin"), ", ")
}

// Table returns the rules sorted by pattern, for documentation and tests.
func Table() []string {
	out := make([]string, 0, len(Rules))
	for p := range Rules {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
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
	if v, ok := r.Context().Value(verifiedKey{}).(verified); ok && v.header == header {
		return v.p, nil
	}
	return rt.authn.Authenticate(r.Context(), header)
}

// decide applies rule to an authenticated principal.
func (r Rule) decide(p hotel.Principal, req *http.Request) error {
	switch {
	case p.Has(hotel.ScopeAdmin):
		return nil
	case r.Service && p.Kind == hotel.Service:
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

// Router registers routes on a ServeMux with their access rule enforced. It
// satisfies web.Router, so route files do not know about access control.
type Router struct {
	mux   *http.ServeMux
	authn *Authenticator
	rules map[string]Rule
}

// NewRouter returns a Router over mux using rules (normally Rules).
func NewRouter(mux *http.ServeMux, authn *Authenticator, rules map[string]Rule) *Router {
	return &Router{mux: mux, authn: authn, rules: rules}
}

// Handle registers h for pattern behind its rule. It panics when the pattern
// has no rule: an unguarded route must not start.
func (rt *Router) Handle(pattern string, h http.Handler) {
	rule, ok := rt.rules[pattern]
	if !ok {
		panic(fmt.Sprintf("auth: route %q has no access rule in auth.Rules", pattern))
	}
	if rule.Forward {
		rt.mux.Handle(pattern, h)
		return
	}
	if rule.Public {
		// Anyone may call; a caller that presents valid credentials is
		// still known (its Idempotency-Keys are its own, it sees what its
		// scopes allow). Bad credentials are ignored, not refused.
		rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cred := r.Header.Get("Authorization"); cred != "" {
				if p, err := rt.authenticate(r); err == nil {
					r = r.WithContext(WithPrincipal(r.Context(), p))
				}
			}
			h.ServeHTTP(w, r)
		}))
		return
	}
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := rt.authenticate(r)
		if err == nil {
			err = rule.decide(p, r)
		}
		if err != nil {
			if hotel.ErrorCode(err) == hotel.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="hotel"`)
			}
			web.Error(w, r, err)
			return
		}
		h.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	}))
}
