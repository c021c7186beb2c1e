package telemetry

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/trace"
)

// PgxTracer makes a span for every statement pgx runs, alone or in a batch,
// named by the statement's first keyword (SELECT, INSERT, WITH …); never
// its text or arguments.
type PgxTracer struct{ Tracer trace.Tracer }

var (
	_ pgx.QueryTracer = PgxTracer{}
	_ pgx.BatchTracer = PgxTracer{}
)

type (
	pgxSpanKey  struct{}
	pgxBatchKey struct{}
)

// pgxBatch is a batch in flight: when the last statement's result came.
type pgxBatch struct{ last time.Time }

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
		EndSpan(span, statementErr(data.Err))
	}
}

// TraceBatchStart implements pgx.BatchTracer.
func (p PgxTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	return context.WithValue(ctx, pgxBatchKey{}, &pgxBatch{last: time.Now()})
}

// TraceBatchQuery implements pgx.BatchTracer: a span per statement, from
// the previous statement's result (or the batch's start) to its own, as the
// server answers a batch's statements in order.
func (p PgxTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	b, ok := ctx.Value(pgxBatchKey{}).(*pgxBatch)
	if !ok {
		return
	}
	_, span := DBSpan(ctx, p.Tracer, "postgresql", operation(data.SQL), trace.WithTimestamp(b.last))
	b.last = time.Now()
	EndSpan(span, statementErr(data.Err), trace.WithTimestamp(b.last))
}

// statementErr is the error a statement's span records: none for no rows.
func statementErr(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// TraceBatchEnd implements pgx.BatchTracer.
func (p PgxTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

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
