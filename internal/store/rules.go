package store

import (
	"errors"
	"fmt"

	"github.com/hotelplatform/hotel"
)

// The rules both drivers apply around their statements: which statuses a
// conditional booking update accepts and why it refused, when a claim's
// times are, when an idempotent replay is the same request.

// StatusesBefore returns the statuses a booking may have when it is written
// with status to: to itself, and those hotel.CanTransition allows to go to it.
func StatusesBefore(to string) []string {
	out := []string{to}
	for _, from := range hotel.Statuses {
		if hotel.CanTransition(from, to) {
			out = append(out, from)
		}
	}
	return out
}

// UpdateRefusal explains why the conditional update of b (UpdateBooking,
// expecting the mark marked) matched no row, given the stored version,
// status and mark (pending) of the row: the version moved on, the mark is
// not as expected (another change claimed the booking), or the status may
// not go to b.Status. It wraps ErrConflict. (A missing row is the driver's
// "no rows" when it reads them.)
func UpdateRefusal(b *hotel.Booking, marked bool, version int, status string, pending bool) error {
	if version != b.Version {
		return fmt.Errorf("%w: booking %s is at version %d, not %d", ErrConflict, b.ID, version, b.Version)
	}
	if pending != marked {
		return fmt.Errorf("%w: booking %s is claimed by another change", ErrConflict, b.ID)
	}
	return fmt.Errorf("%w: booking %s cannot go from %s to %s", ErrConflict, b.ID, status, b.Status)
}

// ClaimTimes fills a claim's CreatedAt (now when zero) and makes both
// timestamps what the store keeps (Stamp). A claim needs an ExpiresAt.
func (rec *IdempotencyRecord) ClaimTimes() error {
	if rec.ExpiresAt.IsZero() {
		return errors.New("idempotency record without an expiry time")
	}
	rec.CreatedAt, rec.ExpiresAt = Stamp(rec.CreatedAt), Stamp(rec.ExpiresAt)
	return nil
}

// SameAdjustment reports whether prev, an adjustment recorded under a's
// actor and idempotency key, was made by the same request as a (hotel,
// room type, dates, rooms, reason); if not, a replay is refused with
// ErrIdempotencyMismatch.
func SameAdjustment(prev, a *hotel.Adjustment) bool {
	return prev.HotelID == a.HotelID && prev.RoomTypeID == a.RoomTypeID && prev.StartDate == a.StartDate &&
		prev.EndDate == a.EndDate && prev.NumRooms == a.NumRooms && prev.Reason == a.Reason
}
