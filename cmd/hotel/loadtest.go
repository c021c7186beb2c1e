package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
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
	"github.com/hotelplatform/hotel/internal/server"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

const loadtestUsage = `usage: hotel loadtest [--target URL] [--scenario mixed|rush|modify-storm] [--clients N | --rate R]
                     [--duration D] [--mix search=60,inventory_read=15,...] [--seed S] [--json] [--no-check] [database flags]`

// errInvariant makes loadtest exit non-zero when an invariant broke.
var errInvariant = errors.New("an invariant broke under load")

// errNotChecked makes loadtest exit with exitNotChecked when the invariants
// could not be checked on the target's database (and none was seen broken).
var errNotChecked = errors.New("the invariants were not checked on the target's database")

// exitNotChecked is loadtest's exit status for errNotChecked: not 1, which
// means an invariant broke, nor 2, a mistake in the command line.
const exitNotChecked = 3

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
		rep.Check = invariantCheck(ctx, cfg, lc.Target, lc.AdminKey, stderr)
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
	if rep.NotChecked() {
		return fmt.Errorf("%w: %s", errNotChecked, rep.Check.Detail)
	}
	return nil
}

// invariantCheck reconciles held rooms with bookings on the database the
// settings name — opened read-only, so nothing is created or written —
// once it is known to be the target's: the one whose identity the target
// gives (GET /inventory/database). Otherwise it says why it could not check.
func invariantCheck(ctx context.Context, cfg *config.Config, target, adminKey string, stderr io.Writer) *loadtest.CheckResult {
	notChecked := func(format string, args ...any) *loadtest.CheckResult {
		return &loadtest.CheckResult{DriftingNights: -1, Detail: fmt.Sprintf(format, args...)}
	}
	advice := fmt.Sprintf("point %s at the target's database, or pass --no-check", settingName(cfg))
	theirs, err := targetDatabase(ctx, target, adminKey)
	if err != nil {
		return notChecked("cannot tell which database the target uses: %v", err)
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	st, err := openReadOnly(ctx, cfg, log)
	if err != nil {
		return notChecked("%v (%s); %s", err, databaseSetting(cfg), advice)
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return notChecked("%s (%s) is not the target's database or not at this binary's schema: %v; %s", describeDatabase(cfg), databaseSetting(cfg), err, advice)
	}
	ours, err := st.DatabaseID(ctx)
	if err != nil {
		return notChecked("cannot read the identity of %s: %v", describeDatabase(cfg), err)
	}
	if ours != theirs.DatabaseID || st.Driver() != theirs.Driver {
		return notChecked("%s is not the target's database: it names %s, whose identity is %s; the target's (%s) is %s; %s",
			settingName(cfg), describeDatabase(cfg), ours, theirs.Driver, theirs.DatabaseID, advice)
	}
	rep, err := scheduler.Reconcile(ctx, st, nil, false)
	if err != nil {
		return notChecked("%v", err)
	}
	gaps, err := st.EventGaps(ctx, 1000)
	if err != nil {
		return notChecked("%v", err)
	}
	return &loadtest.CheckResult{Checked: true, DriftingNights: len(rep.Drift), EventGaps: len(gaps)}
}

// targetDatabase asks the target which database it uses, retrying for a
// while a target that is not answering (after a fault, say).
func targetDatabase(ctx context.Context, target, adminKey string) (server.DatabaseIdentity, error) {
	var id server.DatabaseIdentity
	if adminKey == "" {
		return id, fmt.Errorf("GET %s needs an admin key: set HOTEL_ADMIN_KEY or HOTEL_LOADTEST_KEY, or pass --no-check", server.DatabasePath)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		retry, err := func() (bool, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+server.DatabasePath, nil)
			if err != nil {
				return false, err
			}
			req.Header.Set("Authorization", "Bearer "+adminKey)
			resp, err := hc.Do(req)
			if err != nil {
				return true, fmt.Errorf("GET %s: %w", server.DatabasePath, err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			switch {
			case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
				return false, fmt.Errorf("GET %s answered %s: the key is not an admin key of the target", server.DatabasePath, resp.Status)
			case resp.StatusCode == http.StatusNotFound:
				return false, fmt.Errorf("GET %s answered %s: the target does not tell (an older version?)", server.DatabasePath, resp.Status)
			case resp.StatusCode >= 500:
				return true, fmt.Errorf("GET %s answered %s", server.DatabasePath, resp.Status)
			case resp.StatusCode != http.StatusOK || err != nil:
				return false, fmt.Errorf("GET %s answered %s", server.DatabasePath, resp.Status)
			}
			if err := json.Unmarshal(body, &id); err != nil || id.DatabaseID == "" || id.Driver == "" {
				return false, fmt.Errorf("GET %s: not a database identity", server.DatabasePath)
			}
			return false, nil
		}()
		if !retry {
			return id, err
		}
		select {
		case <-ctx.Done():
			return id, err
		case <-time.After(250 * time.Millisecond):
		}
	}
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
	fmt.Fprintln(tw, "operation\tcount\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\taccepted p99\trefused p99\tstatuses\t")
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
		refused := "–"
		if s.Statuses["503"] > 0 {
			refused = fmt.Sprintf("%.1f", s.RefusedP99)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t\n", n, s.Count, s.Throughput, s.P50, s.P95, s.P99, s.Max,
			s.AcceptedP99, refused, strings.Join(codes, " "))
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
	if e := rep.Events; e != nil {
		fmt.Fprintf(w, "events: %d written to the feed, %.0f/s\n", e.Written, e.PerSecond)
	}
	if r := rep.Rush; r != nil {
		fmt.Fprintf(w, "rush on hotel %d %s, night %s: %d room(s) for sale, %d booking(s) won it, oversold %d\n",
			r.HotelID, r.RoomType, r.Night, r.Available, r.Won, r.Oversold)
	}
	switch c := rep.Check; {
	case c == nil:
		fmt.Fprintln(w, "invariants: not checked (--no-check)")
	case !c.Checked:
		fmt.Fprintf(w, "invariants: cannot check: %s\n", c.Detail)
	default:
		fmt.Fprintf(w, "invariants: %d drifting night(s) between held rooms and bookings, %d change(s) whose events differ (booking rows, ARI)\n",
			c.DriftingNights, c.EventGaps)
	}
	switch {
	case !rep.OK():
		fmt.Fprintln(w, "result: INVARIANT BROKEN")
	case rep.NotChecked():
		fmt.Fprintln(w, "result: NOT CHECKED (nothing lost or oversold as the clients saw it; the database could not be checked)")
	default:
		fmt.Fprintln(w, "result: OK")
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
