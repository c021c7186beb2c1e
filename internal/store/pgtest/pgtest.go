// Package pgtest gives tests a real, throwaway PostgreSQL database.
//
// If TEST_DATABASE_URL is set, that server is used (it must allow CREATE
// DATABASE and support DROP DATABASE ... WITH (FORCE), i.e. PostgreSQL 13+).
// Otherwise the first call to NewDatabase or AdminURL in a test binary runs
// initdb into a fresh temporary directory and starts a private postgres
// server on a free 127.0.0.1 port; Run stops it after the tests. Every test
// binary gets its own cluster, so packages can be tested in parallel.
//
// Wire it up once per package:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
//
// and in tests:
//
//	url := pgtest.NewDatabase(t) // fresh empty database, dropped at cleanup
//
// A test that must stop or restart PostgreSQL (a fault test) gets a cluster
// of its own, which nothing else uses, with NewCluster:
//
//	c := pgtest.NewCluster(t)       // removed at cleanup
//	url := c.URL()                  // fresh empty database on it
//	err := c.Restart(time.Second)   // fast shutdown, down 1s, start on the same port
//	err = c.Crash()                 // a server process SIGKILLed; back once recovered
//
// NewCluster always runs a private cluster, even when TEST_DATABASE_URL is
// set (an external server cannot be restarted by a test), so it needs the
// server binaries.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	envURL       = "TEST_DATABASE_URL"
	startTimeout = 60 * time.Second
	stopTimeout  = 10 * time.Second
	opTimeout    = 30 * time.Second
	notFoundMsg  = "PostgreSQL server binaries not found (initdb, postgres); " +
		"install them with: apt-get install -y postgresql   — or set " + envURL
)

// Test seams.
var (
	serverBinGlob = "/usr/lib/postgresql/*/bin"
	pickPort      = freePort
)

// state is the per-test-binary server, started lazily by get.
var state struct {
	mu      sync.Mutex
	started bool
	srv     *server
	err     error
}

// server is either an external server (cmd == nil) or a private cluster.
type server struct {
	admin *url.URL // URL of the maintenance database

	// Private cluster only.
	dir      string              // temp dir: data/, unix socket, server.log
	postgres string              // the server binary
	cred     *syscall.Credential // run as this user (nil: as ourselves)
	cmd      *exec.Cmd           // the postgres process
	done     chan struct{}       // closed once cmd has exited
	// durable: commits survive a crash of the server (synchronous_commit
	// on; fsync stays off, only a crash of the machine would lose them).
	durable bool
	// extra are more command-line options of postgres (a standby's).
	extra []string

	idle chan *pgx.Conn // idle admin connections (a tiny pool)

	bmu        sync.Mutex
	bouncer    *bouncer // PgBouncer in front, once started (pgbouncer.go)
	bouncerErr error
}

// Run runs the tests in m and afterwards stops the PostgreSQL cluster if one
// was started, removing its temporary directory. It returns m.Run's exit
// code. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
func Run(m *testing.M) int {
	code := m.Run()
	state.mu.Lock()
	defer state.mu.Unlock()
	if state.srv != nil {
		if err := state.srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
		state.srv = nil
		state.err = errors.New("server already stopped by pgtest.Run")
	}
	return code
}

// NewDatabase returns a postgres:// URL of a fresh, empty database dedicated
// to the calling test, dropped (WITH (FORCE)) when the test finishes. It is
// safe to call from parallel tests. The first call in a test binary starts
// the server. Any failure fails the test; it never skips.
//
// With TEST_DB_POOLER=pgbouncer the URL reaches the database through PgBouncer
// in transaction pooling mode, as NewPgBouncerDatabase's, and names
// default_query_exec_mode=cache_describe (PgBouncerExecMode): the suite
// runs as an operator runs the platform behind PgBouncer.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if Pooled() {
		return withExecMode(NewPgBouncerDatabase(t), PgBouncerExecMode)
	}
	return get(t).newDatabase(t, true)
}

// NewDirectDatabase is NewDatabase reaching the server directly, also under
// TEST_DB_POOLER=pgbouncer: for a test of what only a session of the
// server itself has (a startup parameter, say).
func NewDirectDatabase(t testing.TB) string {
	t.Helper()
	return get(t).newDatabase(t, true)
}

// newDatabase creates a fresh database and returns its URL; drop: drop it
// when the test finishes.
func (s *server) newDatabase(t testing.TB, drop bool) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "hoteltest_" + hex.EncodeToString(b[:])
	ident := pgx.Identifier{name}.Sanitize()
	if err := s.exec("CREATE DATABASE " + ident); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	if drop {
		t.Cleanup(func() {
			if err := s.exec("DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)"); err != nil {
				t.Errorf("pgtest: drop database %s: %v", name, err)
			}
		})
	}
	u := *s.admin
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// AdminURL returns a postgres:// URL of the server's maintenance database
// (starting the server if needed), for tests that need server-wide access,
// e.g. to inspect pg_database or terminate connections. It reaches the
// server directly, also under TEST_DB_POOLER=pgbouncer.
func AdminURL(t testing.TB) string {
	t.Helper()
	return get(t).admin.String()
}

