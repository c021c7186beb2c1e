package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// The event outbox (store.Events). With one writer at a time, the
// triggers of migration 0015 publish each event as they write it.

// PublishEvents has nothing to do: events are published as written.
func (s *Store) PublishEvents(context.Context) (int, error) { return 0, nil }

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
	var out []hotel.Event
	var r store.EventRow
	err = each(ctx, s.r, store.EventDest(&r), func() error {
		e, err := r.Event()
		out = append(out, e)
		return err
	}, listEventsSQL, f.After, string(ts), f.HotelID, f.Limit)
	return out, translate(err)
}

// PruneEvents deletes old events, oldest first.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM event WHERE id IN (
    SELECT id FROM event WHERE occurred_at < ? ORDER BY id LIMIT ?)`, before.UTC().Format("2006-01-02T15:04:05.000Z"), limit)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}

// EventGaps compares the events with the booking rows made since the
// outbox began, or since the oldest event kept.
func (s *Store) EventGaps(ctx context.Context, limit int) ([]store.EventGap, error) {
	var applied string
	var oldest sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT applied_at FROM schema_migrations WHERE version = ?), (SELECT min(occurred_at) FROM event)`,
		store.OutboxMigration).Scan(&applied, &oldest)
	if err != nil {
		return nil, translate(err)
	}
	since, err := time.Parse(time.RFC3339Nano, applied)
	if err != nil {
		return nil, err
	}
	if oldest.Valid {
		if t, err := time.Parse(time.RFC3339Nano, oldest.String); err == nil && t.After(since) {
			since = t
		}
	}
	var out []store.EventGap
	var g store.EventGap
	err = each(ctx, s.r, []any{&g.Subject, &g.Version, &g.Events}, func() error {
		out = append(out, g)
		return nil
	}, store.EventGapsSQL(func(int) string { return "?" }), store.Timestamp(since), limit)
	return out, translate(err)
}
