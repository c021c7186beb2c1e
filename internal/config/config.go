// Package config reads the platform's configuration once, at start: from
// flags, then the process environment, then an optional .env file, then
// defaults (earlier wins). Validation errors are written for people.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
	"github.com/redis/go-redis/v9"
)

// Targets a process can run.
const (
	TargetGateway   = "gateway"
	TargetBooking   = "booking"
	TargetInventory = "inventory"
	TargetScheduler = "scheduler"
)

// Values of HOTEL_DB_POOLER.
const (
	PoolerNone      = "none"
	PoolerPgBouncer = "pgbouncer"
)

// AllTargets is what --target=all expands to.
var AllTargets = []string{TargetGateway, TargetBooking, TargetInventory, TargetScheduler}

// Config is the validated configuration of a hotel process.
type Config struct {
	// Database
	DatabaseURL      string // as given; empty means SQLite
	Driver           string // "sqlite" or "postgres"
	SQLitePath       string // for the sqlite driver
	DataDir          string
	DBConnectTimeout time.Duration
	// DatabaseReadURL names the PostgreSQL standbys the reads that may lag
	// go to (empty: none); MaxReplicaLag is how far behind the primary
	// one may be and still be read.
	DatabaseReadURL string
	MaxReplicaLag   time.Duration
	// DBPooler is what sits between the processes and PostgreSQL:
	// PoolerNone or PoolerPgBouncer (transaction pooling).
	DBPooler    string
	AutoMigrate bool
	SeedSample  bool

	// Serving
	Addr            string
	Targets         []string // expanded, sorted
	InventoryURL    string
	BookingURL      string
	ShutdownTimeout time.Duration
	ReadTimeout     time.Duration // whole request, headers and body
	// MaxConns bounds the listener's connections (0: from the open-file
	// limit), MaxConnsPerClient those of one client address.
	MaxConns, MaxConnsPerClient int
	// MaxInFlight bounds the requests a service works on at once, by class
	// of route (AdmissionClasses); a class not named takes its default, 0
	// leaves it unbounded. AdmissionWait is how long a request may wait
	// for a slot before 503.
	MaxInFlight     map[string]int
	AdmissionWait   time.Duration
	UpstreamTimeout time.Duration

	// Bookings
	MaxStayNights    int           // longest bookable stay
	InventoryTimeout time.Duration // per call from booking to inventory
	RecoverAfter     time.Duration // age of an unfinished booking step before recovery finishes it

	// Search
	SearchIndex     bool          // answer searches from the in-memory index
	SearchMaxLag    time.Duration // how old a change may be and still be missing from a search (0: none)
	SearchIndexDays int           // nights the index keeps from the earliest today

	// Scheduler
	CheckoutRunAt time.Duration // hotel-local time of day (since midnight) of the daily completion
	// CompleteUnchecked: the daily completion completes confirmed stays
	// never checked in too (for properties that do not check guests in).
	CompleteUnchecked bool
	// NoShows turns the no-show job on; NoShowAt is the hotel-local time
	// of day, on the day after arrival, by which a guest must have checked in.
	NoShows  bool
	NoShowAt time.Duration
	// EventRetentionDays is how long the event feed keeps an event.
	EventRetentionDays int
	// Webhooks: the networks a webhook may reach although loopback,
	// link-local or private; one attempt's time limit; how long an event
	// is retried before its subscription is paused.
	WebhookAllowNets []netip.Prefix
	WebhookTimeout   time.Duration
	WebhookRetryFor  time.Duration
	// Staff sessions (the console): how long one lasts at most, and unused.
	SessionTTL  time.Duration
	SessionIdle time.Duration
	// NATSURL, when set, has the scheduler publish the event feed to a
	// NATS JetStream stream.
	NATSURL string
	// GuestRetentionDays is how long guest names are kept after a stay
	// ended or a booking was cancelled; 0 keeps them forever.
	GuestRetentionDays int

	// Gateway limits
	RateLimit         float64  // requests per second per client; 0: off
	RateBurst         int      // bucket size
	RateExemptAdmin   bool     // admin keys are not limited
	RateExemptService bool     // the service credential is not limited
	CORSOrigins       []string // allowed browser origins; "*" any
	// RedisURL, when set, has gateway replicas share their rate limits
	// through that Redis; RedisTimeout bounds each decision's call to it.
	RedisURL     string
	RedisTimeout time.Duration

	// OTLPEndpoint is where traces go (OTEL_EXPORTER_OTLP_ENDPOINT); empty: nowhere.
	OTLPEndpoint string

	// AdminAddr is the listen address of the admin listener (/metrics); empty: none.
	AdminAddr string

	// Access control (secrets: environment or .env only, never flags)
	AdminKey   string
	ServiceKey string

	// Logging
	LogLevel  slog.Level
	LogFormat string // json or text
}

