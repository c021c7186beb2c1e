package scheduler_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // raw access to the test database, to corrupt it

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/scheduler"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/postgres"
	"github.com/hotelplatform/hotel/internal/store/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func TestCheckoutCutoff(t *testing.T) {
	t.Parallel()
	// 2030-01-02T05:30Z is 05:30 in London, 00:30 in New York, 18:30 in Auckland.
	at := time.Date(2030, 1, 2, 5, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone  string
		now   time.Time
		runAt time.Duration
		want  string
	}{
		{"Europe/London", at, 0, "2030-01-01"},                                   // London's 2 Jan has begun
		{"America/New_York", at, 0, "2030-01-01"},                                // New York's 2 Jan has just begun
		{"Pacific/Auckland", at, 0, "2030-01-01"},                                // Auckland's 2 Jan is nearly over
		{"America/New_York", at.Add(-time.Hour), 0, "2029-12-31"},                // 23:30 on 1 Jan in New York
		{"Pacific/Auckland", at.Add(6 * time.Hour), 0, "2030-01-02"},             // 00:30 on 3 Jan in Auckland
		{"Europe/London", at, 6 * time.Hour, "2029-12-31"},                       // 05:30 < 06:00: yesterday's not yet
		{"Europe/London", at.Add(30 * time.Minute), 6 * time.Hour, "2030-01-01"}, // 06:00 exactly
		{"Europe/London", time.Date(2030, 1, 1, 23, 59, 59, 0, time.UTC), 0, "2029-12-31"},
		{"Europe/London", time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC), 0, "2030-01-01"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := scheduler.CheckoutCutoff(tc.now, loc, tc.runAt).String(); got != tc.want {
			t.Errorf("CheckoutCutoff(%s in %s, run at %v) = %s, want %s", tc.now, tc.zone, tc.runAt, got, tc.want)
		}
	}
}

// env is a booking service over a seeded store, with raw SQL access.
type env struct {
	st     store.Store
	exec   func(t *testing.T, q string)
	clock  *bookingtest.Clock
	inv    *inventory.Service
	faults *bookingtest.Faulty
	svc    *booking.Service
	logs   *strings.Builder
	mu     *sync.Mutex
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

var drivers = []string{"sqlite", "postgres"}

// eachEnv runs test on a fresh env of every driver, in parallel.
func eachEnv(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	t.Parallel()
	for _, d := range drivers {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, d))
		})
	}
}

