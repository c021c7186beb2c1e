package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
	"github.com/hotelplatform/hotel/internal/store/postgres/db"
)

// EraseGuest erases one booking's guest data.
func (s *Store) EraseGuest(ctx context.Context, bookingID string, at time.Time) error {
	id, err := uuid.Parse(bookingID)
	if err != nil {
		return store.ErrNotFound
	}
	n, err := queries.EraseGuest(ctx, s.pool, db.EraseGuestParams{Erased: store.ErasedGuestName, At: store.Timestamp(store.Stamp(at)), ID: id})
	if err != nil || n == 1 {
		return translate(err)
	}
	pending, err := queries.BookingSyncPending(ctx, s.pool, id)
	if err != nil {
		return translate(err)
	}
	if pending {
		return store.ErrConflict
	}
	return nil // erased already
}

// EraseExpiredGuests erases the guest data of bookings past retention.
func (s *Store) EraseExpiredGuests(ctx context.Context, endedBefore hotel.Date, cancelledBefore, at time.Time, limit int) (int64, error) {
	n, err := queries.EraseExpiredGuests(ctx, s.pool, db.EraseExpiredGuestsParams{
		Erased: store.ErasedGuestName, At: store.Timestamp(store.Stamp(at)), EndedBefore: store.Day(endedBefore),
		CancelledBefore: store.Timestamp(store.Stamp(cancelledBefore)), Lim: int32(limit)})
	return n, translate(err)
}
