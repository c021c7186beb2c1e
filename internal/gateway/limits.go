package gateway

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Identify names the client of a request for rate limiting: a verified
// credential's identity, else the client's IP address. exempt clients are
// not limited. It returns the request to go on with (which may carry what
// it learnt, such as the resolved principal).
type Identify func(r *http.Request) (client string, exempt bool, next *http.Request)

// Limit is a token bucket: Rate requests a second sustained, and Burst
// at once (the bucket's size).
type Limit struct {
	Rate  float64
	Burst int
}

// window is how long an empty bucket takes to fill again.
func (l Limit) window() time.Duration {
	return time.Duration(float64(l.Burst) / l.Rate * float64(time.Second))
}

// Decision is a limiter's answer for one request.
type Decision struct {
	Allowed bool
	// Remaining is how many more requests the client may make at once.
	Remaining int
	// RetryAfter is, when refused, how long until a request is allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the client's bucket is full again.
	ResetAfter time.Duration
}

// A Limiter spends one request of a client's allowance. MemoryLimiter
// keeps the buckets in the process; RedisLimiter shares them between
// gateway replicas. A Limiter always decides: one that cannot reach what
// it shares decides on its own (see RedisLimiter).
type Limiter interface {
	// Limit is the bucket every client has.
	Limit() Limit
	// Take spends one request of client's bucket.
	Take(ctx context.Context, client string) Decision
}

// unlimited are the routes never limited: probes.
var unlimited = []string{"/healthz", "/readyz"}

