// Package testproc runs a test's own server process — a redis-server, a
// nats-server — the one way: started with its output kept, polled until
// it serves, killed and awaited. The packages that run a real server for
// tests (redistest, natstest) build on it.
package testproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Proc is a running server process.
type Proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	logs buffer
}

// Start starts bin with args, keeping what it writes for Logs.
func Start(bin string, args ...string) (*Proc, error) {
	p := &Proc{done: make(chan struct{})}
	p.cmd = exec.CommandContext(context.Background(), bin, args...) //nolint:gosec // the test's own server
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process's id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Ready calls check, with pauses growing from 1 ms to 50 ms, until it
// returns nil (nil), the process exits, or timeout passes (an error
// naming check's last).
func (p *Proc) Ready(timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		if last = check(ctx); last == nil {
			return nil
		}
		t := time.NewTimer(pause)
		select {
		case <-p.done:
			t.Stop()
			return errors.New("it exited")
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("not ready after %v: %w", timeout, last)
		case <-t.C:
		}
	}
}

// Kill kills the process (SIGKILL: no clean shutdown) and waits until it
// has exited.
func (p *Proc) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill %s: %w", p.cmd.Path, err)
	}
	<-p.done
	return nil
}

// Logs is what the process wrote to its standard output and error.
func (p *Proc) Logs() string { return p.logs.String() }

// buffer is a bytes.Buffer safe for concurrent use.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