// Has reports whether target runs in this process.
func (c *Config) Has(target string) bool { return slices.Contains(c.Targets, target) }

// Split reports whether some targets run in other processes.
func (c *Config) Split() bool { return len(c.Targets) < len(AllTargets) }

// Setting describes one configuration value (for flags, docs and .env.example).
type Setting struct {
	Env, Flag, Default, Help string
}

// Settings lists every setting; the README's table is made from the same facts.
var Settings = []Setting{
	{"DATABASE_URL", "database-url", "", "PostgreSQL URL (postgres:// or postgresql://); empty uses the embedded SQLite file in HOTEL_DATA_DIR"},
	{"DATABASE_READ_URL", "database-read-url", "", "PostgreSQL standbys (postgres:// URLs, comma-separated; a URL of several hosts is one standby each) that search, the ARI calendar, the catalogue, inventory listings and the event feed read from; empty: everything reads the primary"},
	{"HOTEL_MAX_REPLICA_LAG", "max-replica-lag", "1s", "how far behind the primary a standby may be and still be read (10ms-1m); one further behind is skipped until it catches up"},
	{"HOTEL_DATA_DIR", "data-dir", "./data", "directory of the SQLite database file (hotel.db)"},
	{"HOTEL_ADDR", "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free port)"},
	{"HOTEL_TARGET", "target", "all", "targets to run: all, or a comma list of gateway, booking, inventory, scheduler"},
	{"INVENTORY_URL", "inventory-url", "", "base URL of the inventory service (a comma list for replicas, used in turn), required when gateway, booking or scheduler run without inventory"},
	{"BOOKING_URL", "booking-url", "", "base URL of the booking service (a comma list for replicas), required when gateway runs without booking"},
	{"LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"LOG_FORMAT", "log-format", "json", "json or text"},
	{"HOTEL_AUTO_MIGRATE", "auto-migrate", "true", "apply database migrations at serve start"},
	{"HOTEL_SEED_SAMPLE", "seed-sample", "true", "seed the sample hotels when the database is empty"},
	{"HOTEL_DB_CONNECT_TIMEOUT", "db-connect-timeout", "30s", "how long to retry an unreachable database at start"},
	{"HOTEL_DB_POOLER", "db-pooler", "none", "what DATABASE_URL reaches: none (PostgreSQL itself, or a pooler in session mode) or pgbouncer (PgBouncer in transaction pooling: no named prepared statements, default_query_exec_mode=cache_describe unless DATABASE_URL names one, no startup parameters)"},
	{"HOTEL_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long in-flight requests may run after SIGTERM"},
	{"HOTEL_UPSTREAM_TIMEOUT", "upstream-timeout", "30s", "timeout of calls between services in split mode"},
	{"HOTEL_READ_TIMEOUT", "read-timeout", "30s", "longest a client may take to send a request (headers and body); slower clients are cut off"},
	{"HOTEL_MAX_STAY_NIGHTS", "max-stay-nights", "30", "longest stay a booking may have, in nights (1-366)"},
	{"HOTEL_INVENTORY_TIMEOUT", "inventory-timeout", "5s", "timeout of each call from the booking service to inventory (retried with backoff)"},
	{"HOTEL_RECOVER_AFTER", "recover-after", "1m", "how old an unfinished booking step must be before the recovery pass finishes it; must exceed the longest request"},
	{"HOTEL_SEARCH_INDEX", "search-index", "true", "answer searches from an in-memory index of availability, rates and restrictions kept current from the database's change feed (false: every search reads the database)"},
	{"HOTEL_SEARCH_MAX_LAG", "search-max-lag", "0s", "how old a committed change may be and still be missing from a search's answer; 0s: every change committed before the search began is in it (one shared poll of the change feed per search)"},
	{"HOTEL_SEARCH_INDEX_DAYS", "search-index-days", "400", "nights from the earliest today on Earth the search index keeps (30-1000); stays beyond are searched in the database"},
	{"HOTEL_RATE_LIMIT", "rate-limit", "50", "requests per second each client may make through the gateway (its verified staff key, else its IP); 0 turns limiting off"},
	{"HOTEL_RATE_BURST", "rate-burst", "100", "requests a client may make at once before the rate applies"},
	{"HOTEL_RATE_LIMIT_EXEMPT", "rate-limit-exempt", "admin,service", "callers not rate limited: a comma list of admin (admin keys) and service (the service credential), or none"},
	{"HOTEL_REDIS_URL", "redis-url", "", "Redis (redis://[:PASSWORD@]host:6379[/db], rediss:// for TLS) through which gateway replicas share every client's rate limits; empty: each gateway limits on its own. While Redis is unreachable each gateway limits on its own (fail open to the replica's limit)"},
	{"HOTEL_REDIS_TIMEOUT", "redis-timeout", "50ms", "longest a rate-limit decision waits for Redis before the gateway decides on its own (1ms-5s)"},
	{"HOTEL_MAX_CONNS", "max-conns", "0", "connections the listener holds at most; 0: three quarters of the open-file limit"},
	{"HOTEL_MAX_CONNS_PER_CLIENT", "max-conns-per-client", "256", "connections one client address may hold at the gateway; beyond it its longest-idle connection is closed, or the new one if none is idle (services behind the gateway bound only the total)"},
	{"HOTEL_MAX_IN_FLIGHT", "max-in-flight", "", "requests each service works on at once, by class of route: comma list of class=N for bookings (the booking flow and its holds), reads (searches, inventory, calendar, catalogue), writes (other changes: ARI, catalogue, users, webhooks), feed (the event feed's long polls); 0 unbounds a class; a class not named: bookings and reads 32 per CPU (at least 64), writes 8 per CPU (at least 16), feed 512"},
	{"HOTEL_ADMISSION_WAIT", "admission-wait", "50ms", "how long a request may wait for a slot of its class before it is refused with 503 and Retry-After (0s: refused at once)"},
	{"HOTEL_CORS_ORIGINS", "cors-origins", "", "browser origins allowed to call the API (comma list, e.g. https://book.example.com; * for any); empty: no CORS"},
	{"HOTEL_CHECKOUT_RUN_AT", "checkout-run-at", "03:00", "hotel-local time of day (HH:MM) from which the previous day's check-outs are completed"},
	{"HOTEL_COMPLETE_UNCHECKED", "complete-unchecked", "true", "the daily completion also completes confirmed stays past check-out that were never checked in (false: only checked-in stays; use with HOTEL_NO_SHOW_AT)"},
	{"HOTEL_NO_SHOW_AT", "no-show-at", "", "hotel-local time of day (HH:MM) on the day after arrival by which a confirmed guest must have checked in, or the mark-no-shows job makes the booking a no-show (its fee recorded, nights released as its policy says); empty: no no-show job"},
	{"HOTEL_EVENT_RETENTION_DAYS", "event-retention-days", "30", "days the event feed (GET /events) keeps an event; then the prune-events job deletes it, and the feed starts after it"},
	{"HOTEL_WEBHOOK_ALLOW_NETS", "webhook-allow-nets", "", "networks (comma list of CIDRs, e.g. 10.20.0.0/16) webhooks may reach although loopback, link-local or private; empty: only public addresses (no server-side request forgery)"},
	{"HOTEL_WEBHOOK_TIMEOUT", "webhook-timeout", "10s", "time limit of one webhook delivery attempt"},
	{"HOTEL_WEBHOOK_RETRY_FOR", "webhook-retry-for", "24h", "how long a webhook subscription retries an event (exponential backoff from 5s, at most 1h apart) before it is paused"},
	{"HOTEL_SESSION_TTL", "session-ttl", "12h", "how long a staff user's console session lasts at most after sign-in"},
	{"HOTEL_SESSION_IDLE", "session-idle", "1h", "how long a console session may go unused before it ends (at most HOTEL_SESSION_TTL)"},
	{"HOTEL_NATS_URL", "nats-url", "", "NATS server(s) (nats://host:4222, comma list) to which the scheduler also publishes every event, to JetStream stream HOTEL_EVENTS on subject hotel.events.<type>.<hotel_id>, the event id as message id; empty: none"},
	{"HOTEL_GUEST_RETENTION_DAYS", "guest-retention-days", "365", "days guest names are kept after check-out (completed stays) or cancellation (cancelled and failed bookings); then the erase-guest-names job replaces them with (erased). 0 keeps them forever"},
	{"HOTEL_ADMIN_ADDR", "admin-addr", "", "listen address of the admin listener serving /metrics (empty: none)"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "", "OpenTelemetry collector to send traces to (OTLP over HTTP, e.g. http://otel-collector:4318); empty: no tracing. The other OTEL_EXPORTER_OTLP_* variables apply too"},
	{"HOTEL_ADMIN_KEY", "", "", "bootstrap admin API key (secret; environment or .env only)"},
	{"HOTEL_SERVICE_KEY", "", "", "credential the services present to each other in split mode, at least 32 characters (secret; environment or .env only)"},
}

// MinServiceKeyLen is the shortest accepted secret: HOTEL_ADMIN_KEY and
// HOTEL_SERVICE_KEY.
const MinServiceKeyLen = 32

// minSecretVariety is how many different characters a secret must have at
// least: 32 × "a", or "abab…", is long and still guessable.
const minSecretVariety = 8

// checkSecret says what is wrong with the secret v of the variable name,
// or "" if nothing.
func checkSecret(name, v string) string {
	const hint = "; generate one with: openssl rand -base64 33"
	if len(v) < MinServiceKeyLen {
		return fmt.Sprintf("%s must be at least %d characters (it has %d)%s", name, MinServiceKeyLen, len(v), hint)
	}
	seen := map[rune]bool{}
	for _, r := range v {
		seen[r] = true
	}
	if len(seen) < minSecretVariety {
		return fmt.Sprintf("%s has only %d different characters: it must not be guessable (at least %d)%s", name, len(seen), minSecretVariety, hint)
	}
	return ""
}

// Load parses args (flags of the subcommand; only the names in flagNames are
// offered) with getenv and the .env file in the working directory (or
// HOTEL_ENV_FILE). It returns flag.ErrHelp for -h.
func Load(name string, args []string, getenv func(string) string, stderr io.Writer, flagNames ...string) (*Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := map[string]*string{}
	for _, s := range Settings {
		if s.Flag != "" && slices.Contains(flagNames, s.Flag) {
			values[s.Env] = fs.String(s.Flag, "", s.Help+" (env "+s.Env+", default "+orNone(s.Default)+")")
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	dotenv, err := readDotEnv(getenv)
	if err != nil {
		return nil, nil, err
	}
	lookup := func(env string) string {
		for _, s := range Settings {
			if s.Env == env {
				if p := values[env]; p != nil && set[s.Flag] {
					return *p
				}
				if v := getenv(env); v != "" {
					return v
				}
				if v, ok := dotenv[env]; ok && v != "" {
					return v
				}
				return s.Default
			}
		}
		panic("config: unknown setting " + env)
	}
	c, err := build(lookup)
	return c, fs.Args(), err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func readDotEnv(getenv func(string) string) (map[string]string, error) {
	path := getenv("HOTEL_ENV_FILE")
	explicit := path != ""
	if !explicit {
		path = ".env"
	}
	if _, err := os.Stat(path); err != nil {
		if explicit {
			return nil, fmt.Errorf("HOTEL_ENV_FILE=%s: %w", path, err)
		}
		return nil, nil
	}
	m, err := godotenv.Read(path)
	if err != nil {
		// godotenv's message quotes the rest of the file, passwords included,
		// so only a read error (not a parse error) is passed on.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s is not a valid .env file (lines of NAME=value): %w", path, err)
		}
		return nil, fmt.Errorf("%s is not a valid .env file (lines of NAME=value)", path)
	}
	return m, nil
}

func build(get func(string) string) (*Config, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	c := &Config{DataDir: get("HOTEL_DATA_DIR"), Addr: get("HOTEL_ADDR")}

	// Database.
	c.DatabaseURL = strings.TrimSpace(get("DATABASE_URL"))
	switch driver, path, err := ParseDatabaseURL(c.DatabaseURL); {
	case err != nil:
		errs = append(errs, err)
	case driver == "sqlite" && path == "":
		c.Driver, c.SQLitePath = driver, filepath.Join(c.DataDir, "hotel.db")
	default:
		c.Driver, c.SQLitePath = driver, path
	}
	c.DBConnectTimeout = duration(get, "HOTEL_DB_CONNECT_TIMEOUT", bad)
	c.DatabaseReadURL = strings.TrimSpace(get("DATABASE_READ_URL"))
	if c.DatabaseReadURL != "" {
		if err := checkReadURLs(c.DatabaseReadURL); err != nil {
			errs = append(errs, err)
		} else if c.Driver != "postgres" {
			bad("DATABASE_READ_URL needs a PostgreSQL DATABASE_URL (the primary); SQLite has no standbys")
		}
	}
	if d, err := time.ParseDuration(get("HOTEL_MAX_REPLICA_LAG")); err != nil || d < 10*time.Millisecond || d > time.Minute {
		bad("HOTEL_MAX_REPLICA_LAG=%q must be a duration from 10ms to 1m, such as 1s", get("HOTEL_MAX_REPLICA_LAG"))
	} else {
		c.MaxReplicaLag = d
	}
	switch v := strings.ToLower(strings.TrimSpace(get("HOTEL_DB_POOLER"))); v {
	case PoolerNone, PoolerPgBouncer:
		c.DBPooler = v
	default:
		bad("HOTEL_DB_POOLER=%q must be none or pgbouncer (PgBouncer in transaction pooling mode)", get("HOTEL_DB_POOLER"))
	}
	c.ShutdownTimeout = duration(get, "HOTEL_SHUTDOWN_TIMEOUT", bad)
	c.UpstreamTimeout = duration(get, "HOTEL_UPSTREAM_TIMEOUT", bad)
	c.ReadTimeout = duration(get, "HOTEL_READ_TIMEOUT", bad)
	c.InventoryTimeout = duration(get, "HOTEL_INVENTORY_TIMEOUT", bad)
	c.RecoverAfter = duration(get, "HOTEL_RECOVER_AFTER", bad)
	if n, err := strconv.Atoi(get("HOTEL_MAX_STAY_NIGHTS")); err != nil || n < 1 || n > 366 {
		bad("HOTEL_MAX_STAY_NIGHTS=%q must be a whole number of nights from 1 to 366", get("HOTEL_MAX_STAY_NIGHTS"))
	} else {
		c.MaxStayNights = n
	}
	c.SearchIndex = boolean(get, "HOTEL_SEARCH_INDEX", bad)
	if d, err := time.ParseDuration(get("HOTEL_SEARCH_MAX_LAG")); err != nil || d < 0 || d > time.Minute {
		bad("HOTEL_SEARCH_MAX_LAG=%q must be a duration from 0s to 1m, such as 0s or 500ms", get("HOTEL_SEARCH_MAX_LAG"))
	} else {
		c.SearchMaxLag = d
	}
	if n, err := strconv.Atoi(get("HOTEL_SEARCH_INDEX_DAYS")); err != nil || n < 30 || n > 1000 {
		bad("HOTEL_SEARCH_INDEX_DAYS=%q must be a whole number of nights from 30 to 1000", get("HOTEL_SEARCH_INDEX_DAYS"))
	} else {
		c.SearchIndexDays = n
	}
	if t, err := time.Parse("15:04", get("HOTEL_CHECKOUT_RUN_AT")); err != nil {
		bad("HOTEL_CHECKOUT_RUN_AT=%q must be a time of day as HH:MM, e.g. 03:00", get("HOTEL_CHECKOUT_RUN_AT"))
	} else {
		c.CheckoutRunAt = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	c.CompleteUnchecked = boolean(get, "HOTEL_COMPLETE_UNCHECKED", bad)
	if v := get("HOTEL_NO_SHOW_AT"); v != "" {
		if t, err := time.Parse("15:04", v); err != nil {
			bad("HOTEL_NO_SHOW_AT=%q must be a time of day as HH:MM, e.g. 12:00, or empty (no no-show job)", v)
		} else {
			c.NoShows, c.NoShowAt = true, time.Duration(t.Hour())*time.Hour+time.Duration(t.Minute())*time.Minute
		}
	}
	if n, err := strconv.Atoi(get("HOTEL_EVENT_RETENTION_DAYS")); err != nil || n < 1 || n > 3650 {
		bad("HOTEL_EVENT_RETENTION_DAYS=%q must be a whole number of days from 1 to 3650", get("HOTEL_EVENT_RETENTION_DAYS"))
	} else {
		c.EventRetentionDays = n
	}
	for p := range strings.SplitSeq(get("HOTEL_WEBHOOK_ALLOW_NETS"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if n, err := netip.ParsePrefix(p); err != nil {
			bad("HOTEL_WEBHOOK_ALLOW_NETS has %q, not a network in CIDR notation such as 10.20.0.0/16", p)
		} else {
			c.WebhookAllowNets = append(c.WebhookAllowNets, n.Masked())
		}
	}
	c.NATSURL = get("HOTEL_NATS_URL")
	c.WebhookTimeout = duration(get, "HOTEL_WEBHOOK_TIMEOUT", bad)
	c.WebhookRetryFor = duration(get, "HOTEL_WEBHOOK_RETRY_FOR", bad)
	c.SessionTTL = duration(get, "HOTEL_SESSION_TTL", bad)
	c.SessionIdle = duration(get, "HOTEL_SESSION_IDLE", bad)
	if c.SessionTTL > 0 && c.SessionIdle > c.SessionTTL {
		bad("HOTEL_SESSION_IDLE=%s must not exceed HOTEL_SESSION_TTL=%s", c.SessionIdle, c.SessionTTL)
	}
	if n, err := strconv.Atoi(get("HOTEL_GUEST_RETENTION_DAYS")); err != nil || n < 0 || n > 36500 {
		bad("HOTEL_GUEST_RETENTION_DAYS=%q must be a whole number of days from 0 (keep forever) to 36500", get("HOTEL_GUEST_RETENTION_DAYS"))
	} else {
		c.GuestRetentionDays = n
	}
	if f, err := strconv.ParseFloat(get("HOTEL_RATE_LIMIT"), 64); err != nil || f < 0 || f > 1e6 || f != f {
		bad("HOTEL_RATE_LIMIT=%q must be a number of requests per second from 0 (off) to 1000000", get("HOTEL_RATE_LIMIT"))
	} else {
		c.RateLimit = f
	}
	if n, err := strconv.Atoi(get("HOTEL_MAX_CONNS")); err != nil || n < 0 || n > 10_000_000 {
		bad("HOTEL_MAX_CONNS=%q must be a whole number of connections (0: from the open-file limit)", get("HOTEL_MAX_CONNS"))
	} else {
		c.MaxConns = n
	}
	c.MaxInFlight = maxInFlight(get("HOTEL_MAX_IN_FLIGHT"), bad)
	if d, err := time.ParseDuration(get("HOTEL_ADMISSION_WAIT")); err != nil || d < 0 || d > 10*time.Second {
		bad("HOTEL_ADMISSION_WAIT=%q must be a duration from 0s to 10s such as 50ms", get("HOTEL_ADMISSION_WAIT"))
	} else {
		c.AdmissionWait = d
	}
	if n, err := strconv.Atoi(get("HOTEL_MAX_CONNS_PER_CLIENT")); err != nil || n < 1 || n > 10_000_000 {
		bad("HOTEL_MAX_CONNS_PER_CLIENT=%q must be a whole number of connections, at least 1", get("HOTEL_MAX_CONNS_PER_CLIENT"))
	} else {
		c.MaxConnsPerClient = n
	}
	if n, err := strconv.Atoi(get("HOTEL_RATE_BURST")); err != nil || n < 1 || n > 1_000_000 {
		bad("HOTEL_RATE_BURST=%q must be a whole number of requests from 1 to 1000000", get("HOTEL_RATE_BURST"))
	} else {
		c.RateBurst = n
	}
	for _, v := range strings.Split(get("HOTEL_RATE_LIMIT_EXEMPT"), ",") {
		switch strings.TrimSpace(v) {
		case "admin":
			c.RateExemptAdmin = true
		case "service":
			c.RateExemptService = true
		case "", "none":
		default:
			bad("HOTEL_RATE_LIMIT_EXEMPT=%q must be a comma list of admin and service, or none", get("HOTEL_RATE_LIMIT_EXEMPT"))
		}
	}
	c.RedisURL = strings.TrimSpace(get("HOTEL_REDIS_URL"))
	if c.RedisURL != "" {
		if msg := checkRedisURL(c.RedisURL); msg != "" {
			bad("HOTEL_REDIS_URL %s; expected redis://[:PASSWORD@]host:6379[/db], rediss://… (TLS) or unix:///path/redis.sock, or empty", msg)
		}
	}
	if d, err := time.ParseDuration(get("HOTEL_REDIS_TIMEOUT")); err != nil || d < time.Millisecond || d > 5*time.Second {
		bad("HOTEL_REDIS_TIMEOUT=%q must be a duration from 1ms to 5s, such as 50ms", get("HOTEL_REDIS_TIMEOUT"))
	} else {
		c.RedisTimeout = d
	}
	for _, o := range strings.Split(get("HOTEL_CORS_ORIGINS"), ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		if u, err := url.Parse(o); o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "") {
			bad("HOTEL_CORS_ORIGINS: %q is not an origin such as https://book.example.com (or *)", o)
			continue
		}
		c.CORSOrigins = append(c.CORSOrigins, o)
	}
	c.OTLPEndpoint = strings.TrimSpace(get("OTEL_EXPORTER_OTLP_ENDPOINT"))
	c.AdminAddr = strings.TrimSpace(get("HOTEL_ADMIN_ADDR"))
	if c.AdminAddr != "" {
		if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
			bad("HOTEL_ADMIN_ADDR=%q must be host:port, e.g. 127.0.0.1:9090", c.AdminAddr)
		}
	}
	c.AutoMigrate = boolean(get, "HOTEL_AUTO_MIGRATE", bad)
	c.SeedSample = boolean(get, "HOTEL_SEED_SAMPLE", bad)

	// Listening.
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("HOTEL_ADDR=%q must be host:port, e.g. 127.0.0.1:8080 or :8080", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("HOTEL_ADDR=%q has an invalid port", c.Addr)
	}

	// Targets and the services they need.
	targets, err := ParseTargets(get("HOTEL_TARGET"))
	if err != nil {
		errs = append(errs, err)
	}
	c.Targets = targets
	c.InventoryURL = strings.TrimRight(strings.TrimSpace(get("INVENTORY_URL")), "/")
	c.BookingURL = strings.TrimRight(strings.TrimSpace(get("BOOKING_URL")), "/")
	for _, need := range []struct {
		target, dep, env, val string
	}{
		{TargetGateway, TargetInventory, "INVENTORY_URL", c.InventoryURL},
		{TargetGateway, TargetBooking, "BOOKING_URL", c.BookingURL},
		{TargetBooking, TargetInventory, "INVENTORY_URL", c.InventoryURL},
		{TargetScheduler, TargetInventory, "INVENTORY_URL", c.InventoryURL},
	} {
		if !c.Has(need.target) || c.Has(need.dep) {
			continue
		}
		if need.val == "" {
			bad("target %s needs %s (where the %s service runs, e.g. http://127.0.0.1:8081), because %s is not a target of this process",
				need.target, need.env, need.dep, need.dep)
		} else {
			for _, u := range strings.Split(need.val, ",") { // replicas: a comma list
				if err := checkServiceURL(strings.TrimSpace(u)); err != nil {
					bad("%s: %v", need.env, err)
				}
			}
		}
	}

	// Secrets.
	c.AdminKey = get("HOTEL_ADMIN_KEY")
	c.ServiceKey = get("HOTEL_SERVICE_KEY")
	if c.AdminKey != "" {
		if msg := checkSecret("HOTEL_ADMIN_KEY", c.AdminKey); msg != "" {
			bad("%s", msg)
		}
	}
	switch {
	case c.Split() && (c.Has(TargetInventory) || c.Has(TargetBooking) || c.Has(TargetScheduler)) && c.ServiceKey == "":
		bad("split mode needs HOTEL_SERVICE_KEY (at least %d random characters, the same in every service): services authenticate each other; generate one with: openssl rand -base64 33", MinServiceKeyLen)
	case c.ServiceKey != "":
		if msg := checkSecret("HOTEL_SERVICE_KEY", c.ServiceKey); msg != "" {
			bad("%s", msg)
		}
	}

	// Logging.
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		bad("LOG_LEVEL=%q must be debug, info, warn or error", get("LOG_LEVEL"))
	}
	c.LogFormat = strings.ToLower(get("LOG_FORMAT"))
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("LOG_FORMAT=%q must be json or text", get("LOG_FORMAT"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid configuration:\n  - %w", joinLines(errs))
	}
	return c, nil
}

func joinLines(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n  - "))
}

// AdmissionClasses are the classes of routes HOTEL_MAX_IN_FLIGHT bounds,
// in the order the README lists them.
var AdmissionClasses = []string{"bookings", "reads", "writes", "feed"}

// DefaultInFlight is a class's bound on a machine of cpus CPUs.
func DefaultInFlight(class string, cpus int) int {
	switch class {
	case "bookings", "reads":
		return max(64, 32*cpus)
	case "writes":
		return max(16, 8*cpus)
	}
	return 512
}

// maxInFlight reads HOTEL_MAX_IN_FLIGHT: class=N pairs.
func maxInFlight(s string, bad func(string, ...any)) map[string]int {
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		class, v, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		class = strings.TrimSpace(class)
		if !ok || err != nil || n < 0 || n > 1_000_000 || !slices.Contains(AdmissionClasses, class) {
			bad("HOTEL_MAX_IN_FLIGHT has %q; want class=N with a class of %s and N from 0 (unbounded)", part, strings.Join(AdmissionClasses, ", "))
			continue
		}
		out[class] = n
	}
	return out
}

func duration(get func(string) string, name string, bad func(string, ...any)) time.Duration {
	d, err := time.ParseDuration(get(name))
	if err != nil || d <= 0 {
		bad("%s=%q must be a positive duration such as 30s or 2m", name, get(name))
	}
	return d
}

func boolean(get func(string) string, name string, bad func(string, ...any)) bool {
	b, err := strconv.ParseBool(get(name))
	if err != nil {
		bad("%s=%q must be true or false", name, get(name))
	}
	return b
}

// ParseTargets expands a --target value ("all", or a comma list).
func ParseTargets(s string) ([]string, error) {
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		t := strings.ToLower(strings.TrimSpace(part))
		switch {
		case t == "all":
			for _, a := range AllTargets {
				seen[a] = true
			}
		case slices.Contains(AllTargets, t):
			seen[t] = true
		default:
			return nil, fmt.Errorf("HOTEL_TARGET=%q: unknown target %q; use all, or a comma list of %s",
				s, t, strings.Join(AllTargets, ", "))
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

// ParseDatabaseURL picks the driver for a DATABASE_URL. Both postgres:// and
// postgresql:// select PostgreSQL (no driver suffix needed, unlike the seed's
// SQLAlchemy URLs); empty selects SQLite in the data directory; sqlite:PATH
// names a SQLite file. Errors never repeat the URL, which may hold a password.
func ParseDatabaseURL(s string) (driver, sqlitePath string, err error) {
	if s == "" {
		return "sqlite", "", nil
	}
	scheme, rest, ok := strings.Cut(s, ":")
	// Without a well-formed scheme the text before the first colon may be
	// anything, e.g. "user=x password=secret" of a libpq key/value string.
	if !ok || !validScheme(scheme) {
		return "", "", errors.New("DATABASE_URL must be a URL such as postgres://user:$PASSWORD@host:5432/hotel, or empty for the embedded SQLite database")
	}
	switch base, suffix, _ := strings.Cut(strings.ToLower(scheme), "+"); {
	case (base == "postgres" || base == "postgresql") && suffix != "":
		return "", "", fmt.Errorf("DATABASE_URL scheme %q has a driver suffix %q; write postgres:// or postgresql:// (this binary has its own driver)", scheme, "+"+suffix)
	case base == "postgres" || base == "postgresql":
		u, err := url.Parse(s)
		if err != nil || u.Host == "" && u.Query().Get("host") == "" {
			return "", "", errors.New("DATABASE_URL is not a valid PostgreSQL URL; expected postgres://user:$PASSWORD@host:5432/dbname")
		}
		return "postgres", "", nil
	case base == "sqlite" || base == "file":
		p := strings.TrimPrefix(rest, "//")
		if p == "" {
			return "", "", errors.New("DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/hotel.db")
		}
		return "sqlite", p, nil
	default:
		return "", "", fmt.Errorf("DATABASE_URL scheme %q is not supported; use postgres:// or postgresql://, or leave it empty for SQLite", scheme)
	}
}

// checkReadURLs checks DATABASE_READ_URL: postgres:// URLs separated by
// commas. Errors never repeat a URL, which may hold a password.
func checkReadURLs(s string) error {
	for i, u := range SplitReadURLs(s) {
		if driver, _, err := ParseDatabaseURL(u); err != nil || driver != "postgres" {
			return fmt.Errorf("DATABASE_READ_URL: URL %d is not a PostgreSQL URL; expected postgres://user:$PASSWORD@standby:5432/dbname, comma-separated", i+1)
		}
	}
	return nil
}

// SplitReadURLs splits DATABASE_READ_URL into its URLs: pieces separated
// by commas, where a piece that does not begin with a scheme continues the
// URL before it (the hosts of a multi-host URL).
func SplitReadURLs(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		p := strings.TrimSpace(part)
		switch {
		case p == "":
		case len(out) == 0, strings.Contains(p, "://"):
			out = append(out, p)
		default:
			out[len(out)-1] += "," + p
		}
	}
	return out
}

// validScheme reports whether s is an RFC 3986 scheme:
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	for i, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// checkRedisURL says what is wrong with a HOTEL_REDIS_URL, or "" if
// nothing; never quoting the URL, which may hold a password.
func checkRedisURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix":
		return fmt.Sprintf("has scheme %q", clip(u.Scheme))
	case u.Scheme != "unix" && u.Host == "":
		return "names no host"
	case u.Scheme == "unix" && u.Path == "":
		return "names no socket path"
	}
	if _, err := redis.ParseURL(s); err != nil {
		return "is not a valid Redis URL (its database must be a number, as in /0)"
	}
	return ""
}

func clip(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func checkServiceURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http(s) URL such as http://127.0.0.1:8081", s)
	}
	return nil
}
