package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The event outbox (store.Events). The triggers of migrations 0015 and
// 0016 write events unpublished; PublishEvents numbers them.

// maxPublish bounds one publishing transaction.
const maxPublish = 10000

// PublishEvents gives the unpublished events, in id order (commit order:
// one writer at a time), their positions and their subjects' sequence
// numbers, in one write transaction. First it merges each ari.changed
// event into the unpublished one before it of the same subject and kind
// (what) whose nights it continues or overlaps: a statement here writes a
// touch, and so an event, per changed night.
func (s *Store) PublishEvents(ctx context.Context) (int, error) {
	var pending bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM event WHERE pos IS NULL)`).Scan(&pending); err != nil || !pending {
		return 0, translate(err)
	}
	published := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		published = 0
		evs, err := unpublished(ctx, tx)
		if err != nil {
			return err
		}
		kept, merged := store.MergeARIEvents(evs)
		for _, id := range merged {
			if _, err := tx.ExecContext(ctx, `DELETE FROM event WHERE id = ?`, id); err != nil {
				return err
			}
		}
		var pos int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(pos), 0) FROM event`).Scan(&pos); err != nil {
			return err
		}
		seqs := map[string]int64{}
		for _, e := range kept {
			seq, ok := seqs[e.Subject]
			if !ok {
				if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(subject_seq), 0) FROM event WHERE subject = ?`, e.Subject).Scan(&seq); err != nil {
					return err
				}
			}
			pos, seq = pos+1, seq+1
			seqs[e.Subject] = seq
			if _, err := tx.ExecContext(ctx, `UPDATE event SET pos = ?, subject_seq = ?, payload = ? WHERE id = ?`, pos, seq, e.Payload, e.ID); err != nil {
				return err
			}
		}
		published = len(kept)
		return nil
	})
	return published, err
}

// unpublished reads the unpublished events in id order.
func unpublished(ctx context.Context, tx *sql.Tx) ([]store.RawEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, type, subject, payload FROM event WHERE pos IS NULL ORDER BY id LIMIT ?`, maxPublish)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []store.RawEvent
	for rows.Next() {
		var e store.RawEvent
		if err := rows.Scan(&e.ID, &e.Type, &e.Subject, &e.Payload); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// listEventsSQL selects published events after ?1, of the types in the
// JSON array ?2 (empty: all), of hotel ?3 (0: all), at most ?4.
const listEventsSQL = `SELECT ` + store.EventColumns + ` FROM event
WHERE pos > ?1 AND (?2 = '[]' OR type IN (SELECT value FROM json_each(?2))) AND (?3 = 0 OR hotel_id = ?3)
ORDER BY pos LIMIT ?4`

// ListEvents reads one page of the feed.
func (s *Store) ListEvents(ctx context.Context, f hotel.EventFilter) ([]hotel.Event, error) {
	types := f.Types
	if types == nil {
		types = []string{}
	}
	ts, err := json.Marshal(types)
	if err != nil {
		return nil, err
	}
	return s.readEvents(ctx, listEventsSQL, f.After, string(ts), f.HotelID, f.Limit)
}

// readEvents runs a query of store.EventColumns and returns its events.
func (s *Store) readEvents(ctx context.Context, query string, args ...any) ([]hotel.Event, error) {
	var out []hotel.Event
	var r store.EventRow
	err := each(ctx, s.r, store.EventDest(&r), func() error {
		e, err := r.Event()
		out = append(out, e)
		return err
	}, query, args...)
	return out, translate(err)
}

// LastEventPosition reads the feed's end.
func (s *Store) LastEventPosition(ctx context.Context) (int64, error) {
	var pos int64
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(pos), 0) FROM event`).Scan(&pos)
	return pos, translate(err)
}

// PruneEvents deletes old published events, oldest first, and moves the
// horizon EventGaps compares from.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM event WHERE id IN (
    SELECT id FROM event WHERE occurred_at < ? AND pos IS NOT NULL ORDER BY id LIMIT ?)`, before.UTC().Format("2006-01-02T15:04:05.000Z"), limit)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO event_horizon (id, pruned_before) VALUES (1, ?1)
