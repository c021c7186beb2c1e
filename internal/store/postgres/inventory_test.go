package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// day0 is the first night of the test inventory.
var day0 = hotel.NewDate(2031, 3, 1)

// openWithInventory returns a migrated store with hotel 1 (EUR) holding room
// types 10 and 11, each with capacity rooms on days nights from day0 priced
// 100.00 + 1.00 per day, nothing held or blocked.
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

// checkInvariants fails the test unless every night has held = its hold_night
// rows and held + blocked <= capacity + allowance, and every hold holds
// exactly the nights of its stay while held and none once released.
func checkInvariants(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	var bad int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM inventory_night n
WHERE n.held <> (SELECT count(*) FROM hold_night hn
                 WHERE hn.hotel_id = n.hotel_id AND hn.room_type_id = n.room_type_id AND hn.night = n.night)
   OR n.held + n.blocked > n.capacity + n.allowance`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d nights break held = hold_night rows or the capacity limit", bad)
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM hold h
WHERE (SELECT count(*) FROM hold_night hn WHERE hn.booking_id = h.booking_id
          AND hn.room_type_id = h.room_type_id AND hn.night >= h.check_in AND hn.night < h.check_out)
   <> CASE h.status WHEN 'held' THEN h.check_out - h.check_in ELSE 0 END
   OR (SELECT count(*) FROM hold_night hn WHERE hn.booking_id = h.booking_id)
   <> CASE h.status WHEN 'held' THEN h.check_out - h.check_in ELSE 0 END`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d holds do not hold exactly the nights of their stay", bad)
	}
}

