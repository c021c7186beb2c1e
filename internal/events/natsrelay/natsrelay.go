// Package natsrelay publishes the event feed to a NATS JetStream stream
// (HOTEL_NATS_URL), for deployments that fan events out at scale: every
// event once, in feed order, on subject <prefix>.<type>.<hotel_id> (e.g.
// hotel.events.booking.created.12, so a consumer may subscribe to
// hotel.events.booking.> or hotel.events.*.*.12), its body the event's
// JSON as GET /events serves it.
//
// The stream is the relay's cursor, and no table holds one: the relay
// continues after the event of the stream's last message, read at start
// and again after any error, so a relay restarted, or a second replica,
// never skips an event. Each message carries its event's id as its
// message id, so the stream drops a re-publish within its duplicate
// window, and expects the stream's last sequence to be the one the relay
// saw last, so a relay whose view is stale is refused instead of
// appending out of order.
package natsrelay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/events"
)

// Defaults of Options.
const (
	DefaultStream        = "HOTEL_EVENTS"
	DefaultPrefix        = "hotel.events"
	DefaultDuplicates    = 2 * time.Minute
	DefaultTimeout       = 5 * time.Second
	DefaultReconnectWait = 2 * time.Second
)

// The headers of a message besides Nats-Msg-Id (the event's id).
const (
	HeaderEventID   = "Hotel-Event-Id"
	HeaderEventType = "Hotel-Event-Type"
)

// renewEvery is how often PublishFor renews its lease.
const renewEvery = 10 * time.Second

// Options configure a Relay; the zero value takes every default.
type Options struct {
	// Stream is the JetStream stream's name (default DefaultStream).
	Stream string
	// Prefix starts every subject (default DefaultPrefix); the stream
	// takes Prefix.>.
	Prefix string
	// Duplicates is the stream's de-duplication window (default
	// DefaultDuplicates).
	Duplicates time.Duration
	// Replicas is the stream's replicas in a NATS cluster (default 1).
	Replicas int
	// PageSize bounds the events one PublishOnce publishes (default
	// events.DefaultPageSize, at most events.MaxPageSize).
	PageSize int
	// Timeout bounds each request to NATS (default DefaultTimeout).
	Timeout time.Duration
	// ReconnectWait is the pause between attempts to reconnect (default
	// DefaultReconnectWait); the relay reconnects for ever.
	ReconnectWait time.Duration
	// Logger receives the relay's log (nil: none): event ids and types,
	// never a payload.
	Logger *slog.Logger
	// Registerer receives the relay's metrics (nil: none).
	Registerer prometheus.Registerer
}

// Relay publishes the events of a feed to a JetStream stream. Its methods
// are safe for concurrent use; PublishOnce calls run one at a time.
type Relay struct {
	feed *events.Feed
	opts Options
	log  *slog.Logger
	m    *metrics
	nc   *nats.Conn
	js   jetstream.JetStream

	mu      sync.Mutex // held by PublishOnce; guards what follows
	synced  bool       // pos and seq are the stream's, as last seen
	pos     int64      // the event id of the stream's last message (0: none)
	seq     uint64     // the stream's last sequence
	failing bool       // the last PublishOnce failed (for the log)
}

