// Package postgres is the production store driver, on pgx v5 with a
// connection pool. Bulk loads use COPY; migrations take a transaction-scoped
// advisory lock so replicas starting together apply each migration once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLockID is the advisory lock key serialising migrations ("hotelmig").
const migrationLockID = 0x686f74656c6d6967

// Store is the PostgreSQL implementation of store.Store.
type Store struct {
	pool           *pgxpool.Pool
	replicas       *replicaSet // nil: no DATABASE_READ_URL
	migrations     []store.Migration
	store.SQLUsers // staff users and sessions: statements shared with SQLite
}

var _ store.Store = (*Store)(nil)

// Options tune Open.
type Options struct {
	// MaxConns caps the pool (0: pgx default, max(4, CPUs)).
	MaxConns int32
	// ConnectTimeout bounds how long Open retries an unreachable server.
	ConnectTimeout time.Duration
	// Logf, if set, reports each failed connection attempt.
	Logf func(format string, args ...any)
	// Tracer, if set, receives every statement the pool runs (spans).
	Tracer pgx.QueryTracer
	// ReadOnly makes every transaction read-only (for a check of a database
	// that may not be this binary's): any write fails. It is a startup
	// parameter, which PgBouncer refuses: behind PgBouncer the check's
	// statements are reads by their code alone (see PoolerPgBouncer).
	ReadOnly bool
	// ReadURLs are the standbys' URLs (DATABASE_READ_URL, split with
	// SplitReadURLs): reads that may lag go to them (see replicas.go).
	ReadURLs []string
	// MaxReplicaLag is how far behind the primary a standby may be and
	// still be read (default 1 s).
	MaxReplicaLag time.Duration
	// ReplicaCheckEvery is how often the standbys' lag is measured
	// (default MaxReplicaLag/4, from 50 ms to 1 s).
	ReplicaCheckEvery time.Duration
	// Pooler is what the URL reaches: "" or "none" (PostgreSQL, or a pooler
	// in session mode) or PoolerPgBouncer.
	Pooler string
}

