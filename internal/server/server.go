// Package server assembles a hotel process from modules: the targets an
// operator runs (gateway, inventory, booking, scheduler) and the services
// they share (the store, the inventory service, the booking service). Each
// module declares, in one map (modules.go), what it needs, how it starts,
// the routes it serves and their access rules; a process runs its targets
// and what they need, each after what it needs, and serves every route of
// them on one listener. The same declarations list every route of the
// platform (Routes), from which the README's access table and the
// operations of the OpenAPI document are checked.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/accounts"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/events"
	"github.com/hotelplatform/hotel/internal/gateway"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
	"github.com/hotelplatform/hotel/internal/web"
	"github.com/hotelplatform/hotel/internal/webhooks"
)

// Deps is what a process is given.
type Deps struct {
	Name    string // the process's name in metrics: "all" or its targets
	Log     *slog.Logger
	Stdout  io.Writer // where the first admin key is printed, once
	Now     func() time.Time
	Metrics *telemetry.Metrics
	Tracing *telemetry.Tracing
	// OpenStore opens the configured database, its schema ready.
	OpenStore func(context.Context) (store.Store, error)
}

// Server is a started process: its HTTP handler and what runs behind it.
type Server struct {
	Handler http.Handler
	p       *process
}

// process is what the modules of one process share: each module's start
// fills in what it provides.
type process struct {
	ctx    context.Context
	cancel context.CancelFunc
	cfg    *config.Config
	deps   Deps
	plan   []string // the modules that run, in start order

	transport *http.Transport // to the services in other processes
	upstream  *http.Client    // for their readiness

	store     store.Store
	inventory hotel.InventoryService
	bookings  *booking.Service
	feed      *events.Feed
	webhooks  *webhooks.Service
	accounts  *accounts.Service
	authn     *auth.Authenticator

	toInventory, toBooking, toBookingPrefixed http.Handler       // the gateway's forwarding
	redis                                     *redis.Client      // the gateway's shared rate limits (HOTEL_REDIS_URL)
	limiterErrors                             prometheus.Counter // decisions Redis did not make

	checks         []readyCheck // of this process's own services
	upstreamChecks []readyCheck // the gateway's, of the services it forwards to
	background     sync.WaitGroup
}

// New starts the modules of cfg's targets and returns the server of their
// routes. Background loops run until ctx is done or Close is called.
func New(ctx context.Context, cfg *config.Config, deps Deps) (_ *Server, err error) {
	p := &process{cfg: cfg, deps: deps, plan: plan(cfg)}
	p.ctx, p.cancel = context.WithCancel(ctx)
	p.transport = gateway.NewTransport(cfg.UpstreamTimeout)
	p.upstream = &http.Client{Transport: p.transport, Timeout: cfg.UpstreamTimeout}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	for _, name := range p.plan {
		if err := modules[name].start(p); err != nil {
			return nil, err
		}
	}
	p.authn = auth.NewAuthenticator(p.store, cfg.AdminKey, cfg.ServiceKey, deps.Now)
	if cfg.SessionIdle > 0 {
		p.authn.SessionIdle = cfg.SessionIdle
	}
	mux := http.NewServeMux()
	router := auth.NewRouter(mux, p.authn)
	for _, name := range p.plan {
		if routes := modules[name].routes; routes != nil {
			router.Register(routes(p)...)
		}
	}
	router.Register(opsRoutes(slices.Concat(p.checks, p.upstreamChecks))...)
	h := readRouting(web.ProblemMux(mux), cfg.DatabaseReadURL != "" && p.store != nil, cfg.MaxReplicaLag)
	if p.runs(config.TargetBooking) || p.runs(config.TargetInventory) {
		// The services bound their work (a gateway alone forwards: the
		// services behind it refuse what they cannot take).
		adm, err := web.NewAdmission(admissionClasses(cfg), cfg.AdmissionWait, admissionClass, deps.Metrics.Registry)
		if err != nil {
			return nil, err
		}
		h = adm.Wrap(h)
	}
	for _, name := range p.plan {
		if wrap := modules[name].wrap; wrap != nil {
			h = wrap(p, h)
		}
	}
	return &Server{Handler: h, p: p}, nil
}

// admissionClasses are the bounds of cfg (HOTEL_MAX_IN_FLIGHT), each
// class's default for this machine's CPUs where not set.
func admissionClasses(cfg *config.Config) []web.AdmissionClass {
	var out []web.AdmissionClass
	for _, c := range config.AdmissionClasses {
		n, ok := cfg.MaxInFlight[c]
		if !ok {
			n = config.DefaultInFlight(c, runtime.GOMAXPROCS(0))
		}
		out = append(out, web.AdmissionClass{Name: c, Limit: n})
	}
	return out
}

