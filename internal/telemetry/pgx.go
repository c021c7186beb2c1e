package telemetry

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/trace"
)

// PgxTracer makes a span for every statement pgx runs, named by the
// statement's first keyword (SELECT, INSERT, WITH …); never its text or
// arguments.
type PgxTracer struct{ Tracer trace.Tracer }

type pgxSpanKey struct{}

// TraceQueryStart implements pgx.QueryTracer.
func (p PgxTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx // statements outside a request (start-up, jobs) start no trace
	}
	ctx, span := DBSpan(ctx, p.Tracer, "postgresql", operation(data.SQL))
	return context.WithValue(ctx, pgxSpanKey{}, span)
}

// TraceQueryEnd implements pgx.QueryTracer.
func (p PgxTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	if span, ok := ctx.Value(pgxSpanKey{}).(trace.Span); ok {
		err := data.Err
		if errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
		EndSpan(span, err)
	}
}

// operation is the first keyword of a statement.
func operation(sql string) string {
	sql = strings.TrimSpace(sql)
	for strings.HasPrefix(sql, "--") { // skip leading comment lines
		if i := strings.IndexByte(sql, '\n'); i >= 0 {
			sql = strings.TrimSpace(sql[i+1:])
		} else {
			return "statement"
		}
	}
	if i := strings.IndexFunc(sql, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '(' }); i > 0 {
		sql = sql[:i]
	}
	if sql == "" {
		return "statement"
	}
	return strings.ToUpper(sql)
}
