package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/pgtest"
	"github.com/hotelplatform/hotel/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.NewDatabase(t), Options{ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Store { return open(t) },
		Exec: func(t *testing.T, s store.Store, sql string) error {
			_, err := s.(*Store).pool.Exec(context.Background(), sql)
			return err
		},
		Int64s: func(t *testing.T, s store.Store, sql string) ([]int64, error) {
			rows, err := s.(*Store).pool.Query(context.Background(), sql)
			if err != nil {
				return nil, err
			}
			return pgx.CollectRows(rows, pgx.RowTo[int64])
		},
	})
}

func TestURLSchemes(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	for _, u := range []string{url, strings.Replace(url, "postgres://", "postgresql://", 1)} {
		s, err := Open(context.Background(), u, Options{ConnectTimeout: time.Second})
		if err != nil {
			t.Fatalf("Open(%s): %v", strings.SplitN(u, "://", 2)[0], err)
		}
		s.Close()
	}
}

func TestUnreachableNamesHostAndPort(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// Port 1 on loopback: nothing listens there.
	_, err := Open(context.Background(), "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable", Options{ConnectTimeout: 700 * time.Millisecond})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	msg := err.Error()
	if !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "secretpw") || !strings.Contains(msg, "tried") {
		t.Fatalf("error %q should name host:port, say it retried, and hide the password", msg)
	}
	if strings.Contains(msg, "tried 1 times") {
		t.Fatalf("did not retry: %q", msg)
	}
	_ = start
}

func TestBadURL(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://u:p@host:notaport/db", Options{})
	if err == nil || strings.Contains(err.Error(), "u:p") {
		t.Fatalf("bad URL error = %v", err)
	}
}

// TestConnectionCutIsUnavailable: a connection that ends mid-statement
// without a word from the server (its process killed, as by the OOM
// killer, before PostgreSQL's crash recovery) is the database being away —
// ErrUnavailable, a 503 — not an internal error.
func TestConnectionCutIsUnavailable(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// A proxy to the server that, once cut is set, closes the client's
	// connection as soon as its next statement arrives, unanswered.
	var cut atomic.Bool
	server := u.Host
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", server)
			if err != nil {
				c.Close()
				continue
			}
			go func() { _, _ = io.Copy(c, up); c.Close() }()
			go func() {
				defer up.Close()
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if err != nil || cut.Load() {
						return
					}
					if _, err := up.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	u.Host = ln.Addr().String()
	s, err := Open(context.Background(), u.String(), Options{MaxConns: 1, ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	cut.Store(true)
	err = s.Ping(ctx)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("connection cut mid-statement: %v, want store.ErrUnavailable", err)
	}
	t.Logf("connection cut: %v", err)
}

// TestMoneyCentsMigration: 0007 turns the NUMERIC(12,2) money of a database
// at 0006 into the same amounts in BIGINT cents, and keeps the CHECKs.
func TestMoneyCentsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	all := s.migrations
	if all[6].Name != "money_cents" {
		t.Fatalf("migration 0007 is %q", all[6].Name)
	}
	s.migrations = all[:6]
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const id = "01890a5d-ac96-774b-bcce-b302099a8057"
	for _, q := range []string{
		`INSERT INTO hotel (id, name, location, time_zone, currency) VALUES (1, 'H', 'London', 'Europe/London', 'GBP')`,
		`INSERT INTO room_type (id, hotel_id, name, max_occupancy) VALUES (10, 1, 'Standard', 2)`,
		`INSERT INTO inventory_night (hotel_id, room_type_id, night, capacity, held, price) VALUES
    (1, 10, '2030-01-01', 5, 1, 304.00), (1, 10, '2030-01-02', 5, 1, 0.01), (1, 10, '2030-01-03', 5, 0, 9999999999.99)`,
		`INSERT INTO booking (id, confirmation_code, hotel_id, room_type_id, guest_name, arrival_date, stay_length,
    check_out_date, adults, total_price, currency, status) VALUES
    ('` + id + `', 'ABCDEF', 1, 10, 'G', '2030-01-01', 2, '2030-01-03', 1, 304.01, 'GBP', 'confirmed')`,
		`INSERT INTO booking_night (booking_id, night, price) VALUES ('` + id + `', '2030-01-01', 304.00), ('` + id + `', '2030-01-02', 0.01)`,
		`INSERT INTO hold (booking_id, hotel_id, room_type_id, check_in, check_out, status, request_room_type_id, request_check_in, request_check_out)
    VALUES ('` + id + `', 1, 10, '2030-01-01', '2030-01-03', 'held', 10, '2030-01-01', '2030-01-03')`,
		`INSERT INTO hold_night (booking_id, hotel_id, room_type_id, night, price) VALUES
    ('` + id + `', 1, 10, '2030-01-01', 304.00), ('` + id + `', 1, 10, '2030-01-02', 0.01)`,
	} {
		if _, err := s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.migrations = all
	if n, err := s.Migrate(ctx); err != nil || n != len(all)-6 {
		t.Fatalf("Migrate from 0006 = %d, %v", n, err)
	}
	items, err := s.ListInventory(ctx, hotel.InventoryFilter{HotelID: 1, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []hotel.Cents
	for _, it := range items {
		got = append(got, it.RoomPrice)
	}
	if want := []hotel.Cents{30400, 1, 999999999999}; !slices.Equal(got, want) {
		t.Errorf("inventory prices = %v, want %v", got, want)
	}
	nights := []hotel.NightPrice{{Date: hotel.NewDate(2030, 1, 1), Price: 30400}, {Date: hotel.NewDate(2030, 1, 2), Price: 1}}
	b, err := s.GetBooking(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.TotalPrice != 30401 || !slices.Equal(b.NightlyPrices, nights) {
		t.Errorf("booking total %d, nights %v; want 30401, %v", b.TotalPrice, b.NightlyPrices, nights)
	}
	h, err := s.GetHold(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h.TotalPrice != 30401 || !slices.Equal(h.Nights, nights) {
		t.Errorf("hold total %d, nights %v; want 30401, %v", h.TotalPrice, h.Nights, nights)
	}
	for _, q := range []string{
		`UPDATE inventory_night SET price_cents = -1`,
		`UPDATE booking SET total_cents = -1`,
		`UPDATE booking_night SET price_cents = -1`,
		`UPDATE hold_night SET price_cents = -1`,
	} {
		if _, err := s.pool.Exec(ctx, q); !hasCode(err, "23514") {
			t.Errorf("%s: %v, want a check violation", q, err)
		}
	}
}

// TestReadOnly: a read-only store reads (the schema, the identity) and
// cannot write, not even the schema into a database without it. The guard
// is a startup parameter, which PgBouncer does not pass on (see
// TestPgBouncerReadOnly): the database is reached directly.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDirectDatabase(t)
	ro, err := Open(ctx, url, Options{ConnectTimeout: 10 * time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Migrate(ctx); err == nil {
		t.Fatal("a read-only store migrated")
	}
	if err := ro.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
		t.Fatalf("CheckSchema = %v, want ErrSchemaBehind (nothing created)", err)
	}
	rw, err := Open(ctx, url, Options{ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := rw.DatabaseID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ro.DatabaseID(ctx); err != nil || got != want {
		t.Errorf("DatabaseID read-only = %q, %v; want %q", got, err, want)
	}
	if _, err := ro.Drift(ctx, 10); err != nil {
		t.Errorf("Drift read-only: %v", err)
	}
	if _, err := ro.pool.Exec(ctx, `UPDATE database_identity SET database_id = repeat('0', 32)`); err == nil {
		t.Error("a read-only store wrote")
	}
}
