package sqlite

import (
	"cmp"
	"context"
	"database/sql"

	"github.com/hotelplatform/hotel/internal/store"
)

// unit is a unit of work of this driver (Atomically): until its first
// write it holds no connection, so fn may first call a service that writes
// to this database itself (the inventory service over HTTP, in split mode).
type unit = store.Unit[*sql.Tx]

// unitOf returns the unit of work of this store that ctx carries, if any.
func (s *Store) unitOf(ctx context.Context) *unit { return store.UnitOf[*sql.Tx](ctx, s) }

// Atomically runs fn as one unit of work (store.Atomic). Inside a unit
// already, fn joins it. SQLite has one writer: nothing to retry.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unitOf(ctx) != nil {
		return fn(ctx)
	}
	uctx, u := store.NewUnit[*sql.Tx](ctx, s)
	err := fn(uctx)
	tx, open, spoilt := u.End()
	switch {
	case spoilt != nil: // rolled back when it failed
		return cmp.Or(err, translate(spoilt))
	case !open:
		return err
	case err != nil:
		_ = tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}
