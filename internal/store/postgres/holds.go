package postgres

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Lock order, so that concurrent writers never wait on each other in a
// cycle: inventory nights are locked by room type, then date. A create
// locks every night it needs (those of all the rooms of a group) before it
// inserts any hold row, and inserts its rows in booking id order; an
// insert waits only on an uncommitted insert of the same id. A move or a
// release locks at most one (existing) hold row, before any inventory
// night. (A create of one hold without a Price locks its row first, then
// its nights, in one statement: it can wait in a cycle only with a group
// asking for the same id at once, which PostgreSQL detects and write
// retries.)

// CreateHold holds one room on every night of the stay, or none: a group
// of one (CreateHolds).
func (s *Store) CreateHold(ctx context.Context, req hotel.HoldRequest) (hotel.Hold, bool, error) {
	hs, created, err := s.CreateHolds(ctx, []hotel.HoldRequest{req})
	if err != nil {
		return hotel.Hold{}, false, err
	}
	return hs[0], created, nil
}

// CreateHolds holds every night of every request, or none (createHolds),
// or finds the holds the same requests made before.
func (s *Store) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	if len(reqs) == 0 {
		return nil, false, nil
	}
	ids := make([]uuid.UUID, len(reqs))
	for i, req := range reqs {
		var err error
		if ids[i], err = uuid.Parse(req.BookingID); err != nil {
			// The hold table keys holds by UUID: no other id can ever be held.
			return nil, false, fmt.Errorf("%w: booking id is not a UUID", store.ErrConflict)
		}
	}
	if err := store.CheckGroup(reqs); err != nil {
		return nil, false, err
	}
	var holds []hotel.Hold
	var created bool
	err := s.write(ctx, func(tx dbtx) error {
		var err error
		holds, created, err = createHolds(ctx, tx, ids, reqs)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return holds, created, nil
}

// createHolds does the work of CreateHolds in tx: it locks and prices the
// nights of every request (priceHolds), then inserts the holds in id order,
// each taking its nights (insertHold), and goes on after a refusal, so the
// error names the short nights of every room. On any error the caller
// must roll back.
func createHolds(ctx context.Context, tx dbtx, ids []uuid.UUID, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	quotes, err := priceHolds(ctx, tx, reqs)
	if err != nil {
		// A retry of holds made before gets them, whatever the rules say
		// now; anyone else gets the refusal.
		holds, rerr := replay(ctx, tx, ids, reqs)
		if errors.Is(rerr, errNoHold) {
			return nil, false, err
		}
		return holds, false, rerr
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(ids[a][:], ids[b][:]) })
	holds := make([]hotel.Hold, len(reqs))
	var short []hotel.Date
	existed := 0
	for _, i := range order {
		h, err := insertHold(ctx, tx, ids[i], reqs[i], quotes[i])
		var ne *store.NightsError
		switch {
		case errors.Is(err, errHoldExists):
			existed++
		case errors.As(err, &ne):
			short = store.Union(short, ne.Nights)
		case err != nil:
			return nil, false, err
		}
		holds[i] = h
	}
	switch {
	case existed == len(reqs):
		// Nothing written: a retry, or ids used for other requests.
		holds, err := replay(ctx, tx, ids, reqs)
		return holds, false, err
	case existed > 0:
		return nil, false, store.ErrPartlyHeld
	case len(short) > 0:
		return nil, false, store.RefuseNights(store.ErrConflict, short)
	}
	return holds, true, nil
}

// errHoldExists: the booking id has a hold already. It wraps ErrConflict.
var errHoldExists = fmt.Errorf("%w: the booking already has a hold", store.ErrConflict)

// errNoHold: none of the booking ids has a hold (sameRequest, replay).
var errNoHold = errors.New("no hold")