func newEnv(t *testing.T, driver string) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{clock: bookingtest.NewClock(t, bookingtest.DefaultNow), logs: &strings.Builder{}, mu: &sync.Mutex{}}
	switch driver {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "hotel.db")
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		e.st = st
		e.exec = func(t *testing.T, q string) {
			t.Helper()
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	default:
		url := pgtest.NewDatabase(t)
		st, err := postgres.Open(ctx, url, postgres.Options{ConnectTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		raw, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(raw.Close)
		e.st = st
		e.exec = func(t *testing.T, q string) {
			t.Helper()
			if _, err := raw.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	if _, err := e.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.st.Load(ctx, bookingtest.Fixture().Dataset(), false); err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	e.inv = inventory.NewService(e.st, e.clock.Now)
	e.faults = bookingtest.NewFaulty(e.inv)
	log := slog.New(slog.NewJSONHandler(lockedWriter{e.mu, e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.svc = booking.New(e.st, e.faults, booking.Config{Backoff: time.Millisecond, Retries: -1}, e.clock.Now, log)
	return e
}

func (e *env) Logs() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logs.String()
}

// book creates a confirmed booking at the current clock.
func (e *env) book(t *testing.T, hotelID int64, roomType string, arrival hotel.Date, nights int, guest string) *hotel.Booking {
	t.Helper()
	b, err := e.svc.Create(context.Background(), hotel.NewBooking{
		GuestName: guest, HotelID: hotelID, RoomType: roomType, ArrivalDate: arrival, StayLength: nights, Adults: 1,
	})
	if err != nil {
		t.Fatalf("book %s: %v", arrival, err)
	}
	return b
}

func (e *env) status(t *testing.T, id string) hotel.Booking {
	t.Helper()
	b, err := e.st.GetBooking(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// held returns the rooms held on the nights from first of a room type.
func (e *env) held(t *testing.T, hotelID, rt int64, first hotel.Date, n int) []int {
	t.Helper()
	p, err := e.inv.HotelInventory(context.Background(), hotelID, hotel.InventoryFilter{StartDate: first, EndDate: first.AddDays(n - 1), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, it := range p.Items {
		if it.RoomTypeID == rt {
			out = append(out, it.TotalRooms-it.AvailableRooms)
		}
	}
	return out
}

func (e *env) scheduler(t *testing.T, cfg scheduler.Config) *scheduler.Scheduler {
	t.Helper()
	s, err := scheduler.New(e.st, scheduler.Jobs(e.st, e.svc, cfg, e.clock.Now, nil, nil), e.clock.Now, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, s *scheduler.Scheduler, job string) scheduler.Result {
	t.Helper()
	res, err := s.Run(context.Background(), job)
	if err != nil {
		t.Fatalf("run %s: %v", job, err)
	}
	return res
}

// TestCompleteCheckoutsByHotelZone books stays in London and Auckland and
// moves the clock across each hotel's midnight: a stay completes the first
// run after its check-out date has passed at the hotel, never on the day.
func TestCompleteCheckoutsByHotelZone(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.clock.Set(t, "2030-01-01T12:00:00Z")
		london := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 2, "Lettice Ormsby")     // out 2030-01-04
		auckland := e.book(t, bookingtest.Auckland, "Standard Rooms", bookingtest.Day(2), 2, "Tane Whitcombe") // out 2030-01-05
		later := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(3), 3, "Hester Pyke")         // out 2030-01-07
		s := e.scheduler(t, scheduler.Config{})
		steps := []struct {
			now       string
			completed []string
		}{
			{"2030-01-04T12:00:00Z", nil},                   // London's check-out day: not yet
			{"2030-01-04T23:59:59Z", nil},                   // still 4 Jan in London
			{"2030-01-05T00:00:00Z", []string{london.ID}},   // 5 Jan in London
			{"2030-01-05T10:59:59Z", nil},                   // 23:59:59 on 5 Jan in Auckland (NZDT, +13)
			{"2030-01-05T11:00:00Z", []string{auckland.ID}}, // 6 Jan in Auckland
			{"2030-01-08T00:00:00Z", []string{later.ID}},
		}
		for _, st := range steps {
			e.clock.Set(t, st.now)
			res := run(t, s, scheduler.JobCompleteCheckouts)
			if res.Counts["completed"] != len(st.completed) {
				t.Fatalf("at %s: completed %d, want %v", st.now, res.Counts["completed"], st.completed)
			}
			for _, id := range st.completed {
				if b := e.status(t, id); b.Status != hotel.StatusCompleted || b.SyncPending {
					t.Fatalf("at %s: booking %s is %s (sync %v), want completed", st.now, id, b.Status, b.SyncPending)
				}
			}
			// Running again at once changes nothing.
			if again := run(t, s, scheduler.JobCompleteCheckouts); again.Items != 0 {
				t.Fatalf("at %s: a second run processed %d bookings", st.now, again.Items)
			}
		}
		// The stays' nights stay held: they were slept in.
		if got := e.held(t, bookingtest.London, bookingtest.LondonStandard, bookingtest.Day(1), 6); fmt.Sprint(got) != "[1 1 1 1 1 0]" {
			t.Fatalf("held after completion = %v", got)
		}
		if logs := e.Logs(); strings.Contains(logs, "Lettice") || strings.Contains(logs, "Whitcombe") {
			t.Fatal("a guest name reached the log")
		}
	})
}

// TestCompleteReleasesNightsAfterCheckout: a hold that still has nights on
// or after the check-out date gives them back when the stay completes.
func TestCompleteReleasesNightsAfterCheckout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 2, "Guest A")
		// The hold runs two nights past the booking's check-out (drift).
		if _, err := e.inv.MoveHold(ctx, b.ID, hotel.HoldMove{RoomTypeID: bookingtest.LondonStandard, CheckIn: bookingtest.Day(1), CheckOut: bookingtest.Day(5)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(t, "2030-01-10T12:00:00Z")
		res := run(t, e.scheduler(t, scheduler.Config{}), scheduler.JobCompleteCheckouts)
		if res.Counts["completed"] != 1 {
			t.Fatalf("completed %d", res.Counts["completed"])
		}
		if got := e.held(t, bookingtest.London, bookingtest.LondonStandard, bookingtest.Day(1), 4); fmt.Sprint(got) != "[1 1 0 0]" {
			t.Fatalf("held after completion = %v, want the nights from check-out released", got)
		}
	})
}

// TestConcurrentRuns completes each booking exactly once whether two
// schedulers race for the lease or two runs go ahead without it.
func TestConcurrentRuns(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const n = 30
		for i := range n {
			e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(i), 1+i%3, fmt.Sprintf("Guest %d", i))
		}
		e.clock.Set(t, "2030-03-01T12:00:00Z")

		// Without the lease: the job's own function, twice at once.
		jobs := scheduler.Jobs(e.st, e.svc, scheduler.Config{BatchSize: 7}, e.clock.Now, nil, nil)
		var mu sync.Mutex
		completed, skipped := 0, 0
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				res, err := jobs[0].Run(context.Background(), func(context.Context) error { return nil })
				if err != nil {
					t.Errorf("run: %v", err)
				}
				mu.Lock()
				completed += res.Counts["completed"]
				skipped += res.Counts["skipped"]
				mu.Unlock()
			})
		}
		wg.Wait()
		if completed != n {
			t.Fatalf("two lock-free runs completed %d bookings (skipped %d), want each of %d exactly once", completed, skipped, n)
		}
		for _, b := range allBookings(t, e) {
			if b.Status != hotel.StatusCompleted || b.SyncPending {
				t.Fatalf("booking %s is %s (sync %v)", b.ID, b.Status, b.SyncPending)
			}
		}

		// With the lease: two schedulers at once; one runs, the other is
		// told the job is busy (or runs after and finds nothing).
		s1, s2 := e.scheduler(t, scheduler.Config{}), e.scheduler(t, scheduler.Config{})
		errs := make(chan error, 2)
		for _, s := range []*scheduler.Scheduler{s1, s2} {
			wg.Go(func() {
				_, err := s.Run(context.Background(), scheduler.JobReconcile)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil && !errors.Is(err, scheduler.ErrBusy) {
				t.Fatalf("run = %v", err)
			}
		}
	})
}

