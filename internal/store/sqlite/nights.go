package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
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

// nightList runs q (a SELECT, or a write with RETURNING) whose only column
// is a night and returns the nights it produced, ascending.
func nightList(ctx context.Context, q queryer, query string, args ...any) ([]hotel.Date, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hotel.Date
	for rows.Next() {
		var night hotel.Date
		if err := rows.Scan(store.DateDest(&night)); err != nil {
			return nil, err
		}
		out = append(out, night)
	}
	slices.SortFunc(out, func(a, b hotel.Date) int { return a.Time().Compare(b.Time()) })
	return out, rows.Err()
}

// isCheckViolation reports whether err is a CHECK constraint failure.
func isCheckViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK
}
