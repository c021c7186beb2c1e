package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel/internal/store"
)

// sharedConn is the pool as store.Conn, for the statements shared with the
// SQLite driver (store.SQLUsers).
type sharedConn struct{ pool *pgxpool.Pool }

func (c sharedConn) QueryRow(ctx context.Context, query string, args ...any) store.Row {
	return c.pool.QueryRow(ctx, query, args...)
}

func (c sharedConn) Each(ctx context.Context, dest []any, fn func() error, query string, args ...any) error {
	return each(ctx, c.pool, dest, fn, query, args...)
}

func (c sharedConn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.pool.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// users are the staff users and their sessions (store.Users).
func (s *Store) users() store.SQLUsers {
	return store.SQLUsers{R: sharedConn{s.pool}, W: sharedConn{s.pool}, P: placeholder, Translate: translate}
}