// replay returns the holds of ids when reqs made them all; errNoHold when
// none of ids has a hold; else ErrConflict.
func replay(ctx context.Context, tx dbtx, ids []uuid.UUID, reqs []hotel.HoldRequest) ([]hotel.Hold, error) {
	missing := 0
	var conflict error
	for i, id := range ids {
		switch err := sameRequest(ctx, tx, id, reqs[i]); {
		case errors.Is(err, errNoHold):
			missing++
		case errors.Is(err, store.ErrConflict):
			conflict = err
		case err != nil:
			return nil, err
		}
	}
	switch {
	case missing == len(ids):
		return nil, errNoHold
	case conflict != nil:
		return nil, conflict
	case missing > 0:
		return nil, store.ErrPartlyHeld
	}
	holds := make([]hotel.Hold, len(ids))
	for i, id := range ids {
		var err error
		if holds[i], err = getHold(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	return holds, nil
}

// priceHolds locks the nights of every request of a group — through its
// check-out date for a request with a Price — in (room type, date) order,
// and runs each Price in the group's transaction (store.PriceHolds): an
// ARI write locks the nights it changes, so it commits wholly before or
// after these reads. The locks go in the round trip of the first ARI
// reads. A quote is nil without a Price. A single request without a Price
// locks nothing here: holdSQL locks its nights.
func priceHolds(ctx context.Context, tx dbtx, reqs []hotel.HoldRequest) ([]*hotel.HoldQuote, error) {
	if len(reqs) == 1 && reqs[0].Price == nil {
		return []*hotel.HoldQuote{nil}, nil
	}
	lock := groupLocks(reqs)
	quotes, err := store.PriceHolds(reqs, func(q hotel.ARIQuery) (hotel.ARISnapshot, error) {
		snap, err := loadARIAfter(ctx, tx, q, lock)
		lock = nil
		return snap, err
	})
	if err != nil {
		return nil, err
	}
	if lock != nil {
		// No Price: the nights are locked all the same, before any hold row.
		if err := readAll(ctx, tx, lock); err != nil {
			return nil, err
		}
	}
	return quotes, nil
}

// groupLocks are the reads that lock the nights of a group's requests
// (lockRead), by room type, then date.
func groupLocks(reqs []hotel.HoldRequest) []read {
	type roomType struct{ hotelID, roomTypeID int64 }
	sets := map[roomType][]hotel.Date{}
	for _, req := range reqs {
		out := req.CheckOut
		if req.Price != nil {
			out = out.AddDays(1) // the quote reads the check-out date's restrictions
		}
		k := roomType{req.HotelID, req.RoomTypeID}
		sets[k] = store.Union(sets[k], store.Stay(req.CheckIn, out))
	}
	keys := slices.SortedFunc(maps.Keys(sets), func(a, b roomType) int {
		return cmp.Or(cmp.Compare(a.roomTypeID, b.roomTypeID), cmp.Compare(a.hotelID, b.hotelID))
	})
	var reads []read
	for _, k := range keys {
		reads = append(reads, lockRead(k.hotelID, k.roomTypeID, sets[k])...)
	}
	return reads
}

// insertHold inserts the hold row of req and takes its nights (holdSQL).
// Errors: errHoldExists, ErrNotFound (no such room type in the hotel),
// *NightsError; the caller must roll back on any.
func insertHold(ctx context.Context, tx dbtx, id uuid.UUID, req hotel.HoldRequest, quote *hotel.HoldQuote) (hotel.Hold, error) {
	nights := store.Stay(req.CheckIn, req.CheckOut)
	q, err := store.QuoteRowOf(quote)
	if err != nil {
		return hotel.Hold{}, err
	}
	rows, err := tx.Query(ctx, holdSQL, holdArgs(id, req, nights, q)...)
	if err != nil {
		return hotel.Hold{}, holdError(err)
	}
	h, err := readHold(rows, id, req, nights)
	if err == nil && quote != nil {
		h.RatePlanID, h.Terms = quote.RatePlanID, &quote.Terms
	}
	return h, holdError(err)
}

// holdSQL inserts a hold row and takes its nights, in one statement: the
// hold row first — a concurrent request with the same booking id waits on
// the primary key until this transaction ends, then finds the row — then,
// only if it was inserted, the nights are locked in date order and each
// with a room for sale is taken, with a hold_night row at the price of the
// moment, or at the quoted price. Arguments: oneOf's $1–$5, the booking id
// $6, check-in $7, check-out $8, the time $9, then the quote: rate plan id
// $10, party $11, terms $12, and the quoted nights $13 with their prices
// $14 (NULL, ”, NULL and empty arrays without one). It returns no row
// when the hold existed, else one row per night taken, or one row with a
// NULL night when none was.
var holdSQL = `WITH h AS (
    INSERT INTO hold (booking_id, hotel_id, room_type_id, check_in, check_out, status,
        request_room_type_id, request_check_in, request_check_out, created_at, updated_at,
        rate_plan_id, request_rate_plan_id, party, terms)
    VALUES ($6, $1, $2, $7, $8, 'held', $2, $7, $8, $9, $9, $10, $10, $11, $12)
    ON CONFLICT (booking_id) DO NOTHING
    RETURNING created_at),
` + takeCTEs(" AND EXISTS (SELECT FROM h)", "$13", "$14") + `
SELECT h.created_at, (SELECT currency FROM hotel WHERE id = $1), u.night, u.price_cents
FROM h LEFT JOIN u ON true
ORDER BY u.night`

// takeCTEs are the WITH queries that take nights for booking $6: l locks
// the nights of oneOf (and cond) in date order, u takes one room on each
// night with a room for sale and returns its night and its price — the
// quoted one where the arrays of nights and prices give one — and i
// records the hold_night rows.
func takeCTEs(cond, quotedNights, quotedPrices string) string {
	return `q AS (
    SELECT * FROM unnest(` + quotedNights + `::date[], ` + quotedPrices + `::bigint[]) AS q(night, price_cents)),
l AS (
    SELECT night FROM inventory_night WHERE ` + oneOf + cond + `
    ORDER BY night
    FOR NO KEY UPDATE),
u AS (
    UPDATE inventory_night n SET held = n.held + 1, updated_at = now()
    FROM l
    WHERE n.hotel_id = $1 AND n.room_type_id = $2 AND n.night = l.night
      AND n.held + n.blocked < n.capacity + n.allowance
    RETURNING n.night, coalesce((SELECT q.price_cents FROM q WHERE q.night = n.night), n.price_cents) AS price_cents),
i AS (
    INSERT INTO hold_night (booking_id, hotel_id, room_type_id, night, price_cents)
    SELECT $6, $1, $2, night, price_cents FROM u)`
}

// holdArgs are the arguments of holdSQL for req, whose nights are nights.
func holdArgs(id uuid.UUID, req hotel.HoldRequest, nights []hotel.Date, q store.QuoteRow) []any {
	qn, qp := quoteArrays(q)
	return append(oneOfArgs(req.HotelID, req.RoomTypeID, nights), id, req.CheckIn.Time(), req.CheckOut.Time(), store.Stamp(req.At),
		q.PlanID, q.Party, q.Terms, qn, qp)
}

// quoteArrays are the quoted nights and their prices, as arrays.
func quoteArrays(q store.QuoteRow) ([]time.Time, []int64) {
	nights, prices := make([]time.Time, 0, len(q.Prices)), make([]int64, 0, len(q.Prices))
	for d, p := range q.Prices {
		nights, prices = append(nights, d.Time()), append(prices, int64(p))
	}
	return nights, prices
}

// readHold reads the rows of holdSQL: the hold of req, or errHoldExists,
// or a *NightsError naming the nights it could not take.
func readHold(rows pgx.Rows, id uuid.UUID, req hotel.HoldRequest, nights []hotel.Date) (hotel.Hold, error) {
	defer rows.Close()
	var at time.Time
	var currency string
	var taken []hotel.NightPrice
	found := false
	for rows.Next() {
		var night pgtype.Date
		var cents pgtype.Int8
		if err := rows.Scan(&at, &currency, &night, &cents); err != nil {
			return hotel.Hold{}, err
		}
		found = true
		if night.Valid {
			taken = append(taken, hotel.NightPrice{Date: hotel.DateOf(night.Time), Price: hotel.Cents(cents.Int64)})
		}
	}
	if err := rows.Err(); err != nil {
		return hotel.Hold{}, err
	}
	if !found {
		return hotel.Hold{}, errHoldExists
	}
	got := make([]hotel.Date, len(taken))
	for i, np := range taken {
		got[i] = np.Date
	}
	if short := store.Minus(nights, got); len(short) > 0 {
		return hotel.Hold{}, store.RefuseNights(store.ErrConflict, short)
	}
	return hotel.Hold{
		BookingID: id.String(), HotelID: req.HotelID, RoomTypeID: req.RoomTypeID,
		CheckIn: req.CheckIn, CheckOut: req.CheckOut, Status: hotel.HoldHeld,
		Nights: taken, TotalPrice: store.TotalPrice(taken), Currency: currency,
		CreatedAt: at.UTC(), UpdatedAt: at.UTC(),
	}, nil
}

// holdError is the error of holdSQL: ErrNotFound for a room type the hotel
// does not have.
func holdError(err error) error {
	if hasCode(err, codeForeignKeyViolation) {
		return store.ErrNotFound
	}
	return err
}

// sameRequest returns nil when the existing hold of id was made by req, else
// ErrConflict.
// ErrConflict, or errNoHold when id has no hold.
func sameRequest(ctx context.Context, tx dbtx, id uuid.UUID, req hotel.HoldRequest) error {
	var r store.HoldRequestRow
	err := tx.QueryRow(ctx, store.HoldRequestSQL+`$1`, id).Scan(r.Dest()...)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return errNoHold
	case err != nil:
		return err
	case !r.Same(req):
		return store.ErrConflict
	}
	return nil
}

// oneOf is the condition "a night of room type $2 of hotel $1 in the date
// array $5", with $3 and $4 the first and last of those dates: the range
// lets the primary key index find the nights without scanning the room
// type's whole calendar.
const oneOf = `hotel_id = $1 AND room_type_id = $2 AND night BETWEEN $3 AND $4 AND night = ANY($5::date[])`

// oneOfArgs returns the arguments of oneOf for nights (ascending, not empty).
func oneOfArgs(hotelID, roomTypeID int64, nights []hotel.Date) []any {
	return []any{hotelID, roomTypeID, nights[0].Time(), nights[len(nights)-1].Time(), dates(nights)}
}

// lockNights locks the existing nights among nights (ascending) of a room
// type in date order.
func lockNights(ctx context.Context, tx dbtx, hotelID, roomTypeID int64, nights []hotel.Date) error {
	if len(nights) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, lockNightsSQL, oneOfArgs(hotelID, roomTypeID, nights)...)
	return err
}

