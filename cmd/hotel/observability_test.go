package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/events/natsrelay/natstest"
	"github.com/hotelplatform/hotel/internal/gateway/redistest"
	"github.com/hotelplatform/hotel/internal/server"
)

// The observability artefacts in deploy/ are checked twice here: their
// shape against the seed's "Dashboard Improvements Log" (TestDashboardShape),
// and every query against a real Prometheus scraping the real services
// (TestObservability).

// deployDir is deploy/ from this package's directory.
const deployDir = "../../deploy"

// Grafana's built-in variables the dashboard uses, as the test evaluates
// them: a rate window spanning several 1 s scrapes, and a range covering
// the whole test.
var grafanaVars = strings.NewReplacer("$__rate_interval", "1m", "$__range", "1h")

// grafanaVarRE finds any other variable ($name, ${name}) left in a query.
var grafanaVarRE = regexp.MustCompile(`\$(\w|\{)`)

// keyPanels are the panels the seed pins to the last 24 hours.
var keyPanels = []string{
	"Requests", "Error ratio", "Booking failure ratio", "Booking service requests", "Inventory service requests",
	"Responses by status class", "Errors", "Gateway responses", "Latency percentiles", "p99 latency by route",
}

// palette is the seed's colour scheme: green, yellow, orange, red and blue,
// in Grafana's shades of each.
var palette = regexp.MustCompile(`^((dark|semi-dark|light|super-light)-)?(green|yellow|orange|red|blue)$`)

type dashTarget struct {
	Expr         string `json:"expr"`
	LegendFormat string `json:"legendFormat"`
	RefID        string `json:"refId"`
	Datasource   struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
}

type dashPanel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	TimeFrom   string `json:"timeFrom"`
	Datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	Targets []dashTarget `json:"targets"`
}

type dashboard struct {
	UID     string      `json:"uid"`
	Refresh string      `json:"refresh"`
	Panels  []dashPanel `json:"panels"`
	raw     any
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana/dashboards/hotel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("hotel.json: %v", err)
	}
	if err := json.Unmarshal(b, &d.raw); err != nil {
		t.Fatal(err)
	}
	return d
}

// panelKey names a panel's query in messages: "title/legend".
func panelKey(p dashPanel, q dashTarget) string {
	name := q.LegendFormat
	if name == "" {
		name = q.RefID
	}
	return p.Title + "/" + name
}

