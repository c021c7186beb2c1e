// Package redistest runs a real redis-server for tests: a server of the
// calling test's own on a free 127.0.0.1 port, with its own directory and
// no persistence, which the test may kill and start again on the same
// port (empty again).
//
// The binary is $REDIS_SERVER_BIN, else redis-server on PATH or in
// /usr/bin (Debian's redis-server package: apt-get install redis-server).
// Without one the test fails: it never skips.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hotelplatform/hotel/internal/testproc"
)

// ReadyTimeout bounds the wait for a started server to answer PING.
const ReadyTimeout = 30 * time.Second

// Server is a redis-server dedicated to one test. Its methods are safe for
// concurrent use, and Stop and Start report errors instead of failing the
// test, so they may run on any goroutine.
type Server struct {
	bin, dir string

	mu   sync.Mutex
	port int
	proc *testproc.Proc // nil while stopped
}

// Start starts a server on a free 127.0.0.1 port and waits until it
// answers; it is killed when the test finishes.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	s := &Server{bin: bin, dir: t.TempDir()}
	begin := time.Now()
	// The port is free when picked, but another process may take it
	// before redis-server binds it: then pick another.
	for attempt := 0; ; attempt++ {
		s.port, err = freePort()
		if err == nil {
			err = s.Start()
		}
		if err == nil {
			break
		}
		if attempt == 4 {
			t.Fatalf("redistest: %v", err)
		}
	}
	t.Logf("redistest: started %s at %s in %v", bin, s.URL(), time.Since(begin).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("redistest: %v", err)
		}
	})
	return s
}

// URL is the server's redis:// URL, the same across restarts.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Addr is the server's host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Stop kills the server (SIGKILL) and waits until it has exited; its
// data is gone. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stop()
}

func (s *Server) stop() error {
	if s.proc == nil {
		return nil
	}
	if err := s.proc.Kill(); err != nil {
		return err
	}
	s.proc = nil
	return nil
}

// Start starts a stopped server again on its port and waits until it
// answers PING. Starting a running server does nothing.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return nil
	}
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "", "--databases", "1"}
	p, err := testproc.Start(s.bin, args...)
	if err != nil {
		return err
	}
	s.proc = p
	if err := p.Ready(ReadyTimeout, s.pings); err != nil {
		_ = s.stop()
		return fmt.Errorf("redis-server %s did not come up: %w; its log:\n%s", args, err, p.Logs())
	}
	return nil
}

// pings reports whether the server answers PING.
func (s *Server) pings(ctx context.Context) error {
	c := redis.NewClient(&redis.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)), MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: time.Second, DisableIdentity: true})
	defer func() { _ = c.Close() }()
	return c.Ping(ctx).Err()
}

// freePort returns a 127.0.0.1 port nothing listens on now.
func freePort() (int, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Binary returns the redis-server to run: $REDIS_SERVER_BIN, else
// redis-server on PATH or in /usr/bin.
func Binary() (string, error) {
	if bin := os.Getenv("REDIS_SERVER_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil { //nolint:gosec // the binary the tester named
			return "", fmt.Errorf("REDIS_SERVER_BIN: %w", err)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("redis-server"); err == nil {
		return bin, nil
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server", nil
	}
	return "", errors.New("no redis-server on PATH or in /usr/bin, and no REDIS_SERVER_BIN: install it (apt-get install redis-server; .ci/run does)")
}