// admissionClass is the class of routes of r (config.AdmissionClasses):
// the booking flow — bookings and the holds the booking service takes for
// them — apart from reads and other changes, so a flood of searches never
// takes the slots of bookings; the event feed's long polls (cheap while
// they wait) apart too; probes never wait.
func admissionClass(r *http.Request) string {
	p := r.URL.Path
	if strings.HasPrefix(p, "/booking/") { // the seed's prefix of the booking service
		p = p[len("/booking"):]
	}
	switch {
	case p == "/healthz" || p == "/readyz" || r.URL.Path == "/":
		return ""
	case strings.HasPrefix(p, "/bookings"), strings.HasPrefix(p, "/inventory/holds"), strings.HasPrefix(p, "/inventory/hold-groups"):
		return "bookings"
	case strings.HasPrefix(p, "/events"):
		return "feed"
	case r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions:
		return "reads"
	}
	return "writes"
}

// Close stops the background loops, waits for them and closes the store.
func (s *Server) Close() { s.p.close() }

func (p *process) close() {
	p.cancel()
	p.background.Wait()
	if p.store != nil {
		_ = p.store.Close()
	}
	if p.redis != nil {
		_ = p.redis.Close()
	}
	p.transport.CloseIdleConnections()
}

// runs reports whether module runs in this process.
func (p *process) runs(module string) bool { return slices.Contains(p.plan, module) }

// replicas is the transport to a service at urls (a comma list of replicas).
func (p *process) replicas(urls string) (*gateway.Replicas, error) {
	return gateway.NewReplicas(gateway.SplitURLs(urls), p.deps.Tracing.Transport(p.transport))
}

// plan returns the modules a process of cfg runs: its targets and what they
// need, each after what it needs.
func plan(cfg *config.Config) []string {
	var out []string
	var visit func(string)
	visit = func(name string) {
		if slices.Contains(out, name) {
			return
		}
		for _, n := range modules[name].needs {
			visit(n)
		}
		out = append(out, name)
	}
	if cfg.Has(config.TargetGateway) && cfg.Driver == "postgres" {
		// A gateway reads API keys from a shared database, to rate limit
		// by key; a SQLite file is the services' own.
		visit(storeModule)
	}
	for _, t := range cfg.Targets {
		visit(t)
	}
	return out
}

// Routes returns every route a hotel process may serve, sorted by pattern:
// each target's routes as all-in-one serves them, the gateway's forwarding
// to targets in other processes, and the operational routes. The handlers
// are not bound to services: the list is for the README's access table, the
// OpenAPI document and the authorization matrix.
func Routes() []auth.Route {
	p := &process{} // nothing runs here: the gateway forwards everything
	var all []auth.Route
	for _, name := range config.AllTargets {
		if routes := modules[name].routes; routes != nil {
			all = append(all, routes(p)...)
		}
	}
	all = append(all, opsRoutes(nil)...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Pattern < all[j].Pattern })
	// /booking/ is both the booking target's prefix and the gateway's
	// forward to it: one route, declared alike by both.
	return slices.CompactFunc(all, func(a, b auth.Route) bool {
		if a.Pattern == b.Pattern && a.Rule != b.Rule {
			panic(fmt.Sprintf("server: route %q is declared with two rules", a.Pattern))
		}
		return a.Pattern == b.Pattern
	})
}

// opsRoutes are the operational routes every server has. They are never
// rate limited (probes come from the platform), so /readyz runs each check
// at most once per readyTTL (see memoCheck): a flood of it costs the
// database and the upstreams one check each a second.
func opsRoutes(checks []readyCheck) []auth.Route {
	anyone := auth.Rule{Public: true}
	memo := make([]readyCheck, len(checks))
	for i, c := range checks {
		memo[i] = memoCheck(c)
	}
	checks = memo
	return []auth.Route{
		{Pattern: "GET /healthz", Rule: anyone, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			web.Encode(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{Pattern: "GET /readyz", Rule: anyone, Handler: handleReady(checks)},
	}
}

// readyCheck is one dependency /readyz verifies.
type readyCheck struct {
	name  string
	check func(context.Context) error
}

// readyTTL is how long /readyz reuses a check's result.
const readyTTL = time.Second

// memoCheck is c run at most once per readyTTL: callers within it get the
// last result, callers during a run wait for it rather than start another.
// A run has its own deadline, so a caller that gives up does not leave a
// "context canceled" for the others.
func memoCheck(c readyCheck) readyCheck {
	var mu sync.Mutex
	var at time.Time
	var last error
	return readyCheck{c.name, func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if !at.IsZero() && time.Since(at) < readyTTL {
			return last
		}
		run, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		last, at = c.check(run), time.Now()
		return last
	}}
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
