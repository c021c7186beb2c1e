package config_test

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/config"
)

// allFlags offers every setting as a flag, as serve does.
var allFlags = func() []string {
	var names []string
	for _, s := range config.Settings {
		names = append(names, s.Flag)
	}
	return names
}()

// envFile writes content to a fresh .env file and returns its path.
func envFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// getenv returns a getenv over m. HOTEL_ENV_FILE always points at a file in a
// temporary directory (empty unless dotenv is given), so no test depends on a
// .env in the working directory.
func getenv(t *testing.T, m map[string]string, dotenv string) func(string) string {
	t.Helper()
	env := map[string]string{"HOTEL_ENV_FILE": envFile(t, dotenv)}
	for k, v := range m {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		dotenv string
		want   string // Addr
	}{
		{name: "default", want: "127.0.0.1:8080"},
		{name: "dotenv over default", dotenv: "HOTEL_ADDR=127.0.0.1:9003\n", want: "127.0.0.1:9003"},
		{name: "dotenv yaml style", dotenv: "HOTEL_ADDR: 127.0.0.1:9004\n", want: "127.0.0.1:9004"},
		{name: "dotenv quoted with comment", dotenv: "# a comment\nexport HOTEL_ADDR=\"127.0.0.1:9005\" # why\n", want: "127.0.0.1:9005"},
		{name: "empty dotenv value keeps default", dotenv: "HOTEL_ADDR=\n", want: "127.0.0.1:8080"},
		{
			name: "env over dotenv", env: map[string]string{"HOTEL_ADDR": "127.0.0.1:9002"},
			dotenv: "HOTEL_ADDR=127.0.0.1:9003\n", want: "127.0.0.1:9002",
		},
		{
			name: "empty env value falls through to dotenv", env: map[string]string{"HOTEL_ADDR": ""},
			dotenv: "HOTEL_ADDR=127.0.0.1:9003\n", want: "127.0.0.1:9003",
		},
		{
			name: "flag over env and dotenv", args: []string{"--addr", "127.0.0.1:9001"},
			env:    map[string]string{"HOTEL_ADDR": "127.0.0.1:9002"},
			dotenv: "HOTEL_ADDR=127.0.0.1:9003\n", want: "127.0.0.1:9001",
		},
		{name: "flag with equals", args: []string{"-addr=:0"}, want: ":0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, err := config.Load("serve", tt.args, getenv(t, tt.env, tt.dotenv), io.Discard, allFlags...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Addr != tt.want {
				t.Errorf("Addr = %q, want %q", c.Addr, tt.want)
			}
		})
	}
}

// An explicitly empty flag still wins: --database-url= selects SQLite even
// when the environment names a PostgreSQL server.
func TestLoadEmptyFlagWins(t *testing.T) {
	t.Parallel()
	env := getenv(t, map[string]string{"DATABASE_URL": "postgres://u:p@db:5432/hotel"}, "DATABASE_URL=postgres://u:p@other/hotel\n")
	c, _, err := config.Load("serve", []string{"--database-url="}, env, io.Discard, allFlags...)
	if err != nil {
		t.Fatal(err)
	}
	if c.Driver != "sqlite" || c.DatabaseURL != "" {
		t.Errorf("Driver, DatabaseURL = %q, %q; want sqlite and empty", c.Driver, c.DatabaseURL)
	}

	c, _, err = config.Load("serve", nil, env, io.Discard, allFlags...)
	if err != nil {
		t.Fatal(err)
	}
	if c.Driver != "postgres" || c.DatabaseURL != "postgres://u:p@db:5432/hotel" {
		t.Errorf("without the flag: Driver, DatabaseURL = %q, %q; want the environment's postgres URL", c.Driver, c.DatabaseURL)
	}
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, rest, err := config.Load("serve", nil, getenv(t, nil, ""), io.Discard, allFlags...)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		Driver:             "sqlite",
		SQLitePath:         filepath.Join("data", "hotel.db"),
		DataDir:            "./data",
		DBConnectTimeout:   30 * time.Second,
		MaxReplicaLag:      time.Second,
		DBPooler:           config.PoolerNone,
		AutoMigrate:        true,
		SeedSample:         true,
		Addr:               "127.0.0.1:8080",
		Targets:            []string{"booking", "gateway", "inventory", "scheduler"},
		ShutdownTimeout:    15 * time.Second,
		UpstreamTimeout:    30 * time.Second,
		MaxStayNights:      30,
		InventoryTimeout:   5 * time.Second,
		RecoverAfter:       time.Minute,
		SearchIndex:        true,
		SearchIndexDays:    400,
		CheckoutRunAt:      3 * time.Hour,
		CompleteUnchecked:  true,
		EventRetentionDays: 30,
		WebhookTimeout:     10 * time.Second,
		WebhookRetryFor:    24 * time.Hour,
		SessionTTL:         12 * time.Hour,
		SessionIdle:        time.Hour,
		GuestRetentionDays: 365,
		ReadTimeout:        30 * time.Second,
		MaxConnsPerClient:  256,
		MaxInFlight:        map[string]int{},
		AdmissionWait:      50 * time.Millisecond,
		RateLimit:          50,
		RateBurst:          100,
		RateExemptAdmin:    true,
		RateExemptService:  true,
		RedisTimeout:       50 * time.Millisecond,
		LogLevel:           slog.LevelInfo,
		LogFormat:          "json",
	}
	if !equalConfig(*c, want) {
		t.Errorf("Load() =\n%+v\nwant\n%+v", *c, want)
	}
	if len(rest) != 0 {
		t.Errorf("rest = %q, want none", rest)
	}
	if c.Split() {
		t.Error("Split = true, want false")
	}
}

