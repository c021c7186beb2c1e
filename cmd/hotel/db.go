package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// dbFlags are the flags of every command that opens the database.
var dbFlags = []string{"database-url", "data-dir", "log-level", "log-format", "db-connect-timeout"}

// openStore opens the configured store, retrying an unreachable PostgreSQL
// for cfg.DBConnectTimeout.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	return openTracedStore(ctx, cfg, log, nil)
}

// openTracedStore is openStore with a span for every PostgreSQL statement
// made within a traced request (SQLite statements are not traced).
func openTracedStore(ctx context.Context, cfg *config.Config, log *slog.Logger, tracing *telemetry.Tracing) (store.Store, error) {
	switch cfg.Driver {
	case "postgres":
		o := postgres.Options{
			ConnectTimeout: cfg.DBConnectTimeout,
			Logf:           func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
		}
		if tracing != nil {
			o.Tracer = telemetry.PgxTracer{Tracer: tracing.Tracer("store")}
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
