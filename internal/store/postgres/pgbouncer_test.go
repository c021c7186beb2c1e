package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// statementOnAnotherServer runs a statement with an argument on s (a pool
// of one connection to PgBouncer), then has another client take the
// server connection it ran on (a transaction of its own; on a fresh
// database that server is the bouncer's only one), and runs the statement
// again: PgBouncer must hand s another server connection. It returns the
// error of that second run.
func statementOnAnotherServer(t *testing.T, s *Store, url string) error {
	t.Helper()
	ctx := context.Background()
	const q = `SELECT count(*) FROM pg_class WHERE relpages >= $1`
	var n int64
	if err := s.pool.QueryRow(ctx, q, 0).Scan(&n); err != nil {
		t.Fatalf("first run: %v", err)
	}
	other, err := pgx.Connect(ctx, url+"&default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	return s.pool.QueryRow(ctx, q, 0).Scan(&n)
}

// TestPgBouncerNamedStatementsBreak shows why the pooler setting exists:
// pgx's default exec mode prepares named statements on the server
// connection it happened to get, and PgBouncer (1.18, transaction
// pooling) runs the next transaction on another one.
func TestPgBouncerNamedStatementsBreak(t *testing.T) {
	t.Parallel()
	url := pgtest.NewPgBouncerDatabase(t)
	s, err := Open(context.Background(), url, Options{ConnectTimeout: 10 * time.Second, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = statementOnAnotherServer(t, s, url)
	if !hasCode(err, "26000") { // invalid_sql_statement_name: prepared statement "stmtcache_…" does not exist
		t.Fatalf("second run with cache_statement through PgBouncer: %v, want prepared statement does not exist (26000)", err)
	}
	t.Logf("as expected: %v", err)
}

// TestPgBouncerPooler: with the pooler setting, or an exec mode in the URL,
// a statement runs on whichever server connection PgBouncer gives.
func TestPgBouncerPooler(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, query string
		o           Options
		want        pgx.QueryExecMode
	}{
		{"pooler setting", "", Options{Pooler: PoolerPgBouncer}, DefaultExecModePgBouncer},
		{"exec in the URL", "&default_query_exec_mode=exec", Options{}, pgx.QueryExecModeExec},
		{"URL wins over the setting", "&default_query_exec_mode=exec", Options{Pooler: PoolerPgBouncer}, pgx.QueryExecModeExec},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			url := pgtest.NewPgBouncerDatabase(t)
			c.o.ConnectTimeout, c.o.MaxConns = 10*time.Second, 1
			s, err := Open(context.Background(), url+c.query, c.o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := s.pool.Config().ConnConfig.DefaultQueryExecMode; got != c.want {
				t.Errorf("exec mode %v, want %v", got, c.want)
			}
			if err := statementOnAnotherServer(t, s, url); err != nil {
				t.Fatalf("second run on another server connection: %v", err)
			}
			// The schema and a write go through too (one transaction each).
			if _, err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.CheckSchema(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPgBouncerReadOnly: PgBouncer refuses the read-only startup
// parameter; with the pooler setting none is sent, and without it Open
// notices the refusal, says so, and connects without it.
func TestPgBouncerReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewPgBouncerDatabase(t)
	rw, err := Open(ctx, url, Options{ConnectTimeout: 10 * time.Second, Pooler: PoolerPgBouncer})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := rw.DatabaseID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pooler := range []string{PoolerPgBouncer, ""} {
		var mu sync.Mutex
		var logs []string
		ro, err := Open(ctx, url, Options{ConnectTimeout: 10 * time.Second, ReadOnly: true, Pooler: pooler,
			Logf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				logs = append(logs, fmt.Sprintf(format, args...))
			}})
		if err != nil {
			t.Fatalf("pooler %q: %v", pooler, err)
		}
		if got, err := ro.DatabaseID(ctx); err != nil || got != want {
			t.Errorf("pooler %q: DatabaseID = %q, %v; want %q", pooler, got, err, want)
		}
		ro.Close()
		mu.Lock()
		said := strings.Join(logs, "\n")
		mu.Unlock()
		if refused := strings.Contains(said, "refuses the startup parameter default_transaction_read_only"); refused != (pooler == "") {
			t.Errorf("pooler %q: logged %q", pooler, said)
		}
	}
}