func heldOn(t *testing.T, s *Store, roomTypeID int64, d hotel.Date) int {
	t.Helper()
	var held int
	if err := s.pool.QueryRow(context.Background(), `SELECT held FROM inventory_night WHERE hotel_id = 1 AND room_type_id = $1 AND night = $2`,
		roomTypeID, d.Time()).Scan(&held); err != nil {
		t.Fatal(err)
	}
	return held
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
	raise := func(tx pgx.Tx, code string) error {
		_, err := tx.Exec(ctx, `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '`+code+`'; END $$`)
		return err
	}
	attempts := 0
	err := s.write(ctx, func(tx pgx.Tx) error {
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
	err = s.write(ctx, func(tx pgx.Tx) error { attempts++; return raise(tx, "40P01") })
	if !errors.Is(err, store.ErrUnavailable) || attempts != maxWriteAttempts {
		t.Fatalf("endless deadlocks: write = %v after %d attempts; want ErrUnavailable after %d", err, attempts, maxWriteAttempts)
	}

	attempts = 0
	err = s.write(ctx, func(tx pgx.Tx) error { attempts++; return raise(tx, "23505") })
	if !errors.Is(err, store.ErrConflict) || attempts != 1 {
		t.Fatalf("unique violation: write = %v after %d attempts; want ErrConflict after 1", err, attempts)
	}
}

func TestHoldLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 2, 10)
	id := uuid.NewString()
	req := hotel.HoldRequest{BookingID: id, HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(1), CheckOut: day0.AddDays(4)}
	h, created, err := s.CreateHold(ctx, req)
	if err != nil || !created {
		t.Fatalf("CreateHold = %v, %v", created, err)
	}
	if h.Status != hotel.HoldHeld || len(h.Nights) != 3 || h.TotalPrice != 10100+10200+10300 || h.Currency != "EUR" ||
		h.Nights[0] != (hotel.NightPrice{Date: day0.AddDays(1), Price: 10100}) || h.CreatedAt.IsZero() {
		t.Fatalf("hold = %+v", h)
	}
	got, err := s.GetHold(ctx, id)
	if err != nil || !holdsEqual(got, h) {
		t.Fatalf("GetHold = %+v, %v\nwant %+v", got, err, h)
	}

	// Same request again: same hold, nothing taken twice.
	again, created, err := s.CreateHold(ctx, req)
	if err != nil || created || !holdsEqual(again, h) || heldOn(t, s, 10, day0.AddDays(1)) != 1 {
		t.Fatalf("repeat CreateHold = %+v, %v, %v", again, created, err)
	}
	other := req
	other.CheckOut = day0.AddDays(5)
	if _, _, err := s.CreateHold(ctx, other); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("CreateHold with the id of another request = %v, want ErrConflict", err)
	}

	// Move to overlapping dates on another room type, then back; then to
	// where it is (no change).
	moved, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 11, CheckIn: day0.AddDays(2), CheckOut: day0.AddDays(6)})
	if err != nil || moved.RoomTypeID != 11 || len(moved.Nights) != 4 || heldOn(t, s, 10, day0.AddDays(1)) != 0 || heldOn(t, s, 11, day0.AddDays(5)) != 1 {
		t.Fatalf("MoveHold = %+v, %v", moved, err)
	}
	moved, err = s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 11, CheckIn: day0, CheckOut: day0.AddDays(3)})
	if err != nil || moved.CheckIn != day0 || len(moved.Nights) != 3 || heldOn(t, s, 11, day0.AddDays(5)) != 0 {
		t.Fatalf("MoveHold within the room type = %+v, %v", moved, err)
	}
	same, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 11, CheckIn: day0, CheckOut: day0.AddDays(3)})
	if err != nil || !holdsEqual(same, moved) || !same.UpdatedAt.Equal(moved.UpdatedAt) {
		t.Fatalf("MoveHold to where it is = %+v, %v", same, err)
	}
	// The original request still identifies the hold.
	if _, created, err := s.CreateHold(ctx, req); err != nil || created {
		t.Fatalf("CreateHold after a move = %v, %v; want the moved hold", created, err)
	}
	checkInvariants(t, s)

	// Sold out: fill night 9 of room type 10, then try to move there.
	for range 2 {
		if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10,
			CheckIn: day0.AddDays(9), CheckOut: day0.AddDays(10)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 10, CheckIn: day0.AddDays(7), CheckOut: day0.AddDays(12)})
	var ne *store.NightsError
	if !errors.As(err, &ne) || !errors.Is(err, store.ErrConflict) ||
		!slices.Equal(ne.Nights, []hotel.Date{day0.AddDays(9), day0.AddDays(10), day0.AddDays(11)}) {
		t.Fatalf("MoveHold onto a full night and past the inventory = %v", err)
	}
	if after, _ := s.GetHold(ctx, id); !holdsEqual(after, moved) {
		t.Fatalf("failed move changed the hold: %+v", after)
	}
	if _, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 999, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("MoveHold to an unknown room type = %v, want ErrNotFound", err)
	}

	// Early departure, then release everything, then again.
	early, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{From: day0.AddDays(1)})
	if err != nil || early.CheckOut != day0.AddDays(1) || len(early.Nights) != 1 || early.Status != hotel.HoldHeld || early.TotalPrice != 10000 {
		t.Fatalf("ReleaseHold from day 1 = %+v, %v", early, err)
	}
	if later, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{From: day0.AddDays(5)}); err != nil || !holdsEqual(later, early) {
		t.Fatalf("ReleaseHold after the stay = %+v, %v; want unchanged", later, err)
	}
	all, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{})
	if err != nil || all.Status != hotel.HoldReleased || len(all.Nights) != 0 || all.TotalPrice != 0 || all.CheckOut != day0.AddDays(1) {
		t.Fatalf("ReleaseHold = %+v, %v", all, err)
	}
	if again, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{}); err != nil || !holdsEqual(again, all) || !again.UpdatedAt.Equal(all.UpdatedAt) {
		t.Fatalf("second ReleaseHold = %+v, %v; want unchanged", again, err)
	}
	if _, err := s.MoveHold(ctx, id, hotel.HoldMove{RoomTypeID: 10, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("MoveHold of a released hold = %v, want ErrConflict", err)
	}
	if _, created, err := s.CreateHold(ctx, req); err != nil || created {
		t.Fatalf("CreateHold after release = %v, %v; want the released hold, not a new one", created, err)
	}

	// Release from the check-in: everything, check-out moves to check-in.
	id2 := uuid.NewString()
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: id2, HotelID: 1, RoomTypeID: 10, CheckIn: day0.AddDays(3), CheckOut: day0.AddDays(5)}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.ReleaseHold(ctx, id2, hotel.HoldRelease{From: day0}); err != nil || r.Status != hotel.HoldReleased || r.CheckOut != day0.AddDays(3) {
		t.Fatalf("ReleaseHold from before the stay = %+v, %v", r, err)
	}

	for _, bad := range []string{"nope", uuid.NewString()} {
		if _, err := s.GetHold(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetHold(%q) = %v", bad, err)
		}
		if _, err := s.ReleaseHold(ctx, bad, hotel.HoldRelease{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReleaseHold(%q) = %v", bad, err)
		}
		if _, err := s.MoveHold(ctx, bad, hotel.HoldMove{RoomTypeID: 10, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MoveHold(%q) = %v", bad, err)
		}
	}
	if _, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 12, CheckIn: day0, CheckOut: day0.AddDays(1)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CreateHold on an unknown room type = %v, want ErrNotFound", err)
	}
	checkInvariants(t, s)
}

// holdsEqual compares holds, timestamps by instant.
func holdsEqual(a, b hotel.Hold) bool {
	return a.BookingID == b.BookingID && a.HotelID == b.HotelID && a.RoomTypeID == b.RoomTypeID &&
		a.CheckIn == b.CheckIn && a.CheckOut == b.CheckOut && a.Status == b.Status &&
		slices.Equal(a.Nights, b.Nights) && a.TotalPrice == b.TotalPrice && a.Currency == b.Currency &&
		a.CreatedAt.Equal(b.CreatedAt)
}

