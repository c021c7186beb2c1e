package sqlite

import (
	"context"
	"errors"
	"os"
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
		Int64s: func(t *testing.T, s store.Store, sql string) ([]int64, error) {
			rows, err := s.(*Store).r.QueryContext(context.Background(), sql)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []int64
			for rows.Next() {
				var n int64
				if err := rows.Scan(&n); err != nil {
					return nil, err
				}
				out = append(out, n)
			}
			return out, rows.Err()
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

// TestOpenReadOnly: a check opens the file as it is or not at all: a missing
// file is ErrNoDatabase and nothing is created; an existing database is
// read (its identity too) and never written.
func TestOpenReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "data", "hotel.db")
	if _, err := OpenReadOnly(ctx, missing); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("OpenReadOnly of a missing file = %v, want ErrNoDatabase", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenReadOnly created the directory: %v", err)
	}
	if _, err := OpenReadOnly(ctx, dir); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("OpenReadOnly of a directory = %v, want ErrNoDatabase", err)
	}

	path := filepath.Join(dir, "hotel.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := s.DatabaseID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // the last connection: -wal and -shm go
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema read-only: %v", err)
	}
	if got, err := ro.DatabaseID(ctx); err != nil || got != want {
		t.Errorf("DatabaseID read-only = %q, %v; want %q", got, err, want)
	}
	if _, err := ro.Drift(ctx, 10); err != nil {
		t.Errorf("Drift read-only: %v", err)
	}
	if _, err := ro.w.ExecContext(ctx, `CREATE TABLE x (y INTEGER)`); err == nil {
		t.Error("a read-only store accepted a write")
	}

	// An empty file (any file not ours) stays as it was.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ro2, err := OpenReadOnly(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	defer ro2.Close()
	if err := ro2.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
		t.Errorf("CheckSchema of an empty file = %v, want ErrSchemaBehind", err)
	}
	if _, err := ro2.Migrate(ctx); err == nil {
		t.Error("a read-only store migrated")
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file changed: %v, %v", fi, err)
	}
}

// TestMigration13KeepsBookings: 0013 rebuilds booking and booking_night
// (SQLite cannot change a CHECK); every booking and night stays, and
// booking_night references the new booking with its cascade.
func TestMigration13KeepsBookings(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := s.migrations
	s.migrations = all[:12]
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO hotel (id, name, location, time_zone, currency) VALUES (1, 'H', 'L', 'UTC', 'EUR')`,
		`INSERT INTO room_type (id, hotel_id, name, max_occupancy) VALUES (10, 1, 'Double', 2)`,
		`INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
		    check_out_date, adults, currency, status, total_cents)
		 VALUES ('018f0000-0000-7000-8000-000000000001', 'ABCDEFGH', 1, 10, 'Ann', '2030-01-01', 2, '2030-01-03', 2, 'EUR', 'confirmed', 200)`,
		`INSERT INTO booking_night (booking_id, night, price_cents) VALUES
		    ('018f0000-0000-7000-8000-000000000001', '2030-01-01', 100), ('018f0000-0000-7000-8000-000000000001', '2030-01-02', 100)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.migrations = all
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := s.GetBooking(ctx, "018f0000-0000-7000-8000-000000000001")
	if err != nil || len(b.NightlyPrices) != 2 || b.TotalPrice != 200 || b.GuestName != "Ann" {
		t.Fatalf("after 0013, GetBooking = %+v, %v; want the booking with its 2 nights", b, err)
	}
	var problems int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&problems); err != nil || problems != 0 {
		t.Fatalf("foreign key check: %d problems, %v", problems, err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM booking`); err != nil {
		t.Fatal(err)
	}
	var nights int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM booking_night`).Scan(&nights); err != nil || nights != 0 {
		t.Fatalf("deleting the booking left %d nights (%v): booking_night does not reference the new booking", nights, err)
	}
}
