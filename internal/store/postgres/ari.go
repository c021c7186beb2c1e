package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// LoadARI reads the room types q selects, their hotels' rate plans, and
// the inventory nights, base-plan prices and restrictions of [q.From,
// q.To) (restrictions through q.To, and of every room type of those hotels,
// for derived plans that follow a parent of another room type): one query
// each, by index ranges. Inside a unit of work it reads through the unit's transaction.
func (s *Store) LoadARI(ctx context.Context, q hotel.ARIQuery) (hotel.ARISnapshot, error) {
	var snap hotel.ARISnapshot
	read := func(tx dbtx) error {
		var err error
		snap, err = loadARI(ctx, tx, q)
		return err
	}
	if s.unitOf(ctx) != nil {
		return snap, s.write(ctx, read)
	}
	return snap, translate(read(s.pool))
}

func loadARI(ctx context.Context, tx dbtx, q hotel.ARIQuery) (hotel.ARISnapshot, error) {
	b := store.NewSnapshotBuilder()
	sql, args := roomTypesSQL(q)
	var h hotel.Hotel
	var rt hotel.RoomType
	err := each(ctx, tx, []any{&h.ID, &h.Name, &h.Location, &h.TimeZone, &h.Currency,
		&rt.ID, &rt.Name, &rt.MaxOccupancy, &rt.OverbookingAllowance}, func() error {
		rt.HotelID = h.ID
		b.Room(h, rt)
		return nil
	}, sql, args...)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}
	hotels, roomTypes := b.HotelIDs(), b.RoomTypeIDs()
	if len(hotels) == 0 {
		return b.Snapshot(), nil
	}
	from, to := q.From.Time(), q.To.Time()

	var pr store.RatePlanRow
	err = each(ctx, tx, store.RatePlanDest(&pr), func() error {
		p, err := pr.RatePlan()
		b.Plan(p)
		return err
	}, `SELECT `+store.RatePlanColumns+` FROM rate_plan WHERE hotel_id = ANY($1) ORDER BY hotel_id, id`, hotels)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	var rtID, planID int64
	var night time.Time
	var avail int
	var cents int64
	err = each(ctx, tx, []any{&rtID, &night, &avail, &cents}, func() error {
		b.Night(rtID, hotel.DateOf(night), avail, hotel.Cents(cents))
		return nil
	}, `SELECT room_type_id, night, capacity + allowance - held - blocked, price_cents FROM inventory_night
WHERE hotel_id = ANY($1) AND room_type_id = ANY($2) AND night >= $3 AND night < $4`, hotels, roomTypes, from, to)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	err = each(ctx, tx, []any{&planID, &night, &cents}, func() error {
		b.Rate(planID, hotel.DateOf(night), hotel.Cents(cents))
		return nil
	}, `SELECT rate_plan_id, night, price_cents FROM rate_night
WHERE hotel_id = ANY($1) AND night >= $2 AND night < $3`, hotels, from, to)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}

	var r hotel.Restrictions
	err = each(ctx, tx, append([]any{&rtID, &planID, &night}, store.RestrictionDest(&r)...), func() error {
		b.Rule(rtID, planID, hotel.DateOf(night), r)
		return nil
	}, `SELECT room_type_id, rate_plan_id, night, `+store.RestrictionColumns+` FROM restriction_night
WHERE hotel_id = ANY($1) AND night >= $2 AND night <= $3`, hotels, from, to)
	if err != nil {
		return hotel.ARISnapshot{}, err
	}
	return b.Snapshot(), nil
}

// each runs a query and calls fn after scanning each row into dest.
func each(ctx context.Context, tx dbtx, dest []any, fn func() error, sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
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

// roomTypesSQL selects the room types of q with their hotels, holding only
// the conditions in use so that the plan follows the index they name.
func roomTypesSQL(q hotel.ARIQuery) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(q.HotelIDs) > 0 {
		where = append(where, `h.id = ANY(`+arg(q.HotelIDs)+`)`)
	}
	if q.Location != "" {
		where = append(where, `lower(h.location) = lower(`+arg(q.Location)+`)`)
	}
	if len(q.RoomTypeIDs) > 0 {
		where = append(where, `rt.id = ANY(`+arg(q.RoomTypeIDs)+`)`)
	}
	if q.RoomType != "" {
		where = append(where, `lower(rt.name) = lower(`+arg(q.RoomType)+`)`)
	}
	if q.MinOccupancy > 0 {
		where = append(where, `rt.max_occupancy >= `+arg(q.MinOccupancy))
	}
	if len(where) == 0 {
		where = append(where, "true")
	}
	return `SELECT h.id, h.name, h.location, h.time_zone, h.currency, rt.id, rt.name, rt.max_occupancy, rt.overbooking_allowance
FROM hotel h JOIN room_type rt ON rt.hotel_id = h.id
WHERE ` + strings.Join(where, " AND ") + `
ORDER BY h.id, rt.id`, args
}
