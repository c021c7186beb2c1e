package postgres

import (
	"context"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The feed of ARI changes (store.ARIFeed). The triggers of migration 0012
// write touches, each with the id of its transaction (txid), in the
// transaction of the change.
//
// Touch ids come from a sequence, in the order touches are written, not
// the order they commit: a transaction may write id 10 and commit after
// another's id 11 is read. So a reader cannot take "the touches after the
// last id read". It takes the touches of the transactions that may have
// committed since its last call, by transaction id:
//
//   - Every transaction with an id below the xmin of a snapshot had
//     finished (committed or rolled back) when the snapshot was taken:
//     the snapshot sees all of its touches, or it has none.
//   - So a touch the snapshot does not see yet — of a transaction running
//     then, or begun after — has a txid at or above that xmin (an id is
//     drawn at a transaction's first write, above every id drawn before).
//
// ARITouches reads, in one statement, its snapshot's xmin and the touches
// it sees with txid at or above the xmin of the call before (Pos). The
// next call reads from this xmin on, so it reads every touch committed
// after this call's snapshot; the touches it reads again — those at or
// above this xmin that this call saw — are in Seen, and it skips them.
// Touches below this xmin this call has read in full and the next one
// does not read. A transaction left open (in any database of the server:
// xmin is the server's) holds xmin back: until it ends, each call reads
// again, and Seen holds, every touch committed since it began.

// touchesSQL reads, in one snapshot, its xmin and every touch with txid at
// or above $1 (NULL: that xmin), by id: one row, without a touch, when
// there is none.
const touchesSQL = `SELECT s.xmin, coalesce(t.id, 0), coalesce(t.kind, ''), coalesce(t.hotel_id, 0),
       coalesce(t.room_type_id, 0), t.first_night, t.last_night, coalesce(t.txid, 0)
FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s
LEFT JOIN ari_touch t ON t.txid >= coalesce($1, s.xmin)
ORDER BY t.id`

// ARITouches returns the touches committed since c, and the next cursor,
// in one statement (see above).
func (s *Store) ARITouches(ctx context.Context, c store.TouchCursor) ([]store.ARITouch, store.TouchCursor, error) {
	var from *int64 // the zero cursor: from the xmin of this call
	if !c.IsZero() {
		from = &c.Pos
	}
	seen := make(map[int64]bool, len(c.Seen))
	for _, id := range c.Seen {
		seen[id] = true
	}
	var out []store.ARITouch
	var next store.TouchCursor
	var t store.ARITouch
	var xmin, txid int64
	err := s.read(ctx, func(q dbtx) error {
		out, next = nil, store.TouchCursor{}
		return each(ctx, q, append(append([]any{&xmin}, store.ARITouchDest(&t)...), &txid), func() error {
			next.Pos = xmin
			if t.ID == 0 {
				return nil // no touch
			}
			if txid >= xmin {
				next.Seen = append(next.Seen, t.ID)
			}
			if from != nil && !seen[t.ID] {
				out = append(out, t)
			}
			return nil
		}, touchesSQL, from)
	})
	if err != nil {
		return nil, c, translate(err)
	}
	return out, next, nil
}

// LoadARIRanges reads the rows of the ranges of rs: one statement per
// kind of row, each joining the ranges (arrays, unnested) to its table by
// index, in one round trip.
func (s *Store) LoadARIRanges(ctx context.Context, rs []store.ARITouch) (store.ARIRows, error) {
	var out store.ARIRows
	nights, rates, rules := store.TouchRanges(rs)
	var reads []read
	if len(nights) > 0 {
		var r store.NightRow
		reads = append(reads, read{
			dest: store.NightRowDest(&r),
			fn:   func() error { out.Nights = append(out.Nights, r); return nil },
			sql: `SELECT ` + store.NightRowColumns + `
FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[]) AS r (h, rt, lo, hi)
JOIN inventory_night ON hotel_id = r.h AND room_type_id = r.rt AND night BETWEEN r.lo AND r.hi`,
			args: rangeArgs(nights),
		})
	}
	if len(rates) > 0 {
		var r store.RateRow
		reads = append(reads, read{
			dest: store.RateRowDest(&r),
			fn:   func() error { out.Rates = append(out.Rates, r); return nil },
			sql: `SELECT ` + store.RateRowColumns + `
FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[]) AS r (h, rt, lo, hi)
JOIN rate_night ON hotel_id = r.h AND night BETWEEN r.lo AND r.hi`,
			args: rangeArgs(rates),
		})
	}
	if len(rules) > 0 {
		var r store.RuleRow
		reads = append(reads, read{
			dest: store.RuleRowDest(&r),
			fn:   func() error { out.Rules = append(out.Rules, r); return nil },
			sql: `SELECT ` + store.RuleRowColumns + `
FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[]) AS r (h, rt, lo, hi)
JOIN restriction_night ON hotel_id = r.h AND (r.rt = 0 OR room_type_id = r.rt) AND night BETWEEN r.lo AND r.hi`,
			args: rangeArgs(rules),
		})
	}
	if len(reads) == 0 {
		return out, nil
	}
	if err := s.read(ctx, func(q dbtx) error { out = store.ARIRows{}; return readAll(ctx, q, reads) }); err != nil {
		return store.ARIRows{}, translate(err)
	}
	return out, nil
}

// rangeArgs are the hotel ids, room type ids, first and last nights of ts,
// as arrays.
func rangeArgs(ts []store.ARITouch) []any {
	hotels, roomTypes := make([]int64, len(ts)), make([]int64, len(ts))
	from, to := make([]hotel.Date, len(ts)), make([]hotel.Date, len(ts))
	for i, t := range ts {
		hotels[i], roomTypes[i], from[i], to[i] = t.HotelID, t.RoomTypeID, t.From, t.To
	}
	return []any{hotels, roomTypes, dates(from), dates(to)}
}

// PruneARITouches deletes the touches of transactions below c's xmin,
// which no call from c on reads.
func (s *Store) PruneARITouches(ctx context.Context, c store.TouchCursor) (int64, error) {
	if c.IsZero() {
		return 0, nil
	}
	var n int64
	err := s.write1(ctx, func(tx execer) error {
		tag, err := tx.Exec(ctx, `DELETE FROM ari_touch WHERE txid < $1`, c.Pos)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
