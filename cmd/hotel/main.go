// Command hotel is the hotel inventory and booking platform: one binary that
// serves every target in one process (the default) or any of them alone.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // hotel-local dates must work on images without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "hotel:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is the exit status of a command that failed with err: 2 for a
// mistake in the command line, 3 when loadtest could not check the
// invariants (errNotChecked), else 1.
func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue) || errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, errNotChecked):
		return exitNotChecked
	default:
		return 1
	}
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `hotel — hotel inventory and booking platform

Usage:
  hotel serve   [flags]            run the targets (default all) on HOTEL_ADDR
  hotel migrate up|status [flags]  apply or show database migrations
  hotel seed    [--hotels N --days D --seed S] [flags]
                                   load the sample hotels, or a large synthetic data set
  hotel keys create --name N --scopes s1,s2 [--hotels 1,2] | list | revoke NAME
                                   manage API keys (a new key is printed once)
  hotel users create --email E --role R [--hotels 1,2] [--password-stdin]
            | list | disable E | enable E | revoke-sessions E
                                   manage the console's staff users (a generated first
                                   password is printed once)
  hotel jobs run NAME [flags]      run a scheduler job now: complete-checkouts,
                                   recover-pending, reconcile, erase-guest-names,
                                   mark-no-shows (with HOTEL_NO_SHOW_AT)
  hotel privacy erase --booking ID [flags]
                                   erase a booking's guest data (name, access token)
  hotel check [--repair] [flags]   prove held rooms equal bookings on every night
                                   (exit 1 on drift); --repair fixes it from the bookings
  hotel loadtest [--scenario mixed|rush|modify-storm] [--clients N|--rate R] [--duration D]
                                   drive a running system, report, check the invariants on
                                   its database (exit 1: one broke; 3: could not check)
  hotel healthcheck [--addr A]     exit 0 if the server on HOTEL_ADDR answers /healthz
  hotel version                    print the version

Only migrate and serve (HOTEL_AUTO_MIGRATE) create the schema: the other
commands refuse a database without it (run "hotel migrate up" first).

Run "hotel <command> -h" for the flags of a command. Every flag has an
environment variable (see README); flags win over the environment, which
wins over a .env file in the working directory.
`

// run is the whole program; main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return seed(ctx, rest, getenv, stdout, stderr)
	case "keys":
		return keys(ctx, rest, getenv, stdout, stderr)
	case "users":
		return users(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "jobs":
		return jobs(ctx, rest, getenv, stdout, stderr)
	case "privacy":
		return privacyCmd(ctx, rest, getenv, stdout, stderr)
	case "check":
		return check(ctx, rest, getenv, stdout, stderr)
	case "loadtest":
		return loadtestCmd(ctx, rest, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, rest, getenv, stdout, stderr)
	case "version", "--version", "-version":
		return printVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}
