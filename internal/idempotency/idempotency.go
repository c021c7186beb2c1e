// Package idempotency is the platform's one Idempotency-Key mechanism: an
// HTTP handler wrapper, used by every mutating route that honours the
// header (the booking changes and creates, inventory adjustments), over the
// store's idempotency records.
//
// A key is claimed per scope — the caller (principal kind and name, and the
// booking of a booking token) and the route pattern — together with a hash
// of the method, path and body, and the id of the resource the request acts
// on (for a create, the id it will create, chosen before anything is
// written). Every anonymous caller has the one scope, so an anonymous
// caller's key must be a secret — a random UUID (hotel.CheckIdempotencyKey)
// — and its record is kept under the key's SHA-256, never the key: whoever
// sends the key is its holder, and who does not cannot even name the record
// (neither from outside nor from the stored records). Then:
//
//   - a finished request with the same key and hash is replayed: same status
//     and body, with Idempotent-Replayed: true (Route.Replay may renew what
//     the holder needs, such as a created booking's access token).
//   - the same key with a different request is refused (422).
//   - the same key while the first request is in flight is refused (409,
//     Retry-After: 1).
//   - a key its caller may not send (hotel.CheckIdempotencyKey), or one
//     sent twice, is refused (400) and nothing runs.
//   - a request that ended in a 5xx is not replayed. On a resumable route
//     (one whose operation is idempotent on the resource id) a retry runs
//     again on the same resource id, so it finishes what the first attempt
//     began instead of doing it a second time; on any other route the claim
//     is dropped and a retry starts afresh.
//   - a claim older than InFlightLease that never finished (its process
//     died) counts as ended in a 5xx.
//   - a request refused 415 (its body sent without Content-Type:
//     application/json) is not replayed either: the claim is dropped, since
//     the request hash covers the body, not its Content-Type, and the same
//     body sent again as JSON must run.
//
// Records expire after TTL (the scheduler's recover-pending job deletes them).
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

const (
	// Header is the request header carrying the key.
	Header = hotel.IdempotencyKeyHeader
	// ReplayedHeader marks a response answered from a key's record.
	ReplayedHeader = "Idempotent-Replayed"
	// TTL is how long a key's record is kept.
	TTL = 24 * time.Hour
	// InFlightLease is longer than any request can take (each call to
	// another service is bounded, and so is their number), so an older
	// unfinished claim belongs to a request that will never finish.
	InFlightLease = 2 * time.Minute
)

// Store keeps the records (store.Store does).
type Store interface {
	BeginIdempotent(ctx context.Context, rec store.IdempotencyRecord, staleBefore time.Time) (*store.IdempotencyRecord, bool, error)
	FinishIdempotent(ctx context.Context, scope, key string, status int, body []byte) error
	AbandonIdempotent(ctx context.Context, scope, key string) error
}

// Keys applies Idempotency-Keys to routes.
type Keys struct {
	store    Store
	now      func() time.Time
	onReplay func()
}

// New returns Keys keeping records in st, with clock now; onReplay (may be
// nil) is called for every request answered from a record (metrics).
func New(st Store, now func() time.Time, onReplay func()) *Keys {
	if onReplay == nil {
		onReplay = func() {}
	}
	return &Keys{store: st, now: now, onReplay: onReplay}
}

// Op is a handler acting on the resource resourceID.
type Op func(w http.ResponseWriter, r *http.Request, resourceID string)

// Route says how one route's requests act under a key.
type Route struct {
	// Resource returns the id of the resource a request acts on (for a
	// create, a new one) and whether a resource can have it. A request
	// whose resource cannot exist runs as it is, without its key (it
	// finds nothing).
	Resource func(*http.Request) (id string, ok bool)
	// Resumable: the operation is idempotent on the resource id, so a retry
	// of a request that failed (5xx) or was abandoned runs it again on the
	// same id instead of starting afresh.
	Resumable bool
	// Stored returns the body of a response to keep (nil: as sent). A
	// created booking's access token is shown once and kept nowhere.
	Stored func(status int, body []byte) []byte
	// Replay makes a replayed response from its stored status and body for
	// the request r that repeats it (nil: the body as stored): it adds the
	// headers it derives to h and returns the body to send. Its error is
	// answered instead, and the record stays as it is.
	Replay func(r *http.Request, h http.Header, status int, body []byte) ([]byte, error)
}

// Handle runs do under the Idempotency-Key the request carries, if any.
func (k *Keys) Handle(rt Route, do Op) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resource, ok := rt.Resource(r)
		vals, sent := r.Header[Header]
		if !sent || !ok {
			do(w, r, resource)
			return
		}
		p := auth.PrincipalFrom(r.Context())
		if err := CheckHeader(vals, p); err != nil {
			web.Error(w, r, err)
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		now := k.now()
		rec := store.IdempotencyRecord{
			Scope: scope(p, r), Key: recordKey(p, vals[0]), RequestHash: requestHash(r, body), ResourceID: resource,
			CreatedAt: now, ExpiresAt: now.Add(TTL),
		}
		// No staleBefore: the store must never hand an unfinished claim to
		// someone else, who would lose the resource id it names.
		prev, claimed, err := k.store.BeginIdempotent(r.Context(), rec, time.Time{})
		if err != nil {
			web.Error(w, r, storeError(err))
			return
		}
		if !claimed {
			switch {
			case !bytes.Equal(prev.RequestHash, rec.RequestHash):
				web.Error(w, r, hotel.IdempotencyKeyReused(nil))
				return
			case prev.Done && prev.Status < 500:
				k.onReplay()
				replay(w, r, rt, prev)
				return
			case !prev.Done && now.Before(prev.CreatedAt.Add(InFlightLease)):
				w.Header().Set("Retry-After", "1")
				web.Error(w, r, hotel.Errorf(hotel.ECONFLICT, "A request with this Idempotency-Key is still in progress; retry shortly."))
				return
			}
			rec.ResourceID = prev.ResourceID // resume on the same resource
		}
		rw := &recorder{header: http.Header{}}
		do(rw, r, rec.ResourceID)
		k.finish(r.Context(), rt, rec, rw)
		rw.copyTo(w)
	})
}