ON CONFLICT (id) DO UPDATE SET pruned_before = max(pruned_before, ?1)`, before.UTC().Format(time.RFC3339Nano))
		return err
	})
	return n, err
}

// EventGaps compares the events with the booking rows made since the
// outbox began and since the events were pruned.
func (s *Store) EventGaps(ctx context.Context, limit int) ([]store.EventGap, error) {
	since, err := s.comparedSince(ctx, store.OutboxMigration)
	if err != nil {
		return nil, err
	}
	var out []store.EventGap
	var g store.EventGap
	err = each(ctx, s.r, []any{&g.Subject, &g.Version, &g.Events}, func() error {
		out = append(out, g)
		return nil
	}, store.EventGapsSQL(func(int) string { return "?" }), store.Timestamp(since), limit)
	if err != nil || len(out) >= limit {
		return out, translate(err)
	}
	if since, err = s.comparedSince(ctx, store.ARIEventsMigration); err != nil {
		return out, err
	}
	g = store.EventGap{}
	err = each(ctx, s.r, []any{&g.Subject, &g.ARI}, func() error {
		out = append(out, g)
		return nil
	}, store.ARIEventGapsSQL(func(i int) string { return "?" + strconv.Itoa(i) },
		func(f string) string { return "(e.payload ->> '$." + f + "')" },
		func(x string) string { return x }), store.Timestamp(since), limit-len(out))
	return out, translate(err)
}

// comparedSince is when migration m was applied or, if later, the time
// events were pruned up to: EventGaps compares what was written since.
func (s *Store) comparedSince(ctx context.Context, m int) (time.Time, error) {
	var applied string
	var horizon sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT applied_at FROM schema_migrations WHERE version = ?), (SELECT pruned_before FROM event_horizon)`,
		m).Scan(&applied, &horizon)
	if err != nil {
		return time.Time{}, translate(err)
	}
	since, err := time.Parse(time.RFC3339Nano, applied)
	if err != nil {
		return time.Time{}, err
	}
	if horizon.Valid {
		if t, err := time.Parse(time.RFC3339Nano, horizon.String); err == nil && t.After(since) {
			since = t
		}
	}
	return since, nil
}

// SetConsumer stores a consumer's position.
func (s *Store) SetConsumer(ctx context.Context, name string, pos int64, at time.Time) (hotel.EventConsumer, error) {
	var c hotel.EventConsumer
	err := s.w.QueryRowContext(ctx, store.SetConsumerSQL(func(i int) string { return "?" + strconv.Itoa(i) }),
		name, pos, store.Timestamp(at)).Scan(store.ConsumerDest(&c)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: position %d is beyond the feed", store.ErrConflict, pos)
	}
	return c, translate(err)
}

// GetConsumer reads a consumer.
func (s *Store) GetConsumer(ctx context.Context, name string) (hotel.EventConsumer, error) {
	var c hotel.EventConsumer
	err := s.r.QueryRowContext(ctx, `SELECT `+store.ConsumerColumns+` FROM event_consumer WHERE name = ?`, name).Scan(store.ConsumerDest(&c)...)
	return c, translate(err)
}

// AckEvents records acknowledgements of booking events.
func (s *Store) AckEvents(ctx context.Context, name string, positions []int64, at time.Time) (int, error) {
	if _, err := s.GetConsumer(ctx, name); err != nil {
		return 0, err
	}
	ps, err := json.Marshal(positions)
	if err != nil {
		return 0, err
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO event_ack (consumer, pos, acked_at)
SELECT ?1, e.pos, ?3 FROM event e WHERE e.pos IN (SELECT value FROM json_each(?2)) AND e.type LIKE 'booking.%'
ON CONFLICT DO NOTHING`, name, string(ps), store.Timestamp(at))
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return int(n), translate(err)
}

// UnackedEvents reads a consumer's unacknowledged view.
func (s *Store) UnackedEvents(ctx context.Context, name string, limit int) ([]hotel.Event, error) {
	return s.readEvents(ctx, store.UnackedSQL(func(i int) string { return "?" + strconv.Itoa(i) }), name, limit)
}
