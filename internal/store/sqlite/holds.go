package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Holds. inventory_night.held of a night always equals the number of
// hold_night rows of that night: every statement below that changes one
// changes the other in the same transaction.

// CreateHold holds one room on every night of the stay, or nothing: a
// group of one (CreateHolds).
func (s *Store) CreateHold(ctx context.Context, req hotel.HoldRequest) (hotel.Hold, bool, error) {
	hs, created, err := s.CreateHolds(ctx, []hotel.HoldRequest{req})
	if err != nil {
		return hotel.Hold{}, false, err
	}
	return hs[0], created, nil
}

// CreateHolds holds one room on every night of the stay of every request,
// or nothing. The write transaction excludes every other writer: there is
// no lock order to keep, and the ARI read here is the ARI the holds are
// taken under.
func (s *Store) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	if len(reqs) == 0 {
		return nil, false, nil
	}
	if err := store.CheckGroup(reqs); err != nil {
		return nil, false, err
	}
	var holds []hotel.Hold
	created := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		created = false
		held, err := heldBy(ctx, tx, reqs)
		switch {
		case err != nil:
			return err
		case held == len(reqs):
			// A retry of holds made before gets them, whatever the rules say now.
			holds = make([]hotel.Hold, len(reqs))
			for i, req := range reqs {
				if holds[i], err = loadHold(ctx, tx, req.BookingID); err != nil {
					return err
				}
			}
			return nil
		case held > 0:
			return store.ErrPartlyHeld
		}
		quotes, err := store.PriceHolds(reqs, func(q hotel.ARIQuery) (hotel.ARISnapshot, error) { return loadARI(ctx, tx, q) })
		if err != nil {
			return err
		}
		// Every room is taken, even after a refusal, so the error names the
		// short nights of all of them; the refusal rolls everything back.
		holds = make([]hotel.Hold, len(reqs))
		var short []hotel.Date
		for i, req := range reqs {
			h, err := insertHold(ctx, tx, req, quotes[i])
			var ne *store.NightsError
			switch {
			case errors.As(err, &ne):
				short = store.Union(short, ne.Nights)
			case err != nil:
				return err
			}
			holds[i] = h
		}
		if len(short) > 0 {
			return store.RefuseNights(store.ErrConflict, short)
		}
		created = true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return holds, created, nil
}

// heldBy returns how many of the booking ids of reqs have a hold, made by
// their request; ErrConflict when one was made by another request.
func heldBy(ctx context.Context, tx *sql.Tx, reqs []hotel.HoldRequest) (int, error) {
	held := 0
	for _, req := range reqs {
		var r store.HoldRequestRow
		err := tx.QueryRowContext(ctx, store.HoldRequestSQL+`?`, req.BookingID).Scan(r.Dest()...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return 0, err
		case !r.Same(req):
			return 0, fmt.Errorf("%w: booking %s already holds a different request", store.ErrConflict, req.BookingID)
		}
		held++
	}
	return held, nil
}