// CheckHeader returns EINVALID naming the header unless its values are one
// key that caller p may send (hotel.CheckIdempotencyKey).
func CheckHeader(vals []string, p hotel.Principal) error {
	if len(vals) != 1 {
		return &hotel.Error{Code: hotel.EINVALID, Message: "The Idempotency-Key header is not valid.",
			Fields: []hotel.FieldError{{Field: Header, Reason: "must be given once"}}}
	}
	return hotel.CheckIdempotencyKey(vals[0], p.Kind == hotel.Anonymous)
}

// finish stores the response of a claimed key. After a 5xx on a route that
// cannot resume, or a 415 (nothing was read), the claim is dropped instead,
// so a retry starts afresh.
func (k *Keys) finish(ctx context.Context, rt Route, rec store.IdempotencyRecord, rw *recorder) {
	ctx = context.WithoutCancel(ctx)
	var err error
	if rw.status >= 500 && !rt.Resumable || rw.status == http.StatusUnsupportedMediaType {
		err = k.store.AbandonIdempotent(ctx, rec.Scope, rec.Key)
	} else {
		body := rw.body.Bytes()
		if rt.Stored != nil {
			body = rt.Stored(rw.status, body)
		}
		err = k.store.FinishIdempotent(ctx, rec.Scope, rec.Key, rw.status, body)
	}
	if err != nil {
		// The response still goes out; a retry with the key finds the
		// claim in flight (409) until the lease ends, then resumes.
		web.Logger(ctx).WarnContext(ctx, "could not record an idempotent response", "err", err)
	}
}

// replay writes a stored response as it was sent (less what Route.Stored
// left out, plus what Route.Replay renews) in answer to r.
func replay(w http.ResponseWriter, r *http.Request, rt Route, rec *store.IdempotencyRecord) {
	h := http.Header{}
	body := rec.Body
	if rt.Replay != nil {
		var err error
		if body, err = rt.Replay(r, h, rec.Status, rec.Body); err != nil {
			web.Error(w, r, err)
			return
		}
	}
	maps.Copy(w.Header(), h)
	h = w.Header()
	h.Set(ReplayedHeader, "true")
	h.Set("Cache-Control", "no-store")
	if rec.Status >= 400 {
		h.Set("Content-Type", web.ProblemContentType)
	} else {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(rec.Status)
	_, _ = w.Write(body)
}

// recordKey is the key of caller p's record of key: an anonymous caller's
// key is its secret, so only its SHA-256 is kept, and a key that is not
// sent cannot be found from the records; any other caller's key as sent.
func recordKey(p hotel.Principal, key string) string {
	if p.Kind != hotel.Anonymous {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// scope is who makes the request and on which route: a key is the
// caller's own, and the same key on two routes names two requests. A
// pattern and the same pattern with a trailing slash are one route
// (POST /bookings and POST /bookings/).
func scope(p hotel.Principal, r *http.Request) string {
	s := string(p.Kind) + ":" + p.Name
	if p.Kind == hotel.BookingOwner {
		s += ":" + p.BookingID
	}
	return s + " " + strings.TrimSuffix(r.Pattern, "/")
}

// requestHash is the SHA-256 of the method, path (either spelling of a
// collection) and body.
func requestHash(r *http.Request, body []byte) []byte {
	h := sha256.New()
	_, _ = io.WriteString(h, r.Method+"\n"+strings.TrimSuffix(r.URL.Path, "/")+"\n")
	_, _ = h.Write(body)
	return h.Sum(nil)
}

// readBody reads the (bounded) body for hashing and puts it back for the handler.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, web.MaxBodyBytes))
	if err != nil {
		if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
			return nil, hotel.Errorf(hotel.ETOOLARGE, "The request body is larger than %d bytes.", maxErr.Limit)
		}
		return nil, &hotel.Error{Code: hotel.EINVALID, Message: "The request body could not be read.", Err: err}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

func storeError(err error) error {
	if errors.Is(err, store.ErrIdempotencyMismatch) {
		return hotel.IdempotencyKeyReused(err)
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The database is unavailable; try again shortly.", Err: err}
	}
	return &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: err}
}

// recorder keeps a response so it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rw *recorder) Header() http.Header { return rw.header }

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return rw.body.Write(b)
}

func (rw *recorder) copyTo(w http.ResponseWriter) {
	maps.Copy(w.Header(), rw.header)
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	w.WriteHeader(rw.status)
	_, _ = w.Write(rw.body.Bytes())
}
