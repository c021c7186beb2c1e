package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel/internal/store"
)

// unit is a unit of work (Atomically): the transaction its writes share,
// begun by the first of them.
type unit struct {
	s   *Store
	ctx context.Context // the unit's own: a write's may end before the unit does
	tx  pgx.Tx
	err error // the first failed write: the unit cannot commit
}

type unitKey struct{}

// unitOf returns the unit of work of this store that ctx carries, if any.
func (s *Store) unitOf(ctx context.Context) *unit {
	if u, ok := ctx.Value(unitKey{}).(*unit); ok && u.s == s {
		return u
	}
	return nil
}

// Atomically runs fn as one unit of work (store.Atomic). Inside a unit
// already, fn joins it.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unitOf(ctx) != nil {
		return fn(ctx)
	}
	delay := retryBaseDelay
	for n := 1; ; n++ {
		u := &unit{s: s, ctx: ctx}
		err, again := u.end(fn(context.WithValue(ctx, unitKey{}, u)))
		if !again {
			return err
		}
		if n == maxWriteAttempts {
			return fmt.Errorf("%w: transaction still contended after %d attempts: %w", store.ErrUnavailable, n, err)
		}
		t := time.NewTimer(delay/2 + rand.N(delay/2)) //nolint:gosec // jitter needs no secrecy
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, retryMaxDelay)
	}
}

// run runs fn, one write of the unit, in the unit's transaction, beginning
// it if this is the first write. A failure fails the unit.
func (u *unit) run(fn func(pgx.Tx) error) error {
	if u.err != nil {
		// Spoilt by an earlier write: that write's error, again (a caller
		// retrying it learns nothing new, and nothing more is written).
		return translate(u.err)
	}
	if u.tx == nil {
		tx, err := u.s.pool.Begin(u.ctx)
		if err != nil {
			u.err = err
			return translate(err)
		}
		u.tx = tx
	}
	if err := fn(u.tx); err != nil {
		u.err = err
		return translate(err)
	}
	return nil
}

// end commits the unit when fn succeeded (err nil) and every write did,
// else rolls it back. again says the unit failed in a way that running it
// once more may not (a serialization failure or deadlock).
func (u *unit) end(err error) (error, bool) { //nolint:revive,staticcheck // the error and whether to retry
	if u.tx == nil {
		return err, false
	}
	if err == nil && u.err == nil {
		cerr := u.tx.Commit(context.WithoutCancel(u.ctx))
		return translate(cerr), cerr != nil && retryable(cerr)
	}
	_ = u.tx.Rollback(context.WithoutCancel(u.ctx))
	if u.err != nil && retryable(u.err) {
		return translate(u.err), true
	}
	if err == nil {
		err = translate(u.err)
	}
	return err, false
}
