package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// CreateHotel inserts h and sets h.ID.
func (s *Store) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	return s.write(ctx, func(tx dbtx) error {
		return tx.QueryRow(ctx, `INSERT INTO hotel (name, location, time_zone, currency) VALUES ($1, $2, $3, $4) RETURNING id`,
			h.Name, h.Location, h.TimeZone, h.Currency).Scan(&h.ID)
	})
}

// UpdateHotel replaces the name, location, time zone and currency of h.ID.
func (s *Store) UpdateHotel(ctx context.Context, h hotel.Hotel) error {
	return s.write(ctx, func(tx dbtx) error {
		tag, err := tx.Exec(ctx, `UPDATE hotel SET name = $2, location = $3, time_zone = $4, currency = $5 WHERE id = $1`,
			h.ID, h.Name, h.Location, h.TimeZone, h.Currency)
		if err == nil && tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return err
	})
}

// ListHotels returns at most f.Limit hotels with id > f.AfterID, by id.
func (s *Store) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	q, args := `SELECT `+store.HotelColumns+` FROM hotel WHERE id > $1`, []any{f.AfterID, f.Limit}
	if f.Location != "" {
		// Matches hotel_location_idx on (lower(location), id).
		q += ` AND lower(location) = lower($3)`
		args = append(args, f.Location)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY id LIMIT $2`, args...)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, rowTo(store.ScanHotel))
	return out, translate(err)
}

// GetRoomType returns one room type of a hotel.
func (s *Store) GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.RoomTypeColumns+` FROM room_type WHERE hotel_id = $1 AND id = $2`, hotelID, id)
	if err != nil {
		return hotel.RoomType{}, translate(err)
	}
	rt, err := pgx.CollectExactlyOneRow(rows, rowTo(store.ScanRoomType))
	return rt, translate(err)
}

// CreateRoomType inserts rt and sets rt.ID.
func (s *Store) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	return s.write(ctx, func(tx dbtx) error {
		err := tx.QueryRow(ctx, `INSERT INTO room_type (hotel_id, name, max_occupancy, overbooking_allowance)
VALUES ($1, $2, $3, $4) RETURNING id`, rt.HotelID, rt.Name, rt.MaxOccupancy, rt.OverbookingAllowance).Scan(&rt.ID)
		if hasCode(err, codeForeignKeyViolation) {
			return store.ErrNotFound // no such hotel
		}
		return err
	})
}

// UpdateRoomType replaces name, max occupancy and overbooking allowance, and
// copies the allowance onto every night of the room type in the same
// transaction, refusing (with the nights) if that would overbook any.
func (s *Store) UpdateRoomType(ctx context.Context, rt hotel.RoomType) error {
	return s.write(ctx, func(tx dbtx) error {
		tag, err := tx.Exec(ctx, `UPDATE room_type SET name = $3, max_occupancy = $4, overbooking_allowance = $5
WHERE hotel_id = $1 AND id = $2`, rt.HotelID, rt.ID, rt.Name, rt.MaxOccupancy, rt.OverbookingAllowance)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		_, failed, err := updateNights(ctx, tx, rt.HotelID, rt.ID, firstNight, lastNight,
			`allowance = $5`, `n.held + n.blocked <= n.capacity + $5`, rt.OverbookingAllowance)
		if err != nil {
			return err
		}
		return store.RefuseNights(store.ErrConflict, failed)
	})
}