// get returns the server, starting it on first use. A start failure is
// remembered and fails every later caller too.
func get(t testing.TB) *server {
	t.Helper()
	state.mu.Lock()
	defer state.mu.Unlock()
	if !state.started {
		state.started = true
		begin := time.Now()
		state.srv, state.err = start()
		if state.err == nil && state.srv.cmd != nil {
			t.Logf("pgtest: started PostgreSQL at %s in %v", state.srv.admin.Host, time.Since(begin).Round(time.Millisecond))
		}
		if state.err == nil && Pooled() {
			if b, err := state.srv.pgbouncer(); err != nil {
				state.err = err
			} else {
				t.Logf("pgtest: %s=pgbouncer: databases through PgBouncer (transaction pooling) at %s, started in %v",
					envPooler, b.addr, b.started.Round(time.Millisecond))
			}
		}
	}
	if state.err != nil {
		t.Fatalf("pgtest: %v", state.err)
	}
	return state.srv
}

func start() (*server, error) {
	if err := checkPoolerEnv(); err != nil {
		return nil, err
	}
	if raw := os.Getenv(envURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			// Not echoing the value: it may hold a password.
			return nil, fmt.Errorf("%s must be a postgres://user[:$PASSWORD]@host[:port]/db URL", envURL)
		}
		s := &server{admin: u, idle: make(chan *pgx.Conn, 4)}
		if err := s.exec("SELECT 1"); err != nil {
			return nil, fmt.Errorf("cannot use %s=%s: %v", envURL, u.Redacted(), err)
		}
		return s, nil
	}
	return startCluster(false)
}

// startCluster runs initdb and starts a private postgres server on a free
// port (see server.durable).
func startCluster(durable bool) (_ *server, err error) {
	s, err := initCluster()
	if err != nil {
		return nil, err
	}
	s.durable = durable
	defer func() {
		if err != nil {
			os.RemoveAll(s.dir)
		}
	}()
	for attempt := 1; ; attempt++ {
		port, err := pickPort()
		if err != nil {
			return nil, err
		}
		s.admin = &url.URL{Scheme: "postgres", User: url.User("postgres"),
			Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/postgres",
			RawQuery: "sslmode=disable"}
		err = s.launch(true)
		if err == nil {
			return s, nil
		}
		if attempt < 5 && errors.Is(err, errPortTaken) {
			continue // lost a race for the port; try another one
		}
		return nil, err
	}
}

// initCluster runs initdb into a fresh temporary directory; the cluster is
// not started (see launch).
func initCluster() (_ *server, err error) {
	initdb, postgres, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	s := &server{dir: dir, postgres: postgres, cred: cred, idle: make(chan *pgx.Conn, 4)}
	cmd := exec.Command(initdb, "-D", s.dataDir(), "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "--no-sync")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s failed: %v\n%s", initdb, err, out)
	}
	return s, nil
}

func (s *server) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *server) logPath() string { return filepath.Join(s.dir, "server.log") }

// errPortTaken: another process listens on the port the cluster was given.
var errPortTaken = errors.New("port taken")

// launch starts postgres on the cluster's data directory and the port of
// s.admin, and waits until it accepts connections. fresh: start a new log
// (else append to it, as after a stop). If the port is taken the error
// wraps errPortTaken.
func (s *server) launch(fresh bool) error {
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if fresh {
		flags |= os.O_TRUNC
	}
	logf, err := os.OpenFile(s.logPath(), flags, 0o644)
	if err != nil {
		return err
	}
	syncCommit := "off" // a commit may be lost if the server crashes: tests need not care
	if s.durable {
		syncCommit = "on"
	}
	s.cmd = exec.Command(s.postgres, "-D", s.dataDir(), "-p", s.admin.Port(), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit="+syncCommit, "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=128MB")
	s.cmd.Args = append(s.cmd.Args, s.extra...)
	s.cmd.Dir = s.dir
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGKILL}
	err = s.startProcess()
	logf.Close()
	if err != nil {
		return fmt.Errorf("start %s: %v", s.postgres, err)
	}
	err = s.waitReady()
	if err == nil {
		return nil
	}
	s.kill()
	tail := logTail(s.logPath())
	if strings.Contains(tail, "could not create any TCP/IP sockets") {
		err = fmt.Errorf("%w: %w", errPortTaken, err)
	}
	return fmt.Errorf("postgres server did not start on port %s: %w\n--- %s (tail) ---\n%s", s.admin.Port(), err, s.logPath(), tail)
}

