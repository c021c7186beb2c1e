package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Adjust blocks (NumRooms > 0) or unblocks (NumRooms < 0) rooms on every
// night of [StartDate, EndDate] by one conditional UPDATE, all or nothing,
// and records the adjustment.
func (s *Store) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	if a.EndDate.IsZero() {
		a.EndDate = a.StartDate
	}
	replayed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if a.IdempotencyKey != "" {
			prev, err := scanAdjustment(tx.QueryRowContext(ctx, `SELECT `+adjustmentColumns+` `+adjustmentFrom+`
WHERE a.actor = ? AND a.idempotency_key = ?`, a.Actor, a.IdempotencyKey))
			switch {
			case err == nil:
				if !store.SameAdjustment(&prev, a) {
					return store.ErrIdempotencyMismatch
				}
				*a = prev
				replayed = true
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := blockRooms(ctx, tx, a); err != nil {
			return err
		}
		at := now()
		var reason, key sql.NullString
		reason.String, reason.Valid = a.Reason, a.Reason != ""
		key.String, key.Valid = a.IdempotencyKey, a.IdempotencyKey != ""
		err := tx.QueryRowContext(ctx, `INSERT INTO inventory_adjustment
    (hotel_id, room_type_id, start_date, end_date, num_rooms, reason, actor, idempotency_key, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`, a.HotelID, a.RoomTypeID, a.StartDate.String(), a.EndDate.String(), a.NumRooms, reason, a.Actor, key, ts(at)).Scan(&a.ID)
		if err != nil {
			return err
		}
		a.CreatedAt = at
		return tx.QueryRowContext(ctx, `SELECT name FROM room_type WHERE hotel_id = ? AND id = ?`, a.HotelID, a.RoomTypeID).Scan(&a.RoomType)
	})
	if err != nil {
		return false, err
	}
	return replayed, nil
}

// blockRooms adds a.NumRooms to blocked on every night of the adjustment
// when held + blocked stays within capacity + allowance and blocked stays
// non-negative. If a night is missing or refuses, it reports which, and the
// caller rolls back.
func blockRooms(ctx context.Context, tx *sql.Tx, a *hotel.Adjustment) error {
	n := a.StartDate.DaysUntil(a.EndDate) + 1
	if n < 1 {
		return fmt.Errorf("%w: adjustment ends before it starts", store.ErrConflict)
	}
	rangeArgs := []any{a.HotelID, a.RoomTypeID, a.StartDate.String(), a.EndDate.String()}
	done, err := nightList(ctx, tx, `UPDATE inventory_night SET blocked = blocked + ?, updated_at = `+nowSQL+`
WHERE hotel_id = ? AND room_type_id = ? AND night BETWEEN ? AND ?
  AND held + blocked + ? <= capacity + allowance AND blocked + ? >= 0
RETURNING night`, append(append([]any{a.NumRooms}, rangeArgs...), a.NumRooms, a.NumRooms)...)
	if err != nil || len(done) == n {
		return err
	}
	all := store.Stay(a.StartDate, a.EndDate.AddDays(1))
	exist, err := existingNights(ctx, tx, rangeArgs)
	if err != nil {
		return err
	}
	if e := store.RefuseNights(store.ErrNotFound, store.Minus(all, exist)); e != nil {
		return e
	}
	return store.RefuseNights(store.ErrConflict, store.Minus(all, done))
}

// existingNights returns the nights with inventory among rangeArgs: hotel
// id, room type id, first and last night (inclusive).
func existingNights(ctx context.Context, tx *sql.Tx, rangeArgs []any) ([]hotel.Date, error) {
	return nightList(ctx, tx, `SELECT night FROM inventory_night WHERE hotel_id = ? AND room_type_id = ? AND night BETWEEN ? AND ?`, rangeArgs...)
}

// The shared adjustment columns and scanner, under the names Adjust and
// ListAdjustments use.
const adjustmentColumns = store.AdjustmentColumns

var scanAdjustment = store.ScanAdjustment

const adjustmentFrom = `FROM inventory_adjustment a JOIN room_type rt ON rt.hotel_id = a.hotel_id AND rt.id = a.room_type_id`

// ListAdjustments returns at most limit adjustments of a hotel with id <
// beforeID, newest first.
func (s *Store) ListAdjustments(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.Adjustment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+adjustmentColumns+` `+adjustmentFrom+`
WHERE a.hotel_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?`, hotelID, beforeID, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []hotel.Adjustment
	for rows.Next() {
		a, err := scanAdjustment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}
