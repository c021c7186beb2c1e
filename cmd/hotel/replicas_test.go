package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/server"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// replicaLagBound is HOTEL_MAX_REPLICA_LAG in the replica tests: short,
// so that a paused standby is skipped soon.
const replicaLagBound = 500 * time.Millisecond

// tableReads sums the scans of the hotel tables the statistics of the
// database at dsn have counted (a standby counts the reads made on it,
// not the writes it replays). Statistics reach the view when a backend
// flushes them (at most once a second, or when it goes idle).
func tableReads(t *testing.T, dsn string, tables ...string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("statistics: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::bigint
FROM pg_stat_user_tables WHERE relname = ANY($1)`, tables).Scan(&n); err != nil {
		t.Fatalf("statistics: %v", err)
	}
	return n
}

// bookingInserts is how many booking rows the statistics of dsn's
// database count as inserted there.
func bookingInserts(t *testing.T, dsn string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("statistics: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'booking'`).Scan(&n); err != nil {
		t.Fatalf("statistics: %v", err)
	}
	return n
}

// searchTables are the tables a search (or the index feeding it) reads.
var searchTables = []string{"hotel", "room_type", "rate_plan", "inventory_night", "rate_night", "restriction_night", "ari_touch"}

// eventually calls cond every 100 ms until it is true, failing the test
// with what() after limit.
func eventually(t *testing.T, limit time.Duration, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("after %v: %s", limit, what())
		case <-tick.C:
		}
	}
}

// metric reads one series' value from a process's /metrics (-1: absent).
func metric(t *testing.T, p *proc, series string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + adminAddr(t, p) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return -1
}

// replicaStay is the stay the replica tests search and book: one night
// at the Royal Lancaster, a few days ahead.
func replicaStay() hotel.Date {
	london, _ := time.LoadLocation("Europe/London")
	return hotel.Today(time.Now(), london).AddDays(5)
}

// roomsLeft searches base for the stay and returns the rooms the default
// plan of Standard Rooms has for sale (headers: a read-after token).
func roomsLeft(t *testing.T, base string, headers ...string) int {
	t.Helper()
	in := replicaStay()
	var out struct {
		Offers []hotel.Offer `json:"offers"`
	}
	r := call(t, "GET", fmt.Sprintf("%s/inventory/search?hotel_id=111&check_in=%s&check_out=%s&adults=1&limit=500", base, in, in.AddDays(1)), "", &out, headers...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("search = %d", r.StatusCode)
	}
	for _, o := range out.Offers {
		if o.RoomType == "Standard Rooms" && strings.HasPrefix(o.RatePlan, "BAR-") {
			return o.AvailableRooms
		}
	}
	return 0
}

// bookStay books the stay through gateway and returns its read-after token.
func bookStay(t *testing.T, gateway string) string {
	t.Helper()
	body := fmt.Sprintf(`{"guest_name":"Read Replica","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`, replicaStay())
	r := call(t, "POST", gateway+"/bookings/", body, nil, "Idempotency-Key", hotel.NewIdempotencyKey())
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("booking = %d", r.StatusCode)
	}
	token := r.Header.Get(server.ReadAfterHeader)
	if token == "" {
		t.Fatalf("a booking answered without %s", server.ReadAfterHeader)
	}
	return token
}

