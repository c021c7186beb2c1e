package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
)

// Search returns offers in one query: the nights of the stay grouped by room
// type, kept when every night exists and has a room for sale, with the
// nightly prices concatenated in night order.
func (s *Store) Search(ctx context.Context, q hotel.SearchQuery) ([]hotel.Offer, error) {
	nights := q.CheckIn.DaysUntil(q.CheckOut)
	query, args := searchSQL(q)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []hotel.Offer
	for rows.Next() {
		o := hotel.Offer{CheckIn: q.CheckIn, CheckOut: q.CheckOut}
		var total int64
		var prices string
		if err := rows.Scan(&o.HotelID, &o.HotelName, &o.Location, &o.TimeZone, &o.Currency, &o.RoomTypeID, &o.RoomType,
			&o.MaxOccupancy, &o.AvailableRooms, &total, &prices); err != nil {
			return nil, err
		}
		o.TotalPrice = hotel.Cents(total)
		if o.NightlyPrices, err = parseNightPrices(prices, nights); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, translate(rows.Err())
}

// parseNightPrices reads "YYYY-MM-DD:cents,…" as made by the search query.
func parseNightPrices(s string, n int) ([]hotel.NightPrice, error) {
	out := make([]hotel.NightPrice, 0, n)
	for item := range strings.SplitSeq(s, ",") {
		night, cents, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("stored nightly prices %q: malformed", s)
		}
		d, err := hotel.ParseDate(night)
		if err != nil {
			return nil, fmt.Errorf("stored nightly prices %q: %w", s, err)
		}
		p, err := strconv.ParseInt(cents, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("stored nightly prices %q: %w", s, err)
		}
		out = append(out, hotel.NightPrice{Date: d, Price: hotel.Cents(p)})
	}
	return out, nil
}

// searchSQL returns the search query for q with its arguments; the WHERE
// and HAVING clauses hold only the filters in use.
func searchSQL(q hotel.SearchQuery) (string, []any) {
	where := []string{"rt.max_occupancy >= ?", "n.night >= ?", "n.night < ?"}
	args := []any{q.Guests(), q.CheckIn.String(), q.CheckOut.String()}
	if q.HotelID != 0 {
		where, args = append(where, "h.id = ?"), append(args, q.HotelID)
	}
	if q.Location != "" {
		where, args = append(where, "lower(h.location) = lower(?)"), append(args, q.Location)
	}
	if q.RoomType != "" {
		where, args = append(where, "lower(rt.name) = lower(?)"), append(args, q.RoomType)
	}
	having := []string{"count(*) = ?", "min(n.capacity + n.allowance - n.held - n.blocked) >= 1"}
	args = append(args, q.CheckIn.DaysUntil(q.CheckOut))
	if q.MaxPrice > 0 {
		having, args = append(having, "max(n.price_cents) <= ?"), append(args, int64(q.MaxPrice))
	}
	if c := q.After; c != nil {
		having = append(having, "(sum(n.price_cents), h.id, rt.id) > (?, ?, ?)")
		args = append(args, int64(c.Total), c.HotelID, c.RoomTypeID)
	}
	query := `SELECT h.id, h.name, h.location, h.time_zone, h.currency, rt.id, rt.name, rt.max_occupancy,
       min(n.capacity + n.allowance - n.held - n.blocked),
       sum(n.price_cents) AS total,
       group_concat(n.night || ':' || n.price_cents, ',' ORDER BY n.night)
FROM hotel h
JOIN room_type rt ON rt.hotel_id = h.id
JOIN inventory_night n ON n.hotel_id = rt.hotel_id AND n.room_type_id = rt.id
WHERE ` + strings.Join(where, " AND ") + `
GROUP BY h.id, rt.id
HAVING ` + strings.Join(having, " AND ") + `
ORDER BY total, h.id, rt.id
LIMIT ?`
	return query, append(args, q.Limit)
}
