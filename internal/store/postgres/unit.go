package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel/internal/store"
)

// unit is a unit of work of this driver (Atomically).
type unit = store.Unit[pgx.Tx]

// unitOf returns the unit of work of this store that ctx carries, if any.
func (s *Store) unitOf(ctx context.Context) *unit { return store.UnitOf[pgx.Tx](ctx, s) }

// inUnit runs fn as a write of unit u, in its transaction.
func (s *Store) inUnit(u *unit, fn func(pgx.Tx) error) error {
	return u.Run(func(ctx context.Context) (pgx.Tx, error) { return s.pool.Begin(ctx) }, fn, translate)
}

// Atomically runs fn as one unit of work (store.Atomic). Inside a unit
// already, fn joins it. The unit runs again on serialization failures and
// deadlocks, as write does.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unitOf(ctx) != nil {
		return fn(ctx)
	}
	return repeat(ctx, func() (bool, error) {
		uctx, u := store.NewUnit[pgx.Tx](ctx, s)
		err := fn(uctx)
		tx, begun, spoilt := u.End()
		if !begun {
			return false, err
		}
		if err == nil && spoilt == nil {
			cerr := tx.Commit(u.Context())
			return cerr != nil && retryable(cerr), translate(cerr)
		}
		_ = tx.Rollback(u.Context())
		if spoilt != nil && retryable(spoilt) {
			return true, spoilt
		}
		if err == nil {
			err = translate(spoilt)
		}
		return false, err
	})
}
