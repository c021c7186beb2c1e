package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/hotelplatform/hotel/internal/loadtest"
)

// TestLoadtest runs each scenario briefly against the real binary — all-in-one
// on SQLite, split on PostgreSQL — and reads the JSON report: no oversold
// night, no lost booking, no drift.
func TestLoadtest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		kind  storeKind
		split bool
	}{{"sqlite/all", sqliteStore, false}, {"postgres/split", postgresStore, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := dbEnv(t, tc.kind)
			var sys *system
			if tc.split {
				sys = startSplit(t, db)
			} else {
				sys = startAll(t, overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db))
			}
			for _, args := range [][]string{
				{"--scenario", "rush", "--clients", "60"},
				{"--scenario", "mixed", "--clients", "8", "--duration", "2s"},
				{"--scenario", "modify-storm", "--clients", "8", "--duration", "2s"},
				{"--scenario", "mixed", "--rate", "200", "--duration", "1s"},
			} {
				var out, errOut bytes.Buffer
				err := run(context.Background(), append([]string{"loadtest", "--json", "--target", sys.Gateway}, args...),
					env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db)), &out, &errOut)
				if err != nil {
					t.Fatalf("loadtest %v: %v\n%s\n%s", args, err, out.String(), errOut.String())
				}
				var rep loadtest.Report
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
					t.Fatalf("loadtest %v: report not JSON: %v\n%s", args, err, out.String())
				}
				if !rep.OK() || rep.Check == nil || rep.Check.DriftingNights != 0 || rep.Requests == 0 {
					t.Fatalf("loadtest %v: %s", args, out.String())
				}
				// Each booking made wrote its event (and its nights' ARI events).
				if rep.Events == nil || rep.Events.Written < int64(rep.Created) || (rep.Created > 0 && rep.Events.PerSecond <= 0) {
					t.Fatalf("loadtest %v: events %+v for %d bookings made", args, rep.Events, rep.Created)
				}
				for op, s := range rep.Ops {
					for status := range s.Statuses {
						if status[0] == '5' || status == "transport_error" {
							t.Errorf("loadtest %v: %s answered %s", args, op, status)
						}
					}
				}
				if args[1] == "rush" && (rep.Rush == nil || rep.Rush.Won != rep.Rush.Available || rep.Rush.Oversold != 0) {
					t.Fatalf("rush: %+v (the last rooms must all sell, and no more)", rep.Rush)
				}
			}
		})
	}
}
