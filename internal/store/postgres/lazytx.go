package postgres

import (
	"cmp"
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// dbtx runs the statements of a write: a transaction (pgx.Tx), or a unit
// of work's lazyTx.
type dbtx interface {
	execer
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// lazyTx is the transaction of a unit of work on one pooled connection.
// BEGIN goes out with the first statement, in one round trip: a unit costs
// the round trips of its statements and its COMMIT, no more.
type lazyTx struct {
	conn  *pgxpool.Conn
	begun bool // BEGIN was sent
}

// first sends BEGIN and the unit's first statement in one batch and
// returns the batch with BEGIN's result read.
func (t *lazyTx) first(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	var b pgx.Batch
	b.Queue("BEGIN")
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, &b)
	t.begun = true
	if _, err := br.Exec(); err != nil {
		return nil, cmp.Or(br.Close(), err)
	}
	return br, nil
}

// Exec runs a statement of the unit.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.first(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	return tag, cmp.Or(err, br.Close())
}

// Query runs a query of the unit.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.first(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, cmp.Or(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// SendBatch runs a batch of the unit (BEGIN first when not sent yet).
func (t *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if t.begun {
		return t.conn.SendBatch(ctx, b)
	}
	withBegin := &pgx.Batch{QueuedQueries: append([]*pgx.QueuedQuery{{SQL: "BEGIN"}}, b.QueuedQueries...)}
	br := t.conn.SendBatch(ctx, withBegin)
	t.begun = true
	if _, err := br.Exec(); err != nil {
		return failedBatch{BatchResults: br, err: err}
	}
	return br
}

// failedBatch is a batch whose BEGIN failed: every result is that error.
type failedBatch struct {
	pgx.BatchResults
	err error
}

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return nil, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return firstRow{err: f.err} }
func (f failedBatch) Close() error                     { return cmp.Or(f.BatchResults.Close(), f.err) }

// QueryRow runs a query of the unit for its one row.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	rows, err := t.Query(ctx, sql, args...)
	return firstRow{rows: rows, err: err}
}

// end commits (or rolls back) the unit and gives the connection back; a
// connection left inside a transaction is closed by the pool.
func (t *lazyTx) end(ctx context.Context, commit bool) error {
	defer t.conn.Release()
	if !t.begun {
		return nil
	}
	if !commit {
		_, err := t.conn.Exec(ctx, "ROLLBACK")
		return err
	}
	_, err := t.conn.Exec(ctx, "COMMIT")
	return err
}

// batchRows are the rows of a batch's last query: closing them ends the batch.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *batchRows) Close() {
	if r.br == nil {
		return
	}
	r.Rows.Close()
	r.err = r.br.Close()
	r.br = nil
}

func (r *batchRows) Err() error { return cmp.Or(r.Rows.Err(), r.err) }

// firstRow is the row of a query run as rows (pgx.Row over pgx.Rows).
type firstRow struct {
	rows pgx.Rows
	err  error
}

func (r firstRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		r.rows.Close()
		return cmp.Or(r.rows.Err(), pgx.ErrNoRows)
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
