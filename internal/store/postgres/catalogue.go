package postgres

import (
	"context"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres/db"
)

// GetHotel returns one hotel.
func (s *Store) GetHotel(ctx context.Context, id int64) (hotel.Hotel, error) {
	var r db.GetHotelRow
	err := s.read(ctx, func(q dbtx) (err error) {
		r, err = queries.GetHotel(ctx, q, id)
		return err
	})
	if err != nil {
		return hotel.Hotel{}, translate(err)
	}
	return store.HotelRow(r).Hotel()
}

// CreateHotel inserts h and sets h.ID.
func (s *Store) CreateHotel(ctx context.Context, h *hotel.Hotel) error {
	return s.write(ctx, func(tx dbtx) (err error) {
		h.ID, err = queries.CreateHotel(ctx, tx, db.CreateHotelParams{Name: h.Name, Location: h.Location, TimeZone: h.TimeZone, Currency: h.Currency, Taxes: store.TaxesJSON(h.Taxes)})
		return err
	})
}

// UpdateHotel replaces the name, location, time zone, currency and taxes of h.ID.
func (s *Store) UpdateHotel(ctx context.Context, h hotel.Hotel) error {
	return s.write(ctx, func(tx dbtx) error {
		return store.OneRow(queries.UpdateHotel(ctx, tx, db.UpdateHotelParams{ID: h.ID, Name: h.Name, Location: h.Location, TimeZone: h.TimeZone, Currency: h.Currency, Taxes: store.TaxesJSON(h.Taxes)}))
	})
}

// ListHotels returns at most f.Limit hotels with id > f.AfterID, by id.
func (s *Store) ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error) {
	var hs []hotel.Hotel
	err := s.read(ctx, func(q dbtx) error {
		if f.Location != "" {
			rows, err := queries.ListHotelsIn(ctx, q, db.ListHotelsInParams{Location: f.Location, AfterID: f.AfterID, Max: int32(f.Limit)})
			hs, err = store.Hotels(rows, err, func(r db.ListHotelsInRow) store.HotelRow { return store.HotelRow(r) })
			return err
		}
		rows, err := queries.ListHotels(ctx, q, db.ListHotelsParams{AfterID: f.AfterID, Max: int32(f.Limit)})
		hs, err = store.Hotels(rows, err, func(r db.ListHotelsRow) store.HotelRow { return store.HotelRow(r) })
		return err
	})
	return hs, translate(err)
}

// ListRoomTypes returns a hotel's room types ordered by id.
func (s *Store) ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error) {
	var rows []db.ListRoomTypesRow
	err := s.read(ctx, func(q dbtx) (err error) {
		rows, err = queries.ListRoomTypes(ctx, q, hotelID)
		return err
	})
	return store.Convert(rows, func(r db.ListRoomTypesRow) hotel.RoomType { return hotel.RoomType(r) }), translate(err)
}

// GetRoomType returns one room type of a hotel.
func (s *Store) GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error) {
	var rt db.GetRoomTypeRow
	err := s.read(ctx, func(q dbtx) (err error) {
		rt, err = queries.GetRoomType(ctx, q, db.GetRoomTypeParams{HotelID: hotelID, ID: id})
		return err
	})
	return hotel.RoomType(rt), translate(err)
}

// CreateRoomType inserts rt and sets rt.ID.
func (s *Store) CreateRoomType(ctx context.Context, rt *hotel.RoomType) error {
	return s.write(ctx, func(tx dbtx) (err error) {
		rt.ID, err = queries.CreateRoomType(ctx, tx, db.CreateRoomTypeParams{
			HotelID: rt.HotelID, Name: rt.Name, MaxOccupancy: rt.MaxOccupancy, OverbookingAllowance: rt.OverbookingAllowance})
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
		if err := store.OneRow(queries.UpdateRoomType(ctx, tx, db.UpdateRoomTypeParams(rt))); err != nil {
			return err
		}
		_, failed, err := updateNights(ctx, tx, rt.HotelID, rt.ID, firstNight, lastNight,
			`allowance = $5`, `n.held + n.blocked <= n.capacity + $5`, rt.OverbookingAllowance)
		if err != nil {
			return err
		}
		return store.RefuseNights(store.ErrConflict, failed)
	})
}

// ListRatePlans returns a hotel's rate plans by room type, then id.
func (s *Store) ListRatePlans(ctx context.Context, hotelID int64) ([]hotel.RatePlan, error) {
	var rows []db.ListRatePlansRow
	err := s.read(ctx, func(q dbtx) (err error) {
		rows, err = queries.ListRatePlans(ctx, q, hotelID)
		return err
	})
	plans, err := store.RatePlans(store.Convert(rows, func(r db.ListRatePlansRow) store.RatePlanRow { return store.RatePlanRow(r) }), err)
	return plans, translate(err)
}
