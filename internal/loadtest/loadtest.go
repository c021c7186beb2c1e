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

	"github.com/hotelplatform/hotel"
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
	// Created is every booking confirmed to a client (201), also on a retry
	// of its create; Lost those of them missing or not confirmed-or-later at
	// the end. CreatedOnRetry of Created came on a retry with the same
	// Idempotency-Key (CreateRetries is how many retries were sent).
	// Unchecked of Created cannot be read back: confirmed by an answer
	// without an access token (a replay from a platform that does not
	// renew it) to a run without an admin key.
	Created        int      `json:"bookings_created"`
	CreatedOnRetry int      `json:"bookings_created_on_retry"`
	CreateRetries  int      `json:"create_retries"`
	Unchecked      int      `json:"bookings_unchecked,omitempty"`
	Lost           []string `json:"lost_bookings"`
	// Rush: the contested night, its rooms and the bookings holding it.
	Rush *RushResult `json:"rush,omitempty"`
	// Check is the reconciliation at the end (nil: not run).
	Check *CheckResult `json:"invariants,omitempty"`
	// Events are the events the run's changes wrote to the feed (nil:
	// no admin key to read it with).
	Events *EventsResult `json:"events,omitempty"`
}

// EventsResult is what the event feed gained during a run: its end moved
// by Written positions (positions are gapless), Written/Duration a second.
type EventsResult struct {
	Written   int64   `json:"written"`
	PerSecond float64 `json:"per_second"`
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
	// NotProblem counts error answers (4xx, 5xx) that were not
	// application/problem+json.
	NotProblem int `json:"errors_not_problem_json,omitempty"`
	// NoRetryAfter counts 503 answers without Retry-After.
	NoRetryAfter int `json:"unavailable_without_retry_after,omitempty"`
	// AcceptedP99 is the p99 of the answers that were not 503 (the
	// requests the system took on); RefusedP99 and RefusedMax those of the
	// 503s (how fast an overloaded system says no).
	AcceptedP99 float64 `json:"accepted_p99_ms"`
	RefusedP99  float64 `json:"refused_p99_ms,omitempty"`
	RefusedMax  float64 `json:"refused_max_ms,omitempty"`
	durations   []time.Duration
	accepted    []time.Duration
	refused     []time.Duration
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

// CheckResult is the invariant check on the target's database.
type CheckResult struct {
	// Checked is false when the check could not be made (Detail says why:
	// the database could not be opened, lacks the schema, or is not the
	// one the target uses); DriftingNights is then -1.
	Checked        bool `json:"checked"`
	DriftingNights int  `json:"drifting_nights"`
	// EventGaps counts the booking rows whose events do not count their
	// committed changes, and the ARI and catalogue changes without their
	// event or events without their change (store.Events.EventGaps).
	EventGaps int    `json:"event_gaps"`
	Detail    string `json:"detail,omitempty"`
}

// OK reports whether no invariant was seen broken: nothing oversold, no
// confirmed booking lost, no drift. A check that could not be made breaks
// nothing (see NotChecked).
func (r *Report) OK() bool {
	return len(r.Lost) == 0 && (r.Rush == nil || r.Rush.Oversold == 0) && (r.Check == nil || !r.Check.Checked || r.Check.DriftingNights == 0 && r.Check.EventGaps == 0)
}

// NotChecked reports whether the invariant check was asked for but could
// not be made.
func (r *Report) NotChecked() bool { return r.Check != nil && !r.Check.Checked }

// booking is one the run created; without Token (a replay from a platform
// that does not renew it) only an admin key can read it.
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
	cfg     Config
	hc      *http.Client
	cat     catalogue
	mu      sync.Mutex
	stats   map[string]*OpStat
	books   []booking // every booking confirmed to a client
	usable  []booking // those the run can read and change
	made    map[string]bool
	onRetry int       // bookings confirmed on a retry
	end     time.Time // no retry starts after this (zero: no bound)
	total   atomic.Int64
	errs    atomic.Int64
	retries atomic.Int64 // creates sent again
}

