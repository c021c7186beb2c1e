// Package natstest runs a real nats-server with JetStream for tests: a
// server of the calling test's own on a 127.0.0.1 port, with its store in
// the test's temporary directory, which the test may kill and start again
// on the same port and store.
//
// The binary is $NATS_SERVER_BIN, else nats-server on PATH (Debian's
// package puts it in /usr/sbin), else one built once with go install
// (Version, about a minute or two) and kept in the user's cache directory.
package natstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/hotelplatform/hotel/internal/testproc"
)

// Version is the nats-server built when none is installed.
const Version = "v2.15.3"

// ReadyTimeout bounds the wait for a started server to serve JetStream.
const ReadyTimeout = 30 * time.Second

// Server is a nats-server with JetStream dedicated to one test. Its
// methods are safe for concurrent use, and Stop and Start report errors
// instead of failing the test, so they may run on any goroutine.
type Server struct {
	bin, dir string

	mu   sync.Mutex
	port int
	proc *testproc.Proc // nil while stopped
}

// Start starts a server on a free 127.0.0.1 port and waits until it
// serves JetStream; it is killed when the test finishes. It fails the test
// when no binary can be found or built, or the server does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary(t)
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	s := &Server{bin: bin, dir: t.TempDir()}
	begin := time.Now()
	if err := s.Start(); err != nil {
		t.Fatalf("natstest: %v", err)
	}
	t.Logf("natstest: started %s at %s in %v", bin, s.URL(), time.Since(begin).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("natstest: %v", err)
		}
	})
	return s
}

// URL is the server's nats:// URL, the same across restarts.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "nats://127.0.0.1:" + strconv.Itoa(s.port)
}

// StoreDir is the server's JetStream store directory.
func (s *Server) StoreDir() string { return filepath.Join(s.dir, "store") }

// Stop kills the server (SIGKILL: no clean shutdown) and waits until it
// has exited. Its store stays; Start brings it back. Stopping a stopped
// server does nothing.
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

// Start starts a stopped server again, on its port and store, and waits
// until it serves JetStream. Starting a running server does nothing.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return nil
	}
	// The first start takes a random port, read back from the ports file.
	port, portsDir := strconv.Itoa(s.port), ""
	if s.port == 0 {
		port, portsDir = "-1", filepath.Join(s.dir, "ports")
		if err := os.MkdirAll(portsDir, 0o700); err != nil {
			return err
		}
	}
	args := []string{"-js", "-sd", s.StoreDir(), "-a", "127.0.0.1", "-p", port}
	if portsDir != "" {
		args = append(args, "--ports_file_dir", portsDir)
	}
	p, err := testproc.Start(s.bin, args...)
	if err != nil {
		return err
	}
	s.proc = p
	if err := p.Ready(ReadyTimeout, s.serving(portsDir)); err != nil {
		_ = s.stop()
		return fmt.Errorf("nats-server %s did not come up: %w; its log:\n%s", args, err, p.Logs())
	}
	return nil
}

// Restart kills the server and starts it again.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.Start()
}

// serving is the readiness check of a start: the server answers a
// JetStream request (its port read from the ports file in portsDir first,
// if given).
func (s *Server) serving(portsDir string) func(context.Context) error {
	return func(ctx context.Context) error {
		if portsDir != "" {
			if err := s.readPort(portsDir); err != nil {
				return err
			}
			portsDir = ""
		}
		return serves(ctx, "nats://127.0.0.1:"+strconv.Itoa(s.port))
	}
}

// readPort sets s.port from the ports file in dir.
func (s *Server) readPort(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*_"+strconv.Itoa(s.proc.Pid())+".ports"))
	if err != nil || len(files) == 0 {
		return errors.New("no ports file yet")
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	var ports struct {
		Nats []string `json:"nats"`
	}
	if err := json.Unmarshal(b, &ports); err != nil || len(ports.Nats) == 0 {
		return fmt.Errorf("ports file %s: %q", files[0], b) // still being written
	}
	u, err := url.Parse(ports.Nats[0])
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return fmt.Errorf("ports file %s: %q", files[0], b)
	}
	s.port = port
	return nil
}

// serves says whether the server at u accepts a connection and answers a
// JetStream request.
func serves(ctx context.Context, u string) error {
	nc, err := nats.Connect(u, nats.Timeout(time.Second), nats.NoReconnect())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err = js.AccountInfo(actx)
	return err
}

// Binary returns the nats-server to run: $NATS_SERVER_BIN, else
// nats-server on PATH or in /usr/sbin, else Version built by go install
// into the user's cache directory (once: later calls, and later test
// runs, find it there).
func Binary(t testing.TB) (string, error) {
	if bin := os.Getenv("NATS_SERVER_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil { //nolint:gosec // the binary the tester named
			return "", fmt.Errorf("NATS_SERVER_BIN: %w", err)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("nats-server"); err == nil {
		return bin, nil
	}
	if _, err := os.Stat("/usr/sbin/nats-server"); err == nil {
		return "/usr/sbin/nats-server", nil
	}
	built.Do(func() { built.bin, built.err = build(t) })
	return built.bin, built.err
}

var built struct {
	sync.Once
	bin string
	err error
}

// build returns Version of nats-server from the cache directory, building
// it there first if it is missing. Concurrent builds (test binaries of
// other packages) each install into a directory of their own and rename
// the result into place, so each finds a complete binary.
func build(t testing.TB) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no nats-server on PATH, no NATS_SERVER_BIN, and no cache directory to build one into: %w", err)
	}
	dir := filepath.Join(cache, "hotel-nats-server", Version)
	bin := filepath.Join(dir, "nats-server")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no nats-server on PATH, no NATS_SERVER_BIN, and no go command to build one: %w", err)
	}
	t.Logf("natstest: no nats-server installed (apt-get install nats-server, or set NATS_SERVER_BIN); building %s into %s once", Version, dir)
	begin := time.Now()
	var out bytes.Buffer
	cmd := exec.CommandContext(context.Background(), goBin, "install", "github.com/nats-io/nats-server/v2@"+Version) //nolint:gosec // the go command from PATH
	cmd.Env = append(os.Environ(), "GOBIN="+tmp)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install github.com/nats-io/nats-server/v2@%s: %w\n%s", Version, err, out.String())
	}
	if err := os.Rename(filepath.Join(tmp, "nats-server"), bin); err != nil {
		return "", err
	}
	t.Logf("natstest: built %s in %v", bin, time.Since(begin).Round(time.Second))
	return bin, nil
}
