package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/internal/accounts"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookinghttp"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/console"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/events/natsrelay"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/idempotency"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/ariindex"
	"github.com/hotelplatform/hotel/internal/inventory/inventoryhttp"
	"github.com/hotelplatform/hotel/internal/sampledata"
	"github.com/hotelplatform/hotel/internal/scheduler"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
	"github.com/hotelplatform/hotel/internal/webhooks"
)

// The modules that are not targets: the services targets share, run in a
// process when one of its targets needs them.
const (
	storeModule      = "store"             // the database, migrated and checked
	inventoryService = "inventory-service" // hotel.InventoryService: in process with the inventory target, else a client of INVENTORY_URL
	bookingService   = "booking-service"   // the booking service, over the inventory service
	eventsService    = "events-service"    // the event feed and the webhook subscriptions, over the store
	accountsService  = "accounts-service"  // staff users and their sessions, over the store
)

// A module is one part of a hotel process.
type module struct {
	// needs are the modules that start before this one.
	needs []string
	// start builds what the module provides and adds its ready checks and
	// background loops.
	start func(p *process) error
	// routes declares the module's routes over what start built. Called on
	// a process where nothing started, it lists them (see Routes).
	routes func(p *process) []auth.Route
	// wrap wraps the process's whole handler (the gateway's front door).
	wrap func(p *process, h http.Handler) http.Handler
}

// modules is every module, with what it needs: the one map of the
// dependencies between them. A target (config.AllTargets) is a module an
// operator names in --target; adding one is adding it here and there.
var modules = map[string]module{
	storeModule:      {start: startStore},
	inventoryService: {needs: []string{storeModule}, start: startInventoryService},
	bookingService:   {needs: []string{storeModule, inventoryService}, start: startBookingService},
	eventsService:    {needs: []string{storeModule}, start: startEvents},
	accountsService:  {needs: []string{storeModule, inventoryService}, start: startAccounts},

	config.TargetInventory: {needs: []string{storeModule, inventoryService}, start: startInventory,
		routes: func(p *process) []auth.Route {
			return append(inventoryhttp.Routes(p.inventory, p.keys()), databaseRoute(p))
		}},
	config.TargetBooking:   {needs: []string{storeModule, bookingService, eventsService, accountsService}, start: startBooking, routes: bookingRoutes},
	config.TargetScheduler: {needs: []string{storeModule, bookingService, eventsService}, start: startScheduler},
	config.TargetGateway:   {start: startGateway, routes: gatewayRoutes, wrap: front},
}

// startStore opens the database and checks it is ready.
func startStore(p *process) error {
	st, err := p.deps.OpenStore(p.ctx)
	if err != nil {
		return err
	}
	p.store = st
	if ps, ok := st.(interface{ PoolStats() store.PoolStats }); ok {
		var pending func(context.Context) (time.Time, bool, error)
		if p.runs(bookingService) {
			pending = st.OldestUnsettled
		}
		p.deps.Metrics.RegisterDatabase(p.deps.Name, p.cfg.Driver, ps.PoolStats, pending)
	}
	if rs, ok := st.(interface{ ReplicaStats() []store.ReplicaStats }); ok && p.cfg.DatabaseReadURL != "" && p.deps.Metrics != nil {
		p.deps.Metrics.RegisterReplicas(p.deps.Name, rs.ReplicaStats)
	}
	p.checks = append(p.checks, readyCheck{"database", func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return errors.New("unreachable")
		}
		if err := st.CheckSchema(ctx); err != nil {
			return errors.New("schema not at this binary's version")
		}
		return nil
	}})
	return nil
}

// DatabasePath is the route that tells an admin which database the
// inventory target uses.
const DatabasePath = "/inventory/database"

// DatabaseIdentity is the body of GET /inventory/database: the driver and
// the random id drawn when the schema was created (store.DatabaseID).
type DatabaseIdentity struct {
	Driver     string `json:"driver"`
	DatabaseID string `json:"database_id"`
}

