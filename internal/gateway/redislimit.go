package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Defaults of a RedisLimiter.
const (
	// DefaultRedisTimeout bounds each call to Redis: a slow Redis costs a
	// request at most this much, then the replica decides alone.
	DefaultRedisTimeout = 50 * time.Millisecond
	// redisRetryEvery is how long a limiter that could not reach Redis
	// decides alone before it tries Redis again: while Redis is down, one
	// request a second per limiter waits for it, not every request.
	redisRetryEvery = time.Second
	// redisLogEvery spaces the warnings while Redis stays unreachable.
	redisLogEvery = 30 * time.Second
)

// RedisOptions tune a RedisLimiter.
type RedisOptions struct {
	// Name keeps this limiter's buckets apart from other limiters' in the
	// same Redis ("requests", "sign-in").
	Name string
	// Timeout bounds each call to Redis (default DefaultRedisTimeout).
	Timeout time.Duration
	// Local decides while Redis is unreachable (default: a MemoryLimiter
	// of the same Limit): this replica's own buckets.
	Local Limiter
	// Errors counts the requests Redis could not decide (optional).
	Errors prometheus.Counter
	// Log gets a warning when Redis becomes unreachable (then at most one
	// every 30 s while it stays so) and a line when it is back.
	Log *slog.Logger
	// Now is the clock of the retry and log spacing (default time.Now);
	// the buckets run on Redis' clock.
	Now func() time.Time
}

// RedisLimiter shares each client's bucket between all the gateways that
// use the same Redis, with redis_rate's GCRA (a token bucket kept as one
// timestamp per client, updated by a Lua script in one round trip; idle
// clients' keys expire once their bucket is full).
//
// It fails open, to a backstop: a request Redis cannot decide within
// Timeout — Redis down, slow or failing — is decided by Local, this
// replica's own buckets of the same limit, and counted in Errors. So a
// Redis outage neither refuses nor slows traffic, and no client becomes
// unlimited: each replica allows it the whole limit, so across N
// replicas at most N times the limit until Redis is back. After a
// failure the limiter decides alone for a second before it tries Redis
// again.
type RedisLimiter struct {
	limit   Limit
	rl      *redis_rate.Limiter
	gcra    redis_rate.Limit
	prefix  string
	opts    RedisOptions
	retryAt atomic.Int64 // unix nanoseconds before which Redis is not tried
	down    atomic.Bool  // decided alone since Redis last answered

	mu      sync.Mutex // over the outage's log state
	logged  time.Time
	missed  int // requests decided alone since the last warning
	lastErr error
}

// NewRedisLimiter returns a limiter of l over rdb (a Burst under 1 is 1).
// Its keys are "rate:hotel:<name>:<client>".
func NewRedisLimiter(rdb redis.UniversalClient, l Limit, o RedisOptions) *RedisLimiter {
	l.Burst = max(1, l.Burst)
	if o.Timeout <= 0 {
		o.Timeout = DefaultRedisTimeout
	}
	if o.Local == nil {
		o.Local = NewMemoryLimiter(l, MemoryOptions{Now: o.Now})
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	// GCRA's emission interval is Period/Rate: one request every 1/l.Rate
	// seconds, whatever fraction of a request a second l.Rate is.
	gcra := redis_rate.Limit{Rate: 1, Burst: l.Burst, Period: time.Duration(float64(time.Second) / l.Rate)}
	return &RedisLimiter{limit: l, rl: redis_rate.NewLimiter(rdb), gcra: gcra, prefix: "hotel:" + o.Name + ":", opts: o}
}

// Limit is the bucket every client has.
func (s *RedisLimiter) Limit() Limit { return s.limit }

// Take spends one request of client's shared bucket, or of its local one
// while Redis is unreachable.
func (s *RedisLimiter) Take(ctx context.Context, client string) Decision {
	now := s.opts.Now()
	if now.UnixNano() < s.retryAt.Load() {
		return s.alone(ctx, now, client, nil)
	}
	cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	res, err := s.rl.Allow(cctx, s.prefix+client, s.gcra)
	cancel()
	if err != nil {
		if ctx.Err() != nil { // the client left: not Redis' fault
			return s.opts.Local.Take(ctx, client)
		}
		s.retryAt.Store(now.Add(redisRetryEvery).UnixNano())
		return s.alone(ctx, now, client, err)
	}
	if s.down.Load() {
		s.back()
	}
	d := Decision{Allowed: res.Allowed > 0, Remaining: res.Remaining, ResetAfter: res.ResetAfter}
	if !d.Allowed {
		d.RetryAfter = res.RetryAfter
	}
	return d
}

// alone decides with the local buckets, counts it, and warns (spaced out).
func (s *RedisLimiter) alone(ctx context.Context, now time.Time, client string, err error) Decision {
	if s.opts.Errors != nil {
		s.opts.Errors.Inc()
	}
	s.mu.Lock()
	s.missed++
	if err != nil {
		s.lastErr = err
	}
	var warn bool
	var missed int
	var last error
	if !s.down.Load() || now.Sub(s.logged) >= redisLogEvery {
		warn, missed, last = true, s.missed, s.lastErr
		s.logged, s.missed = now, 0
		s.down.Store(true)
	}
	s.mu.Unlock()
	if warn {
		var ne net.Error
		if errors.Is(last, context.DeadlineExceeded) || errors.As(last, &ne) && ne.Timeout() {
			last = errors.New("no answer within " + s.opts.Timeout.String())
		}
		s.opts.Log.Warn("rate limiter: Redis unreachable; this replica limits each client on its own until it is back",
			"limiter", s.opts.Name, "requests_decided_alone", missed, "err", last)
	}
	return s.opts.Local.Take(ctx, client)
}

// back notes that Redis answered again.
func (s *RedisLimiter) back() {
	s.mu.Lock()
	if !s.down.Load() {
		s.mu.Unlock()
		return
	}
	missed := s.missed
	s.missed, s.lastErr = 0, nil
	s.down.Store(false)
	s.mu.Unlock()
	s.opts.Log.Info("rate limiter: Redis reachable again; limits are shared", "limiter", s.opts.Name, "requests_decided_alone", missed)
}

// NewRedisClient returns a client of the Redis at url (redis://, rediss://
// or unix://) for the limiters: each call bounded by timeout (dialling,
// reading, writing and waiting for a pooled connection), never retried —
// a limiter that gets no answer decides alone instead of waiting longer.
// Settings given in the URL's query (dial_timeout=…, pool_size=…) win.
func NewRedisClient(url string, timeout time.Duration) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("not a Redis URL such as redis://redis:6379/0")
	}
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	opts.ContextTimeoutEnabled = true
	if opts.MaxRetries == 0 {
		opts.MaxRetries = -1
	}
	for _, d := range []*time.Duration{&opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout} {
		if *d == 0 {
			*d = timeout
		}
	}
	if opts.DialerRetries == 0 {
		opts.DialerRetries = 1
	}
	opts.DisableIdentity = true // CLIENT SETINFO: a round trip, and unknown before Redis 7.2
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	quietRedis.Do(func() { redis.SetLogger(quiet{}) })
	return redis.NewClient(opts), nil
}

// go-redis logs each failed dial to stderr, as plain text: the limiters log
// the outage themselves, as JSON and spaced out, so its lines are dropped.
var quietRedis sync.Once

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}
