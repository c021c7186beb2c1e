package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

const keysUsage = "usage: hotel keys create --name NAME --scopes s1,s2 [--hotels 1,2] | hotel keys list | hotel keys revoke NAME   [database flags]"

// keys manages API keys: create (the key is printed once), list, revoke.
func keys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{keysUsage}
	}
	action, args := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "key name (unique among active keys)")
	scopes := fs.String("scopes", "", "comma-separated scopes: "+strings.Join(hotel.AllScopes, ", "))
	hotels := fs.String("hotels", "", "comma-separated ids of the hotels the key is limited to (default: every hotel)")
	st, rest, err := openForCommand(ctx, "keys", fs, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	switch action {
	case "create":
		if len(rest) > 0 || *name == "" {
			return usageError{keysUsage}
		}
		if len(*name) > 64 || strings.ContainsFunc(*name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return errors.New("key name must be 1-64 characters without spaces or control characters")
		}
		sc, err := hotel.ParseScopes(*scopes)
		if err != nil {
			return errors.New(hotel.ErrorMessage(err))
		}
		ids, err := hotelLimit(ctx, st, *hotels, sc)
		if err != nil {
			return err
		}
		key, prefix, hash := auth.NewKey()
		k := hotel.APIKey{Name: *name, Prefix: prefix, Hash: hash, Scopes: sc, HotelIDs: ids}
		if err := st.CreateAPIKey(ctx, &k); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("an active key is already called %q; revoke it first or choose another name", *name)
			}
			return err
		}
		fmt.Fprintf(stdout, "created key %q with scopes %s (%s); it is shown only now:\n%s\n", k.Name, strings.Join(sc, ","),
			describeHotels(ids), key)
		return nil
	case "list":
		if len(rest) > 0 {
			return usageError{keysUsage}
		}
		ks, err := st.ListAPIKeys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPREFIX\tSCOPES\tHOTELS\tCREATED\tLAST USED\tSTATE")
		for _, k := range ks {
			used, state := "never", "active"
			if !k.LastUsedAt.IsZero() {
				used = k.LastUsedAt.UTC().Format(time.RFC3339)
			}
			if k.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(tw, "%s\thk_%s_…\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Prefix, strings.Join(k.Scopes, ","),
				describeHotels(k.HotelIDs), k.CreatedAt.UTC().Format(time.RFC3339), used, state)
		}
		return tw.Flush()
	case "revoke":
		if len(rest) != 1 {
			return usageError{keysUsage}
		}
		if err := st.RevokeAPIKey(ctx, rest[0], time.Now()); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no active key is called %q (see hotel keys list)", rest[0])
			}
			return err
		}
		fmt.Fprintf(stdout, "revoked key %q; it is refused from now on\n", rest[0])
		return nil
	default:
		return usageError{keysUsage}
	}
}

// openForCommand parses the arguments of a command that manages records
// in the database: its own flags (fs) and the database flags, and opens
// the database (its schema made already). It returns the arguments left.
func openForCommand(ctx context.Context, name string, fs *flag.FlagSet, args []string, getenv func(string) string,
	stderr io.Writer) (store.Store, []string, error) {
	own, dbArgs := splitArgs(fs, args)
	if err := fs.Parse(own); err != nil {
		return nil, nil, err
	}
	cfg, rest, err := config.Load(name, dbArgs, getenv, stderr, dbFlags...)
	if err != nil {
		return nil, nil, err
	}
	st, err := openExisting(ctx, cfg, telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel))
	return st, append(fs.Args(), rest...), err
}

// hotelLimit reads a --hotels list for a principal with scopes: existing
// hotels, no limit on admin.
func hotelLimit(ctx context.Context, st store.Store, list string, scopes []string) ([]int64, error) {
	ids, err := hotel.ParseHotelIDs("hotels", list)
	if err == nil {
		err = hotel.CheckHotelLimit("hotels", ids, scopes)
	}
	if err != nil {
		return nil, errors.New("--hotels: " + fieldReasons(err))
	}
	for _, id := range ids {
		if _, err := st.GetHotel(ctx, id); errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("--hotels: hotel %d does not exist", id)
		} else if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// describeHotels renders a hotel limit for people.
func describeHotels(ids []int64) string {
	if len(ids) == 0 {
		return "every hotel"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "hotels " + strings.Join(parts, ",")
}

// fieldReasons renders a validation error's reasons for a command line.
func fieldReasons(err error) string {
	var e *hotel.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return hotel.ErrorMessage(err)
	}
	reasons := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		reasons[i] = f.Reason
	}
	return strings.Join(reasons, "; ")
}

// isBool reports whether f takes no value (flag.Bool and the like).
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// splitArgs separates the flags defined on fs (a command's own, with their
// values; boolean flags take none) from the rest, which go to config.Load.
func splitArgs(fs *flag.FlagSet, args []string) (own, rest []string) {
	takesValue := false // the previous argument was a flag whose value follows
	for _, a := range args {
		if takesValue {
			own, takesValue = append(own, a), false
			continue
		}
		name := flagName(a)
		f := fs.Lookup(name)
		if f == nil && name != "h" && name != "help" {
			rest = append(rest, a)
			continue
		}
		own = append(own, a)
		// -h, a boolean, and -name=value carry no separate value.
		takesValue = f != nil && !isBool(f) && !strings.Contains(a, "=")
	}
	return own, rest
}