// configure applies o to the configuration of a pool of url.
func configure(cfg *pgxpool.Config, url string, o Options) error {
	switch o.Pooler {
	case "", "none":
	case PoolerPgBouncer:
		if !namesExecMode(url) {
			cfg.ConnConfig.DefaultQueryExecMode = DefaultExecModePgBouncer
		}
	default:
		return fmt.Errorf("unknown pooler %q (none or %s)", o.Pooler, PoolerPgBouncer)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	if o.Tracer != nil {
		cfg.ConnConfig.Tracer = o.Tracer
	}
	if o.ReadOnly {
		if o.Pooler != PoolerPgBouncer { // PgBouncer refuses the startup parameter
			cfg.ConnConfig.RuntimeParams[readOnlyParam] = "on"
		}
		if cfg.ConnConfig.ValidateConnect != nil {
			// target_session_attrs=read-write would refuse every server
			// once transactions are read-only: look for the primary instead.
			cfg.ConnConfig.ValidateConnect = pgconn.ValidateConnectTargetSessionAttrsPrimary
		}
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	return nil
}

// PoolerPgBouncer is PgBouncer in transaction pooling mode in front of
// the database: each transaction (each statement outside one) may run on
// another server connection. Named prepared statements do not survive
// that (PgBouncer before 1.21, or without max_prepared_statements), so
// the pool uses DefaultExecModePgBouncer unless the URL names a
// default_query_exec_mode, and sends no startup parameter PgBouncer
// refuses. Everything else the driver does is transaction-scoped already:
// advisory locks are pg_advisory_xact_lock, COPY and the temporary table
// of a load run inside one transaction (ON COMMIT DROP), and no SET,
// LISTEN or session statement_timeout is used.
const PoolerPgBouncer = "pgbouncer"

// DefaultExecModePgBouncer is the query exec mode behind PgBouncer:
// statement descriptions (parameter and result types) are cached per
// connection, and each execution sends its SQL with the unnamed statement
// (Parse, Bind, Execute, Sync), which PgBouncer keeps on one server
// connection. Same types and binary formats as the default
// cache_statement, one round trip once described.
const DefaultExecModePgBouncer = pgx.QueryExecModeCacheDescribe

// readOnlyParam is the startup parameter that makes a session read-only.
const readOnlyParam = "default_transaction_read_only"

// Open connects to the database at url (postgres:// or postgresql://, or a
// key=value DSN), retrying with backoff for up to o.ConnectTimeout while the
// server is unreachable. The error names host and port, never the password.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	ms, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL connection string (expected postgres://user:$PASSWORD@host:5432/dbname)")
	}
	if err := configure(cfg, url, o); err != nil {
		return nil, err
	}
	where := net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port)))
	if strings.HasPrefix(cfg.ConnConfig.Host, "/") {
		where = cfg.ConnConfig.Host
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w", where, err)
	}
	deadline := time.Now().Add(o.ConnectTimeout)
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err = pool.Ping(ctx)
		if err == nil {
			s := &Store{pool: pool, migrations: ms}
			s.SQLUsers = s.users()
			if len(o.ReadURLs) > 0 {
				if s.replicas, err = openReplicas(ctx, pool, o.ReadURLs, o); err != nil {
					pool.Close()
					return nil, err
				}
			}
			return s, nil
		}
		if _, ok := cfg.ConnConfig.RuntimeParams[readOnlyParam]; ok && refusedStartupParam(err, readOnlyParam) {
			// PgBouncer (HOTEL_DB_POOLER not set): it passes on no such
			// parameter. Connect without it; the check only reads.
			if o.Logf != nil {
				o.Logf("the server at %s refuses the startup parameter %s (PgBouncer? set HOTEL_DB_POOLER=pgbouncer): "+
					"reading without the server's read-only guard", where, readOnlyParam)
			}
			pool.Close()
			delete(cfg.ConnConfig.RuntimeParams, readOnlyParam)
			if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
				return nil, fmt.Errorf("PostgreSQL at %s: %w", where, err)
			}
			continue
		}
		if !isConnectError(err) || time.Now().Add(backoff).After(deadline) {
			pool.Close()
			return nil, fmt.Errorf("cannot use PostgreSQL at %s database %q (tried %d times over %s): %s",
				where, cfg.ConnConfig.Database, attempt, o.ConnectTimeout, describe(err))
		}
		if o.Logf != nil {
			o.Logf("PostgreSQL at %s not reachable yet (%s); retrying in %s", where, describe(err), backoff)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			pool.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// namesExecMode reports whether the connection string sets pgx's
// default_query_exec_mode (pgx.ParseConfig consumes it).
func namesExecMode(url string) bool {
	pc, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	_, ok := pc.RuntimeParams["default_query_exec_mode"]
	return ok
}

// refusedStartupParam reports whether err is PgBouncer refusing the
// startup parameter name ("unsupported startup parameter: NAME").
func refusedStartupParam(err error, name string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.Contains(pgErr.Message, "unsupported startup parameter") &&
		strings.Contains(pgErr.Message, name)
}

// isConnectError reports whether err means "server not there (yet)" rather
// than a configuration mistake such as a wrong password.
func isConnectError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 57P03: the database system is starting up.
		return pgErr.Code == "57P03"
	}
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || strings.Contains(err.Error(), "connect")
}

