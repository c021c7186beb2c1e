package telemetry

import (
	"context"
	"fmt"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Tracing is a process's OpenTelemetry tracing: a tracer provider for its
// service and the W3C trace-context propagator. Its zero-cost form (no
// exporter) creates no spans.
type Tracing struct {
	Provider   trace.TracerProvider
	Propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
}

type exporterKey struct{}

// WithSpanExporter returns ctx asking NewTracing to export to exp: how
// tests collect the spans of servers they start in process.
func WithSpanExporter(ctx context.Context, exp sdktrace.SpanExporter) context.Context {
	return context.WithValue(ctx, exporterKey{}, exp)
}

// NewTracing sets up tracing for service: spans go to the OTLP endpoint
// when otlpEndpoint (OTEL_EXPORTER_OTLP_ENDPOINT) is set, to the exporter
// of WithSpanExporter in ctx, and nowhere otherwise.
func NewTracing(ctx context.Context, service, otlpEndpoint string) (*Tracing, error) {
	t := &Tracing{Propagator: propagation.TraceContext{}, shutdown: func(context.Context) error { return nil }}
	var exp sdktrace.SpanExporter
	switch test, _ := ctx.Value(exporterKey{}).(sdktrace.SpanExporter); {
	case test != nil:
		exp = test
	case otlpEndpoint != "":
		// The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, TLS).
		e, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("OTLP trace exporter: %w", err)
		}
		exp = e
	default:
		t.Provider = noop.NewTracerProvider()
		return t, nil
	}
	res := resource.NewSchemaless(semconv.ServiceName("hotel-"+service), semconv.ServiceNamespace("hotel"))
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithBatcher(exp)}
	if ctx.Value(exporterKey{}) != nil {
		opts[1] = sdktrace.WithSyncer(exp) // tests read the spans at once
	}
	tp := sdktrace.NewTracerProvider(opts...)
	t.Provider, t.shutdown = tp, tp.Shutdown
	return t, nil
}

// Shutdown flushes and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

// Handler starts a server span for each request, continuing the caller's
// trace from its traceparent header. The span is named by route template
// once the route is known (web.Middleware renames it).
func (t *Tracing) Handler(next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "http.server",
		otelhttp.WithTracerProvider(t.Provider), otelhttp.WithPropagators(t.Propagator))
}

// Transport makes client spans for calls through rt and sends the trace
// context along.
func (t *Tracing) Transport(rt http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(t.Provider), otelhttp.WithPropagators(t.Propagator))
}

// Tracer returns the tracer of a component.
func (t *Tracing) Tracer(name string) trace.Tracer {
	return t.Provider.Tracer("github.com/hotelplatform/hotel/" + name)
}

// DBSpan starts a span for a database statement (the operation only, never
// its arguments, which may hold personal data); end it with EndSpan.
func DBSpan(ctx context.Context, tr trace.Tracer, system, operation string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	return tr.Start(ctx, system+" "+operation, append(opts, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", system), attribute.String("db.operation.name", operation)))...)
}

// EndSpan ends span, marking it failed on err. The error's text is not
// recorded: database errors can quote the values of a row.
func EndSpan(span trace.Span, err error, opts ...trace.SpanEndOption) {
	if err != nil {
		span.SetStatus(codes.Error, fmt.Sprintf("%T", err))
	}
	span.End(opts...)
}
