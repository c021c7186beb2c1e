package booking

import (
	"context"
	"errors"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// CompleteStay completes booking b, checked in or confirmed, whose
// check-out has passed: it becomes completed and any night its hold still
// has from the check-out date on returns to inventory. The update is conditional on b.Version, so
// of two schedulers completing the same booking one does it and the other
// gets false. A release that fails leaves the booking marked for Recover.
func (s *Service) CompleteStay(ctx context.Context, b hotel.Booking) (bool, error) {
	if b.Status != hotel.StatusConfirmed && b.Status != hotel.StatusCheckedIn || b.SyncPending {
		// Not due, or a change is still settling its hold: Recover
		// finishes it and the next run completes it.
		return false, nil
	}
	b.Status = hotel.StatusCompleted
	b.SyncPending = true
	if err := s.update(ctx, &b, false); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return false, nil // changed meanwhile: completed elsewhere, or cancelled
		}
		return false, storeError(err, b.ID)
	}
	s.settle(ctx, &b, hotel.HoldRelease{From: b.CheckOutDate})
	return true, nil
}

// Resync makes the hold of booking id match what the booking says, now:
// the repair step of reconciliation, for which bookings are the source of
// truth. A confirmed or checked-in booking's hold is put on its stay (or
// taken, if it has none); a cancelled or failed booking's hold is
// released, a completed one's or a no-show's from its departure on; a hold without a booking is released. A
// booking in flight (pending, or marked for Recover) is left to Recover.
func (s *Service) Resync(ctx context.Context, id string) error {
	b, err := s.store.GetBooking(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.releaseHold(ctx, id, hotel.HoldRelease{})
	case err != nil:
		return storeError(err, id)
	case b.SyncPending || b.Status == hotel.StatusPending:
		return nil
	}
	switch b.Status {
	case hotel.StatusConfirmed, hotel.StatusCheckedIn:
		err := s.call(ctx, func(ctx context.Context) error {
			_, err := s.inv.MoveHold(ctx, b.ID, hotel.HoldMove{RoomTypeID: b.RoomTypeID, CheckIn: b.ArrivalDate, CheckOut: b.CheckOutDate, Restore: true})
			return err
		})
		if hotel.ErrorCode(err) != hotel.ENOTFOUND {
			return err
		}
		return s.call(ctx, func(ctx context.Context) error {
			req := holdRequest(b)
			req.Restore = true
			_, _, err := s.inv.CreateHold(ctx, req)
			return err
		})
	case hotel.StatusCompleted, hotel.StatusNoShow:
		return s.releaseHold(ctx, b.ID, hotel.HoldRelease{From: releasedFrom(b)})
	default:
		return s.releaseHold(ctx, b.ID, hotel.HoldRelease{})
	}
}