// Run drives the load and returns the report (without the invariant
// check, which needs the database: see Report.Check).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Client == nil {
		tr := &http.Transport{MaxIdleConnsPerHost: 1024, MaxIdleConns: 1024}
		defer tr.CloseIdleConnections() // leave no connection (and its goroutines) behind
		cfg.Client = &http.Client{Timeout: 30 * time.Second, Transport: tr}
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
	feedStart, feedOK := r.feedEnd(ctx)
	start := time.Now()
	if cfg.Scenario != ScenarioRush { // the rush is one race, whatever its duration
		r.end = start.Add(cfg.Duration)
	}
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
	rep.CreatedOnRetry = r.onRetry
	rep.CreateRetries = int(r.retries.Load())
	rep.Lost, rep.Unchecked = r.lost(ctx)
	if end, ok := r.feedEnd(ctx); ok && feedOK {
		rep.Events = &EventsResult{Written: end - feedStart, PerSecond: float64(end-feedStart) / elapsed.Seconds()}
	}
	return rep, nil
}

// feedEnd finds the position of the event feed's last event (reading it
// publishes what has committed) by a binary search on GET /events?after=
// — positions are gapless — and says whether it could (an admin key).
func (r *runner) feedEnd(ctx context.Context) (int64, bool) {
	if r.cfg.AdminKey == "" {
		return 0, false
	}
	beyond := func(pos int64) (bool, bool) { // no event after pos?
		var page []json.RawMessage
		if r.get(ctx, fmt.Sprintf("/events?after=%d&limit=1", pos), "", &page) != http.StatusOK {
			return false, false
		}
		return len(page) == 0, true
	}
	lo, hi := int64(0), int64(1024) // an event after lo; none after hi
	for {
		end, ok := beyond(hi)
		if !ok {
			return 0, false
		}
		if end {
			break
		}
		lo, hi = hi, hi*2
	}
	if end, ok := beyond(lo); !ok || end {
		return lo, ok
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		end, ok := beyond(mid)
		if !ok {
			return 0, false
		}
		if end {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
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
		// A ticker drops the ticks a busy generator misses, so each tick
		// sends every request due by then (elapsed × Rate): the offered
		// rate holds even when the generator shares a loaded machine.
		interval := max(time.Duration(float64(time.Second)/r.cfg.Rate), time.Millisecond)
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
			due := uint64(time.Since(start).Seconds() * r.cfg.Rate)
			for ; n < due; n++ {
				select {
				case sem <- struct{}{}:
				default:
					r.record("dropped", 0, "generator_saturated", answer{})
					continue
				}
				rng := rand.New(rand.NewPCG(r.cfg.Seed, n+1)) //nolint:gosec // a workload, not a secret: seeded to repeat
				wg.Go(func() {
					defer func() { <-sem }()
					op(rng)
				})
			}
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

// Retries of a create: one that got no answer, or an answer saying the
// system is away for now (502, 503, 504) or that the first attempt is still
// running (409 with Retry-After), is sent again with the same
// Idempotency-Key — exactly one booking either way — after a jittered,
// doubling backoff from retryBaseDelay (at least the Retry-After asked for,
// at most maxRetryDelay), while the run lasts (no retry would start after
// its end) and at most maxCreateAttempts times in all. Requests already
// sent are not cut off at the end: their answers still count.
const maxCreateAttempts = 10

var (
	retryBaseDelay = 50 * time.Millisecond
	maxRetryDelay  = time.Second
)

// create books a room, retrying as above, and remembers a confirmed
// booking. It returns the last answer's status (0: none).
func (r *runner) create(ctx context.Context, rng *rand.Rand, hotelID int64, roomType string, arrival time.Time, nights int) int {
	body := map[string]any{"guest_name": "Load Test Guest", "hotel_id": hotelID, "room_type": roomType,
		"arrival_date": day(arrival), "stay_length": nights, "adults": 1, "children": 0}
	var out struct {
		ID      string `json:"booking_id"`
		Token   string `json:"access_token"`
		Version int    `json:"version"`
	}
	// A random UUID: without an admin key the run is anonymous, and an
	// anonymous caller's key must be a secret (hotel.CheckIdempotencyKey).
	key := hotel.NewIdempotencyKey()
	var status, attempt int
	for attempt = 1; ; attempt++ {
		var h http.Header
		status, h = r.call(ctx, OpCreate, http.MethodPost, "/bookings/", body, "", &out, "Idempotency-Key", key)
		if !retryable(status, h) || attempt == maxCreateAttempts || ctx.Err() != nil {
			break
		}
		d := retryDelay(rng, attempt, h)
		if !r.end.IsZero() && time.Now().Add(d).After(r.end) || !pause(ctx, d) {
			break
		}
		r.retries.Add(1)
	}
	if status == http.StatusCreated && out.ID != "" {
		b := booking{ID: out.ID, Token: out.Token, HotelID: hotelID, RoomType: roomType, Arrival: day(arrival), Nights: nights, Version: out.Version}
		r.mu.Lock()
		if !r.made[out.ID] {
			r.made[out.ID] = true
			r.books = append(r.books, b)
			if attempt > 1 {
				r.onRetry++
			}
			if r.readable(b) {
				r.usable = append(r.usable, b)
			}
		}
		r.mu.Unlock()
	}
	return status
}

// retryable reports whether a create answered so (0: no answer) may be sent
// again with its key.
func retryable(status int, h http.Header) bool {
	switch status {
	case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusConflict: // "still in progress" says when to come back; sold out does not
		return h.Get("Retry-After") != ""
	}
	return false
}

// retryDelay is the wait before retry number attempt (1, 2, …): the
// doubling backoff drawn from its upper half, raised to the Retry-After the
// answer asked for (seconds), all capped at maxRetryDelay.
func retryDelay(rng *rand.Rand, attempt int, h http.Header) time.Duration {
	d := min(retryBaseDelay<<min(attempt-1, 10), maxRetryDelay)
	d = d/2 + time.Duration(rng.Int64N(int64(d/2)+1))
	if secs, err := strconv.Atoi(h.Get("Retry-After")); err == nil && secs > 0 {
		d = max(d, time.Duration(secs)*time.Second)
	}
	return min(d, maxRetryDelay)
}

// pause waits d, or until ctx ends (then it returns false).
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// readable reports whether the run can read and change b: with its token,
// or with the admin key.
func (r *runner) readable(b booking) bool { return b.Token != "" || r.cfg.AdminKey != "" }

func (r *runner) pickBooking(rng *rand.Rand) (booking, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.usable) == 0 {
		return booking{}, false
	}
	return r.usable[rng.IntN(len(r.usable))], true
}

// call sends a request and records its latency and status under op; it
// returns the status (0 when no answer came) and the answer's header.
func (r *runner) call(ctx context.Context, op, method, path string, body any, token string, out any, headers ...string) (int, http.Header) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.Target+path, rd)
	if err != nil {
		return 0, nil
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
			return 0, nil // the run ended mid-request: not an error of the system
		}
		r.record(op, d, "transport_error", answer{})
		return 0, nil
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		_ = json.NewDecoder(resp.Body).Decode(out)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	r.record(op, d, strconv.Itoa(resp.StatusCode), answer{
		notProblem:   resp.StatusCode >= 400 && !isProblem(resp.Header.Get("Content-Type")),
		noRetryAfter: resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "",
	})
	return resp.StatusCode, resp.Header
}