// TestReadReplica runs a primary and a streaming standby (pg_basebackup
// -R) on loopback, and the platform with DATABASE_READ_URL naming the
// standby. Searches are served by the standby — its own statistics count
// their reads — and bookings by the primary (its statistics count the
// inserts). With the standby's replay paused (pg_wal_replay_pause) and the
// primary writing, the standby falls past HOTEL_MAX_REPLICA_LAG: it is
// skipped (hotel_db_replica_in_use 0) and searches answer what the primary
// has; a process with a looser bound still reads it and answers stale — but
// not a client that sends the read-after token of its booking. Resumed, the
// standby catches up and serves searches again.
func TestReadReplica(t *testing.T) {
	t.Parallel()
	primary := pgtest.NewCluster(t)
	dbURL := primary.URL()
	migrateUp(t, map[string]string{"DATABASE_URL": dbURL})
	standby := pgtest.NewStandby(t, primary, pgtest.StandbyOptions{})
	readURL := standby.DatabaseURL(dbURL)
	db := map[string]string{"DATABASE_URL": dbURL, "DATABASE_READ_URL": readURL,
		"HOTEL_MAX_REPLICA_LAG": replicaLagBound.String(), "HOTEL_ADMIN_ADDR": "127.0.0.1:0"}
	sys := startAll(t, db)
	all := sys.procs["all"]
	// An inventory replica that tolerates a minute of lag, without the
	// search index: each search reads the database.
	patient := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory", "HOTEL_MAX_REPLICA_LAG": "1m", "HOTEL_SEARCH_INDEX": "false",
		"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db))
	inUse := fmt.Sprintf(`hotel_db_replica_in_use{replica=%q,service="all"}`, standby.Host())
	eventually(t, 10*time.Second, func() bool { return metric(t, all, inUse) == 1 },
		func() string { return "the standby is not in use" })

	patientInUse := fmt.Sprintf(`hotel_db_replica_in_use{replica=%q,service="inventory"}`, standby.Host())
	eventually(t, 10*time.Second, func() bool { return metric(t, patient, patientInUse) == 1 },
		func() string { return "the standby is not in use by the inventory replica" })

	// Searches on the standby (each reads the inventory nights there),
	// bookings on the primary.
	readsBefore, insertsBefore := tableReads(t, readURL, "inventory_night"), bookingInserts(t, dbURL)
	before := roomsLeft(t, sys.Gateway)
	const searches, bookings = 20, 3
	for range searches {
		roomsLeft(t, patient.URL)
	}
	for range bookings {
		bookStay(t, sys.Gateway)
	}
	eventually(t, 20*time.Second, func() bool {
		roomsLeft(t, patient.URL) // activity: each backend flushes its statistics at most once a second
		return tableReads(t, readURL, "inventory_night")-readsBefore >= searches
	}, func() string {
		return fmt.Sprintf("the standby counted %d reads of inventory nights, want %d", tableReads(t, readURL, "inventory_night")-readsBefore, searches)
	})
	eventually(t, 20*time.Second, func() bool { return bookingInserts(t, dbURL)-insertsBefore >= bookings },
		func() string {
			return fmt.Sprintf("the primary counted %d booking inserts, want %d", bookingInserts(t, dbURL)-insertsBefore, bookings)
		})
	if n := bookingInserts(t, readURL); n != 0 {
		t.Errorf("the standby counts %d booking inserts of its own", n)
	}
	eventually(t, 10*time.Second, func() bool { return roomsLeft(t, sys.Gateway) == before-bookings },
		func() string {
			return fmt.Sprintf("search shows %d rooms left, want %d", roomsLeft(t, sys.Gateway), before-bookings)
		})

	// Paused: the standby falls behind; past the bound it is skipped.
	if err := standby.PauseReplay(); err != nil {
		t.Fatal(err)
	}
	stale := roomsLeft(t, patient.URL)
	token := bookStay(t, sys.Gateway)
	eventually(t, 10*time.Second, func() bool { return metric(t, all, inUse) == 0 },
		func() string { return "the paused standby is still in use" })
	lag := fmt.Sprintf(`hotel_db_replica_lag_seconds{replica=%q,service="all"}`, standby.Host())
	if l := metric(t, all, lag); l <= replicaLagBound.Seconds() {
		t.Errorf("the skipped standby's lag is %v s", l)
	}
	if got := roomsLeft(t, sys.Gateway); got != stale-1 {
		t.Errorf("with the standby skipped, search shows %d rooms left, want %d (the primary's)", got, stale-1)
	}
	// The patient process still reads the standby: stale, unless the
	// client shows it booked.
	if got := roomsLeft(t, patient.URL); got != stale {
		t.Errorf("the standby, paused, shows %d rooms left, want %d (before the booking)", got, stale)
	}
	if got := roomsLeft(t, patient.URL, server.ReadAfterHeader, token); got != stale-1 {
		t.Errorf("with the booking's read-after token, search shows %d rooms left, want %d", got, stale-1)
	}

	// Resumed: caught up, used again.
	if err := standby.ResumeReplay(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() bool { return metric(t, all, inUse) == 1 },
		func() string { return "the resumed standby is not used again" })
	readsBefore = tableReads(t, readURL, searchTables...)
	eventually(t, 20*time.Second, func() bool {
		roomsLeft(t, sys.Gateway) // the search index reads the feed and the nights from it again
		return tableReads(t, readURL, searchTables...)-readsBefore >= 5
	}, func() string { return "the resumed standby serves no search" })
	if got := roomsLeft(t, patient.URL); got != stale-1 {
		t.Errorf("caught up, the standby shows %d rooms left, want %d", got, stale-1)
	}
}
