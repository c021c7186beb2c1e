package sqlite

import (
	"context"
	"database/sql"
)

// unit is a unit of work (Atomically): the transaction on the writer its
// writes share, begun by the first of them. Until then the unit holds no
// connection, so fn may first call a service that writes to this database
// itself (the inventory service over HTTP, in split mode).
type unit struct {
	s   *Store
	ctx context.Context // the unit's own: a write's may end before the unit does
	tx  *sql.Tx
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
// already, fn joins it. SQLite has one writer: nothing to retry.
func (s *Store) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unitOf(ctx) != nil {
		return fn(ctx)
	}
	u := &unit{s: s, ctx: context.WithoutCancel(ctx)}
	err := fn(context.WithValue(ctx, unitKey{}, u))
	if u.tx == nil {
		return err
	}
	if err == nil && u.err == nil {
		return translate(u.tx.Commit())
	}
	_ = u.tx.Rollback()
	if err == nil {
		err = translate(u.err)
	}
	return err
}

// run runs fn, one write of the unit, in the unit's transaction, beginning
// it if this is the first write. A failure fails the unit.
func (u *unit) run(fn func(*sql.Tx) error) error {
	if u.err != nil {
		// Spoilt by an earlier write: that write's error, again (a caller
		// retrying it learns nothing new, and nothing more is written).
		return translate(u.err)
	}
	if u.tx == nil {
		tx, err := u.s.w.BeginTx(u.ctx, nil)
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
