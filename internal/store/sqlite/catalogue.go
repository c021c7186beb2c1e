package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/sqlite/db"
)

// GetHotel returns one hotel.
func (s *Store) GetHotel(ctx context.Context, id int64) (hotel.Hotel, error) {
	r, err := queries.GetHotel(ctx, s.r, id)
	if err != nil {
		return hotel.Hotel{}, translate(err)
	}
	return store.HotelRow(r).Hotel()
}

// CreateHotel inserts h and sets h.ID.
func (s *Store) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	var err error
	h.ID, err = queries.CreateHotel(ctx, s.w, db.CreateHotelParams{Name: h.Name, Location: h.Location, TimeZone: h.TimeZone, Currency: h.Currency, Taxes: store.TaxesJSON(h.Taxes)})
	return translate(err)
}

// UpdateHotel replaces the name, location, time zone, currency and taxes of h.ID.
func (s *Store) UpdateHotel(ctx context.Context, h hotel.Hotel) error {
	return translate(store.OneRow(queries.UpdateHotel(ctx, s.w, db.UpdateHotelParams{ID: h.ID, Name: h.Name, Location: h.Location, TimeZone: h.TimeZone, Currency: h.Currency, Taxes: store.TaxesJSON(h.Taxes)})))
}

// ListHotels returns at most f.Limit hotels with id > f.AfterID, by id.
func (s *Store) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	if f.Location != "" {
		rows, err := queries.ListHotelsIn(ctx, s.r, db.ListHotelsInParams{Location: f.Location, AfterID: f.AfterID, Max: int64(f.Limit)})
		hs, err := store.Hotels(rows, err, func(r db.ListHotelsInRow) store.HotelRow { return store.HotelRow(r) })
		return hs, translate(err)
	}
	rows, err := queries.ListHotels(ctx, s.r, db.ListHotelsParams{AfterID: f.AfterID, Max: int64(f.Limit)})
	hs, err := store.Hotels(rows, err, func(r db.ListHotelsRow) store.HotelRow { return store.HotelRow(r) })
	return hs, translate(err)
}

// ListRoomTypes returns a hotel's room types ordered by id.
func (s *Store) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	rows, err := queries.ListRoomTypes(ctx, s.r, hotelID)
	return store.Convert(rows, func(r db.ListRoomTypesRow) hotel.RoomType { return hotel.RoomType(r) }), translate(err)
}

// GetRoomType returns one room type of a hotel.
func (s *Store) GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	rt, err := queries.GetRoomType(ctx, s.r, db.GetRoomTypeParams{HotelID: hotelID, ID: id})
	return hotel.RoomType(rt), translate(err)
}

// CreateRoomType inserts rt and sets rt.ID; a missing hotel is ErrNotFound
// (see the query).
func (s *Store) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	var err error
	rt.ID, err = queries.CreateRoomType(ctx, s.w, db.CreateRoomTypeParams{
		HotelID: rt.HotelID, Name: rt.Name, MaxOccupancy: rt.MaxOccupancy, OverbookingAllowance: rt.OverbookingAllowance})
	return translate(err)
}

// UpdateRoomType replaces name, max occupancy and overbooking allowance and
// copies the allowance onto the room type's nights, in one transaction. The
// CHECK constraint refuses a lower allowance that would leave a night
// overbooked; the nights at fault are then reported and nothing changes.
func (s *Store) UpdateRoomType(ctx context.Context, rt hotel.RoomType) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := store.OneRow(queries.UpdateRoomType(ctx, tx, db.UpdateRoomTypeParams(rt))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE inventory_night SET allowance = ?, updated_at = `+nowSQL+`
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

// ListRatePlans returns a hotel's rate plans by room type, then id.
func (s *Store) ListRatePlans(ctx context.Context, hotelID int64) ([]hotel.RatePlan, error) {
	rows, err := queries.ListRatePlans(ctx, s.r, hotelID)
	plans, err := store.RatePlans(store.Convert(rows, func(r db.ListRatePlansRow) store.RatePlanRow { return store.RatePlanRow(r) }), err)
	return plans, translate(err)
}