// lockNightsSQL locks the nights of oneOf in date order.
const lockNightsSQL = `SELECT FROM inventory_night WHERE ` + oneOf + ` ORDER BY night FOR NO KEY UPDATE`

// lockRead is lockNights as a read of loadARIAfter (none for no nights).
func lockRead(hotelID, roomTypeID int64, nights []hotel.Date) []read {
	if len(nights) == 0 {
		return nil
	}
	return []read{{sql: lockNightsSQL, args: oneOfArgs(hotelID, roomTypeID, nights)}}
}

// take holds one room on each of nights (ascending) of a room type for the
// booking, recording hold_night rows with the prices of the moment. It
// returns the nights taken and those it could not take (no inventory row or
// no room for sale); the caller must roll back when any is short. Rows are
// locked in date order before the conditional update.
func take(ctx context.Context, tx dbtx, id uuid.UUID, hotelID, roomTypeID int64, nights []hotel.Date) (taken []hotel.NightPrice, short []hotel.Date, err error) {
	if len(nights) == 0 {
		return nil, nil, nil
	}
	rows, err := tx.Query(ctx, `WITH `+takeCTEs("", "NULL", "NULL")+`
SELECT night, price_cents FROM u ORDER BY night`, append(oneOfArgs(hotelID, roomTypeID, nights), id)...)
	if err != nil {
		return nil, nil, err
	}
	taken, err = pgx.CollectRows(rows, scanNightPrice)
	if err != nil {
		return nil, nil, err
	}
	got := make([]hotel.Date, len(taken))
	for i, np := range taken {
		got[i] = np.Date
	}
	return taken, store.Minus(nights, got), nil
}