func allBookings(t *testing.T, e *env) []hotel.Booking {
	t.Helper()
	bs, err := e.st.ListBookings(context.Background(), hotel.BookingFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

// TestLeaseExcludesSecondRunner: while one runner holds a job's lease,
// another is refused; once it is released, the other may run.
func TestLeaseExcludesSecondRunner(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	now := e.clock.Now()
	if ok, err := e.st.AcquireLease(ctx, scheduler.JobRecoverPending, "someone-else", now, now.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("AcquireLease = %v, %v", ok, err)
	}
	s := e.scheduler(t, scheduler.Config{})
	if _, err := s.Run(ctx, scheduler.JobRecoverPending); !errors.Is(err, scheduler.ErrBusy) {
		t.Fatalf("run while leased elsewhere = %v, want ErrBusy", err)
	}
	e.clock.Add(2 * time.Minute) // the other runner's lease expires
	if _, err := s.Run(ctx, scheduler.JobRecoverPending); err != nil {
		t.Fatalf("run after the lease expired = %v", err)
	}
	if _, err := s.Run(ctx, "no-such-job"); !errors.Is(err, scheduler.ErrUnknownJob) {
		t.Fatalf("unknown job = %v", err)
	}
}

// crashing fails CompleteStay after a number of bookings, as a process
// that dies in the middle of a batch.
type crashing struct {
	scheduler.Bookings
	mu   sync.Mutex
	left int
}

var errCrash = errors.New("crash")

func (c *crashing) CompleteStay(ctx context.Context, b hotel.Booking) (bool, error) {
	c.mu.Lock()
	c.left--
	left := c.left
	c.mu.Unlock()
	if left < 0 {
		return false, errCrash
	}
	return c.Bookings.CompleteStay(ctx, b)
}

// TestCrashMidBatchResumes: a run that dies part-way leaves every booking
// either completed or untouched; the next run completes the rest, and a
// release lost in between is finished by recovery.
func TestCrashMidBatchResumes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const n = 12
		for i := range n {
			e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(i%4), 2, fmt.Sprintf("Guest %d", i))
		}
		e.clock.Set(t, "2030-02-01T12:00:00Z")
		cfg := scheduler.Config{BatchSize: 5}
		crash := &crashing{Bookings: e.svc, left: 7}
		jobs := scheduler.Jobs(e.st, crash, cfg, e.clock.Now, nil, nil)
		if _, err := jobs[0].Run(context.Background(), func(context.Context) error { return nil }); !errors.Is(err, errCrash) {
			t.Fatalf("crashing run = %v", err)
		}
		done := 0
		for _, b := range allBookings(t, e) {
			switch {
			case b.Status == hotel.StatusCompleted && !b.SyncPending:
				done++
			case b.Status == hotel.StatusConfirmed && !b.SyncPending:
			default:
				t.Fatalf("after the crash, booking %s is %s (sync %v)", b.ID, b.Status, b.SyncPending)
			}
		}
		if done != 7 {
			t.Fatalf("%d bookings completed before the crash, want 7", done)
		}
		// The release of the next one is lost too.
		e.faults.Set(bookingtest.ReleaseHold, bookingtest.Fault{Err: bookingtest.Unavailable, Times: 1})
		s := e.scheduler(t, cfg)
		if res := run(t, s, scheduler.JobCompleteCheckouts); res.Counts["completed"] != n-7 {
			t.Fatalf("the resumed run completed %d, want %d", res.Counts["completed"], n-7)
		}
		e.clock.Add(2 * time.Minute)
		if res := run(t, s, scheduler.JobRecoverPending); res.Counts["released"] != 1 {
			t.Fatalf("recovery = %+v, want the lost release finished", res)
		}
		for _, b := range allBookings(t, e) {
			if b.Status != hotel.StatusCompleted || b.SyncPending {
				t.Fatalf("booking %s is %s (sync %v)", b.ID, b.Status, b.SyncPending)
			}
		}
		if rep, err := scheduler.Reconcile(context.Background(), e.st, nil, false); err != nil || len(rep.Drift) != 0 {
			t.Fatalf("drift after resuming: %+v, %v", rep.Drift, err)
		}
	})
}

