package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/store"
)

// Job names.
const (
	JobCompleteCheckouts = "complete-checkouts"
	JobRecoverPending    = "recover-pending"
	JobReconcile         = "reconcile"
	JobEraseGuestNames   = "erase-guest-names"
	JobMarkNoShows       = "mark-no-shows"
	JobPruneEvents       = "prune-events"
	JobPruneSessions     = "prune-sessions"
)

// Store is what the jobs read and write: due stays, leases, drift, and the
// event outbox and webhook delivery log they prune.
type Store interface {
	store.Jobs
	store.Events
	store.Webhooks
	store.Users
}

// Bookings is what the jobs need of the booking service.
type Bookings interface {
	CompleteStay(ctx context.Context, b hotel.Booking) (bool, error)
	MarkNoShow(ctx context.Context, b hotel.Booking) (bool, error)
	Recover(ctx context.Context) (booking.Report, error)
	Resync(ctx context.Context, id string) error
}

// Config tunes the jobs; zero fields take their defaults.
type Config struct {
	// CheckoutRunAt is the hotel-local time of day from which the previous
	// day's check-outs are completed (default 0: midnight).
	CheckoutRunAt time.Duration
	// CheckoutEvery is how often complete-checkouts looks for due stays
	// (default 5 minutes): each hotel's stays complete at the first run
	// after its local CheckoutRunAt.
	CheckoutEvery time.Duration
	// KeepUnchecked: complete-checkouts completes checked-in stays only.
	// By default (false) it also completes confirmed stays never checked
	// in, as it did before check-in existed, for properties that do not
	// check guests in.
	KeepUnchecked bool
	// NoShows turns mark-no-shows on: a confirmed booking not checked in
	// by NoShowAt (hotel-local time of day) on the day after its arrival
	// becomes a no-show. Off by default: a property that does not check
	// guests in would see every stay become one.
	NoShows  bool
	NoShowAt time.Duration
	// NoShowEvery is how often mark-no-shows looks (default 5 minutes).
	NoShowEvery time.Duration
	// BatchSize is how many bookings complete-checkouts reads at a time
	// (default 500); each booking is its own small update.
	BatchSize int
	// RecoverEvery is the interval of recover-pending (default 1 minute).
	RecoverEvery time.Duration
	// ReconcileEvery is the interval of reconcile (default 24 hours).
	ReconcileEvery time.Duration
	// GuestRetentionDays is how many days after a stay's check-out date
	// (completed bookings) or a booking's last update (cancelled and failed
	// ones) erase-guest-names erases its guest data. It has no default:
	// 0 keeps guest data forever (the job runs and erases nothing).
	GuestRetentionDays int
	// EraseEvery is the interval of erase-guest-names (default 24 hours).
	EraseEvery time.Duration
	// EventRetention is how long an event stays in the feed (default 30
	// days); PruneEvery the interval of prune-events (default 1 hour).
	EventRetention time.Duration
	PruneEvery     time.Duration
}

