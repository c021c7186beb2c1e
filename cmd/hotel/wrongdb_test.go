package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// Issue 16, item 6: only migrate and serve create the schema. The other
// commands that open the database refuse one that lacks it, and leave it —
// or its absence — as it was.

// schemaUsers are the commands that use the database and must never create
// the schema, with the arguments of a run that would write if it could.
var schemaUsers = [][]string{
	{"keys", "list"},
	{"keys", "create", "--name", "ops", "--scopes", "admin"},
	{"keys", "revoke", "ops"},
	{"seed"},
	{"seed", "--hotels", "1", "--days", "2"},
	{"jobs", "run", "reconcile"},
	{"jobs", "run", "complete-checkouts"},
	{"check"},
	{"check", "--repair"},
	{"jobs", "run", "erase-guest-names"},
	{"privacy", "erase", "--booking", "0190a0b0-0000-7000-8000-000000000000"},
}

// refuses runs every schema user on db and checks each refuses with one
// line that says to run `hotel migrate up`, and unchanged reports whether
// the database is still as it was.
func refuses(t *testing.T, db map[string]string, want string, unchanged func() error) {
	t.Helper()
	for _, args := range schemaUsers {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, env(db), &out, &errOut)
		switch {
		case err == nil:
			t.Errorf("%v succeeded on a database without the schema:\n%s", args, out.String())
		case !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "hotel migrate up"):
			t.Errorf("%v: %v; want %q and advice to run hotel migrate up", args, err, want)
		case strings.Contains(err.Error(), "\n") || exitCode(err) != 1:
			t.Errorf("%v: not one line, or exit %d: %q", args, exitCode(err), err)
		}
		if err := unchanged(); err != nil {
			t.Fatalf("%v changed the database: %v", args, err)
		}
	}
}

