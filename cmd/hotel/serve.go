package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/api"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookinghttp"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/inventory/inventoryhttp"
	"github.com/hotelplatform/hotel/internal/sampledata"
	"github.com/hotelplatform/hotel/internal/scheduler"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
	"github.com/hotelplatform/hotel/internal/web"
)

var serveFlags = append([]string{"addr", "target", "inventory-url", "booking-url", "auto-migrate", "seed-sample", "checkout-run-at", "admin-addr",
	"shutdown-timeout", "upstream-timeout", "read-timeout", "rate-limit", "rate-burst", "rate-limit-exempt", "cors-origins", "max-stay-nights", "inventory-timeout", "recover-after"}, dbFlags...)

// sampleZone is the time zone of the sample hotels (all in Great Britain):
// their first night is "today" there.
const sampleZone = "Europe/London"

// serve runs the configured targets until ctx is done, then shuts down
// gracefully: stop accepting, let in-flight requests finish, close the store.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := config.Load("serve", args, getenv, stderr, serveFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", rest)}
	}
	targetName := strings.Join(cfg.Targets, ",")
	if !cfg.Split() {
		targetName = "all"
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel).With("service", "hotel", "target", targetName)
	tracing, err := telemetry.NewTracing(ctx, targetName, cfg.OTLPEndpoint)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := tracing.Shutdown(sctx); err != nil {
			log.Warn("traces not flushed", "err", err)
		}
	}()
	now := time.Now

	var st store.Store
	if cfg.NeedsStore() {
		if st, err = openTracedStore(ctx, cfg, log, tracing); err != nil {
			return err
		}
		defer st.Close()
		if err := prepareSchema(ctx, st, cfg.AutoMigrate, log); err != nil {
			return err
		}
	}

	// Background loops end with ctx, before the store closes.
	var background sync.WaitGroup
	defer background.Wait()

	// Metrics: the Go runtime and process, and what the modules register;
	// served on the admin listener (HOTEL_ADMIN_ADDR), never publicly.
	metrics := telemetry.NewMetrics(targetName)
	registry := metrics.Registry
	if st != nil {
		if ps, ok := st.(interface{ PoolStats() store.PoolStats }); ok {
			var pending func(context.Context) (time.Time, bool, error)
			if cfg.Has(config.TargetBooking) || cfg.Has(config.TargetScheduler) {
				pending = st.OldestSyncPending
			}
			metrics.RegisterDatabase(targetName, cfg.Driver, ps.PoolStats, pending)
		}
	}
	if cfg.AdminAddr != "" {
		stop, err := serveAdmin(ctx, cfg.AdminAddr, registry, log)
		if err != nil {
			return err
		}
		defer stop()
	}

	transport := gateway.NewTransport(cfg.UpstreamTimeout)
	defer transport.CloseIdleConnections()
	upstream := &http.Client{Transport: transport, Timeout: cfg.UpstreamTimeout}
	authn := auth.NewAuthenticator(st, cfg.AdminKey, cfg.ServiceKey, now)
	mux := http.NewServeMux()
	routes := auth.NewRouter(mux, authn, auth.Rules)
	var checks []readyCheck

	// inventory: the store-backed service; the booking service reaches a
	// remote one through inventoryhttp.Client.
	var inv hotel.InventoryService
	if cfg.Has(config.TargetInventory) {
		svc := metrics.InstrumentInventory(inventory.NewService(st, now))
		inv = svc
		inventoryhttp.Register(routes, svc)
		if cfg.SeedSample {
			loaded, err := seedSample(ctx, st, now, 1)
			if err != nil {
				return err
			}
			if loaded {
				log.Info("seeded sample hotels", "hotels", 7, "nights_per_room_type", sampledata.SampleDays)
			}
		}
		// One process creates the first admin key; the inventory target is it.
		if cfg.AdminKey == "" {
			if err := bootstrapAdminKey(ctx, st, stdout, log); err != nil {
				return err
			}
		}
	}

	if st != nil {
		checks = append(checks, readyCheck{"database", func(ctx context.Context) error {
			if err := st.Ping(ctx); err != nil {
				return errors.New("unreachable")
			}
			if err := st.CheckSchema(ctx); err != nil {
				return errors.New("schema not at this binary's version")
			}
			return nil
		}})
	}

	// The booking service, for the booking and scheduler targets, over
	// inventory in process or over HTTP.
	var bookings *booking.Service
	if cfg.Has(config.TargetBooking) || cfg.Has(config.TargetScheduler) {
		if inv == nil {
			replicas, err := gateway.NewReplicas(gateway.SplitURLs(cfg.InventoryURL), tracing.Transport(transport))
			if err != nil {
				return err
			}
			c, err := inventoryhttp.NewClient(replicas.Base().String(), &http.Client{Transport: replicas}, cfg.ServiceKey)
			if err != nil {
				return err
			}
			inv = c
		}
		bcfg := booking.Config{Events: metrics,
			MaxStayNights: cfg.MaxStayNights, CallTimeout: cfg.InventoryTimeout, RecoverAfter: cfg.RecoverAfter,
		}
		if cfg.Has(config.TargetInventory) {
			bcfg.Local = st // inventory in this process, on this database
		}
		bookings = booking.New(st, inv, bcfg, now, log)
	}

	// booking: the /bookings routes, also under the seed's /booking/{path}
	// prefix (as /{path}).
	if cfg.Has(config.TargetBooking) {
		bookinghttp.Register(routes, bookings, st, now, bookinghttp.OnReplay(metrics.IdempotentReplay))
		bookingMux := http.NewServeMux()
		prefixed := auth.NewRouter(bookingMux, authn, auth.Rules)
		bookinghttp.Register(prefixed, bookings, st, now, bookinghttp.OnReplay(metrics.IdempotentReplay))
		registerOps(prefixed, checks)
		routes.Handle("/booking/", http.StripPrefix("/booking", web.ProblemMux(bookingMux)))
		if !cfg.Has(config.TargetScheduler) {
			// Settle what a crash left half done; the scheduler's
			// recover-pending job does it every minute from then on.
			background.Go(func() {
				if _, err := bookings.Recover(ctx); err != nil && ctx.Err() == nil {
					log.Warn("booking recovery pass at start failed; the scheduler will retry", "err", err)
				}
			})
		}
	}

	// scheduler: the periodic jobs, each at start and then on its interval.
	if cfg.Has(config.TargetScheduler) {
		drift := prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hotel_reconcile_drift_nights", Help: "Nights whose held rooms differed from bookings at the last reconciliation.",
		})
		if err := registry.Register(drift); err != nil {
			return err
		}
		jobs := scheduler.Jobs(st, bookings, scheduler.Config{CheckoutRunAt: cfg.CheckoutRunAt}, now, log, drift)
		sched, err := scheduler.New(st, jobs, now, log, registry)
		if err != nil {
			return err
		}
		background.Go(func() { sched.Start(ctx) })
	}

	// gateway: GET / and forwarding to services not in this process.
	if cfg.Has(config.TargetGateway) {
		routes.Handle("GET /{$}", gateway.HandleRoot())
		api.Register(routes) // GET /openapi.json, GET /docs
		if !cfg.Has(config.TargetInventory) {
			replicas, err := gateway.NewReplicas(gateway.SplitURLs(cfg.InventoryURL), tracing.Transport(transport))
			if err != nil {
				return err
			}
			p := gateway.Proxy("inventory", replicas.Base(), "", replicas)
			routes.Handle("/inventory/", p)
			routes.Handle("/inventory", p)
			checks = append(checks, upstreamCheck("inventory", gateway.SplitURLs(cfg.InventoryURL), upstream))
		}
		if !cfg.Has(config.TargetBooking) {
			replicas, err := gateway.NewReplicas(gateway.SplitURLs(cfg.BookingURL), tracing.Transport(transport))
			if err != nil {
				return err
			}
			p := gateway.Proxy("booking", replicas.Base(), "", replicas)
			routes.Handle("/bookings/", p)
			routes.Handle("/bookings", p)
			routes.Handle("/booking/", gateway.Proxy("booking", replicas.Base(), "/booking", replicas))
			checks = append(checks, upstreamCheck("booking", gateway.SplitURLs(cfg.BookingURL), upstream))
		}
	}

	registerOps(routes, checks)

	handler := web.ProblemMux(mux)
	if cfg.Has(config.TargetGateway) {
		// The front door: browsers from the allowed origins, and a token
		// bucket per client (its verified key, else its IP).
		identify := gateway.IdentifyByCredential(authn, cfg.RateExemptAdmin, cfg.RateExemptService, auth.WithVerified)
		handler = gateway.CORS(cfg.CORSOrigins,
			gateway.RateLimit(gateway.RateLimitConfig{Rate: cfg.RateLimit, Burst: cfg.RateBurst}, identify, handler))
	}
	srv := &http.Server{
		Handler:           tracing.Handler(web.Middleware(log, handler, metrics.ObserveRequest)),
		ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on HOTEL_ADDR=%s: %w", cfg.Addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "targets", cfg.Targets, "driver", cfg.Driver)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// seedSample loads the sample hotels, their first night today in their
// zone, when the database has no hotel; it reports whether it loaded them.
func seedSample(ctx context.Context, st store.Store, now func() time.Time, seed uint64) (bool, error) {
	loc, err := time.LoadLocation(sampleZone)
	if err != nil {
		return false, fmt.Errorf("load time zone %s: %w", sampleZone, err)
	}
	loaded, err := st.Load(ctx, sampledata.Sample(hotel.Today(now(), loc), seed), true)
	if err != nil {
		return false, fmt.Errorf("seed sample hotels: %w", err)
	}
	return loaded, nil
}

// registerOps adds the operational routes every server has.
func registerOps(mux web.Router, checks []readyCheck) {
	mux.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	mux.Handle("GET /readyz", handleReady(checks))
}

// bootstrapAdminKey makes a fresh deployment administrable: when no
// HOTEL_ADMIN_KEY is configured and the database has no API key at all, it
// creates an admin key and prints it once to stdout (never to the log).
func bootstrapAdminKey(ctx context.Context, st store.Store, stdout io.Writer, log *slog.Logger) error {
	keys, err := st.ListAPIKeys(ctx)
	if err != nil {
		return fmt.Errorf("list API keys: %w", err)
	}
	if len(keys) > 0 {
		return nil
	}
	key, prefix, hash := auth.NewKey()
	k := hotel.APIKey{Name: "admin", Prefix: prefix, Hash: hash, Scopes: []string{hotel.ScopeAdmin}}
	if err := st.CreateAPIKey(ctx, &k); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // another replica made it first
		}
		return fmt.Errorf("create the first admin key: %w", err)
	}
	log.Info("created the first admin API key and printed it once on standard output", "key_name", "admin")
	fmt.Fprintf(stdout, "\nFirst start: generated an admin API key (shown only this once, store it safely):\n\n    %s\n\n"+
		"Use it as:  curl -H 'Authorization: Bearer %s' …\nManage keys with: hotel keys create|list|revoke\n\n", key, key)
	return nil
}