func scanNightPrice(row pgx.CollectableRow) (hotel.NightPrice, error) {
	var night time.Time
	var cents int64
	err := row.Scan(&night, &cents)
	return hotel.NightPrice{Date: hotel.DateOf(night), Price: hotel.Cents(cents)}, err
}

// release returns to inventory every night the booking holds except those in
// keep, deleting their hold_night rows; it reports how many it returned.
func release(ctx context.Context, tx dbtx, id uuid.UUID, keep []hotel.Date) (int64, error) {
	tag, err := tx.Exec(ctx, `WITH d AS (
    DELETE FROM hold_night WHERE booking_id = $1 AND night <> ALL($2::date[])
    RETURNING hotel_id, room_type_id, night),
l AS (
    SELECT n.hotel_id, n.room_type_id, n.night
    FROM inventory_night n JOIN d ON d.hotel_id = n.hotel_id AND d.room_type_id = n.room_type_id AND d.night = n.night
    ORDER BY n.room_type_id, n.night
    FOR NO KEY UPDATE OF n)
UPDATE inventory_night n SET held = n.held - 1, updated_at = now()
FROM l
WHERE n.hotel_id = l.hotel_id AND n.room_type_id = l.room_type_id AND n.night = l.night`, id, dates(keep))
	return tag.RowsAffected(), err
}

