// Package sqlite is the embedded store driver: pure Go (modernc.org/sqlite, no
// cgo), WAL journal, foreign keys on, a busy timeout, one writer connection and
// a pool of read-only connections, so concurrent requests neither corrupt nor
// fail with "database is locked".
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQLite implementation of store.Store.
type Store struct {
	w              *sql.DB // exactly one connection: SQLite has one writer at a time
	r              *sql.DB // read-only connections, concurrent under WAL
	path           string
	migrations     []store.Migration
	store.SQLUsers // staff users and sessions: statements shared with PostgreSQL
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string) (*Store, error) {
	ms, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory %s: %w", dir, err)
		}
	}
	pragmas := []string{
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"synchronous(NORMAL)",
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate") // take the write lock at BEGIN: no deadlocking lock upgrades
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open(driverName, dsn())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open(driverName, dsn("query_only(1)"))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{w: w, r: r, path: path, migrations: ms}
	s.SQLUsers = s.users()
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return s, nil
}

// ErrNoDatabase is the error of OpenReadOnly when there is no database file.
var ErrNoDatabase = errors.New("no SQLite database")

// OpenReadOnly opens the existing database file at path for reading only:
// it creates no file and no directory (a missing file is ErrNoDatabase),
// changes no setting of the file and cannot write (for a check of a
// database that may not be this binary's).
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	ms, err := store.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	switch fi, err := os.Stat(path); {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
	case err != nil:
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("%w at %s: it is a directory", ErrNoDatabase, path)
	}
	q := url.Values{}
	q.Set("mode", "ro") // SQLite's own: never create the file, never write it
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	dsn := "file:" + path + "?" + q.Encode()
	open := func(conns int) (*sql.DB, error) {
		d, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		d.SetMaxOpenConns(conns)
		d.SetMaxIdleConns(conns)
		return d, nil
	}
	w, err := open(1) // never written through: a read-only store has no writer
	if err != nil {
		return nil, err
	}
	r, err := open(max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	s := &Store{w: w, r: r, path: path, migrations: ms}
	s.SQLUsers = s.users()
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return s, nil
}

// Driver returns "sqlite".
func (s *Store) Driver() string { return "sqlite" }

// Ping checks both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return translate(err)
	}
	return translate(s.r.PingContext(ctx))
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// translate maps SQLite errors onto the store sentinels.
func translate(err error) error { return errs.Translate(err) }

// errs translates and counts the errors of the driver (one store per process).
var errs = store.Translator{Classify: classify}

// classify says what a database/sql or SQLite error means to the store.
func classify(err error) store.ErrorClass {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ClassNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
			sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return store.ClassConflict
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY:
			return store.ClassUnavailable
		}
	}
	return store.ClassOther
}

// PoolStats returns the connections of both pools and the database errors so far.
func (s *Store) PoolStats() store.PoolStats {
	w, r := s.w.Stats(), s.r.Stats()
	return store.PoolStats{Acquired: w.InUse + r.InUse, Idle: w.Idle + r.Idle, Total: w.OpenConnections + r.OpenConnections, Errors: errs.Errors()}
}

const schemaMigrationsDDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT`

// Migrate applies pending migrations, each in its own immediate transaction,
// so concurrent processes serialise on SQLite's write lock.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	if _, err := s.w.ExecContext(ctx, schemaMigrationsDDL); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", translate(err))
	}
	applied := 0
	for _, m := range s.migrations {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
				return err
			}
			applied++
			return nil
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[int]store.MigrationState, error) {
	var exists int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists); err != nil {
		return nil, translate(err)
	}
	out := map[int]store.MigrationState{}
	if exists == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var st store.MigrationState
		var at string
		if err := rows.Scan(&st.Version, &st.Name, &at); err != nil {
			return nil, err
		}
		st.Applied = true
		st.AppliedAt, _ = time.Parse(time.RFC3339Nano, at)
		out[st.Version] = st
	}
	return out, rows.Err()
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
	id, err := queries.DatabaseID(ctx, s.r)
	return id, translate(err)
}

// inTx runs fn in one transaction on the writer (in the unit of work ctx
// carries, if any: see Atomically).
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if u := s.unitOf(ctx); u != nil {
		return u.Run(func(ctx context.Context) (*sql.Tx, error) { return s.w.BeginTx(ctx, nil) }, fn,
			func(tx *sql.Tx) { _ = tx.Rollback() }, translate)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// MaxIDs returns the largest hotel, room type and rate plan ids.
func (s *Store) MaxIDs(ctx context.Context) (store.IDs, error) {
	var ids store.IDs
	err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT max(id) FROM hotel), 0), coalesce((SELECT max(id) FROM room_type), 0),
       coalesce((SELECT max(id) FROM rate_plan), 0)`).Scan(&ids.Hotel, &ids.RoomType, &ids.RatePlan)
	return ids, translate(err)
}

