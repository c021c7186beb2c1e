package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// CreateAPIKey stores a key's hash and metadata.
func (s *Store) CreateAPIKey(ctx context.Context, k *hotel.APIKey) error {
	k.CreatedAt = store.Stamp(k.CreatedAt)
	err := s.pool.QueryRow(ctx, `INSERT INTO api_key (name, prefix, hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		k.Name, k.Prefix, k.Hash, strings.Join(k.Scopes, ","), k.CreatedAt).Scan(&k.ID)
	return translate(err)
}

// APIKeyByPrefix finds a key by its public prefix.
func (s *Store) APIKeyByPrefix(ctx context.Context, prefix string) (hotel.APIKey, error) {
	k, err := store.ScanAPIKey(s.pool.QueryRow(ctx, `SELECT `+store.APIKeyColumns+` FROM api_key WHERE prefix = $1`, prefix))
	return k, translate(err)
}

// ListAPIKeys lists every key, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context) ([]hotel.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.APIKeyColumns+` FROM api_key ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, rowTo(store.ScanAPIKey))
	return out, translate(err)
}

// RevokeAPIKey revokes the active key called name.
func (s *Store) RevokeAPIKey(ctx context.Context, name string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_key SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL`, at, name)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// TouchAPIKey records a use, at most once a minute per key.
func (s *Store) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE api_key SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		at, id, at.Add(-time.Minute))
	return translate(err)
}

// BookingAccessHash returns the hash of a booking's access token.
func (s *Store) BookingAccessHash(ctx context.Context, bookingID string) ([]byte, error) {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return nil, store.ErrNotFound
	}
	var h []byte
	err = s.pool.QueryRow(ctx, `SELECT access_token_hash FROM booking WHERE id = $1`, id).Scan(&h)
	return h, translate(err)
}

// SetBookingAccessHash replaces the hash of a booking's access token.
func (s *Store) SetBookingAccessHash(ctx context.Context, bookingID string, tokenHash []byte) error {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return store.ErrNotFound
	}
	tag, err := s.pool.Exec(ctx, `UPDATE booking SET access_token_hash = $2 WHERE id = $1`, id, tokenHash)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}
