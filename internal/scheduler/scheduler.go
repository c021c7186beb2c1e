// Package scheduler runs the platform's periodic jobs: completing stays
// after check-out, the booking recovery pass, and the reconciliation of
// held rooms with bookings.
//
// Every job runs at start (catching up after downtime) and then on its
// interval. A job runs under a lease in the database, so with several
// replicas at most one runs a given job at a time; correctness never rests
// on the lease alone, since every booking transition is a conditional
// update on the booking's version.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Result is what one run of a job did: the items it processed and named
// counts for the log.
type Result struct {
	Items  int
	Counts map[string]int
}

// Job is one periodic task.
type Job struct {
	Name string
	// Every is the interval between runs; the first run is at start.
	Every time.Duration
	// Lease is how long a run may hold the job's lease before another
	// replica may take over; a run renews it between batches via Renew.
	Lease time.Duration
	Run   func(ctx context.Context, renew func(context.Context) error) (Result, error)
}

// ErrUnknownJob is returned by Scheduler.Run for a name no job has.
var ErrUnknownJob = errors.New("scheduler: unknown job")

// ErrBusy is returned by Scheduler.Run when another runner holds the job's lease.
var ErrBusy = errors.New("scheduler: job is running elsewhere")

// Scheduler runs jobs under leases.
type Scheduler struct {
	leases  store.Jobs
	holder  string
	now     func() time.Time
	log     *slog.Logger
	jobs    []Job
	metrics *metrics
}

// New returns a scheduler of jobs. reg receives the job metrics (nil: none).
func New(leases store.Jobs, jobs []Job, now func() time.Time, log *slog.Logger, reg prometheus.Registerer) (*Scheduler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	return &Scheduler{
		leases: leases, holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(suffix[:])),
		now: now, log: log.With("component", "scheduler"), jobs: jobs, metrics: m,
	}, nil
}

// Names returns the names of the jobs.
func (s *Scheduler) Names() []string {
	var out []string
	for _, j := range s.jobs {
		out = append(out, j.Name)
	}
	return out
}

// Run runs the job called name once now, under its lease. Errors:
// ErrUnknownJob, ErrBusy, or the job's own.
func (s *Scheduler) Run(ctx context.Context, name string) (Result, error) {
	i := slices.IndexFunc(s.jobs, func(j Job) bool { return j.Name == name })
	if i < 0 {
		return Result{}, fmt.Errorf("%w %q (jobs: %v)", ErrUnknownJob, name, s.Names())
	}
	return s.run(ctx, s.jobs[i])
}

func (s *Scheduler) run(ctx context.Context, j Job) (Result, error) {
	renew := func(ctx context.Context) error {
		now := s.now()
		ok, err := s.leases.AcquireLease(ctx, j.Name, s.holder, now, now.Add(j.Lease))
		if err != nil {
			return fmt.Errorf("job lease: %w", err)
		}
		if !ok {
			return ErrBusy
		}
		return nil
	}
	if err := renew(ctx); err != nil {
		if errors.Is(err, ErrBusy) {
			s.metrics.runs.WithLabelValues(j.Name, "skipped").Inc()
			s.log.DebugContext(ctx, "job skipped: running elsewhere", "job", j.Name)
		} else {
			s.metrics.runs.WithLabelValues(j.Name, "failure").Inc()
			s.log.WarnContext(ctx, "job could not take its lease", "job", j.Name, "err", err)
		}
		return Result{}, err
	}
	defer func() {
		if err := s.leases.ReleaseLease(context.WithoutCancel(ctx), j.Name, s.holder); err != nil {
			s.log.WarnContext(ctx, "job lease not released; it expires by itself", "job", j.Name, "err", err)
		}
	}()
	start := time.Now()
	s.log.InfoContext(ctx, "job started", "job", j.Name)
	res, err := j.Run(ctx, renew)
	elapsed := time.Since(start)
	s.metrics.duration.WithLabelValues(j.Name).Observe(elapsed.Seconds())
	s.metrics.items.WithLabelValues(j.Name).Add(float64(res.Items))
	attrs := []any{"job", j.Name, "items", res.Items, "duration", elapsed.Round(time.Millisecond).String()}
	for _, k := range slices.Sorted(maps.Keys(res.Counts)) {
		attrs = append(attrs, k, res.Counts[k])
	}
	if err != nil {
		s.metrics.runs.WithLabelValues(j.Name, "failure").Inc()
		s.log.ErrorContext(ctx, "job failed", append(attrs, "err", err)...)
		return res, err
	}
	s.metrics.runs.WithLabelValues(j.Name, "success").Inc()
	s.metrics.lastSuccess.WithLabelValues(j.Name).Set(float64(s.now().Unix()))
	s.log.InfoContext(ctx, "job finished", attrs...)
	return res, nil
}

// Start runs every job at once and then on its interval until ctx ends,
// and returns when all runs have finished.
func (s *Scheduler) Start(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Go(func() {
			t := time.NewTicker(j.Every)
			defer t.Stop()
			for {
				_, _ = s.run(ctx, j) // logged and counted by run
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	s.log.Info("scheduler started", "jobs", s.Names(), "holder", s.holder)
	wg.Wait()
}

// metrics are the job metrics.
type metrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	items       *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
}

// newMetrics labels each series with job_name, not job: job is the scrape
// job's label that Prometheus attaches to every series it scrapes.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotel_job_runs_total", Help: "Job runs by result: success, failure, or skipped (another replica held the lease).",
		}, []string{"job_name", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hotel_job_duration_seconds", Help: "Duration of job runs.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900},
		}, []string{"job_name"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotel_job_items_processed_total", Help: "Items (bookings, nights) processed by job runs.",
		}, []string{"job_name"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hotel_job_last_success_timestamp_seconds", Help: "Unix time of the last successful run of each job.",
		}, []string{"job_name"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.runs, m.duration, m.items, m.lastSuccess} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register job metrics: %w", err)
			}
		}
	}
	return m, nil
}

// NoShowCutoff is the latest arrival date whose guests are no-shows at
// now in loc when not checked in by at (a time of day) on the day after
// arrival: yesterday once the local time of day has reached at, the day
// before yesterday until then. A guest arriving today is never one.
func NoShowCutoff(now time.Time, loc *time.Location, at time.Duration) hotel.Date {
	return CheckoutCutoff(now, loc, at)
}

// CheckoutCutoff is the latest check-out date whose stays are due for
// completion at now in loc: yesterday once the local time of day has
// reached runAt, the day before yesterday until then. A stay that checks
// out today is never due.
func CheckoutCutoff(now time.Time, loc *time.Location, runAt time.Duration) hotel.Date {
	local := now.In(loc)
	today := hotel.DateOf(local)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	if local.Sub(midnight) >= runAt {
		return today.AddDays(-1)
	}
	return today.AddDays(-2)
}
