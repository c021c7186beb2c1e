package bookinghttp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Idempotency-Key handling (POST, PATCH, DELETE, check-out).
//
// A key is claimed per scope — the caller (principal kind and name, and the
// booking of a booking token) and the route pattern — together with a hash
// of the method, path and body, and the id of the booking the request acts
// on (for a create, the id it will create, chosen before anything is
// written). Then:
//
//   - a finished request with the same key and hash is replayed: same status
//     and body, with Idempotent-Replayed: true. A replayed create has no
//     access_token: the token is never stored outside its hash.
//   - the same key with a different request is refused (422).
//   - the same key while the first request is in flight is refused (409).
//   - a request that ended in a 5xx is not replayed: a retry runs again on
//     the same booking id. For a create this resumes the booking the first
//     attempt recorded (pending until its hold is settled) instead of
//     making a second one; the resumed answer has no access token if the
//     first attempt had already stored the booking.
//   - a claim older than inFlightLease that never finished (its process
//     died) counts as ended in a 5xx.
//
// Records expire after keyTTL.
const (
	keyHeader      = "Idempotency-Key"
	replayedHeader = "Idempotent-Replayed"
	keyTTL         = 24 * time.Hour
	// inFlightLease is longer than any request can take (each inventory
	// call is bounded, and so is their number), so an older unfinished
	// claim belongs to a request that will never finish.
	inFlightLease = 2 * time.Minute
)

// op is a handler acting on booking resourceID.
type op func(w http.ResponseWriter, r *http.Request, resourceID string)

func newBookingID(*http.Request) string    { return booking.NewID() }
func pathBookingID(r *http.Request) string { return r.PathValue("booking_id") }

// idempotent runs do under the Idempotency-Key the request carries, if any.
func (a *api) idempotent(resource func(*http.Request) string, do op) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No key, or a path id no booking can have (ids are UUIDs): the
		// request runs as it is (and finds no booking).
		if _, sent := r.Header[keyHeader]; !sent || !validID(resource(r)) {
			do(w, r, resource(r))
			return
		}
		key := r.Header.Get(keyHeader)
		if !validKey(key) {
			web.Error(w, r, &hotel.Error{Code: hotel.EINVALID, Message: "The Idempotency-Key header is not valid.",
				Fields: []hotel.FieldError{{Field: keyHeader, Reason: "must be 1 to 255 printable ASCII characters"}}})
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		now := a.now()
		rec := store.IdempotencyRecord{
			Scope: scope(r), Key: key, RequestHash: requestHash(r, body), ResourceID: resource(r),
			CreatedAt: now, ExpiresAt: now.Add(keyTTL),
		}
		// No staleBefore: the store must never hand an unfinished claim to
		// someone else, who would lose the booking id it names.
		prev, claimed, err := a.keys.BeginIdempotent(r.Context(), rec, time.Time{})
		if err != nil {
			web.Error(w, r, keyStoreError(err))
			return
		}
		if !claimed {
			switch {
			case !bytes.Equal(prev.RequestHash, rec.RequestHash):
				web.Error(w, r, errKeyReused)
				return
			case prev.Done && prev.Status < 500:
				a.onReplay()
				replay(w, prev)
				return
			case !prev.Done && now.Before(prev.CreatedAt.Add(inFlightLease)):
				w.Header().Set("Retry-After", "1")
				web.Error(w, r, hotel.Errorf(hotel.ECONFLICT, "A request with this Idempotency-Key is still in progress; retry shortly."))
				return
			}
			rec.ResourceID = prev.ResourceID // resume the same booking
		}
		rw := &recorder{header: http.Header{}}
		do(rw, r, rec.ResourceID)
		a.finish(r.Context(), rec, rw)
		rw.copyTo(w)
	})
}

// finish stores the response of a claimed key (never the access token).
// After a 5xx from a service that cannot resume a create, the claim is
// dropped instead, so a retry starts afresh.
func (a *api) finish(ctx context.Context, rec store.IdempotencyRecord, rw *recorder) {
	ctx = context.WithoutCancel(ctx)
	var err error
	if rw.status >= 500 && a.createWithID == nil {
		err = a.keys.AbandonIdempotent(ctx, rec.Scope, rec.Key)
	} else {
		err = a.keys.FinishIdempotent(ctx, rec.Scope, rec.Key, rw.status, withoutToken(rw.status, rw.body.Bytes()))
	}
	if err != nil {
		// The response still goes out; a retry with the key finds the
		// claim in flight (409) until the lease ends, then resumes.
		web.Logger(ctx).WarnContext(ctx, "could not record an idempotent response", "err", err)
	}
}

// replay writes a stored response.
func replay(w http.ResponseWriter, rec *store.IdempotencyRecord) {
	h := w.Header()
	h.Set(replayedHeader, "true")
	h.Set("Cache-Control", "no-store")
	if rec.Status >= 400 {
		h.Set("Content-Type", web.ProblemContentType)
	} else {
		h.Set("Content-Type", "application/json")
		var b struct {
			ID      string `json:"booking_id"`
			Version int    `json:"version"`
		}
		if json.Unmarshal(rec.Body, &b) == nil && b.ID != "" {
			h.Set("ETag", etag(b.Version))
			if rec.Status == http.StatusCreated {
				h.Set("Location", "/bookings/"+b.ID)
			}
		}
	}
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
}

// withoutToken is the body to store: a created booking's access token is
// shown once and kept nowhere.
func withoutToken(status int, body []byte) []byte {
	if status != http.StatusCreated {
		return body
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	if _, ok := m["access_token"]; !ok {
		return body
	}
	delete(m, "access_token")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return append(out, '\n')
}

func validID(id string) bool { _, ok := hotel.ParseBookingID(id); return ok }

// validKey: 1 to 255 printable ASCII characters.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := range len(k) {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// scope is who makes the request and on which route: a key is the
// caller's own, and the same key on two routes names two requests.
// POST /bookings and POST /bookings/ are one route.
func scope(r *http.Request) string {
	p := auth.PrincipalFrom(r.Context())
	s := string(p.Kind) + ":" + p.Name
	if p.Kind == hotel.BookingOwner {
		s += ":" + p.BookingID
	}
	return s + " " + strings.TrimSuffix(r.Pattern, "/")
}

// requestHash is the SHA-256 of the method, path (either spelling of the
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

// errKeyReused answers a key sent again with a different request.
var errKeyReused = &hotel.Error{Code: hotel.EUNPROCESSABLE,
	Message: "This Idempotency-Key was used for a different request; use a new key for a new request."}

func keyStoreError(err error) error {
	if errors.Is(err, store.ErrIdempotencyMismatch) {
		return errKeyReused
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The booking database is unavailable; try again shortly.", Err: err}
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
