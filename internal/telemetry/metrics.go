package telemetry

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
	"github.com/hotelplatform/hotel/internal/store"
)

// Metrics are the platform's Prometheus metrics for one process. Every
// series carries the process's service (its target: all, gateway, …).
// HTTP series are labelled by route template, never the raw path, so ids in
// paths cannot explode the number of series.
type Metrics struct {
	Registry *prometheus.Registry

	requests        *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	bookingsCreated prometheus.Counter
	bookingsFailed  *prometheus.CounterVec
	holds           *prometheus.CounterVec
	replays         prometheus.Counter
}

// NewMetrics returns the metrics of a process serving service, registered
// on a new registry with the Go runtime and process collectors.
func NewMetrics(service string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := prometheus.WrapRegistererWith(prometheus.Labels{"service": service}, reg)
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "HTTP requests served, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "Time to serve HTTP requests, by method and route template.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		bookingsCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_bookings_created_total", Help: "Bookings confirmed at creation.",
		}),
		bookingsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotel_bookings_failed_total", Help: "Booking creations that did not confirm, by reason: sold_out, invalid, unavailable.",
		}, []string{"reason"}),
		holds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotel_holds_total", Help: "Reservation hold operations by result: created, replayed, sold_out, moved, released, refused.",
		}, []string{"result"}),
		replays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_idempotent_replays_total", Help: "Requests answered from an Idempotency-Key record.",
		}),
	}
	f.MustRegister(m.requests, m.duration, m.bookingsCreated, m.bookingsFailed, m.holds, m.replays)
	// Every reason and result exists from the start, so rates and ratios
	// are defined before the first failure.
	for _, r := range []string{"sold_out", "invalid", "unavailable"} {
		m.bookingsFailed.WithLabelValues(r)
	}
	for _, r := range []string{"created", "replayed", "sold_out", "moved", "released", "refused"} {
		m.holds.WithLabelValues(r)
	}
	return m
}

// Registerer returns the registerer for more series of this process (they
// get its service label).
func (m *Metrics) Registerer(service string) prometheus.Registerer {
	return prometheus.WrapRegistererWith(prometheus.Labels{"service": service}, m.Registry)
}

// ObserveRequest records one served HTTP request (a web.Observer).
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// BookingCreated counts a booking confirmed at creation.
func (m *Metrics) BookingCreated() { m.bookingsCreated.Inc() }

// BookingFailed counts a creation that did not confirm, by the error's code.
func (m *Metrics) BookingFailed(err error) {
	reason := "unavailable"
	switch hotel.ErrorCode(err) {
	case hotel.ECONFLICT:
		reason = "sold_out"
	case hotel.EINVALID, hotel.EUNPROCESSABLE:
		reason = "invalid"
	}
	m.bookingsFailed.WithLabelValues(reason).Inc()
}

// IdempotentReplay counts a request answered from its Idempotency-Key record.
func (m *Metrics) IdempotentReplay() { m.replays.Inc() }

// Hold counts a hold operation's result.
func (m *Metrics) Hold(result string) { m.holds.WithLabelValues(result).Inc() }

// InstrumentInventory returns inv counting its hold operations.
func (m *Metrics) InstrumentInventory(inv hotel.InventoryService) hotel.InventoryService {
	return &countedInventory{InventoryService: inv, m: m}
}

type countedInventory struct {
	hotel.InventoryService
	m *Metrics
}

// result names the outcome of a hold call: ok, sold out (a conflict naming
// nights), or refused (any other client error).
func holdResult(ok string, err error) string {
	var he *hotel.Error
	switch {
	case err == nil:
		return ok
	case errors.As(err, &he) && he.Code == hotel.ECONFLICT && len(he.Nights) > 0:
		return "sold_out"
	default:
		return "refused"
	}
}

func (c *countedInventory) CreateHold(ctx context.Context, req hotel.HoldRequest) (*hotel.Hold, bool, error) {
	h, created, err := c.InventoryService.CreateHold(ctx, req)
	ok := "replayed"
	if created {
		ok = "created"
	}
	c.m.Hold(holdResult(ok, err))
	return h, created, err
}

// CreateHolds counts a group of holds as one hold operation.
func (c *countedInventory) CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) ([]hotel.Hold, bool, error) {
	hs, created, err := c.InventoryService.CreateHolds(ctx, reqs)
	ok := "replayed"
	if created {
		ok = "created"
	}
	c.m.Hold(holdResult(ok, err))
	return hs, created, err
}

func (c *countedInventory) MoveHold(ctx context.Context, id string, mv hotel.HoldMove) (*hotel.Hold, error) {
	h, err := c.InventoryService.MoveHold(ctx, id, mv)
	c.m.Hold(holdResult("moved", err))
	return h, err
}

func (c *countedInventory) ReleaseHold(ctx context.Context, id string, r hotel.HoldRelease) (*hotel.Hold, error) {
	h, err := c.InventoryService.ReleaseHold(ctx, id, r)
	c.m.Hold(holdResult("released", err))
	return h, err
}