// findBinaries looks for initdb and postgres in PATH, then in the highest
// version under /usr/lib/postgresql/*/bin.
func findBinaries() (initdb, postgres string, err error) {
	i, err1 := exec.LookPath("initdb")
	p, err2 := exec.LookPath("postgres")
	if err1 == nil && err2 == nil {
		return i, p, nil
	}
	dirs, _ := filepath.Glob(serverBinGlob)
	slices.SortFunc(dirs, func(a, b string) int { // highest version first
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if isExecutable(i) && isExecutable(p) {
			return i, p, nil
		}
	}
	return "", "", errors.New(notFoundMsg)
}

// compareVersions compares dotted numeric versions such as "9.6" and "15".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return strings.Compare(a, b)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// credential returns nil when not root (run as the current user), else the
// credential of the postgres system user, since PostgreSQL refuses root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, so PostgreSQL must run as the 'postgres' system user, "+
			"but looking it up failed (%v); create it (apt-get install -y postgresql does), "+
			"run the tests as a non-root user, or set %s", err, envURL)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user postgres: %v", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startProcess starts s.cmd (see startLocked).
func (s *server) startProcess() error {
	done, err := startLocked(s.cmd)
	s.done = done
	return err
}

// startLocked starts cmd from a goroutine locked to its OS thread that
// stays alive until the process exits: Pdeathsig fires when the *thread*
// that forked the child dies, and the Go runtime may otherwise retire
// threads. done is closed once the process has exited.
func startLocked(cmd *exec.Cmd) (done chan struct{}, err error) {
	done = make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			errc <- err
			close(done)
			return
		}
		errc <- nil
		_ = cmd.Wait()
		close(done)
	}()
	return done, <-errc
}

// waitReady polls until the server accepts connections on its TCP port and
// reports our data directory (not some other cluster that won the port).
func (s *server) waitReady() error {
	return waitFor(s.done, s.ping)
}

// waitFor polls ping until it succeeds, the process whose done channel is
// given exits, or startTimeout passes.
func waitFor(done <-chan struct{}, ping func(context.Context) error) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	delay := 10 * time.Millisecond
	tick := time.NewTicker(delay)
	defer tick.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // abort a hanging connect attempt as soon as the process exits
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		err := ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return errors.New("the process exited")
		case <-deadline.C:
			return fmt.Errorf("not accepting connections after %v: %v", startTimeout, err)
		case <-tick.C:
			if delay < 200*time.Millisecond {
				delay *= 2
				tick.Reset(delay)
			}
		}
	}
}

func (s *server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory')").Scan(&got); err != nil {
		return err
	}
	if got != s.dataDir() {
		return fmt.Errorf("port %s is served by another cluster (%s)", s.admin.Port(), got)
	}
	return nil
}

// exec runs one statement on an admin connection, retrying once on a fresh
// connection if the pooled one was closed (e.g. a test terminated backends).
func (s *server) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var conn *pgx.Conn
	select {
	case conn = <-s.idle:
	default:
	}
	for try := 0; ; try++ {
		if conn == nil {
			var err error
			if conn, err = pgx.Connect(ctx, s.admin.String()); err != nil {
				return err
			}
		}
		_, err := conn.Exec(ctx, sql)
		if !conn.IsClosed() {
			select {
			case s.idle <- conn:
			default:
				conn.Close(ctx)
			}
			return err
		}
		if try > 0 {
			return err
		}
		conn = nil // it died (e.g. a test terminated backends); retry on a fresh one
	}
}

// stop shuts the cluster down (see shutdown) and removes its directory; for
// an external server it only closes the admin connections.
func (s *server) stop() error {
	var berr error
	s.bmu.Lock()
	if s.bouncer != nil {
		berr = s.bouncer.stop()
		s.bouncer, s.bouncerErr = nil, errors.New("pgbouncer already stopped")
	}
	s.bmu.Unlock()
	if s.cmd == nil {
		s.closeIdle()
		return berr
	}
	return errors.Join(berr, s.shutdown(), os.RemoveAll(s.dir))
}

// shutdown stops the postgres process (SIGINT = fast shutdown: open
// connections are terminated; SIGKILL after stopTimeout), keeping its data
// directory. It is a no-op if the process has already exited.
func (s *server) shutdown() error {
	s.closeIdle()
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
		return nil
	case <-timer.C:
		s.kill()
		return fmt.Errorf("postgres did not stop within %v after SIGINT; killed it", stopTimeout)
	}
}

// closeIdle closes the pooled admin connections.
func (s *server) closeIdle() {
	for {
		select {
		case c := <-s.idle:
			c.Close(context.Background())
		default:
			return
		}
	}
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// logTail returns the last few lines of the server log.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	return string(bytes.Join(lines[max(0, len(lines)-30):], []byte("\n")))
}
