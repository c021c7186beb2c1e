// Package events serves the event feed: every committed change of a
// booking, in commit order, replayable from any position within retention
// (GET /events), long-polled so a consumer hears of a change within a
// second without asking again and again.
package events

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/web"
)

// Page sizes and the longest wait of GET /events.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
	MaxWait         = 60 * time.Second
)

// pollEvery is how often the feed looks for new events while reads wait.
const pollEvery = 100 * time.Millisecond

// Feed reads the feed of a store.
type Feed struct {
	st store.Events
	// OnPublish, when set, is told how many events each publishing
	// numbered (the metric of events written).
	OnPublish func(n int)

	// The waiting reads share one poller: while any waits, it publishes
	// and looks for an event after end every pollEvery, and closes
	// changed when it finds one, so n waiting reads cost the database one
	// query each pollEvery, not n.
	mu      sync.Mutex
	end     int64         // the last position the poller saw
	changed chan struct{} // closed when end moves
	waiting int           // reads waiting
	polling bool          // a poller runs
}

// Publish numbers the events committed since the last call (any reader
// of the feed does first). Errors: EUNAVAILABLE.
func (fd *Feed) Publish(ctx context.Context) (int, error) {
	n, err := fd.st.PublishEvents(ctx)
	if err != nil {
		return 0, storeError(err)
	}
	if n > 0 && fd.OnPublish != nil {
		fd.OnPublish(n)
	}
	return n, nil
}

// NewFeed returns the feed of st.
func NewFeed(st store.Events) *Feed { return &Feed{st: st} }

// Read returns the events f selects (publishing those committed since the
// last read first). With wait, when there is none yet it looks again every
// pollEvery until one comes, wait has passed or ctx ends; then the answer
// may be empty. Errors: EINVALID (f), EUNAVAILABLE.
func (fd *Feed) Read(ctx context.Context, f hotel.EventFilter, wait time.Duration) ([]hotel.Event, error) {
	if err := check(&f, wait); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	if _, err := fd.Publish(ctx); err != nil {
		return nil, err
	}
	for {
		seen := fd.seen()
		evs, err := fd.st.ListEvents(ctx, f)
		if err != nil {
			return nil, storeError(err)
		}
		left := time.Until(deadline)
		if len(evs) > 0 || left <= 0 {
			return evs, nil
		}
		changed, end, done := fd.await()
		if end != seen { // the poller moved on while this read looked: look again
			done()
			continue
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			done()
			return []hotel.Event{}, nil // the client went away
		case <-t.C:
		case <-changed:
			t.Stop()
		}
		done()
	}
}

// seen returns the last position the poller saw.
func (fd *Feed) seen() int64 {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	return fd.end
}

// await registers a waiting read, starting the poller if none runs, and
// returns the channel closed when the feed's end moves, the end as the
// poller last saw it, and done, to call when the read stops waiting.
func (fd *Feed) await() (changed <-chan struct{}, end int64, done func()) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	if fd.changed == nil {
		fd.changed = make(chan struct{})
	}
	fd.waiting++
	if !fd.polling {
		fd.polling = true
		go fd.poll()
	}
	var once sync.Once
	return fd.changed, fd.end, func() {
		once.Do(func() {
			fd.mu.Lock()
			fd.waiting--
			fd.mu.Unlock()
		})
	}
}

// poll looks for new events every pollEvery while reads wait, and wakes
// them when the feed's end moves; it stops when none waits.
func (fd *Feed) poll() {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for range t.C {
		fd.mu.Lock()
		if fd.waiting == 0 {
			fd.polling = false
			fd.mu.Unlock()
			return
		}
		fd.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := fd.Publish(ctx)
		var end int64
		if err == nil {
			end, err = fd.st.LastEventPosition(ctx)
		}
		cancel()
		if err != nil {
			continue // the waiting reads answer at their deadline
		}
		fd.mu.Lock()
		if end > fd.end {
			fd.end = end
			close(fd.changed)
			fd.changed = make(chan struct{})
		}
		fd.mu.Unlock()
	}
}

