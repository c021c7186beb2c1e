package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Store {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "hotel.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		Exec: func(t *testing.T, s store.Store, sql string) error {
			_, err := s.(*Store).w.ExecContext(context.Background(), sql)
			return err
		},
	})
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "dir", "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var mode string
	var fk, busy int
	if err := s.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := s.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	if err := s.r.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil || busy < 1000 {
		t.Errorf("busy_timeout = %d, %v", busy, err)
	}
	if _, err := s.r.ExecContext(ctx, `CREATE TABLE x (y INTEGER)`); err == nil {
		t.Error("read pool accepted a write")
	}
}