// lockedHold is the hold row as MoveHold and ReleaseHold lock it.
type lockedHold struct {
	hotelID, roomTypeID int64
	checkIn, checkOut   hotel.Date
	status              string
}

// lockHold locks the hold row of id for the rest of the transaction, so
// concurrent moves and releases of one hold run one after the other.
func lockHold(ctx context.Context, tx dbtx, id uuid.UUID) (lockedHold, error) {
	var l lockedHold
	var in, out time.Time
	err := tx.QueryRow(ctx, `SELECT hotel_id, room_type_id, check_in, check_out, status FROM hold WHERE booking_id = $1 FOR UPDATE`, id).
		Scan(&l.hotelID, &l.roomTypeID, &in, &out, &l.status)
	l.checkIn, l.checkOut = hotel.DateOf(in), hotel.DateOf(out)
	return l, err
}

// nights returns the nights the hold holds: its stay while held, none once released.
func (l lockedHold) nights() []hotel.Date {
	if l.status != hotel.HoldHeld {
		return nil
	}
	return store.Stay(l.checkIn, l.checkOut)
}

// GetHold returns a hold with its nights.
func (s *Store) GetHold(ctx context.Context, bookingID string) (hotel.Hold, error) {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return hotel.Hold{}, store.ErrNotFound
	}
	return getHold(ctx, s.pool, id)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getHold(ctx context.Context, q querier, id uuid.UUID) (hotel.Hold, error) {
	var h hotel.Hold
	var nights []time.Time
	var prices []int64
	err := q.QueryRow(ctx, `SELECT `+store.HoldColumns+`,
       coalesce(array_agg(hn.night ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}'),
       coalesce(array_agg(hn.price_cents ORDER BY hn.night) FILTER (WHERE hn.night IS NOT NULL), '{}')
FROM hold h
JOIN hotel ho ON ho.id = h.hotel_id
LEFT JOIN hold_night hn ON hn.booking_id = h.booking_id
WHERE h.booking_id = $1
GROUP BY h.booking_id, ho.id`, id).Scan(append(store.HoldFields(&h), &nights, &prices)...)
	if err != nil {
		return hotel.Hold{}, translate(err)
	}
	h.Nights = make([]hotel.NightPrice, len(nights))
	for i := range nights {
		h.Nights[i] = hotel.NightPrice{Date: hotel.DateOf(nights[i]), Price: hotel.Cents(prices[i])}
	}
	h.TotalPrice = store.TotalPrice(h.Nights)
	return h, nil
}

// MoveHold releases the hold's nights and takes those of m in one
// transaction, keeping nights that are in both.
func (s *Store) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (hotel.Hold, error) {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return hotel.Hold{}, store.ErrNotFound
	}
	var h hotel.Hold
	err = s.write(ctx, func(tx dbtx) error {
		cur, err := lockHold(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.status != hotel.HoldHeld {
			return store.ErrConflict
		}
		if m.Price != nil || cur.roomTypeID != m.RoomTypeID || cur.checkIn != m.CheckIn || cur.checkOut != m.CheckOut {
			if err := move(ctx, tx, id, cur, m); err != nil {
				return err
			}
		}
		h, err = getHold(ctx, tx, id)
		return err
	})
	return h, err
}