// check validates f and wait, and sets the default page size.
func check(f *hotel.EventFilter, wait time.Duration) error {
	var v hotel.Validation
	v.PageLimit(&f.Limit, DefaultPageSize, MaxPageSize)
	if f.After < 0 {
		v.Add("after", "not a cursor of this feed")
	}
	if f.HotelID < 0 {
		v.Add("hotel_id", "must be a positive integer")
	}
	for _, t := range f.Types {
		if !slices.Contains(hotel.EventTypes, t) {
			v.Add("types", fmt.Sprintf("%q is not an event type; types: %s", hotel.Clip(t, 40), strings.Join(hotel.EventTypes, ", ")))
			break
		}
	}
	if wait < 0 || wait > MaxWait {
		v.Add("wait", fmt.Sprintf("must be between 0s and %s", MaxWait))
	}
	return v.Err()
}

// hotelOf applies the hotel limit of the caller of ctx to a read of the
// feed: a caller limited to some hotels reads one of them (hotel_id; the
// one it has when it has one), never another.
func hotelOf(ctx context.Context, f *hotel.EventFilter) error {
	p := auth.PrincipalFrom(ctx)
	switch {
	case f.HotelID != 0:
		return auth.CheckHotel(ctx, f.HotelID)
	case len(p.HotelIDs) == 1:
		f.HotelID = p.HotelIDs[0]
	case p.HotelLimited():
		var v hotel.Validation
		v.Add("hotel_id", "is required: these credentials are limited to some hotels; read the feed of each")
		return v.Err()
	}
	return nil
}

// storeError is the error of a read the store did not answer.
func storeError(err error) error {
	return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The event feed is unavailable; try again shortly.", Err: err}
}

// Routes is the event feed over HTTP, for keys with events:read: GET
// /events and the named consumers' routes.
func Routes(fd *Feed) []auth.Route {
	reader := auth.Rule{Scope: hotel.ScopeEventsRead}
	// Named consumers follow every hotel's events: credentials limited to
	// some hotels read GET /events?hotel_id= instead.
	consumer := auth.Rule{Scope: hotel.ScopeEventsRead, EveryHotel: true}
	return []auth.Route{
		{Pattern: "GET /events", Rule: reader, Handler: http.HandlerFunc(fd.list)},
		{Pattern: "PUT /events/consumers/{name}", Rule: consumer, Handler: http.HandlerFunc(fd.putConsumer)},
		{Pattern: "GET /events/consumers/{name}", Rule: consumer, Handler: http.HandlerFunc(fd.getConsumer)},
		{Pattern: "GET /events/consumers/{name}/unacknowledged", Rule: consumer, Handler: http.HandlerFunc(fd.unacknowledged)},
		{Pattern: "POST /events/consumers/{name}/ack", Rule: consumer, Handler: http.HandlerFunc(fd.ack)},
	}
}

// listParams are the query parameters of GET /events.
var listParams = []string{"after", "types", "hotel_id", "limit", "wait"}

// list handles GET /events: a JSON array of events in feed order and,
// always, Link: rel="next" — the request to make next (after the last
// event, or the same position when there was none).
func (fd *Feed) list(w http.ResponseWriter, r *http.Request) {
	q := web.NewQuery(r, listParams...)
	f := hotel.EventFilter{
		After:   q.Int64("after", 0, math.MaxInt64),
		HotelID: q.Int64("hotel_id", 1, math.MaxInt64),
		Limit:   int(q.Int64("limit", 1, MaxPageSize)),
	}
	if t := q.String("types", 1000); t != "" {
		f.Types = strings.Split(t, ",")
	}
	var wait time.Duration
	if s := q.String("wait", 10); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			d = -1 // refused by check, naming the field
		}
		wait = d
	}
	if err := q.Err(); err != nil {
		web.Error(w, r, err)
		return
	}
	if err := hotelOf(r.Context(), &f); err != nil {
		web.Error(w, r, err)
		return
	}
	evs, err := fd.Read(r.Context(), f, wait)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	next := f.After
	if len(evs) > 0 {
		n, err := strconv.ParseInt(evs[len(evs)-1].ID, 10, 64)
		if err == nil {
			next = n
		}
	}
	v := r.URL.Query()
	v.Set("after", strconv.FormatInt(next, 10))
	u := url.URL{Path: r.URL.Path, RawQuery: v.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
	w.Header().Set("Cache-Control", "no-store")
	if evs == nil {
		evs = []hotel.Event{}
	}
	web.Encode(w, http.StatusOK, evs)
}