// New returns a relay of feed to the NATS server(s) at url (a
// comma-separated list). It connects in the background and reconnects
// for ever, so NATS being down at start or later only delays publishing;
// the stream is created, or its configuration updated, on the first
// PublishOnce. Errors: invalid options, an empty or invalid url, metrics
// already registered.
func New(url string, feed *events.Feed, opts Options) (*Relay, error) {
	if url == "" {
		return nil, errors.New("natsrelay: no NATS URL")
	}
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "natsrelay", "stream", opts.Stream)
	nc, err := nats.Connect(url,
		nats.Name("hotel-natsrelay"),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(opts.ReconnectWait),
		nats.RetryOnFailedConnect(true),
		// Nothing is buffered while disconnected: a publish then fails at
		// once, and the next PublishOnce starts again from the stream.
		nats.ReconnectBufSize(-1),
		nats.Timeout(opts.Timeout),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("disconnected from NATS", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("reconnected to NATS", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ConnectHandler(func(nc *nats.Conn) {
			log.Info("connected to NATS", "server", nc.ConnectedUrlRedacted())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("natsrelay: connect: %w", err)
	}
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(opts.Timeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natsrelay: %w", err)
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &Relay{feed: feed, opts: opts, log: log, m: m, nc: nc, js: js}, nil
}

// defaults sets the defaults of o and checks it.
func (o *Options) defaults() error {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Duplicates == 0 {
		o.Duplicates = DefaultDuplicates
	}
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.PageSize == 0 {
		o.PageSize = events.DefaultPageSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ReconnectWait == 0 {
		o.ReconnectWait = DefaultReconnectWait
	}
	switch {
	case strings.ContainsAny(o.Stream, ".*> \t\r\n/\\"):
		return fmt.Errorf("natsrelay: stream name %q has a character a stream's name may not", o.Stream)
	case !validPrefix(o.Prefix):
		return fmt.Errorf("natsrelay: subject prefix %q is not a subject: dot-separated tokens, no spaces or wildcards", o.Prefix)
	case o.Duplicates < 0 || o.Replicas < 0 || o.Timeout < 0 || o.ReconnectWait < 0:
		return errors.New("natsrelay: durations and replicas may not be negative")
	case o.PageSize < 0 || o.PageSize > events.MaxPageSize:
		return fmt.Errorf("natsrelay: page size must be between 1 and %d", events.MaxPageSize)
	}
	return nil
}

func validPrefix(p string) bool {
	for tok := range strings.SplitSeq(p, ".") {
		if tok == "" || strings.ContainsAny(tok, "*> \t\r\n") {
			return false
		}
	}
	return true
}

// Subject returns the subject of event ev: Prefix.<type>.<hotel_id>.
func (r *Relay) Subject(ev hotel.Event) string {
	return r.opts.Prefix + "." + ev.Type + "." + strconv.FormatInt(ev.HotelID, 10)
}

// PublishOnce publishes the page of events after the stream's last one,
// reading the feed with wait (see events.Feed.Read), one at a time in
// feed order, each acknowledged by the stream before the next, and says
// how many the stream acknowledged (re-publishes it de-duplicated
// included). On an error it returns those published before it; after a
// NATS error the next call reads the stream's last event again.
func (r *Relay) PublishOnce(ctx context.Context, wait time.Duration) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, err := r.publishOnce(ctx, wait)
	switch {
	case err != nil && ctx.Err() != nil: // the caller gave up: no failure of NATS
	case err != nil && !r.failing:
		r.failing = true
		r.log.WarnContext(ctx, "publishing events to NATS failed; retrying", "after", r.pos, "err", err)
	case err == nil && r.failing:
		r.failing = false
		r.log.InfoContext(ctx, "publishing events to NATS again", "after", r.pos)
	}
	return n, err
}

func (r *Relay) publishOnce(ctx context.Context, wait time.Duration) (int, error) {
	if !r.synced {
		if err := r.sync(ctx); err != nil {
			r.failed(ctx)
			return 0, err
		}
	}
	evs, err := r.feed.Read(ctx, hotel.EventFilter{After: r.pos, Limit: r.opts.PageSize}, wait)
	if err != nil {
		return 0, fmt.Errorf("natsrelay: read the feed after %d: %w", r.pos, err)
	}
	for i, ev := range evs {
		if err := r.publish(ctx, ev); err != nil {
			r.failed(ctx)
			return i, err
		}
	}
	if len(evs) > 0 {
		r.log.DebugContext(ctx, "published events", "count", len(evs), "first", evs[0].ID, "last", evs[len(evs)-1].ID)
	}
	return len(evs), nil
}

// failed forgets the stream's position after a NATS error, and counts the
// error unless ctx had ended.
func (r *Relay) failed(ctx context.Context) {
	r.synced = false
	if ctx.Err() == nil {
		r.m.errors.Inc()
	}
}

// sync creates the stream or updates its configuration, and reads the
// event id and sequence of its last message.
func (r *Relay) sync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	st, err := r.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        r.opts.Stream,
		Description: "The hotel platform's event feed (GET /events), published by natsrelay.",
		Subjects:    []string{r.opts.Prefix + ".>"},
		Storage:     jetstream.FileStorage,
		Duplicates:  r.opts.Duplicates,
		Replicas:    r.opts.Replicas,
	})
	if err != nil {
		return fmt.Errorf("natsrelay: create or update stream %s: %w", r.opts.Stream, err)
	}
	last, err := st.GetLastMsgForSubject(ctx, r.opts.Prefix+".>")
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
		r.pos, r.seq = 0, st.CachedInfo().State.LastSeq
	case err != nil:
		return fmt.Errorf("natsrelay: read the last message of stream %s: %w", r.opts.Stream, err)
	default:
		id := last.Header.Get(HeaderEventID)
		pos, err := strconv.ParseInt(id, 10, 64)
		if err != nil || pos <= 0 {
			return fmt.Errorf("natsrelay: the last message of stream %s (sequence %d, subject %s) has no event id in %s: "+
				"only the relay may publish to %s.>", r.opts.Stream, last.Sequence, last.Subject, HeaderEventID, r.opts.Prefix)
		}
		r.pos, r.seq = pos, last.Sequence
	}
	r.synced = true
	r.m.last.Set(float64(r.pos))
	r.log.InfoContext(ctx, "publishing events to NATS", "after", r.pos, "sequence", r.seq)
	return nil
}