// isProblem reports whether a Content-Type is application/problem+json.
func isProblem(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/problem+json")
}

// answer is what record notes of an answer beyond its status.
type answer struct{ notProblem, noRetryAfter bool }

func (r *runner) record(op string, d time.Duration, status string, a answer) {
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
	if a.notProblem {
		s.NotProblem++
	}
	if a.noRetryAfter {
		s.NoRetryAfter++
	}
	s.durations = append(s.durations, d)
	if status == "503" {
		s.refused = append(s.refused, d)
	} else {
		s.accepted = append(s.accepted, d)
	}
}

// finish computes the percentiles.
func (s *OpStat) finish(elapsed time.Duration) {
	s.P50, s.P95, s.P99, s.Max = percentile(s.durations, 0.50), percentile(s.durations, 0.95), percentile(s.durations, 0.99), percentile(s.durations, 1)
	s.AcceptedP99 = percentile(s.accepted, 0.99)
	s.RefusedP99, s.RefusedMax = percentile(s.refused, 0.99), percentile(s.refused, 1)
	s.Throughput = float64(s.Count) / elapsed.Seconds()
	s.durations, s.accepted, s.refused = nil, nil, nil
}

// percentile is quantile q of ds in milliseconds (1: the largest; 0 for
// none); it sorts ds.
func percentile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := min(len(ds)-1, int(q*float64(len(ds))))
	return float64(ds[i].Microseconds()) / 1000
}