// RegisterSearchIndex adds the search index's series (package ariindex),
// read at scrape time from stats.
func (m *Metrics) RegisterSearchIndex(service string, stats func() ariindex.Stats) {
	f := m.Registerer(service)
	for _, c := range []struct {
		name, help string
		get        func(ariindex.Stats) uint64
	}{
		{"hotel_search_index_polls_total", "Polls of the database's change feed the search index applied.", func(s ariindex.Stats) uint64 { return s.Polls }},
		{"hotel_search_index_touches_total", "Changes (touches) the search index read from the feed.", func(s ariindex.Stats) uint64 { return s.Touches }},
		{"hotel_search_index_hotel_loads_total", "Hotels the search index loaded whole (first searched, or their catalogue changed).", func(s ariindex.Stats) uint64 { return s.HotelLoads }},
		{"hotel_search_index_fallbacks_total", "Searches outside the index's window, answered from the database.", func(s ariindex.Stats) uint64 { return s.Fallbacks }},
		{"hotel_search_index_resets_total", "Times the search index dropped everything (its window moved, or it fell behind the feed's retention).", func(s ariindex.Stats) uint64 { return s.Resets }},
	} {
		f.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
			func() float64 { return float64(c.get(stats())) }))
	}
	f.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hotel_search_index_hotels", Help: "Hotels the search index holds.",
	}, func() float64 { return float64(stats().Hotels) }))
	f.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hotel_search_index_poll_age_seconds",
		Help: "Time since the last poll of the change feed the search index applied began (-1: none yet); with HOTEL_SEARCH_MAX_LAG above 0 it stays under a second while the database answers.",
	}, func() float64 {
		if p := stats().Polled; !p.IsZero() {
			return time.Since(p).Seconds()
		}
		return -1
	}))
}

// RegisterReplicas adds the read replicas' series, read at scrape time
// from stats: hotel_db_replica_lag_seconds, hotel_db_replica_in_use and
// hotel_db_replica_reads_total, labelled by replica (host:port).
func (m *Metrics) RegisterReplicas(service string, stats func() []store.ReplicaStats) {
	m.Registerer(service).MustRegister(replicaCollector(stats))
}

var (
	replicaLagDesc = prometheus.NewDesc("hotel_db_replica_lag_seconds",
		"How far a PostgreSQL standby of DATABASE_READ_URL is behind the primary (0: it has replayed everything the primary had written at the last check).", []string{"replica"}, nil)
	replicaInUseDesc = prometheus.NewDesc("hotel_db_replica_in_use",
		"1 when reads go to the standby, 0 while it is skipped (unreachable, or behind by more than HOTEL_MAX_REPLICA_LAG).", []string{"replica"}, nil)
	replicaReadsDesc = prometheus.NewDesc("hotel_db_replica_reads_total",
		"Reads sent to the standby.", []string{"replica"}, nil)
)

// replicaCollector collects the replicas' series.
type replicaCollector func() []store.ReplicaStats

func (c replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaLagDesc
	ch <- replicaInUseDesc
	ch <- replicaReadsDesc
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c() {
		inUse := 0.0
		if r.InUse {
			inUse = 1
		}
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, r.Lag, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaInUseDesc, prometheus.GaugeValue, inUse, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(r.Reads), r.Name)
	}
}

// RegisterDatabase adds the database series: errors and pool connections
// (read at scrape time from stats) and, with oldestUnsettled (the store's
// OldestUnsettled), the age of the oldest booking create or change in
// flight: an unconfirmed hold, or a booking marked for recovery. An age, not a count: under steady load some bookings are always
// in flight, but none should stay so for long.
func (m *Metrics) RegisterDatabase(service, driver string, stats func() store.PoolStats, oldestUnsettled func(context.Context) (time.Time, bool, error)) {
	f := m.Registerer(service)
	f.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "hotel_db_errors_total", Help: "Database errors (not found and constraint conflicts excluded).",
		ConstLabels: prometheus.Labels{"driver": driver},
	}, func() float64 { return float64(stats().Errors) }))
	for _, st := range []struct {
		state string
		get   func(store.PoolStats) int
	}{
		{"acquired", func(p store.PoolStats) int { return p.Acquired }},
		{"idle", func(p store.PoolStats) int { return p.Idle }},
		{"total", func(p store.PoolStats) int { return p.Total }},
	} {
		f.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotel_db_pool_connections", Help: "Database pool connections by state.",
			ConstLabels: prometheus.Labels{"state": st.state, "driver": driver},
		}, func() float64 { return float64(st.get(stats())) }))
	}
	if oldestUnsettled != nil {
		f.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotel_bookings_unsettled_oldest_age_seconds",
			Help: "Age of the oldest booking create or change in flight (an unconfirmed hold, or a booking marked for the recovery pass): 0 when there is none, -1 when the database did not answer.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			oldest, ok, err := oldestUnsettled(ctx)
			switch {
			case err != nil:
				return -1
			case !ok:
				return 0
			}
			return max(0, time.Since(oldest).Seconds())
		}))
	}
}
