package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// migrate applies (up) or shows (status) the database migrations.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := config.Load("migrate", args, getenv, stderr, dbFlags...)
	if err != nil {
		return err
	}
	action := "up"
	if len(rest) > 0 {
		action = rest[0]
	}
	if len(rest) > 1 || (action != "up" && action != "status") {
		return usageError{"usage: hotel migrate [up|status] [flags]"}
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if action == "up" {
		n, err := st.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		fmt.Fprintf(stdout, "applied %d migration(s) to the %s database\n", n, st.Driver())
	}
	states, err := st.Migrations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
	for _, s := range states {
		applied := "pending"
		if s.Applied {
			applied = s.AppliedAt.UTC().Format(time.RFC3339)
		}
		if !s.Known {
			applied += " (unknown to this binary)"
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", s.Version, s.Name, applied)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := st.CheckSchema(ctx); err != nil {
		if action == "status" {
			// status reports; it fails only for a schema this binary cannot run on.
			fmt.Fprintln(stdout, "schema:", err)
			return nil
		}
		return errors.Unwrap(err)
	}
	fmt.Fprintln(stdout, "schema: current")
	return nil
}
