package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres/db"
)

// queries are the driver's fixed queries, generated from queries/*.sql.
var queries = db.New()

// CreateAPIKey stores a key's hash and metadata.
func (s *Store) CreateAPIKey(ctx context.Context, k *hotel.APIKey) error {
	k.CreatedAt = store.Stamp(k.CreatedAt)
	var err error
	k.ID, err = queries.CreateAPIKey(ctx, s.pool, db.CreateAPIKeyParams{
		Name: k.Name, Prefix: k.Prefix, Hash: k.Hash, Scopes: strings.Join(k.Scopes, ","), HotelIDs: store.JoinIDs(k.HotelIDs), CreatedAt: store.Timestamp(k.CreatedAt)})
	return translate(err)
}

// APIKeyByPrefix finds a key by its public prefix.
func (s *Store) APIKeyByPrefix(ctx context.Context, prefix string) (hotel.APIKey, error) {
	row, err := queries.APIKeyByPrefix(ctx, s.pool, prefix)
	if err != nil {
		return hotel.APIKey{}, translate(err)
	}
	return store.APIKeyRow(row).APIKey(), nil
}

// ListAPIKeys lists every key, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context) ([]hotel.APIKey, error) {
	rows, err := queries.ListAPIKeys(ctx, s.pool)
	return store.Convert(rows, func(r db.APIKey) hotel.APIKey { return store.APIKeyRow(r).APIKey() }), translate(err)
}

// RevokeAPIKey revokes the active key called name.
func (s *Store) RevokeAPIKey(ctx context.Context, name string, at time.Time) error {
	return translate(store.OneRow(queries.RevokeAPIKey(ctx, s.pool, db.RevokeAPIKeyParams{At: store.Timestamp(at), Name: name})))
}

// TouchAPIKey records a use, at most once a minute per key.
func (s *Store) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	return translate(queries.TouchAPIKey(ctx, s.pool, db.TouchAPIKeyParams{
		At: store.Timestamp(at), ID: id, Before: store.Timestamp(at.Add(-time.Minute))}))
}

// BookingAccessHash returns the hash of a booking's access token.
func (s *Store) BookingAccessHash(ctx context.Context, bookingID string) ([]byte, error) {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return nil, store.ErrNotFound
	}
	h, err := queries.BookingAccessHash(ctx, s.pool, id)
	return h, translate(err)
}

// SetBookingAccessHash replaces the hash of a booking's access token.
func (s *Store) SetBookingAccessHash(ctx context.Context, bookingID string, tokenHash []byte) error {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return store.ErrNotFound
	}
	return translate(store.OneRow(queries.SetBookingAccessHash(ctx, s.pool, db.SetBookingAccessHashParams{Hash: tokenHash, ID: id})))
}
