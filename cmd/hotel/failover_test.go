package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/loadtest"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
)

// failoverBound is how soon after the primary is killed the system must
// book again: the standby's promotion (about a second), then the pool's
// next connection finding it by target_session_attrs=read-write. Generous:
// a loaded, race-instrumented machine with two cores.
const failoverBound = 15 * time.Second

// multiHost returns dsn with its host replaced by hosts (a multi-host URL)
// and target_session_attrs=read-write.
func multiHost(t *testing.T, dsn string, hosts ...string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = strings.Join(hosts, ",")
	q := u.Query()
	q.Set("target_session_attrs", "read-write")
	u.RawQuery = q.Encode()
	return u.String()
}

// probe books every 50 ms through gateway until stop closes (each booking
// with its own Idempotency-Key, retried on 503 like the load tool does
// not: a probe measures), and records when each was confirmed.
type probe struct {
	mu  sync.Mutex
	ok  []time.Time
	ids []string
}

func (p *probe) run(t *testing.T, gateway string, stop <-chan struct{}) {
	hc := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	stay := replicaStay().AddDays(2)
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		body := fmt.Sprintf(`{"guest_name":"Failover Probe","hotel_id":222,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`, stay)
		req, err := http.NewRequest("POST", gateway+"/bookings/", strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", hotel.NewIdempotencyKey())
		resp, err := hc.Do(req)
		if err != nil {
			continue
		}
		var out struct {
			ID string `json:"booking_id"`
		}
		ok := resp.StatusCode == http.StatusCreated && json.NewDecoder(resp.Body).Decode(&out) == nil
		resp.Body.Close()
		if ok {
			p.mu.Lock()
			p.ok, p.ids = append(p.ok, time.Now()), append(p.ids, out.ID)
			p.mu.Unlock()
		}
		if resp.StatusCode == http.StatusConflict { // sold out: the next night
			stay = stay.AddDays(1)
		}
	}
}

// gap returns the last success before at and the first after it.
func (p *probe) gap(at time.Time) (before, after time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.ok {
		if s.Before(at) {
			before = s
		} else if after.IsZero() {
			after = s
		}
	}
	return before, after
}

