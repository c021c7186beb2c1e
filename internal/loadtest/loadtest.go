// Package loadtest drives a running platform over HTTP with a workload mix
// or a scenario that tries to break its invariants, and reports throughput,
// latency percentiles per operation and errors by status.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Operations of the mix.
const (
	OpSearch        = "search"
	OpInventoryRead = "inventory_read"
	OpBookingRead   = "booking_read"
	OpCreate        = "create"
	OpModify        = "modify"
	OpCancel        = "cancel"
)

// Scenarios.
const (
	ScenarioMixed       = "mixed"
	ScenarioRush        = "rush"
	ScenarioModifyStorm = "modify-storm"
)

// DefaultMix is the mixed scenario: 60 % search, 25 % reads, 10 % create,
// 3 % modify, 2 % cancel.
var DefaultMix = map[string]int{OpSearch: 60, OpInventoryRead: 15, OpBookingRead: 10, OpCreate: 10, OpModify: 3, OpCancel: 2}

// Config describes a run.
type Config struct {
	Target   string // the gateway's base URL
	Scenario string
	Clients  int           // closed loop: this many clients, each waiting for its answer
	Rate     float64       // open loop instead: requests per second, whatever the answers
	Duration time.Duration // how long to drive load
	Mix      map[string]int
	Seed     uint64
	// AdminKey, if set, is sent on staff reads and by every client (admin
	// keys are not rate limited). Without it, booking reads use the
	// bookings' own access tokens.
	AdminKey string
	// Progress, if set, gets a line a second while the load runs.
	Progress io.Writer
	Client   *http.Client
}

// Report is a run's outcome.
type Report struct {
	Scenario   string             `json:"scenario"`
	Mode       string             `json:"mode"` // closed (clients) or open (rate)
	Clients    int                `json:"clients,omitempty"`
	Rate       float64            `json:"rate,omitempty"`
	Duration   float64            `json:"duration_seconds"`
	Requests   int                `json:"requests"`
	Throughput float64            `json:"throughput_per_second"`
	Ops        map[string]*OpStat `json:"operations"`
	// Created is every booking confirmed to a client (201); Lost those of
	// them missing or not confirmed-or-later at the end.
	Created int      `json:"bookings_created"`
	Lost    []string `json:"lost_bookings"`
	// Rush: the contested night, its rooms and the bookings holding it.
	Rush *RushResult `json:"rush,omitempty"`
	// Check is the reconciliation at the end (nil: not run).
	Check *CheckResult `json:"invariants,omitempty"`
}

// OpStat is one operation's figures.
type OpStat struct {
	Count      int            `json:"count"`
	Throughput float64        `json:"throughput_per_second"`
	P50        float64        `json:"p50_ms"`
	P95        float64        `json:"p95_ms"`
	P99        float64        `json:"p99_ms"`
	Max        float64        `json:"max_ms"`
	Statuses   map[string]int `json:"statuses"`
	durations  []time.Duration
}

// RushResult says whether the rush oversold the contested night.
type RushResult struct {
	HotelID   int64  `json:"hotel_id"`
	RoomType  string `json:"room_type"`
	Night     string `json:"night"`
	Available int    `json:"rooms_available_before"`
	Won       int    `json:"bookings_covering_night"`
	Oversold  int    `json:"oversold"`
}

// CheckResult is the invariant check.
type CheckResult struct {
	DriftingNights int    `json:"drifting_nights"`
	Detail         string `json:"detail,omitempty"`
}

// OK reports whether no invariant broke: nothing oversold, no confirmed
// booking lost, no drift.
func (r *Report) OK() bool {
	return len(r.Lost) == 0 && (r.Rush == nil || r.Rush.Oversold == 0) && (r.Check == nil || r.Check.DriftingNights == 0)
}

// booking is one the run created.
type booking struct {
	ID, Token string
	HotelID   int64
	RoomType  string
	Arrival   string
	Nights    int
	Version   int
}

// catalogue is what the run books from.
type catalogue struct {
	hotels []hotelInfo
	today  time.Time
}

type hotelInfo struct {
	ID        int64
	Location  string
	RoomTypes []string
}

