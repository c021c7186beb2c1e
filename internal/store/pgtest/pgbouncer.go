package pgtest

// PgBouncer in front of the test server: NewPgBouncerDatabase, and
// TEST_DB_POOLER=pgbouncer, which routes every NewDatabase through it.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// envPooler set to "pgbouncer" makes NewDatabase return URLs through
	// the test binary's PgBouncer (in transaction pooling mode), with
	// default_query_exec_mode=PgBouncerExecMode.
	envPooler = "TEST_DB_POOLER"
	// PgBouncerExecMode is the pgx query exec mode of the URLs NewDatabase
	// returns under TEST_DB_POOLER=pgbouncer (as postgres.DefaultExecModePgBouncer).
	PgBouncerExecMode = "cache_describe"

	bouncerNotFoundMsg = "pgbouncer not found; install it with: apt-get install -y pgbouncer"
)

// pgbouncerPaths are where pgbouncer is looked for after PATH (Debian
// installs it in /usr/sbin, outside a non-root PATH).
var pgbouncerPaths = []string{"/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer"}

// Pooled reports whether NewDatabase returns URLs through PgBouncer
// (TEST_DB_POOLER=pgbouncer).
func Pooled() bool { return os.Getenv(envPooler) == "pgbouncer" }

// checkPoolerEnv refuses a TEST_DB_POOLER it does not know.
func checkPoolerEnv() error {
	switch v := os.Getenv(envPooler); v {
	case "", "none", "pgbouncer":
		return nil
	default:
		return fmt.Errorf("%s=%q: want pgbouncer, none or nothing", envPooler, v)
	}
}

// NewPgBouncerDatabase is NewDatabase reached through PgBouncer in
// transaction pooling mode: a pgbouncer process the test binary starts on
// first use, on a free 127.0.0.1 port, in front of its server (every
// database, trust authentication, as the server's user). The URL names no
// default_query_exec_mode: pgx's default (named prepared statements) fails
// through it, as it would through a production PgBouncer before 1.21.
// It fails the test, never skips, if pgbouncer is not installed.
func NewPgBouncerDatabase(t testing.TB) string {
	t.Helper()
	s := get(t)
	direct := s.newDatabase(t, true)
	b, err := s.pgbouncer()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return b.url(direct)
}

// bouncer is a running pgbouncer in front of a server.
type bouncer struct {
	dir     string // its files: pgbouncer.ini, userlist.txt, pgbouncer.log
	ownDir  bool   // dir was made for it (external server): remove it at stop
	addr    string // 127.0.0.1:port
	cmd     *exec.Cmd
	done    chan struct{}
	started time.Duration
}

// url returns direct (a URL of the server) as reached through b.
func (b *bouncer) url(direct string) string {
	u, err := url.Parse(direct)
	if err != nil {
		panic(err) // made by newDatabase
	}
	u.Host = b.addr
	u.User = url.User(u.User.Username()) // trust: no password to the bouncer
	return u.String()
}

// pgbouncer returns the server's PgBouncer, starting it on first use; a
// failure to start is remembered.
func (s *server) pgbouncer() (*bouncer, error) {
	s.bmu.Lock()
	defer s.bmu.Unlock()
	if s.bouncer == nil && s.bouncerErr == nil {
		s.bouncer, s.bouncerErr = s.startBouncer()
	}
	return s.bouncer, s.bouncerErr
}