// TestFailoverMidLoad drives the mixed workload against a primary with a
// streaming standby, the services given DATABASE_URL listing both hosts
// with target_session_attrs=read-write. A second and a half in, the
// replication link is cut (the standby misses what the primary commits
// from then on), 300 ms later the primary is killed (SIGKILL, every
// process) and the standby promoted. The services find the new primary by
// themselves; a probe booking every 50 ms measures the failover time (last
// booking before the kill to the first after), which must be within
// failoverBound.
//
//   - synchronous replication (synchronous_standby_names, commit waits for
//     the standby): no booking confirmed to a client is lost — the commits
//     made after the cut waited, and were never confirmed — nothing is
//     oversold and held rooms equal bookings;
//   - asynchronous: the bookings confirmed after the cut are lost (one is
//     made by the test itself, so that there is one); `hotel check
//     --lost-from` on the old primary, started again fenced off
//     (read-only), lists every one of them, and those the load tool found
//     missing.
func TestFailoverMidLoad(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"sync", "async"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			primary := pgtest.NewCluster(t)
			dbURL := primary.URL()
			migrateUp(t, map[string]string{"DATABASE_URL": dbURL})
			link := pgtest.NewLink(t, primary.Host())
			standby := pgtest.NewStandby(t, primary, pgtest.StandbyOptions{Name: "standby", Upstream: link.Addr()})
			if mode == "sync" {
				if err := primary.SetSynchronousStandbys("standby"); err != nil {
					t.Fatal(err)
				}
			}
			db := map[string]string{"DATABASE_URL": multiHost(t, dbURL, primary.Host(), standby.Host())}
			sys := startAll(t, db)

			stop := make(chan struct{})
			var p probe
			probed := make(chan struct{})
			go func() { defer close(probed); p.run(t, sys.Gateway, stop) }()

			type failover struct {
				killed, promoted time.Time
				madeDuringCut    string // async: a booking confirmed after the cut
				err              error
			}
			fo := make(chan failover, 1)
			go func() {
				var f failover
				defer func() { fo <- f }()
				timer := time.NewTimer(1500 * time.Millisecond)
				defer timer.Stop()
				<-timer.C
				link.Cut()
				if mode == "async" {
					body := fmt.Sprintf(`{"guest_name":"Lost In Failover","hotel_id":333,"room_type":"Standard Rooms","arrival_date":"%s","stay_length":1,"adults":1}`, replicaStay())
					var out struct {
						ID string `json:"booking_id"`
					}
					if r := call(t, "POST", sys.Gateway+"/bookings/", body, &out, "Idempotency-Key", hotel.NewIdempotencyKey()); r.StatusCode == http.StatusCreated {
						f.madeDuringCut = out.ID
					}
				}
				timer.Reset(300 * time.Millisecond)
				<-timer.C
				f.killed = time.Now()
				if f.err = primary.Kill(); f.err != nil {
					return
				}
				f.err = standby.Promote()
				f.promoted = time.Now()
			}()
			rep, out := loadReportLossy(t, sys.Gateway, db, "--clients", "8", "--duration", faultDuration(t, 6*time.Second).String())
			f := <-fo
			if f.err != nil {
				t.Fatalf("failover: %v", f.err)
			}
			bookAfterFault(t, sys.Gateway)
			close(stop)
			<-probed
			before, after := p.gap(f.killed)
			if before.IsZero() || after.IsZero() {
				t.Fatalf("the probe booked nothing before (%v) or after (%v) the kill", before, after)
			}
			took := after.Sub(before)
			if took > failoverBound {
				t.Errorf("failover took %v (last booking before the kill to the first after): more than %v", took, failoverBound)
			}
			t.Logf("%s: failover %v (last booking %v before the kill, first %v after; promoted %v after); %d requests, statuses %s; %d bookings (%d on a retry), lost %d",
				mode, took.Round(time.Millisecond), f.killed.Sub(before).Round(time.Millisecond), after.Sub(f.killed).Round(time.Millisecond),
				f.promoted.Sub(f.killed).Round(time.Millisecond),
				rep.Requests, statusSummary(rep), rep.Created, rep.CreatedOnRetry, len(rep.Lost))

			checkFailoverReport(t, rep, out)
			if mode == "sync" {
				if len(rep.Lost) != 0 {
					t.Errorf("synchronous replication lost %d confirmed bookings: %v", len(rep.Lost), rep.Lost)
				}
				for _, id := range p.ids { // the probe's too
					if r := call(t, "GET", sys.Gateway+"/bookings/"+id, "", nil, "Authorization", "Bearer "+testAdminKey); r.StatusCode != http.StatusOK {
						t.Errorf("probe booking %s confirmed before the failover: %d after it", id, r.StatusCode)
					}
				}
				return
			}

			// Asynchronous: what was lost, and the reconciliation finds it.
			if f.madeDuringCut == "" {
				t.Fatal("no booking was confirmed while the link was cut")
			}
			var lost []string
			for _, l := range rep.Lost {
				lost = append(lost, strings.Fields(l)[0])
			}
			lost = append(lost, f.madeDuringCut)
			if err := primary.StartFenced(); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"check", "--lost-from", dbURL}, env(db), &stdout, &stderr)
			if err == nil {
				t.Fatalf("hotel check --lost-from found nothing lost:\n%s%s", stdout.String(), stderr.String())
			}
			for _, id := range lost {
				if !strings.Contains(stdout.String(), "booking "+id+" ") {
					t.Errorf("hotel check --lost-from does not list lost booking %s:\n%s", id, stdout.String())
				}
			}
			t.Logf("async: lost %d confirmed booking(s) (%d seen by the load tool); hotel check --lost-from:\n%s",
				len(lost), len(rep.Lost), stdout.String())
		})
	}
}

// loadReportLossy is loadReport for a run that may lose bookings (the load
// tool then exits with an error, its report written all the same).
func loadReportLossy(t *testing.T, gateway string, db map[string]string, args ...string) (*loadtest.Report, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"loadtest", "--json", "--target", gateway}, args...),
		env(overlay(map[string]string{"HOTEL_ADMIN_KEY": testAdminKey}, db)), &out, &errOut)
	var rep loadtest.Report
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("loadtest: %v; report: %v\n%s\n%s", err, jerr, out.String(), errOut.String())
	}
	return &rep, out.String()
}

// checkFailoverReport is checkFaultReport allowing lost bookings (what
// asynchronous replication loses is checked by the caller): only 503
// among errors, every failure problem+json with Retry-After, no drift.
func checkFailoverReport(t *testing.T, rep *loadtest.Report, out string) {
	t.Helper()
	for op, s := range rep.Ops {
		for status, n := range s.Statuses {
			if (status[0] == '5' || status == "transport_error") && !slices.Contains([]string{"503"}, status) {
				t.Errorf("%s answered %s ×%d: want only 503", op, status, n)
			}
		}
		if s.NotProblem > 0 {
			t.Errorf("%s: %d error answers were not problem+json", op, s.NotProblem)
		}
	}
	if rep.Check == nil || !rep.Check.Checked || rep.Check.DriftingNights != 0 || rep.Created == 0 || rep.Unchecked != 0 {
		t.Errorf("invariants: created %d (%d unchecked), check %+v", rep.Created, rep.Unchecked, rep.Check)
	}
	if t.Failed() {
		t.Logf("report: %s", out)
	}
}