// publish publishes ev and waits for the stream's acknowledgement.
func (r *Relay) publish(ctx context.Context, ev hotel.Event) error {
	pos, err := strconv.ParseInt(ev.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("natsrelay: event id %q: %w", ev.ID, err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("natsrelay: event %s: %w", ev.ID, err)
	}
	msg := &nats.Msg{Subject: r.Subject(ev), Data: body, Header: nats.Header{}}
	msg.Header.Set(HeaderEventID, ev.ID)
	msg.Header.Set(HeaderEventType, ev.Type)
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	ack, err := r.js.PublishMsg(ctx, msg, jetstream.WithMsgID(ev.ID),
		jetstream.WithExpectStream(r.opts.Stream), jetstream.WithExpectLastSequence(r.seq))
	if err != nil {
		return fmt.Errorf("natsrelay: publish event %s (%s): %w", ev.ID, ev.Type, err)
	}
	seq := ack.Sequence
	if ack.Duplicate {
		// Stored before, at ack.Sequence. The stream's last sequence is
		// at least that: servers that de-duplicate before they check the
		// expected sequence answer a duplicate whatever r.seq was (a
		// stale one is refused at the first new event, and the next call
		// reads the stream again); others only when r.seq was right.
		seq = max(seq, r.seq)
		r.log.DebugContext(ctx, "event already in the stream", "event_id", ev.ID, "type", ev.Type, "sequence", ack.Sequence)
	}
	r.pos, r.seq = pos, seq
	r.m.published.Inc()
	r.m.last.Set(float64(pos))
	return nil
}

// PublishFor publishes for d, or until ctx ends (then it returns nil) or
// publishing fails (the error; the next call starts again from the
// stream's last event), each read of the feed waiting up to a second for
// an event, and renews a lease every renewEvery (renew nil: none). It
// returns how many events it published.
func (r *Relay) PublishFor(ctx context.Context, d time.Duration, renew func(context.Context) error) (int, error) {
	published := 0
	end := time.Now().Add(d)
	renewed := time.Now()
	for time.Now().Before(end) && ctx.Err() == nil {
		n, err := r.PublishOnce(ctx, time.Second)
		published += n
		if err != nil && ctx.Err() == nil {
			return published, err
		}
		if renew != nil && time.Since(renewed) > renewEvery {
			if err := renew(ctx); err != nil {
				return published, err
			}
			renewed = time.Now()
		}
	}
	return published, nil
}

// Close closes the connection to NATS; a PublishOnce under way fails.
func (r *Relay) Close() { r.nc.Close() }

// metrics are the relay's metrics.
type metrics struct {
	published prometheus.Counter
	errors    prometheus.Counter
	last      prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_nats_events_published_total", Help: "Events published to the NATS JetStream stream and acknowledged by it (re-publishes it de-duplicated included).",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_nats_publish_errors_total", Help: "Failed attempts to publish events to the NATS JetStream stream (or to read its last event).",
		}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hotel_nats_last_published_event_id", Help: "Feed position (event id) of the last event in the NATS JetStream stream, as the relay last saw it.",
		}),
	}
	if reg != nil {
		for i, c := range m.all() {
			if err := reg.Register(c); err != nil {
				for _, done := range m.all()[:i] {
					reg.Unregister(done)
				}
				return nil, fmt.Errorf("register NATS relay metrics: %w", err)
			}
		}
	}
	return m, nil
}

func (m *metrics) all() []prometheus.Collector {
	return []prometheus.Collector{m.published, m.errors, m.last}
}
