package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// SetSyncPending sets or clears the booking's mark without a new version.
func (s *Store) SetSyncPending(ctx context.Context, id string, version int, marked bool, at time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE booking SET sync_pending = ?, updated_at = ?
WHERE id = ? AND version = ? AND sync_pending <> ?`, flag(marked), ts(store.Stamp(at)), id, version, flag(marked))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM booking WHERE id = ?`, id).Scan(&v); err != nil {
			return err
		}
		return fmt.Errorf("%w: booking %s is at version %d (asked %d) or already so marked", store.ErrConflict, id, v, version)
	})
}

// BookingStatuses returns the statuses of the bookings among ids, in one query.
func (s *Store) BookingStatuses(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = strings.ToLower(id)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, status FROM booking WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, translate(err)
		}
		out[id] = status
	}
	return out, translate(rows.Err())
}

// UnconfirmedHolds returns unconfirmed holds made before before, oldest
// first, with their nights, in one query.
func (s *Store) UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]hotel.Hold, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+store.HoldColumns+`, hn.night, hn.price_cents
FROM (SELECT * FROM hold WHERE confirmed_at IS NULL AND created_at < ? ORDER BY created_at, booking_id LIMIT ?) h
JOIN hotel ho ON ho.id = h.hotel_id
LEFT JOIN hold_night hn ON hn.booking_id = h.booking_id
ORDER BY h.created_at, h.booking_id, hn.night`, ts(before), limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []hotel.Hold
	for rows.Next() {
		var h hotel.Hold
		var night hotel.Date
		var price sql.NullInt64
		if err := rows.Scan(append(store.HoldFields(&h), store.DateDest(&night), &price)...); err != nil {
			return nil, translate(err)
		}
		if len(out) == 0 || out[len(out)-1].BookingID != h.BookingID {
			h.Nights = []hotel.NightPrice{}
			out = append(out, h)
		}
		if !night.IsZero() {
			cur := &out[len(out)-1]
			cur.Nights = append(cur.Nights, hotel.NightPrice{Date: night, Price: hotel.Cents(price.Int64)})
			cur.TotalPrice += hotel.Cents(price.Int64)
		}
	}
	return out, translate(rows.Err())
}

// ConfirmHolds marks the unconfirmed holds of ids confirmed.
func (s *Store) ConfirmHolds(ctx context.Context, ids []string, at time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{ts(store.Stamp(at))}
	for _, id := range ids {
		args = append(args, strings.ToLower(id))
	}
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE hold SET confirmed_at = ? WHERE confirmed_at IS NULL AND booking_id IN (`+placeholders(len(ids))+`)`, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