// pgTables lists the tables of the database at url, outside PostgreSQL's own.
func pgTables(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT schemaname || '.' || tablename FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestCommandsRefusePostgresWithoutSchema: keys, seed, jobs and check on a
// PostgreSQL database without the schema — empty, as the `postgres`
// maintenance database is, or another application's — refuse, and create
// no table in it.
func TestCommandsRefusePostgresWithoutSchema(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		foreign string // SQL making the database another application's
	}{
		{"empty", ""},
		{"foreign", `CREATE TABLE customer (id BIGINT PRIMARY KEY, name TEXT); INSERT INTO customer VALUES (1, 'Ada')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, postgresStore)
			if tc.foreign != "" {
				rawExec(t, postgresStore, db, tc.foreign)
			}
			before := pgTables(t, db["DATABASE_URL"])
			refuses(t, db, `has no hotel schema`, func() error {
				if after := pgTables(t, db["DATABASE_URL"]); !slices.Equal(after, before) {
					return errors.New("tables " + strings.Join(before, ",") + " became " + strings.Join(after, ","))
				}
				return nil
			})
			// migrate is the command that creates the schema; then they run.
			migrateUp(t, db)
			if err := run(context.Background(), []string{"keys", "list"}, env(db), io.Discard, io.Discard); err != nil {
				t.Fatalf("keys list after migrate up: %v", err)
			}
		})
	}
}

// fileState is what a directory holds: each file's name and content hash.
func fileState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(path)
		if !d.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCommandsRefuseSQLiteWithoutSchema: the same on SQLite — a data
// directory that does not exist (created by nothing, not even `hotel
// check`), an empty file, another application's database file.
func TestCommandsRefuseSQLiteWithoutSchema(t *testing.T) {
	t.Parallel()
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		parent := t.TempDir()
		dir := filepath.Join(parent, "wrong", "data")
		refuses(t, map[string]string{"HOTEL_DATA_DIR": dir}, "no SQLite database at "+filepath.Join(dir, "hotel.db"), func() error {
			if entries, _ := os.ReadDir(parent); len(entries) > 0 {
				return errors.New("created " + entries[0].Name())
			}
			return nil
		})
	})
	for _, tc := range []struct {
		name    string
		foreign string
	}{
		{"empty", ""},
		{"foreign", `CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customer VALUES (1, 'Ada')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "hotel.db")
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.foreign != "" {
				raw, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := raw.Exec(tc.foreign); err != nil {
					t.Fatal(err)
				}
				if err := raw.Close(); err != nil {
					t.Fatal(err)
				}
			}
			before := fileState(t, dir)
			for _, db := range []map[string]string{{"HOTEL_DATA_DIR": dir}, {"DATABASE_URL": "sqlite:" + path}} {
				refuses(t, db, "SQLite database "+path+" has no hotel schema", func() error {
					if after := fileState(t, dir); after != before {
						return errors.New("the directory was\n" + before + "and is\n" + after)
					}
					return nil
				})
			}
		})
	}
}

// loadtestRun runs a short `hotel loadtest --json` against gateway with
// vars and returns its report and error.
func loadtestRun(t *testing.T, gateway string, vars map[string]string) (*loadtest.Report, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"loadtest", "--json", "--target", gateway, "--clients", "2", "--duration", "300ms"},
		env(vars), &out, &errOut)
	var rep loadtest.Report
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("loadtest: %v; report not JSON: %v\n%s\n%s", err, jerr, out.String(), errOut.String())
	}
	return &rep, err
}

// notChecked checks a run that could not check the invariants says so:
// not as a broken invariant, with exit status 3 and why.
func notChecked(t *testing.T, rep *loadtest.Report, err error, why string) {
	t.Helper()
	if !errors.Is(err, errNotChecked) || exitCode(err) != exitNotChecked || strings.Contains(err.Error(), "\n") {
		t.Errorf("loadtest = %v (exit %d), want errNotChecked, exit %d, one line", err, exitCode(err), exitNotChecked)
	}
	if !rep.OK() || !rep.NotChecked() || rep.Check.Checked || rep.Check.DriftingNights != -1 || !strings.Contains(rep.Check.Detail, why) {
		t.Errorf("report: OK %v, check %+v; want not checked because %q", rep.OK(), rep.Check, why)
	}
}

// TestLoadtestChecksTheTargetsDatabase: loadtest checks the invariants on
// the database the target uses, or says plainly it could not: run where
// the SQLite file is not (it creates none), with another database's
// settings (its identity differs from the one the target gives), or
// without an admin key to ask the target.
func TestLoadtestChecksTheTargetsDatabase(t *testing.T) {
	t.Parallel()
	admin := map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db := dbEnv(t, sqliteStore)
		sys := startAll(t, db)

		// Run from elsewhere: the default ./data of another directory.
		elsewhere := filepath.Join(t.TempDir(), "data")
		rep, err := loadtestRun(t, sys.Gateway, overlay(map[string]string{"HOTEL_DATA_DIR": elsewhere}, admin))
		notChecked(t, rep, err, "no SQLite database at "+filepath.Join(elsewhere, "hotel.db"))
		if _, err := os.Stat(elsewhere); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("loadtest created %s: %v", elsewhere, err)
		}

		// Another deployment's database, at the same schema.
		other := dbEnv(t, sqliteStore)
		migrateUp(t, other)
		rep, err = loadtestRun(t, sys.Gateway, overlay(other, admin))
		notChecked(t, rep, err, "HOTEL_DATA_DIR is not the target's database")

		// No admin key: the target does not say which database it uses.
		rep, err = loadtestRun(t, sys.Gateway, db)
		notChecked(t, rep, err, "needs an admin key")

		// The target's own database: checked.
		rep, err = loadtestRun(t, sys.Gateway, overlay(db, admin))
		if err != nil || !rep.OK() || rep.NotChecked() || !rep.Check.Checked || rep.Check.DriftingNights != 0 {
			t.Fatalf("loadtest on the target's database = %v, %+v", err, rep.Check)
		}
	})
	t.Run("postgres/split", func(t *testing.T) {
		t.Parallel()
		db := dbEnv(t, postgresStore)
		sys := startSplit(t, db)
		other := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t)}
		migrateUp(t, other)
		rep, err := loadtestRun(t, sys.Gateway, overlay(other, admin))
		notChecked(t, rep, err, "DATABASE_URL is not the target's database")
		rep, err = loadtestRun(t, sys.Gateway, overlay(db, admin))
		if err != nil || !rep.OK() || !rep.Check.Checked || rep.Check.DriftingNights != 0 {
			t.Fatalf("loadtest on the target's database = %v, %+v", err, rep.Check)
		}
	})
}

// TestLoadtestNotCheckedReport: the text report of a run that could not
// check says so, and not that an invariant broke.
func TestLoadtestNotCheckedReport(t *testing.T) {
	t.Parallel()
	sys := startAll(t, dbEnv(t, sqliteStore))
	var out bytes.Buffer
	err := run(context.Background(), []string{"loadtest", "--target", sys.Gateway, "--clients", "2", "--duration", "300ms"},
		env(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey, "HOTEL_DATA_DIR": filepath.Join(t.TempDir(), "none")}), &out, io.Discard)
	if exitCode(err) != exitNotChecked || !strings.Contains(out.String(), "invariants: cannot check: no SQLite database at ") ||
		!strings.Contains(out.String(), "result: NOT CHECKED") || strings.Contains(out.String(), "BROKEN") {
		t.Fatalf("loadtest = %v\n%s", err, out.String())
	}
}
