package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// HotelTimeZones returns the distinct time zones of the hotels.
func (s *Store) HotelTimeZones(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT time_zone FROM hotel ORDER BY time_zone`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var zones []string
	for rows.Next() {
		var z string
		if err := rows.Scan(&z); err != nil {
			return nil, translate(err)
		}
		zones = append(zones, z)
	}
	return zones, translate(rows.Err())
}

// DueCheckouts returns confirmed bookings of zone's hotels checking out on or before cutoff.
func (s *Store) DueCheckouts(ctx context.Context, zone string, cutoff hotel.Date, limit int) ([]hotel.Booking, error) {
	return queryBookings(ctx, s.r,
		`b.status = 'confirmed' AND b.check_out_date <= ? AND b.hotel_id IN (SELECT id FROM hotel WHERE time_zone = ?)`,
		"b.check_out_date, b.id", limit, cutoff.String(), zone)
}

// AcquireLease takes or renews a job lease by one conditional upsert.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO job_lease (name, holder, expires_at) VALUES (?1, ?2, ?4)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE job_lease.holder = excluded.holder OR job_lease.expires_at <= ?3`, name, holder, ts(now), ts(until))
	if err != nil {
		return false, translate(err)
	}
	n, err := res.RowsAffected()
	return n == 1, translate(err)
}

// ReleaseLease ends holder's lease.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM job_lease WHERE name = ? AND holder = ?`, name, holder)
	return translate(err)
}

// driftQuery compares, night by night, the held counter with the hold
// nights and with the bookings that should hold it. Nights of a change in
// flight are left out: a booking marked sync pending, or a hold not yet
// confirmed whose booking is not recorded yet (a create between its two
// steps; the recovery pass settles it if the create never finishes).
const driftQuery = `WITH h AS (
    SELECT hotel_id, room_type_id, night, count(*) AS n FROM hold_night GROUP BY 1, 2, 3),
b AS (
    SELECT b.hotel_id, b.room_type_id, bn.night, count(*) AS n
    FROM booking b JOIN booking_night bn ON bn.booking_id = b.id
    WHERE b.status = 'confirmed' OR (b.status = 'completed' AND bn.night < coalesce(b.departed_on, b.check_out_date))
    GROUP BY 1, 2, 3),
busy AS (
    SELECT b.hotel_id, b.room_type_id, bn.night FROM booking b JOIN booking_night bn ON bn.booking_id = b.id WHERE b.sync_pending = 1
    UNION
    SELECT hn.hotel_id, hn.room_type_id, hn.night FROM hold_night hn JOIN booking b ON b.id = hn.booking_id WHERE b.sync_pending = 1
    UNION
    SELECT hn.hotel_id, hn.room_type_id, hn.night FROM hold_night hn JOIN hold ho ON ho.booking_id = hn.booking_id
    WHERE ho.confirmed_at IS NULL AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.id = hn.booking_id)),
keys AS (
    SELECT hotel_id, room_type_id, night FROM inventory_night WHERE held > 0
    UNION SELECT hotel_id, room_type_id, night FROM h
    UNION SELECT hotel_id, room_type_id, night FROM b),
c AS (
    SELECT k.hotel_id, k.room_type_id, k.night, coalesce(i.held, 0) AS held, coalesce(h.n, 0) AS holds, coalesce(b.n, 0) AS booked
    FROM keys k
    LEFT JOIN inventory_night i ON i.hotel_id = k.hotel_id AND i.room_type_id = k.room_type_id AND i.night = k.night
    LEFT JOIN h ON h.hotel_id = k.hotel_id AND h.room_type_id = k.room_type_id AND h.night = k.night
    LEFT JOIN b ON b.hotel_id = k.hotel_id AND b.room_type_id = k.room_type_id AND b.night = k.night)
SELECT c.hotel_id, c.room_type_id, c.night, c.held, c.holds, c.booked FROM c
WHERE (c.held <> c.holds OR c.held <> c.booked)
  AND NOT EXISTS (SELECT 1 FROM busy WHERE busy.hotel_id = c.hotel_id AND busy.room_type_id = c.room_type_id AND busy.night = c.night)
ORDER BY 1, 2, 3
LIMIT ?`

// Drift returns nights whose counts disagree.
func (s *Store) Drift(ctx context.Context, limit int) ([]store.NightDrift, error) {
	rows, err := s.r.QueryContext(ctx, driftQuery, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []store.NightDrift
	for rows.Next() {
		d, err := store.ScanNightDrift(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// NightBookings returns the bookings and holds on a night.
func (s *Store) NightBookings(ctx context.Context, n store.NightKey) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT b.id FROM booking b JOIN booking_night bn ON bn.booking_id = b.id
WHERE b.hotel_id = ?1 AND b.room_type_id = ?2 AND bn.night = ?3
UNION
SELECT booking_id FROM hold_night WHERE hotel_id = ?1 AND room_type_id = ?2 AND night = ?3
ORDER BY 1`, n.HotelID, n.RoomTypeID, n.Date.String())
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		ids = append(ids, id)
	}
	return ids, translate(rows.Err())
}

// ResyncHeld sets held from the hold nights of each night.
func (s *Store) ResyncHeld(ctx context.Context, nights []store.NightKey) (int64, error) {
	var changed int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, n := range nights {
			res, err := tx.ExecContext(ctx, `UPDATE inventory_night
SET held = (SELECT count(*) FROM hold_night h WHERE h.hotel_id = ?1 AND h.room_type_id = ?2 AND h.night = ?3),
    updated_at = ?4
WHERE hotel_id = ?1 AND room_type_id = ?2 AND night = ?3
  AND held <> (SELECT count(*) FROM hold_night h WHERE h.hotel_id = ?1 AND h.room_type_id = ?2 AND h.night = ?3)`,
				n.HotelID, n.RoomTypeID, n.Date.String(), ts(time.Now()))
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			changed += k
		}
		return nil
	})
	return changed, err
}
