package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// startReplicated runs two inventory and two booking replicas, a scheduler
// and a gateway balancing over them, on one PostgreSQL database.
func startReplicated(t *testing.T, db map[string]string) (gw string, inv []*proc) {
	db = overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db)
	inv = []*proc{
		startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db)),
		startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db)),
	}
	invURLs := inv[0].URL + "," + inv[1].URL
	var book []string
	for range 2 {
		book = append(book, startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": invURLs}, db)).URL)
	}
	startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": invURLs}, db))
	g := startServe(t, map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": invURLs,
		"BOOKING_URL": strings.Join(book, ","), "HOTEL_ADMIN_KEY": testAdminKey})
	return g.URL, inv
}

// TestInventoryReplicaKilledMidLoad drives the mixed workload through a
// gateway over two booking and two inventory replicas and kills one
// inventory replica a second in: the load goes on through the other, no
// booking confirmed to a client is lost, nothing is oversold, and held
// rooms still equal bookings.
func TestInventoryReplicaKilledMidLoad(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, postgresStore)
	gw, inv := startReplicated(t, db)
	killed := time.AfterFunc(time.Second, func() { inv[1].stop(t) })
	defer killed.Stop()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"loadtest", "--json", "--target", gw, "--clients", "8", "--duration", "4s"},
		env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db)), &out, &errOut)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	var rep loadtest.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Check == nil || rep.Check.DriftingNights != 0 || rep.Created == 0 {
		t.Fatalf("after killing a replica: %s", out.String())
	}
	failed, total := 0, 0
	for _, s := range rep.Ops {
		for status, n := range s.Statuses {
			total += n
			if status[0] == '5' || status == "transport_error" {
				failed += n
			}
		}
	}
	// Only requests in flight on the killed replica may fail.
	if failed > total/50+8 {
		t.Fatalf("%d of %d requests failed after one of two replicas died: %s", failed, total, out.String())
	}
	t.Logf("%d requests, %d failed while the replica died; %d bookings, none lost", total, failed, rep.Created)
}

// TestDatabaseOutageMidLoad cuts the system off its PostgreSQL database for
// about a second and a half in the middle of the mixed workload (no new
// connections, every open one terminated): requests fail fast with 503 —
// never 500 — the system recovers by itself, no booking confirmed to a
// client is lost, and held rooms still equal bookings.
func TestDatabaseOutageMidLoad(t *testing.T) {
	t.Parallel()
	db := dbEnv(t, postgresStore)
	sys := startAll(t, overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db))
	admin, err := pgxpool.New(context.Background(), pgtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, err := url.Parse(db["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	outage := func(down bool) {
		ctx := context.Background()
		if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %t`, pgx.Identifier{name}.Sanitize(), !down)); err != nil {
			t.Errorf("outage %v: %v", down, err)
		}
		if down {
			if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
				t.Errorf("terminate: %v", err)
			}
		}
	}
	down := time.AfterFunc(time.Second, func() { outage(true) })
	up := time.AfterFunc(2500*time.Millisecond, func() { outage(false) })
	defer down.Stop()
	defer up.Stop()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"loadtest", "--json", "--target", sys.Gateway, "--clients", "8", "--duration", "5s"},
		env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db)), &out, &errOut)
	if err != nil {
		t.Fatalf("loadtest: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	var rep loadtest.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	unavailable := 0
	for op, s := range rep.Ops {
		for status, n := range s.Statuses {
			switch {
			case status == "503":
				unavailable += n
			case status[0] == '5' || status == "transport_error":
				t.Errorf("%s answered %s ×%d during the outage: want 503 with Retry-After, never a crash", op, status, n)
			}
		}
	}
	if !rep.OK() || rep.Check == nil || rep.Check.DriftingNights != 0 || rep.Created == 0 {
		t.Fatalf("after the outage: %s", out.String())
	}
	// Recovered by itself: a booking goes through again.
	london, _ := time.LoadLocation("Europe/London")
	body := fmt.Sprintf(`{"guest_name":"After Outage","hotel_id":111,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`,
		hotel.Today(time.Now(), london).AddDays(3))
	if r := call(t, "POST", sys.Gateway+"/bookings/", body, nil); r.StatusCode != 201 {
		t.Fatalf("after the outage, a booking = %d", r.StatusCode)
	}
	t.Logf("%d requests, %d answered 503 during the outage; %d bookings, none lost", rep.Requests, unavailable, rep.Created)
}