// RateLimit limits each client (as identify names it) with lim; a nil lim,
// or one of rate zero, limits nothing. Every limited answer carries
// RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset and
// RateLimit-Policy; a refused request gets 429 problem+json with
// Retry-After.
func RateLimit(lim Limiter, identify Identify, next http.Handler) http.Handler {
	if lim == nil || lim.Limit().Rate <= 0 {
		return next
	}
	l := lim.Limit()
	limit := strconv.Itoa(l.Burst)
	policy := fmt.Sprintf("%d;w=%d", l.Burst, seconds(l.window()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(unlimited, r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		client, exempt, r := identify(r)
		if exempt {
			next.ServeHTTP(w, r)
			return
		}
		d := lim.Take(r.Context(), client)
		h := w.Header()
		h.Set("RateLimit-Limit", limit)
		h.Set("RateLimit-Remaining", strconv.Itoa(max(0, d.Remaining)))
		h.Set("RateLimit-Reset", strconv.Itoa(seconds(d.ResetAfter)))
		h.Set("RateLimit-Policy", policy)
		if !d.Allowed {
			wait := max(1, seconds(d.RetryAfter))
			h.Set("Retry-After", strconv.Itoa(wait))
			web.Error(w, r, hotel.Errorf(hotel.ERATELIMITED, "Too many requests from this client; retry after %d second(s).", wait))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// seconds rounds d up to whole seconds, at least 1 for any wait.
func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}

// MemoryOptions tune a MemoryLimiter.
type MemoryOptions struct {
	// MaxClients bounds the buckets kept (default 100,000); idle ones are
	// dropped first.
	MaxClients int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// MemoryLimiter keeps each client's token bucket in this process: one
// gateway's view of its clients.
type MemoryLimiter struct {
	limit Limit
	opts  MemoryOptions
	mu    sync.Mutex
	m     map[string]*bucket
}

// NewMemoryLimiter returns a limiter giving each client a bucket of l
// (a Burst under 1 is 1).
func NewMemoryLimiter(l Limit, o MemoryOptions) *MemoryLimiter {
	l.Burst = max(1, l.Burst)
	if o.MaxClients <= 0 {
		o.MaxClients = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &MemoryLimiter{limit: l, opts: o, m: map[string]*bucket{}}
}

// Limit is the bucket every client has.
func (b *MemoryLimiter) Limit() Limit { return b.limit }

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Take spends a token of client's bucket.
func (b *MemoryLimiter) Take(_ context.Context, client string) Decision {
	now := b.opts.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	bk, found := b.m[client]
	if !found {
		if len(b.m) >= b.opts.MaxClients {
			b.evict(now)
		}
		bk = &bucket{lim: rate.NewLimiter(rate.Limit(b.limit.Rate), b.limit.Burst)}
		b.m[client] = bk
	}
	bk.seen = now
	d := Decision{Allowed: bk.lim.AllowN(now, 1)}
	tokens := bk.lim.TokensAt(now)
	if !d.Allowed {
		d.RetryAfter = time.Duration((1 - tokens) / b.limit.Rate * float64(time.Second))
	}
	d.ResetAfter = time.Duration((float64(b.limit.Burst) - tokens) / b.limit.Rate * float64(time.Second))
	d.Remaining = max(0, int(tokens))
	return d
}

// evict drops the buckets that have refilled (idle clients lose nothing),
// or, if none has, half of them, least recently seen first.
func (b *MemoryLimiter) evict(now time.Time) {
	for k, bk := range b.m {
		if bk.lim.TokensAt(now) >= float64(b.limit.Burst) {
			delete(b.m, k)
		}
	}
	if len(b.m) < b.opts.MaxClients {
		return
	}
	keys := make([]string, 0, len(b.m))
	for k := range b.m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return b.m[x].seen.Compare(b.m[y].seen) })
	for _, k := range keys[:len(keys)/2] {
		delete(b.m, k)
	}
}

// Sign-in attempts each client address may make (SignInLimit): a burst of
// SignInBurst, then SignInPerMinute a minute.
const (
	SignInBurst     = 10
	SignInPerMinute = 10
)

// SignInRate is the bucket of sign-in attempts each client address has.
var SignInRate = Limit{Rate: SignInPerMinute / 60.0, Burst: SignInBurst}

// SignInLimit limits the requests to the sign-in routes ("METHOD /path")
// per client address with lim (whose limit should be SignInRate), whoever
// they claim to be, before next: guessing passwords is slow from any one
// address, whatever the accounts tried (each account also locks after
// failures in a row, see package accounts). Other requests go to next
// untouched.
func SignInLimit(lim Limiter, next http.Handler, routes ...string) http.Handler {
	byIP := func(r *http.Request) (string, bool, *http.Request) { return ClientIP(r), false, r }
	limited := RateLimit(lim, byIP, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(routes, r.Method+" "+r.URL.Path) {
			limited.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ClientIP is the address the request came from (the TCP peer; the
// gateway is the edge, so X-Forwarded-For from clients is not trusted).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Authenticator resolves credentials (auth.Authenticator satisfies it).
type Authenticator interface {
	Authenticate(ctx context.Context, header string) (hotel.Principal, error)
}

// IdentifyByCredential identifies a client by its verified credential when
// the platform issued it — an API key's name, the service — and anything
// else by IP address: no credentials, bad ones, and booking access tokens,
// which a client mints itself by creating bookings (a bucket per token
// would multiply its rate by its bookings). So neither invented nor
// self-minted credentials buy fresh buckets. Admin keys
// and the service credential are exempt when exemptAdmin/exemptService.
// remember, if not nil, keeps the resolved principal in the request's
// context for the router, which then need not look the credential up again.
func IdentifyByCredential(authn Authenticator, exemptAdmin, exemptService bool,
	remember func(ctx context.Context, header string, p hotel.Principal) context.Context) Identify {
	return func(r *http.Request) (string, bool, *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			return "ip:" + ClientIP(r), false, r
		}
		p, err := authn.Authenticate(r.Context(), header)
		if err != nil {
			return "ip:" + ClientIP(r), false, r
		}
		if remember != nil {
			r = r.WithContext(remember(r.Context(), header, p))
		}
		switch {
		case p.Kind == hotel.Service:
			return "service", exemptService, r
		case p.Has(hotel.ScopeAdmin):
			return "key:" + p.Name, exemptAdmin, r
		case p.Kind == hotel.BookingOwner:
			return "ip:" + ClientIP(r), false, r
		default:
			return "key:" + p.Name, false, r
		}
	}
}

// CORS answers cross-origin requests from the allowed origins ("*" allows
// any): preflights get 204 with the methods and headers the API takes,
// other requests the Access-Control headers a browser needs to read the
// answer. Requests from other origins get no CORS headers (the browser
// then withholds the answer), and their preflights a 403.
func CORS(allowed []string, next http.Handler) http.Handler {
	if len(allowed) == 0 {
		return next
	}
	any := slices.Contains(allowed, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		ok := any || slices.Contains(allowed, origin)
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		switch {
		case preflight && !ok:
			web.Error(w, r, hotel.Errorf(hotel.EFORBIDDEN, "Origin %q may not call this API from a browser.", clipOrigin(origin)))
		case preflight:
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			w.WriteHeader(http.StatusNoContent)
		case ok:
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "ETag, Link, Location, Retry-After, X-Request-ID, Idempotent-Replayed, "+
				"RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy")
			next.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func clipOrigin(s string) string {
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.ToValidUTF8(s, "?")
}