// insertHold takes the nights of req and inserts its hold; the booking id
// must not have a hold yet (the caller looked). Errors: *NightsError (the
// caller must roll back).
func insertHold(ctx context.Context, tx *sql.Tx, req hotel.HoldRequest, quote *hotel.HoldQuote) (hotel.Hold, error) {
	if !req.CheckIn.Before(req.CheckOut) {
		return hotel.Hold{}, store.ErrEmptyStay
	}
	q, err := store.QuoteRowOf(quote)
	if err != nil {
		return hotel.Hold{}, err
	}
	taken, err := claimNights(ctx, tx, req.BookingID, req.HotelID, req.RoomTypeID, req.CheckIn, req.CheckOut, nil)
	if err != nil {
		return hotel.Hold{}, err
	}
	for night, price := range taken {
		taken[night] = int64(q.Price(night, hotel.Cents(price)))
	}
	at := ts(store.Stamp(req.At))
	if _, err := tx.ExecContext(ctx, `INSERT INTO hold (booking_id, hotel_id, room_type_id, check_in, check_out, status,
    request_room_type_id, request_check_in, request_check_out, created_at, updated_at,
    rate_plan_id, request_rate_plan_id, party, terms)
VALUES (?, ?, ?, ?, ?, 'held', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		req.BookingID, req.HotelID, req.RoomTypeID, req.CheckIn.String(), req.CheckOut.String(),
		req.RoomTypeID, req.CheckIn.String(), req.CheckOut.String(), at, at, q.PlanID, q.PlanID, q.Party, q.Terms); err != nil {
		return hotel.Hold{}, err
	}
	if err := recordNights(ctx, tx, req.BookingID, req.HotelID, req.RoomTypeID, taken); err != nil {
		return hotel.Hold{}, err
	}
	return loadHold(ctx, tx, req.BookingID)
}

// claimNights takes one room on every night of [in, out) of the room type
// that booking does not already hold, by one conditional UPDATE (the CHECK
// constraint backs it). kept are the nights of the stay the booking keeps.
// It returns the price of each night taken, or a *store.NightsError naming
// the nights it could not take (sold out or without inventory), in which
// case the caller must roll back.
func claimNights(ctx context.Context, tx *sql.Tx, bookingID string, hotelID, rtID int64, in, out hotel.Date, kept map[hotel.Date]bool) (map[hotel.Date]int64, error) {
	rows, err := tx.QueryContext(ctx, `UPDATE inventory_night SET held = held + 1, updated_at = `+nowSQL+`
WHERE hotel_id = ? AND room_type_id = ? AND night >= ? AND night < ?
  AND held + blocked < capacity + allowance
  AND NOT EXISTS (SELECT 1 FROM hold_night hn WHERE hn.booking_id = ? AND hn.night = inventory_night.night)
RETURNING night, price_cents`, hotelID, rtID, in.String(), out.String(), bookingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	taken := map[hotel.Date]int64{}
	for rows.Next() {
		var night hotel.Date
		var price int64
		if err := rows.Scan(store.DateDest(&night), &price); err != nil {
			return nil, err
		}
		taken[night] = price
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(taken)+len(kept) == in.DaysUntil(out) {
		return taken, nil
	}
	var short []hotel.Date
	for _, d := range store.Stay(in, out) {
		if _, ok := taken[d]; !ok && !kept[d] {
			short = append(short, d)
		}
	}
	return nil, store.RefuseNights(store.ErrConflict, short)
}

// recordNights stores the nights just taken for booking with their prices.
func recordNights(ctx context.Context, tx *sql.Tx, bookingID string, hotelID, rtID int64, taken map[hotel.Date]int64) error {
	if len(taken) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO hold_night (booking_id, hotel_id, room_type_id, night, price_cents) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for night, price := range taken {
		if _, err := stmt.ExecContext(ctx, bookingID, hotelID, rtID, night.String(), price); err != nil {
			return err
		}
	}
	return nil
}

// repriceNights sets the price of every night of booking's hold that q
// quotes.
func repriceNights(ctx context.Context, tx *sql.Tx, bookingID string, q store.QuoteRow) error {
	if len(q.Prices) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE hold_night SET price_cents = ? WHERE booking_id = ? AND night = ? AND price_cents <> ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for night, price := range q.Prices {
		if _, err := stmt.ExecContext(ctx, int64(price), bookingID, night.String(), int64(price)); err != nil {
			return err
		}
	}
	return nil
}

// releaseNights returns to inventory the nights of h that match cond (an SQL
// condition on hold_night.night with its args) and deletes their hold_night
// rows. It reports how many nights it released.
func releaseNights(ctx context.Context, tx *sql.Tx, h hotel.Hold, cond string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE inventory_night SET held = held - 1, updated_at = `+nowSQL+`
WHERE hotel_id = ? AND room_type_id = ?
  AND night IN (SELECT night FROM hold_night WHERE booking_id = ? AND `+cond+`)`,
		append([]any{h.HotelID, h.RoomTypeID, h.BookingID}, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	res, err = tx.ExecContext(ctx, `DELETE FROM hold_night WHERE booking_id = ? AND `+cond, append([]any{h.BookingID}, args...)...)
	if err != nil {
		return 0, err
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if deleted != n {
		return 0, fmt.Errorf("hold %s: released %d inventory nights for %d held nights", h.BookingID, n, deleted)
	}
	return n, nil
}

// GetHold returns a hold.
func (s *Store) GetHold(ctx context.Context, bookingID string) (hotel.Hold, error) {
	h, err := loadHold(ctx, s.r, bookingID)
	return h, translate(err)
}

// loadHold reads a hold and its nights in one query (one snapshot).
func loadHold(ctx context.Context, q queryer, bookingID string) (hotel.Hold, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+store.HoldColumns+`, hn.night, hn.price_cents
FROM hold h
JOIN hotel ho ON ho.id = h.hotel_id
LEFT JOIN hold_night hn ON hn.booking_id = h.booking_id
WHERE h.booking_id = ?
ORDER BY hn.night`, bookingID)
	if err != nil {
		return hotel.Hold{}, err
	}
	defer rows.Close()
	var h hotel.Hold
	found := false
	for rows.Next() {
		var night hotel.Date
		var price sql.NullInt64
		if err := rows.Scan(append(store.HoldFields(&h), store.DateDest(&night), &price)...); err != nil {
			return hotel.Hold{}, err
		}
		found = true
		if !night.IsZero() {
			h.Nights = append(h.Nights, hotel.NightPrice{Date: night, Price: hotel.Cents(price.Int64)})
		}
	}
	h.TotalPrice = store.TotalPrice(h.Nights)
	if err := rows.Err(); err != nil {
		return hotel.Hold{}, err
	}
	if !found {
		return hotel.Hold{}, store.ErrNotFound
	}
	if h.Nights == nil {
		h.Nights = []hotel.NightPrice{}
	}
	return h, nil
}

// MoveHold releases the hold's nights outside the new stay and takes the new
// stay's nights it does not hold yet, in one transaction; on a shortage
// everything rolls back.
func (s *Store) MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (hotel.Hold, error) {
	var h hotel.Hold
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadHold(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		h = cur
		if cur.Status == hotel.HoldReleased {
			return fmt.Errorf("%w: hold %s is released", store.ErrConflict, bookingID)
		}
		rtID := m.RoomTypeID
		if rtID == 0 {
			rtID = cur.RoomTypeID
		}
		if !m.CheckIn.Before(m.CheckOut) {
			return store.ErrEmptyStay
		}
		if m.Price == nil && rtID == cur.RoomTypeID && m.CheckIn == cur.CheckIn && m.CheckOut == cur.CheckOut {
			return nil
		}
		var q store.QuoteRow
		if m.Price != nil {
			snap, err := loadARI(ctx, tx, store.HoldARIQuery(cur.HotelID, m.CheckIn, m.CheckOut, rtID))
			if err != nil {
				return err
			}
			quote, err := m.Price(cur, snap)
			if err != nil {
				return err
			}
			if q, err = store.QuoteRowOf(quote); err != nil {
				return err
			}
		}
		kept := map[hotel.Date]bool{}
		cond := `1`
		var args []any
		if rtID == cur.RoomTypeID {
			cond, args = `(night < ? OR night >= ?)`, []any{m.CheckIn.String(), m.CheckOut.String()}
			for _, n := range cur.Nights {
				if !n.Date.Before(m.CheckIn) && n.Date.Before(m.CheckOut) {
					kept[n.Date] = true
				}
			}
		}
		if _, err := releaseNights(ctx, tx, cur, cond, args...); err != nil {
			return err
		}
		taken, err := claimNights(ctx, tx, bookingID, cur.HotelID, rtID, m.CheckIn, m.CheckOut, kept)
		if err != nil {
			return err
		}
		// Without a Price the plan, party and terms stay as they are.
		if _, err := tx.ExecContext(ctx, `UPDATE hold SET room_type_id = ?, check_in = ?, check_out = ?, updated_at = ?,
    rate_plan_id = CASE WHEN ? THEN ? ELSE rate_plan_id END,
    party = CASE WHEN ? THEN ? ELSE party END,
    terms = CASE WHEN ? THEN ? ELSE terms END
WHERE booking_id = ?`,
			rtID, m.CheckIn.String(), m.CheckOut.String(), ts(store.Stamp(m.At)),
			m.Price != nil, q.PlanID, m.Price != nil, q.Party, m.Price != nil, q.Terms, bookingID); err != nil {
			return err
		}
		if err := recordNights(ctx, tx, bookingID, cur.HotelID, rtID, taken); err != nil {
			return err
		}
		if err := repriceNights(ctx, tx, bookingID, q); err != nil {
			return err
		}
		h, err = loadHold(ctx, tx, bookingID)
		return err
	})
	if err != nil {
		return hotel.Hold{}, err
	}
	return h, nil
}

// ReleaseHold returns the held nights on or after r.From (all when zero).
// Releasing what is no longer held writes nothing.
func (s *Store) ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (hotel.Hold, error) {
	var h hotel.Hold
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := loadHold(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		h = cur
		if cur.Status == hotel.HoldReleased {
			return nil
		}
		// Every stored night compares >= "", so a zero From releases all.
		released, err := releaseNights(ctx, tx, cur, `night >= ?`, r.From.String())
		if err != nil {
			return err
		}
		checkOut := cur.CheckOut
		if !r.From.IsZero() && r.From.Before(checkOut) {
			checkOut = r.From
			if checkOut.Before(cur.CheckIn) {
				checkOut = cur.CheckIn
			}
		}
		earlier := checkOut.Before(cur.CheckOut)
		status := hotel.HoldHeld
		if int(released) == len(cur.Nights) {
			status = hotel.HoldReleased
		}
		if released == 0 && !earlier && status == cur.Status {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hold SET check_out = ?, status = ?, updated_at = ? WHERE booking_id = ?`,
			checkOut.String(), status, ts(store.Stamp(r.At)), bookingID); err != nil {
			return err
		}
		h, err = loadHold(ctx, tx, bookingID)
		return err
	})
	if err != nil {
		return hotel.Hold{}, err
	}
	return h, nil
}