func findPgBouncer() (string, error) {
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	for _, p := range pgbouncerPaths {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", errors.New(bouncerNotFoundMsg)
}

// startBouncer writes the configuration and starts pgbouncer, retrying on
// another port if the one picked was taken meanwhile.
func (s *server) startBouncer() (_ *bouncer, err error) {
	begin := time.Now()
	bin, err := findPgBouncer()
	if err != nil {
		return nil, err
	}
	// pgbouncer refuses to run as root: as the server, the postgres user.
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	b := &bouncer{dir: s.dir}
	if b.dir == "" { // an external server: a directory of its own
		if b.dir, err = os.MkdirTemp("", "pgtest-bouncer-"); err != nil {
			return nil, err
		}
		b.ownDir = true
		defer func() {
			if err != nil {
				os.RemoveAll(b.dir)
			}
		}()
		if cred != nil {
			if err := os.Chown(b.dir, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	user := s.admin.User.Username()
	upstream := fmt.Sprintf("host=%s port=%s user=%s", s.admin.Hostname(), s.admin.Port(), user)
	if pw, ok := s.admin.User.Password(); ok {
		upstream += " password=" + pw
	}
	// The userlist only names who may connect (trust); it is the bouncer's
	// clients' list, not the server's passwords.
	if err := os.WriteFile(filepath.Join(b.dir, "userlist.txt"), []byte(strconv.Quote(user)+` ""`+"\n"), 0o600); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		port, err := pickPort()
		if err != nil {
			return nil, err
		}
		b.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		ini := bouncerConfig(b.dir, port, upstream)
		if err := os.WriteFile(filepath.Join(b.dir, "pgbouncer.ini"), []byte(ini), 0o600); err != nil {
			return nil, err
		}
		if cred != nil {
			for _, f := range []string{"pgbouncer.ini", "userlist.txt"} {
				if err := os.Chown(filepath.Join(b.dir, f), int(cred.Uid), int(cred.Gid)); err != nil {
					return nil, err
				}
			}
		}
		err = b.launch(bin, cred, s.admin)
		if err == nil {
			b.started = time.Since(begin)
			return b, nil
		}
		if attempt < 5 && errors.Is(err, errPortTaken) {
			continue
		}
		return nil, err
	}
}

// bouncerConfig is the pgbouncer.ini of a test bouncer: transaction pooling
// of every database of the server, clients trusted.
func bouncerConfig(dir string, port int, upstream string) string {
	return fmt.Sprintf(`[databases]
* = %s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
; the server allows 300; a few are for pgtest's own (direct) connections
max_user_connections = 240
server_idle_timeout = 10
server_login_retry = 1
admin_users = postgres
`, upstream, port, filepath.Join(dir, "userlist.txt"))
}

// launch starts pgbouncer and waits until a query goes through it to the
// server.
func (b *bouncer) launch(bin string, cred *syscall.Credential, admin *url.URL) error {
	logPath := filepath.Join(b.dir, "pgbouncer.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	b.cmd = exec.Command(bin, filepath.Join(b.dir, "pgbouncer.ini"))
	b.cmd.Dir = b.dir
	b.cmd.Stdout, b.cmd.Stderr = logf, logf
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	b.done, err = startLocked(b.cmd)
	logf.Close()
	if err != nil {
		return fmt.Errorf("start %s: %v", bin, err)
	}
	u := *admin
	u.Host = b.addr
	u.User = url.User(admin.User.Username())
	err = waitFor(b.done, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, u.String())
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "SELECT 1")
		return err
	})
	if err == nil {
		return nil
	}
	b.kill()
	tail := logTail(logPath)
	if strings.Contains(tail, "Address already in use") {
		err = fmt.Errorf("%w: %w", errPortTaken, err)
	}
	return fmt.Errorf("pgbouncer did not start on %s: %w\n--- %s (tail) ---\n%s", b.addr, err, logPath, tail)
}

// stop ends pgbouncer (SIGTERM: immediate shutdown; SIGKILL after
// stopTimeout).
func (b *bouncer) stop() error {
	defer func() {
		if b.ownDir {
			os.RemoveAll(b.dir)
		}
	}()
	select {
	case <-b.done:
		return nil
	default:
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-b.done:
		return nil
	case <-timer.C:
		b.kill()
		return fmt.Errorf("pgbouncer did not stop within %v after SIGTERM; killed it", stopTimeout)
	}
}

func (b *bouncer) kill() {
	_ = b.cmd.Process.Kill()
	<-b.done
}

// withExecMode returns u with default_query_exec_mode=mode.
func withExecMode(u, mode string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	q := p.Query()
	q.Set("default_query_exec_mode", mode)
	p.RawQuery = q.Encode()
	return p.String()
}
