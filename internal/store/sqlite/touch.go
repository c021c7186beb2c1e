package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/hotelplatform/hotel/internal/store"
)

// The feed of ARI changes (store.ARIFeed). The triggers of migration 0012
// write a touch per changed row in the transaction of the change. SQLite
// has one writer at a time, which holds the write lock from its first
// write to its commit: touch ids (AUTOINCREMENT) are drawn in commit
// order, and a reader that has read up to id n finds every touch
// committed since above n. Seen is not used.

// emptyFeed is the position of a feed without a touch: before every id
// (ids start at 1), and not 0, which is the zero cursor's.
const emptyFeed = -1

// ARITouches returns the touches with an id above c.Pos, by id; from the
// zero cursor, none and the newest touch's id.
func (s *Store) ARITouches(ctx context.Context, c store.TouchCursor) ([]store.ARITouch, store.TouchCursor, error) {
	if c.IsZero() {
		var last int64
		err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), ?) FROM ari_touch`, emptyFeed).Scan(&last)
		if err != nil {
			return nil, c, translate(err)
		}
		return nil, store.TouchCursor{Pos: last}, nil
	}
	var out []store.ARITouch
	next := store.TouchCursor{Pos: c.Pos}
	var t store.ARITouch
	err := each(ctx, s.r, store.ARITouchDest(&t), func() error {
		out = append(out, t)
		next.Pos = t.ID
		return nil
	}, `SELECT id, kind, hotel_id, room_type_id, first_night, last_night FROM ari_touch WHERE id > ? ORDER BY id`, c.Pos)
	if err != nil {
		return nil, c, translate(err)
	}
	return out, next, nil
}

// LoadARIRanges reads the rows of the ranges of rs in one read
// transaction: one statement per kind of row, each joining the ranges (a
// JSON array, through json_each) to its table by index.
func (s *Store) LoadARIRanges(ctx context.Context, rs []store.ARITouch) (store.ARIRows, error) {
	var out store.ARIRows
	nights, rates, rules := store.TouchRanges(rs)
	if len(nights)+len(rates)+len(rules) == 0 {
		return out, nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // BEGIN DEFERRED: one snapshot, no lock
	if err != nil {
		return out, translate(err)
	}
	defer func() { _ = tx.Rollback() }()
	// r.value is [hotel id, room type id, first night, last night].
	const ranges = ` FROM json_each(?) AS r JOIN `
	const span = ` AND night BETWEEN r.value ->> 2 AND r.value ->> 3`
	var nr store.NightRow
	var rr store.RateRow
	var ur store.RuleRow
	for _, q := range []struct {
		ts   []store.ARITouch
		dest []any
		fn   func() error
		sql  string
	}{{
		nights, store.NightRowDest(&nr), func() error { out.Nights = append(out.Nights, nr); return nil },
		`SELECT ` + store.NightRowColumns + ranges + `inventory_night
ON hotel_id = r.value ->> 0 AND room_type_id = r.value ->> 1` + span,
	}, {
		rates, store.RateRowDest(&rr), func() error { out.Rates = append(out.Rates, rr); return nil },
		`SELECT ` + store.RateRowColumns + ranges + `rate_night
ON hotel_id = r.value ->> 0` + span,
	}, {
		rules, store.RuleRowDest(&ur), func() error { out.Rules = append(out.Rules, ur); return nil },
		`SELECT ` + store.RuleRowColumns + ranges + `restriction_night
ON hotel_id = r.value ->> 0 AND (r.value ->> 1 = 0 OR room_type_id = r.value ->> 1)` + span,
	}} {
		if len(q.ts) == 0 {
			continue
		}
		if err := each(ctx, tx, q.dest, q.fn, q.sql, rangesJSON(q.ts)); err != nil {
			return store.ARIRows{}, translate(err)
		}
	}
	return out, nil
}

// rangesJSON is a JSON array of the ranges of ts, each [hotel id, room
// type id, first night, last night], for json_each.
func rangesJSON(ts []store.ARITouch) string {
	rows := make([][4]any, len(ts))
	for i, t := range ts {
		rows[i] = [4]any{t.HotelID, t.RoomTypeID, t.From.String(), t.To.String()}
	}
	b, _ := json.Marshal(rows) // integers and strings: cannot fail
	return string(b)
}

// PruneARITouches deletes the touches up to c.Pos, which no call from c on
// reads.
func (s *Store) PruneARITouches(ctx context.Context, c store.TouchCursor) (int64, error) {
	if c.IsZero() {
		return 0, nil
	}
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ari_touch WHERE id <= ?`, c.Pos)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