// patience bounds how long the reads around the run — the catalogue before
// it, the lost check after it — retry reads that found the system away
// (no answer, 502, 503, 504), so a system recovering from a fault (or
// slow on one replica) does not fail the run or make bookings look lost.
const patience = 15 * time.Second

// lost returns the bookings confirmed to a client that are gone or not in
// a confirmed-or-later state, and how many could not be read back (see
// Report.Unchecked).
func (r *runner) lost(ctx context.Context) (lost []string, unchecked int) {
	r.mu.Lock()
	books := slices.Clone(r.books)
	r.mu.Unlock()
	until := time.Now().Add(patience)
	for _, b := range books {
		if !r.readable(b) {
			unchecked++
			continue
		}
		var out struct {
			Status string `json:"reservation_status"`
		}
		status := r.getPatiently(ctx, "/bookings/"+b.ID, b.Token, &out, until)
		switch {
		case status == http.StatusOK && (out.Status == "confirmed" || out.Status == "cancelled" || out.Status == "completed"):
		default:
			lost = append(lost, fmt.Sprintf("%s (%d %s)", b.ID, status, out.Status))
		}
	}
	return lost, unchecked
}

// getPatiently is get, retried with backoff while the system is away and
// until has not passed.
func (r *runner) getPatiently(ctx context.Context, path, token string, out any, until time.Time) int {
	for attempt := 1; ; attempt++ {
		status := r.get(ctx, path, token, out)
		switch status {
		case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return status
		}
		if time.Now().After(until) || !pause(ctx, min(retryBaseDelay<<min(attempt-1, 10), maxRetryDelay)) {
			return status
		}
	}
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
	until := time.Now().Add(patience)
	if st := r.getPatiently(ctx, "/inventory/hotels?limit=100", "", &hotels, until); st != http.StatusOK || len(hotels) == 0 {
		return fmt.Errorf("cannot list hotels at %s (status %d): is the system running?", r.cfg.Target, st)
	}
	// The room types of each hotel, a few hotels at a time (a slow replica
	// then delays the start once, not once per hotel), kept in list order.
	rts := make([][]struct {
		Name string `json:"room_type"`
	}, len(hotels))
	errs := make([]error, len(hotels))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, h := range hotels {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if st := r.getPatiently(ctx, "/inventory/hotels/"+strconv.FormatInt(h.ID, 10)+"/room-types", "", &rts[i], until); st != http.StatusOK {
				errs[i] = fmt.Errorf("room types of hotel %d: status %d", h.ID, st)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, h := range hotels {
		hi := hotelInfo{ID: h.ID, Location: h.Location}
		for _, rt := range rts[i] {
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