// readyCheck is one dependency /readyz verifies.
type readyCheck struct {
	name  string
	check func(context.Context) error
}

// upstreamCheck is ready when any replica of an upstream is.
func upstreamCheck(name string, bases []string, hc *http.Client) readyCheck {
	return readyCheck{name, func(ctx context.Context) error {
		var last error
		for _, base := range bases {
			if last = readyAt(ctx, base, hc); last == nil {
				return nil
			}
		}
		return last
	}}
}

func readyAt(ctx context.Context, base string, hc *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return errors.New("unreachable")
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready (%d)", resp.StatusCode)
	}
	return nil
}

// Readiness is the body of GET /readyz.
type Readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func handleReady(checks []readyCheck) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		res := Readiness{Status: "ready", Checks: map[string]string{}}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range checks {
			wg.Go(func() {
				msg := "ok"
				if err := c.check(ctx); err != nil {
					msg = err.Error()
				}
				mu.Lock()
				defer mu.Unlock()
				res.Checks[c.name] = msg
				if msg != "ok" {
					res.Status = "unavailable"
				}
			})
		}
		wg.Wait()
		status := http.StatusOK
		if res.Status != "ready" {
			status = http.StatusServiceUnavailable
		}
		web.Encode(w, status, res)
	})
}

// serveAdmin serves /metrics from reg on addr until the returned stop is
// called: the admin listener, kept off the public gateway.
func serveAdmin(ctx context.Context, addr string, reg *prometheus.Registry, log *slog.Logger) (func(), error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on HOTEL_ADMIN_ADDR=%s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("admin listener", "addr", ln.Addr().String(), "paths", []string{"/metrics"})
	return func() { _ = srv.Close() }, nil
}
