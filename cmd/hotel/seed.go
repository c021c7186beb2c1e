package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/progress"
	"github.com/hotelplatform/hotel/internal/sampledata"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// seed loads the sample hotels (no --hotels) or a synthetic data set.
func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hotels := fs.Int("hotels", 0, "generate this many synthetic hotels (0: load the seven sample hotels)")
	days := fs.Int("days", 365, "nights of inventory per room type, from today")
	seedValue := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
	// The database flags are parsed by config.Load from what remains.
	own, dbArgs := splitArgs(fs, args)
	if err := fs.Parse(own); err != nil {
		return err
	}
	cfg, rest, err := config.Load("seed", dbArgs, getenv, stderr, dbFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || fs.NArg() > 0 {
		return usageError{"usage: hotel seed [--hotels N --days D --seed S] [database flags]"}
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	st, err := openExisting(ctx, cfg, log) // the schema is migrate's to create
	if err != nil {
		return err
	}
	defer st.Close()
	if *hotels == 0 {
		loaded, err := sampledata.Seed(ctx, st, time.Now(), *seedValue)
		if err != nil {
			return err
		}
		if !loaded {
			fmt.Fprintln(stdout, "the database already has hotels; sample data not loaded")
			return nil
		}
		fmt.Fprintln(stdout, "loaded the 7 sample hotels with 365 nights of inventory, rate plans and restrictions")
		return nil
	}
	ids, err := st.MaxIDs(ctx)
	if err != nil {
		return err
	}
	opts := sampledata.SyntheticOptions{
		Hotels: *hotels, Days: *days, Seed: *seedValue, Start: hotel.Today(time.Now(), time.UTC),
		FirstHotelID: ids.Hotel + 1, FirstRoomTypeID: ids.RoomType + 1, FirstRatePlanID: ids.RatePlan + 1,
	}
	ds, err := sampledata.Synthetic(opts)
	if err != nil {
		return err
	}
	total := sampledata.NightCount(opts)
	bar := progress.New(stderr, "seeded", total, progress.WithUnit("nights"))
	ds.Progress = bar.Set
	var plans, rateNights, restrictions int64
	ds.RatePlans = counted(ds.RatePlans, &plans)
	ds.RateNights = counted(ds.RateNights, &rateNights)
	ds.Restrictions = counted(ds.Restrictions, &restrictions)
	start := time.Now()
	if _, err := st.Load(ctx, ds, false); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	bar.Done()
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "seeded %d hotels, %d room types, %d nights, %d rate plans, %d rate nights, %d restrictions into %s in %s (%.0f nights/s)\n",
		opts.Hotels, opts.Hotels*4, total, plans, rateNights, restrictions, st.Driver(), elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	return nil
}

// counted returns seq counting what it yields in *n.
func counted[T any](seq iter.Seq[T], n *int64) iter.Seq[T] {
	if seq == nil {
		return nil
	}
	return func(yield func(T) bool) {
		for x := range seq {
			*n++
			if !yield(x) {
				return
			}
		}
	}
}

func flagName(arg string) string {
	name, ok := strings.CutPrefix(arg, "-")
	if !ok || name == "" {
		return ""
	}
	name = strings.TrimPrefix(name, "-")
	name, _, _ = strings.Cut(name, "=")
	return name
}
