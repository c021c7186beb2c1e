package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Driver-specific tests of the write path: which errors are retried and how
// a room type the hotel lacks is refused. The contract is storetest's.

// day0 is the first night of the test inventory.
var day0 = hotel.NewDate(2031, 3, 1)

// openWithInventory returns a migrated store with hotel 1 (EUR) holding room
// types 10 and 11, each with capacity rooms on days nights from day0.
func openWithInventory(t *testing.T, capacity, days int) *Store {
	t.Helper()
	s := open(t)
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rts := []hotel.RoomType{
		{ID: 10, HotelID: 1, Name: "Double", MaxOccupancy: 2},
		{ID: 11, HotelID: 1, Name: "Suite", MaxOccupancy: 4},
	}
	var nights []hotel.Night
	for _, rt := range rts {
		for d := range days {
			nights = append(nights, hotel.Night{HotelID: 1, RoomTypeID: rt.ID, Date: day0.AddDays(d),
				Capacity: capacity, Price: hotel.Cents(10000 + 100*d), DemandLevel: hotel.DemandMedium})
		}
	}
	ds := store.Dataset{
		Hotels:    slices.Values([]hotel.Hotel{{ID: 1, Name: "Hotel One", Location: "Lisbon", TimeZone: "Europe/Lisbon", Currency: "EUR"}}),
		RoomTypes: slices.Values(rts),
		Nights:    slices.Values(nights),
	}
	if ok, err := s.Load(ctx, ds, false); err != nil || !ok {
		t.Fatalf("Load = %v, %v", ok, err)
	}
	return s
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("commit: %w", &pgconn.PgError{Code: "40P01"}), true},
		{fmt.Errorf("wrapped: %w", errRetry), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "23514"}, false},
		{&pgconn.PgError{Code: "57P01"}, false},
		{&store.NightsError{Err: store.ErrConflict}, false},
		{context.Canceled, false},
		{errors.New("40001"), false},
	} {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestWriteRetries raises real serialization failures and deadlocks inside
// write's transaction and checks they are retried, not returned.
func TestWriteRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 1)
	raise := func(tx dbtx, code string) error {
		_, err := tx.Exec(ctx, `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '`+code+`'; END $$`)
		return err
	}
	attempts := 0
	err := s.write(ctx, func(tx dbtx) error {
		attempts++
		if _, err := tx.Exec(ctx, `UPDATE inventory_night SET blocked = blocked + 1 WHERE room_type_id = 10`); err != nil {
			return err
		}
		switch attempts {
		case 1:
			return raise(tx, "40001")
		case 2:
			return raise(tx, "40P01")
		}
		return nil
	})
	if err != nil || attempts != 3 {
		t.Fatalf("write = %v after %d attempts; want nil after 3", err, attempts)
	}
	var blocked int
	if err := s.pool.QueryRow(ctx, `SELECT blocked FROM inventory_night WHERE room_type_id = 10`).Scan(&blocked); err != nil || blocked != 1 {
		t.Fatalf("blocked = %d, %v; want 1 (failed attempts rolled back)", blocked, err)
	}

	attempts = 0
	err = s.write(ctx, func(tx dbtx) error { attempts++; return raise(tx, "40P01") })
	if !errors.Is(err, store.ErrUnavailable) || attempts != maxWriteAttempts {
		t.Fatalf("endless deadlocks: write = %v after %d attempts; want ErrUnavailable after %d", err, attempts, maxWriteAttempts)
	}

	attempts = 0
	err = s.write(ctx, func(tx dbtx) error { attempts++; return raise(tx, "23505") })
	if !errors.Is(err, store.ErrConflict) || attempts != 1 {
		t.Fatalf("unique violation: write = %v after %d attempts; want ErrConflict after 1", err, attempts)
	}
}

