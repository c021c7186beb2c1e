package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Authenticator turns an Authorization header into a Principal.
type Authenticator struct {
	store      store.Store // nil in a process without a database (gateway alone)
	adminHash  []byte      // HOTEL_ADMIN_KEY, hashed; nil when unset
	serviceKey []byte      // HOTEL_SERVICE_KEY, hashed; nil when unset
	now        func() time.Time
	// SessionIdle is how long a staff user's session may go unused before
	// it ends (DefaultSessionIdle unless set).
	SessionIdle time.Duration
}

// NewAuthenticator returns an Authenticator. adminKey and serviceKey come
// from configuration and may be empty; only their hashes are kept.
func NewAuthenticator(st store.Store, adminKey, serviceKey string, now func() time.Time) *Authenticator {
	a := &Authenticator{store: st, now: now, SessionIdle: DefaultSessionIdle}
	if adminKey != "" {
		a.adminHash = Hash(adminKey)
	}
	if serviceKey != "" {
		a.serviceKey = Hash(serviceKey)
	}
	return a
}

// touchEvery is how stale an API key's last-use time may get; the stores
// apply the same minute in TouchAPIKey.
const touchEvery = time.Minute

// errBadCredentials is the one answer to every kind of wrong credential, so
// a caller cannot tell a revoked key from an unknown one.
var errBadCredentials = &hotel.Error{Code: hotel.EUNAUTHORIZED, Message: "The credentials are missing, invalid or revoked."}

// Authenticate resolves header ("Bearer …" or empty) to a Principal.
// Errors: EUNAUTHORIZED, EUNAVAILABLE.
func (a *Authenticator) Authenticate(ctx context.Context, header string) (hotel.Principal, error) {
	if header == "" {
		return hotel.Principal{Kind: hotel.Anonymous}, nil
	}
	scheme, cred, ok := strings.Cut(header, " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" || len(cred) > 256 {
		return hotel.Principal{}, errBadCredentials
	}
	h := Hash(cred)
	switch {
	case a.adminHash != nil && Equal(h, a.adminHash):
		return hotel.Principal{Kind: hotel.StaffKey, Name: "HOTEL_ADMIN_KEY", Scopes: []string{hotel.ScopeAdmin}}, nil
	case a.serviceKey != nil && Equal(h, a.serviceKey):
		return hotel.Principal{Kind: hotel.Service, Name: "service"}, nil
	}
	if a.store == nil {
		return hotel.Principal{}, errBadCredentials
	}
	if prefix, ok := keyPrefix(cred); ok {
		k, err := a.store.APIKeyByPrefix(ctx, prefix)
		if err != nil {
			return hotel.Principal{}, lookupError(err)
		}
		if k.Revoked || !Equal(h, k.Hash) {
			return hotel.Principal{}, errBadCredentials
		}
		// The row just read says when the key was last recorded; only write
		// when that is stale, so authenticated reads do not take SQLite's
		// write lock on every request.
		if now := a.now(); now.Sub(k.LastUsedAt) > touchEvery {
			if err := a.store.TouchAPIKey(ctx, k.ID, now); err != nil {
				web.Logger(ctx).WarnContext(ctx, "could not record API key use", "key", k.Name, "err", err)
			}
		}
		return hotel.Principal{Kind: hotel.StaffKey, Name: k.Name, Scopes: k.Scopes, HotelIDs: k.HotelIDs}, nil
	}
	if id, ok := tokenBooking(cred); ok {
		stored, err := a.store.BookingAccessHash(ctx, id)
		if err != nil {
			return hotel.Principal{}, lookupError(err)
		}
		if !Equal(h, stored) {
			return hotel.Principal{}, errBadCredentials
		}
		return hotel.Principal{Kind: hotel.BookingOwner, BookingID: id}, nil
	}
	return hotel.Principal{}, errBadCredentials
}

func lookupError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errBadCredentials
	}
	return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "Credentials cannot be checked right now; try again shortly.", Err: err}
}