func readDeploy(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var routeRegexRE = regexp.MustCompile(`route=~"([^"]*)"`)

func TestDashboardShape(t *testing.T) {
	t.Parallel()
	d := loadDashboard(t)
	if d.Refresh != "10s" {
		t.Errorf("refresh = %q, want 10s", d.Refresh)
	}

	// Every panel's data source is provisioned, by uid.
	provisioned := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*uid:\s*(\S+)`).FindAllStringSubmatch(readDeploy(t, "grafana/provisioning/datasources/hotel.yml"), -1) {
		provisioned[m[1]] = true
	}
	if !provisioned["prometheus"] || !provisioned["loki"] {
		t.Fatalf("provisioned data sources %v, want prometheus and loki", provisioned)
	}
	ids := map[int]bool{}
	titles := map[string]dashPanel{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d used twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		titles[p.Title] = p
		if !provisioned[p.Datasource.UID] {
			t.Errorf("panel %q uses data source %q, not provisioned", p.Title, p.Datasource.UID)
		}
		for _, q := range p.Targets {
			if q.Datasource.UID != p.Datasource.UID {
				t.Errorf("%s: query data source %q, panel %q", panelKey(p, q), q.Datasource.UID, p.Datasource.UID)
			}
		}
		// Clean titles: the time range is the panel's, not its name's.
		if strings.Contains(strings.ToLower(p.Title), "24") {
			t.Errorf("panel title %q repeats the time range", p.Title)
		}
		if p.TimeFrom != "" && !slices.Contains(keyPanels, p.Title) {
			t.Errorf("panel %q has timeFrom %q but is not a key panel", p.Title, p.TimeFrom)
		}
		// Key endpoints only: HTTP metrics are filtered by route template
		// (the gateway's own panel by service).
		for _, q := range p.Targets {
			if strings.Contains(q.Expr, "http_request") && !strings.Contains(q.Expr, "route=~") && p.Title != "Gateway responses" {
				t.Errorf("%s: HTTP metrics not filtered to the key routes: %s", panelKey(p, q), q.Expr)
			}
		}
	}
	for _, title := range keyPanels {
		p, ok := titles[title]
		if !ok {
			t.Errorf("no key panel %q", title)
			continue
		}
		if p.TimeFrom != "24h" {
			t.Errorf("key panel %q: timeFrom %q, want 24h", title, p.TimeFrom)
		}
	}
	for _, title := range []string{"Booking service logs", "Inventory service logs"} {
		if p, ok := titles[title]; !ok || p.Type != "logs" || p.Datasource.UID != "loki" {
			t.Errorf("no Loki logs panel %q", title)
		}
	}
	for _, title := range []string{"Latency percentiles", "Holds", "Job runs", "Inventory drift", "Oldest unsettled booking"} {
		if _, ok := titles[title]; !ok {
			t.Errorf("no panel %q", title)
		}
	}

	// One palette: every fixed colour and threshold step.
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(x, k)
			}
			if steps, ok := v["steps"].([]any); ok {
				for _, s := range steps {
					if c, _ := s.(map[string]any)["color"].(string); !palette.MatchString(c) {
						t.Errorf("threshold colour %q is not in the palette", c)
					}
				}
			}
		case []any:
			for _, x := range v {
				walk(x, key)
			}
		case string:
			if key == "fixedColor" && !palette.MatchString(v) {
				t.Errorf("colour %q is not in the palette", v)
			}
		}
	}
	walk(d.raw, "")

	// The key-route regexes (dashboard and alert rules) compile as
	// Prometheus compiles them (RE2, anchored), and each alternative names a
	// route the services register, never the gateway's forwarding ones.
	var sources []string
	for _, p := range d.Panels {
		for _, q := range p.Targets {
			sources = append(sources, q.Expr)
		}
	}
	sources = append(sources, readDeploy(t, "prometheus/rules/hotel.rules.yml"))
	routes := server.Routes()
	for _, src := range sources {
		for _, m := range routeRegexRE.FindAllStringSubmatch(src, -1) {
			if _, err := regexp.Compile("^(?:" + m[1] + ")$"); err != nil {
				t.Errorf("route regex %q: %v", m[1], err)
				continue
			}
			for _, alt := range strings.Split(m[1], "|") {
				re := regexp.MustCompile("^(?:" + alt + ")$")
				hits := 0
				for _, r := range routes {
					if !re.MatchString(r.Pattern) {
						continue
					}
					hits++
					if r.Rule.Forward {
						t.Errorf("key route %q matches the forwarding route %q", alt, r.Pattern)
					}
				}
				if hits == 0 {
					t.Errorf("key route %q matches no registered route", alt)
				}
			}
		}
	}
}

// --- The real thing -------------------------------------------------------

// adminListener returns the admin listener's address a process logged.
func adminListener(t *testing.T, p *proc) string {
	t.Helper()
	for _, rec := range logRecords(t, p) {
		if rec["msg"] == "admin listener" {
			if a, ok := rec["addr"].(string); ok {
				return a
			}
		}
	}
	t.Fatalf("no admin listener in the log:\n%s", p.logs)
	return ""
}

// logRecords parses a process's JSON log lines.
func logRecords(t *testing.T, p *proc) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, sc.Text())
		}
		out = append(out, rec)
	}
	return out
}

// startSplitObserved is startSplit with every process's admin listener on.
func startSplitObserved(t *testing.T, db map[string]string) *system {
	admin := map[string]string{"HOTEL_ADMIN_ADDR": "127.0.0.1:0"}
	db = overlay(overlay(map[string]string{"HOTEL_SERVICE_KEY": testServiceKey, "HOTEL_ADMIN_KEY": testAdminKey}, db), admin)
	inv := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "inventory"}, db))
	book := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": inv.URL}, db))
	sched := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "scheduler", "INVENTORY_URL": inv.URL}, db))
	// The gateway shares its rate limits through Redis, as a deployment
	// of several would.
	gw := startServe(t, overlay(map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": inv.URL, "BOOKING_URL": book.URL, "HOTEL_ADMIN_KEY": testAdminKey,
		"HOTEL_REDIS_URL": redistest.Start(t).URL(), "HOTEL_REDIS_TIMEOUT": "1s"}, admin))
	return &system{Gateway: gw.URL, procs: map[string]*proc{"inventory": inv, "booking": book, "scheduler": sched, "gateway": gw}}
}

// promServer is a Prometheus run by the test.
type promServer struct {
	URL  string
	logs *lockedBuffer
}

// promClient talks to Prometheus with a transport of its own: the
// package's http.DefaultClient holds responses to the platform's OpenAPI
// document (openapi_validate_test.go).
var promClient = &http.Client{Transport: &http.Transport{}, Timeout: 15 * time.Second}

// lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// prometheusBinary finds Debian's Prometheus ($PROMETHEUS, PATH, /usr/bin).
func prometheusBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PROMETHEUS"); p != "" {
		return p
	}
	if p, err := exec.LookPath("prometheus"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/prometheus"); err == nil {
		return "/usr/bin/prometheus"
	}
	t.Fatal("the Prometheus server is not installed: run scripts/prometheus.sh install " +
		"(as root it runs apt-get install -y prometheus), or set PROMETHEUS to its path")
	return ""
}

// startPrometheus runs deploy/prometheus/prometheus.yml as shipped — its
// rules, its scrape job — with a 1 s interval and a targets file naming
// the processes' admin listeners, until the test ends.
func startPrometheus(t *testing.T, targets map[string]string) *promServer {
	t.Helper()
	bin := prometheusBinary(t)
	dir := t.TempDir()
	cfg := readDeploy(t, "prometheus/prometheus.yml")
	for _, setting := range []string{"scrape_interval", "evaluation_interval"} {
		from := setting + ": 15s"
		if !strings.Contains(cfg, from) {
			t.Fatalf("prometheus.yml has no %q to shorten", from)
		}
		cfg = strings.Replace(cfg, from, setting+": 1s", 1)
	}
	write := func(name, content string) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("prometheus.yml", cfg)
	rules, err := filepath.Glob(filepath.Join(deployDir, "prometheus/rules/*.yml"))
	if err != nil || len(rules) == 0 {
		t.Fatalf("no rule files in deploy/prometheus/rules (%v)", err)
	}
	for _, r := range rules {
		write(filepath.Join("rules", filepath.Base(r)), readDeploy(t, filepath.Join("prometheus/rules", filepath.Base(r))))
	}
	var sd strings.Builder
	for target, addr := range targets {
		fmt.Fprintf(&sd, "- targets: [%q]\n  labels: {target: %s}\n", addr, target)
	}
	write("targets/hotel.yml", sd.String())

	// Prometheus cannot listen on port 0: take a free port, and try again
	// should another process take it first.
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ps := &promServer{URL: "http://" + addr, logs: &lockedBuffer{}}
		cmd := exec.Command(bin,
			"--config.file="+filepath.Join(dir, "prometheus.yml"),
			"--storage.tsdb.path="+filepath.Join(dir, "data"),
			"--web.listen-address="+addr,
			"--log.level=warn")
		cmd.Stdout, cmd.Stderr = ps.logs, ps.logs
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", bin, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		}
		ready, lastErr := false, ""
		deadline := time.Now().Add(30 * time.Second)
	wait:
		for time.Now().Before(deadline) {
			select {
			case err := <-exited:
				if attempt < 3 && strings.Contains(ps.logs.String(), "address already in use") {
					break wait
				}
				t.Fatalf("prometheus exited: %v\n%s", err, ps.logs)
			case <-time.After(50 * time.Millisecond):
			}
			resp, err := promClient.Get(ps.URL + "/-/ready")
			if err != nil {
				lastErr = err.Error()
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ready = true
				break wait
			}
			lastErr = resp.Status
		}
		if ready {
			t.Cleanup(stop)
			return ps
		}
		if cmd.ProcessState == nil {
			stop()
			t.Fatalf("prometheus not ready within 30s (%s)\n%s", lastErr, ps.logs)
		}
	}
}

// api calls a Prometheus HTTP API endpoint and decodes its data.
func (ps *promServer) api(path string, form url.Values, data any) error {
	resp, err := promClient.PostForm(ps.URL+path, form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("%s: %d %s", path, resp.StatusCode, body)
	}
	if r.Status != "success" {
		return fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	return json.Unmarshal(r.Data, data)
}

func (ps *promServer) get(path string, data any) error {
	resp, err := promClient.Get(ps.URL + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Status string          `json:"status"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if r.Status != "success" {
		return fmt.Errorf("%s: status %s", path, r.Status)
	}
	return json.Unmarshal(r.Data, data)
}

// sample is one element of a query's result.
type sample struct {
	Metric map[string]string
	Value  float64
}

// query evaluates expr now; a parse or evaluation error is an error.
func (ps *promServer) query(expr string) ([]sample, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := ps.api("/api/v1/query", url.Values{"query": {expr}}, &data); err != nil {
		return nil, err
	}
	value := func(v [2]any) float64 {
		s, _ := v[1].(string)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	switch data.ResultType {
	case "vector":
		var vs []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(data.Result, &vs); err != nil {
			return nil, err
		}
		out := make([]sample, len(vs))
		for i, v := range vs {
			out[i] = sample{v.Metric, value(v.Value)}
		}
		return out, nil
	case "scalar":
		var v [2]any
		if err := json.Unmarshal(data.Result, &v); err != nil {
			return nil, err
		}
		return []sample{{nil, value(v)}}, nil
	default:
		return nil, fmt.Errorf("result type %q", data.ResultType)
	}
}

type promRule struct {
	Name           string    `json:"name"`
	Query          string    `json:"query"`
	Type           string    `json:"type"`
	Health         string    `json:"health"`
	LastError      string    `json:"lastError"`
	State          string    `json:"state"`
	LastEvaluation time.Time `json:"lastEvaluation"`
}

// rules returns the loaded rules, with the last evaluation of the oldest group.
func (ps *promServer) rules() ([]promRule, time.Time, error) {
	var data struct {
		Groups []struct {
			Name           string     `json:"name"`
			Rules          []promRule `json:"rules"`
			LastEvaluation time.Time  `json:"lastEvaluation"`
		} `json:"groups"`
	}
	if err := ps.get("/api/v1/rules", &data); err != nil {
		return nil, time.Time{}, err
	}
	var out []promRule
	var oldest time.Time
	for i, g := range data.Groups {
		out = append(out, g.Rules...)
		if i == 0 || g.LastEvaluation.Before(oldest) {
			oldest = g.LastEvaluation
		}
	}
	return out, oldest, nil
}

// waitScraped waits until Prometheus has scraped every target, up, and
// evaluated every rule group, all after mark: it asks again on every tick
// of the scrape interval until that holds or a minute has passed.
func (ps *promServer) waitScraped(t *testing.T, mark time.Time, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		var done bool
		if done, last = ps.scrapedSince(t, mark, want); done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("prometheus did not scrape every target after %s within 60s: %s\n%s", mark.Format(time.RFC3339Nano), last, ps.logs)
		case <-tick.C:
		}
	}
}

