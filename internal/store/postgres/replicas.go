package postgres

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel/internal/store"
)

// Read replicas (DATABASE_READ_URL). The store keeps one pool per standby
// beside the primary's and sends the reads that may lag to a standby that
// is current enough (see store.ReadRoute); every write, every read inside
// a unit of work and every read not made through Store.read stays on the
// primary.
//
// How far behind a standby is, is measured here, every checkEvery, never
// per query. Each check reads the primary's WAL position (P, with the time
// t the query was sent: every transaction committed before t is at or
// below P) and each standby's replay position (R). A standby has
// everything the primary had at the latest t whose P <= R: that t is the
// standby's "caught up to" time, and its lag is 0 when R is at or past the
// latest P, else now - t. Positions, not pg_last_xact_replay_timestamp():
// on an idle primary the last replayed commit may be hours old while the
// standby misses nothing. A standby whose lag is above the bound, that does
// not answer, or whose read fails with the server away, is skipped until a
// check finds it current again; a promoted standby (no longer in recovery)
// is current by definition.

// replica is one standby's pool and state.
type replica struct {
	name string // host:port
	pool *pgxpool.Pool

	inUse    atomic.Bool
	caughtUp atomic.Int64 // unix nanoseconds of the latest primary sample it has replayed (0: none yet)
	lag      atomic.Int64 // nanoseconds, at the last check
	reads    atomic.Int64
}

// hostPort is one host of a URL.
type hostPort struct {
	host string
	port uint16
}

// lsnSample is the primary's WAL position when a check began.
type lsnSample struct {
	at  time.Time
	lsn int64
}

// replicaSet is the standbys of a store and the loop that checks them.
type replicaSet struct {
	primary *pgxpool.Pool
	list    []*replica
	maxLag  time.Duration
	every   time.Duration
	next    atomic.Uint64 // round robin
	started time.Time

	mu      sync.Mutex  // samples, for check and tests
	samples []lsnSample // ascending lsn, the last sampleKeep

	cancel context.CancelFunc
	done   chan struct{}
}

// sampleKeep bounds the primary positions kept: a standby further behind
// than the oldest is reported at least that far behind.
const sampleKeep = 2 * time.Minute

// openReplicas opens one pool per host of the URLs in urls (a URL naming
// several hosts is one standby each), each pool configured like the
// primary's, and starts checking them.
func openReplicas(ctx context.Context, primary *pgxpool.Pool, urls []string, o Options) (*replicaSet, error) {
	rs := &replicaSet{primary: primary, maxLag: o.MaxReplicaLag, started: time.Now()}
	if rs.maxLag <= 0 {
		rs.maxLag = time.Second
	}
	rs.every = min(max(rs.maxLag/4, 50*time.Millisecond), time.Second)
	if o.ReplicaCheckEvery > 0 {
		rs.every = o.ReplicaCheckEvery
	}
	for _, u := range urls {
		cfg, err := pgxpool.ParseConfig(u)
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("DATABASE_READ_URL is not a list of valid PostgreSQL connection strings (expected postgres://user:$PASSWORD@standby:5432/dbname, comma-separated)")
		}
		hosts := []hostPort{{cfg.ConnConfig.Host, cfg.ConnConfig.Port}}
		for _, fb := range cfg.ConnConfig.Fallbacks {
			hosts = append(hosts, hostPort{fb.Host, fb.Port})
		}
		for _, h := range hosts {
			one := cfg.Copy()
			one.ConnConfig.Host, one.ConnConfig.Port = h.host, h.port
			one.ConnConfig.Fallbacks = nil
			one.ConnConfig.ValidateConnect = nil // the check decides whether a standby is used
			if err := configure(one, u, o); err != nil {
				rs.close()
				return nil, err
			}
			// A standby is only ever read: make that certain.
			one.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
			name := net.JoinHostPort(h.host, strconv.Itoa(int(h.port)))
			if strings.HasPrefix(h.host, "/") {
				name = h.host
			}
			pool, err := pgxpool.NewWithConfig(ctx, one)
			if err != nil {
				rs.close()
				return nil, fmt.Errorf("read replica %s: %w", name, err)
			}
			rs.list = append(rs.list, &replica{name: name, pool: pool})
		}
	}
	loop, cancel := context.WithCancel(context.Background())
	rs.cancel, rs.done = cancel, make(chan struct{})
	rs.check(loop) // before the first read: a standby is used once known current
	go rs.run(loop)
	return rs, nil
}

// run checks the standbys every rs.every until close.
func (rs *replicaSet) run(ctx context.Context) {
	defer close(rs.done)
	t := time.NewTicker(rs.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			rs.check(ctx)
		}
	}
}

// close stops the checks and closes the standbys' pools.
func (rs *replicaSet) close() {
	if rs.cancel != nil {
		rs.cancel()
		<-rs.done
	}
	for _, r := range rs.list {
		r.pool.Close()
	}
}

// check samples the primary's position, then each standby's.
func (rs *replicaSet) check(ctx context.Context) {
	timeout := max(rs.every, time.Second)
	at := time.Now()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	var lsn int64
	err := rs.primary.QueryRow(pctx, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&lsn)
	cancel()
	rs.mu.Lock()
	if err == nil {
		if n := len(rs.samples); n > 0 && lsn < rs.samples[n-1].lsn {
			rs.samples = nil // another primary (a failover): its history is not the old one's
		}
		rs.samples = append(rs.samples, lsnSample{at: at, lsn: lsn})
		cut := 0
		for cut < len(rs.samples)-1 && at.Sub(rs.samples[cut].at) > sampleKeep {
			cut++
		}
		rs.samples = rs.samples[cut:]
	}
	samples := slices.Clone(rs.samples)
	rs.mu.Unlock()

	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Go(func() { rs.checkOne(ctx, r, samples, timeout) })
	}
	wg.Wait()
}

