package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/sqlite/db"
)

// HotelTimeZones returns the distinct time zones of the hotels.
func (s *Store) HotelTimeZones(ctx context.Context) ([]string, error) {
	zones, err := queries.HotelTimeZones(ctx, s.r)
	return zones, translate(err)
}

// DueCheckouts returns open stays of zone's hotels checking out on or before cutoff.
func (s *Store) DueCheckouts(ctx context.Context, zone string, cutoff hotel.Date, unchecked bool, limit int) ([]hotel.Booking, error) {
	status := `b.status = 'checked_in'`
	if unchecked {
		status = `b.status IN ('confirmed', 'checked_in')` // booking_open_check_out_idx
	}
	return queryBookings(ctx, s.r,
		status+` AND b.check_out_date <= ? AND b.hotel_id IN (SELECT id FROM hotel WHERE time_zone = ?)`,
		"b.check_out_date, b.id", limit, cutoff.String(), zone)
}

// DueNoShows returns confirmed bookings of zone's hotels arriving on or before lastArrival.
func (s *Store) DueNoShows(ctx context.Context, zone string, lastArrival hotel.Date, limit int) ([]hotel.Booking, error) {
	return queryBookings(ctx, s.r,
		`b.status = 'confirmed' AND b.arrival_date <= ? AND b.hotel_id IN (SELECT id FROM hotel WHERE time_zone = ?)`,
		"b.arrival_date, b.id", limit, lastArrival.String(), zone)
}

// AcquireLease takes or renews a job lease by one conditional upsert.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	n, err := queries.AcquireLease(ctx, s.w, db.AcquireLeaseParams{
		Name: name, Holder: holder, Until: store.Timestamp(until), Now: store.Timestamp(now)})
	return n == 1, translate(err)
}

// ReleaseLease ends holder's lease.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	return translate(queries.ReleaseLease(ctx, s.w, db.ReleaseLeaseParams{Name: name, Holder: holder}))
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
    WHERE ` + store.HeldByBooking + `
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
	ids, err := queries.NightBookings(ctx, s.r, db.NightBookingsParams{
		HotelID: n.HotelID, RoomTypeID: n.RoomTypeID, Night: store.Day(n.Date)})
	return ids, translate(err)
}

// ResyncHeld sets held from the hold nights of each night.
func (s *Store) ResyncHeld(ctx context.Context, nights []store.NightKey) (int64, error) {
	var changed int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		changed = 0
		at := store.Timestamp(time.Now())
		for _, n := range nights {
			k, err := queries.ResyncHeld(ctx, tx, db.ResyncHeldParams{
				At: at, HotelID: n.HotelID, RoomTypeID: n.RoomTypeID, Night: store.Day(n.Date)})
			if err != nil {
				return err
			}
			changed += k
		}
		return nil
	})
	return changed, err
}
