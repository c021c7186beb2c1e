package store

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

// Migration is one numbered schema change, read from a driver's embedded files.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationFile = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// LoadMigrations reads NNNN_name.sql files from dir in fsys, ordered by version.
// Versions must start at 1 and have no gaps, so a typo cannot skip a change.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3…; found %04d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

// SchemaCheck compares the applied versions with the known migrations and
// returns nil, or an error wrapping ErrSchemaBehind or ErrSchemaAhead.
func SchemaCheck(known []Migration, applied map[int]MigrationState) error {
	for v := range applied {
		if v > len(known) {
			return fmt.Errorf("%w: database has migration %04d, this binary knows up to %04d; upgrade the binary",
				ErrSchemaAhead, v, len(known))
		}
	}
	for _, m := range known {
		if !applied[m.Version].Applied {
			return fmt.Errorf("%w: migration %04d_%s is not applied; run `hotel migrate up`",
				ErrSchemaBehind, m.Version, m.Name)
		}
	}
	return nil
}

// MergeMigrationStates lists the known migrations with their applied state,
// followed by any applied migration this binary does not know.
func MergeMigrationStates(known []Migration, applied map[int]MigrationState) []MigrationState {
	out := make([]MigrationState, 0, len(known))
	for _, m := range known {
		st := applied[m.Version]
		st.Version, st.Name, st.Known = m.Version, m.Name, true
		out = append(out, st)
	}
	for v, st := range applied {
		if v > len(known) {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}