// databaseRoute answers GET /inventory/database, for the tools that open
// the database themselves (hotel loadtest's invariant check) to make sure
// it is the one the target uses. Admins only.
func databaseRoute(p *process) auth.Route {
	return auth.Route{Pattern: "GET " + DatabasePath, Rule: auth.Rule{}, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := p.store.DatabaseID(r.Context())
		switch {
		case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
			web.Error(w, r, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The inventory database is unavailable; try again shortly.", Err: err})
		case err != nil:
			web.Error(w, r, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: fmt.Errorf("database identity: %w", err)})
		default:
			web.Encode(w, http.StatusOK, DatabaseIdentity{Driver: p.store.Driver(), DatabaseID: id})
		}
	})}
}

// startInventoryService is the store-backed inventory service when the
// inventory target runs in this process, else a client of a remote one.
func startInventoryService(p *process) error {
	if p.runs(config.TargetInventory) {
		opt := inventory.WithoutSearchIndex()
		if p.cfg.SearchIndex {
			opt = inventory.WithSearchIndex(ariindex.Options{MaxLag: p.cfg.SearchMaxLag, Days: p.cfg.SearchIndexDays})
		}
		svc := inventory.NewService(p.store, p.deps.Now, opt)
		if x := svc.SearchIndex(); x != nil {
			p.background.Go(func() {
				start := time.Now()
				if err := x.Warm(p.ctx); err != nil {
					if p.ctx.Err() == nil {
						p.deps.Log.Warn("search index: not every hotel loaded at start; searches load the rest", "err", err)
					}
				} else {
					p.deps.Log.Info("search index loaded", "hotels", x.Stats().Hotels, "seconds", time.Since(start).Seconds())
				}
				x.Run(p.ctx)
			})
			if p.deps.Metrics != nil {
				p.deps.Metrics.RegisterSearchIndex(p.deps.Name, x.Stats)
			}
		}
		p.inventory = p.deps.Metrics.InstrumentInventory(svc)
		return nil
	}
	replicas, err := p.replicas(p.cfg.InventoryURL)
	if err != nil {
		return err
	}
	c, err := inventoryhttp.NewClient(replicas.Base().String(), &http.Client{Transport: replicas}, p.cfg.ServiceKey)
	if err != nil {
		return err
	}
	p.inventory = c
	return nil
}

func startBookingService(p *process) error {
	cfg := booking.Config{Events: p.deps.Metrics,
		MaxStayNights: p.cfg.MaxStayNights, CallTimeout: p.cfg.InventoryTimeout, RecoverAfter: p.cfg.RecoverAfter,
	}
	p.bookings = booking.New(p.store, p.inventory, cfg, p.deps.Now, p.deps.Log)
	return nil
}

// startInventory seeds the sample hotels into an empty database and, with
// no HOTEL_ADMIN_KEY, creates the first admin key: one process does it, and
// the inventory target is it.
func startInventory(p *process) error {
	if p.cfg.SeedSample {
		loaded, err := sampledata.Seed(p.ctx, p.store, p.deps.Now(), 1)
		if err != nil {
			return err
		}
		if loaded {
			p.deps.Log.Info("seeded sample hotels", "hotels", 7, "nights_per_room_type", sampledata.SampleDays)
			if err := seedUsers(p); err != nil {
				return err
			}
		}
	}
	if p.cfg.AdminKey == "" {
		return bootstrapAdminKey(p)
	}
	return nil
}

