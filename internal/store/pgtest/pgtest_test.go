package pgtest

import (
	"context"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	return conn
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %q: %v", dsn, err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func dbExists(t *testing.T, name string) bool {
	t.Helper()
	conn := connect(t, AdminURL(t))
	defer conn.Close(context.Background())
	var n int
	err := conn.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil {
		t.Fatalf("query pg_database: %v", err)
	}
	return n == 1
}

func TestNewDatabaseWorks(t *testing.T) {
	begin := time.Now()
	dsn := NewDatabase(t)
	t.Logf("first NewDatabase took %v", time.Since(begin))
	name := dbName(t, dsn)
	if !strings.HasPrefix(name, "hoteltest_") {
		t.Errorf("database name %q lacks prefix hoteltest_", name)
	}
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)

	var current string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&current); err != nil {
		t.Fatal(err)
	}
	if current != name {
		t.Errorf("current_database() = %q, want %q", current, name)
	}
	var tables int
	if err := conn.QueryRow(ctx,
		"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d tables in public, want 0", tables)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE rooms (id int PRIMARY KEY, name text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO rooms VALUES (1, 'Suite ü'), (2, 'Single')"); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := conn.QueryRow(ctx, "SELECT name FROM rooms WHERE id = 1").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "Suite ü" {
		t.Errorf("name = %q, want %q", got, "Suite ü")
	}
}

func TestParallelDatabasesAreDistinct(t *testing.T) {
	var mu sync.Mutex
	names := map[string]string{}
	t.Run("group", func(t *testing.T) {
		for _, sub := range []string{"a", "b", "c"} {
			t.Run(sub, func(t *testing.T) {
				t.Parallel()
				dsn := NewDatabase(t)
				ctx := context.Background()
				conn := connect(t, dsn)
				defer conn.Close(ctx)
				// Same table name in every database: would collide if shared.
				if _, err := conn.Exec(ctx, "CREATE TABLE marker (v text)"); err != nil {
					t.Fatalf("create table in %s: %v", sub, err)
				}
				if _, err := conn.Exec(ctx, "INSERT INTO marker VALUES ($1)", sub); err != nil {
					t.Fatal(err)
				}
				rows, _ := conn.Query(ctx, "SELECT v FROM marker")
				vals, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if len(vals) != 1 || vals[0] != sub {
					t.Errorf("marker rows = %q, want [%q]", vals, sub)
				}
				mu.Lock()
				names[sub] = dbName(t, dsn)
				mu.Unlock()
			})
		}
	})
	seen := map[string]bool{}
	for sub, name := range names {
		if seen[name] {
			t.Errorf("database %s handed out twice (again to %s)", name, sub)
		}
		seen[name] = true
	}
	if len(names) != 3 {
		t.Errorf("got %d databases, want 3", len(names))
	}
}

func TestDatabasesAreIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := connect(t, NewDatabase(t)), connect(t, NewDatabase(t))
	defer a.Close(ctx)
	defer b.Close(ctx)
	if _, err := a.Exec(ctx, "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := b.QueryRow(ctx, "SELECT to_regclass('only_in_a') IS NOT NULL").Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Error("table created in database a is visible in database b")
	}
}

func TestDatabaseDroppedAfterCleanup(t *testing.T) {
	var name string
	var leaked *pgx.Conn
	t.Run("sub", func(t *testing.T) {
		dsn := NewDatabase(t)
		name = dbName(t, dsn)
		if !dbExists(t, name) {
			t.Fatalf("database %s not in pg_database while the test runs", name)
		}
		// Left open on purpose: the drop must succeed anyway (WITH (FORCE)).
		leaked = connect(t, dsn)
	})
	if name == "" {
		t.Fatal("subtest did not create a database")
	}
	if leaked != nil {
		defer leaked.Close(context.Background())
	}
	if dbExists(t, name) {
		t.Errorf("database %s still exists after its test's cleanup", name)
	}
}

func TestAdminURL(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, AdminURL(t))
	defer conn.Close(ctx)
	var db string
	var super bool
	if err := conn.QueryRow(ctx,
		"SELECT current_database(), rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&db, &super); err != nil {
		t.Fatal(err)
	}
	if os.Getenv(envURL) == "" && (db != "postgres" || !super) {
		t.Errorf("admin connection: database %q superuser %v, want postgres and true", db, super)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		sign int
	}{{"15", "9.6", 1}, {"9.6", "15", -1}, {"16", "16", 0}, {"10", "9", 1}} {
		if got := compareVersions(c.a, c.b); (got > 0) != (c.sign > 0) || (got < 0) != (c.sign < 0) {
			t.Errorf("compareVersions(%q, %q) = %d, want sign %d", c.a, c.b, got, c.sign)
		}
	}
}

func TestBinariesNotFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := serverBinGlob
	serverBinGlob = "/nonexistent/*/bin"
	defer func() { serverBinGlob = old }()
	_, _, err := findBinaries()
	if err == nil || err.Error() != notFoundMsg {
		t.Fatalf("findBinaries() error = %v, want %q", err, notFoundMsg)
	}
	if !strings.Contains(notFoundMsg, "apt-get install -y postgresql") || !strings.Contains(notFoundMsg, envURL) {
		t.Errorf("message %q does not say how to fix it", notFoundMsg)
	}
}

// TestPortTakenRetries starts a second, private cluster whose first port is
// already taken, and checks that it moves to another port.
func TestPortTakenRetries(t *testing.T) {
	if os.Getenv(envURL) != "" {
		// With an external server there is no private cluster to start.
		t.Log("TEST_DATABASE_URL is set: the private-cluster port retry is not exercised")
		return
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	calls := 0
	pickPort = func() (int, error) {
		calls++
		if calls == 1 {
			return busyPort, nil
		}
		return freePort()
	}
	defer func() { pickPort = freePort }()

	s, err := startCluster()
	if err != nil {
		t.Fatalf("startCluster: %v", err)
	}
	defer func() {
		if err := s.stop(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
			t.Errorf("cluster dir %s not removed: %v", s.dir, err)
		}
	}()
	if calls < 2 || s.admin.Port() == strconv.Itoa(busyPort) {
		t.Errorf("cluster on %s after %d port picks; want a port other than busy %d", s.admin.Host, calls, busyPort)
	}
	if err := s.exec("SELECT 1"); err != nil {
		t.Errorf("exec on retried cluster: %v", err)
	}
}

// TestSurvivesTerminatedBackends: a test may kill every connection through
// AdminURL, including pgtest's own pooled admin connections.
func TestSurvivesTerminatedBackends(t *testing.T) {
	NewDatabase(t) // make sure an admin connection is pooled
	ctx := context.Background()
	conn := connect(t, AdminURL(t))
	defer conn.Close(ctx)
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Error("expected to terminate at least pgtest's pooled admin connection")
	}
	dsn := NewDatabase(t)
	c := connect(t, dsn)
	defer c.Close(ctx)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
