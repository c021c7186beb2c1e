package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres/db"
)

// Bookings. A booking row and its booking_night rows are written together in
// one transaction (retried by write on serialization failures and
// deadlocks); reads fetch both in one query.

var _ store.Bookings = (*Store)(nil)

// date returns d as a DATE, NULL when zero.
func date(d hotel.Date) pgtype.Date { return pgtype.Date{Time: d.Time(), Valid: !d.IsZero()} }

// cents returns the prices of nights in cents and their dates, to bind to
// bigint[] and date[] parameters.
func cents(nights []hotel.NightPrice) ([]time.Time, []int64) {
	ds, ps := make([]time.Time, len(nights)), make([]int64, len(nights))
	for i, n := range nights {
		ds[i], ps[i] = n.Date.Time(), int64(n.Price)
	}
	return ds, ps
}

// InsertBooking stores b, its nightly prices and the hash of its access token.
func (s *Store) InsertBooking(ctx context.Context, b *hotel.Booking, tokenHash []byte) error {
	id, err := uuid.Parse(b.ID)
	if err != nil {
		return fmt.Errorf("booking id %q is not a UUID", b.ID)
	}
	at := store.Stamp(b.CreatedAt)
	err = s.write1(ctx, func(q execer) error { return insertBooking(ctx, q, id, b, tokenHash, at) })
	if err != nil {
		return err
	}
	b.Version, b.CreatedAt, b.UpdatedAt = 1, at, at
	return nil
}

// insertBooking inserts booking b (id parsed from b.ID) and its nights, in
// one statement.
func insertBooking(ctx context.Context, q execer, id uuid.UUID, b *hotel.Booking, tokenHash []byte, at time.Time) error {
	sql, args, err := bookingInsert(id, b, tokenHash, at)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, sql, args...)
	return bookingError(err, b)
}

// bookingInsert is the statement that inserts booking b and its nights.
func bookingInsert(id uuid.UUID, b *hotel.Booking, tokenHash []byte, at time.Time) (string, []any, error) {
	if err := store.DistinctNights(b.NightlyPrices); err != nil {
		return "", nil, err
	}
	ds, ps := cents(b.NightlyPrices)
	terms, err := store.BookingTerms(b)
	if err != nil {
		return "", nil, err
	}
	return `WITH b AS (
    INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name,
        arrival_date, stay_length, check_out_date, adults, children, meal_plan, market_segment, booking_channel,
        is_weekend, is_holiday, total_cents, currency, status, access_token_hash, departed_on, version, sync_pending,
        created_at, updated_at, rate_plan_id, rate_plan_code, child_ages, terms, group_id, room_no)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $22, $22,
        $25, $26, $27, $28, $29, $30)
    RETURNING id)
INSERT INTO booking_night (booking_id, night, price_cents)
SELECT b.id, n, p FROM b, unnest($23::date[], $24::bigint[]) AS t(n, p)`, append([]any{
			id, b.ConfirmationCode, b.HotelID, b.RoomTypeID, b.GuestName,
			date(b.ArrivalDate), b.StayLength, date(b.CheckOutDate), b.Adults, b.Children,
			store.NullString(b.MealPlan), store.NullString(b.MarketSegment), store.NullString(b.BookingChannel),
			b.IsWeekend, b.IsHoliday, int64(b.TotalPrice), b.Currency, b.Status, tokenHash,
			date(b.DepartedOn), b.SyncPending, at, ds, ps}, append(terms, store.BookingRoom(b)...)...), nil
}

// bookingError is the error of bookingInsert's statement: ErrNotFound for
// a room type the hotel does not have.
func bookingError(err error, b *hotel.Booking) error {
	if hasCode(err, codeForeignKeyViolation) {
		return fmt.Errorf("%w: hotel %d has no room type %d", store.ErrNotFound, b.HotelID, b.RoomTypeID)
	}
	return err
}

