package postgres

import (
	"iter"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel/internal/store"
)

// iter2 turns a push sequence into a pull function, as COPY pulls rows; a nil
// sequence yields nothing.
func iter2[T any](seq iter.Seq[T]) (func() (T, bool), func()) {
	if seq == nil {
		return func() (T, bool) { var z T; return z, false }, func() {}
	}
	return iter.Pull(seq)
}

// rowTo adapts a shared row scanner to pgx.CollectRows.
func rowTo[T any](scan func(store.Row) (T, error)) pgx.RowToFunc[T] {
	return func(row pgx.CollectableRow) (T, error) { return scan(row) }
}
