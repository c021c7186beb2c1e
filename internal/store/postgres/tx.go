package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Write transactions are retried this many times in all on serialization
// failures and deadlocks, sleeping a jittered, doubling backoff between tries.
const (
	maxWriteAttempts = 8
	retryBaseDelay   = 2 * time.Millisecond
	retryMaxDelay    = 200 * time.Millisecond
)

// errRetry asks write to run the transaction again: a concurrent writer
// changed what the transaction was about to rely on.
var errRetry = errors.New("postgres: concurrent change, retry the transaction")

// SQLSTATE codes the driver tells apart.
const (
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeForeignKeyViolation  = "23503"
)

// retryable reports whether a failed transaction may simply be run again:
// a serialization failure, a deadlock, or errRetry.
func retryable(err error) bool {
	if errors.Is(err, errRetry) {
		return true
	}
	return hasCode(err, codeSerializationFailure) || hasCode(err, codeDeadlockDetected)
}

// hasCode reports whether err is a PostgreSQL error with SQLSTATE code.
func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// write runs fn in one READ COMMITTED transaction (in the unit of work ctx
// carries, if any: see Atomically), committing when fn returns
// nil. Serialization failures and deadlocks roll back and run fn again (so fn
// must set its results afresh on every call); after maxWriteAttempts the
// error wraps store.ErrUnavailable. Other errors are translated.
func (s *Store) write(ctx context.Context, fn func(dbtx) error) error {
	if u := s.unitOf(ctx); u != nil {
		return s.inUnit(u, fn)
	}
	return retry(ctx, func() error { return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(tx) }) })
}

// write1 is write for fn that runs a single statement: no BEGIN and COMMIT
// round trips, the statement is its own transaction.
func (s *Store) write1(ctx context.Context, fn func(execer) error) error {
	if u := s.unitOf(ctx); u != nil {
		return s.inUnit(u, func(tx dbtx) error { return fn(tx) })
	}
	return retry(ctx, func() error { return fn(s.pool) })
}

// execer runs a statement: a transaction or the pool.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// retry runs attempt until it succeeds, fails for good, or has failed
// retryably maxWriteAttempts times (see write).
func retry(ctx context.Context, attempt func() error) error {
	return repeat(ctx, func() (bool, error) {
		err := attempt()
		if err == nil || !retryable(err) {
			return false, translate(err)
		}
		return true, err
	})
}

// repeat runs attempt until it asks for no retry, at most maxWriteAttempts
// times, sleeping a jittered, doubling backoff between tries.
func repeat(ctx context.Context, attempt func() (again bool, err error)) error {
	delay := retryBaseDelay
	for n := 1; ; n++ {
		again, err := attempt()
		if !again {
			return err
		}
		if n == maxWriteAttempts {
			return fmt.Errorf("%w: transaction still contended after %d attempts: %w", store.ErrUnavailable, n, err)
		}
		// Sleep a uniformly random time in [delay/2, delay): concurrent
		// losers spread out instead of colliding again.
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

// dates returns ds as a non-nil slice to bind to a date[] parameter (a nil
// slice would be NULL, and `night <> ALL(NULL)` matches nothing).
func dates(ds []hotel.Date) []time.Time {
	out := make([]time.Time, len(ds))
	for i, d := range ds {
		out[i] = d.Time()
	}
	return out
}

// Bounds of "every night" for the range helpers.
var (
	firstNight = hotel.NewDate(1, 1, 1)
	lastNight  = hotel.NewDate(9999, 12, 31)
)

// updateNights locks the inventory nights of one room type in [from, to]
// (inclusive) in date order, then applies set to each of them for which cond
// holds, in one statement: the conditional update that, with the CHECK
// constraint, keeps held + blocked <= capacity + allowance. set and cond are
// SQL over the row n and parameters from $5 on (args). It returns the nights
// that exist and, among them, those that failed cond (both ascending).
func updateNights(ctx context.Context, tx dbtx, hotelID, roomTypeID int64, from, to hotel.Date,
	set, cond string, args ...any) (found, failed []hotel.Date, err error) {
	q := `WITH l AS (
    SELECT night FROM inventory_night
    WHERE hotel_id = $1 AND room_type_id = $2 AND night BETWEEN $3 AND $4
    ORDER BY night
    FOR NO KEY UPDATE),
u AS (
    UPDATE inventory_night n SET ` + set + `, updated_at = now()
    FROM l
    WHERE n.hotel_id = $1 AND n.room_type_id = $2 AND n.night BETWEEN $3 AND $4 AND n.night = l.night
      AND ` + cond + `
    RETURNING n.night)
SELECT l.night, u.night IS NULL FROM l LEFT JOIN u ON u.night = l.night ORDER BY l.night`
	rows, err := tx.Query(ctx, q, append([]any{hotelID, roomTypeID, from.Time(), to.Time()}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	var night time.Time
	var fail bool
	_, err = pgx.ForEachRow(rows, []any{&night, &fail}, func() error {
		d := hotel.DateOf(night)
		found = append(found, d)
		if fail {
			failed = append(failed, d)
		}
		return nil
	})
	return found, failed, err
}
