package sqlite

import (
	"context"
	"database/sql"

	"github.com/hotelplatform/hotel/internal/store"
)

// sharedConn is a pool as store.Conn, for the statements shared with the
// PostgreSQL driver (store.SQLUsers).
type sharedConn struct{ db *sql.DB }

func (c sharedConn) QueryRow(ctx context.Context, query string, args ...any) store.Row {
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c sharedConn) Each(ctx context.Context, dest []any, fn func() error, query string, args ...any) error {
	return each(ctx, c.db, dest, fn, query, args...)
}

func (c sharedConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// users are the staff users and their sessions (store.Users): reads on the
// readers, writes on the writer.
func (s *Store) users() store.SQLUsers {
	return store.SQLUsers{R: sharedConn{s.r}, W: sharedConn{s.w}, P: numbered, Translate: translate}
}
