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

// rawGuestName reads a booking's guest name and whether it has an access
// token hash, bypassing the store.
func rawGuestName(t *testing.T, kind storeKind, db map[string]string, id string) (string, bool) {
	t.Helper()
	ctx := context.Background()
	const q = `SELECT guest_name, access_token_hash IS NOT NULL FROM booking WHERE id = '` + "%s" + `'`
	query := strings.Replace(q, "%s", id, 1)
	var name string
	var token bool
	if kind == postgresStore {
		pool, err := pgxpool.New(ctx, db["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		if err := pool.QueryRow(ctx, query).Scan(&name, &token); err != nil {
			t.Fatal(err)
		}
		return name, token
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(db["HOTEL_DATA_DIR"], "hotel.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRowContext(ctx, query).Scan(&name, &token); err != nil {
		t.Fatal(err)
	}
	return name, token
}

// TestPrivacyEraseCommand runs `hotel privacy erase --booking ID`: the
// guest name is replaced and the token hash cleared, again changes
// nothing, and an unknown or malformed id is an error.
func TestPrivacyEraseCommand(t *testing.T) {
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
			const id = "0190a0b0-0000-7000-8000-0000000000e1"
			if out, err := cmd("privacy", "erase", "--booking", id); err == nil || !strings.Contains(err.Error(), "hotel migrate up") {
				t.Fatalf("privacy erase on an empty database = %q, %v", out, err)
			}
			migrateUp(t, db)
			if _, err := cmd("seed"); err != nil {
				t.Fatal(err)
			}
			rawExec(t, kind, db, `INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, currency, status, access_token_hash)
SELECT '`+id+`', 'ERASE001', hotel_id, id, 'Wilhelmina Pike', '2030-01-10', 2, '2030-01-12', 1, 'GBP', 'confirmed', confirmation_code
FROM (SELECT hotel_id, id, `+map[storeKind]string{sqliteStore: "X'00'", postgresStore: "'\\x00'::bytea"}[kind]+` AS confirmation_code FROM room_type ORDER BY hotel_id, id LIMIT 1) rt`)
			if name, token := rawGuestName(t, kind, db, id); name != "Wilhelmina Pike" || !token {
				t.Fatalf("before: %q, token %v", name, token)
			}
			for range 2 {
				if out, err := cmd("privacy", "erase", "--booking", strings.ToUpper(id)); err != nil || out != "booking "+id+": guest name erased, access token revoked\n" {
					t.Fatalf("privacy erase = %q, %v", out, err)
				}
				if name, token := rawGuestName(t, kind, db, id); name != "(erased)" || token {
					t.Fatalf("after: %q, token %v", name, token)
				}
			}
			if _, err := cmd("privacy", "erase", "--booking", "0190a0b0-0000-7000-8000-0000000000e2"); err == nil || !strings.Contains(err.Error(), "was not found") {
				t.Fatalf("unknown booking = %v", err)
			}
			if _, err := cmd("privacy", "erase", "--booking", "nope"); err == nil || !strings.Contains(err.Error(), "not a booking id") {
				t.Fatalf("malformed id = %v", err)
			}
			var ue usageError
			for _, args := range [][]string{{"privacy"}, {"privacy", "erase"}, {"privacy", "forget", "--booking", id}} {
				if _, err := cmd(args...); !errors.As(err, &ue) {
					t.Fatalf("%v = %v, want a usage error", args, err)
				}
			}
		})
	}
}
