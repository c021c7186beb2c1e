package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// nowSQL is the database's own clock in the format of the DEFAULTs of the
// updated_at columns.
const nowSQL = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

// queryer is what *sql.DB and *sql.Tx both offer: reads run on the read pool
// outside a transaction and on the writer inside one.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// now returns the current time as the store records it (UTC, microseconds).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// parseTS reads a stored timestamp: tsLayout, or the millisecond form of the
// column DEFAULTs (both are RFC 3339).
func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseNight reads a stored night.
func parseNight(s string) (hotel.Date, error) {
	d, err := hotel.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("stored night %q: %w", s, err)
	}
	return d, nil
}

// datesFrom returns n consecutive dates from first.
func datesFrom(first hotel.Date, n int) []hotel.Date {
	out := make([]hotel.Date, 0, max(n, 0))
	for i := range n {
		out = append(out, first.AddDays(i))
	}
	return out
}

// except returns the dates of all (ascending) that are not in got, keyed by
// their YYYY-MM-DD form; the result is ascending too.
func except[V any](all []hotel.Date, got map[string]V) []hotel.Date {
	var out []hotel.Date
	for _, d := range all {
		if _, ok := got[d.String()]; !ok {
			out = append(out, d)
		}
	}
	return out
}

// nightSet runs q (a SELECT, or a write with RETURNING) whose first column is
// a night and returns the set of nights it produced.
func nightSet(ctx context.Context, q queryer, query string, args ...any) (map[string]struct{}, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]struct{}{}
	for rows.Next() {
		var night string
		if err := rows.Scan(&night); err != nil {
			return nil, err
		}
		out[night] = struct{}{}
	}
	return out, rows.Err()
}

// nightsErr returns a *store.NightsError wrapping sentinel for nights, or nil
// when there are none.
func nightsErr(sentinel error, nights []hotel.Date) error {
	if len(nights) == 0 {
		return nil
	}
	return &store.NightsError{Err: sentinel, Nights: nights}
}

// isCheckViolation reports whether err is a CHECK constraint failure.
func isCheckViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK
}