// nightBatch is how many nights go in one multi-row INSERT (9 parameters each,
// well under SQLite's 32766-parameter limit).
const nightBatch = 500

// Load writes ds in one transaction with prepared multi-row inserts.
func (s *Store) Load(ctx context.Context, ds store.Dataset, ifEmpty bool) (bool, error) {
	loaded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if ifEmpty {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM hotel LIMIT 1)`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
		}
		// Every row of the data set is of a hotel it inserts, whose
		// catalogue touch covers it: the touch of each night, price and
		// restriction is paused until the end (migration 0012).
		if _, err := tx.ExecContext(ctx, `INSERT INTO ari_touch_pause (paused) VALUES (1)`); err != nil {
			return err
		}
		hs, err := tx.PrepareContext(ctx, `INSERT INTO hotel (id, name, location, time_zone, currency, taxes) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer hs.Close()
		for h := range ds.Hotels {
			if _, err := hs.ExecContext(ctx, h.ID, h.Name, h.Location, h.TimeZone, h.Currency, store.TaxesJSON(h.Taxes)); err != nil {
				return fmt.Errorf("insert hotel %d: %w", h.ID, err)
			}
		}
		rs, err := tx.PrepareContext(ctx, `INSERT INTO room_type (id, hotel_id, name, max_occupancy, overbooking_allowance) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer rs.Close()
		var roomTypes int64
		for rt := range ds.RoomTypes {
			if _, err := rs.ExecContext(ctx, rt.ID, rt.HotelID, rt.Name, rt.MaxOccupancy, rt.OverbookingAllowance); err != nil {
				return fmt.Errorf("insert room type %d: %w", rt.ID, err)
			}
			roomTypes++
		}
		if err := loadRatePlans(ctx, tx, ds, roomTypes); err != nil {
			return err
		}
		if err := loadNights(ctx, tx, ds); err != nil {
			return err
		}
		if err := loadRateNights(ctx, tx, ds); err != nil {
			return err
		}
		if err := loadRestrictions(ctx, tx, ds); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ari_touch_pause`); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	return loaded, err
}

func nightInsertSQL(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, held, blocked, allowance, price_cents, demand_level) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

func loadNights(ctx context.Context, tx *sql.Tx, ds store.Dataset) error {
	full, err := tx.PrepareContext(ctx, nightInsertSQL(nightBatch))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, nightBatch*9)
	var done int64
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		var err error
		if len(args) == nightBatch*9 {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, nightInsertSQL(len(args)/9), args...)
		}
		if err != nil {
			return fmt.Errorf("insert inventory nights: %w", err)
		}
		done += int64(len(args) / 9)
		args = args[:0]
		if ds.Progress != nil {
			ds.Progress(done)
		}
		return ctx.Err()
	}
	for n := range ds.Nights {
		args = append(args, n.HotelID, n.RoomTypeID, n.Date.String(), n.Capacity, n.Held, n.Blocked, n.Allowance, int64(n.Price), n.DemandLevel)
		if len(args) == nightBatch*9 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// ListInventory returns inventory rows in (hotel, date, room type) order. The
// WHERE clause holds only the filters in use, so SQLite can pick an index.
func (s *Store) ListInventory(ctx context.Context, f hotel.InventoryFilter) ([]hotel.InventoryItem, error) {
	var where []string
	var args []any
	if f.HotelID != 0 {
		where, args = append(where, "n.hotel_id = ?"), append(args, f.HotelID)
	}
	if f.Location != "" {
		where, args = append(where, "lower(h.location) = lower(?)"), append(args, f.Location)
	}
	if f.RoomType != "" {
		where, args = append(where, "lower(rt.name) = lower(?)"), append(args, f.RoomType)
	}
	if !f.StartDate.IsZero() {
		where, args = append(where, "n.night >= ?"), append(args, f.StartDate.String())
	}
	if !f.EndDate.IsZero() {
		where, args = append(where, "n.night <= ?"), append(args, f.EndDate.String())
	}
	if c := f.After; c != nil {
		where = append(where, "(n.hotel_id, n.night, n.room_type_id) > (?, ?, ?)")
		args = append(args, c.HotelID, c.Date.String(), c.RoomTypeID)
	}
	q := `SELECT ` + store.InventoryColumns + `
FROM inventory_night n
JOIN hotel h ON h.id = n.hotel_id
JOIN room_type rt ON rt.id = n.room_type_id`
	if len(where) > 0 {
		q += "\nWHERE " + strings.Join(where, " AND ")
	}
	q += "\nORDER BY n.hotel_id, n.night, n.room_type_id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := make([]hotel.InventoryItem, 0, min(f.Limit, 1024))
	for rows.Next() {
		it, err := store.ScanInventoryItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, translate(rows.Err())
}