// scrapedSince reports whether every one of want targets is up and scraped,
// and every rule group evaluated, after mark; if not, what is missing.
func (ps *promServer) scrapedSince(t *testing.T, mark time.Time, want int) (bool, string) {
	t.Helper()
	var data struct {
		ActiveTargets []struct {
			Labels     map[string]string `json:"labels"`
			Health     string            `json:"health"`
			LastError  string            `json:"lastError"`
			LastScrape time.Time         `json:"lastScrape"`
		} `json:"activeTargets"`
	}
	if err := ps.get("/api/v1/targets?state=active", &data); err != nil {
		t.Fatal(err)
	}
	done := len(data.ActiveTargets) == want
	last := fmt.Sprintf("%d targets", len(data.ActiveTargets))
	for _, tg := range data.ActiveTargets {
		if tg.Health != "up" || !tg.LastScrape.After(mark) {
			done = false
			last += fmt.Sprintf("; %s %s (%s) last scrape %s", tg.Labels["target"], tg.Health, tg.LastError, tg.LastScrape.Format(time.RFC3339Nano))
		}
	}
	if !done {
		return false, last
	}
	_, evaluated, err := ps.rules()
	if err != nil {
		t.Fatal(err)
	}
	return evaluated.After(mark), "rules last evaluated " + evaluated.String()
}