// TestUnitRetries: a unit of work whose write failed with a serialization
// failure or a deadlock runs again, whole, with BEGIN sent with its first
// statement; it commits once; endless failures end unavailable; any other
// failure ends it at once, rolled back.
func TestUnitRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 1)
	// block takes a room out of sale; fail then raises code (none: a no-op).
	block := func(ctx context.Context) error {
		return s.write1(ctx, func(q execer) error {
			_, err := q.Exec(ctx, `UPDATE inventory_night SET blocked = blocked + 1 WHERE room_type_id = 10`)
			return err
		})
	}
	fail := func(ctx context.Context, code string) error {
		return s.write(ctx, func(tx dbtx) error {
			if code == "" {
				_, err := tx.Exec(ctx, `SELECT 1`)
				return err
			}
			_, err := tx.Exec(ctx, `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '`+code+`'; END $$`)
			return err
		})
	}
	blocked := func() int {
		t.Helper()
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT blocked FROM inventory_night WHERE room_type_id = 10`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	runs := 0
	err := s.Atomically(ctx, func(ctx context.Context) error {
		runs++
		if err := block(ctx); err != nil {
			return err
		}
		return fail(ctx, map[int]string{1: "40001", 2: "40P01"}[runs])
	})
	if err != nil || runs != 3 || blocked() != 1 {
		t.Fatalf("unit = %v after %d runs, blocked %d; want nil after 3 runs, 1 blocked (failed runs rolled back)", err, runs, blocked())
	}
	runs = 0
	err = s.Atomically(ctx, func(ctx context.Context) error { runs++; return fail(ctx, "40P01") })
	if !errors.Is(err, store.ErrUnavailable) || runs != maxWriteAttempts {
		t.Fatalf("endless deadlocks: unit = %v after %d runs; want ErrUnavailable after %d", err, runs, maxWriteAttempts)
	}
	runs = 0
	err = s.Atomically(ctx, func(ctx context.Context) error {
		runs++
		if err := s.write1(ctx, func(q execer) error {
			_, err := q.Exec(ctx, `UPDATE inventory_night SET blocked = blocked - 1 WHERE room_type_id = 10`)
			return err
		}); err != nil {
			return err
		}
		return fail(ctx, "23505")
	})
	if !errors.Is(err, store.ErrConflict) || runs != 1 || blocked() != 1 {
		t.Fatalf("unique violation: unit = %v after %d runs, blocked %d; want ErrConflict after 1, nothing written", err, runs, blocked())
	}
	if st := s.pool.Stat(); st.AcquiredConns() != 0 {
		t.Fatalf("%d connections still acquired after the units", st.AcquiredConns())
	}
}

// TestSpoiltUnitFreesItsConnection: a write that fails in a unit rolls the
// unit back at once and gives its connection back, so the reads that
// explain the failure (the inventory service looks up the hotel after a
// refused hold) never wait for a connection their own unit holds — with a
// few such units at once, a small pool would otherwise starve until their
// deadlines.
func TestSpoiltUnitFreesItsConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 1, 1)
	stay := hotel.HoldRequest{HotelID: 1, RoomTypeID: 10, CheckIn: day0, CheckOut: day0.AddDays(1)}
	first := stay
	first.BookingID = uuid.NewString()
	if _, _, err := s.CreateHold(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := stay
	second.BookingID = uuid.NewString()
	err := s.Atomically(ctx, func(ctx context.Context) error {
		_, _, err := s.CreateHold(ctx, second)
		var ne *store.NightsError
		if !errors.As(err, &ne) {
			t.Fatalf("hold on a sold-out night in a unit = %v, want a NightsError", err)
		}
		if n := s.pool.Stat().AcquiredConns(); n != 0 {
			t.Fatalf("%d connections acquired after the unit's write failed, want 0 (rolled back at once)", n)
		}
		if _, gerr := s.GetHotel(ctx, 1); gerr != nil {
			t.Fatalf("read after the failed write: %v", gerr)
		}
		if _, _, again := s.CreateHold(ctx, second); !errors.As(again, &ne) {
			t.Fatalf("a later write of the spoilt unit = %v, want the first failure", again)
		}
		return err
	})
	var ne *store.NightsError
	if !errors.As(err, &ne) {
		t.Fatalf("unit = %v, want the NightsError", err)
	}
	if _, err := s.GetHold(ctx, second.BookingID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("hold of the refused unit = %v, want ErrNotFound (rolled back)", err)
	}
}

// TestUnknownRoomType: the foreign keys make a hold on, or a move to, a room
// type the hotel does not have ErrNotFound (storetest allows a refusal of
// every night too, as SQLite gives).
func TestUnknownRoomType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 2, 3)
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 12, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CreateHold on an unknown room type = %v, want ErrNotFound", err)
	}
	id := uuid.NewString()
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 1, RoomTypeID: 10, CheckIn: day0, CheckOut: day0.AddDays(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 999, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MoveHold to an unknown room type = %v, want ErrNotFound", err)
	}
}
