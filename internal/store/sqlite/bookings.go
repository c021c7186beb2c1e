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
	"github.com/hotelplatform/hotel/internal/store/sqlite/db"
)

// Bookings. A booking row and its booking_night rows are written together in
// one transaction; reads fetch both in one query (one snapshot, no query per
// booking).

var _ store.Bookings = (*Store)(nil)

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

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

// insertBooking inserts booking b and its nights.
func insertBooking(ctx context.Context, tx *sql.Tx, b *hotel.Booking, tokenHash []byte, at time.Time) error {
	terms, err := store.BookingTerms(b)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name,
    arrival_date, stay_length, check_out_date, adults, children, meal_plan, market_segment, booking_channel,
    is_weekend, is_holiday, total_cents, currency, status, access_token_hash, departed_on, version, sync_pending,
    created_at, updated_at, rate_plan_id, rate_plan_code, child_ages, terms, group_id, room_no)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{b.ID, b.ConfirmationCode, b.HotelID, b.RoomTypeID, b.GuestName,
			b.ArrivalDate.String(), b.StayLength, b.CheckOutDate.String(), b.Adults, b.Children,
			store.NullString(b.MealPlan), store.NullString(b.MarketSegment), store.NullString(b.BookingChannel),
			flag(b.IsWeekend), flag(b.IsHoliday), int64(b.TotalPrice), b.Currency, b.Status, tokenHash,
			nullDate(b.DepartedOn), flag(b.SyncPending), ts(at), ts(at)}, append(terms, store.BookingRoom(b)...)...)...)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("%w: hotel %d has no room type %d", store.ErrNotFound, b.HotelID, b.RoomTypeID)
	}
	if err != nil {
		return err
	}
	return putNights(ctx, tx, b.ID, b.NightlyPrices)
}

