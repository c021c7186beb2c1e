package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/hotelplatform/hotel"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	routeKey
)

// routeSlot receives the route template that served a request, from the
// innermost ProblemMux that matched it: middleware in between may serve a
// copy of the request, whose Pattern the outer one would not see.
type routeSlot struct {
	mu      sync.Mutex
	pattern string
}

// recordRoute notes pattern as the request's route template.
func recordRoute(ctx context.Context, pattern string) {
	if s, ok := ctx.Value(routeKey).(*routeSlot); ok {
		s.mu.Lock()
		s.pattern = pattern
		s.mu.Unlock()
	}
}

// RequestIDHeader carries the request id across services and back to clients.
const RequestIDHeader = "X-Request-ID"

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// Logger returns the request-scoped logger in ctx (with request id), or a discarding one.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return discardLogger
}

// NewRequestID returns a random 128-bit id in hex.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Methods are the request methods the servers answer. ProblemMux refuses
// any other (CONNECT, TRACE, a made-up one) with 405 before routing, and
// the metrics, the access log and span names say "other" for it: a client
// cannot mint label values or log fields with the method it sends.
var Methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// MethodLabel is method if it is one of Methods, else "other".
func MethodLabel(method string) string {
	if slices.Contains(Methods, method) {
		return method
	}
	return "other"
}

// Observer is told of every request a Middleware served: its method, route
// template ("unmatched" when no route matched), status and duration (the
// metrics' hook).
type Observer func(method, route string, status int, d time.Duration)

// Middleware wraps every route of a server: it accepts a sane X-Request-ID or
// makes one, returns it, puts a request logger in the context, recovers
// panics into a 500 problem, sets baseline security headers and logs one
// access line per request with the route template (never the raw path's
// values or any body).
func Middleware(log *slog.Logger, next http.Handler, observers ...Observer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !saneRequestID.MatchString(id) {
			id = NewRequestID()
		}
		l := log.With("request_id", id)
		span := trace.SpanFromContext(r.Context())
		if sc := span.SpanContext(); sc.IsValid() {
			l = l.With("trace_id", sc.TraceID().String(), "span_id", sc.SpanID().String())
		}
		slot := &routeSlot{}
		ctx := context.WithValue(context.WithValue(WithRequestID(r.Context(), id), loggerKey, l), routeKey, slot)
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set(RequestIDHeader, id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				l.ErrorContext(ctx, "panic serving request", "panic", fmt.Sprint(v), "route", r.Pattern)
				if rec.status == 0 {
					Error(rec, r, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: fmt.Errorf("panic: %v", v)})
				}
			}
			route := r.Pattern
			slot.mu.Lock()
			if slot.pattern != "" {
				route = slot.pattern
			}
			slot.mu.Unlock()
			if route == "" {
				route = "unmatched"
			}
			if strings.Contains(route, " ") {
				span.SetName(route) // "GET /bookings/{booking_id}": a template, never raw ids
			} else {
				span.SetName(MethodLabel(r.Method) + " " + route)
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			l.LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("method", MethodLabel(r.Method)),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Duration("duration", elapsed),
				slog.Int64("bytes", rec.bytes))
			for _, o := range observers {
				o(MethodLabel(r.Method), route, status, elapsed)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}