// TestHoldRace: 200 concurrent one-night-or-more holds for 7 rooms.
func TestHoldRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 7, 3)
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			_, _, err := s.CreateHold(ctx, hotel.HoldRequest{BookingID: uuid.NewString(), HotelID: 1, RoomTypeID: 10,
				CheckIn: day0, CheckOut: day0.AddDays(3)})
			var ne *store.NightsError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &ne) && errors.Is(err, store.ErrConflict) && len(ne.Nights) == 3:
				full.Add(1)
			default:
				t.Errorf("CreateHold: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 7 || full.Load() != 193 {
		t.Fatalf("%d holds succeeded and %d were sold out; want 7 and 193", ok.Load(), full.Load())
	}
	for d := range 3 {
		if got := heldOn(t, s, 10, day0.AddDays(d)); got != 7 {
			t.Errorf("night %d: held = %d, want 7", d, got)
		}
	}
	checkInvariants(t, s)
}

// TestOverlappingRace runs random overlapping multi-night holds, moves and
// releases in both directions at once: no deadlock or serialization error
// escapes, and the inventory stays equal to the holds.
func TestOverlappingRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const days = 12
	s := openWithInventory(t, 3, days)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 42))
			stayOf := func() (int64, hotel.Date, hotel.Date) {
				in := r.IntN(days - 1)
				return 10 + int64(r.IntN(2)), day0.AddDays(in), day0.AddDays(in + 1 + r.IntN(min(5, days-in-1)))
			}
			var mine []string
			for range 25 {
				var err error
				switch op := r.IntN(10); {
				case op < 5 || len(mine) == 0:
					rt, in, out := stayOf()
					id := uuid.NewString()
					_, _, err = s.CreateHold(ctx, hotel.HoldRequest{BookingID: id, HotelID: 1, RoomTypeID: rt, CheckIn: in, CheckOut: out})
					if err == nil {
						mine = append(mine, id)
					} else if _, gerr := s.GetHold(ctx, id); !errors.Is(gerr, store.ErrNotFound) {
						t.Errorf("failed CreateHold left a hold behind: %v", gerr)
					}
				case op < 8:
					rt, in, out := stayOf()
					_, err = s.MoveHold(ctx, mine[r.IntN(len(mine))], hotel.HoldMove{RoomTypeID: rt, CheckIn: in, CheckOut: out})
				default:
					_, err = s.ReleaseHold(ctx, mine[r.IntN(len(mine))], hotel.HoldRelease{From: day0.AddDays(r.IntN(days))})
				}
				var ne *store.NightsError
				if err != nil && !errors.As(err, &ne) && !errors.Is(err, store.ErrConflict) {
					t.Errorf("unexpected error: %v", err)
				}
			}
		})
	}
	wg.Wait()
	checkInvariants(t, s)
}

// TestConcurrentDuplicates: the same create or release sent many times at
// once has one effect.
func TestConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openWithInventory(t, 5, 5)
	id := uuid.NewString()
	req := hotel.HoldRequest{BookingID: id, HotelID: 1, RoomTypeID: 11, CheckIn: day0, CheckOut: day0.AddDays(4)}
	var created atomic.Int32
	var wg sync.WaitGroup
	holds := make([]hotel.Hold, 20)
	for i := range holds {
		wg.Go(func() {
			h, c, err := s.CreateHold(ctx, req)
			if err != nil {
				t.Errorf("CreateHold: %v", err)
			}
			if c {
				created.Add(1)
			}
			holds[i] = h
		})
	}
	wg.Wait()
	if created.Load() != 1 || heldOn(t, s, 11, day0) != 1 {
		t.Fatalf("%d duplicates created a hold, held = %d; want 1 and 1", created.Load(), heldOn(t, s, 11, day0))
	}
	for _, h := range holds {
		if !holdsEqual(h, holds[0]) {
			t.Fatalf("duplicates returned different holds: %+v and %+v", h, holds[0])
		}
	}
	for i := range holds {
		wg.Go(func() {
			from := hotel.Date{}
			if i%2 == 0 {
				from = day0.AddDays(2) // some ask for the early departure first
			}
			if _, err := s.ReleaseHold(ctx, id, hotel.HoldRelease{From: from}); err != nil {
				t.Errorf("ReleaseHold: %v", err)
			}
		})
	}
	wg.Wait()
	h, err := s.GetHold(ctx, id)
	if err != nil || h.Status != hotel.HoldReleased || len(h.Nights) != 0 {
		t.Fatalf("after concurrent releases: %+v, %v", h, err)
	}
	for d := range 5 {
		if got := heldOn(t, s, 11, day0.AddDays(d)); got != 0 {
			t.Errorf("night %d: held = %d, want 0", d, got)
		}
	}
	checkInvariants(t, s)
}