// TestReconcileRepairs corrupts inventory three ways — a held counter, a
// hold without a booking, a cancelled booking still holding — and checks
// that reconcile reports each night and repair restores equality.
func TestReconcileRepairs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 3, "Guest A")
		c := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(10), 1, "Guest C")
		if rep, err := scheduler.Reconcile(ctx, e.st, e.svc, true); err != nil || len(rep.Drift) != 0 {
			t.Fatalf("clean reconcile = %+v, %v", rep, err)
		}

		e.exec(t, fmt.Sprintf(`UPDATE inventory_night SET held = held + 2 WHERE room_type_id = %d AND night = '%s'`, bookingtest.LondonStandard, bookingtest.Day(2)))
		orphan := "0190a5d2-6c7e-7b3a-9f1e-0000000000ff"
		if _, _, err := e.inv.CreateHold(ctx, hotel.HoldRequest{BookingID: orphan, HotelID: bookingtest.London, RoomTypeID: bookingtest.LondonStandard, CheckIn: bookingtest.Day(20), CheckOut: bookingtest.Day(22)}); err != nil {
			t.Fatal(err)
		}
		// Confirmed, as a settled create's hold is: no longer in flight.
		if _, err := e.inv.ConfirmHolds(ctx, []string{orphan}); err != nil {
			t.Fatal(err)
		}
		e.exec(t, fmt.Sprintf(`UPDATE booking SET status = 'cancelled' WHERE id = '%s'`, c.ID))

		rep, err := scheduler.Reconcile(ctx, e.st, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range rep.Drift {
			got = append(got, fmt.Sprintf("%s:%d/%d/%d", n.Date, n.Held, n.HoldNights, n.Bookings))
		}
		want := []string{"2030-01-03:3/1/1", "2030-01-11:1/1/0", "2030-01-21:1/1/0", "2030-01-22:1/1/0"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("drift = %v, want %v", got, want)
		}
		// The hotel's staff see the same nights (and another hotel none),
		// and then the booking marked in flight (more than a minute ago);
		// its nights are then left out of the drift until it settles.
		now := e.clock.Now()
		att, err := scheduler.ReadAttention(ctx, e.st, bookingtest.London, now)
		if err != nil || len(att.Drift) != 4 || att.Drift[0].Date.String() != "2030-01-03" || att.Drift[0].Held != 3 ||
			att.Drift[0].Bookings != 1 || len(att.Unsettled) != 0 {
			t.Fatalf("attention = %+v, %v", att, err)
		}
		e.exec(t, fmt.Sprintf(`UPDATE booking SET sync_pending = true WHERE id = '%s'`, a.ID))
		if att, err := scheduler.ReadAttention(ctx, e.st, bookingtest.London, now.Add(time.Hour)); err != nil || len(att.Drift) != 3 ||
			len(att.Unsettled) != 1 || att.Unsettled[0].BookingID != a.ID || att.Unsettled[0].ConfirmationCode != a.ConfirmationCode {
			t.Fatalf("attention with a booking in flight = %+v, %v", att, err)
		}
		if att, err := scheduler.ReadAttention(ctx, e.st, bookingtest.London, now); err != nil || len(att.Unsettled) != 0 {
			t.Fatalf("attention for a booking marked just now = %+v, %v", att, err)
		}
		if att, err := scheduler.ReadAttention(ctx, e.st, bookingtest.London+1, now.Add(time.Hour)); err != nil || len(att.Drift)+len(att.Unsettled) != 0 {
			t.Fatalf("another hotel's attention = %+v, %v", att, err)
		}
		e.exec(t, fmt.Sprintf(`UPDATE booking SET sync_pending = false WHERE id = '%s'`, a.ID))
		// The job reports the same, without repairing.
		if res := run(t, e.scheduler(t, scheduler.Config{}), scheduler.JobReconcile); res.Items != 4 {
			t.Fatalf("reconcile job found %d drifting nights, want 4", res.Items)
		}

		rep, err = scheduler.Reconcile(ctx, e.st, e.svc, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Remaining) != 0 || rep.Recounted != 1 || rep.Resynced < 3 {
			t.Fatalf("repair = %+v", rep)
		}
		if rep, err := scheduler.Reconcile(ctx, e.st, nil, false); err != nil || len(rep.Drift) != 0 {
			t.Fatalf("after repair: %+v, %v", rep.Drift, err)
		}
		if got := e.held(t, bookingtest.London, bookingtest.LondonStandard, bookingtest.Day(0), 23); fmt.Sprint(got) != "[0 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]" {
			t.Fatalf("held after repair = %v", got)
		}
		if b := e.status(t, a.ID); b.Status != hotel.StatusConfirmed {
			t.Fatalf("booking A is %s", b.Status)
		}
	})
}

