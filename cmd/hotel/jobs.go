package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/scheduler"
	"github.com/hotelplatform/hotel/internal/server"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

const jobsUsage = "usage: hotel jobs run NAME   (complete-checkouts, recover-pending, reconcile, erase-guest-names, mark-no-shows)   [database flags]"

// jobFlags are the settings the jobs read, besides the database's.
var jobFlags = append([]string{"checkout-run-at", "max-stay-nights", "inventory-timeout", "recover-after", "guest-retention-days"}, dbFlags...)

// jobs runs one scheduler job now, under its lease, as a replica would.
func jobs(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "run" {
		return usageError{jobsUsage}
	}
	name := args[1]
	cfg, rest, err := config.Load("jobs run", args[2:], getenv, stderr, jobFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{jobsUsage}
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel).With("service", "hotel", "target", "jobs")
	return withServices(ctx, cfg, log, func(st store.Store, b *booking.Service) error {
		sched, err := scheduler.New(st, scheduler.Jobs(st, b, server.SchedulerConfig(cfg), time.Now, log, nil), time.Now, log, nil)
		if err != nil {
			return err
		}
		res, err := sched.Run(ctx, name)
		switch {
		case errors.Is(err, scheduler.ErrUnknownJob):
			return usageError{err.Error()}
		case err != nil:
			return err
		}
		fmt.Fprintf(stdout, "%s: %d item(s)", name, res.Items)
		for _, k := range slices.Sorted(maps.Keys(res.Counts)) {
			fmt.Fprintf(stdout, ", %s %d", k, res.Counts[k])
		}
		fmt.Fprintln(stdout)
		return nil
	})
}

const checkUsage = "usage: hotel check [--repair] [--lost-from OLD_PRIMARY_URL [--since RFC3339]]   [database flags]"

// errDrift makes `hotel check` exit non-zero when inventory and bookings differ.
var errDrift = errors.New("inventory differs from bookings")

// check proves invariant 2 — on every night, rooms held equal the bookings
// that hold it — and with --repair restores it from the bookings.
func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repair := fs.Bool("repair", false, "fix drift from the bookings, which are the source of truth")
	lostFrom := fs.String("lost-from", "", "after a failover: the old primary (its data directory started on its own, read-only) whose booking changes to look for here")
	sinceFlag := fs.String("since", "", "with --lost-from: only booking rows the old primary changed at or after this time (RFC 3339)")
	own, dbArgs := splitArgs(fs, args)
	if err := fs.Parse(own); err != nil {
		return err
	}
	cfg, rest, err := config.Load("check", dbArgs, getenv, stderr, jobFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || fs.NArg() > 0 {
		return usageError{checkUsage}
	}
	var since time.Time
	if *sinceFlag != "" {
		if since, err = time.Parse(time.RFC3339, *sinceFlag); err != nil {
			return fmt.Errorf("--since=%q must be a time as 2026-12-06T08:00:00Z (RFC 3339)", *sinceFlag)
		}
	}
	if *lostFrom != "" && cfg.Driver != "postgres" {
		return errors.New("--lost-from needs a PostgreSQL DATABASE_URL: failover is PostgreSQL's")
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel).With("service", "hotel", "target", "check")
	return withServices(ctx, cfg, log, func(st store.Store, b *booking.Service) error {
		var lostErr error
		if *lostFrom != "" {
			if lostErr = checkLost(ctx, cfg, log, st, *lostFrom, since, stdout); lostErr != nil && !errors.Is(lostErr, errLost) {
				return lostErr
			}
		}
		if err := checkEvents(ctx, st, stdout); err != nil {
			return err
		}
		if lostErr != nil {
			defer func() {
				fmt.Fprintln(stdout, "lost booking changes: re-check them with the guests and the channels (see README, Failover)")
			}()
		}
		rep, err := scheduler.Reconcile(ctx, st, b, *repair)
		if err != nil {
			return err
		}
		if len(rep.Drift) == 0 {
			fmt.Fprintln(stdout, "ok: on every night, held rooms equal the bookings that hold them")
			return lostErr
		}
		fmt.Fprintf(stdout, "drift on %d night(s):\n", len(rep.Drift))
		for _, d := range rep.Drift {
			fmt.Fprintf(stdout, "  hotel %d room type %d %s: held %d, hold nights %d, bookings %d\n",
				d.HotelID, d.RoomTypeID, d.Date, d.Held, d.HoldNights, d.Bookings)
		}
		if !*repair {
			fmt.Fprintln(stdout, "run `hotel check --repair` to fix it from the bookings")
			return errDrift
		}
		fmt.Fprintf(stdout, "repaired: %d booking hold(s) resynced, %d held count(s) reset\n", rep.Resynced, rep.Recounted)
		if len(rep.Remaining) > 0 {
			fmt.Fprintf(stdout, "still drifting on %d night(s) (bookings that overbook, or holds that cannot be taken back):\n", len(rep.Remaining))
			for _, d := range rep.Remaining {
				fmt.Fprintf(stdout, "  hotel %d room type %d %s: held %d, hold nights %d, bookings %d\n",
					d.HotelID, d.RoomTypeID, d.Date, d.Held, d.HoldNights, d.Bookings)
			}
			return errDrift
		}
		fmt.Fprintln(stdout, "ok: no drift remains")
		return nil
	})
}