// driveTraffic sends what a day of guests and staff would, in small:
// searches, listings, bookings read, changed, retried, refused for lack of
// rooms and cancelled, an admin adjustment, and a few 4xx.
func driveTraffic(t *testing.T, gw string, round int) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	today := hotel.Today(time.Now(), london)
	arrival := today.AddDays(30 + 10*round)
	admin := []string{"Authorization", "Bearer " + testAdminKey}
	expect := func(r *http.Response, status int, what string) {
		t.Helper()
		if r.StatusCode != status {
			t.Fatalf("%s = %d, want %d", what, r.StatusCode, status)
		}
	}

	expect(call(t, "GET", fmt.Sprintf("%s/inventory/search?location=london&check_in=%s&check_out=%s&adults=2", gw, arrival, arrival.AddDays(2)), "", nil), 200, "search")
	expect(call(t, "GET", fmt.Sprintf("%s/inventory/111?start_date=%s&end_date=%s", gw, today, today.AddDays(6)), "", nil), 200, "hotel inventory")
	expect(call(t, "GET", gw+"/inventory/?location=london&limit=5", "", nil), 200, "inventory listing")
	expect(call(t, "GET", gw+"/inventory/hotel_name/111", "", nil), 200, "hotel name")
	expect(call(t, "GET", gw+"/inventory/999999", "", nil), 404, "unknown hotel")
	expect(call(t, "GET", gw+"/inventory/111?start_date=2030-02-30", "", nil), 400, "bad date")
	expect(call(t, "GET", gw+"/no/such/route", "", nil), 404, "unknown route")

	book := func(guest string, hotelID int, roomType string, arrival hotel.Date, nights int) string {
		return fmt.Sprintf(`{"guest_name":%q,"hotel_id":%d,"room_type":%q,"arrival_date":"%s","stay_length":%d,"adults":1}`, guest, hotelID, roomType, arrival, nights)
	}
	expect(call(t, "POST", gw+"/auth/sign-in", `{"email":"observed@hotel.example","password":"observed password"}`, nil), 200, "sign-in")
	expect(call(t, "POST", gw+"/auth/sign-in", `{"email":"observed@hotel.example","password":"not the password"}`, nil), 401, "failed sign-in")

	var b bookingView
	expect(call(t, "POST", gw+"/bookings/", book("Observed Guest", 111, "Deluxe Rooms", arrival, 2), &b), 201, "booking")
	token := []string{"Authorization", "Bearer " + b.AccessToken}
	expect(call(t, "GET", gw+"/bookings/"+b.ID, "", nil, token...), 200, "read booking")
	expect(call(t, "PATCH", gw+"/bookings/"+b.ID, `{"stay_length":3}`, nil, token...), 200, "lengthen booking")
	expect(call(t, "GET", gw+"/bookings/?limit=5", "", nil, admin...), 200, "staff listing")
	expect(call(t, "GET", gw+"/bookings/"+b.ID, "", nil), 401, "anonymous read")

	// A retried create: one booking, the second answer replayed.
	retry := book("Retried Guest", 222, "Standard Rooms", arrival, 1)
	key := hotel.NewIdempotencyKey()
	expect(call(t, "POST", gw+"/bookings/", retry, nil, "Idempotency-Key", key), 201, "idempotent create")
	if r := call(t, "POST", gw+"/bookings/", retry, nil, "Idempotency-Key", key); r.StatusCode != 201 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed create = %d (Idempotent-Replayed %q)", r.StatusCode, r.Header.Get("Idempotent-Replayed"))
	}
	expect(call(t, "POST", gw+"/bookings/", `{"guest_name":"X","hotel_id":111,"room_type":"Deluxe Rooms","arrival_date":"2001-01-01","stay_length":1,"adults":1}`, nil), 400, "booking in the past")

	// Sold out: staff block every room left on a night, then a guest asks for it.
	night := arrival.AddDays(5)
	var rows []item
	expect(call(t, "GET", fmt.Sprintf("%s/inventory/333?start_date=%s&end_date=%s", gw, night, night), "", &rows), 200, "night's inventory")
	var left int
	for _, it := range rows {
		if it.RoomType == "Standard Rooms" && it.AvailableRooms != nil {
			left = *it.AvailableRooms
		}
	}
	if left == 0 {
		t.Fatalf("hotel 333 has no Standard Rooms left on %s: %+v", night, rows)
	}
	adjust := fmt.Sprintf(`{"room_type":"Standard Rooms","date":"%s","num_rooms":%d,"reason":"observability test"}`, night, left)
	expect(call(t, "POST", gw+"/inventory/333/adjust", adjust, nil, admin...), 200, "block the night")
	expect(call(t, "POST", gw+"/bookings/", book("Unlucky Guest", 333, "Standard Rooms", night.AddDays(-1), 2), nil), 409, "sold-out booking")

	expect(call(t, "DELETE", gw+"/bookings/"+b.ID, "", nil, token...), 200, "cancel")
	expect(call(t, "DELETE", gw+"/bookings/"+b.ID, "", nil, token...), 409, "cancel again")
}

