package pgtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a private PostgreSQL server dedicated to one test, which the
// test may stop, start and restart without disturbing any other test. Its
// methods are safe for concurrent use; Stop, Start and Restart report
// errors instead of failing the test, so they may run on any goroutine
// (e.g. from time.AfterFunc in the middle of a load).
type Cluster struct {
	t    testing.TB
	mu   sync.Mutex
	srv  *server
	up   bool // running
	gone bool // removed at the end of the test
}

// NewCluster runs initdb and starts a PostgreSQL server of the calling
// test's own on a free 127.0.0.1 port; it is shut down and its directory
// removed when the test finishes. It needs the PostgreSQL server binaries
// even when TEST_DATABASE_URL is set (an external server cannot be
// restarted); without them it fails the test, saying how to install them.
// Unlike the shared server, its commits survive a crash of the server
// (synchronous_commit is on), so a fault test may crash it and expect to
// find every transaction it saw committed.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	begin := time.Now()
	s, err := startCluster(true)
	if err != nil {
		t.Fatalf("pgtest: NewCluster needs a private PostgreSQL cluster (the server binaries; "+
			"%s cannot be used, a test cannot restart it): %v", envURL, err)
	}
	t.Logf("pgtest: started a dedicated PostgreSQL at %s in %v", s.admin.Host, time.Since(begin).Round(time.Millisecond))
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

// URL returns the postgres:// URL of a fresh, empty database on the
// cluster (gone with the cluster at the end of the test). The cluster must
// be running; any failure fails the test.
func (c *Cluster) URL() string {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		c.t.Fatal("pgtest: Cluster.URL: the cluster is stopped")
	}
	return c.srv.newDatabase(c.t, false)
}

// AdminURL returns the URL of the cluster's maintenance database (as a
// superuser).
func (c *Cluster) AdminURL() string { return c.srv.admin.String() }

// Stop shuts the server down as an operator would (fast shutdown, SIGINT:
// every open connection is terminated with SQLSTATE 57P01) and waits until
// it has exited. The data stays; Start brings it back. Stopping a stopped
// cluster does nothing.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		return nil
	}
	c.up = false
	return c.srv.shutdown()
}

// Start starts a stopped cluster again on the same data directory and port,
// and waits until it accepts connections. Starting a running cluster does
// nothing.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.up {
		return nil
	}
	if c.gone {
		return errors.New("pgtest: the cluster was removed at the end of its test")
	}
	if err := c.srv.launch(false); err != nil {
		return err
	}
	c.up = true
	return nil
}

// Restart stops the cluster, keeps it down for down (clients meanwhile get
// connection refused), then starts it again.
func (c *Cluster) Restart(down time.Duration) error {
	if err := c.Stop(); err != nil {
		return err
	}
	if down > 0 {
		t := time.NewTimer(down)
		<-t.C
	}
	return c.Start()
}

// Crash kills one server process with SIGKILL, as the out-of-memory killer
// would. PostgreSQL takes it for a crash: it ends every other connection
// (without a word on those it cannot reach in time) and recovers from its
// WAL before accepting connections again. Crash returns once it does.
func (c *Cluster) Crash() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		return errors.New("pgtest: Crash: the cluster is stopped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	victim, err := pgx.Connect(ctx, c.srv.admin.String())
	if err != nil {
		return fmt.Errorf("pgtest: Crash: %w", err)
	}
	defer victim.Close(ctx)
	// A second connection ends when the postmaster starts the recovery.
	watch, err := pgx.Connect(ctx, c.srv.admin.String())
	if err != nil {
		return fmt.Errorf("pgtest: Crash: %w", err)
	}
	defer watch.Close(ctx)
	var pid int
	if err := victim.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return fmt.Errorf("pgtest: Crash: %w", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("pgtest: Crash: kill server process %d: %w", pid, err)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for watch.Ping(ctx) == nil {
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: Crash: PostgreSQL did not notice that process %d was killed", pid)
		case <-tick.C:
		}
	}
	c.srv.closeIdle() // they ended too
	return c.srv.waitReady()
}