// errLost makes `hotel check --lost-from` exit non-zero when the old
// primary has booking changes this database lacks.
var errLost = errors.New("booking changes of the old primary are missing")

// checkLost compares the booking rows of the old primary at oldURL (opened
// read-only) changed since since with this database's, and lists each
// one missing here or at a lower version: what an asynchronous failover
// lost, to re-check.
func checkLost(ctx context.Context, cfg *config.Config, log *slog.Logger, st store.Store, oldURL string, since time.Time, stdout io.Writer) error {
	here, ok := st.(*postgres.Store)
	if !ok {
		return errors.New("--lost-from needs a PostgreSQL DATABASE_URL")
	}
	old, err := postgres.Open(ctx, oldURL, postgres.Options{ConnectTimeout: cfg.DBConnectTimeout, ReadOnly: true,
		Logf: func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) }})
	if err != nil {
		return fmt.Errorf("--lost-from: %w", err)
	}
	defer func() { _ = old.Close() }()
	oldID, err1 := old.DatabaseID(ctx)
	hereID, err2 := here.DatabaseID(ctx)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("--lost-from: database identity: %w", err)
	}
	if oldID != hereID {
		return fmt.Errorf("--lost-from names another database (identity %s, this one %s): not the old primary of this one", oldID, hereID)
	}
	rows, err := old.BookingVersions(ctx, since)
	if err != nil {
		return fmt.Errorf("--lost-from: read the old primary's bookings: %w", err)
	}
	lost, err := here.LostBookings(ctx, rows)
	if err != nil {
		return err
	}
	if len(lost) == 0 {
		fmt.Fprintf(stdout, "ok: every booking change of the old primary (%d rows) is here\n", len(rows))
		return nil
	}
	fmt.Fprintf(stdout, "lost: %d booking change(s) of the old primary are not here:\n", len(lost))
	for _, l := range lost {
		here := "missing"
		if l.Here != nil {
			here = fmt.Sprintf("version %d (%s)", l.Here.Version, l.Here.Status)
		}
		fmt.Fprintf(stdout, "  booking %s version %d (%s, %s): here %s\n", l.Old.ID, l.Old.Version, l.Old.Status,
			l.Old.Updated.UTC().Format(time.RFC3339Nano), here)
	}
	return errLost
}

// errEventGaps makes `hotel check` exit non-zero when a change has no
// event, or an event no change.
var errEventGaps = errors.New("the event feed differs from the changes")

// checkEvents proves the outbox's invariant: every committed change of a
// booking row has exactly one event, every ARI and catalogue change its
// event, and no event is without its change (store.Events.EventGaps).
func checkEvents(ctx context.Context, st store.Store, stdout io.Writer) error {
	gaps, err := st.EventGaps(ctx, 100)
	if err != nil {
		return fmt.Errorf("compare events with bookings: %w", err)
	}
	if len(gaps) == 0 {
		fmt.Fprintln(stdout, "ok: every committed booking change has its one event, every ARI and catalogue change its event")
		return nil
	}
	fmt.Fprintf(stdout, "events differ from changes for %d subject(s) (at most 100 shown):\n", len(gaps))
	for _, g := range gaps {
		if g.ARI != "" {
			fmt.Fprintf(stdout, "  %s: %s\n", g.Subject, g.ARI)
			continue
		}
		fmt.Fprintf(stdout, "  %s: version %d, %d event(s)\n", g.Subject, g.Version, g.Events)
	}
	return errEventGaps
}

// withServices opens the store (whose schema must be current) and runs fn
// with the booking service over the inventory of the same database.
func withServices(ctx context.Context, cfg *config.Config, log *slog.Logger, fn func(store.Store, *booking.Service) error) error {
	st, err := openExisting(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	b := booking.New(st, inventory.NewService(st, time.Now), booking.Config{
		MaxStayNights: cfg.MaxStayNights, CallTimeout: cfg.InventoryTimeout, RecoverAfter: cfg.RecoverAfter,
	}, time.Now, log)
	return fn(st, b)
}