// checkOne reads one standby's replay position and decides whether it is used.
func (rs *replicaSet) checkOne(ctx context.Context, r *replica, samples []lsnSample, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var recovering bool
	var replayed int64
	err := r.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, 0)`).
		Scan(&recovering, &replayed)
	now := time.Now()
	switch {
	case err != nil:
		r.inUse.Store(false)
	case !recovering:
		// Promoted (or never a standby): it is a primary, current by definition.
		r.caughtUp.Store(now.UnixNano())
		r.lag.Store(0)
		r.inUse.Store(true)
		return
	default:
		// The latest sample it has replayed.
		i := sortSearch(len(samples), func(i int) bool { return samples[i].lsn > replayed }) - 1
		if i >= 0 && samples[i].at.UnixNano() > r.caughtUp.Load() {
			r.caughtUp.Store(samples[i].at.UnixNano())
		}
		if i == len(samples)-1 && i >= 0 {
			r.lag.Store(0) // everything the primary had at the last check
		} else {
			r.lag.Store(int64(now.Sub(r.caughtUpTime(rs.started))))
		}
		r.inUse.Store(time.Duration(r.lag.Load()) <= rs.maxLag && r.caughtUp.Load() != 0)
		return
	}
	r.lag.Store(int64(now.Sub(r.caughtUpTime(rs.started))))
}

// sortSearch is sort.Search (kept local: the samples are few).
func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// caughtUpTime is when r last had everything the primary had (or, never
// yet, when the checks began).
func (r *replica) caughtUpTime(started time.Time) time.Time {
	if n := r.caughtUp.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return started
}

// usableFor reports whether a read routed by route may go to r.
func (r *replica) usableFor(route store.ReadRoute) bool {
	return r.inUse.Load() && (route.After.IsZero() || r.caughtUp.Load() >= route.After.UnixNano())
}

// pick returns the standby a read with route goes to, or nil for the primary.
func (rs *replicaSet) pick(route store.ReadRoute) *replica {
	if rs == nil || route.Primary || route.Pin == pinPrimary {
		return nil
	}
	if route.Pin != "" {
		for _, r := range rs.list {
			if r.name == route.Pin {
				return r
			}
		}
		return nil
	}
	n := uint64(len(rs.list))
	start := rs.next.Add(1)
	for i := range n {
		if r := rs.list[(start+i)%n]; r.usableFor(route) {
			return r
		}
	}
	return nil
}

// pinPrimary is the name PinReads gives the primary.
const pinPrimary = "primary"

// PinReads returns ctx whose reads all go to the server reads would go
// to now — the first standby in use, in the configured order, so that the
// choice changes only when standbys come and go — and its name
// (store.ReadPinner).
func (s *Store) PinReads(ctx context.Context) (context.Context, string) {
	if pin := store.ReadRouteOf(ctx).Pin; pin != "" {
		return ctx, pin
	}
	route := store.ReadRoute{Pin: pinPrimary}
	if s.replicas != nil {
		for _, r := range s.replicas.list {
			if r.usableFor(store.ReadRoute{}) {
				route.Pin = r.name
				break
			}
		}
	}
	return store.WithReadRoute(ctx, route), route.Pin
}

// Serves reports whether a read routed as ctx says may be answered from
// what server holds now (store.ReadPinner).
func (s *Store) Serves(ctx context.Context, server string) bool {
	route := store.ReadRouteOf(ctx)
	if server == pinPrimary || s.replicas == nil {
		return true
	}
	if route.Primary {
		return false
	}
	for _, r := range s.replicas.list {
		if r.name == server {
			return route.After.IsZero() || r.caughtUp.Load() >= route.After.UnixNano()
		}
	}
	return false
}

// read runs fn, a read that may lag, on the standby ctx's route allows, or
// on the primary. A standby that fails the read because it is away, or
// cancels it for a conflict with recovery, is skipped until the next
// check and the read runs on the primary instead (unless the context is
// pinned to the standby). Inside a unit of work fn reads the primary,
// outside the unit's transaction (as before there were standbys).
func (s *Store) read(ctx context.Context, fn func(dbtx) error) error {
	if s.unitOf(ctx) != nil {
		return fn(s.pool)
	}
	route := store.ReadRouteOf(ctx)
	r := s.replicas.pick(route)
	if r == nil {
		return fn(s.pool)
	}
	r.reads.Add(1)
	err := fn(r.pool)
	if err == nil || route.Pin != "" || ctx.Err() != nil {
		return err
	}
	if classify(err) == store.ClassUnavailable || hasCode(err, codeSerializationFailure) {
		r.inUse.Store(false)
		return fn(s.pool)
	}
	return err
}

// ReplicaStats returns the state of each standby, for metrics.
func (s *Store) ReplicaStats() []store.ReplicaStats {
	if s.replicas == nil {
		return nil
	}
	out := make([]store.ReplicaStats, len(s.replicas.list))
	for i, r := range s.replicas.list {
		out[i] = store.ReplicaStats{Name: r.name, Lag: time.Duration(r.lag.Load()).Seconds(), InUse: r.inUse.Load(), Reads: r.reads.Load()}
	}
	return out
}

// CheckReplicas runs a check of the standbys now (tests; the checks run on
// their own every few hundred milliseconds).
func (s *Store) CheckReplicas(ctx context.Context) {
	if s.replicas != nil {
		s.replicas.check(ctx)
	}
}
