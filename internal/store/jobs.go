package store

import (
	"context"
	"time"

	"github.com/hotelplatform/hotel"
)

// Jobs is the part of the contract the scheduler uses: due check-outs by
// time zone, job leases, and the reconciliation of held rooms with
// bookings.
type Jobs interface {
	// HotelTimeZones returns the distinct time zones of the hotels, sorted.
	HotelTimeZones(ctx context.Context) ([]string, error)
	// DueCheckouts returns at most limit checked-in bookings — and, with
	// unchecked, confirmed ones too — of hotels in time zone zone whose
	// check-out date is on or before cutoff, ordered by check-out date then
	// id.
	DueCheckouts(ctx context.Context, zone string, cutoff hotel.Date, unchecked bool, limit int) ([]hotel.Booking, error)
	// DueNoShows returns at most limit confirmed bookings of hotels in time
	// zone zone whose arrival date is on or before lastArrival, ordered by
	// arrival date then id.
	DueNoShows(ctx context.Context, zone string, lastArrival hotel.Date, limit int) ([]hotel.Booking, error)
	// EraseExpiredGuests erases, as EraseGuest does, the guest data of at
	// most limit bookings whose retention ended: completed ones and no-shows with a
	// check-out date before endedBefore, cancelled and failed ones last
	// updated before cancelledBefore. Bookings erased already, and those
	// with SyncPending set, are left. It returns how many it erased; the
	// caller repeats while that is limit.
	EraseExpiredGuests(ctx context.Context, endedBefore hotel.Date, cancelledBefore, at time.Time, limit int) (int64, error)

	// AcquireLease takes the lease called name for holder until until, or
	// renews it if holder has it; it reports false when another holder's
	// lease has not expired at now. One conditional write: two callers at
	// once cannot both get it.
	AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// ReleaseLease ends holder's lease on name (nothing if holder has none).
	ReleaseLease(ctx context.Context, name, holder string) error

	// Drift returns at most limit nights whose held count differs from the
	// hold nights recorded for it or from the bookings that should hold it
	// (HeldByBooking),
	// ordered by hotel, room type and date. Nights touched by a booking
	// marked sync-pending (a step in flight) are left out.
	Drift(ctx context.Context, limit int) ([]NightDrift, error)
	// NightBookings returns the ids of the bookings and holds on a night:
	// those whose booking nights or hold nights include it.
	NightBookings(ctx context.Context, n NightKey) ([]string, error)
	// ResyncHeld sets the held count of each night to the number of hold
	// nights recorded for it, in one transaction, and returns how many
	// nights changed. Errors: ErrConflict when a night would then hold
	// more than it may (the bookings themselves overbook it).
	ResyncHeld(ctx context.Context, nights []NightKey) (int64, error)
}

// HeldByBooking is the SQL condition, over a booking b and one of its
// booking nights bn, that the night is one the booking should hold: every
// night of a confirmed or checked-in stay, and of a completed stay or a
// no-show the nights before the one its departure gave back (departed_on;
// the check-out date when none was given back).
const HeldByBooking = `(b.status IN ('confirmed', 'checked_in')
        OR (b.status IN ('completed', 'no_show') AND bn.night < coalesce(b.departed_on, b.check_out_date)))`

// NightKey names one night of one room type.
type NightKey struct {
	HotelID    int64
	RoomTypeID int64
	Date       hotel.Date
}

// NightDrift is a night whose counts disagree.
type NightDrift struct {
	NightKey
	Held       int // inventory_night.held
	HoldNights int // hold nights recorded by inventory
	Bookings   int // bookings that should hold the night
}
