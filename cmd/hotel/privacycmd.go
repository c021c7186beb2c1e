package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/config"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

const privacyUsage = "usage: hotel privacy erase --booking ID   [database flags]"

// privacyCmd erases one booking's guest data on the guest's request, as
// POST /bookings/{booking_id}/erase does: the guest name becomes
// "(erased)" and the access token stops working; the stay is kept.
func privacyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "erase" {
		return usageError{privacyUsage}
	}
	fs := flag.NewFlagSet("privacy erase", flag.ContinueOnError)
	fs.SetOutput(stderr)
	booking := fs.String("booking", "", "id of the booking whose guest data to erase")
	own, dbArgs := splitArgs(fs, args[1:])
	if err := fs.Parse(own); err != nil {
		return err
	}
	cfg, rest, err := config.Load("privacy", dbArgs, getenv, stderr, dbFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 || len(fs.Args()) > 0 || *booking == "" {
		return usageError{privacyUsage}
	}
	id, ok := hotel.ParseBookingID(*booking)
	if !ok {
		return fmt.Errorf("%q is not a booking id (a UUID)", *booking)
	}
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	st, err := openExisting(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	switch err := st.EraseGuest(ctx, id, time.Now()); {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("booking %s was not found", id)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("booking %s is being changed; try again shortly", id)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "booking %s: guest name erased, access token revoked\n", id)
	return nil
}
