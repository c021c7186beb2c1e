package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// rawExec runs q on the database of db, bypassing the store: to corrupt it.
func rawExec(t *testing.T, kind storeKind, db map[string]string, q string) {
	t.Helper()
	ctx := context.Background()
	if kind == postgresStore {
		pool, err := pgxpool.New(ctx, db["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(db["HOTEL_DATA_DIR"], "hotel.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
}

// TestJobsAndCheckCommands runs `hotel jobs run` and `hotel check` as the
// README shows them: a job run twice changes nothing the second time, and
// check exits non-zero on drift until --repair fixes it.
func TestJobsAndCheckCommands(t *testing.T) {
	t.Parallel()
	for _, kind := range []storeKind{sqliteStore, postgresStore} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, kind)
			cmd := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, env(db), &out, &errOut)
				return out.String(), err
			}
			if out, err := cmd("check"); err == nil || !strings.Contains(err.Error(), "hotel migrate up") {
				t.Fatalf("check on an empty database = %q, %v", out, err)
			}
			migrateUp(t, db)
			if _, err := cmd("seed"); err != nil {
				t.Fatal(err)
			}
			if out, err := cmd("check"); err != nil || !strings.Contains(out, "ok: on every night") {
				t.Fatalf("check = %q, %v", out, err)
			}
			for range 2 {
				if out, err := cmd("jobs", "run", "complete-checkouts"); err != nil || out != "complete-checkouts: 0 item(s), completed 0, skipped 0\n" {
					t.Fatalf("jobs run complete-checkouts = %q, %v", out, err)
				}
			}
			if out, err := cmd("jobs", "run", "recover-pending"); err != nil || !strings.HasPrefix(out, "recover-pending: 0 item(s)") {
				t.Fatalf("jobs run recover-pending = %q, %v", out, err)
			}
			var ue usageError
			if _, err := cmd("jobs", "run", "nightly"); !errors.As(err, &ue) || !strings.Contains(err.Error(), "complete-checkouts") {
				t.Fatalf("unknown job = %v", err)
			}

			rawExec(t, kind, db, `UPDATE inventory_night SET held = held + 1 WHERE hotel_id = 111 AND room_type_id = 1 AND night = (SELECT min(night) FROM inventory_night)`)
			out, err := cmd("check")
			if !errors.Is(err, errDrift) || !strings.Contains(out, "drift on 1 night(s):\n  hotel 111 room type 1 ") || !strings.Contains(out, "held 1, hold nights 0, bookings 0") {
				t.Fatalf("check on a corrupted count = %q, %v", out, err)
			}
			if out, err := cmd("jobs", "run", "reconcile"); err != nil || out != "reconcile: 1 item(s), drifting_nights 1\n" {
				t.Fatalf("jobs run reconcile = %q, %v", out, err)
			}
			if out, err := cmd("check", "--repair"); err != nil || !strings.Contains(out, "1 held count(s) reset") || !strings.Contains(out, "ok: no drift remains") {
				t.Fatalf("check --repair = %q, %v", out, err)
			}
			if out, err := cmd("check"); err != nil || !strings.Contains(out, "ok: on every night") {
				t.Fatalf("check after repair = %q, %v", out, err)
			}
		})
	}
}
