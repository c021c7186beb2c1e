package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.NewDatabase(t), Options{ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Store { return open(t) },
		Exec: func(t *testing.T, s store.Store, sql string) error {
			_, err := s.(*Store).pool.Exec(context.Background(), sql)
			return err
		},
	})
}

func TestURLSchemes(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	for _, u := range []string{url, strings.Replace(url, "postgres://", "postgresql://", 1)} {
		s, err := Open(context.Background(), u, Options{ConnectTimeout: time.Second})
		if err != nil {
			t.Fatalf("Open(%s): %v", strings.SplitN(u, "://", 2)[0], err)
		}
		s.Close()
	}
}

func TestUnreachableNamesHostAndPort(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// Port 1 on loopback: nothing listens there.
	_, err := Open(context.Background(), "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable", Options{ConnectTimeout: 700 * time.Millisecond})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	msg := err.Error()
	if !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "secretpw") || !strings.Contains(msg, "tried") {
		t.Fatalf("error %q should name host:port, say it retried, and hide the password", msg)
	}
	if strings.Contains(msg, "tried 1 times") {
		t.Fatalf("did not retry: %q", msg)
	}
	_ = start
}

func TestBadURL(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://u:p@host:notaport/db", Options{})
	if err == nil || strings.Contains(err.Error(), "u:p") {
		t.Fatalf("bad URL error = %v", err)
	}
}

// TestConnectionCutIsUnavailable: a connection that ends mid-statement
// without a word from the server (its process killed, as by the OOM
// killer, before PostgreSQL's crash recovery) is the database being away —
// ErrUnavailable, a 503 — not an internal error.
func TestConnectionCutIsUnavailable(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// A proxy to the server that, once cut is set, closes the client's
	// connection as soon as its next statement arrives, unanswered.
	var cut atomic.Bool
	server := u.Host
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", server)
			if err != nil {
				c.Close()
				continue
			}
			go func() { _, _ = io.Copy(c, up); c.Close() }()
			go func() {
				defer up.Close()
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if err != nil || cut.Load() {
						return
					}
					if _, err := up.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	u.Host = ln.Addr().String()
	s, err := Open(context.Background(), u.String(), Options{MaxConns: 1, ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	cut.Store(true)
	err = s.Ping(ctx)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("connection cut mid-statement: %v, want store.ErrUnavailable", err)
	}
	t.Logf("connection cut: %v", err)
}