// bookingQuery selects bookings b (a subquery over booking with the
// placeholders %[1]s: condition, %[2]s: order, %[3]s: limit parameter), each
// with its names and its nights aggregated in night order.
const bookingQuery = `SELECT ` + store.BookingColumns + `,
       coalesce(n.nights, '{}'), coalesce(n.prices, '{}')
FROM (SELECT * FROM booking b WHERE %[1]s ORDER BY %[2]s LIMIT %[3]s) b
JOIN hotel h ON h.id = b.hotel_id
JOIN room_type rt ON rt.id = b.room_type_id
CROSS JOIN LATERAL (
    SELECT array_agg(night ORDER BY night) AS nights, array_agg(price_cents ORDER BY night) AS prices
    FROM booking_night WHERE booking_id = b.id) n
ORDER BY %[2]s`

// queryBookings returns at most limit bookings matching cond (SQL over the
// booking row b with parameters args) in order, with names and nightly
// prices, from one query.
func (s *Store) queryBookings(ctx context.Context, cond, order string, limit int, args ...any) ([]hotel.Booking, error) {
	if limit <= 0 {
		return []hotel.Booking{}, nil
	}
	args = append(args, limit)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(bookingQuery, cond, order, "$"+strconv.Itoa(len(args))), args...)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, scanBooking)
	return out, translate(err)
}

func scanBooking(row pgx.CollectableRow) (hotel.Booking, error) {
	var b hotel.Booking
	var nights []time.Time
	var prices []int64
	if err := row.Scan(append(store.BookingFields(&b), &nights, &prices)...); err != nil {
		return b, err
	}
	for i := range nights {
		b.NightlyPrices = append(b.NightlyPrices, hotel.NightPrice{Date: hotel.DateOf(nights[i]), Price: hotel.Cents(prices[i])})
	}
	if len(b.NightlyPrices) > 0 {
		b.RoomPrice = b.NightlyPrices[0].Price
	}
	return b, nil
}

// GetBooking returns a booking with its names and nightly prices.
func (s *Store) GetBooking(ctx context.Context, id string) (hotel.Booking, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return hotel.Booking{}, store.ErrNotFound
	}
	bs, err := s.queryBookings(ctx, "b.id = $1", "b.id", 1, u)
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
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, store.ErrNotFound
	}
	bs, err := s.queryBookings(ctx, "(b.id = $1 AND b.group_id IS NULL) OR b.group_id = $1", "b.room_no", hotel.MaxRoomsPerBooking, u)
	if err == nil && len(bs) == 0 {
		err = store.ErrNotFound
	}
	return bs, err
}

// ListBookings returns bookings matching f, newest first, in one query.
func (s *Store) ListBookings(ctx context.Context, f hotel.BookingFilter) ([]hotel.Booking, error) {
	conds := []string{"b.group_id IS NULL"} // bookings, not their further rooms
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.HotelID != 0 {
		add("b.hotel_id =", f.HotelID)
	}
	if f.Status != "" {
		// A booking has the status when any of its rooms has it.
		args = append(args, f.Status)
		n := "$" + strconv.Itoa(len(args))
		conds = append(conds, "(b.status = "+n+" OR EXISTS (SELECT 1 FROM booking r WHERE r.group_id = b.id AND r.status = "+n+"))")
	}
	if !f.ArrivalFrom.IsZero() {
		add("b.arrival_date >=", date(f.ArrivalFrom))
	}
	if !f.ArrivalTo.IsZero() {
		add("b.arrival_date <=", date(f.ArrivalTo))
	}
	if len(f.HotelIDs) > 0 {
		add("b.hotel_id = ANY(", f.HotelIDs)
		conds[len(conds)-1] += ")"
	}
	if !f.DepartureFrom.IsZero() {
		add("b.check_out_date >=", date(f.DepartureFrom))
	}
	if !f.DepartureTo.IsZero() {
		add("b.check_out_date <=", date(f.DepartureTo))
	}
	if f.ConfirmationCode != "" {
		add("b.confirmation_code =", f.ConfirmationCode)
	}
	if f.GuestName != "" {
		// Any room's guest, ignoring case.
		args = append(args, "%"+store.EscapeLike(f.GuestName)+"%")
		n := "$" + strconv.Itoa(len(args))
		conds = append(conds, `(b.guest_name ILIKE `+n+` OR EXISTS (SELECT 1 FROM booking r WHERE r.group_id = b.id AND r.guest_name ILIKE `+n+`))`)
	}
	if f.BeforeID != "" {
		before, err := uuid.Parse(f.BeforeID)
		if err != nil {
			return nil, fmt.Errorf("booking cursor %q is not a UUID", f.BeforeID)
		}
		add("b.id <", before)
	}
	return s.queryBookings(ctx, strings.Join(conds, " AND "), "b.id DESC", f.Limit, args...)
}

