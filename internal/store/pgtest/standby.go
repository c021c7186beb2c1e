package pgtest

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

// StandbyOptions configure NewStandby.
type StandbyOptions struct {
	// Name is the standby's application_name, which the primary's
	// synchronous_standby_names names (default "standby").
	Name string
	// Upstream is the host:port the standby streams from (default the
	// primary's own): a test may put a proxy between them to cut the
	// link.
	Upstream string
}

// NewStandby makes a streaming standby of the running cluster primary —
// pg_basebackup -R (as the postgres user when run as root) into a fresh
// directory — and starts it, hot (read-only queries allowed), on a free
// 127.0.0.1 port; it waits until the standby accepts connections. The
// standby is a Cluster of the calling test's own: Stop, Start, Crash and
// Kill work on it as on any, Promote makes it a primary. It is removed when
// the test finishes. Replication is asynchronous unless the primary names
// it in synchronous_standby_names (SetSynchronousStandbys).
func NewStandby(t testing.TB, primary *Cluster, o StandbyOptions) *Cluster {
	t.Helper()
	if o.Name == "" {
		o.Name = "standby"
	}
	primary.mu.Lock()
	up := primary.up
	from := primary.srv.admin.Host
	primary.mu.Unlock()
	if !up {
		t.Fatal("pgtest: NewStandby: the primary is stopped")
	}
	if o.Upstream == "" {
		o.Upstream = from
	}
	begin := time.Now()
	s, err := startStandby(from, o)
	if err != nil {
		t.Fatalf("pgtest: NewStandby: %v", err)
	}
	t.Logf("pgtest: started a standby %q at %s of %s in %v", o.Name, s.admin.Host, from, time.Since(begin).Round(time.Millisecond))
	c := &Cluster{t: t, srv: s, up: true}
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.up, c.gone = false, true
		if err := c.srv.stop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// startStandby copies the primary at from with pg_basebackup and starts
// the copy as a standby streaming from o.Upstream.
func startStandby(from string, o StandbyOptions) (_ *server, err error) {
	_, postgres, err := findBinaries()
	if err != nil {
		return nil, err
	}
	// Beside the server binary (which PATH may hold as a link to it).
	real, err := filepath.EvalSymlinks(postgres)
	if err != nil {
		return nil, err
	}
	basebackup := filepath.Join(filepath.Dir(real), "pg_basebackup")
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-standby-")
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
	s := &server{dir: dir, postgres: postgres, cred: cred, durable: true, idle: make(chan *pgx.Conn, 4)}
	host, port, _ := net.SplitHostPort(from)
	cmd := exec.Command(basebackup, "-h", host, "-p", port, "-U", "postgres", "-D", s.dataDir(),
		"-R", "-X", "stream", "-c", "fast", "--no-sync")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s failed: %v\n%s", basebackup, err, out)
	}
	uh, up, _ := net.SplitHostPort(o.Upstream)
	s.extra = []string{
		"-c", fmt.Sprintf("primary_conninfo=host=%s port=%s user=postgres application_name=%s", uh, up, o.Name),
		"-c", "hot_standby=on",
		// Queries on the standby are never cancelled for a conflict with
		// replay (the replay waits): a test's reads then see a standby
		// that is merely behind.
		"-c", "max_standby_streaming_delay=-1",
		"-c", "wal_receiver_status_interval=1s",
		"-c", "wal_retrieve_retry_interval=200ms",
	}
	for attempt := 1; ; attempt++ {
		p, err := pickPort()
		if err != nil {
			return nil, err
		}
		s.admin = &url.URL{Scheme: "postgres", User: url.User("postgres"),
			Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), Path: "/postgres", RawQuery: "sslmode=disable"}
		err = s.launch(true)
		if err == nil {
			return s, nil
		}
		if attempt < 5 && errors.Is(err, errPortTaken) {
			continue
		}
		return nil, err
	}
}

// Host returns the cluster's host:port.
func (c *Cluster) Host() string { return c.srv.admin.Host }

// DatabaseURL returns the URL of the database that url (a URL of another
// cluster, such as the primary's Cluster.URL) names, on this cluster.
func (c *Cluster) DatabaseURL(of string) string {
	u, err := url.Parse(of)
	if err != nil {
		c.t.Fatalf("pgtest: DatabaseURL: %v", err)
	}
	u.Host = c.srv.admin.Host
	return u.String()
}

// SetSynchronousStandbys sets the primary's synchronous_standby_names
// (e.g. "standby"; empty: asynchronous replication) and reloads its
// configuration: from then on a commit returns once the named standby has
// it (synchronous_commit on, as NewCluster's are).
func (c *Cluster) SetSynchronousStandbys(names string) error {
	return c.adminExec(fmt.Sprintf("ALTER SYSTEM SET synchronous_standby_names = '%s'", strings.ReplaceAll(names, "'", "''")),
		"SELECT pg_reload_conf()")
}

// Promote makes a standby a primary (pg_promote) and returns once it is:
// it accepts writes.
func (c *Cluster) Promote() error {
	return c.adminExec("SELECT pg_promote(true, 30)")
}

// PauseReplay pauses the standby's replay of the WAL it receives
// (pg_wal_replay_pause): it falls behind the primary as the primary writes.
func (c *Cluster) PauseReplay() error { return c.adminExec("SELECT pg_wal_replay_pause()") }

// ResumeReplay resumes it (pg_wal_replay_resume).
func (c *Cluster) ResumeReplay() error { return c.adminExec("SELECT pg_wal_replay_resume()") }

// Kill kills the server — its postmaster and every process of it — with
// SIGKILL, as a machine that loses power would, and waits until they have
// exited. Unlike Crash, nothing recovers: the cluster stays down (Start
// would recover it from its WAL).
func (c *Cluster) Kill() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		return errors.New("pgtest: Kill: the cluster is stopped")
	}
	c.up = false
	c.srv.closeIdle()
	pid := c.srv.cmd.Process.Pid
	children := childProcesses(pid)
	_ = c.srv.cmd.Process.Kill()
	for _, ch := range children {
		_ = syscall.Kill(ch, syscall.SIGKILL)
	}
	<-c.srv.done
	deadline := time.Now().Add(stopTimeout)
	for _, ch := range children { // gone once kill(pid, 0) fails
		for syscall.Kill(ch, 0) == nil && time.Now().Before(deadline) {
			t := time.NewTimer(5 * time.Millisecond)
			<-t.C
		}
	}
	return nil
}

// childProcesses lists the processes whose parent is pid (from /proc).
func childProcesses(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		f := strings.Fields(rest)
		if len(f) > 1 {
			if pp, _ := strconv.Atoi(f[1]); pp == pid {
				out = append(out, n)
			}
		}
	}
	return out
}

// adminExec runs statements on the cluster's maintenance database.
func (c *Cluster) adminExec(sqls ...string) error {
	c.mu.Lock()
	up := c.up
	c.mu.Unlock()
	if !up {
		return errors.New("pgtest: the cluster is stopped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.srv.admin.String())
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	for _, q := range sqls {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgtest: %s: %w", q, err)
		}
	}
	return nil
}

// StartFenced starts a stopped or killed cluster again — recovering from
// its WAL — read-only (default_transaction_read_only on): a client looking
// for a read-write server (target_session_attrs=read-write) passes it by,
// as after a failover the old primary must be fenced off from the services
// while its data is compared with the new primary's.
func (c *Cluster) StartFenced() error {
	c.mu.Lock()
	c.srv.extra = append(c.srv.extra, "-c", "default_transaction_read_only=on")
	c.mu.Unlock()
	return c.Start()
}
