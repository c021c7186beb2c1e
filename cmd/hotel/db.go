package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// dbFlags are the flags of every command that opens the database.
var dbFlags = []string{"database-url", "data-dir", "log-level", "log-format", "db-connect-timeout", "db-pooler"}

// openStore opens the configured store, retrying an unreachable PostgreSQL
// for cfg.DBConnectTimeout.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	return openTracedStore(ctx, cfg, log, nil)
}

// openTracedStore is openStore with a span for every PostgreSQL statement
// made within a traced request (SQLite statements are not traced) and, for
// serve (tracing not nil), the standbys of DATABASE_READ_URL: the other
// commands read and write the primary alone.
func openTracedStore(ctx context.Context, cfg *config.Config, log *slog.Logger, tracing *telemetry.Tracing) (store.Store, error) {
	switch cfg.Driver {
	case "postgres":
		o := postgres.Options{
			ConnectTimeout: cfg.DBConnectTimeout,
			Pooler:         cfg.DBPooler,
			Logf:           func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
		}
		if tracing != nil {
			o.Tracer = telemetry.PgxTracer{Tracer: tracing.Tracer("store")}
			o.ReadURLs, o.MaxReplicaLag = config.SplitReadURLs(cfg.DatabaseReadURL), cfg.MaxReplicaLag
		}
		return postgres.Open(ctx, cfg.DatabaseURL, o)
	default:
		return sqlite.Open(ctx, cfg.SQLitePath)
	}
}

// prepareSchema migrates (when allowed) and then refuses a schema this binary
// does not know.
func prepareSchema(ctx context.Context, st store.Store, migrate bool, log *slog.Logger) error {
	if migrate {
		n, err := st.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		if n > 0 {
			log.Info("applied database migrations", "count", n, "driver", st.Driver())
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		return fmt.Errorf("refusing to run: %w", err)
	}
	return nil
}

// Only migrate and serve (with HOTEL_AUTO_MIGRATE) apply migrations. Every
// other command that opens the database (keys, seed, jobs, check, the
// invariant check of loadtest) uses it as it is: a database that does not
// exist, or lacks this binary's schema, is refused with advice, and nothing
// is created in it (no SQLite file or directory, no table).

// openExisting opens the configured database, which must exist with this
// binary's schema, for a command other than migrate and serve.
func openExisting(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	if cfg.Driver != "postgres" {
		// Look before opening for writes, which would create a missing file
		// and turn an empty or foreign one into a WAL database.
		ro, err := sqlite.OpenReadOnly(ctx, cfg.SQLitePath)
		if err != nil {
			return nil, noDatabase(cfg, err)
		}
		err = requireSchema(ctx, ro, cfg)
		_ = ro.Close()
		if err != nil {
			return nil, err
		}
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := requireSchema(ctx, st, cfg); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// openReadOnly opens the configured database for reading only, for a check:
// nothing can be created or written.
func openReadOnly(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	if cfg.Driver != "postgres" {
		st, err := sqlite.OpenReadOnly(ctx, cfg.SQLitePath)
		if err != nil {
			return nil, err // no "refusing to run": the caller says what it could not do
		}
		return st, nil
	}
	st, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{
		ConnectTimeout: cfg.DBConnectTimeout,
		Pooler:         cfg.DBPooler,
		Logf:           func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
		ReadOnly:       true,
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// noDatabase explains a SQLite file that could not be opened for reading.
func noDatabase(cfg *config.Config, err error) error {
	if errors.Is(err, sqlite.ErrNoDatabase) {
		return fmt.Errorf("refusing to run: %w (%s); create it with `hotel migrate up`, or point %s at the existing database",
			err, databaseSetting(cfg), settingName(cfg))
	}
	return err
}

// requireSchema refuses a database that is not exactly at this binary's
// schema, saying which database and what to do.
func requireSchema(ctx context.Context, st store.Store, cfg *config.Config) error {
	err := st.CheckSchema(ctx)
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrSchemaBehind) {
		if states, serr := st.Migrations(ctx); serr == nil && !anyApplied(states) {
			return fmt.Errorf("refusing to run: %s has no hotel schema (no migration applied); if %s names the right database, "+
				"create the schema with `hotel migrate up` (only migrate and serve apply migrations)", describeDatabase(cfg), settingName(cfg))
		}
	}
	if errors.Is(err, store.ErrSchemaBehind) || errors.Is(err, store.ErrSchemaAhead) {
		return fmt.Errorf("refusing to run on %s: %w", describeDatabase(cfg), err)
	}
	return fmt.Errorf("cannot read the schema of %s: %w", describeDatabase(cfg), err)
}

func anyApplied(states []store.MigrationState) bool {
	for _, s := range states {
		if s.Applied {
			return true
		}
	}
	return false
}

// describeDatabase names the configured database for people, never with
// its password: `the SQLite database data/hotel.db`, `the PostgreSQL
// database "hotel" at 10.0.0.5:5432`.
func describeDatabase(cfg *config.Config) string {
	if cfg.Driver != "postgres" {
		return "the SQLite database " + cfg.SQLitePath
	}
	pc, err := pgconn.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return "the PostgreSQL database of DATABASE_URL"
	}
	where := net.JoinHostPort(pc.Host, strconv.Itoa(int(pc.Port)))
	if strings.HasPrefix(pc.Host, "/") {
		where = pc.Host
	}
	return fmt.Sprintf("the PostgreSQL database %q at %s", pc.Database, where)
}

// settingName is the setting that chose the database.
func settingName(cfg *config.Config) string {
	if cfg.Driver == "postgres" || cfg.DatabaseURL != "" {
		return "DATABASE_URL"
	}
	return "HOTEL_DATA_DIR"
}

// databaseSetting is the setting that chose the database, as NAME=value
// when the value holds no secret.
func databaseSetting(cfg *config.Config) string {
	switch {
	case cfg.Driver == "postgres":
		return "DATABASE_URL"
	case cfg.DatabaseURL != "":
		return "DATABASE_URL=" + cfg.DatabaseURL
	default:
		return "HOTEL_DATA_DIR=" + cfg.DataDir
	}
}