// putNights inserts the booking's nights, or re-prices those it has at
// another price; rows already equal are not written.
func putNights(ctx context.Context, tx *sql.Tx, bookingID string, nights []hotel.NightPrice) error {
	if len(nights) == 0 {
		return nil
	}
	if err := store.DistinctNights(nights); err != nil {
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
const bookingQuery = `SELECT ` + store.BookingColumns + `, n.night, n.price_cents
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
		var night hotel.Date
		var price sql.NullInt64
		if err := rows.Scan(append(store.BookingFields(&b), store.DateDest(&night), &price)...); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != b.ID {
			out = append(out, b)
		}
		if !night.IsZero() {
			last := &out[len(out)-1]
			if len(last.NightlyPrices) == 0 {
				last.RoomPrice = hotel.Cents(price.Int64) // the first night (rows come by night)
			}
			last.NightlyPrices = append(last.NightlyPrices, hotel.NightPrice{Date: night, Price: hotel.Cents(price.Int64)})
		}
	}
	return out, translate(rows.Err())
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

// GetBookingRooms returns a booking with its further rooms in one query.
func (s *Store) GetBookingRooms(ctx context.Context, id string) ([]hotel.Booking, error) {
	bs, err := queryBookings(ctx, s.r, "(b.id = ? AND b.group_id IS NULL) OR b.group_id = ?", "b.room_no", hotel.MaxRoomsPerBooking, id, id)
	if err == nil && len(bs) == 0 {
		err = store.ErrNotFound
	}
	return bs, err
}

// ListBookings returns bookings matching f, newest first, in one query.
func (s *Store) ListBookings(ctx context.Context, f hotel.BookingFilter) ([]hotel.Booking, error) {
	conds := []string{"b.group_id IS NULL"} // bookings, not their further rooms
	var args []any
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if f.HotelID != 0 {
		add("b.hotel_id = ?", f.HotelID)
	}
	if f.Status != "" {
		// A booking has the status when any of its rooms has it.
		conds = append(conds, "(b.status = ? OR EXISTS (SELECT 1 FROM booking r WHERE r.group_id = b.id AND r.status = ?))")
		args = append(args, f.Status, f.Status)
	}
	if !f.ArrivalFrom.IsZero() {
		add("b.arrival_date >= ?", f.ArrivalFrom.String())
	}
	if !f.ArrivalTo.IsZero() {
		add("b.arrival_date <= ?", f.ArrivalTo.String())
	}
	if len(f.HotelIDs) > 0 {
		conds = append(conds, "b.hotel_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.HotelIDs)), ", ")+")")
		for _, id := range f.HotelIDs {
			args = append(args, id)
		}
	}
	if !f.DepartureFrom.IsZero() {
		add("b.check_out_date >= ?", f.DepartureFrom.String())
	}
	if !f.DepartureTo.IsZero() {
		add("b.check_out_date <= ?", f.DepartureTo.String())
	}
	if f.ConfirmationCode != "" {
		add("b.confirmation_code = ?", f.ConfirmationCode)
	}
	if f.GuestName != "" {
		// Any room's guest; SQLite's LIKE ignores the case of ASCII letters
		// only, so both sides are lowered.
		conds = append(conds, `(lower(b.guest_name) LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM booking r WHERE r.group_id = b.id AND lower(r.guest_name) LIKE ? ESCAPE '\'))`)
		pat := "%" + store.EscapeLike(strings.ToLower(f.GuestName)) + "%"
		args = append(args, pat, pat)
	}
	if f.BeforeID != "" {
		add("b.id < ?", f.BeforeID)
	}
	return queryBookings(ctx, s.r, strings.Join(conds, " AND "), "b.id DESC", f.Limit, args...)
}

// BookingRooms returns the further rooms of bookings ids, in one query.
func (s *Store) BookingRooms(ctx context.Context, ids []string) (map[string][]hotel.Booking, error) {
	if len(ids) == 0 {
		return map[string][]hotel.Booking{}, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	cond := "b.group_id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	rows, err := queryBookings(ctx, s.r, cond, "b.group_id, b.room_no", len(ids)*hotel.MaxRoomsPerBooking, args...)
	return store.ByGroup(rows), err
}

// OldestUnsettled returns the earliest updated_at of the bookings marked
// sync-pending and created_at of the unconfirmed holds (the first entry of
// a partial index each); ok is false for none. Timestamps are stored in
// one fixed-width UTC form, so they order as text.
func (s *Store) OldestUnsettled(ctx context.Context) (time.Time, bool, error) {
	var oldest time.Time
	if err := s.r.QueryRowContext(ctx, `SELECT min(t) FROM (
  SELECT min(updated_at) AS t FROM booking WHERE sync_pending = 1
  UNION ALL SELECT min(created_at) FROM hold WHERE confirmed_at IS NULL)`).Scan(store.TimeDest(&oldest)); err != nil {
		return time.Time{}, false, translate(err)
	}
	return oldest, !oldest.IsZero(), nil
}

// SyncPendingBookings returns bookings marked sync-pending and last updated
// before before, oldest update first (ties by id).
func (s *Store) SyncPendingBookings(ctx context.Context, before time.Time, limit int) ([]hotel.Booking, error) {
	return queryBookings(ctx, s.r, "b.sync_pending = 1 AND b.updated_at < ?", "b.updated_at, b.id", limit, ts(before))
}

// UpdateBooking writes the mutable fields of b by one conditional UPDATE (on
// the version and the allowed previous statuses), then makes its nights
// those of b, in one transaction.
func (s *Store) UpdateBooking(ctx context.Context, b *hotel.Booking, marked bool) error {
	at := store.Stamp(b.UpdatedAt)
	var from []any
	for _, st := range store.StatusesBefore(b.Status) {
		from = append(from, st)
	}
	outcome := store.BookingOutcome(b)
	terms, err := store.BookingTerms(b)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE booking SET status = ?, guest_name = ?, room_type_id = ?,
    arrival_date = ?, stay_length = ?, check_out_date = ?, adults = ?, children = ?, is_weekend = ?,
    total_cents = ?, departed_on = ?, sync_pending = ?, version = version + 1, updated_at = ?,
    meal_plan = ?, rate_plan_id = ?, rate_plan_code = ?, child_ages = ?, terms = ?,
    checked_in_at = ?, cancelled_at = ?, cancellation_fee_cents = ?, no_show_fee_cents = ?
WHERE id = ? AND version = ? AND sync_pending = ? AND status IN (`+placeholders(len(from))+`)`,
			append([]any{b.Status, b.GuestName, b.RoomTypeID,
				b.ArrivalDate.String(), b.StayLength, b.CheckOutDate.String(), b.Adults, b.Children, flag(b.IsWeekend),
				int64(b.TotalPrice), nullDate(b.DepartedOn), flag(b.SyncPending), ts(at),
				store.NullString(b.MealPlan), terms[0], terms[1], terms[2], terms[3],
				outcome[0], outcome[1], outcome[2], outcome[3],
				b.ID, b.Version, flag(marked)}, from...)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return updateRefused(ctx, tx, b, marked)
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
// ErrNotFound, or ErrConflict naming the version, the mark or the transition.
func updateRefused(ctx context.Context, q queryer, b *hotel.Booking, marked bool) error {
	var version int
	var status string
	var pending bool
	if err := q.QueryRowContext(ctx, `SELECT version, status, sync_pending FROM booking WHERE id = ?`, b.ID).Scan(&version, &status, &pending); err != nil {
		return err // sql.ErrNoRows: translated to ErrNotFound
	}
	return store.UpdateRefusal(b, marked, version, status, pending)
}

// Idempotency records.

// BeginIdempotent claims (rec.Scope, rec.Key) as of rec.CreatedAt (now when
// zero; rec.ExpiresAt is required): a record that expired by then or is in
// flight since before staleBefore is dropped, then the claim inserted if
// no record is left; SQLite's single writer makes the two and the read that
// follows atomic.
func (s *Store) BeginIdempotent(ctx context.Context, rec store.IdempotencyRecord, staleBefore time.Time) (*store.IdempotencyRecord, bool, error) {
	if err := rec.ClaimTimes(); err != nil {
		return nil, false, err
	}
	var existing *store.IdempotencyRecord
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		existing = nil
		err := queries.ClearIdempotent(ctx, tx, db.ClearIdempotentParams{
			Scope: rec.Scope, Key: rec.Key, Now: store.Timestamp(rec.CreatedAt), StaleBefore: store.Timestamp(staleBefore)})
		if err != nil {
			return err
		}
		n, err := queries.ClaimIdempotent(ctx, tx, db.ClaimIdempotentParams{
			Scope: rec.Scope, Key: rec.Key, RequestHash: rec.RequestHash, ResourceID: store.NullString(rec.ResourceID),
			CreatedAt: store.Timestamp(rec.CreatedAt), ExpiresAt: store.Timestamp(rec.ExpiresAt)})
		if err != nil || n == 1 {
			return err
		}
		row, err := queries.GetIdempotent(ctx, tx, db.GetIdempotentParams{Scope: rec.Scope, Key: rec.Key})
		existing = store.IdempotencyRow(row).Record()
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return existing, existing == nil, nil
}

// FinishIdempotent stores the response of a claimed key. Errors: ErrNotFound.
func (s *Store) FinishIdempotent(ctx context.Context, scope, key string, status int, body []byte) error {
	err := store.OneRow(queries.FinishIdempotent(ctx, s.w, db.FinishIdempotentParams{
		Status: sql.NullInt64{Int64: int64(status), Valid: true}, Body: body, Scope: scope, Key: key}))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no idempotency record %q", store.ErrNotFound, key)
	}
	return translate(err)
}

// AbandonIdempotent deletes an in-flight claim; a finished record stays.
func (s *Store) AbandonIdempotent(ctx context.Context, scope, key string) error {
	return translate(queries.AbandonIdempotent(ctx, s.w, db.AbandonIdempotentParams{Scope: scope, Key: key}))
}

// PurgeIdempotent deletes the records that expired before at.
func (s *Store) PurgeIdempotent(ctx context.Context, at time.Time) (int64, error) {
	n, err := queries.PurgeIdempotent(ctx, s.w, store.Timestamp(at))
	return n, translate(err)
}