// describe gives the useful part of a connection error without credentials.
func describe(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message + " (SQLSTATE " + pgErr.Code + ")"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// Driver returns "postgres".
func (s *Store) Driver() string { return "postgres" }

// Pool exposes the pool to tests and metrics in this module.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error { return translate(s.pool.Ping(ctx)) }

// Close closes the pool.
func (s *Store) Close() error {
	if s.replicas != nil {
		s.replicas.close()
	}
	s.pool.Close()
	return nil
}

// translate maps pgx and PostgreSQL errors onto the store sentinels.
func translate(err error) error { return errs.Translate(err) }

// errs translates and counts the errors of the driver (one store per process).
var errs = store.Translator{Classify: classify}

// classify says what a pgx or PostgreSQL error means to the store.
func classify(err error) store.ErrorClass {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ClassNotFound
	}
	// A connection that could not be made is the database being away,
	// whatever the server said (it may refuse connections to this
	// database, be starting up, or have too many clients).
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return store.ClassUnavailable
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23505", pgErr.Code == "23514", pgErr.Code == "23503":
			return store.ClassConflict
		case strings.HasPrefix(pgErr.Code, "08"), strings.HasPrefix(pgErr.Code, "53"), // connection, insufficient resources
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutdown, crash, starting up
			pgErr.Code == "55000" && strings.Contains(pgErr.Message, "not currently accepting connections"):
			return store.ClassUnavailable
		}
		return store.ClassOther
	}
	if errors.Is(err, context.Canceled) {
		return store.ClassOther // the caller gave up: not the database's fault (not counted)
	}
	// The connection ended mid-conversation without a word from the server
	// (its process was killed, say, and PostgreSQL is recovering from the
	// crash): the database is away, as with a reset connection. A write's
	// outcome is unknown, as after any ErrUnavailable.
	if pgconn.SafeToRetry(err) || isConnectError(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return store.ClassUnavailable
	}
	return store.ClassOther
}

// PoolStats returns the pool's connections and the database errors so far.
func (s *Store) PoolStats() store.PoolStats {
	st := s.pool.Stat()
	return store.PoolStats{Acquired: int(st.AcquiredConns()), Idle: int(st.IdleConns()), Total: int(st.TotalConns()), Errors: errs.Errors()}
}

func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgx.BeginFunc(ctx, s.pool, fn))
}

// Migrate applies pending migrations in one transaction under an advisory lock.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	applied := 0
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockID)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		done := map[int]bool{}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		for _, v := range vs {
			done[v] = true
		}
		for _, m := range s.migrations {
			if done[m.Version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return applied, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[int]store.MigrationState, error) {
	out := map[int]store.MigrationState{}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, translate(err)
	}
	if !exists {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var st store.MigrationState
		if err := rows.Scan(&st.Version, &st.Name, &st.AppliedAt); err != nil {
			return nil, err
		}
		st.Applied = true
		out[st.Version] = st
	}
	return out, translate(rows.Err())
}

// Migrations reports every known or applied migration.
func (s *Store) Migrations(ctx context.Context) ([]store.MigrationState, error) {
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	return store.MergeMigrationStates(s.migrations, applied), nil
}

// CheckSchema compares the database with this binary's migrations.
func (s *Store) CheckSchema(ctx context.Context) error {
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	return store.SchemaCheck(s.migrations, applied)
}

// DatabaseID returns the random id drawn when the schema was created.
func (s *Store) DatabaseID(ctx context.Context) (string, error) {
	id, err := queries.DatabaseID(ctx, s.pool)
	return id, translate(err)
}