// move does the work of MoveHold on the locked hold cur.
func move(ctx context.Context, tx dbtx, id uuid.UUID, cur lockedHold, m hotel.HoldMove) error {
	old, want := cur.nights(), store.Stay(m.CheckIn, m.CheckOut)
	var keep []hotel.Date
	if m.RoomTypeID == cur.roomTypeID {
		keep = store.Minus(old, store.Minus(old, want)) // old ∩ want
	} else {
		var ok bool
		err := tx.QueryRow(ctx, `SELECT true FROM room_type WHERE hotel_id = $1 AND id = $2`, cur.hotelID, m.RoomTypeID).Scan(&ok)
		if err != nil {
			return err // ErrNotFound: not a room type of the hotel
		}
	}
	freed, added := store.Minus(old, keep), store.Minus(want, keep)
	// With a Price, the quote reads the new stay's ARI through its
	// check-out date: every night of it is locked too (see priceHold).
	locked := added
	if m.Price != nil {
		locked = store.Stay(m.CheckIn, m.CheckOut.AddDays(1))
	}
	// Lock every night the move touches in (room type, date) order first:
	// releasing then taking would otherwise lock out of order.
	if m.RoomTypeID == cur.roomTypeID {
		if err := lockNights(ctx, tx, cur.hotelID, cur.roomTypeID, store.Union(freed, locked)); err != nil {
			return err
		}
	} else {
		first, second := lockSet{cur.roomTypeID, freed}, lockSet{m.RoomTypeID, locked}
		if second.roomTypeID < first.roomTypeID {
			first, second = second, first
		}
		for _, l := range []lockSet{first, second} {
			if err := lockNights(ctx, tx, cur.hotelID, l.roomTypeID, l.nights); err != nil {
				return err
			}
		}
	}
	var q store.QuoteRow
	if m.Price != nil {
		h, err := getHold(ctx, tx, id)
		if err != nil {
			return err
		}
		snap, err := loadARI(ctx, tx, store.HoldARIQuery(cur.hotelID, m.CheckIn, m.CheckOut, m.RoomTypeID))
		if err != nil {
			return err
		}
		quote, err := m.Price(h, snap)
		if err != nil {
			return err
		}
		if q, err = store.QuoteRowOf(quote); err != nil {
			return err
		}
	}
	if _, err := release(ctx, tx, id, keep); err != nil {
		return err
	}
	_, short, err := take(ctx, tx, id, cur.hotelID, m.RoomTypeID, added)
	if err != nil {
		return err
	}
	if len(short) > 0 {
		return store.RefuseNights(store.ErrConflict, short)
	}
	if m.Price != nil {
		qn, qp := quoteArrays(q)
		if _, err := tx.Exec(ctx, `UPDATE hold_night hn SET price_cents = q.price_cents
FROM unnest($2::date[], $3::bigint[]) AS q(night, price_cents)
WHERE hn.booking_id = $1 AND hn.night = q.night AND hn.price_cents <> q.price_cents`, id, qn, qp); err != nil {
			return err
		}
	}
	// Without a Price the plan, party and terms stay as they are.
	_, err = tx.Exec(ctx, `UPDATE hold SET room_type_id = $2, check_in = $3, check_out = $4, updated_at = $5,
    rate_plan_id = CASE WHEN $6 THEN $7 ELSE rate_plan_id END,
    party = CASE WHEN $6 THEN $8 ELSE party END,
    terms = CASE WHEN $6 THEN $9 ELSE terms END
WHERE booking_id = $1`,
		id, m.RoomTypeID, m.CheckIn.Time(), m.CheckOut.Time(), store.Stamp(m.At), m.Price != nil, q.PlanID, q.Party, q.Terms)
	return err
}

// lockSet is nights of one room type to lock.
type lockSet struct {
	roomTypeID int64
	nights     []hotel.Date
}

// ReleaseHold returns the held nights on or after r.From (all when zero).
// The hold row is locked first, so concurrent duplicate releases return the
// nights once.
func (s *Store) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (hotel.Hold, error) {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return hotel.Hold{}, store.ErrNotFound
	}
	var h hotel.Hold
	err = s.write(ctx, func(tx dbtx) error {
		cur, err := lockHold(ctx, tx, id)
		if err != nil {
			return err
		}
		// Keep the nights before keepTo: none without From, else those
		// before From; an early departure moves the check-out to keepTo.
		keepTo, checkOut := cur.checkIn, cur.checkOut
		if !r.From.IsZero() {
			keepTo = earliest(cur.checkOut, latest(cur.checkIn, r.From))
			checkOut = keepTo
		}
		status := hotel.HoldReleased
		if keepTo.After(cur.checkIn) {
			status = hotel.HoldHeld
		}
		if cur.status == hotel.HoldHeld && (checkOut != cur.checkOut || status != cur.status) {
			if _, err := release(ctx, tx, id, store.Stay(cur.checkIn, keepTo)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE hold SET check_out = $2, status = $3, updated_at = $4 WHERE booking_id = $1`,
				id, checkOut.Time(), status, store.Stamp(r.At)); err != nil {
				return err
			}
		}
		h, err = getHold(ctx, tx, id)
		return err
	})
	return h, err
}

// latest returns the later of two dates.
func latest(a, b hotel.Date) hotel.Date {
	if b.After(a) {
		return b
	}
	return a
}

// earliest returns the earlier of two dates.
func earliest(a, b hotel.Date) hotel.Date {
	if b.Before(a) {
		return b
	}
	return a
}