// TestEraseGuestNames: erase-guest-names replaces the guest names of stays
// that checked out, and of bookings cancelled, more than the retention
// period ago; nothing else about them changes, and 0 keeps names forever.
func TestEraseGuestNames(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.clock.Set(t, "2030-01-01T12:00:00Z")
		stay := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 2, "Lettice Ormsby") // out 2030-01-04
		later := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(5), 2, "Hester Pyke")   // out 2030-01-08
		cancelled := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(20), 2, "Tane Whitcombe")
		if _, err := e.svc.Cancel(ctx, cancelled.ID, cancelled.Version); err != nil {
			t.Fatal(err)
		}
		upcoming := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(40), 2, "Ada Byron")
		e.clock.Set(t, "2030-01-10T12:00:00Z")
		if res := run(t, e.scheduler(t, scheduler.Config{}), scheduler.JobCompleteCheckouts); res.Counts["completed"] != 2 {
			t.Fatalf("completed %v", res.Counts)
		}
		before := map[string]hotel.Booking{}
		for _, b := range []*hotel.Booking{stay, later, cancelled, upcoming} {
			before[b.ID] = e.status(t, b.ID)
		}
		held := fmt.Sprint(e.held(t, bookingtest.London, bookingtest.LondonStandard, bookingtest.Day(1), 45))
		steps := []struct {
			now    string
			days   int
			erased []string
		}{
			{"2030-01-10T12:00:00Z", 0, nil},                    // keep forever
			{"2030-01-10T12:00:00Z", 7, []string{cancelled.ID}}, // cancelled 1 Jan < 3 Jan
			{"2030-01-12T12:00:00Z", 7, []string{stay.ID}},      // out 4 Jan < 5 Jan
			{"2030-01-12T12:00:00Z", 7, nil},                    // a second run: nothing more
			{"2030-01-15T12:00:00Z", 7, nil},                    // out 8 Jan, not before 8 Jan
			{"2030-01-20T12:00:00Z", 7, []string{later.ID}},     // out 8 Jan < 13 Jan
			{"2031-06-01T12:00:00Z", 7, nil},                    // a stay never completed is never due
		}
		done := map[string]bool{}
		for _, st := range steps {
			e.clock.Set(t, st.now)
			res := run(t, e.scheduler(t, scheduler.Config{GuestRetentionDays: st.days, BatchSize: 1}), scheduler.JobEraseGuestNames)
			if res.Counts["erased"] != len(st.erased) || res.Items != len(st.erased) {
				t.Fatalf("at %s, %d days: erased %v (items %d), want %v", st.now, st.days, res.Counts, res.Items, st.erased)
			}
			for _, id := range st.erased {
				done[id] = true
			}
			for id, b := range before {
				got := e.status(t, id)
				want := b
				if done[id] {
					want.GuestName, want.Version = store.ErasedGuestName, b.Version+1
				}
				if got.GuestName != want.GuestName || got.Version != want.Version || got.Status != b.Status ||
					got.ArrivalDate != b.ArrivalDate || got.StayLength != b.StayLength || got.TotalPrice != b.TotalPrice {
					t.Fatalf("at %s: booking %s is %+v, want %+v", st.now, id, got, want)
				}
			}
		}
		if got := fmt.Sprint(e.held(t, bookingtest.London, bookingtest.LondonStandard, bookingtest.Day(1), 45)); got != held {
			t.Fatalf("held rooms changed: %s, want %s", got, held)
		}
		if logs := e.Logs(); strings.Contains(logs, "Lettice") || strings.Contains(logs, "Whitcombe") {
			t.Fatal("a guest name reached the log")
		}
	})
}