// MaxIDs returns the largest hotel, room type and rate plan ids.
func (s *Store) MaxIDs(ctx context.Context) (store.IDs, error) {
	var ids store.IDs
	err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT max(id) FROM hotel), 0), coalesce((SELECT max(id) FROM room_type), 0),
       coalesce((SELECT max(id) FROM rate_plan), 0)`).Scan(&ids.Hotel, &ids.RoomType, &ids.RatePlan)
	return ids, translate(err)
}

// progressEvery is how many COPY rows pass between progress reports.
const progressEvery = 50_000

// Load writes ds with COPY in one transaction. With ifEmpty it first takes a
// lock that makes concurrent seeders queue, then checks for hotels.
func (s *Store) Load(ctx context.Context, ds store.Dataset, ifEmpty bool) (bool, error) {
	loaded := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if ifEmpty {
			// Only seeding takes this lock; it conflicts with itself, not with reads.
			if _, err := tx.Exec(ctx, `LOCK TABLE hotel IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
			var any bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM hotel)`).Scan(&any); err != nil {
				return err
			}
			if any {
				return nil
			}
		}
		next, stop := iter2(ds.Hotels)
		defer stop()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"hotel"}, []string{"id", "name", "location", "time_zone", "currency", "taxes"},
			pgx.CopyFromFunc(func() ([]any, error) {
				h, ok := next()
				if !ok {
					return nil, nil
				}
				return []any{h.ID, h.Name, h.Location, h.TimeZone, h.Currency, store.TaxesJSON(h.Taxes)}, nil
			})); err != nil {
			return fmt.Errorf("copy hotels: %w", err)
		}
		nextRT, stopRT := iter2(ds.RoomTypes)
		defer stopRT()
		roomTypes, err := tx.CopyFrom(ctx, pgx.Identifier{"room_type"}, []string{"id", "hotel_id", "name", "max_occupancy", "overbooking_allowance"},
			pgx.CopyFromFunc(func() ([]any, error) {
				rt, ok := nextRT()
				if !ok {
					return nil, nil
				}
				return []any{rt.ID, rt.HotelID, rt.Name, int32(rt.MaxOccupancy), int32(rt.OverbookingAllowance)}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy room types: %w", err)
		}
		if err := loadRatePlans(ctx, tx, ds, roomTypes); err != nil {
			return err
		}
		nextN, stopN := iter2(ds.Nights)
		defer stopN()
		var done int64
		row := make([]any, 9)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"inventory_night"},
			[]string{"hotel_id", "room_type_id", "night", "capacity", "held", "blocked", "allowance", "price_cents", "demand_level"},
			pgx.CopyFromFunc(func() ([]any, error) {
				n, ok := nextN()
				if !ok {
					return nil, nil
				}
				done++
				if ds.Progress != nil && done%progressEvery == 0 {
					ds.Progress(done)
				}
				row[0], row[1] = n.HotelID, n.RoomTypeID
				row[2] = pgtype.Date{Time: n.Date.Time(), Valid: true}
				row[3], row[4], row[5], row[6] = int32(n.Capacity), int32(n.Held), int32(n.Blocked), int32(n.Allowance)
				row[7] = int64(n.Price)
				row[8] = n.DemandLevel
				return row, nil
			})); err != nil {
			return fmt.Errorf("copy inventory nights: %w", err)
		}
		if ds.Progress != nil {
			ds.Progress(done)
		}
		if err := loadRateNights(ctx, tx, ds); err != nil {
			return err
		}
		if err := loadRestrictions(ctx, tx, ds); err != nil {
			return err
		}
		// Explicit ids do not advance identity sequences; move them past the data.
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('hotel', 'id'), greatest((SELECT max(id) FROM hotel), 1)),
       setval(pg_get_serial_sequence('room_type', 'id'), greatest((SELECT max(id) FROM room_type), 1)),
       setval(pg_get_serial_sequence('rate_plan', 'id'), greatest((SELECT max(id) FROM rate_plan), 1))`); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return loaded, nil
}

// ListInventory returns inventory rows in (hotel, date, room type) order.
func (s *Store) ListInventory(ctx context.Context, f hotel.InventoryFilter) ([]hotel.InventoryItem, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.HotelID != 0 {
		where = append(where, "n.hotel_id = "+arg(f.HotelID))
	}
	if f.Location != "" {
		where = append(where, "lower(h.location) = lower("+arg(f.Location)+")")
	}
	if f.RoomType != "" {
		where = append(where, "lower(rt.name) = lower("+arg(f.RoomType)+")")
	}
	if !f.StartDate.IsZero() {
		where = append(where, "n.night >= "+arg(f.StartDate.Time())+"::date")
	}
	if !f.EndDate.IsZero() {
		where = append(where, "n.night <= "+arg(f.EndDate.Time())+"::date")
	}
	if c := f.After; c != nil {
		where = append(where, "(n.hotel_id, n.night, n.room_type_id) > ("+
			arg(c.HotelID)+", "+arg(c.Date.Time())+"::date, "+arg(c.RoomTypeID)+")")
	}
	q := `SELECT ` + store.InventoryColumns + `
FROM inventory_night n
JOIN hotel h ON h.id = n.hotel_id
JOIN room_type rt ON rt.id = n.room_type_id`
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	q += "\nORDER BY n.hotel_id, n.night, n.room_type_id LIMIT " + arg(f.Limit)
	var out []hotel.InventoryItem
	err := s.read(ctx, func(db dbtx) error {
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = make([]hotel.InventoryItem, 0, min(f.Limit, 1024))
		for rows.Next() {
			it, err := store.ScanInventoryItem(rows)
			if err != nil {
				return err
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	return out, translate(err)
}