// Expressions that may return nothing in a healthy system, and why. All
// others must return data after driveTraffic.
var mayBeEmpty = map[string]string{
	"Responses by status class/3xx":                     "the API redirects nothing the traffic asks",
	"Responses by status class/5xx":                     "a healthy run answers no 5xx",
	"Gateway responses/3xx":                             "the API redirects nothing the traffic asks",
	"Gateway responses/5xx":                             "a healthy run answers no 5xx",
	"Gateway responses/429 rate limited":                "the tests' rate limit is far above the traffic",
	"Database errors/{{service}} {{driver}}":            "a healthy run has no database errors",
	"Webhook lag/subscription {{webhook_id}}":           "a healthy subscription is caught up (only those behind are shown)",
	"Rate limits without Redis/{{target}} {{instance}}": "a healthy Redis decides every request (its series is 0)",
}

// selectorsMayBeEmpty: series selectors (metric and matchers, as written)
// that match nothing in a healthy run, and why.
var selectorsMayBeEmpty = []struct{ contains, why string }{
	{`status=~"5.."`, "no 5xx in a healthy run"},
	{`status=~"3.."`, "no redirects"},
	{`status="429"`, "no rate limiting in the test"},
	{`reason="unavailable"`, "inventory stays reachable"},
	{`hotel_db_errors_total`, "no database errors in a healthy run"},
	{`result="failure"`, "no job fails in a healthy run"},
	{`hotel_db_replica_`, "no read replica in this run (TestReadReplica reads these series)"},
}

