package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotelplatform/hotel/internal/accounts"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
)

// Read-your-writes with read replicas (DATABASE_READ_URL). The store sends
// the reads that may lag to a standby (store.ReadRoute); what a request
// must see of its own or its client's writes is decided here:
//
//   - a request that may write (any method but GET, HEAD and OPTIONS)
//     reads the primary throughout: the existence checks and reads of an
//     administrative change, a hold, a booking;
//   - so does every route of the booking service (a booking read after
//     its change), and every call made with the service credential
//     (auth.Router);
//   - a successful write answers with a read-after token, in the header
//     ReadAfterHeader and the cookie ReadAfterCookie: the time the write
//     had committed, in Unix milliseconds. A request that sends it back
//     (either) reads from a standby only if the standby has replayed every
//     commit the primary had made at that time, else from the primary.
//     Browsers (the console) send the cookie by themselves; an API client
//     echoes the header to read its own write. A token older than
//     HOTEL_MAX_REPLICA_LAG changes nothing (every standby in use has it).

// ReadAfterHeader and ReadAfterCookie carry the read-after token.
const (
	ReadAfterHeader = "Hotel-Read-After"
	ReadAfterCookie = "hotel_read_after"
)

// readRouting routes the reads of each request (see above) and gives
// every successful write's response its token, unless a service behind
// this one (the gateway forwarding) gave it one. Without replicas every
// read is the primary's: h as it is, nothing added to each request.
func readRouting(h http.Handler, replicas bool, maxLag time.Duration) http.Handler {
	if !replicas {
		return h
	}
	cookieAge := int((maxLag + time.Second - 1) / time.Second) // whole seconds, rounded up
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			if t, ok := readAfter(r); ok {
				ctx = store.ReadAfter(ctx, t)
			}
		default:
			ctx = store.ReadPrimary(ctx)
			w = &tokenWriter{ResponseWriter: w, age: cookieAge, secure: accounts.SecureCookie(r)}
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// readAfter is the request's read-after token, if any (not after now: a
// token from the future reads the primary until the standbys reach now).
func readAfter(r *http.Request) (time.Time, bool) {
	v := r.Header.Get(ReadAfterHeader)
	if v == "" {
		if c, err := r.Cookie(ReadAfterCookie); err == nil {
			v = c.Value
		}
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if v == "" || err != nil || ms <= 0 {
		return time.Time{}, false
	}
	t, now := time.UnixMilli(ms), time.Now()
	if t.After(now) {
		t = now
	}
	return t, true
}

// tokenWriter adds the read-after token to a successful response.
type tokenWriter struct {
	http.ResponseWriter
	age     int
	secure  bool // the cookie is Secure (but on loopback)
	written bool
}

func (w *tokenWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		hdr := w.Header()
		if code < 400 && hdr.Get(ReadAfterHeader) == "" {
			// Rounded up: the token must not be before the commit.
			v := strconv.FormatInt(time.Now().Add(time.Millisecond-1).UnixMilli(), 10)
			hdr.Set(ReadAfterHeader, v)
			//nolint:gosec // Secure but on loopback (accounts.SecureCookie), HttpOnly, SameSite=Lax
			hdr.Add("Set-Cookie", (&http.Cookie{Name: ReadAfterCookie, Value: v, Path: "/", MaxAge: w.age,
				HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode}).String())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *tokenWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (w *tokenWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// primaryReads makes every read of the routes' requests go to the primary.
func primaryReads(routes []auth.Route) []auth.Route {
	out := make([]auth.Route, len(routes))
	for i, rt := range routes {
		h := rt.Handler
		rt.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(store.ReadPrimary(r.Context())))
		})
		out[i] = rt
	}
	return out
}