func equalConfig(a, b config.Config) bool {
	return reflect.DeepEqual(a, b)
}

func TestLoadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		flagNames []string
		wantRest  []string
		wantErr   error  // matched with errors.Is, if set
		wantInErr string // substring of the error, if set
		wantUsage string // substring of what the flag set printed
	}{
		{name: "positional args returned", args: []string{"--addr=:0", "seed", "x"}, flagNames: allFlags, wantRest: []string{"seed", "x"}},
		{name: "help", args: []string{"-h"}, flagNames: []string{"addr"}, wantErr: flag.ErrHelp, wantUsage: "env HOTEL_ADDR, default 127.0.0.1:8080"},
		{name: "help names none for empty defaults", args: []string{"-h"}, flagNames: []string{"database-url"}, wantErr: flag.ErrHelp, wantUsage: "env DATABASE_URL, default none"},
		{name: "flag not offered", args: []string{"--addr=:0"}, flagNames: []string{"log-level"}, wantInErr: "flag provided but not defined: -addr"},
		{name: "unknown flag", args: []string{"--nope"}, flagNames: allFlags, wantInErr: "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr strings.Builder
			_, rest, err := config.Load("serve", tt.args, getenv(t, nil, ""), &stderr, tt.flagNames...)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.wantInErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantInErr)
				}
			case err != nil:
				t.Fatalf("Load: %v", err)
			default:
				if !slices.Equal(rest, tt.wantRest) {
					t.Errorf("rest = %q, want %q", rest, tt.wantRest)
				}
			}
			if !strings.Contains(stderr.String(), tt.wantUsage) {
				t.Errorf("usage output %q does not contain %q", stderr.String(), tt.wantUsage)
			}
		})
	}
}

func TestLoadEnvFile(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.env")
	tests := []struct {
		name      string
		file      string // HOTEL_ENV_FILE
		wantInErr []string
		notInErr  []string
	}{
		{name: "explicit file missing", file: missing, wantInErr: []string{"HOTEL_ENV_FILE=" + missing}},
		{name: "directory", file: t.TempDir(), wantInErr: []string{"is not a valid .env file"}},
		{
			// godotenv quotes the rest of the file in its error; ours must
			// not, because that is where DATABASE_URL's password lives.
			name:      "unterminated quote does not echo the value",
			file:      envFile(t, "DATABASE_URL=\"postgres://hotel:hunter2-secret@db/hotel\n"),
			wantInErr: []string{"is not a valid .env file"},
			notInErr:  []string{"hunter2-secret"},
		},
		{
			name:      "bad variable name does not echo the file",
			file:      envFile(t, "LOG LEVEL;=debug\nDATABASE_URL=postgres://hotel:hunter2-secret@db/hotel\n"),
			wantInErr: []string{"is not a valid .env file"},
			notInErr:  []string{"hunter2-secret"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := func(k string) string {
				if k == "HOTEL_ENV_FILE" {
					return tt.file
				}
				return ""
			}
			_, _, err := config.Load("serve", nil, env, io.Discard, allFlags...)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, s := range tt.wantInErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			for _, s := range tt.notInErr {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains %q", err, s)
				}
			}
		})
	}
}

func TestLoadValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		env       map[string]string
		dotenv    string
		wantInErr []string                    // every one must appear; none means success
		check     func(*config.Config) string // for successes: "" or what is wrong
	}{
		// Read replicas.
		{
			name: "read replicas",
			env: map[string]string{"DATABASE_URL": "postgres://u@primary-a:5432,primary-b:5432/hotel?target_session_attrs=read-write",
				"DATABASE_READ_URL": "postgres://u:change-me@r1:5432/hotel, postgres://u:change-me@r2:5432,r3:5433/hotel", "HOTEL_MAX_REPLICA_LAG": "250ms"},
			check: func(c *config.Config) string {
				if got := config.SplitReadURLs(c.DatabaseReadURL); len(got) != 2 || got[1] != "postgres://u:change-me@r2:5432,r3:5433/hotel" {
					return fmt.Sprintf("SplitReadURLs = %q", got)
				}
				if c.MaxReplicaLag != 250*time.Millisecond {
					return fmt.Sprintf("MaxReplicaLag = %v", c.MaxReplicaLag)
				}
				return ""
			},
		},
		{
			name:      "read replicas without PostgreSQL",
			env:       map[string]string{"DATABASE_READ_URL": "postgres://u@r1/hotel"},
			wantInErr: []string{"DATABASE_READ_URL needs a PostgreSQL DATABASE_URL"},
		},
		{
			name:      "read replica not a PostgreSQL URL",
			env:       map[string]string{"DATABASE_URL": "postgres://u@p/hotel", "DATABASE_READ_URL": "postgres://u@r1/hotel,mysql://u:change-me@r2/hotel"},
			wantInErr: []string{"DATABASE_READ_URL: URL 2 is not a PostgreSQL URL"},
		},
		{
			name:      "replica lag too short",
			env:       map[string]string{"HOTEL_MAX_REPLICA_LAG": "1ms"},
			wantInErr: []string{`HOTEL_MAX_REPLICA_LAG="1ms" must be a duration from 10ms to 1m`},
		},
		// Privacy.
		{
			name:      "guest retention negative",
			env:       map[string]string{"HOTEL_GUEST_RETENTION_DAYS": "-1"},
			wantInErr: []string{`HOTEL_GUEST_RETENTION_DAYS="-1" must be a whole number of days from 0 (keep forever) to 36500`},
		},
		{
			name:      "guest retention not a number",
			env:       map[string]string{"HOTEL_GUEST_RETENTION_DAYS": "1y"},
			wantInErr: []string{`HOTEL_GUEST_RETENTION_DAYS="1y" must be`},
		},
		{
			name: "guest retention kept forever",
			env:  map[string]string{"HOTEL_GUEST_RETENTION_DAYS": "0"},
			check: func(c *config.Config) string {
				if c.GuestRetentionDays != 0 {
					return fmt.Sprintf("GuestRetentionDays = %d", c.GuestRetentionDays)
				}
				return ""
			},
		},
		// Bookings.
		{
			name:      "max stay not a number",
			env:       map[string]string{"HOTEL_MAX_STAY_NIGHTS": "thirty"},
			wantInErr: []string{`HOTEL_MAX_STAY_NIGHTS="thirty" must be a whole number of nights from 1 to 366`},
		},
		{
			name:      "max stay out of range",
			env:       map[string]string{"HOTEL_MAX_STAY_NIGHTS": "0"},
			wantInErr: []string{`HOTEL_MAX_STAY_NIGHTS="0" must be`},
		},
		{
			name: "max stay raised",
			env:  map[string]string{"HOTEL_MAX_STAY_NIGHTS": "90", "HOTEL_RECOVER_AFTER": "5m"},
			check: func(c *config.Config) string {
				if c.MaxStayNights != 90 || c.RecoverAfter != 5*time.Minute {
					return fmt.Sprintf("MaxStayNights, RecoverAfter = %d, %v", c.MaxStayNights, c.RecoverAfter)
				}
				return ""
			},
		},
		{
			name: "rate limits and CORS",
			env: map[string]string{"HOTEL_RATE_LIMIT": "2.5", "HOTEL_RATE_BURST": "5", "HOTEL_RATE_LIMIT_EXEMPT": "service",
				"HOTEL_CORS_ORIGINS": "https://book.example.com/, http://localhost:5173"},
			check: func(c *config.Config) string {
				if c.RateLimit != 2.5 || c.RateBurst != 5 || c.RateExemptAdmin || !c.RateExemptService ||
					fmt.Sprint(c.CORSOrigins) != "[https://book.example.com http://localhost:5173]" {
					return fmt.Sprintf("%v %v %v %v %v", c.RateLimit, c.RateBurst, c.RateExemptAdmin, c.RateExemptService, c.CORSOrigins)
				}
				return ""
			},
		},
		{
			name: "limits off, nobody exempt",
			env:  map[string]string{"HOTEL_RATE_LIMIT": "0", "HOTEL_RATE_LIMIT_EXEMPT": "none"},
			check: func(c *config.Config) string {
				if c.RateLimit != 0 || c.RateExemptAdmin || c.RateExemptService {
					return fmt.Sprintf("%v %v %v", c.RateLimit, c.RateExemptAdmin, c.RateExemptService)
				}
				return ""
			},
		},
		{
			name:      "bad rate limits and origins",
			env:       map[string]string{"HOTEL_RATE_LIMIT": "fast", "HOTEL_RATE_BURST": "0", "HOTEL_RATE_LIMIT_EXEMPT": "root", "HOTEL_CORS_ORIGINS": "book.example.com,https://x.example/path"},
			wantInErr: []string{`HOTEL_RATE_LIMIT="fast"`, `HOTEL_RATE_BURST="0"`, `HOTEL_RATE_LIMIT_EXEMPT="root"`, `"book.example.com" is not an origin`, `"https://x.example/path" is not an origin`},
		},
		{
			name: "admission bounds",
			env:  map[string]string{"HOTEL_MAX_IN_FLIGHT": "bookings=10, reads=0", "HOTEL_ADMISSION_WAIT": "0s"},
			check: func(c *config.Config) string {
				if fmt.Sprint(c.MaxInFlight) != "map[bookings:10 reads:0]" || c.AdmissionWait != 0 {
					return fmt.Sprintf("%v %v", c.MaxInFlight, c.AdmissionWait)
				}
				return ""
			},
		},
		{
			name: "shared rate limits through Redis",
			env:  map[string]string{"HOTEL_REDIS_URL": " rediss://:change-me@redis.example:6380/2 ", "HOTEL_REDIS_TIMEOUT": "200ms"},
			check: func(c *config.Config) string {
				if c.RedisURL != "rediss://:change-me@redis.example:6380/2" || c.RedisTimeout != 200*time.Millisecond {
					return fmt.Sprintf("RedisURL, RedisTimeout = %q, %v", c.RedisURL, c.RedisTimeout)
				}
				return ""
			},
		},
		{
			name:      "bad admission bounds",
			env:       map[string]string{"HOTEL_MAX_IN_FLIGHT": "searches=5,bookings=-1,reads", "HOTEL_ADMISSION_WAIT": "1h"},
			wantInErr: []string{`HOTEL_MAX_IN_FLIGHT has "searches=5"`, `"bookings=-1"`, `"reads"`, `HOTEL_ADMISSION_WAIT="1h"`},
		},
		{
			name:      "Redis URL of another scheme",
			env:       map[string]string{"HOTEL_REDIS_URL": "http://:change-me@redis:6379"},
			wantInErr: []string{`HOTEL_REDIS_URL has scheme "http"; expected redis://`},
		},
		{
			name:      "Redis URL without host, bad database, bad timeout",
			env:       map[string]string{"HOTEL_REDIS_URL": "redis:///0", "HOTEL_REDIS_TIMEOUT": "0s"},
			wantInErr: []string{"HOTEL_REDIS_URL names no host", `HOTEL_REDIS_TIMEOUT="0s" must be a duration from 1ms to 5s`},
		},
		{
			name:      "Redis URL with a database that is not a number",
			env:       map[string]string{"HOTEL_REDIS_URL": "redis://:change-me@redis:6379/cache"},
			wantInErr: []string{"HOTEL_REDIS_URL is not a valid Redis URL"},
		},
		{
			name:      "bad check-out run time",
			env:       map[string]string{"HOTEL_CHECKOUT_RUN_AT": "25:00"},
			wantInErr: []string{`HOTEL_CHECKOUT_RUN_AT="25:00" must be a time of day`},
		},
		{
			name:      "bad no-show time and completion flag",
			env:       map[string]string{"HOTEL_NO_SHOW_AT": "noon", "HOTEL_COMPLETE_UNCHECKED": "sometimes"},
			wantInErr: []string{`HOTEL_NO_SHOW_AT="noon" must be a time of day`, `HOTEL_COMPLETE_UNCHECKED="sometimes" must be true or false`},
		},
		{
			name: "no-shows at noon, only checked-in stays completed",
			env:  map[string]string{"HOTEL_NO_SHOW_AT": "12:00", "HOTEL_COMPLETE_UNCHECKED": "false"},
			check: func(c *config.Config) string {
				if !c.NoShows || c.NoShowAt != 12*time.Hour || c.CompleteUnchecked {
					return fmt.Sprintf("NoShows, NoShowAt, CompleteUnchecked = %v, %v, %v", c.NoShows, c.NoShowAt, c.CompleteUnchecked)
				}
				return ""
			},
		},
		{
			name:      "bad admin address",
			env:       map[string]string{"HOTEL_ADMIN_ADDR": "9090"},
			wantInErr: []string{`HOTEL_ADMIN_ADDR="9090" must be host:port`},
		},
		{
			name: "check-out run time and admin address",
			env:  map[string]string{"HOTEL_CHECKOUT_RUN_AT": "04:30", "HOTEL_ADMIN_ADDR": "127.0.0.1:9090"},
			check: func(c *config.Config) string {
				if c.CheckoutRunAt != 4*time.Hour+30*time.Minute || c.AdminAddr != "127.0.0.1:9090" {
					return fmt.Sprintf("CheckoutRunAt, AdminAddr = %v, %q", c.CheckoutRunAt, c.AdminAddr)
				}
				return ""
			},
		},
		{
			name:      "bad inventory timeout",
			env:       map[string]string{"HOTEL_INVENTORY_TIMEOUT": "soon"},
			wantInErr: []string{"HOTEL_INVENTORY_TIMEOUT"},
		},
		// Targets and split mode.
		{
			name:      "gateway without inventory needs INVENTORY_URL",
			env:       map[string]string{"HOTEL_TARGET": "gateway,booking"},
			wantInErr: []string{"target gateway needs INVENTORY_URL", "inventory is not a target of this process"},
		},
		{
			name:      "booking without inventory needs INVENTORY_URL",
			env:       map[string]string{"HOTEL_TARGET": "booking"},
			wantInErr: []string{"target booking needs INVENTORY_URL"},
		},
		{
			name:      "gateway without booking needs BOOKING_URL",
			env:       map[string]string{"HOTEL_TARGET": "gateway,inventory"},
			wantInErr: []string{"target gateway needs BOOKING_URL", "booking is not a target of this process"},
		},
		{
			name:      "gateway alone needs both",
			env:       map[string]string{"HOTEL_TARGET": "gateway"},
			wantInErr: []string{"target gateway needs INVENTORY_URL", "target gateway needs BOOKING_URL"},
		},
		{
			name:      "whitespace-only URL counts as missing",
			env:       map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": "   "},
			wantInErr: []string{"target booking needs INVENTORY_URL"},
		},
		{
			name:      "service URL without scheme",
			env:       map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": "127.0.0.1:8081"},
			wantInErr: []string{"INVENTORY_URL:", "must be an absolute http(s) URL"},
		},
		{
			name:      "service URL with another scheme",
			env:       map[string]string{"HOTEL_TARGET": "gateway,inventory", "BOOKING_URL": "ftp://booking:21"},
			wantInErr: []string{"BOOKING_URL:", `"ftp://booking:21" must be an absolute http(s) URL`},
		},
		{
			name:      "service URL without host",
			env:       map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": "http://"},
			wantInErr: []string{"INVENTORY_URL:", "must be an absolute http(s) URL"},
		},
		{
			name: "split mode satisfied, trailing slash trimmed",
			env: map[string]string{
				"HOTEL_TARGET": "Gateway", "INVENTORY_URL": " http://inventory:8081/ ", "BOOKING_URL": "https://booking:8082//",
			},
			check: func(c *config.Config) string {
				if c.InventoryURL != "http://inventory:8081" || c.BookingURL != "https://booking:8082" {
					return "URLs " + c.InventoryURL + ", " + c.BookingURL
				}
				if !slices.Equal(c.Targets, []string{"gateway"}) || !c.Split() {
					return "targets/split wrong"
				}
				return ""
			},
		},
		{
			name: "scheduler alone needs the inventory URL only",
			env:  map[string]string{"HOTEL_TARGET": "scheduler", "HOTEL_SERVICE_KEY": "0123456789abcdef0123456789abcdef", "INVENTORY_URL": "http://127.0.0.1:8081"},
			check: func(c *config.Config) string {
				if !c.Split() || c.Has("gateway") {
					return "scheduler alone: want split, no gateway"
				}
				return ""
			},
		},
		{
			name: "inventory alone needs no URLs",
			env:  map[string]string{"HOTEL_TARGET": "inventory", "BOOKING_URL": "not checked when unused", "HOTEL_SERVICE_KEY": "0123456789abcdef0123456789abcdef"},
		},
		{
			name:      "split mode needs a service key",
			env:       map[string]string{"HOTEL_TARGET": "inventory"},
			wantInErr: []string{"split mode needs HOTEL_SERVICE_KEY"},
		},
		{
			name:      "split mode refuses a short service key",
			env:       map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": "http://inv:8080", "HOTEL_SERVICE_KEY": "short"},
			wantInErr: []string{"HOTEL_SERVICE_KEY must be at least 32 characters (it has 5)", "openssl rand"},
		},
		{
			name:      "split mode needs a service key",
			env:       map[string]string{"HOTEL_TARGET": "booking", "INVENTORY_URL": "http://inv:8080"},
			wantInErr: []string{"split mode needs HOTEL_SERVICE_KEY", "at least 32"},
		},
		{
			name:      "a short admin key is refused",
			env:       map[string]string{"HOTEL_ADMIN_KEY": "x"},
			wantInErr: []string{"HOTEL_ADMIN_KEY must be at least 32 characters (it has 1)"},
		},
		{
			name:      "a long admin key of one character is refused",
			env:       map[string]string{"HOTEL_ADMIN_KEY": strings.Repeat("a", 32)},
			wantInErr: []string{"HOTEL_ADMIN_KEY has only 1 different characters", "not be guessable"},
		},
		{
			name:      "a long service key of little variety is refused",
			env:       map[string]string{"HOTEL_SERVICE_KEY": strings.Repeat("abc", 20)},
			wantInErr: []string{"HOTEL_SERVICE_KEY has only 3 different characters"},
		},
		{
			name: "gateway alone needs no service key",
			env:  map[string]string{"HOTEL_TARGET": "gateway", "INVENTORY_URL": "http://inv:8080", "BOOKING_URL": "http://book:8080"},
		},
		{
			name: "admin key is read from the environment",
			env:  map[string]string{"HOTEL_ADMIN_KEY": testSecret},
			check: func(c *config.Config) string {
				if c.AdminKey != testSecret {
					return "AdminKey not set"
				}
				return ""
			},
		},
		{
			name:      "unknown target",
			env:       map[string]string{"HOTEL_TARGET": "gateway,payments"},
			wantInErr: []string{`unknown target "payments"`, "gateway, booking, inventory, scheduler"},
		},

		// Logging.
		{
			name:      "bad LOG_LEVEL",
			env:       map[string]string{"LOG_LEVEL": "verbose"},
			wantInErr: []string{`LOG_LEVEL="verbose" must be debug, info, warn or error`},
		},
		{
			name:      "bad LOG_FORMAT",
			env:       map[string]string{"LOG_FORMAT": "xml"},
			wantInErr: []string{`LOG_FORMAT="xml" must be json or text`},
		},
		{
			name: "log level and format are case-insensitive",
			env:  map[string]string{"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "Text"},
			check: func(c *config.Config) string {
				if c.LogLevel != slog.LevelDebug || c.LogFormat != "text" {
					return "LogLevel " + c.LogLevel.String() + ", LogFormat " + c.LogFormat
				}
				return ""
			},
		},

		// Durations and booleans.
		{
			name: "durations and booleans parse",
			env: map[string]string{
				"HOTEL_DB_CONNECT_TIMEOUT": "2m", "HOTEL_SHUTDOWN_TIMEOUT": "1500ms", "HOTEL_UPSTREAM_TIMEOUT": "1h",
				"HOTEL_AUTO_MIGRATE": "false", "HOTEL_SEED_SAMPLE": "0",
			},
			check: func(c *config.Config) string {
				if c.DBConnectTimeout != 2*time.Minute || c.ShutdownTimeout != 1500*time.Millisecond || c.UpstreamTimeout != time.Hour {
					return "durations wrong"
				}
				if c.AutoMigrate || c.SeedSample {
					return "booleans wrong"
				}
				return ""
			},
		},
		{
			name: "pgbouncer pooler",
			env:  map[string]string{"HOTEL_DB_POOLER": "PgBouncer"},
			check: func(c *config.Config) string {
				if c.DBPooler != config.PoolerPgBouncer {
					return "DBPooler = " + c.DBPooler
				}
				return ""
			},
		},
		{
			name:      "unknown pooler",
			env:       map[string]string{"HOTEL_DB_POOLER": "pgpool"},
			wantInErr: []string{`HOTEL_DB_POOLER="pgpool" must be none or pgbouncer`},
		},
		{
			name:      "duration without unit",
			env:       map[string]string{"HOTEL_DB_CONNECT_TIMEOUT": "30"},
			wantInErr: []string{`HOTEL_DB_CONNECT_TIMEOUT="30" must be a positive duration`},
		},
		{
			name:      "zero duration",
			env:       map[string]string{"HOTEL_SHUTDOWN_TIMEOUT": "0s"},
			wantInErr: []string{`HOTEL_SHUTDOWN_TIMEOUT="0s" must be a positive duration`},
		},
		{
			name:      "negative duration",
			env:       map[string]string{"HOTEL_UPSTREAM_TIMEOUT": "-5s"},
			wantInErr: []string{`HOTEL_UPSTREAM_TIMEOUT="-5s" must be a positive duration`},
		},
		{
			name:      "bad boolean",
			env:       map[string]string{"HOTEL_AUTO_MIGRATE": "yes"},
			wantInErr: []string{`HOTEL_AUTO_MIGRATE="yes" must be true or false`},
		},

		// Listening.
		{
			name:      "address without port",
			env:       map[string]string{"HOTEL_ADDR": "localhost"},
			wantInErr: []string{`HOTEL_ADDR="localhost" must be host:port`},
		},
		{
			name:      "port out of range",
			env:       map[string]string{"HOTEL_ADDR": ":70000"},
			wantInErr: []string{`HOTEL_ADDR=":70000" has an invalid port`},
		},
		{
			name:      "port not a number",
			env:       map[string]string{"HOTEL_ADDR": "127.0.0.1:http"},
			wantInErr: []string{`HOTEL_ADDR="127.0.0.1:http" has an invalid port`},
		},

		// Database.
		{
			name: "sqlite file in the data dir",
			env:  map[string]string{"HOTEL_DATA_DIR": "/var/lib/hotel"},
			check: func(c *config.Config) string {
				if c.Driver != "sqlite" || c.SQLitePath != "/var/lib/hotel/hotel.db" {
					return c.Driver + " " + c.SQLitePath
				}
				return ""
			},
		},
		{
			name: "explicit sqlite path wins over data dir",
			env:  map[string]string{"HOTEL_DATA_DIR": "/var/lib/hotel", "DATABASE_URL": "sqlite:./x.db"},
			check: func(c *config.Config) string {
				if c.Driver != "sqlite" || c.SQLitePath != "./x.db" {
					return c.Driver + " " + c.SQLitePath
				}
				return ""
			},
		},
		{
			name:      "asyncpg URL from the seed",
			env:       map[string]string{"DATABASE_URL": "postgresql+asyncpg://hotel:s3cret-pw@db:5432/hotel"},
			wantInErr: []string{`driver suffix "+asyncpg"`},
		},
		{
			name:      "database URL from .env",
			dotenv:    "DATABASE_URL=mysql://hotel:s3cret-pw@db/hotel\n",
			wantInErr: []string{`scheme "mysql" is not supported`},
		},

		// Several problems are reported together, one per line.
		{
			name: "several errors at once",
			env: map[string]string{
				"HOTEL_TARGET": "gateway", "LOG_LEVEL": "loud", "LOG_FORMAT": "yaml",
				"HOTEL_SEED_SAMPLE": "maybe", "HOTEL_ADDR": "nowhere",
			},
			wantInErr: []string{
				"invalid configuration:\n  - ",
				"\n  - target gateway needs INVENTORY_URL",
				"\n  - target gateway needs BOOKING_URL",
				"\n  - LOG_LEVEL=\"loud\"",
				"\n  - LOG_FORMAT=\"yaml\"",
				"\n  - HOTEL_SEED_SAMPLE=\"maybe\"",
				"\n  - HOTEL_ADDR=\"nowhere\"",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _, err := config.Load("serve", nil, getenv(t, tt.env, tt.dotenv), io.Discard, allFlags...)
			if len(tt.wantInErr) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if tt.check != nil {
					if msg := tt.check(c); msg != "" {
						t.Error(msg)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded with %+v, want an error", c)
			}
			if c != nil {
				t.Errorf("Load returned a config with an error")
			}
			for _, s := range tt.wantInErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error\n%s\ndoes not contain %q", err, s)
				}
			}
			for _, pw := range []string{"s3cret-pw", "change-me"} { // the passwords of the URLs above
				if strings.Contains(err.Error(), pw) {
					t.Errorf("error %q contains a password", err)
				}
			}
		})
	}
}

