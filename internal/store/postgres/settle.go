package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// SetSyncPending sets or clears the booking's mark without a new version.
func (s *Store) SetSyncPending(ctx context.Context, bookingID string, version int, marked bool, at time.Time) error {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return store.ErrNotFound
	}
	return s.write1(ctx, func(q execer) error {
		tag, err := q.Exec(ctx, `UPDATE booking SET sync_pending = $3, updated_at = $4
WHERE id = $1 AND version = $2 AND sync_pending <> $3`, id, version, marked, store.Stamp(at))
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var v int
		if err := q.QueryRow(ctx, `SELECT version FROM booking WHERE id = $1`, id).Scan(&v); err != nil {
			return err
		}
		return fmt.Errorf("%w: booking %s is at version %d (asked %d) or already so marked", store.ErrConflict, bookingID, v, version)
	})
}

// BookingStatuses returns the statuses of the bookings among ids, in one query.
func (s *Store) BookingStatuses(ctx context.Context, ids []string) (map[string]string, error) {
	uids := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			uids = append(uids, u)
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, status FROM booking WHERE id = ANY($1::uuid[])`, uids)
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[string]string, len(uids))
	var id, status string
	_, err = pgx.ForEachRow(rows, []any{&id, &status}, func() error {
		out[id] = status
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// UnconfirmedHolds returns unconfirmed holds made before before, oldest
// first, with their nights, in one query.
func (s *Store) UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]hotel.Hold, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.HoldColumns+`,
       coalesce(array_agg(hn.night ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}'),
       coalesce(array_agg(hn.price_cents ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}')
FROM hold h
JOIN hotel ho ON ho.id = h.hotel_id
LEFT JOIN hold_night hn ON hn.booking_id = h.booking_id
WHERE h.booking_id IN (SELECT booking_id FROM hold WHERE confirmed_at IS NULL AND created_at < $1 ORDER BY created_at, booking_id LIMIT $2)
GROUP BY h.booking_id, ho.id
ORDER BY h.created_at, h.booking_id`, before, limit)
	if err != nil {
		return nil, translate(err)
	}
	holds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hotel.Hold, error) {
		var h hotel.Hold
		var nights []time.Time
		var prices []int64
		if err := row.Scan(append(store.HoldFields(&h), &nights, &prices)...); err != nil {
			return h, err
		}
		h.Nights = make([]hotel.NightPrice, len(nights))
		for i := range nights {
			h.Nights[i] = hotel.NightPrice{Date: hotel.DateOf(nights[i]), Price: hotel.Cents(prices[i])}
		}
		h.TotalPrice = store.TotalPrice(h.Nights)
		return h, nil
	})
	return holds, translate(err)
}

// ConfirmHolds marks the unconfirmed holds of ids confirmed.
func (s *Store) ConfirmHolds(ctx context.Context, ids []string, at time.Time) (int, error) {
	uids := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			uids = append(uids, u)
		}
	}
	var n int
	err := s.write1(ctx, func(q execer) error {
		tag, err := q.Exec(ctx, `UPDATE hold SET confirmed_at = $2 WHERE booking_id = ANY($1::uuid[]) AND confirmed_at IS NULL`,
			uids, store.Stamp(at))
		n = int(tag.RowsAffected())
		return err
	})
	return n, err
}
