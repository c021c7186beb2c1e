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

// RateLimitConfig tunes RateLimit.
type RateLimitConfig struct {
	// Rate is the sustained requests per second allowed per client; zero
	// or less turns limiting off.
	Rate float64
	// Burst is how many requests a client may make at once.
	Burst int
	// MaxClients bounds the buckets kept (default 100,000); idle ones are
	// dropped first.
	MaxClients int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// unlimited are the routes never limited: probes.
var unlimited = []string{"/healthz", "/readyz"}

// RateLimit limits each client to a token bucket of cfg.Rate requests per
// second with bursts of cfg.Burst. Every limited answer carries
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; a refused
// request gets 429 problem+json with Retry-After.
func RateLimit(cfg RateLimitConfig, identify Identify, next http.Handler) http.Handler {
	if cfg.Rate <= 0 {
		return next
	}
	if cfg.Burst < 1 {
		cfg.Burst = 1
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := &buckets{cfg: cfg, m: map[string]*bucket{}}
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
		now := cfg.Now()
		allowed, remaining, wait, reset := b.take(client, now)
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(cfg.Burst))
		h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(seconds(reset)))
		h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", cfg.Burst, seconds(time.Duration(float64(cfg.Burst)/cfg.Rate*float64(time.Second)))))
		if !allowed {
			h.Set("Retry-After", strconv.Itoa(seconds(wait)))
			web.Error(w, r, hotel.Errorf(hotel.ERATELIMITED, "Too many requests from this client; retry after %d second(s).", seconds(wait)))
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

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// buckets are the clients' token buckets.
type buckets struct {
	cfg RateLimitConfig
	mu  sync.Mutex
	m   map[string]*bucket
}

// take spends a token of client's bucket at now. It reports whether the
// request may go ahead, the tokens left, how long until one is available
// (when refused) and until the bucket is full again.
func (b *buckets) take(client string, now time.Time) (ok bool, remaining int, wait, reset time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk, found := b.m[client]
	if !found {
		if len(b.m) >= b.cfg.MaxClients {
			b.evict(now)
		}
		bk = &bucket{lim: rate.NewLimiter(rate.Limit(b.cfg.Rate), b.cfg.Burst)}
		b.m[client] = bk
	}
	bk.seen = now
	ok = bk.lim.AllowN(now, 1)
	tokens := bk.lim.TokensAt(now)
	if !ok {
		wait = time.Duration((1 - tokens) / b.cfg.Rate * float64(time.Second))
	}
	reset = time.Duration((float64(b.cfg.Burst) - tokens) / b.cfg.Rate * float64(time.Second))
	return ok, max(0, int(tokens)), wait, reset
}

// evict drops the buckets that have refilled (idle clients lose nothing),
// or, if none has, half of them, least recently seen first.
func (b *buckets) evict(now time.Time) {
	for k, bk := range b.m {
		if bk.lim.TokensAt(now) >= float64(b.cfg.Burst) {
			delete(b.m, k)
		}
	}
	if len(b.m) < b.cfg.MaxClients {
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

// SignInLimit limits the requests to the sign-in routes ("METHOD /path")
// per client address, whoever they claim to be, before next: guessing
// passwords is slow from any one address, whatever the accounts tried
// (each account also locks after failures in a row, see package accounts).
// Other requests go to next untouched.
func SignInLimit(next http.Handler, routes ...string) http.Handler {
	byIP := func(r *http.Request) (string, bool, *http.Request) { return ClientIP(r), false, r }
	limited := RateLimit(RateLimitConfig{Rate: SignInPerMinute / 60.0, Burst: SignInBurst}, byIP, next)
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
