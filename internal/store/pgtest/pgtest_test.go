package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"runtime"
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

	s, err := startCluster(false)
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

// TestClusterRestart: a dedicated cluster keeps its data and port across a
// stop and start; while it is down, connecting fails fast.
func TestClusterRestart(t *testing.T) {
	c := NewCluster(t)
	if c.AdminURL() == AdminURL(t) {
		t.Fatalf("NewCluster returned the shared server %s", c.AdminURL())
	}
	dsn := c.URL()
	if !strings.HasPrefix(dbName(t, dsn), "hoteltest_") {
		t.Errorf("database URL %s", dsn)
	}
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')"); err != nil {
		t.Fatal(err)
	}

	begin := time.Now()
	if err := c.Restart(200 * time.Millisecond); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	t.Logf("restart took %v", time.Since(begin))
	if _, err := conn.Exec(ctx, "SELECT 1"); err == nil {
		t.Error("a connection from before the restart still works")
	}
	after := connect(t, dsn)
	defer after.Close(ctx)
	var v string
	if err := after.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "before" {
		t.Fatalf("after the restart: %q, %v; want the row written before", v, err)
	}

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if down, err := pgx.Connect(cctx, dsn); err == nil {
		down.Close(ctx)
		t.Fatal("connected to a stopped cluster")
	}
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("second Start: %v", err)
	}
	again := connect(t, c.URL()) // a new database after the restart
	defer again.Close(ctx)
	if err := again.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestClusterRemovedAtCleanup: the cluster's process ends and its directory
// goes with its test, stopped or not; it cannot be started afterwards.
func TestClusterRemovedAtCleanup(t *testing.T) {
	for _, stopped := range []bool{false, true} {
		var c *Cluster
		t.Run("stopped="+strconv.FormatBool(stopped), func(t *testing.T) {
			c = NewCluster(t)
			if stopped {
				if err := c.Stop(); err != nil {
					t.Fatal(err)
				}
			}
		})
		if c == nil {
			t.Fatal("subtest did not make a cluster")
		}
		select {
		case <-c.srv.done:
		default:
			t.Errorf("postgres still running after its test (stopped=%v)", stopped)
		}
		if _, err := os.Stat(c.srv.dir); !os.IsNotExist(err) {
			t.Errorf("cluster dir %s not removed: %v", c.srv.dir, err)
		}
		if err := c.Start(); err == nil {
			t.Error("Start after cleanup succeeded")
		}
	}
}

// TestClusterIgnoresExternalServer: with TEST_DATABASE_URL set, NewCluster
// still runs a private cluster (a test cannot restart someone's server).
func TestClusterIgnoresExternalServer(t *testing.T) {
	t.Setenv(envURL, "postgres://nobody@192.0.2.1:1/none")
	c := NewCluster(t)
	conn := connect(t, c.URL())
	defer conn.Close(context.Background())
	var data string
	if err := conn.QueryRow(context.Background(), "SELECT current_setting('data_directory')").Scan(&data); err != nil {
		t.Fatal(err)
	}
	if data != c.srv.dataDir() {
		t.Errorf("data directory %s, want the private cluster's %s", data, c.srv.dataDir())
	}
}

// fatalTB records a Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestClusterWithoutBinaries fails the test — never skips it — saying what
// to install.
func TestClusterWithoutBinaries(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := serverBinGlob
	serverBinGlob = "/nonexistent/*/bin"
	defer func() { serverBinGlob = old }()
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		NewCluster(f)
	}()
	<-done
	if !strings.Contains(f.msg, "NewCluster") || !strings.Contains(f.msg, "apt-get install -y postgresql") {
		t.Errorf("NewCluster without binaries: %q", f.msg)
	}
}

// TestClusterCrash: after a server process is killed, every connection has
// ended, the committed data is there, and the cluster takes new ones.
func TestClusterCrash(t *testing.T) {
	c := NewCluster(t)
	dsn := c.URL()
	ctx := context.Background()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')"); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if err := c.Crash(); err != nil {
		t.Fatalf("Crash: %v", err)
	}
	t.Logf("crash and recovery took %v", time.Since(begin))
	if err := conn.Ping(ctx); err == nil {
		t.Error("a connection from before the crash still works")
	}
	after := connect(t, dsn)
	defer after.Close(ctx)
	var v string
	if err := after.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "committed" {
		t.Fatalf("after the crash: %q, %v; want the committed row", v, err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Crash(); err == nil {
		t.Error("Crash of a stopped cluster succeeded")
	}
}

// TestPgBouncerDatabase: the URL reaches the test's own database through
// PgBouncer in transaction pooling mode, which the admin console shows.
func TestPgBouncerDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := NewPgBouncerDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if u.Query().Has("default_query_exec_mode") {
		t.Errorf("NewPgBouncerDatabase's URL names an exec mode: %s", dsn)
	}
	conn := connect(t, withExecMode(dsn, PgBouncerExecMode))
	defer conn.Close(ctx)
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database() WHERE $1::int = 1", 1).Scan(&db); err != nil {
		t.Fatal(err)
	}
	if db != dbName(t, dsn) {
		t.Errorf("through PgBouncer: database %q, want %q", db, dbName(t, dsn))
	}

	// The admin console (simple protocol only) of the same bouncer.
	u.Path = "/pgbouncer"
	console := connect(t, withExecMode(u.String(), "simple_protocol"))
	defer console.Close(ctx)
	rows, err := console.Query(ctx, "SHOW CONFIG")
	if err != nil {
		t.Fatal(err)
	}
	config := map[string]string{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		config[fmt.Sprint(vals[0])] = fmt.Sprint(vals[1])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if config["pool_mode"] != "transaction" {
		t.Errorf("pool_mode = %q, want transaction", config["pool_mode"])
	}

	// Transaction pooling: a transaction holds its server connection, a
	// statement of another client meanwhile gets another one.
	other := connect(t, withExecMode(dsn, PgBouncerExecMode))
	defer other.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var inTx, outside int32
	if err := tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&inTx); err != nil {
		t.Fatal(err)
	}
	if err := other.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if inTx == outside {
		t.Errorf("a statement shared the server connection (pid %d) of another client's open transaction", inTx)
	}
}

func TestPoolerEnv(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "none": true, "pgbouncer": true, "pgpool": false} {
		t.Setenv(envPooler, v)
		if err := checkPoolerEnv(); (err == nil) != ok {
			t.Errorf("%s=%q: %v", envPooler, v, err)
		}
	}
}
