package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// BenchmarkReplicaSearch measures searches per second through the gateway
// with the primary alone, then with the primary and one streaming standby
// (DATABASE_READ_URL), in the same run on the same clusters: the load
// tool's search operation alone (--mix search=100), 16 clients, 10 s
// each, with the search index off so
// that every search reads the database (with the index on, searches are
// answered from memory and neither server is the bottleneck). Reported as
// searches/s of each; run it once:
//
//	go test -run '^$' -bench ReplicaSearch -benchtime 1x ./cmd/hotel/
func BenchmarkReplicaSearch(b *testing.B) {
	dur := 10 * time.Second
	primary := pgtest.NewCluster(b)
	dbURL := primary.URL()
	migrateUp(b, map[string]string{"DATABASE_URL": dbURL})
	standby := pgtest.NewStandby(b, primary, pgtest.StandbyOptions{})
	base := map[string]string{"DATABASE_URL": dbURL, "HOTEL_SEARCH_INDEX": "false", "LOG_LEVEL": "info"}
	for _, setup := range []struct {
		name string
		env  map[string]string
	}{
		{"primary", base},
		{"primary+standby", overlay(map[string]string{"DATABASE_READ_URL": standby.DatabaseURL(dbURL)}, base)},
	} {
		b.Run(setup.name, func(b *testing.B) {
			sys := startAll(b, setup.env)
			for range b.N {
				var out, errOut bytes.Buffer
				err := run(context.Background(), []string{"loadtest", "--json", "--no-check", "--target", sys.Gateway,
					"--mix", "search=100", "--clients", "16", "--duration", dur.String()},
					env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, setup.env)), &out, &errOut)
				var rep loadtest.Report
				if jerr := json.Unmarshal(out.Bytes(), &rep); err != nil || jerr != nil {
					b.Fatalf("loadtest: %v %v\n%s", err, jerr, errOut.String())
				}
				s := rep.Ops[loadtest.OpSearch]
				b.ReportMetric(s.Throughput, "searches/s")
				b.ReportMetric(s.P99, "p99-ms")
			}
		})
	}
}
