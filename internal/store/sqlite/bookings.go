package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Bookings. A booking row and its booking_night rows are written together in
// one transaction; reads fetch both in one query (one snapshot, no query per
// booking).

var _ store.Bookings = (*Store)(nil)

// bookingStatuses lists every booking status.
var bookingStatuses = []string{hotel.StatusPending, hotel.StatusConfirmed, hotel.StatusCancelled, hotel.StatusCompleted, hotel.StatusFailed}

// statusesBefore returns the statuses a booking may have when it is written
// with status to: to itself, and those hotel.CanTransition allows to go to it.
func statusesBefore(to string) []any {
	out := []any{to}
	for _, from := range bookingStatuses {
		if hotel.CanTransition(from, to) {
			out = append(out, from)
		}
	}
	return out
}

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// nullText is s, or NULL when empty.
func nullText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullDate is d as YYYY-MM-DD, or NULL when zero.
func nullDate(d hotel.Date) sql.NullString {
	return sql.NullString{String: d.String(), Valid: !d.IsZero()}
}

// flag stores a bool as the 0/1 INTEGER the schema checks for.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isForeignKeyViolation reports whether err is a FOREIGN KEY constraint failure.
func isForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// InsertBooking stores b, its nightly prices and the hash of its access token.
func (s *Store) InsertBooking(ctx context.Context, b *hotel.Booking, tokenHash []byte) error {
	at := store.Stamp(b.CreatedAt)
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return insertBooking(ctx, tx, b, tokenHash, at) }); err != nil {
		return err
	}
	b.Version, b.CreatedAt, b.UpdatedAt = 1, at, at
	return nil
}

// InsertHeldBooking takes the hold of b's stay and inserts b priced by it,
// in one transaction.
func (s *Store) InsertHeldBooking(ctx context.Context, b *hotel.Booking, tokenHash []byte) (hotel.Hold, error) {
	at := store.Stamp(b.CreatedAt)
	req := hotel.HoldRequest{BookingID: b.ID, HotelID: b.HotelID, RoomTypeID: b.RoomTypeID, CheckIn: b.ArrivalDate, CheckOut: b.CheckOutDate}
	var h hotel.Hold
	var priced hotel.Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM hold WHERE booking_id = ?)`, b.ID).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return fmt.Errorf("%w: booking %s already has a hold", store.ErrConflict, b.ID)
		}
		var err error
		h, err = insertHold(ctx, tx, req)
		if err != nil {
			return err
		}
		priced = *b
		priced.PriceBy(&h)
		return insertBooking(ctx, tx, &priced, tokenHash, at)
	})
	if err != nil {
		return hotel.Hold{}, err
	}
	*b = priced
	b.Version, b.CreatedAt, b.UpdatedAt = 1, at, at
	return h, nil
}

// insertBooking inserts booking b and its nights.
func insertBooking(ctx context.Context, tx *sql.Tx, b *hotel.Booking, tokenHash []byte, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name,
    arrival_date, stay_length, check_out_date, adults, children, meal_plan, market_segment, booking_channel,
    is_weekend, is_holiday, total_cents, currency, status, access_token_hash, departed_on, version, sync_pending,
    created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
		b.ID, b.ConfirmationCode, b.HotelID, b.RoomTypeID, b.GuestName,
		b.ArrivalDate.String(), b.StayLength, b.CheckOutDate.String(), b.Adults, b.Children,
		nullText(b.MealPlan), nullText(b.MarketSegment), nullText(b.BookingChannel),
		flag(b.IsWeekend), flag(b.IsHoliday), int64(b.TotalPrice), b.Currency, b.Status, tokenHash,
		nullDate(b.DepartedOn), flag(b.SyncPending), ts(at), ts(at))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("%w: hotel %d has no room type %d", store.ErrNotFound, b.HotelID, b.RoomTypeID)
	}
	if err != nil {
		return err
	}
	return putNights(ctx, tx, b.ID, b.NightlyPrices)
}

// distinctNights refuses a night given twice (an upsert would take the last).
func distinctNights(nights []hotel.NightPrice) error {
	seen := make(map[hotel.Date]bool, len(nights))
	for _, n := range nights {
		if seen[n.Date] {
			return fmt.Errorf("%w: night %s given twice", store.ErrConflict, n.Date)
		}
		seen[n.Date] = true
	}
	return nil
}

// putNights inserts the booking's nights, or re-prices those it has at
// another price; rows already equal are not written.
func putNights(ctx context.Context, tx *sql.Tx, bookingID string, nights []hotel.NightPrice) error {
	if len(nights) == 0 {
		return nil
	}
	if err := distinctNights(nights); err != nil {
		return err
	}
	args := make([]any, 0, 3*len(nights))
	for _, n := range nights {
		args = append(args, bookingID, n.Date.String(), int64(n.Price))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO booking_night (booking_id, night, price_cents)
VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(nights)), ", ")+`
ON CONFLICT (booking_id, night) DO UPDATE SET price_cents = excluded.price_cents
WHERE booking_night.price_cents <> excluded.price_cents`, args...)
	return err
}

// setNights makes the booking's nights exactly nights, writing only the rows
// that differ.
func setNights(ctx context.Context, tx *sql.Tx, bookingID string, nights []hotel.NightPrice) error {
	args := make([]any, 0, len(nights)+1)
	args = append(args, bookingID)
	for _, n := range nights {
		args = append(args, n.Date.String())
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM booking_night WHERE booking_id = ? AND night NOT IN (`+placeholders(len(nights))+`)`,
		args...); err != nil {
		return err
	}
	return putNights(ctx, tx, bookingID, nights)
}

