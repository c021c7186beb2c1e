package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// querier runs queries: the read pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// LoadARI reads the room types q selects, their hotels' rate plans, and
// the inventory nights, base-plan prices and restrictions of [q.From,
// q.To) (restrictions through q.To, of every room type of those hotels).
// Inside a unit of work it reads through the unit's transaction.
func (s *Store) LoadARI(ctx context.Context, q hotel.ARIQuery) (hotel.ARISnapshot, error) {
	if s.unitOf(ctx) != nil {
		var snap hotel.ARISnapshot
		err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
			snap, err = loadARI(ctx, tx, q)
			return err
		})
		return snap, err
	}
	snap, err := loadARI(ctx, s.r, q)
	return snap, translate(err)
}

func loadARI(ctx context.Context, db querier, q hotel.ARIQuery) (hotel.ARISnapshot, error) {
	b := store.NewSnapshotBuilder()
	query, args := roomTypesSQL(q)
	var h hotel.Hotel
	var rt hotel.RoomType
	var taxes string
	err := each(ctx, db, store.RoomTypeDest(&h, &taxes, &rt), func() error {
		rt.HotelID = h.ID
		return b.Room(h, taxes, rt)
	}, query, args...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}
	hotels, roomTypes := b.HotelIDs(), b.RoomTypeIDs()
	if len(hotels) == 0 {
		return b.Snapshot(), nil
	}
	inHotels, hotelArgs := in(hotels)
	inRoomTypes, roomTypeArgs := in(roomTypes)
	from, to := q.From.String(), q.To.String()

	var pr store.RatePlanRow
	err = each(ctx, db, store.RatePlanDest(&pr), func() error {
		p, err := pr.RatePlan()
		b.Plan(p)
		return err
	}, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id IN `+inHotels+` ORDER BY hotel_id, id`, hotelArgs...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	var rtID, planID int64
	var night hotel.Date
	var avail int
	var cents int64
	err = each(ctx, db, []any{&rtID, store.DateDest(&night), &avail, &cents}, func() error {
		b.Night(rtID, night, avail, hotel.Cents(cents))
		return nil
	}, `SELECT room_type_id, night, `+store.RoomsForSale+`, price_cents FROM inventory_night
WHERE hotel_id IN `+inHotels+` AND room_type_id IN `+inRoomTypes+` AND night >= ? AND night < ?`,
		append(append(hotelArgs, roomTypeArgs...), from, to)...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	err = each(ctx, db, []any{&planID, store.DateDest(&night), &cents}, func() error {
		b.Rate(planID, night, hotel.Cents(cents))
		return nil
	}, `SELECT rate_plan_id, night, price_cents FROM rate_night
WHERE hotel_id IN `+inHotels+` AND night >= ? AND night < ?`, append(hotelArgs, from, to)...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	var r hotel.Restrictions
	err = each(ctx, db, append([]any{&rtID, &planID, store.DateDest(&night)}, store.RestrictionDest(&r)...), func() error {
		b.Rule(rtID, planID, night, r)
		return nil
	}, `SELECT room_type_id, rate_plan_id, night, `+store.RestrictionColumns+` FROM restriction_night
WHERE hotel_id IN `+inHotels+` AND night >= ? AND night <= ?`, append(hotelArgs, from, to)...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	if foreign := b.ForeignDefaults(); len(foreign) > 0 {
		inForeign, foreignArgs := in(foreign)
		err = each(ctx, db, []any{&rtID, store.DateDest(&night), &cents}, func() error {
			b.Price(rtID, night, hotel.Cents(cents))
			return nil
		}, `SELECT room_type_id, night, price_cents FROM inventory_night
WHERE hotel_id IN `+inHotels+` AND room_type_id IN `+inForeign+` AND night >= ? AND night < ?`,
			append(append(hotelArgs, foreignArgs...), from, to)...)
		if err != nil {
			return hotel.ARISnapshot{}, err
		}
	}
	return b.Snapshot(), nil
}

// in returns "(?, ?, …)" for ids and ids as arguments.
func in(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}

// each runs a query and calls fn after scanning each row into dest.
func each(ctx context.Context, db querier, dest []any, fn func() error, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// roomTypesSQL selects the room types of q with their hotels.
func roomTypesSQL(q hotel.ARIQuery) (string, []any) {
	where := []string{"1"}
	var args []any
	if len(q.HotelIDs) > 0 {
		cond, a := in(q.HotelIDs)
		where, args = append(where, "h.id IN "+cond), append(args, a...)
	}
	if q.Location != "" {
		where, args = append(where, "lower(h.location) = lower(?)"), append(args, q.Location)
	}
	if len(q.RoomTypeIDs) > 0 {
		cond, a := in(q.RoomTypeIDs)
		where, args = append(where, "rt.id IN "+cond), append(args, a...)
	}
	if q.RoomType != "" {
		where, args = append(where, "lower(rt.name) = lower(?)"), append(args, q.RoomType)
	}
	if q.MinOccupancy > 0 {
		where, args = append(where, "rt.max_occupancy >= ?"), append(args, q.MinOccupancy)
	}
	return `SELECT ` + store.RoomTypeColumns + `
FROM hotel h JOIN room_type rt ON rt.hotel_id = h.id
WHERE ` + strings.Join(where, " AND ") + `
ORDER BY h.id, rt.id`, args
}