// TestMarkNoShowsByHotelZone: with HOTEL_NO_SHOW_AT at noon, a confirmed
// guest not checked in by noon (hotel-local) on the day after arrival
// becomes a no-show at the first run after it, never before; a guest who
// checked in never does; a second scheduler running at the same time marks
// nothing twice; the job is off without the setting.
func TestMarkNoShowsByHotelZone(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.clock.Set(t, "2030-01-01T12:00:00Z")
		london := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 3, "Absent Aurelio")    // arrives 2 Jan
		auckland := e.book(t, bookingtest.Auckland, "Standard Rooms", bookingtest.Day(1), 2, "Absent Aroha")  // arrives 2 Jan, +13
		arrived := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 2, "Present Perpetua") // checks in
		e.clock.Set(t, "2030-01-02T18:00:00Z")
		if _, err := e.svc.CheckIn(ctx, arrived.ID, 0); err != nil {
			t.Fatal(err)
		}
		if jobs := scheduler.Jobs(e.st, e.svc, scheduler.Config{}, e.clock.Now, nil, nil); slices.ContainsFunc(jobs, func(j scheduler.Job) bool { return j.Name == scheduler.JobMarkNoShows }) {
			t.Fatal("mark-no-shows runs without HOTEL_NO_SHOW_AT")
		}
		cfg := scheduler.Config{NoShows: true, NoShowAt: 12 * time.Hour}
		s1, s2 := e.scheduler(t, cfg), e.scheduler(t, cfg)
		steps := []struct {
			now    string
			marked []string
		}{
			{"2030-01-02T22:59:59Z", []string{}},            // Auckland: 11:59:59 on 3 Jan (NZDT, +13)
			{"2030-01-02T23:00:00Z", []string{auckland.ID}}, // noon there on the day after arrival
			{"2030-01-03T11:59:59Z", []string{}},            // London: 11:59:59 on 3 Jan
			{"2030-01-03T12:00:00Z", []string{london.ID}},   // noon on the day after arrival
			{"2030-01-09T12:00:00Z", []string{}},            // nothing left (arrived is in house)
		}
		for _, st := range steps {
			e.clock.Set(t, st.now)
			var wg sync.WaitGroup
			results := make([]scheduler.Result, 2)
			for i, s := range []*scheduler.Scheduler{s1, s2} {
				wg.Go(func() {
					res, err := s.Run(ctx, scheduler.JobMarkNoShows)
					if err != nil && !errors.Is(err, scheduler.ErrBusy) {
						t.Error(err)
					}
					results[i] = res
				})
			}
			wg.Wait()
			if n := results[0].Counts["no_shows"] + results[1].Counts["no_shows"]; n != len(st.marked) {
				t.Fatalf("at %s: %d marked, want %v", st.now, n, st.marked)
			}
			for _, id := range st.marked {
				if b := e.status(t, id); b.Status != hotel.StatusNoShow || b.SyncPending {
					t.Fatalf("at %s: booking %s is %s (sync %v), want no_show", st.now, id, b.Status, b.SyncPending)
				}
			}
		}
		if b := e.status(t, arrived.ID); b.Status != hotel.StatusCheckedIn {
			t.Fatalf("the guest in house is %s", b.Status)
		}
		// complete-checkouts then completes the stay in house.
		res := run(t, s1, scheduler.JobCompleteCheckouts)
		if res.Counts["completed"] != 1 || e.status(t, arrived.ID).Status != hotel.StatusCompleted {
			t.Fatalf("complete-checkouts after the no-shows: %+v", res)
		}
		if logs := e.Logs(); strings.Contains(logs, "Absent") || strings.Contains(logs, "Perpetua") {
			t.Fatal("a guest name reached the log")
		}
	})
}

