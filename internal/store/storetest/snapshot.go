package storetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// Snapshot returns every row of every query, as text: two snapshots of a
// database differ exactly when one of those rows changed. Tests take one
// before and one after a request that must change nothing.
func Snapshot(t testing.TB, db *sql.DB, queries ...string) string {
	t.Helper()
	var out strings.Builder
	for _, q := range queries {
		rows, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			fmt.Fprintln(&out, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		_ = rows.Close()
	}
	return out.String()
}
