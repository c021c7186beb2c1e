package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The event outbox (store.Events; migration 0015 says why events are
// published after they commit, and why that keeps the feed in order).

// eventLockID is the advisory lock key of the publisher ("hotelevt").
const eventLockID = 0x686f74656c657674

// maxPublish bounds one publishing statement.
const maxPublish = 10000

// publishSQL numbers the committed unpublished events it sees, in id
// order: positions after the last one given, each subject's sequence
// after its last.
const publishSQL = `WITH todo AS (
    SELECT id, subject, row_number() OVER (ORDER BY id) AS n,
           row_number() OVER (PARTITION BY subject ORDER BY id) AS sn
    FROM (SELECT id, subject FROM event WHERE pos IS NULL ORDER BY id LIMIT $1) u),
base AS (SELECT coalesce(max(pos), 0) AS pos FROM event),
subj AS (
    SELECT t.subject, coalesce((SELECT max(e.subject_seq) FROM event e WHERE e.subject = t.subject), 0) AS seq
    FROM (SELECT DISTINCT subject FROM todo) t)
UPDATE event e SET pos = base.pos + todo.n, subject_seq = subj.seq + todo.sn
FROM todo, base, subj
WHERE e.id = todo.id AND subj.subject = todo.subject`

// PublishEvents publishes under a transaction-scoped advisory lock; a
// caller that does not get it at once returns 0: another is publishing.
func (s *Store) PublishEvents(ctx context.Context) (int, error) {
	published := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var got bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(eventLockID)).Scan(&got); err != nil || !got {
			return err
		}
		tag, err := tx.Exec(ctx, publishSQL, maxPublish)
		published = int(tag.RowsAffected())
		return err
	})
	return published, err
}

// listEventsSQL selects published events after $1, of the types $2 (empty:
// all), of hotel $3 (0: all), at most $4.
const listEventsSQL = `SELECT ` + store.EventColumns + ` FROM event
WHERE pos > $1 AND (cardinality($2::text[]) = 0 OR type = ANY($2)) AND ($3 = 0 OR hotel_id = $3)
ORDER BY pos LIMIT $4`

// ListEvents reads one page of the feed.
func (s *Store) ListEvents(ctx context.Context, f hotel.EventFilter) ([]hotel.Event, error) {
	types := f.Types
	if types == nil {
		types = []string{}
	}
	var out []hotel.Event
	err := s.read(ctx, func(q dbtx) (err error) {
		out, err = readEvents(ctx, q, listEventsSQL, f.After, types, f.HotelID, f.Limit)
		return err
	})
	return out, translate(err)
}

// readEvents runs a query of store.EventColumns and returns its events.
func readEvents(ctx context.Context, q dbtx, sql string, args ...any) ([]hotel.Event, error) {
	var out []hotel.Event
	var r store.EventRow
	err := each(ctx, q, store.EventDest(&r), func() error {
		e, err := r.Event()
		out = append(out, e)
		return err
	}, sql, args...)
	return out, err
}

// LastEventPosition reads the feed's end.
func (s *Store) LastEventPosition(ctx context.Context) (int64, error) {
	var pos int64
	err := s.read(ctx, func(q dbtx) error {
		return q.QueryRow(ctx, `SELECT coalesce(max(pos), 0) FROM event`).Scan(&pos)
	})
	return pos, translate(err)
}

// PruneEvents deletes old published events, oldest first, and moves the
// horizon EventGaps compares from.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM event WHERE id IN (
    SELECT id FROM event WHERE occurred_at < $1 AND pos IS NOT NULL ORDER BY occurred_at LIMIT $2)`, before, limit)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO event_horizon (id, pruned_before) VALUES (1, $1)
ON CONFLICT (id) DO UPDATE SET pruned_before = greatest(event_horizon.pruned_before, excluded.pruned_before)`, before)
		return err
	})
	return n, err
}

// EventGaps compares the events with the booking rows made since the
// outbox began and since the events were pruned.
func (s *Store) EventGaps(ctx context.Context, limit int) ([]store.EventGap, error) {
	var since time.Time
	err := s.pool.QueryRow(ctx, `SELECT greatest((SELECT applied_at FROM schema_migrations WHERE version = $1),
    (SELECT pruned_before FROM event_horizon))`, store.OutboxMigration).Scan(&since)
	if err != nil {
		return nil, translate(err)
	}
	var out []store.EventGap
	var g store.EventGap
	err = each(ctx, s.pool, []any{&g.Subject, &g.Version, &g.Events}, func() error {
		out = append(out, g)
		return nil
	}, store.EventGapsSQL(func(i int) string { return "$" + strconv.Itoa(i) }), since, limit)
	if err != nil || len(out) >= limit {
		return out, translate(err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT greatest((SELECT applied_at FROM schema_migrations WHERE version = $1),
    (SELECT pruned_before FROM event_horizon))`, store.ARIEventsMigration).Scan(&since); err != nil {
		return out, translate(err)
	}
	g = store.EventGap{}
	err = each(ctx, s.pool, []any{&g.Subject, &g.ARI}, func() error {
		out = append(out, g)
		return nil
	}, store.ARIEventGapsSQL(func(i int) string { return "$" + strconv.Itoa(i) },
		func(f string) string { return "(e.payload::jsonb ->> '" + f + "')" },
		func(x string) string { return "CAST(" + x + " AS date)" }), since, limit-len(out))
	return out, translate(err)
}

// consumerArg is the placeholder i of the consumer statements, typed.
func consumerArg(i int) string {
	return [...]string{"", "$1::text", "$2::bigint", "$3::timestamptz"}[i]
}

// SetConsumer stores a consumer's position.
func (s *Store) SetConsumer(ctx context.Context, name string, pos int64, at time.Time) (hotel.EventConsumer, error) {
	var c hotel.EventConsumer
	err := s.pool.QueryRow(ctx, store.SetConsumerSQL(consumerArg), name, pos, at).Scan(store.ConsumerDest(&c)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("%w: position %d is beyond the feed", store.ErrConflict, pos)
	}
	return c, translate(err)
}

// GetConsumer reads a consumer.
func (s *Store) GetConsumer(ctx context.Context, name string) (hotel.EventConsumer, error) {
	var c hotel.EventConsumer
	err := s.pool.QueryRow(ctx, `SELECT `+store.ConsumerColumns+` FROM event_consumer WHERE name = $1`, name).Scan(store.ConsumerDest(&c)...)
	return c, translate(err)
}

// AckEvents records acknowledgements of booking events.
func (s *Store) AckEvents(ctx context.Context, name string, positions []int64, at time.Time) (int, error) {
	if _, err := s.GetConsumer(ctx, name); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO event_ack (consumer, pos, acked_at)
SELECT $1, e.pos, $3 FROM event e WHERE e.pos = ANY($2::bigint[]) AND e.type LIKE 'booking.%'
ON CONFLICT DO NOTHING`, name, positions, at)
	return int(tag.RowsAffected()), translate(err)
}

// UnackedEvents reads a consumer's unacknowledged view.
func (s *Store) UnackedEvents(ctx context.Context, name string, limit int) ([]hotel.Event, error) {
	evs, err := readEvents(ctx, s.pool, store.UnackedSQL(func(i int) string { return "$" + strconv.Itoa(i) }), name, limit)
	return evs, translate(err)
}
