package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Adjust blocks (NumRooms > 0) or unblocks rooms on every night of
// [StartDate, EndDate], all or nothing, and records the adjustment. The
// record is inserted first: a concurrent request with the same actor and
// idempotency key waits on the unique index until this one ends.
func (s *Store) Adjust(ctx context.Context, a *hotel.Adjustment) (bool, error) {
	if a.EndDate.IsZero() {
		a.EndDate = a.StartDate
	}
	var replayed bool
	var done hotel.Adjustment
	err := s.write(ctx, func(tx dbtx) error {
		replayed, done = false, *a
		err := tx.QueryRow(ctx, `INSERT INTO inventory_adjustment
    (hotel_id, room_type_id, start_date, end_date, num_rooms, reason, actor, idempotency_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (actor, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id, created_at, (SELECT name FROM room_type WHERE hotel_id = $1 AND id = $2)`,
			a.HotelID, a.RoomTypeID, a.StartDate.Time(), a.EndDate.Time(), a.NumRooms, store.NullString(a.Reason), a.Actor, store.NullString(a.IdempotencyKey)).
			Scan(&done.ID, &done.CreatedAt, &done.RoomType)
		switch {
		case errors.Is(err, pgx.ErrNoRows): // the key was used before
			prev, err := scanAdjustment(tx.QueryRow(ctx, `SELECT `+adjustmentColumns+` FROM inventory_adjustment a
JOIN room_type rt ON rt.id = a.room_type_id WHERE a.actor = $1 AND a.idempotency_key = $2`, a.Actor, a.IdempotencyKey))
			if err != nil {
				return err
			}
			if !store.SameAdjustment(&prev, a) {
				return store.ErrIdempotencyMismatch
			}
			replayed, done = true, prev
			return nil
		case hasCode(err, codeForeignKeyViolation):
			return store.ErrNotFound // no such room type in the hotel
		case err != nil:
			return err
		}
		found, failed, err := updateNights(ctx, tx, a.HotelID, a.RoomTypeID, a.StartDate, a.EndDate,
			`blocked = n.blocked + $5`, `n.held + n.blocked + $5 <= n.capacity + n.allowance AND n.blocked + $5 >= 0`, a.NumRooms)
		if err != nil {
			return err
		}
		return refusal(a.StartDate, a.EndDate, found, failed, false)
	})
	if err != nil {
		return false, err
	}
	done.CreatedAt = done.CreatedAt.UTC()
	*a = done
	return replayed, nil
}

// refusal turns the outcome of updateNights over [from, to] into an error:
// nights without inventory (unless creatable) wrap ErrNotFound, else nights
// that failed the condition wrap ErrConflict.
func refusal(from, to hotel.Date, found, failed []hotel.Date, creatable bool) error {
	if missing := store.Minus(store.Stay(from, to.AddDays(1)), found); !creatable && len(missing) > 0 {
		return store.RefuseNights(store.ErrNotFound, missing)
	}
	return store.RefuseNights(store.ErrConflict, failed)
}

// The shared adjustment columns and scanner, under the names Adjust and
// ListAdjustments use.
const adjustmentColumns = store.AdjustmentColumns

var scanAdjustment = store.ScanAdjustment

// ListAdjustments returns at most limit adjustments of a hotel with id <
// beforeID, newest first.
func (s *Store) ListAdjustments(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.Adjustment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+adjustmentColumns+` FROM inventory_adjustment a
JOIN room_type rt ON rt.id = a.room_type_id
WHERE a.hotel_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3`, hotelID, beforeID, limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hotel.Adjustment, error) { return scanAdjustment(row) })
	return out, translate(err)
}

// SetCalendar applies u to the existing nights of [u.StartDate, u.EndDate]
// and, with capacity and price given, creates the missing ones.
func (s *Store) SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (hotel.CalendarResult, error) {
	var res hotel.CalendarResult
	capacity := pgtype.Int4{Valid: u.Capacity != nil}
	if u.Capacity != nil {
		capacity.Int32 = int32(*u.Capacity)
	}
	price := pgtype.Int8{Valid: u.Price != nil}
	if u.Price != nil {
		price.Int64 = int64(*u.Price)
	}
	demand := pgtype.Text{Valid: u.DemandLevel != nil}
	if u.DemandLevel != nil {
		demand.String = *u.DemandLevel
	}
	creatable := capacity.Valid && price.Valid
	err := s.write(ctx, func(tx dbtx) error {
		res = hotel.CalendarResult{}
		// Share-lock the room type: UpdateRoomType waits, so new nights get
		// the allowance it ends with.
		var allowance int
		if err := tx.QueryRow(ctx, `SELECT overbooking_allowance FROM room_type WHERE hotel_id = $1 AND id = $2 FOR SHARE`,
			u.HotelID, u.RoomTypeID).Scan(&allowance); err != nil {
			return err
		}
		found, failed, err := updateNights(ctx, tx, u.HotelID, u.RoomTypeID, u.StartDate, u.EndDate,
			`capacity = coalesce($5, n.capacity), price_cents = coalesce($6, n.price_cents), demand_level = coalesce($7, n.demand_level)`,
			`($5::integer IS NULL OR n.held + n.blocked - n.allowance <= $5)`, capacity, price, demand)
		if err != nil {
			return err
		}
		if err := refusal(u.StartDate, u.EndDate, found, failed, creatable); err != nil {
			return err
		}
		res.Updated = len(found)
		missing := store.Minus(store.Stay(u.StartDate, u.EndDate.AddDays(1)), found)
		if len(missing) == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, allowance, price_cents, demand_level)
SELECT $1, $2, night, $4, $5, $6, coalesce($7, 'medium') FROM unnest($3::date[]) AS night
ON CONFLICT (hotel_id, room_type_id, night) DO NOTHING`,
			u.HotelID, u.RoomTypeID, dates(missing), capacity, allowance, price, demand)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) < len(missing) {
			return errRetry // created concurrently: run again to update them instead
		}
		res.Created = len(missing)
		return nil
	})
	return res, err
}