// seedUsers gives the sample hotels their console users when the database
// has none, and prints their first passwords once to stdout (never to the
// log).
func seedUsers(p *process) error {
	existing, err := p.store.ListUsers(p.ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	svc := accounts.New(p.store, accounts.Options{Now: p.deps.Now, Log: p.deps.Log.With("component", "accounts")})
	var lines []string
	for _, su := range sampledata.SampleUsers {
		u, err := svc.CreateUser(p.ctx, accounts.UserInput{Email: &su.Email, Role: &su.Role, HotelIDs: &su.HotelIDs})
		if hotel.ErrorCode(err) == hotel.ECONFLICT {
			return nil // another replica made them first
		}
		if err != nil {
			return fmt.Errorf("create the sample users: %w", err)
		}
		lines = append(lines, fmt.Sprintf("    %-36s %-11s %s", u.Email, u.Role, u.Password))
	}
	fmt.Fprintf(p.deps.Stdout, "\nFirst start: console users of the sample hotels (first passwords, shown only this once):\n\n%s\n\n"+
		"Sign in at /console/; manage users with: hotel users create|list|disable|revoke-sessions\n\n", strings.Join(lines, "\n"))
	return nil
}

// bootstrapAdminKey makes a fresh deployment administrable: when the
// database has no API key at all, it creates an admin key and prints it
// once to stdout (never to the log).
func bootstrapAdminKey(p *process) error {
	keys, err := p.store.ListAPIKeys(p.ctx)
	if err != nil {
		return fmt.Errorf("list API keys: %w", err)
	}
	if len(keys) > 0 {
		return nil
	}
	key, prefix, hash := auth.NewKey()
	k := hotel.APIKey{Name: "admin", Prefix: prefix, Hash: hash, Scopes: []string{hotel.ScopeAdmin}}
	if err := p.store.CreateAPIKey(p.ctx, &k); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // another replica made it first
		}
		return fmt.Errorf("create the first admin key: %w", err)
	}
	p.deps.Log.Info("created the first admin API key and printed it once on standard output", "key_name", "admin")
	fmt.Fprintf(p.deps.Stdout, "\nFirst start: generated an admin API key (shown only this once, store it safely):\n\n    %s\n\n"+
		"Use it as:  curl -H 'Authorization: Bearer %s' …\nManage keys with: hotel keys create|list|revoke\n\n", key, key)
	return nil
}

// startBooking settles, without a scheduler in the process, what a crash
// left half done; the scheduler's recover-pending job does it every minute.
func startBooking(p *process) error {
	if !p.runs(config.TargetScheduler) {
		p.background.Go(func() {
			if _, err := p.bookings.Recover(p.ctx); err != nil && p.ctx.Err() == nil {
				p.deps.Log.Warn("booking recovery pass at start failed; the scheduler will retry", "err", err)
			}
		})
	}
	return nil
}

// bookingRoutes are the booking API, also under the seed's /booking/{path}
// prefix (as /{path}, with the operational routes).
// keys is the Idempotency-Key mechanism of the process's routes, over its
// store.
func (p *process) keys() *idempotency.Keys {
	var onReplay func()
	if p.deps.Metrics != nil {
		onReplay = p.deps.Metrics.IdempotentReplay
	}
	return idempotency.New(p.store, p.deps.Now, onReplay)
}

func bookingRoutes(p *process) []auth.Route {
	routes := slices.Concat(primaryReads(bookinghttp.Routes(p.bookings, p.keys())), events.Routes(p.feed), webhooks.Routes(p.webhooks),
		accounts.Routes(p.accounts), scheduler.AttentionRoutes(p.store, p.deps.Now))
	prefixed := http.NewServeMux()
	auth.NewRouter(prefixed, p.authn).Register(slices.Concat(routes, opsRoutes(p.checks))...)
	return append(routes, auth.Route{Pattern: "/booking/", Rule: auth.Rule{Forward: true},
		Handler: http.StripPrefix("/booking", web.ProblemMux(prefixed))})
}

// startAccounts builds the staff users' service (the console's sign-in).
func startAccounts(p *process) error {
	signIns, err := accounts.NewSignInCounter(p.deps.Metrics.Registry)
	if err != nil {
		return err
	}
	p.accounts = accounts.New(p.store, accounts.Options{SessionTTL: p.cfg.SessionTTL, Now: p.deps.Now, SignIns: signIns,
		Log: p.deps.Log.With("component", "accounts"),
		Hotels: func(ctx context.Context, id int64) error {
			_, err := p.inventory.GetHotel(ctx, id)
			return err
		}})
	return nil
}

// startEvents builds the event feed (counting the events it numbers) and
// the webhook subscriptions over it.
func startEvents(p *process) error {
	written := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hotel_events_published_total", Help: "Events numbered into the event feed (each committed change's event, once).",
	})
	if err := p.deps.Metrics.Registry.Register(written); err != nil {
		return err
	}
	m, err := webhooks.NewMetrics(p.deps.Metrics.Registry)
	if err != nil {
		return err
	}
	p.feed = events.NewFeed(p.store)
	p.feed.OnPublish = func(n int) { written.Add(float64(n)) }
	p.webhooks = webhooks.New(p.store, p.feed, webhooks.Options{
		Timeout: p.cfg.WebhookTimeout, RetryFor: p.cfg.WebhookRetryFor, AllowNets: p.cfg.WebhookAllowNets,
		Now: p.deps.Now, Log: p.deps.Log.With("component", "webhooks"), Metrics: m,
	})
	return nil
}

