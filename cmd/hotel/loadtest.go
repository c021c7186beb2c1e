package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/scheduler"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

const loadtestUsage = `usage: hotel loadtest [--target URL] [--scenario mixed|rush|modify-storm] [--clients N | --rate R]
                     [--duration D] [--mix search=60,inventory_read=15,...] [--seed S] [--json] [--no-check] [database flags]`

// errInvariant makes loadtest exit non-zero when an invariant broke.
var errInvariant = errors.New("an invariant broke under load")

// loadtestCmd drives a running system and reports; then it checks the
// invariants on the system's database (the same settings as serve).
func loadtestCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("target", "http://127.0.0.1:8080", "the gateway's base URL")
	scenario := fs.String("scenario", loadtest.ScenarioMixed, "mixed, rush or modify-storm")
	clients := fs.Int("clients", 0, "closed loop: concurrent clients (default 16; rush: 200)")
	rate := fs.Float64("rate", 0, "open loop: requests per second instead of --clients")
	duration := fs.Duration("duration", 30*time.Second, "how long to drive load (rush: one race)")
	mix := fs.String("mix", "", "operation weights, e.g. search=60,inventory_read=15,booking_read=10,create=10,modify=3,cancel=2")
	seed := fs.Uint64("seed", 1, "random seed")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	noCheck := fs.Bool("no-check", false, "skip the invariant check on the database")
	own, dbArgs := splitArgs(fs, args)
	if err := fs.Parse(own); err != nil {
		return err
	}
	cfg, rest, err := config.Load("loadtest", dbArgs, getenv, stderr, dbFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || fs.NArg() > 0 {
		return usageError{loadtestUsage}
	}
	weights := loadtest.DefaultMix
	if *mix != "" {
		if weights, err = parseMix(*mix); err != nil {
			return usageError{err.Error()}
		}
	}
	if *clients == 0 && *rate == 0 && *scenario == loadtest.ScenarioRush {
		*clients = 200
	}
	lc := loadtest.Config{
		Target: strings.TrimRight(*target, "/"), Scenario: *scenario, Clients: *clients, Rate: *rate,
		Duration: *duration, Mix: weights, Seed: *seed,
		// An admin key is exempt from the gateway's rate limits.
		AdminKey: cmp.Or(getenv("HOTEL_LOADTEST_KEY"), cfg.AdminKey),
	}
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		lc.Progress = stderr
	}
	rep, err := loadtest.Run(ctx, lc)
	if err != nil {
		return err
	}
	if !*noCheck {
		rep.Check = invariantCheck(ctx, cfg, stderr)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(stdout, rep)
	}
	if !rep.OK() {
		return errInvariant
	}
	return nil
}

// invariantCheck reconciles held rooms with bookings on the database.
func invariantCheck(ctx context.Context, cfg *config.Config, stderr io.Writer) *loadtest.CheckResult {
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return &loadtest.CheckResult{DriftingNights: -1, Detail: "database: " + err.Error()}
	}
	defer st.Close()
	rep, err := scheduler.Reconcile(ctx, st, nil, false)
	if err != nil {
		return &loadtest.CheckResult{DriftingNights: -1, Detail: err.Error()}
	}
	return &loadtest.CheckResult{DriftingNights: len(rep.Drift)}
}

func printReport(w io.Writer, rep *loadtest.Report) {
	fmt.Fprintf(w, "scenario %s, %s loop", rep.Scenario, rep.Mode)
	if rep.Mode == "open" {
		fmt.Fprintf(w, " at %.0f/s", rep.Rate)
	} else {
		fmt.Fprintf(w, " with %d clients", rep.Clients)
	}
	fmt.Fprintf(w, ", %.1fs: %d requests, %.0f/s\n\n", rep.Duration, rep.Requests, rep.Throughput)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tstatuses\t")
	names := make([]string, 0, len(rep.Ops))
	for n := range rep.Ops {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		s := rep.Ops[n]
		codes := make([]string, 0, len(s.Statuses))
		for c, k := range s.Statuses {
			codes = append(codes, fmt.Sprintf("%s×%d", c, k))
		}
		slices.Sort(codes)
		if s.NotProblem > 0 {
			codes = append(codes, fmt.Sprintf("(%d not problem+json)", s.NotProblem))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t\n", n, s.Count, s.Throughput, s.P50, s.P95, s.P99, s.Max, strings.Join(codes, " "))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nbookings confirmed to clients: %d (%d on a retry with the same Idempotency-Key; %d retries sent); lost: %d\n",
		rep.Created, rep.CreatedOnRetry, rep.CreateRetries, len(rep.Lost))
	if rep.Unchecked > 0 {
		fmt.Fprintf(w, "  %d confirmed without an access token could not be read back: run with an admin key to check them\n", rep.Unchecked)
	}
	for _, l := range rep.Lost {
		fmt.Fprintf(w, "  lost %s\n", l)
	}
	if r := rep.Rush; r != nil {
		fmt.Fprintf(w, "rush on hotel %d %s, night %s: %d room(s) for sale, %d booking(s) won it, oversold %d\n",
			r.HotelID, r.RoomType, r.Night, r.Available, r.Won, r.Oversold)
	}
	switch c := rep.Check; {
	case c == nil:
		fmt.Fprintln(w, "invariants: not checked (--no-check)")
	case c.DriftingNights < 0:
		fmt.Fprintf(w, "invariants: not checked: %s\n", c.Detail)
	default:
		fmt.Fprintf(w, "invariants: %d drifting night(s) between held rooms and bookings\n", c.DriftingNights)
	}
	if rep.OK() {
		fmt.Fprintln(w, "result: OK")
	} else {
		fmt.Fprintln(w, "result: INVARIANT BROKEN")
	}
}

// parseMix reads "op=weight,…".
func parseMix(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		op, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("--mix: %q is not op=weight", part)
		}
		if _, known := loadtest.DefaultMix[op]; !known {
			return nil, fmt.Errorf("--mix: unknown operation %q", op)
		}
		out[op] = n
	}
	return out, nil
}
