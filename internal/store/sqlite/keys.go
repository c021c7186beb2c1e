package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// tsLayout is the fixed-width UTC timestamp format stored in TEXT columns.
const tsLayout = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

// CreateAPIKey stores a key's hash and metadata.
func (s *Store) CreateAPIKey(ctx context.Context, k *hotel.APIKey) error {
	k.CreatedAt = store.Stamp(k.CreatedAt)
	res, err := s.w.ExecContext(ctx, `INSERT INTO api_key (name, prefix, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)`,
		k.Name, k.Prefix, k.Hash, strings.Join(k.Scopes, ","), ts(k.CreatedAt))
	if err != nil {
		return translate(err)
	}
	k.ID, err = res.LastInsertId()
	return err
}

// APIKeyByPrefix finds a key by its public prefix.
func (s *Store) APIKeyByPrefix(ctx context.Context, prefix string) (hotel.APIKey, error) {
	k, err := store.ScanAPIKey(s.r.QueryRowContext(ctx, `SELECT `+store.APIKeyColumns+` FROM api_key WHERE prefix = ?`, prefix))
	return k, translate(err)
}

// ListAPIKeys lists every key, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context) ([]hotel.APIKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+store.APIKeyColumns+` FROM api_key ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []hotel.APIKey
	for rows.Next() {
		k, err := store.ScanAPIKey(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, k)
	}
	return out, translate(rows.Err())
}

// RevokeAPIKey revokes the active key called name.
func (s *Store) RevokeAPIKey(ctx context.Context, name string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE api_key SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`, ts(at), name)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// TouchAPIKey records a use, at most once a minute per key.
func (s *Store) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE api_key SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		ts(at), id, ts(at.Add(-time.Minute)))
	return translate(err)
}

// BookingAccessHash returns the hash of a booking's access token.
func (s *Store) BookingAccessHash(ctx context.Context, bookingID string) ([]byte, error) {
	var h []byte
	err := s.r.QueryRowContext(ctx, `SELECT access_token_hash FROM booking WHERE id = ?`, bookingID).Scan(&h)
	return h, translate(err)
}

// SetBookingAccessHash replaces the hash of a booking's access token.
func (s *Store) SetBookingAccessHash(ctx context.Context, bookingID string, tokenHash []byte) error {
	res, err := s.w.ExecContext(ctx, `UPDATE booking SET access_token_hash = ? WHERE id = ?`, tokenHash, bookingID)
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