// JobDeliverWebhooks is the scheduler's job that runs the webhook
// dispatcher: each run delivers for a minute under the job's lease, so one
// replica delivers at a time and another takes over within the lease if it
// dies.
const JobDeliverWebhooks = "deliver-webhooks"

// startScheduler runs the periodic jobs, each at start and then on its interval.
func startScheduler(p *process) error {
	drift := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "hotel_reconcile_drift_nights", Help: "Nights whose held rooms differed from bookings at the last reconciliation.",
	})
	if err := p.deps.Metrics.Registry.Register(drift); err != nil {
		return err
	}
	jobs := append(scheduler.Jobs(p.store, p.bookings, SchedulerConfig(p.cfg), p.deps.Now, p.deps.Log, drift), scheduler.Job{
		Name: JobDeliverWebhooks, Every: time.Second, Lease: 30 * time.Second,
		Run: func(ctx context.Context, renew func(context.Context) error) (scheduler.Result, error) {
			res, err := p.webhooks.Dispatch(ctx, time.Minute, renew)
			return scheduler.Result{Items: res.Delivered, Counts: map[string]int{"delivered": res.Delivered, "failed": res.Failed, "paused": res.Paused}}, err
		},
	})
	var relay *natsrelay.Relay
	if p.cfg.NATSURL != "" {
		var err error
		relay, err = natsrelay.New(p.cfg.NATSURL, p.feed, natsrelay.Options{Logger: p.deps.Log, Registerer: p.deps.Metrics.Registry})
		if err != nil {
			return fmt.Errorf("HOTEL_NATS_URL: %w", err)
		}
		jobs = append(jobs, scheduler.Job{
			Name: JobPublishNATS, Every: time.Second, Lease: 30 * time.Second,
			Run: func(ctx context.Context, renew func(context.Context) error) (scheduler.Result, error) {
				n, err := relay.PublishFor(ctx, time.Minute, renew)
				return scheduler.Result{Items: n}, err
			},
		})
	}
	sched, err := scheduler.New(p.store, jobs, p.deps.Now, p.deps.Log, p.deps.Metrics.Registry)
	if err != nil {
		return err
	}
	p.background.Go(func() {
		sched.Start(p.ctx)
		if relay != nil {
			relay.Close()
		}
	})
	return nil
}

// JobPublishNATS is the scheduler's job that publishes the event feed to
// NATS JetStream (HOTEL_NATS_URL): each run publishes for a minute under
// the job's lease, so one replica publishes at a time.
const JobPublishNATS = "publish-nats"

// startGateway prepares the forwarding to the services not in this process
// and, with HOTEL_REDIS_URL, the Redis its rate limits are shared through.
func startGateway(p *process) error {
	if p.cfg.RedisURL != "" {
		rdb, err := gateway.NewRedisClient(p.cfg.RedisURL, p.cfg.RedisTimeout)
		if err != nil {
			return fmt.Errorf("HOTEL_REDIS_URL: %w", err)
		}
		p.redis = rdb
		p.limiterErrors = prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_rate_limit_redis_errors_total",
			Help: "Rate-limit decisions Redis did not make (unreachable, slow or failing), made by the gateway replica's own buckets instead.",
		})
		if p.deps.Metrics != nil {
			if err := p.deps.Metrics.Registry.Register(p.limiterErrors); err != nil {
				return err
			}
		}
		// Fail open: a Redis down at start is waited for by no one.
		ctx, cancel := context.WithTimeout(p.ctx, time.Second)
		err = rdb.Ping(ctx).Err()
		cancel()
		if err != nil {
			p.deps.Log.Warn("rate limiter: Redis unreachable at start; each replica limits on its own until it answers",
				"redis", rdb.Options().Addr, "err", err)
		} else {
			p.deps.Log.Info("rate limits shared through Redis", "redis", rdb.Options().Addr, "timeout", p.cfg.RedisTimeout.String())
		}
	}
	if !p.runs(config.TargetInventory) {
		replicas, err := p.replicas(p.cfg.InventoryURL)
		if err != nil {
			return err
		}
		p.toInventory = gateway.Proxy("inventory", replicas.Base(), "", replicas)
		p.upstreamChecks = append(p.upstreamChecks, upstreamCheck("inventory", gateway.SplitURLs(p.cfg.InventoryURL), p.upstream))
	}
	if !p.runs(config.TargetBooking) {
		replicas, err := p.replicas(p.cfg.BookingURL)
		if err != nil {
			return err
		}
		p.toBooking = gateway.Proxy("booking", replicas.Base(), "", replicas)
		p.toBookingPrefixed = gateway.Proxy("booking", replicas.Base(), "/booking", replicas)
		p.upstreamChecks = append(p.upstreamChecks, upstreamCheck("booking", gateway.SplitURLs(p.cfg.BookingURL), p.upstream))
	}
	return nil
}

