package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// CreateHotel inserts h and sets h.ID.
func (s *Store) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	err := s.w.QueryRowContext(ctx, `INSERT INTO hotel (name, location, time_zone, currency) VALUES (?, ?, ?, ?) RETURNING id`,
		h.Name, h.Location, h.TimeZone, h.Currency).Scan(&h.ID)
	return translate(err)
}

// UpdateHotel replaces the name, location, time zone and currency of h.ID.
func (s *Store) UpdateHotel(ctx context.Context, h hotel.Hotel) error {
	res, err := s.w.ExecContext(ctx, `UPDATE hotel SET name = ?, location = ?, time_zone = ?, currency = ? WHERE id = ?`,
		h.Name, h.Location, h.TimeZone, h.Currency, h.ID)
	return affectedOne(res, err)
}

// affectedOne translates the result of a write to one row: ErrNotFound when
// it matched none.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ListHotels returns at most f.Limit hotels with id > f.AfterID, by id.
func (s *Store) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	q := `SELECT ` + store.HotelColumns + ` FROM hotel WHERE id > ?`
	args := []any{f.AfterID}
	if f.Location != "" {
		q += ` AND lower(location) = lower(?)`
		args = append(args, f.Location)
	}
	q += ` ORDER BY id LIMIT ?`
	rows, err := s.r.QueryContext(ctx, q, append(args, f.Limit)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []hotel.Hotel
	for rows.Next() {
		h, err := store.ScanHotel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, translate(rows.Err())
}

// GetRoomType returns one room type of a hotel.
func (s *Store) GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	rt, err := store.ScanRoomType(s.r.QueryRowContext(ctx, `SELECT `+store.RoomTypeColumns+` FROM room_type WHERE hotel_id = ? AND id = ?`, hotelID, id))
	return rt, translate(err)
}

// CreateRoomType inserts rt and sets rt.ID. The INSERT selects from hotel,
// so a missing hotel inserts nothing (ErrNotFound) rather than failing the
// foreign key.
func (s *Store) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	err := s.w.QueryRowContext(ctx, `INSERT INTO room_type (hotel_id, name, max_occupancy, overbooking_allowance)
SELECT id, ?, ?, ? FROM hotel WHERE id = ?
RETURNING id`, rt.Name, rt.MaxOccupancy, rt.OverbookingAllowance, rt.HotelID).Scan(&rt.ID)
	return translate(err)
}

// UpdateRoomType replaces name, max occupancy and overbooking allowance and
// copies the allowance onto the room type's nights, in one transaction. The
// CHECK constraint refuses a lower allowance that would leave a night
// overbooked; the nights at fault are then reported and nothing changes.
func (s *Store) UpdateRoomType(ctx context.Context, rt hotel.RoomType) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE room_type SET name = ?, max_occupancy = ?, overbooking_allowance = ? WHERE hotel_id = ? AND id = ?`,
			rt.Name, rt.MaxOccupancy, rt.OverbookingAllowance, rt.HotelID, rt.ID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE inventory_night SET allowance = ?, updated_at = `+nowSQL+`
WHERE hotel_id = ? AND room_type_id = ? AND allowance <> ?`, rt.OverbookingAllowance, rt.HotelID, rt.ID, rt.OverbookingAllowance)
		if !isCheckViolation(err) {
			return err
		}
		over, qerr := nightList(ctx, tx, `SELECT night FROM inventory_night
WHERE hotel_id = ? AND room_type_id = ? AND held + blocked > capacity + ? ORDER BY night`, rt.HotelID, rt.ID, rt.OverbookingAllowance)
		if qerr != nil {
			return qerr
		}
		if e := store.RefuseNights(store.ErrConflict, over); e != nil {
			return e
		}
		return fmt.Errorf("copy overbooking allowance: %w", err)
	})
}