// runner holds a run's state.
type runner struct {
	cfg   Config
	hc    *http.Client
	cat   catalogue
	mu    sync.Mutex
	stats map[string]*OpStat
	books []booking
	made  map[string]bool
	total atomic.Int64
	errs  atomic.Int64
}

// Run drives the load and returns the report (without the invariant
// check, which needs the database: see Report.Check).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxIdleConns: 1024}}
	}
	if cfg.Mix == nil {
		cfg.Mix = DefaultMix
	}
	if cfg.Clients <= 0 && cfg.Rate <= 0 {
		cfg.Clients = 16
	}
	r := &runner{cfg: cfg, hc: cfg.Client, stats: map[string]*OpStat{}, made: map[string]bool{}}
	if err := r.discover(ctx); err != nil {
		return nil, err
	}
	rep := &Report{Scenario: cfg.Scenario, Clients: cfg.Clients, Rate: cfg.Rate}
	start := time.Now()
	var err error
	switch cfg.Scenario {
	case ScenarioMixed, "":
		rep.Scenario = ScenarioMixed
		err = r.drive(ctx, start, func(rng *rand.Rand) { r.mixed(ctx, rng) })
	case ScenarioRush:
		rep.Rush, err = r.rush(ctx, start)
	case ScenarioModifyStorm:
		err = r.storm(ctx, start)
	default:
		return nil, fmt.Errorf("unknown scenario %q (mixed, rush, modify-storm)", cfg.Scenario)
	}
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	rep.Mode = "closed"
	if cfg.Rate > 0 {
		rep.Mode = "open"
	}
	rep.Duration = elapsed.Seconds()
	rep.Ops = r.stats
	for _, s := range r.stats {
		rep.Requests += s.Count
		s.finish(elapsed)
	}
	rep.Throughput = float64(rep.Requests) / elapsed.Seconds()
	rep.Created = len(r.books)
	rep.Lost = r.lost(ctx)
	return rep, nil
}

// drive runs op from Clients closed-loop clients, or at Rate requests per
// second, until Duration has passed.
func (r *runner) drive(ctx context.Context, start time.Time, op func(rng *rand.Rand)) error {
	ctx, cancel := context.WithDeadline(ctx, start.Add(r.cfg.Duration))
	defer cancel()
	stop := r.progress(ctx, start)
	defer stop()
	var wg sync.WaitGroup
	if r.cfg.Rate > 0 {
		// Open loop: one request per tick whatever the answers (bounded in
		// flight, so a stalled server cannot exhaust the generator).
		interval := time.Duration(float64(time.Second) / r.cfg.Rate)
		t := time.NewTicker(interval)
		defer t.Stop()
		sem := make(chan struct{}, 4096)
		var n uint64
		for {
			select {
			case <-ctx.Done():
				wg.Wait()
				return nil
			case <-t.C:
			}
			select {
			case sem <- struct{}{}:
			default:
				r.record("dropped", 0, "generator_saturated")
				continue
			}
			n++
			rng := rand.New(rand.NewPCG(r.cfg.Seed, n)) //nolint:gosec // a workload, not a secret: seeded to repeat
			wg.Go(func() {
				defer func() { <-sem }()
				op(rng)
			})
		}
	}
	for i := range r.cfg.Clients {
		rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(i)+1)) //nolint:gosec // a workload, not a secret: seeded to repeat
		wg.Go(func() {
			for ctx.Err() == nil {
				op(rng)
			}
		})
	}
	wg.Wait()
	return nil
}

// progress prints a line a second until stopped.
func (r *runner) progress(ctx context.Context, start time.Time) func() {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := int64(0)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				n := r.total.Load()
				fmt.Fprintf(r.cfg.Progress, "\r%5.0fs  %8d requests  %7d/s  %6d errors   ", time.Since(start).Seconds(), n, n-last, r.errs.Load())
				last = n
			}
		}
	}()
	return func() {
		close(done)
		fmt.Fprintln(r.cfg.Progress)
	}
}

// mixed runs one operation of the mix.
func (r *runner) mixed(ctx context.Context, rng *rand.Rand) {
	total := 0
	for _, w := range r.cfg.Mix {
		total += w
	}
	pick := rng.IntN(max(total, 1))
	for _, op := range []string{OpSearch, OpInventoryRead, OpBookingRead, OpCreate, OpModify, OpCancel} {
		if pick < r.cfg.Mix[op] {
			r.do(ctx, rng, op)
			return
		}
		pick -= r.cfg.Mix[op]
	}
}

