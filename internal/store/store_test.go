package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
)

func TestTranslator(t *testing.T) {
	driverErr := errors.New("driver")
	class := ClassOther
	tr := Translator{Classify: func(error) ErrorClass { return class }}
	if tr.Translate(nil) != nil {
		t.Fatal("nil translated")
	}
	if err := fmt.Errorf("x: %w", ErrConflict); tr.Translate(err) != err { //nolint:errorlint // the very same error value
		t.Error("a sentinel error was translated again")
	}
	for _, c := range []struct {
		class   ErrorClass
		in      error
		want    error
		counted bool
	}{
		{ClassNotFound, driverErr, ErrNotFound, false},
		{ClassConflict, driverErr, ErrConflict, false},
		{ClassUnavailable, driverErr, ErrUnavailable, true},
		{ClassOther, driverErr, driverErr, true},
		{ClassOther, context.Canceled, context.Canceled, false},
	} {
		class = c.class
		before := tr.Errors()
		got := tr.Translate(c.in)
		if !errors.Is(got, c.want) {
			t.Errorf("class %d: %v, want %v", c.class, got, c.want)
		}
		if c.class != ClassNotFound && !errors.Is(got, c.in) {
			t.Errorf("class %d: %v does not wrap the driver error", c.class, got)
		}
		if counted := tr.Errors() > before; counted != c.counted {
			t.Errorf("class %d (%v): counted %v, want %v", c.class, c.in, counted, c.counted)
		}
	}
}

func TestDateAndTimeDest(t *testing.T) {
	day := hotel.NewDate(2030, 1, 2)
	for _, src := range []any{day.Time(), "2030-01-02", []byte("2030-01-02")} {
		var d hotel.Date
		if err := DateDest(&d).Scan(src); err != nil || d != day {
			t.Errorf("DateDest(%T) = %v, %v", src, d, err)
		}
	}
	d := day
	if err := DateDest(&d).Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("DateDest(nil) = %v, %v", d, err)
	}
	if err := DateDest(&d).Scan("2030-02-30"); err == nil {
		t.Error("DateDest took an impossible date")
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)
	for _, src := range []any{at.In(time.FixedZone("X", 3600)), "2030-01-02T03:04:05.000006Z", "2030-01-02T04:04:05.000006+01:00"} {
		var got time.Time
		if err := TimeDest(&got).Scan(src); err != nil || !got.Equal(at) || got.Location() != time.UTC {
			t.Errorf("TimeDest(%v) = %v, %v", src, got, err)
		}
	}
	if err := TimeDest(&at).Scan(nil); err != nil || !at.IsZero() {
		t.Errorf("TimeDest(nil) = %v, %v", at, err)
	}
}

func TestNights(t *testing.T) {
	d := hotel.NewDate(2030, 1, 1)
	all := Stay(d, d.AddDays(4))
	if len(all) != 4 || all[0] != d || all[3] != d.AddDays(3) || Stay(d, d) != nil {
		t.Fatalf("Stay = %v", all)
	}
	if got := Minus(all, []hotel.Date{d.AddDays(3), d.AddDays(1)}); !slices.Equal(got, []hotel.Date{d, d.AddDays(2)}) {
		t.Errorf("Minus = %v", got)
	}
	if RefuseNights(ErrConflict, nil) != nil {
		t.Error("RefuseNights without nights is an error")
	}
	var ne *NightsError
	if err := RefuseNights(ErrNotFound, all[:1]); !errors.As(err, &ne) || !errors.Is(err, ErrNotFound) || len(ne.Nights) != 1 {
		t.Errorf("RefuseNights = %v", err)
	}
	if err := DistinctNights([]hotel.NightPrice{{Date: d}, {Date: d}}); !errors.Is(err, ErrConflict) {
		t.Errorf("DistinctNights(twice) = %v", err)
	}
}

func TestStatusesBefore(t *testing.T) {
	if got := StatusesBefore(hotel.StatusConfirmed); !slices.Equal(got, []string{hotel.StatusConfirmed, hotel.StatusPending}) {
		t.Errorf("StatusesBefore(confirmed) = %v", got)
	}
	if got := StatusesBefore(hotel.StatusPending); !slices.Equal(got, []string{hotel.StatusPending}) {
		t.Errorf("StatusesBefore(pending) = %v", got)
	}
}
