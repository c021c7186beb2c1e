package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/server"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
	"github.com/hotelplatform/hotel/internal/web"
)

// serveFlags are the flag of every setting: serve runs the targets, and
// every setting is one of theirs (the README's configuration table lists
// each with its flag).
var serveFlags = func() []string {
	var out []string
	for _, st := range config.Settings {
		if st.Flag != "" {
			out = append(out, st.Flag)
		}
	}
	return out
}()

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
	name := strings.Join(cfg.Targets, ",")
	if !cfg.Split() {
		name = "all"
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel).With("service", "hotel", "target", name)
	tracing, err := telemetry.NewTracing(ctx, name, cfg.OTLPEndpoint)
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
	// Metrics: the Go runtime and process, and what the modules register;
	// served on the admin listener (HOTEL_ADMIN_ADDR), never publicly.
	metrics := telemetry.NewMetrics(name)
	if cfg.AdminAddr != "" {
		stop, err := serveAdmin(ctx, cfg.AdminAddr, metrics.Registry, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	modules, err := server.New(ctx, cfg, server.Deps{Name: name, Log: log, Stdout: stdout, Now: time.Now, Metrics: metrics, Tracing: tracing,
		OpenStore: func(ctx context.Context) (store.Store, error) {
			st, err := openTracedStore(ctx, cfg, log, tracing)
			if err != nil {
				return nil, err
			}
			if err := prepareSchema(ctx, st, cfg.AutoMigrate, log); err != nil {
				_ = st.Close()
				return nil, err
			}
			return st, nil
		}})
	if err != nil {
		return err
	}
	defer modules.Close() // after the listener: background loops end, then the store closes
	// The bound per address applies at the edge: services behind the
	// gateway see every client as the gateway's address.
	conns := &web.ConnLimit{Max: maxConns(cfg.MaxConns)}
	if cfg.Has(config.TargetGateway) {
		conns.PerClient = cfg.MaxConnsPerClient
	}
	srv := &http.Server{
		ConnState:         conns.ConnState,
		Handler:           tracing.Handler(web.Middleware(log, modules.Handler, metrics.ObserveRequest)),
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
	ln = conns.Listener(ln)
	log.Info("listening", "addr", ln.Addr().String(), "targets", cfg.Targets, "driver", cfg.Driver,
		"max_conns", conns.Max, "max_conns_per_client", conns.PerClient)
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

// maxConns is the configured bound on connections, or three quarters of
// the open-file limit (the rest for the database, upstreams and files),
// at least 64.
func maxConns(configured int) int {
	if configured > 0 {
		return configured
	}
	if n := openFileLimit(); n > 0 {
		return max(64, n*3/4)
	}
	return 4096
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