// BookingRooms returns the further rooms of bookings ids, in one query.
func (s *Store) BookingRooms(ctx context.Context, ids []string) (map[string][]hotel.Booking, error) {
	us := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return map[string][]hotel.Booking{}, nil
	}
	rows, err := s.queryBookings(ctx, "b.group_id = ANY($1)", "b.group_id, b.room_no", len(us)*hotel.MaxRoomsPerBooking, us)
	return store.ByGroup(rows), err
}

// OldestUnsettled returns the earliest updated_at of the bookings marked
// sync-pending and created_at of the unconfirmed holds (the first entry of
// a partial index each); ok is false for none.
func (s *Store) OldestUnsettled(ctx context.Context) (time.Time, bool, error) {
	var oldest *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT least(
  (SELECT min(updated_at) FROM booking WHERE sync_pending),
  (SELECT min(created_at) FROM hold WHERE confirmed_at IS NULL))`).Scan(&oldest); err != nil || oldest == nil {
		return time.Time{}, false, translate(err)
	}
	return oldest.UTC(), true, nil
}

// SyncPendingBookings returns bookings marked sync-pending and last updated
// before before, oldest update first (ties by id).
func (s *Store) SyncPendingBookings(ctx context.Context, before time.Time, limit int) ([]hotel.Booking, error) {
	return s.queryBookings(ctx, "b.sync_pending AND b.updated_at < $1", "b.updated_at, b.id", limit, before)
}

// UpdateBooking writes the mutable fields of b by one conditional UPDATE (on
// the version and the allowed previous statuses), then makes its nights
// those of b, in one transaction. A concurrent update of the same version
// waits for the row lock, then finds the version moved on.
func (s *Store) UpdateBooking(ctx context.Context, b *hotel.Booking, marked bool) error {
	id, err := uuid.Parse(b.ID)
	if err != nil {
		return store.ErrNotFound
	}
	at := store.Stamp(b.UpdatedAt)
	if err := store.DistinctNights(b.NightlyPrices); err != nil {
		return err
	}
	ds, ps := cents(b.NightlyPrices)
	outcome := store.BookingOutcome(b)
	terms, err := store.BookingTerms(b)
	if err != nil {
		return err
	}
	// One statement: the conditional update and the nights of the row it
	// updated (none when it matched no row).
	err = s.write1(ctx, func(q execer) error {
		var updated int
		err := q.QueryRow(ctx, `WITH u AS (
    UPDATE booking SET status = $3, guest_name = $4, room_type_id = $5,
        arrival_date = $6, stay_length = $7, check_out_date = $8, adults = $9, children = $10, is_weekend = $11,
        total_cents = $12, departed_on = $13, sync_pending = $14, version = version + 1, updated_at = $15,
        meal_plan = $20, rate_plan_id = $21, rate_plan_code = $22, child_ages = $23, terms = $24,
        checked_in_at = $25, cancelled_at = $26, cancellation_fee_cents = $27, no_show_fee_cents = $28
    WHERE id = $1 AND version = $2 AND status = ANY($16::text[]) AND sync_pending = $19
    RETURNING id),
d AS (
    DELETE FROM booking_night WHERE booking_id IN (SELECT id FROM u) AND night <> ALL($17::date[])),
i AS (
    INSERT INTO booking_night (booking_id, night, price_cents)
    SELECT u.id, n, p FROM u, unnest($17::date[], $18::bigint[]) AS t(n, p)
    ON CONFLICT (booking_id, night) DO UPDATE SET price_cents = excluded.price_cents
    WHERE booking_night.price_cents <> excluded.price_cents)
SELECT count(*) FROM u`,
			id, b.Version, b.Status, b.GuestName, b.RoomTypeID,
			date(b.ArrivalDate), b.StayLength, date(b.CheckOutDate), b.Adults, b.Children, b.IsWeekend,
			int64(b.TotalPrice), date(b.DepartedOn), b.SyncPending, at, store.StatusesBefore(b.Status), ds, ps, marked,
			store.NullString(b.MealPlan), terms[0], terms[1], terms[2], terms[3],
			outcome[0], outcome[1], outcome[2], outcome[3]).Scan(&updated)
		if err != nil {
			return err
		}
		if updated == 0 {
			return updateRefused(ctx, q, id, b, marked)
		}
		return nil
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
func updateRefused(ctx context.Context, q querier, id uuid.UUID, b *hotel.Booking, marked bool) error {
	var version int
	var status string
	var pending bool
	if err := q.QueryRow(ctx, `SELECT version, status, sync_pending FROM booking WHERE id = $1`, id).Scan(&version, &status, &pending); err != nil {
		return err // pgx.ErrNoRows: translated to ErrNotFound
	}
	return store.UpdateRefusal(b, marked, version, status, pending)
}

// Idempotency records.

// BeginIdempotent claims (rec.Scope, rec.Key) as of rec.CreatedAt (now when
// zero; rec.ExpiresAt is required). One upsert inserts a new record or takes
// over one that expired by then or is in flight since before staleBefore:
// concurrent claimants wait on the row and re-check the condition against
// the winner's record, so exactly one claims. A loser reads the record the
// upsert left locked.
func (s *Store) BeginIdempotent(ctx context.Context, rec store.IdempotencyRecord, staleBefore time.Time) (*store.IdempotencyRecord, bool, error) {
	if err := rec.ClaimTimes(); err != nil {
		return nil, false, err
	}
	var existing *store.IdempotencyRecord
	err := s.write(ctx, func(tx dbtx) error {
		existing = nil
		n, err := queries.ClaimIdempotent(ctx, tx, db.ClaimIdempotentParams{
			Scope: rec.Scope, Key: rec.Key, RequestHash: rec.RequestHash, ResourceID: store.NullString(rec.ResourceID),
			CreatedAt: store.Timestamp(rec.CreatedAt), ExpiresAt: store.Timestamp(rec.ExpiresAt), StaleBefore: store.Timestamp(staleBefore)})
		if err != nil || n == 1 {
			return err
		}
		row, err := queries.GetIdempotent(ctx, tx, db.GetIdempotentParams{Scope: rec.Scope, Key: rec.Key})
		if errors.Is(err, pgx.ErrNoRows) {
			return errRetry // deleted since the upsert saw it
		}
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
	err := store.OneRow(queries.FinishIdempotent(ctx, s.pool, db.FinishIdempotentParams{
		Status: sql.NullInt64{Int64: int64(status), Valid: true}, Body: body, Scope: scope, Key: key}))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no idempotency record %q", store.ErrNotFound, key)
	}
	return translate(err)
}

// AbandonIdempotent deletes an in-flight claim; a finished record stays.
func (s *Store) AbandonIdempotent(ctx context.Context, scope, key string) error {
	return translate(queries.AbandonIdempotent(ctx, s.pool, db.AbandonIdempotentParams{Scope: scope, Key: key}))
}

// PurgeIdempotent deletes the records that expired before at.
func (s *Store) PurgeIdempotent(ctx context.Context, at time.Time) (int64, error) {
	n, err := queries.PurgeIdempotent(ctx, s.pool, store.Timestamp(at))
	return n, translate(err)
}
