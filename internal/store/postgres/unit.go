package postgres

import (
	"cmp"
	"context"

	"github.com/hotelplatform/hotel/internal/store"
)

// unit is a unit of work of this driver (Atomically).
type unit = store.Unit[*lazyTx]

// unitOf returns the unit of work of this store that ctx carries, if any.
func (s *Store) unitOf(ctx context.Context) *unit { return store.UnitOf[*lazyTx](ctx, s) }

// inUnit runs fn as a write of unit u, in its transaction: a connection
// taken at the first write, where BEGIN goes out with the first statement.
func (s *Store) inUnit(u *unit, fn func(dbtx) error) error {
	return u.Run(func(ctx context.Context) (*lazyTx, error) {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		return &lazyTx{conn: conn}, nil
	}, func(tx *lazyTx) error { return fn(tx) }, func(tx *lazyTx) { _ = tx.end(u.Context(), false) }, translate)
}

// Atomically runs fn as one unit of work (store.Atomic). Inside a unit
// already, fn joins it. The unit runs again on serialization failures and
// deadlocks, as write does.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unitOf(ctx) != nil {
		return fn(ctx)
	}
	return repeat(ctx, func() (bool, error) {
		uctx, u := store.NewUnit[*lazyTx](ctx, s)
		err := fn(uctx)
		tx, open, spoilt := u.End()
		switch {
		case spoilt != nil: // rolled back when it failed
			return retryable(spoilt), cmp.Or(err, translate(spoilt))
		case !open:
			return false, err
		case err != nil:
			_ = tx.end(u.Context(), false)
			return false, err
		}
		cerr := tx.end(u.Context(), true)
		return cerr != nil && retryable(cerr), translate(cerr)
	})
}
