package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// SetCalendar updates the existing nights of the range (capacity only where
// it stays at or above held + blocked - allowance) and, with capacity and
// price given, creates the missing ones; all or nothing.
func (s *Store) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (hotel.CalendarResult, error) {
	var res hotel.CalendarResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = hotel.CalendarResult{}
		n := u.StartDate.DaysUntil(u.EndDate) + 1
		if n < 1 {
			return fmt.Errorf("%w: calendar range ends before it starts", store.ErrConflict)
		}
		var allowance int
		if err := tx.QueryRowContext(ctx, `SELECT overbooking_allowance FROM room_type WHERE hotel_id = ? AND id = ?`,
			u.HotelID, u.RoomTypeID).Scan(&allowance); err != nil {
			return err
		}
		var capacity, price sql.NullInt64
		if u.Capacity != nil {
			capacity = sql.NullInt64{Int64: int64(*u.Capacity), Valid: true}
		}
		if u.Price != nil {
			price = sql.NullInt64{Int64: int64(*u.Price), Valid: true}
		}
		var level sql.NullString
		if u.DemandLevel != nil {
			level = sql.NullString{String: *u.DemandLevel, Valid: true}
		}
		rangeArgs := []any{u.HotelID, u.RoomTypeID, u.StartDate.String(), u.EndDate.String()}
		updated, err := nightList(ctx, tx, `UPDATE inventory_night
SET capacity = coalesce(?1, capacity), price_cents = coalesce(?2, price_cents),
    demand_level = coalesce(?3, demand_level), updated_at = `+nowSQL+`
WHERE hotel_id = ?4 AND room_type_id = ?5 AND night BETWEEN ?6 AND ?7
  AND (?1 IS NULL OR held + blocked <= ?1 + allowance)
RETURNING night`, append([]any{capacity, price, level}, rangeArgs...)...)
		if err != nil {
			return err
		}
		exist, err := existingNights(ctx, tx, rangeArgs)
		if err != nil {
			return err
		}
		if e := store.RefuseNights(store.ErrConflict, store.Minus(exist, updated)); e != nil {
			return e
		}
		missing := store.Minus(store.Stay(u.StartDate, u.EndDate.AddDays(1)), exist)
		if len(missing) > 0 && (u.Capacity == nil || u.Price == nil) {
			return store.RefuseNights(store.ErrNotFound, missing)
		}
		if err := insertNights(ctx, tx, u, allowance, missing); err != nil {
			return err
		}
		res = hotel.CalendarResult{Updated: len(updated), Created: len(missing)}
		return nil
	})
	return res, err
}

// insertNights creates the nights of u that do not exist yet.
func insertNights(ctx context.Context, tx *sql.Tx, u hotel.CalendarUpdate, allowance int, nights []hotel.Date) error {
	if len(nights) == 0 {
		return nil
	}
	level := hotel.DemandMedium
	if u.DemandLevel != nil {
		level = *u.DemandLevel
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, allowance, price_cents, demand_level)
VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range nights {
		if _, err := stmt.ExecContext(ctx, u.HotelID, u.RoomTypeID, d.String(), *u.Capacity, allowance, int64(*u.Price), level); err != nil {
			return err
		}
	}
	return nil
}