func (c Config) withDefaults() Config {
	if c.CheckoutEvery <= 0 {
		c.CheckoutEvery = 5 * time.Minute
	}
	if c.NoShowEvery <= 0 {
		c.NoShowEvery = 5 * time.Minute
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.RecoverEvery <= 0 {
		c.RecoverEvery = time.Minute
	}
	if c.ReconcileEvery <= 0 {
		c.ReconcileEvery = 24 * time.Hour
	}
	if c.EraseEvery <= 0 {
		c.EraseEvery = 24 * time.Hour
	}
	if c.EventRetention <= 0 {
		c.EventRetention = 30 * 24 * time.Hour
	}
	if c.PruneEvery <= 0 {
		c.PruneEvery = time.Hour
	}
	return c
}

// Jobs returns the platform's jobs over st (due stays, leases, drift) and
// the booking service. drift, if not nil, is set to the drifting nights
// found by the last reconcile run.
func Jobs(st Store, b Bookings, cfg Config, now func() time.Time, log *slog.Logger, drift prometheus.Gauge) []Job {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	jobs := []Job{
		{
			Name: JobCompleteCheckouts, Every: cfg.CheckoutEvery, Lease: 10 * time.Minute,
			Run: func(ctx context.Context, renew func(context.Context) error) (Result, error) {
				return completeCheckouts(ctx, st, b, cfg, now, renew)
			},
		},
		{
			Name: JobRecoverPending, Every: cfg.RecoverEvery, Lease: 5 * time.Minute,
			Run: func(ctx context.Context, _ func(context.Context) error) (Result, error) {
				rep, err := b.Recover(ctx)
				return Result{Items: rep.Examined, Counts: map[string]int{
					"confirmed": rep.Confirmed, "failed": rep.Failed, "moved": rep.Moved, "released": rep.Released,
					"errors": rep.Errors, "purged_keys": int(rep.PurgedKeys),
				}}, err
			},
		},
		{
			Name: JobReconcile, Every: cfg.ReconcileEvery, Lease: 30 * time.Minute,
			Run: func(ctx context.Context, _ func(context.Context) error) (Result, error) {
				rep, err := Reconcile(ctx, st, nil, false)
				if err != nil {
					return Result{}, err
				}
				if drift != nil {
					drift.Set(float64(len(rep.Drift)))
				}
				for _, d := range rep.Drift {
					log.WarnContext(ctx, "inventory drift: held rooms differ from bookings", "hotel_id", d.HotelID,
						"room_type_id", d.RoomTypeID, "night", d.Date, "held", d.Held, "hold_nights", d.HoldNights, "bookings", d.Bookings)
				}
				return Result{Items: len(rep.Drift), Counts: map[string]int{"drifting_nights": len(rep.Drift)}}, nil
			},
		},
		{
			Name: JobEraseGuestNames, Every: cfg.EraseEvery, Lease: 10 * time.Minute,
			Run: func(ctx context.Context, renew func(context.Context) error) (Result, error) {
				return eraseGuestNames(ctx, st, cfg, now, renew)
			},
		},
		{
			Name: JobPruneEvents, Every: cfg.PruneEvery, Lease: 10 * time.Minute,
			Run: func(ctx context.Context, renew func(context.Context) error) (Result, error) {
				return pruneEvents(ctx, st, cfg, now, renew)
			},
		},
	}
	jobs = append(jobs, Job{
		Name: JobPruneSessions, Every: cfg.PruneEvery, Lease: 10 * time.Minute,
		Run: func(ctx context.Context, renew func(context.Context) error) (Result, error) {
			return pruneSessions(ctx, st, cfg, now, renew)
		},
	})
	if cfg.NoShows {
		jobs = append(jobs, Job{
			Name: JobMarkNoShows, Every: cfg.NoShowEvery, Lease: 10 * time.Minute,
			Run: func(ctx context.Context, renew func(context.Context) error) (Result, error) {
				return markNoShows(ctx, st, b, cfg, now, renew)
			},
		})
	}
	return jobs
}

// pruneSessions deletes, batch by batch, the staff sessions that ended
// (expired) a day ago or more: a day's grace keeps a recently ended one
// answering "the session has ended" rather than looking unknown.
func pruneSessions(ctx context.Context, st store.Users, cfg Config, now func() time.Time, renew func(context.Context) error) (Result, error) {
	res := Result{Counts: map[string]int{"pruned": 0}}
	before := now().Add(-24 * time.Hour)
	for {
		n, err := st.PruneSessions(ctx, before, cfg.BatchSize)
		res.Items += int(n)
		res.Counts["pruned"] += int(n)
		if err != nil {
			return res, fmt.Errorf("prune sessions: %w", err)
		}
		if n < int64(cfg.BatchSize) {
			return res, nil
		}
		if err := renew(ctx); err != nil {
			return res, err
		}
	}
}

// eraseGuestNames erases, batch by batch, the guest data of the bookings
// whose retention ended: completed stays that checked out more than
// GuestRetentionDays days ago (by the UTC date: a day either way does not
// matter at this scale) and cancelled or failed bookings last updated more
// than that long ago.
func eraseGuestNames(ctx context.Context, st store.Jobs, cfg Config, now func() time.Time, renew func(context.Context) error) (Result, error) {
	res := Result{Counts: map[string]int{"erased": 0}}
	if cfg.GuestRetentionDays <= 0 {
		return res, nil
	}
	t := now()
	cancelledBefore := t.Add(-time.Duration(cfg.GuestRetentionDays) * 24 * time.Hour)
	endedBefore := hotel.DateOf(t.UTC()).AddDays(-cfg.GuestRetentionDays)
	for {
		n, err := st.EraseExpiredGuests(ctx, endedBefore, cancelledBefore, t, cfg.BatchSize)
		res.Items += int(n)
		res.Counts["erased"] += int(n)
		if err != nil {
			return res, fmt.Errorf("erase guest names: %w", err)
		}
		if n < int64(cfg.BatchSize) {
			return res, nil
		}
		if err := renew(ctx); err != nil {
			return res, err
		}
	}
}

// pruneEvents publishes the events written since the feed was last read
// (so a deployment nobody reads the feed of does not keep them forever),
// then deletes, batch by batch, those older than EventRetention (by the
// time they were written): the feed starts there.
func pruneEvents(ctx context.Context, st Store, cfg Config, now func() time.Time, renew func(context.Context) error) (Result, error) {
	res := Result{Counts: map[string]int{"pruned": 0, "published": 0, "deliveries_pruned": 0}}
	for {
		n, err := st.PublishEvents(ctx)
		res.Counts["published"] += n
		if err != nil {
			return res, fmt.Errorf("publish events: %w", err)
		}
		if n == 0 {
			break
		}
		if err := renew(ctx); err != nil {
			return res, err
		}
	}
	before := now().Add(-cfg.EventRetention)
	for { // the webhook delivery log is kept as long as the events
		n, err := st.PruneDeliveries(ctx, before, cfg.BatchSize)
		res.Counts["deliveries_pruned"] += int(n)
		if err != nil {
			return res, fmt.Errorf("prune webhook deliveries: %w", err)
		}
		if n < int64(cfg.BatchSize) {
			break
		}
		if err := renew(ctx); err != nil {
			return res, err
		}
	}
	for {
		n, err := st.PruneEvents(ctx, before, cfg.BatchSize)
		res.Items += int(n)
		res.Counts["pruned"] += int(n)
		if err != nil {
			return res, fmt.Errorf("prune events: %w", err)
		}
		if n < int64(cfg.BatchSize) {
			return res, nil
		}
		if err := renew(ctx); err != nil {
			return res, err
		}
	}
}

// completeCheckouts completes, zone by zone, every open stay (checked in;
// unless KeepUnchecked, confirmed too) whose check-out is due in its
// hotel's time zone, batch by batch.
func completeCheckouts(ctx context.Context, st store.Jobs, b Bookings, cfg Config, now func() time.Time, renew func(context.Context) error) (Result, error) {
	res := Result{Counts: map[string]int{"completed": 0, "skipped": 0}}
	err := byZone(ctx, st, cfg, renew, &res, "completed",
		func(loc *time.Location) hotel.Date { return CheckoutCutoff(now(), loc, cfg.CheckoutRunAt) },
		func(ctx context.Context, zone string, cutoff hotel.Date) ([]hotel.Booking, error) {
			return st.DueCheckouts(ctx, zone, cutoff, !cfg.KeepUnchecked, cfg.BatchSize)
		}, b.CompleteStay)
	return res, err
}

// markNoShows marks, zone by zone, every confirmed booking whose guest has
// not checked in by NoShowAt on the day after arrival a no-show. Each is
// a conditional update: run twice, or on two replicas at once, a booking
// is marked once (the other run skips it).
func markNoShows(ctx context.Context, st store.Jobs, b Bookings, cfg Config, now func() time.Time, renew func(context.Context) error) (Result, error) {
	res := Result{Counts: map[string]int{"no_shows": 0, "skipped": 0}}
	err := byZone(ctx, st, cfg, renew, &res, "no_shows",
		func(loc *time.Location) hotel.Date { return NoShowCutoff(now(), loc, cfg.NoShowAt) },
		func(ctx context.Context, zone string, last hotel.Date) ([]hotel.Booking, error) {
			return st.DueNoShows(ctx, zone, last, cfg.BatchSize)
		}, b.MarkNoShow)
	return res, err
}

// byZone runs do on every booking due, zone by zone: due lists a batch of
// the zone's bookings up to the zone's cutoff date, do acts on one and
// reports whether it did (counted under done, else skipped).
func byZone(ctx context.Context, st store.Jobs, cfg Config, renew func(context.Context) error, res *Result, done string,
	cutoff func(*time.Location) hotel.Date,
	due func(ctx context.Context, zone string, cutoff hotel.Date) ([]hotel.Booking, error),
	do func(ctx context.Context, b hotel.Booking) (bool, error)) error {
	names, err := st.HotelTimeZones(ctx)
	if err != nil {
		return fmt.Errorf("list time zones: %w", err)
	}
	for _, name := range names {
		loc, err := hotel.LoadZone(name)
		if err != nil {
			return fmt.Errorf("time zone %q of a hotel: %w", name, err)
		}
		until := cutoff(loc)
		seen := map[string]bool{}
		for {
			batch, err := due(ctx, name, until)
			if err != nil {
				return fmt.Errorf("bookings due in %s: %w", name, err)
			}
			fresh := 0
			for _, bk := range batch {
				if seen[bk.ID] {
					continue // changed under us and still due: next run
				}
				seen[bk.ID] = true
				fresh++
				res.Items++
				ok, err := do(ctx, bk)
				if err != nil {
					return fmt.Errorf("booking %s: %w", bk.ID, err)
				}
				if ok {
					res.Counts[done]++
				} else {
					res.Counts["skipped"]++
				}
			}
			if fresh == 0 || len(batch) < cfg.BatchSize {
				break
			}
			if err := renew(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReconcileReport is what Reconcile found and did.
type ReconcileReport struct {
	// Drift is the nights that disagreed before any repair.
	Drift []store.NightDrift
	// Resynced is the bookings (or holds) whose hold was made to match.
	Resynced int
	// Recounted is the nights whose held count was reset from their holds.
	Recounted int64
	// Remaining is the nights still disagreeing after the repair.
	Remaining []store.NightDrift
}

// maxDrift bounds the nights one reconciliation looks at.
const maxDrift = 10000

// Reconcile compares held rooms with bookings night by night. With b not
// nil it repairs from the bookings, the source of truth: first every
// booking and hold on a drifting night is resynced (its hold put where the
// booking says), then each night's held count is reset to its hold nights.
func Reconcile(ctx context.Context, st store.Jobs, b Bookings, repair bool) (ReconcileReport, error) {
	var rep ReconcileReport
	drift, err := st.Drift(ctx, maxDrift)
	if err != nil {
		return rep, fmt.Errorf("compare held rooms with bookings: %w", err)
	}
	rep.Drift = drift
	if !repair || len(drift) == 0 {
		return rep, nil
	}
	if b == nil {
		return rep, fmt.Errorf("repair needs the booking service")
	}
	done := map[string]bool{}
	for _, d := range drift {
		ids, err := st.NightBookings(ctx, d.NightKey)
		if err != nil {
			return rep, fmt.Errorf("bookings on a drifting night: %w", err)
		}
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id] = true
			if err := b.Resync(ctx, id); err != nil {
				return rep, fmt.Errorf("resync booking %s: %w", id, err)
			}
			rep.Resynced++
		}
	}
	after, err := st.Drift(ctx, maxDrift)
	if err != nil {
		return rep, fmt.Errorf("compare held rooms with bookings: %w", err)
	}
	var keys []store.NightKey
	for _, d := range after {
		if d.Held != d.HoldNights {
			keys = append(keys, d.NightKey)
		}
	}
	if len(keys) > 0 {
		if rep.Recounted, err = st.ResyncHeld(ctx, keys); err != nil {
			return rep, fmt.Errorf("reset held counts: %w", err)
		}
	}
	if rep.Remaining, err = st.Drift(ctx, maxDrift); err != nil {
		return rep, fmt.Errorf("compare held rooms with bookings: %w", err)
	}
	return rep, nil
}