// do performs one operation.
func (r *runner) do(ctx context.Context, rng *rand.Rand, op string) {
	h := r.cat.hotels[rng.IntN(len(r.cat.hotels))]
	arrival := r.cat.today.AddDate(0, 0, 1+rng.IntN(300))
	switch op {
	case OpSearch:
		q := url.Values{"location": {h.Location}, "check_in": {day(arrival)}, "check_out": {day(arrival.AddDate(0, 0, 1+rng.IntN(3)))}, "adults": {"2"}, "limit": {"20"}}
		r.call(ctx, op, http.MethodGet, "/inventory/search?"+q.Encode(), nil, "", nil)
	case OpInventoryRead:
		q := url.Values{"start_date": {day(arrival)}, "end_date": {day(arrival.AddDate(0, 0, 6))}}
		r.call(ctx, op, http.MethodGet, "/inventory/"+strconv.FormatInt(h.ID, 10)+"?"+q.Encode(), nil, "", nil)
	case OpBookingRead:
		b, ok := r.pickBooking(rng)
		if !ok {
			r.do(ctx, rng, OpInventoryRead)
			return
		}
		r.call(ctx, op, http.MethodGet, "/bookings/"+b.ID, nil, b.Token, nil)
	case OpCreate:
		r.create(ctx, rng, h.ID, h.RoomTypes[rng.IntN(len(h.RoomTypes))], arrival, 1+rng.IntN(3))
	case OpModify:
		b, ok := r.pickBooking(rng)
		if !ok {
			r.create(ctx, rng, h.ID, h.RoomTypes[0], arrival, 2)
			return
		}
		body := map[string]any{"stay_length": 1 + rng.IntN(4)}
		if rng.IntN(2) == 0 {
			a, _ := time.Parse(time.DateOnly, b.Arrival)
			body["arrival_date"] = day(a.AddDate(0, 0, rng.IntN(3)-1))
		}
		r.call(ctx, op, http.MethodPatch, "/bookings/"+b.ID, body, b.Token, nil)
	case OpCancel:
		b, ok := r.pickBooking(rng)
		if !ok {
			r.do(ctx, rng, OpSearch)
			return
		}
		r.call(ctx, op, http.MethodDelete, "/bookings/"+b.ID, nil, b.Token, nil)
	}
}

// create books a room and remembers a confirmed booking.
func (r *runner) create(ctx context.Context, rng *rand.Rand, hotelID int64, roomType string, arrival time.Time, nights int) int {
	body := map[string]any{"guest_name": "Load Test Guest", "hotel_id": hotelID, "room_type": roomType,
		"arrival_date": day(arrival), "stay_length": nights, "adults": 1, "children": 0}
	var out struct {
		ID      string `json:"booking_id"`
		Token   string `json:"access_token"`
		Version int    `json:"version"`
	}
	key := fmt.Sprintf("lt-%d-%d", rng.Uint64(), time.Now().UnixNano())
	status := r.call(ctx, OpCreate, http.MethodPost, "/bookings/", body, "", &out, "Idempotency-Key", key)
	if status == http.StatusServiceUnavailable || status == 0 {
		// Retry once with the same key: exactly one booking either way.
		status = r.call(ctx, OpCreate, http.MethodPost, "/bookings/", body, "", &out, "Idempotency-Key", key)
	}
	if status == http.StatusCreated && out.ID != "" {
		r.mu.Lock()
		if !r.made[out.ID] {
			r.made[out.ID] = true
			r.books = append(r.books, booking{ID: out.ID, Token: out.Token, HotelID: hotelID, RoomType: roomType, Arrival: day(arrival), Nights: nights, Version: out.Version})
		}
		r.mu.Unlock()
	}
	return status
}

func (r *runner) pickBooking(rng *rand.Rand) (booking, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.books) == 0 {
		return booking{}, false
	}
	return r.books[rng.IntN(len(r.books))], true
}

