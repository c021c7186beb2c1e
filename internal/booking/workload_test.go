package booking_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/booking"
	"github.com/hotelplatform/hotel/internal/booking/bookingtest"
)

// workloadSeed is the seed of TestRandomWorkload: BOOKING_WORKLOAD_SEED
// replays a run, otherwise a fresh one is drawn (and logged).
func workloadSeed(t *testing.T) uint64 {
	if s := os.Getenv("BOOKING_WORKLOAD_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BOOKING_WORKLOAD_SEED: %v", err)
		}
		return v
	}
	return rand.Uint64()
}

// The workload's guests share a surname no log may contain.
const workloadSurname = "Vexhollow"

func TestRandomWorkload(t *testing.T) {
	const (
		workers = 8
		ops     = 40
	)
	each(t, booking.Config{}, func(t *testing.T, e *bookingtest.Env, m bookingtest.Mode) {
		seed := workloadSeed(t)
		t.Logf("seed %d (replay with BOOKING_WORKLOAD_SEED=%d)", seed, seed)
		noShowPolicy(t, e) // London Standard's no-shows give their later nights back

		// Bookings whose stay has begun once the clock moves on (check-out
		// candidates), made while they are still in the future.
		var begun []string
		const nBegun = 20
		for i := range nBegun {
			h := bookingtest.London
			if i%2 == 1 {
				h = bookingtest.Auckland
			}
			nights := 3 + i%4
			if i >= nBegun/2 { // the half left to check-in: still in the house on day 6 (hotel time)
				nights = 7 + i%4 - i%6
			}
			b := mustCreate(t, e, stay(h, "Standard Rooms", i%6, nights, fmt.Sprintf("Begun %s %d", workloadSurname, i)))
			begun = append(begun, b.ID)
		}
		// Bookings of two rooms whose stay has begun: the rooms of the first
		// two are left to the no-show step (as the scheduler sees them: a
		// row per room), the other two to check-in, check-out and partial
		// cancels.
		const nGroups = 4
		var groups, noShowRows []string
		for i := range nGroups {
			nb := hotel.NewBooking{GuestName: fmt.Sprintf("Group %s %d", workloadSurname, i), HotelID: bookingtest.Auckland,
				ArrivalDate: bookingtest.Day(1 + i%3), StayLength: 6, // Auckland's Deluxe Rooms: the begun stays above fill its Standard Rooms
				Rooms: []hotel.NewRoom{{RoomType: "Deluxe Rooms", Adults: 2}, {RoomType: "Deluxe Rooms", Adults: 1}}}
			b := mustCreate(t, e, nb)
			if i < nGroups/2 {
				noShowRows = append(noShowRows, b.Rooms[0].ID, b.Rooms[1].ID)
			} else {
				groups = append(groups, b.ID)
			}
		}
		for i := range nBegun / 2 {
			noShowRows = append(noShowRows, begun[i])
		}
		// Day 5 in London, day 6 in Auckland.
		e.Clock.Set(t, "2030-01-06T12:00:00Z")
		const firstDay = 6 // no arrival before it is in the past anywhere

		var (
			mu sync.Mutex
			// The second half of begun is left to check-in (and a few
			// check-outs): modify, cancel and the no-show step would
			// otherwise often leave it no guest to check in.
			shared  = slices.Clone(begun[:nBegun/2])
			counts  = map[string]int{}
			failure []string
			// rows made by the workload's creates: a row per room, one
			// failed row per refused booking.
			rowsMade int
		)
		record := func(op string, err error, allowed ...string) {
			code := hotel.ErrorCode(err)
			mu.Lock()
			defer mu.Unlock()
			counts[op+" "+orOK(code)]++
			if code != "" && !slices.Contains(allowed, code) {
				failure = append(failure, fmt.Sprintf("%s: %v", op, err))
			}
		}
		pick := func(r *rand.Rand) string {
			mu.Lock()
			defer mu.Unlock()
			return shared[r.IntN(len(shared))]
		}
		roomTypes := []string{"Standard Rooms", "Deluxe Rooms"}

		var wg sync.WaitGroup
		for w := range workers {
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			wg.Go(func() {
				for i := range ops {
					switch op := r.IntN(13); {
					case op < 3: // create, one room or (one in four) two or three
						h := bookingtest.London
						if r.IntN(3) == 0 {
							h = bookingtest.Auckland
						}
						nb := stay(h, roomTypes[r.IntN(2)], firstDay+r.IntN(20), 1+r.IntN(5), fmt.Sprintf("Guest %s %d-%d", workloadSurname, w, i))
						nb.Adults = 1 + r.IntN(2)
						rooms := 1
						if r.IntN(4) == 0 {
							rooms = 2 + r.IntN(2)
							for range rooms {
								nb.Rooms = append(nb.Rooms, hotel.NewRoom{RoomType: roomTypes[r.IntN(2)], Adults: 1 + r.IntN(2)})
							}
							nb.RoomType, nb.Adults = "", 0
						}
						b, err := e.Service.Create(desk, nb)
						record("create", err, hotel.ECONFLICT) // sold out
						mu.Lock()
						switch {
						case err == nil && rooms > 1:
							groups = append(groups, b.ID)
							rowsMade += rooms
						case err == nil:
							shared = append(shared, b.ID)
							rowsMade++
						case hotel.ErrorCode(err) == hotel.ECONFLICT:
							rowsMade++
						}
						mu.Unlock()
					case op == 12: // cancel one room of a booking of several
						mu.Lock()
						id := groups[r.IntN(len(groups))]
						mu.Unlock()
						_, err := e.Service.CancelRoom(desk, id, 1+r.IntN(3), 0)
						// Not confirmed, checked in, a concurrent change; no room 3 of 2.
						record("cancelroom", err, hotel.ECONFLICT, hotel.ENOTFOUND)
					case op < 6: // modify
						id := pick(r)
						version := 0
						if r.IntN(2) == 0 { // If-Match with what was just read (it may go stale)
							b, err := e.Service.Get(desk, id)
							record("get", err)
							if err == nil {
								version = b.Version
							}
						}
						var c hotel.BookingChange
						switch r.IntN(4) {
						case 0:
							c.GuestName = ptr(fmt.Sprintf("Renamed %s %d-%d", workloadSurname, w, i))
						case 1:
							c.ArrivalDate = ptr(bookingtest.Day(firstDay + r.IntN(20)))
						case 2:
							c.StayLength = ptr(1 + r.IntN(5))
						default:
							c.RoomType = ptr(roomTypes[r.IntN(2)])
							c.Adults = ptr(1)
						}
						_, err := e.Service.Modify(desk, id, c, version)
						// Not confirmed, sold out, stay begun, a concurrent change; stale version.
						record("modify", err, hotel.ECONFLICT, hotel.EPRECONDITION)
					case op < 8: // cancel
						_, err := e.Service.Cancel(desk, pick(r), 0)
						record("cancel", err, hotel.ECONFLICT)
					case op < 9: // check out, mostly the stays that have begun
						id := begun[r.IntN(nBegun/2)]
						if r.IntN(4) == 0 {
							id = begun[nBegun/2+r.IntN(nBegun/2)]
						} else if r.IntN(4) == 0 {
							id = pick(r)
						}
						_, err := e.Service.CheckOut(desk, id, 0)
						record("checkout", err, hotel.ECONFLICT) // not arrived, not confirmed, concurrent change
					case op < 10: // check in, mostly the stays that have begun (of the half the no-show step leaves alone)
						id := begun[nBegun/2+r.IntN(nBegun/2)]
						if r.IntN(4) == 0 {
							mu.Lock()
							id = groups[r.IntN(len(groups))]
							mu.Unlock()
						}
						if r.IntN(4) == 0 {
							id = pick(r)
						}
						_, err := e.Service.CheckIn(desk, id, 0)
						record("checkin", err, hotel.ECONFLICT) // not arrived, ended, not confirmed, concurrent change
					default: // the no-show job's step on a stay that has begun, a row as the job reads it (so check-in has guests to find)
						b, err := bookingtest.Bookings(e.Store).GetBooking(desk, noShowRows[r.IntN(len(noShowRows))])
						record("get", err)
						if err == nil {
							marked, err := e.Service.MarkNoShow(desk, b)
							record("noshow", err)
							if marked {
								record("noshow marked", nil)
							}
						}
					}
				}
			})
		}
		wg.Wait()
		t.Logf("outcomes: %v", counts)
		if len(failure) > 0 {
			t.Fatalf("seed %d: %d unexpected errors:\n%s", seed, len(failure), strings.Join(failure, "\n"))
		}
		for _, op := range []string{"create", "modify", "cancel", "cancelroom", "checkout", "checkin", "noshow marked"} {
			if counts[op+" ok"] == 0 {
				t.Errorf("seed %d: no %s succeeded (%v): the workload did not exercise it", seed, op, counts)
			}
		}
		bookings := e.CheckInventory(t)
		e.CheckSettled(t)
		if rep := recoverLater(t, e); rep != (booking.Report{}) {
			t.Fatalf("seed %d: nothing was left to recover, but Recover did %+v", seed, rep)
		}
		if len(bookings) != nBegun+2*nGroups+rowsMade {
			t.Fatalf("%d booking rows stored, want the %d + %d begun + %d made by %d creates (%d refused)", len(bookings),
				nBegun, 2*nGroups, rowsMade, counts["create ok"]+counts["create conflict"], counts["create conflict"])
		}
		// Never a partial booking: every room of a booking of several was
		// recorded with it, and a refused one has no rooms.
		for _, id := range groups {
			if b := get(t, e, id); len(b.Rooms) < 2 || b.Status == hotel.StatusFailed {
				t.Fatalf("booking %s: %d rooms, %s", id, len(b.Rooms), b.Status)
			}
		}
		// Then every stay ends: the completion job's step on each open one.
		e.Clock.Set(t, "2030-03-01T12:00:00Z")
		completed := 0
		for _, b := range bookings {
			ok, err := e.Service.CompleteStay(desk, b)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				completed++
			}
		}
		if completed == 0 {
			t.Errorf("seed %d: nothing left to complete", seed)
		}
		e.CheckInventory(t)
		e.CheckSettled(t)
		e.CheckEvents(t)
		if logs := e.Logs(); strings.Contains(logs, workloadSurname) {
			t.Fatalf("a guest name reached the logs")
		}
	})
}

func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}