// gatewayRoutes are GET /, the API documentation and the forwarding to the
// services not in this process, which enforce their own rules.
func gatewayRoutes(p *process) []auth.Route {
	routes := append([]auth.Route{{Pattern: "GET /{$}", Rule: auth.Rule{Public: true}, Handler: gateway.HandleRoot()}}, api.Routes()...)
	routes = append(routes, console.Routes()...)
	forward := auth.Rule{Forward: true}
	if !p.runs(config.TargetInventory) {
		routes = append(routes,
			auth.Route{Pattern: "/inventory/", Rule: forward, Handler: p.toInventory},
			auth.Route{Pattern: "/inventory", Rule: forward, Handler: p.toInventory})
	}
	if !p.runs(config.TargetBooking) {
		routes = append(routes,
			auth.Route{Pattern: "/bookings/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/bookings", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/events", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/events/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/webhooks", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/webhooks/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/auth/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/scheduler/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/users", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/users/", Rule: forward, Handler: p.toBooking},
			auth.Route{Pattern: "/booking/", Rule: forward, Handler: p.toBookingPrefixed})
	}
	return routes
}

// front is the gateway's front door: browsers from the allowed origins, and
// a token bucket per client (its verified key, else its IP), and one per
// address for sign-ins; shared between replicas through Redis if there is
// one.
func front(p *process, h http.Handler) http.Handler {
	identify := gateway.IdentifyByCredential(p.authn, p.cfg.RateExemptAdmin, p.cfg.RateExemptService, auth.WithVerified)
	return gateway.CORS(p.cfg.CORSOrigins,
		gateway.RateLimit(p.limiter("requests", gateway.Limit{Rate: p.cfg.RateLimit, Burst: p.cfg.RateBurst}), identify,
			gateway.SignInLimit(p.limiter("sign-in", gateway.SignInRate), h, "POST "+accounts.SignInPath, "POST /booking"+accounts.SignInPath)))
}

// limiter is a limiter of l named name: shared through Redis with
// HOTEL_REDIS_URL, else this process's own.
func (p *process) limiter(name string, l gateway.Limit) gateway.Limiter {
	if p.redis == nil || l.Rate <= 0 {
		return gateway.NewMemoryLimiter(l, gateway.MemoryOptions{})
	}
	return gateway.NewRedisLimiter(p.redis, l, gateway.RedisOptions{Name: name, Timeout: p.cfg.RedisTimeout,
		Errors: p.limiterErrors, Log: p.deps.Log.With("component", "ratelimit")})
}

// SchedulerConfig is the jobs' configuration from cfg.
func SchedulerConfig(cfg *config.Config) scheduler.Config {
	return scheduler.Config{CheckoutRunAt: cfg.CheckoutRunAt, GuestRetentionDays: cfg.GuestRetentionDays,
		KeepUnchecked: !cfg.CompleteUnchecked, NoShows: cfg.NoShows, NoShowAt: cfg.NoShowAt,
		EventRetention: time.Duration(cfg.EventRetentionDays) * 24 * time.Hour}
}
