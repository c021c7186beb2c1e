package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/accounts"
	"github.com/hotelplatform/hotel/internal/store"
)

const usersUsage = "usage: hotel users create --email E --role front_desk|revenue|admin [--hotels 1,2] [--password-stdin] | " +
	"hotel users list | hotel users disable EMAIL | hotel users enable EMAIL | hotel users revoke-sessions EMAIL   [database flags]"

// users manages the console's staff users: create (a generated first
// password is printed once, unless --password-stdin gives one), list,
// disable, enable, revoke-sessions.
func users(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usersUsage}
	}
	action, args := args[0], args[1:]
	fs := flag.NewFlagSet("users "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email (unique)")
	role := fs.String("role", "", "role: "+strings.Join(hotel.AllRoles, ", "))
	hotels := fs.String("hotels", "", "comma-separated ids of the hotels the user is limited to (default: every hotel)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	st, rest, err := openForCommand(ctx, "users", fs, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := accounts.New(st, accounts.Options{Log: slog.New(slog.DiscardHandler)})
	byEmail := func() (hotel.User, error) {
		if len(rest) != 1 {
			return hotel.User{}, usageError{usersUsage}
		}
		u, err := st.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(rest[0])))
		if errors.Is(err, store.ErrNotFound) {
			return u, fmt.Errorf("no user has email %q (see hotel users list)", rest[0])
		}
		return u, err
	}
	switch action {
	case "create":
		if len(rest) > 0 || *email == "" || *role == "" {
			return usageError{usersUsage}
		}
		if err := hotel.CheckRole("role", *role); err != nil {
			return errors.New("--role: " + fieldReasons(err))
		}
		ids, err := hotelLimit(ctx, st, *hotels, hotel.RoleScopes[*role])
		if err != nil {
			return err
		}
		in := accounts.UserInput{Email: email, Role: role, HotelIDs: &ids}
		if *fromStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			pw := strings.TrimRight(line, "\r\n")
			in.Password = &pw
		}
		u, err := svc.CreateUser(ctx, in)
		if err != nil {
			return errors.New(fieldReasons(err))
		}
		fmt.Fprintf(stdout, "created user %s (id %d), role %s, %s\n", u.Email, u.ID, u.Role, describeHotels(u.HotelIDs))
		if u.Password != "" {
			fmt.Fprintf(stdout, "first password (shown only now): %s\n", u.Password)
		}
		return nil
	case "list":
		if len(rest) > 0 {
			return usageError{usersUsage}
		}
		us, err := svc.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tHOTELS\tLAST SIGN-IN\tSTATE")
		for _, u := range us {
			last, state := "never", "active"
			if u.LastSignInAt != nil {
				last = u.LastSignInAt.UTC().Format(time.RFC3339)
			}
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, describeHotels(u.HotelIDs), last, state)
		}
		return tw.Flush()
	case "disable", "enable":
		u, err := byEmail()
		if err != nil {
			return err
		}
		disabled := action == "disable"
		if _, err := svc.UpdateUser(ctx, u.ID, accounts.UserInput{Disabled: &disabled}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s %sd\n", u.Email, action)
		return nil
	case "revoke-sessions":
		u, err := byEmail()
		if err != nil {
			return err
		}
		n, err := svc.RevokeSessions(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d session(s) of %s\n", n, u.Email)
		return nil
	default:
		return usageError{usersUsage}
	}
}
