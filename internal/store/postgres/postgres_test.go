package postgres

import (
	"context"
	"os"
	"strings"
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