// call sends a request and records its latency and status under op; it
// returns the status (0 when no answer came).
func (r *runner) call(ctx context.Context, op, method, path string, body any, token string, out any, headers ...string) int {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.Target+path, rd)
	if err != nil {
		return 0
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	case r.cfg.AdminKey != "":
		req.Header.Set("Authorization", "Bearer "+r.cfg.AdminKey)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	resp, err := r.hc.Do(req)
	d := time.Since(start)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return 0 // the run ended mid-request: not an error of the system
		}
		r.record(op, d, "transport_error")
		return 0
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		_ = json.NewDecoder(resp.Body).Decode(out)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	r.record(op, d, strconv.Itoa(resp.StatusCode))
	return resp.StatusCode
}

func (r *runner) record(op string, d time.Duration, status string) {
	r.total.Add(1)
	if status == "transport_error" || status == "generator_saturated" || strings.HasPrefix(status, "5") {
		r.errs.Add(1)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.stats[op]
	if !ok {
		s = &OpStat{Statuses: map[string]int{}}
		r.stats[op] = s
	}
	s.Count++
	s.Statuses[status]++
	s.durations = append(s.durations, d)
}

// finish computes the percentiles.
func (s *OpStat) finish(elapsed time.Duration) {
	slices.Sort(s.durations)
	at := func(q float64) float64 {
		if len(s.durations) == 0 {
			return 0
		}
		i := min(len(s.durations)-1, int(q*float64(len(s.durations))))
		return float64(s.durations[i].Microseconds()) / 1000
	}
	s.P50, s.P95, s.P99 = at(0.50), at(0.95), at(0.99)
	if n := len(s.durations); n > 0 {
		s.Max = float64(s.durations[n-1].Microseconds()) / 1000
	}
	s.Throughput = float64(s.Count) / elapsed.Seconds()
	s.durations = nil
}

// lost returns the bookings confirmed to a client that are gone or not in
// a confirmed-or-later state.
func (r *runner) lost(ctx context.Context) []string {
	r.mu.Lock()
	books := slices.Clone(r.books)
	r.mu.Unlock()
	var lost []string
	for _, b := range books {
		var out struct {
			Status string `json:"reservation_status"`
		}
		status := r.get(ctx, "/bookings/"+b.ID, b.Token, &out)
		switch {
		case status == http.StatusOK && (out.Status == "confirmed" || out.Status == "cancelled" || out.Status == "completed"):
		default:
			lost = append(lost, fmt.Sprintf("%s (%d %s)", b.ID, status, out.Status))
		}
	}
	return lost
}

// get reads path into out without recording it.
func (r *runner) get(ctx context.Context, path, token string, out any) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.Target+path, nil)
	if err != nil {
		return 0
	}
	switch {
	case r.cfg.AdminKey != "":
		req.Header.Set("Authorization", "Bearer "+r.cfg.AdminKey)
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// discover reads the hotels and room types to book from.
func (r *runner) discover(ctx context.Context) error {
	var hotels []struct {
		ID       int64  `json:"hotel_id"`
		Location string `json:"location"`
		TimeZone string `json:"time_zone"`
	}
	if st := r.get(ctx, "/inventory/hotels?limit=100", "", &hotels); st != http.StatusOK || len(hotels) == 0 {
		return fmt.Errorf("cannot list hotels at %s (status %d): is the system running?", r.cfg.Target, st)
	}
	for _, h := range hotels {
		var rts []struct {
			Name string `json:"room_type"`
		}
		if st := r.get(ctx, "/inventory/hotels/"+strconv.FormatInt(h.ID, 10)+"/room-types", "", &rts); st != http.StatusOK {
			return fmt.Errorf("room types of hotel %d: status %d", h.ID, st)
		}
		hi := hotelInfo{ID: h.ID, Location: h.Location}
		for _, rt := range rts {
			hi.RoomTypes = append(hi.RoomTypes, rt.Name)
		}
		if len(hi.RoomTypes) > 0 {
			r.cat.hotels = append(r.cat.hotels, hi)
		}
		if loc, err := time.LoadLocation(h.TimeZone); err == nil && r.cat.today.IsZero() {
			r.cat.today = time.Now().In(loc)
		}
	}
	if r.cat.today.IsZero() {
		r.cat.today = time.Now()
	}
	if len(r.cat.hotels) == 0 {
		return errors.New("no hotel has room types")
	}
	return nil
}

func day(t time.Time) string { return t.Format(time.DateOnly) }
