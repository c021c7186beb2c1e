package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
)

// Search returns offers for a stay in one query: the nights of the stay are
// grouped by room type, and a room type qualifies when it has a row for
// every night with a room for sale on each.
func (s *Store) Search(ctx context.Context, q hotel.SearchQuery) ([]hotel.Offer, error) {
	sql, args := searchSQL(q)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hotel.Offer, error) {
		o := hotel.Offer{CheckIn: q.CheckIn, CheckOut: q.CheckOut}
		var nights []time.Time
		var prices []int64
		err := row.Scan(&o.HotelID, &o.HotelName, &o.Location, &o.TimeZone, &o.Currency,
			&o.RoomTypeID, &o.RoomType, &o.MaxOccupancy, &o.AvailableRooms, &nights, &prices, &o.TotalPrice)
		o.NightlyPrices = make([]hotel.NightPrice, len(nights))
		for i := range nights {
			o.NightlyPrices[i] = hotel.NightPrice{Date: hotel.DateOf(nights[i]), Price: hotel.Cents(prices[i])}
		}
		return o, err
	})
	return out, translate(err)
}

// searchSQL returns the query Search runs and its arguments. With a location,
// the plan goes hotel_location_idx → room_type → the inventory_night primary
// key over the stay's dates.
func searchSQL(q hotel.SearchQuery) (string, []any) {
	args := []any{q.CheckIn.Time(), q.CheckOut.Time(), q.CheckIn.DaysUntil(q.CheckOut), q.Guests(), q.Limit}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := `n.night >= $1 AND n.night < $2 AND rt.max_occupancy >= $4`
	if q.Location != "" {
		where += ` AND lower(h.location) = lower(` + arg(q.Location) + `)`
	}
	if q.HotelID != 0 {
		where += ` AND h.id = ` + arg(q.HotelID)
	}
	if q.RoomType != "" {
		where += ` AND lower(rt.name) = lower(` + arg(q.RoomType) + `)`
	}
	having := `count(*) = $3 AND min(n.capacity + n.allowance - n.held - n.blocked) >= 1`
	if q.MaxPrice > 0 {
		having += ` AND max(n.price_cents) <= ` + arg(int64(q.MaxPrice))
	}
	if c := q.After; c != nil {
		having += ` AND (sum(n.price_cents), h.id, rt.id) > (` + arg(int64(c.Total)) + `, ` + arg(c.HotelID) + `, ` + arg(c.RoomTypeID) + `)`
	}
	return `SELECT h.id, h.name, h.location, h.time_zone, h.currency, rt.id, rt.name, rt.max_occupancy,
       min(n.capacity + n.allowance - n.held - n.blocked),
       array_agg(n.night ORDER BY n.night),
       array_agg(n.price_cents ORDER BY n.night),
       sum(n.price_cents)::bigint
FROM hotel h
JOIN room_type rt ON rt.hotel_id = h.id
JOIN inventory_night n ON n.hotel_id = rt.hotel_id AND n.room_type_id = rt.id
WHERE ` + where + `
GROUP BY h.id, rt.id
HAVING ` + having + `
ORDER BY sum(n.price_cents), h.id, rt.id
LIMIT $5`, args
}