// bookingQuery selects bookings of b (a subquery over booking with the
// placeholders %[1]s: condition, %[2]s: order) with their names and one row
// per night (or one row with a NULL night when there is none), in order.
const bookingQuery = `SELECT b.id, b.confirmation_code, b.hotel_id, h.name, b.room_type_id, rt.name, b.guest_name,
       b.arrival_date, b.stay_length, b.check_out_date, b.adults, b.children,
       coalesce(b.meal_plan, ''), coalesce(b.market_segment, ''), coalesce(b.booking_channel, ''),
       b.is_weekend, b.is_holiday, coalesce(b.total_cents, 0), b.currency, b.status, b.departed_on,
       b.version, b.sync_pending, b.created_at, b.updated_at, n.night, n.price_cents
FROM (SELECT * FROM booking b WHERE %[1]s ORDER BY %[2]s LIMIT ?) b
JOIN hotel h ON h.id = b.hotel_id
JOIN room_type rt ON rt.id = b.room_type_id
LEFT JOIN booking_night n ON n.booking_id = b.id
ORDER BY %[2]s, n.night`

// queryBookings returns at most limit bookings matching cond (SQL over the
// booking row b, with args) in order, each with its names and nightly
// prices, from one query.
func queryBookings(ctx context.Context, q queryer, cond, order string, limit int, args ...any) ([]hotel.Booking, error) {
	if limit <= 0 {
		return []hotel.Booking{}, nil
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(bookingQuery, cond, order), append(args, limit)...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := make([]hotel.Booking, 0, min(limit, 1024))
	for rows.Next() {
		var b hotel.Booking
		var arrival, checkOut, created, updated string
		var departed, night sql.NullString
		var total int64
		var price sql.NullInt64
		if err := rows.Scan(&b.ID, &b.ConfirmationCode, &b.HotelID, &b.HotelName, &b.RoomTypeID, &b.RoomType, &b.GuestName,
			&arrival, &b.StayLength, &checkOut, &b.Adults, &b.Children,
			&b.MealPlan, &b.MarketSegment, &b.BookingChannel,
			&b.IsWeekend, &b.IsHoliday, &total, &b.Currency, &b.Status, &departed,
			&b.Version, &b.SyncPending, &created, &updated, &night, &price); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != b.ID {
			b.TotalPrice = hotel.Cents(total)
			if err := parseBookingTimes(&b, arrival, checkOut, departed, created, updated); err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		if night.Valid {
			d, err := parseNight(night.String)
			if err != nil {
				return nil, err
			}
			last := &out[len(out)-1]
			if len(last.NightlyPrices) == 0 {
				last.RoomPrice = hotel.Cents(price.Int64) // the first night (rows come by night)
			}
			last.NightlyPrices = append(last.NightlyPrices, hotel.NightPrice{Date: d, Price: hotel.Cents(price.Int64)})
		}
	}
	return out, translate(rows.Err())
}

// parseBookingTimes sets the dates and timestamps of b from their stored text.
func parseBookingTimes(b *hotel.Booking, arrival, checkOut string, departed sql.NullString, created, updated string) error {
	var err error
	if b.ArrivalDate, err = parseNight(arrival); err != nil {
		return err
	}
	if b.CheckOutDate, err = parseNight(checkOut); err != nil {
		return err
	}
	if departed.Valid {
		if b.DepartedOn, err = parseNight(departed.String); err != nil {
			return err
		}
	}
	if b.CreatedAt, err = parseTS(created); err != nil {
		return err
	}
	b.UpdatedAt, err = parseTS(updated)
	return err
}

// GetBooking returns a booking with its names and nightly prices.
func (s *Store) GetBooking(ctx context.Context, id string) (hotel.Booking, error) {
	bs, err := queryBookings(ctx, s.r, "b.id = ?", "b.id", 1, id)
	if err != nil {
		return hotel.Booking{}, err
	}
	if len(bs) == 0 {
		return hotel.Booking{}, store.ErrNotFound
	}
	return bs[0], nil
}

// ListBookings returns bookings matching f, newest first, in one query.
func (s *Store) ListBookings(ctx context.Context, f hotel.BookingFilter) ([]hotel.Booking, error) {
	conds := []string{"1"}
	var args []any
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if f.HotelID != 0 {
		add("b.hotel_id = ?", f.HotelID)
	}
	if f.Status != "" {
		add("b.status = ?", f.Status)
	}
	if !f.ArrivalFrom.IsZero() {
		add("b.arrival_date >= ?", f.ArrivalFrom.String())
	}
	if !f.ArrivalTo.IsZero() {
		add("b.arrival_date <= ?", f.ArrivalTo.String())
	}
	if f.ConfirmationCode != "" {
		add("b.confirmation_code = ?", f.ConfirmationCode)
	}
	if f.BeforeID != "" {
		add("b.id < ?", f.BeforeID)
	}
	return queryBookings(ctx, s.r, strings.Join(conds, " AND "), "b.id DESC", f.Limit, args...)
}

// OldestSyncPending returns the earliest updated_at of the bookings marked
// sync-pending (the first entry of a partial index); ok is false for none.
func (s *Store) OldestSyncPending(ctx context.Context) (time.Time, bool, error) {
	var oldest sql.NullString
	if err := s.r.QueryRowContext(ctx, `SELECT min(updated_at) FROM booking WHERE sync_pending = 1`).Scan(&oldest); err != nil || !oldest.Valid {
		return time.Time{}, false, translate(err)
	}
	t, err := parseTS(oldest.String)
	return t, err == nil, err
}

// SyncPendingBookings returns bookings marked sync-pending and last updated
// before before, oldest update first (ties by id).
func (s *Store) SyncPendingBookings(ctx context.Context, before time.Time, limit int) ([]hotel.Booking, error) {
	return queryBookings(ctx, s.r, "b.sync_pending = 1 AND b.updated_at < ?", "b.updated_at, b.id", limit, ts(before))
}

// UpdateBooking writes the mutable fields of b by one conditional UPDATE (on
// the version and the allowed previous statuses), then makes its nights
// those of b, in one transaction.
func (s *Store) UpdateBooking(ctx context.Context, b *hotel.Booking) error {
	at := store.Stamp(b.UpdatedAt)
	from := statusesBefore(b.Status)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE booking SET status = ?, guest_name = ?, room_type_id = ?,
    arrival_date = ?, stay_length = ?, check_out_date = ?, adults = ?, children = ?, is_weekend = ?,
    total_cents = ?, departed_on = ?, sync_pending = ?, version = version + 1, updated_at = ?
WHERE id = ? AND version = ? AND status IN (`+placeholders(len(from))+`)`,
			append([]any{b.Status, b.GuestName, b.RoomTypeID,
				b.ArrivalDate.String(), b.StayLength, b.CheckOutDate.String(), b.Adults, b.Children, flag(b.IsWeekend),
				int64(b.TotalPrice), nullDate(b.DepartedOn), flag(b.SyncPending), ts(at),
				b.ID, b.Version}, from...)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return updateRefused(ctx, tx, b)
		}
		return setNights(ctx, tx, b.ID, b.NightlyPrices)
	})
	if err != nil {
		return err
	}
	b.Version++
	b.UpdatedAt = at
	return nil
}

// updateRefused explains why the conditional update of b matched no row:
// ErrNotFound, or ErrConflict naming the version or the transition.
func updateRefused(ctx context.Context, q queryer, b *hotel.Booking) error {
	var version int
	var status string
	if err := q.QueryRowContext(ctx, `SELECT version, status FROM booking WHERE id = ?`, b.ID).Scan(&version, &status); err != nil {
		return err // sql.ErrNoRows: translated to ErrNotFound
	}
	if version != b.Version {
		return fmt.Errorf("%w: booking %s is at version %d, not %d", store.ErrConflict, b.ID, version, b.Version)
	}
	return fmt.Errorf("%w: booking %s cannot go from %s to %s", store.ErrConflict, b.ID, status, b.Status)
}

// Idempotency records.

// claimTimes fills a claim's CreatedAt (now when zero) and normalises both
// timestamps to what the store keeps (UTC, microseconds).
func claimTimes(rec *store.IdempotencyRecord) error {
	if rec.CreatedAt.IsZero() {
		rec.CreatedAt = now()
	}
	if rec.ExpiresAt.IsZero() {
		return errors.New("idempotency record without an expiry time")
	}
	rec.CreatedAt = rec.CreatedAt.UTC().Truncate(time.Microsecond)
	rec.ExpiresAt = rec.ExpiresAt.UTC().Truncate(time.Microsecond)
	return nil
}

// BeginIdempotent claims (rec.Scope, rec.Key) as of rec.CreatedAt (now when
// zero; rec.ExpiresAt is required). One upsert inserts a new record or takes
// over one that expired by then or is in flight since before staleBefore;
// SQLite's single writer makes it and the read that follows atomic.
func (s *Store) BeginIdempotent(ctx context.Context, rec store.IdempotencyRecord, staleBefore time.Time) (*store.IdempotencyRecord, bool, error) {
	if err := claimTimes(&rec); err != nil {
		return nil, false, err
	}
	var existing *store.IdempotencyRecord
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_record (scope, key, request_hash, resource_id, done, created_at, expires_at)
VALUES (?, ?, ?, ?, 0, ?, ?)
ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, resource_id = excluded.resource_id,
    done = 0, status = NULL, body = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
WHERE idempotency_record.expires_at <= excluded.created_at
   OR (idempotency_record.done = 0 AND idempotency_record.created_at < ?)`,
			rec.Scope, rec.Key, rec.RequestHash, nullText(rec.ResourceID), ts(rec.CreatedAt), ts(rec.ExpiresAt), ts(staleBefore))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		existing, err = getIdempotent(ctx, tx, rec.Scope, rec.Key)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return existing, existing == nil, nil
}

// getIdempotent reads one record.
func getIdempotent(ctx context.Context, q queryer, scope, key string) (*store.IdempotencyRecord, error) {
	r := store.IdempotencyRecord{Scope: scope, Key: key}
	var resource sql.NullString
	var status sql.NullInt64
	var created, expires string
	err := q.QueryRowContext(ctx, `SELECT request_hash, resource_id, done, status, body, created_at, expires_at
FROM idempotency_record WHERE scope = ? AND key = ?`, scope, key).
		Scan(&r.RequestHash, &resource, &r.Done, &status, &r.Body, &created, &expires)
	if err != nil {
		return nil, err
	}
	r.ResourceID, r.Status = resource.String, int(status.Int64)
	if r.CreatedAt, err = parseTS(created); err != nil {
		return nil, err
	}
	if r.ExpiresAt, err = parseTS(expires); err != nil {
		return nil, err
	}
	return &r, nil
}

// FinishIdempotent stores the response of a claimed key. Errors: ErrNotFound.
func (s *Store) FinishIdempotent(ctx context.Context, scope, key string, status int, body []byte) error {
	res, err := s.w.ExecContext(ctx, `UPDATE idempotency_record SET done = 1, status = ?, body = ? WHERE scope = ? AND key = ?`,
		status, body, scope, key)
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: no idempotency record %q", store.ErrNotFound, key)
	}
	return err
}

// AbandonIdempotent deletes an in-flight claim; a finished record stays.
func (s *Store) AbandonIdempotent(ctx context.Context, scope, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_record WHERE scope = ? AND key = ? AND done = 0`, scope, key)
	return translate(err)
}

// PurgeIdempotent deletes the records that expired before at.
func (s *Store) PurgeIdempotent(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_record WHERE expires_at < ?`, ts(at))
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}