// TestKeepUnchecked: with HOTEL_COMPLETE_UNCHECKED=false a confirmed stay
// never checked in is not completed; a checked-in one is.
func TestKeepUnchecked(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.clock.Set(t, "2030-01-01T12:00:00Z")
		never := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 1, "Guest N")
		in := e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 1, "Guest I")
		e.clock.Set(t, "2030-01-02T15:00:00Z")
		if _, err := e.svc.CheckIn(context.Background(), in.ID, 0); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(t, "2030-01-05T12:00:00Z")
		res := run(t, e.scheduler(t, scheduler.Config{KeepUnchecked: true}), scheduler.JobCompleteCheckouts)
		if res.Counts["completed"] != 1 || e.status(t, in.ID).Status != hotel.StatusCompleted || e.status(t, never.ID).Status != hotel.StatusConfirmed {
			t.Fatalf("complete-checkouts keeping unchecked stays: %+v", res)
		}
	})
}

// TestPruneEvents: prune-events first publishes the events nobody has read
// yet (a deployment without a consumer must not keep them forever), then
// deletes those past retention, batch by batch.
func TestPruneEvents(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(1), 2, "Ottoline Vane")
		e.book(t, bookingtest.London, "Standard Rooms", bookingtest.Day(3), 2, "Perdita Lusk")
		// The events are written by the database's clock, this test's is
		// years ahead: a retention of ten years keeps them all.
		res := run(t, e.scheduler(t, scheduler.Config{EventRetention: 10 * 365 * 24 * time.Hour, BatchSize: 2}), scheduler.JobPruneEvents)
		if res.Counts["published"] < 2 || res.Counts["pruned"] != 0 {
			t.Fatalf("first run: %v", res.Counts)
		}
		if n, err := e.st.PublishEvents(ctx); err != nil || n != 0 {
			t.Fatalf("left unpublished: %d, %v", n, err)
		}
		res = run(t, e.scheduler(t, scheduler.Config{BatchSize: 2}), scheduler.JobPruneEvents)
		if res.Counts["pruned"] < res.Counts["published"] || res.Counts["pruned"] < 2 {
			t.Fatalf("second run: %v", res.Counts)
		}
		if evs, err := e.st.ListEvents(ctx, hotel.EventFilter{Limit: 10}); err != nil || len(evs) != 0 {
			t.Fatalf("after pruning: %+v, %v", evs, err)
		}
	})
}