func TestParseDatabaseURL(t *testing.T) {
	t.Parallel()
	const password = "s3cret-pw"
	tests := []struct {
		url        string
		wantDriver string
		wantPath   string
		wantInErr  string // non-empty: an error containing this is expected
	}{
		{url: "", wantDriver: "sqlite"},
		{url: "postgres://hotel:" + password + "@db:5432/hotel", wantDriver: "postgres"},
		{url: "postgresql://hotel:" + password + "@db:5432/hotel?sslmode=disable", wantDriver: "postgres"},
		{url: "POSTGRES://hotel@db/hotel", wantDriver: "postgres"},
		{url: "postgres://hotel:" + password + "@/hotel?host=/var/run/postgresql", wantDriver: "postgres"},
		{url: "sqlite:./x.db", wantDriver: "sqlite", wantPath: "./x.db"},
		{url: "sqlite:///var/lib/hotel.db", wantDriver: "sqlite", wantPath: "/var/lib/hotel.db"},
		{url: "file:hotel.db", wantDriver: "sqlite", wantPath: "hotel.db"},
		{url: "sqlite:", wantInErr: "needs a file path"},
		{url: "postgresql+asyncpg://hotel:" + password + "@db:5432/hotel", wantInErr: `driver suffix "+asyncpg"`},
		{url: "postgres+psycopg2://hotel:" + password + "@db/hotel", wantInErr: `driver suffix "+psycopg2"`},
		{url: "mysql://hotel:" + password + "@db/hotel", wantInErr: `scheme "mysql" is not supported`},
		{url: "postgres://hotel:" + password + "@/hotel", wantInErr: "not a valid PostgreSQL URL"},
		{url: "postgres://hotel:" + password + "@db:notaport/hotel", wantInErr: "not a valid PostgreSQL URL"},
		{url: "postgres://hotel:" + password + "@db:5432/hotel%zz", wantInErr: "not a valid PostgreSQL URL"},
		{url: "hotel-" + password, wantInErr: "must be a URL such as"},
		// A libpq key/value string is not a URL; the text before its first
		// colon holds the start of the password and must not be repeated.
		{url: "user=hotel password=" + password + ":x host=db", wantInErr: "must be a URL such as"},
		{url: "password=" + password + " host=db:5432", wantInErr: "must be a URL such as"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			driver, path, err := config.ParseDatabaseURL(tt.url)
			if tt.wantInErr != "" {
				if err == nil {
					t.Fatalf("ParseDatabaseURL = %q, %q; want an error", driver, path)
				}
				if !strings.Contains(err.Error(), tt.wantInErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantInErr)
				}
				if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error %q repeats the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDatabaseURL: %v", err)
			}
			if driver != tt.wantDriver || path != tt.wantPath {
				t.Errorf("ParseDatabaseURL = %q, %q; want %q, %q", driver, path, tt.wantDriver, tt.wantPath)
			}
		})
	}
}

func TestParseTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want      []string
		wantInErr []string
	}{
		{in: "all", want: []string{"booking", "gateway", "inventory", "scheduler"}},
		{in: "ALL", want: []string{"booking", "gateway", "inventory", "scheduler"}},
		{in: "gateway", want: []string{"gateway"}},
		{in: "inventory,gateway", want: []string{"gateway", "inventory"}},
		{in: " Booking , INVENTORY ", want: []string{"booking", "inventory"}},
		{in: "booking,booking", want: []string{"booking"}},
		{in: "all,gateway", want: []string{"booking", "gateway", "inventory", "scheduler"}},
		{in: "gateways", wantInErr: []string{`HOTEL_TARGET="gateways"`, `unknown target "gateways"`, "use all, or a comma list of gateway, booking, inventory, scheduler"}},
		{in: "gateway,", wantInErr: []string{`unknown target ""`, "gateway, booking, inventory, scheduler"}},
		{in: "", wantInErr: []string{`unknown target ""`}},
		{in: "gateway;booking", wantInErr: []string{`unknown target "gateway;booking"`}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := config.ParseTargets(tt.in)
			if len(tt.wantInErr) > 0 {
				if err == nil {
					t.Fatalf("ParseTargets = %q, want an error", got)
				}
				for _, s := range tt.wantInErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTargets: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseTargets = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConfigTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		targets   []string
		split, gw bool
	}{
		{config.AllTargets, false, true},
		{[]string{"gateway"}, true, true},
		{[]string{"booking"}, true, false},
		{[]string{"inventory"}, true, false},
		{[]string{"scheduler"}, true, false},
		{[]string{"gateway", "inventory", "booking"}, true, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.targets, ","), func(t *testing.T) {
			t.Parallel()
			c := &config.Config{Targets: tt.targets}
			if c.Split() != tt.split || c.Has(config.TargetGateway) != tt.gw {
				t.Errorf("Split, Has(gateway) = %v, %v; want %v, %v", c.Split(), c.Has(config.TargetGateway), tt.split, tt.gw)
			}
		})
	}
}

// Every setting has a distinct variable and flag, so Load's lookup is unambiguous.
func TestSettingsDistinct(t *testing.T) {
	t.Parallel()
	envs, flags := map[string]bool{}, map[string]bool{}
	for _, s := range config.Settings {
		if envs[s.Env] || (s.Flag != "" && flags[s.Flag]) {
			t.Errorf("setting %s/%s is listed twice", s.Env, s.Flag)
		}
		envs[s.Env], flags[s.Flag] = true, true
		if s.Help == "" {
			t.Errorf("setting %s has no help", s.Env)
		}
	}
}

// testSecret is a secret of the accepted shape: 32 characters or more, of
// enough variety.
const testSecret = "admin-key-0123456789-abcdefghij-0123"