// metricNameRE: the series this platform exports, and Prometheus' up.
var metricNameRE = regexp.MustCompile(`^(hotel_|http_|process_|go_)[a-z0-9_]+$|^up$`)

// selectors returns the series selectors of a PromQL expression: metric
// names with their {matchers} as written.
func selectors(expr string) []string {
	var out []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(expr) && expr[j] != c {
				if expr[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			i = j + 1
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(expr) && (expr[j] == '_' || expr[j] == ':' || expr[j] >= 'a' && expr[j] <= 'z' || expr[j] >= 'A' && expr[j] <= 'Z' || expr[j] >= '0' && expr[j] <= '9') {
				j++
			}
			name := expr[i:j]
			// A label name inside by (...)/without (...) is not a metric.
			if !metricNameRE.MatchString(name) {
				i = j
				continue
			}
			k := j
			for k < len(expr) && expr[k] == ' ' {
				k++
			}
			if k < len(expr) && expr[k] == '{' {
				end := matchingBrace(expr, k)
				out = append(out, name+expr[k:end+1])
				j = end + 1
			} else {
				out = append(out, name)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// matchingBrace returns the index of the } closing the { at i, skipping strings.
func matchingBrace(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			for j++; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
		case '}':
			return j
		}
	}
	return len(s) - 1
}

var (
	matcherNameRE = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"`)
	groupingRE    = regexp.MustCompile(`\b(?:by|without)\s*\(([^)]*)\)`)
	stringRE      = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")
)

// checkNames checks that what expr names exists in Prometheus: each series
// selector matches series (unless selectorsMayBeEmpty says why not), each
// label it matches on or groups by is a label of its metrics.
func checkNames(t *testing.T, ps *promServer, where, expr string, checked map[string]bool) {
	t.Helper()
	sels := selectors(expr)
	if len(sels) == 0 {
		t.Errorf("%s: no series selector found in %s", where, expr)
	}
	var metrics []string
	for _, sel := range sels {
		metric, _, _ := strings.Cut(sel, "{")
		metrics = append(metrics, metric)
		var why string
		for _, e := range selectorsMayBeEmpty {
			if strings.Contains(sel, e.contains) {
				why = e.why
			}
		}
		if !checked[sel] {
			checked[sel] = true
			if res, err := ps.query("count(" + sel + ")"); err != nil {
				t.Errorf("%s: count(%s): %v", where, sel, err)
			} else if len(res) == 0 && why == "" {
				t.Errorf("%s: no series match %s", where, sel)
			}
		}
		// Label names inside the braces, strings removed.
		if i := strings.Index(sel, "{"); i >= 0 {
			for _, m := range matcherNameRE.FindAllStringSubmatch(sel[i:], -1) {
				checkLabel(t, ps, where, []string{metric}, m[1], checked)
			}
		}
	}
	for _, m := range groupingRE.FindAllStringSubmatch(stringRE.ReplaceAllString(expr, `""`), -1) {
		for _, l := range strings.Split(m[1], ",") {
			if l = strings.TrimSpace(l); l != "" {
				checkLabel(t, ps, where, metrics, l, checked)
			}
		}
	}
}

// checkLabel checks that at least one of metrics has label (metrics that
// have no series at all are judged by checkNames).
func checkLabel(t *testing.T, ps *promServer, where string, metrics []string, label string, checked map[string]bool) {
	t.Helper()
	key := strings.Join(metrics, ",") + "/" + label
	if checked[key] {
		return
	}
	checked[key] = true
	present, exists := false, false
	for _, m := range metrics {
		res, err := ps.query(fmt.Sprintf("count by (%s) (%s)", label, m))
		if err != nil {
			t.Errorf("%s: count by (%s) (%s): %v", where, label, m, err)
			return
		}
		present = present || len(res) > 0
		for _, s := range res {
			if s.Metric[label] != "" {
				exists = true
			}
		}
	}
	if present && !exists {
		t.Errorf("%s: no series of %v has the label %q", where, metrics, label)
	}
}

// TestObservability runs the services split on PostgreSQL with their admin
// listeners, a real Prometheus with the shipped configuration and rules
// scraping them, drives traffic through the gateway, and then evaluates
// every query of the dashboard and every rule; the dashboard's LogQL is
// checked against the log lines the processes wrote.
func TestObservability(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// With NATS and a webhook subscription, so the event panels have data.
	db := overlay(map[string]string{"HOTEL_NATS_URL": natstest.Start(t).URL(), "HOTEL_WEBHOOK_ALLOW_NETS": "127.0.0.0/8"}, dbEnv(t, postgresStore))
	sys := startSplitObserved(t, db)
	hooks := newHookReceiver(t)
	if r := call(t, "POST", sys.Gateway+"/webhooks", `{"url":"`+hooks.srv.URL+`","after":"0"}`, nil, "Authorization", "Bearer "+testAdminKey); r.StatusCode != http.StatusCreated {
		t.Fatalf("webhook subscription = %d", r.StatusCode)
	}
	// A console user, who signs in (and once fails to) in each round.
	if r := call(t, "POST", sys.Gateway+"/users", `{"email":"observed@hotel.example","role":"revenue","password":"observed password"}`, nil,
		"Authorization", "Bearer "+testAdminKey); r.StatusCode != http.StatusCreated {
		t.Fatalf("console user = %d", r.StatusCode)
	}
	targets := map[string]string{}
	for name, p := range sys.procs {
		targets[name] = adminListener(t, p)
	}
	ps := startPrometheus(t, targets)
	ps.waitScraped(t, time.Now(), len(targets))

	// Two rounds, each scraped after it: counters created in the first
	// have grown by the second, so rates are not zero.
	driveTraffic(t, sys.Gateway, 0)
	ps.waitScraped(t, time.Now(), len(targets))
	driveTraffic(t, sys.Gateway, 1)
	ps.waitScraped(t, time.Now(), len(targets))
	t.Logf("services, Prometheus and traffic ready in %v", time.Since(start).Round(time.Millisecond))

	checked := map[string]bool{}
	d := loadDashboard(t)
	queries := 0
	for _, p := range d.Panels {
		for _, q := range p.Targets {
			if q.Datasource.Type != "prometheus" {
				continue
			}
			queries++
			where := panelKey(p, q)
			expr := grafanaVars.Replace(q.Expr)
			if grafanaVarRE.MatchString(expr) {
				t.Errorf("%s: a Grafana variable the test does not know: %s", where, expr)
				continue
			}
			res, err := ps.query(expr)
			if err != nil {
				t.Errorf("%s: %v\n%s", where, err, expr)
				continue
			}
			real := 0
			for _, s := range res {
				if !math.IsNaN(s.Value) {
					real++
				}
			}
			if testing.Verbose() {
				var vals []string
				for _, s := range res {
					vals = append(vals, strconv.FormatFloat(s.Value, 'g', 4, 64))
				}
				t.Logf("%s: %v", where, vals)
			}
			if why, ok := mayBeEmpty[where]; ok {
				t.Logf("%s: %d series (may be empty: %s)", where, len(res), why)
			} else if real == 0 {
				t.Errorf("%s: no data (%d series, all NaN or none)\n%s", where, len(res), expr)
			}
			checkNames(t, ps, where, expr, checked)
		}
	}

	// The alert rules: all loaded, evaluated without error, none active in
	// a healthy system, and each expression evaluates through the API.
	rules, _, err := ps.rules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatal("prometheus loaded no rules")
	}
	for _, r := range rules {
		where := "rule " + r.Name
		if r.Health != "ok" || r.LastError != "" {
			t.Errorf("%s: health %q %s", where, r.Health, r.LastError)
		}
		// Firing is wrong in a healthy system; pending may be a scrape
		// that timed out on a loaded machine (HotelTargetDown waits 2m).
		if r.Type == "alerting" && r.State == "firing" {
			t.Errorf("%s is firing in a healthy system", where)
		} else if r.Type == "alerting" && r.State != "inactive" {
			t.Logf("%s is %s", where, r.State)
		}
		if _, err := ps.query(r.Query); err != nil {
			t.Errorf("%s: %v", where, err)
		}
		checkNames(t, ps, where, r.Query, checked)
	}

	checkLogQL(t, sys, d)
	t.Logf("%d PromQL panel queries and %d rules evaluated; whole test %v", queries, len(rules), time.Since(start).Round(time.Millisecond))
}

var (
	streamSelectorRE = regexp.MustCompile(`^\{([^}]*)\}`)
	streamMatcherRE  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"`)
	labelFilterRE    = regexp.MustCompile(`\|\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|==|=|>=|<=|>|<)\s*"([^"]*)"`)
	lineFormatRE     = regexp.MustCompile(`\{\{\s*\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
	alloyLabelsRE    = regexp.MustCompile(`stage\.labels\s*\{\s*values\s*=\s*\{([^}]*)\}`)
)

// checkLogQL checks the dashboard's LogQL against the JSON lines the
// processes wrote: stream labels are fields every line has and that every
// Alloy configuration in deploy/ turns into labels; the booking and inventory
// panels select exactly their process's lines; fields filtered on or
// formatted after `| json` are fields the services emit.
func checkLogQL(t *testing.T, sys *system, d dashboard) {
	lines := map[string][]map[string]any{}
	fields := map[string]bool{}
	for name, p := range sys.procs {
		lines[name] = logRecords(t, p)
		for _, rec := range lines[name] {
			for k := range rec {
				fields[k] = true
			}
		}
	}
	for _, f := range []string{"time", "level", "msg", "service", "target", "request_id", "route", "status", "method", "duration"} {
		if !fields[f] {
			t.Errorf("no log line has the field %q", f)
		}
	}
	// Every Alloy configuration in deploy/ (the local stack's, Compose's)
	// must make the stream labels the panels select on.
	shipped := map[string]map[string]bool{} // file → labels it makes
	err := filepath.WalkDir(deployDir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".alloy") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		labels := map[string]bool{}
		if m := alloyLabelsRE.FindStringSubmatch(string(b)); m != nil {
			for _, kv := range strings.Split(m[1], ",") {
				if k, _, ok := strings.Cut(kv, "="); ok {
					labels[strings.Trim(strings.TrimSpace(k), `"`)] = true
				}
			}
		}
		rel, _ := filepath.Rel(deployDir, path)
		shipped["deploy/"+rel] = labels
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := shipped["deploy/loki/alloy.alloy"]; !ok {
		t.Fatal("no deploy/loki/alloy.alloy")
	}

	levels := []string{"DEBUG", "INFO", "WARN", "ERROR"} // slog's level names
	matches := func(rec map[string]any, ms [][]string) bool {
		for _, m := range ms {
			v := fmt.Sprint(rec[m[1]])
			ok := false
			switch m[2] {
			case "=":
				ok = v == m[3]
			case "!=":
				ok = v != m[3]
			case "=~":
				ok = regexp.MustCompile("^(?:" + m[3] + ")$").MatchString(v)
			case "!~":
				ok = !regexp.MustCompile("^(?:" + m[3] + ")$").MatchString(v)
			}
			if !ok {
				return false
			}
		}
		return true
	}
	wantOnly := map[string]string{"Booking service logs": "booking", "Inventory service logs": "inventory"}
	panels := 0
	for _, p := range d.Panels {
		for _, q := range p.Targets {
			if q.Datasource.Type != "loki" {
				continue
			}
			panels++
			where := panelKey(p, q)
			sel := streamSelectorRE.FindStringSubmatch(q.Expr)
			if sel == nil {
				t.Errorf("%s: no stream selector in %s", where, q.Expr)
				continue
			}
			ms := streamMatcherRE.FindAllStringSubmatch(sel[1], -1)
			for _, m := range ms {
				if !fields[m[1]] {
					t.Errorf("%s: stream label %q is no field of the log lines", where, m[1])
				}
				for file, labels := range shipped {
					if !labels[m[1]] {
						t.Errorf("%s: stream label %q is not made a label by %s", where, m[1], file)
					}
				}
			}
			selected := map[string]int{}
			for name, recs := range lines {
				for _, rec := range recs {
					if matches(rec, ms) {
						selected[name]++
					}
				}
			}
			if only, ok := wantOnly[p.Title]; ok {
				for name, n := range selected {
					if name != only && n > 0 {
						t.Errorf("%s: selects %d lines of the %s process", where, n, name)
					}
				}
				if selected[only] == 0 {
					t.Errorf("%s: selects none of the %s process's lines", where, only)
				}
			} else if len(selected) == 0 {
				t.Errorf("%s: selects no log line", where)
			}
			rest := q.Expr[len(sel[0]):]
			if strings.Contains(rest, "| json") || strings.Contains(rest, "|json") {
				for _, f := range labelFilterRE.FindAllStringSubmatch(rest, -1) {
					if !fields[f[1]] {
						t.Errorf("%s: filters on %q, no field of the log lines", where, f[1])
					}
					if f[1] == "level" {
						for _, lv := range strings.Split(f[3], "|") {
							if !slices.Contains(levels, lv) {
								t.Errorf("%s: level %q is not one of slog's %v", where, lv, levels)
							}
						}
					}
				}
				for _, f := range lineFormatRE.FindAllStringSubmatch(rest, -1) {
					if !fields[f[1]] {
						t.Errorf("%s: line_format uses %q, no field of the log lines", where, f[1])
					}
				}
			} else if labelFilterRE.MatchString(rest) {
				t.Errorf("%s: filters on fields without | json", where)
			}
		}
	}
	if panels < 2 {
		t.Errorf("%d LogQL queries, want the booking and inventory panels at least", panels)
	}
	var names []string
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	t.Logf("%d LogQL queries checked against log fields %v", panels, names)
}
