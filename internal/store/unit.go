package store

import "context"

// Unit is the state of one unit of work (Atomic.Atomically) of a driver
// whose transactions are T: the transaction its writes share, begun by the
// first of them, and the first write that failed, which spoils the unit
// and ends its transaction at once.
type Unit[T any] struct {
	owner any             // the store the unit belongs to
	ctx   context.Context // the unit's own: a write's may end before the unit does
	tx    T
	begun bool
	err   error
}

type unitKey struct{}

// NewUnit returns ctx carrying a new unit of work of store owner, and the unit.
func NewUnit[T any](ctx context.Context, owner any) (context.Context, *Unit[T]) {
	u := &Unit[T]{owner: owner, ctx: context.WithoutCancel(ctx)}
	return context.WithValue(ctx, unitKey{}, u), u
}

// UnitOf returns the unit of work of store owner that ctx carries, or nil.
func UnitOf[T any](ctx context.Context, owner any) *Unit[T] {
	if u, ok := ctx.Value(unitKey{}).(*Unit[T]); ok && u.owner == owner {
		return u
	}
	return nil
}

// Run runs fn, one write of the unit, in the unit's transaction, beginning
// it with begin if this is the first write. A failure spoils the unit: its
// transaction is rolled back at once by abort — nothing of it can commit,
// and what it holds (a pooled connection, SQLite's writer) is free for the
// reads that explain the failure, which would otherwise wait for it — and
// this and every later write return translate of the first failure.
func (u *Unit[T]) Run(begin func(context.Context) (T, error), fn func(T) error, abort func(T), translate func(error) error) error {
	if u.err != nil {
		return translate(u.err)
	}
	if !u.begun {
		tx, err := begin(u.ctx)
		if err != nil {
			u.err = err
			return translate(err)
		}
		u.tx, u.begun = tx, true
	}
	if err := fn(u.tx); err != nil {
		u.err = err
		abort(u.tx)
		return translate(err)
	}
	return nil
}

// End reports the unit's transaction (open false when no write began one,
// or a write spoilt it and it was rolled back) and the write that spoilt
// it (nil: it may commit).
func (u *Unit[T]) End() (tx T, open bool, spoilt error) {
	return u.tx, u.begun && u.err == nil, u.err
}

// Context is the unit's own context, for committing or rolling back.
func (u *Unit[T]) Context() context.Context { return u.ctx }
