package booking

import (
	"context"
	"errors"

	"github.com/hotelplatform/hotel"
)

// Report says what a recovery pass did.
type Report struct {
	Examined  int `json:"examined"`  // bookings marked SyncPending for longer than RecoverAfter
	Confirmed int `json:"confirmed"` // pending bookings whose hold was taken: confirmed
	Failed    int `json:"failed"`    // pending bookings without a hold: failed
	Moved     int `json:"moved"`     // confirmed bookings whose hold was put back on their stay
	Released  int `json:"released"`  // cancelled, failed or completed bookings whose nights were released
	Errors    int `json:"errors"`    // bookings left for the next pass
	// PurgedKeys counts expired Idempotency-Key records deleted.
	PurgedKeys int64 `json:"purged_keys"`
}

// recoverBatch is how many bookings one store call returns.
const recoverBatch = 100

// Recover finishes what requests left half done, for every booking marked
// SyncPending for longer than RecoverAfter (so never one a request is still
// working on):
//
//   - pending: its hold was taken → confirmed with the hold's prices; no
//     hold → failed (and the hold released, in case one lands late).
//   - confirmed: the hold is moved to the booking's stay (back, after an
//     interrupted change of dates or room type).
//   - cancelled or failed: every night is released; completed: the nights
//     from the departure on.
//
// Then the flag is cleared. Every step is idempotent and every update is
// conditional on the version read, so two passes at once (two replicas)
// are safe. It also deletes expired idempotency records. It runs at start
// and from the scheduler; the error is only for a store that cannot be read.
func (s *Service) Recover(ctx context.Context) (Report, error) {
	var rep Report
	now := s.now()
	seen := map[string]bool{}
	for {
		batch, err := s.store.SyncPendingBookings(ctx, now.Add(-s.cfg.RecoverAfter), recoverBatch)
		if err != nil {
			return rep, storeError(err, "")
		}
		fresh := 0
		for _, b := range batch {
			if seen[b.ID] { // left over from this pass's errors
				continue
			}
			seen[b.ID] = true
			fresh++
			rep.Examined++
			s.recoverOne(ctx, b, &rep)
		}
		if fresh == 0 || len(batch) < recoverBatch {
			break
		}
	}
	n, err := s.store.PurgeIdempotent(ctx, now)
	if err != nil {
		return rep, storeError(err, "")
	}
	rep.PurgedKeys = n
	if rep != (Report{}) {
		s.log.InfoContext(ctx, "recovery pass", "examined", rep.Examined, "confirmed", rep.Confirmed, "failed", rep.Failed,
			"moved", rep.Moved, "released", rep.Released, "errors", rep.Errors, "purged_keys", rep.PurgedKeys)
	}
	return rep, nil
}

// recoverOne settles one booking, counting the outcome in rep.
func (s *Service) recoverOne(ctx context.Context, b hotel.Booking, rep *Report) {
	fail := func(step string, err error) {
		rep.Errors++
		s.log.WarnContext(ctx, "recovery left a booking for the next pass", "booking_id", b.ID, "status", b.Status, "step", step, "err", err)
	}
	if b.Status == hotel.StatusPending {
		ok, err := s.recoverPending(ctx, &b)
		switch {
		case err != nil:
			fail("settle pending", err)
			return
		case ok:
			rep.Confirmed++
			return
		}
		rep.Failed++ // and on to release, as for any failed booking
	}
	var err error
	switch b.Status {
	case hotel.StatusConfirmed:
		err = s.moveBack(ctx, &b)
	case hotel.StatusCancelled, hotel.StatusFailed:
		err = s.releaseHold(ctx, b.ID, hotel.HoldRelease{})
	case hotel.StatusCompleted:
		from := b.DepartedOn
		if from.IsZero() {
			from = b.CheckOutDate
		}
		err = s.releaseHold(ctx, b.ID, hotel.HoldRelease{From: from})
	}
	if err != nil {
		fail("sync hold", err)
		return
	}
	if !s.clearSync(ctx, &b) {
		rep.Errors++
		return
	}
	if b.Status == hotel.StatusConfirmed {
		rep.Moved++
	} else {
		rep.Released++
	}
}

// recoverPending settles a pending booking by its hold: held → confirmed
// (true), none → failed and still marked, for its release (false).
func (s *Service) recoverPending(ctx context.Context, b *hotel.Booking) (bool, error) {
	var h *hotel.Hold
	err := s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.GetHold(ctx, b.ID)
		return err
	})
	switch {
	case err == nil && h.Status == hotel.HoldHeld:
		next := *b
		next.Status = hotel.StatusConfirmed
		next.SyncPending = false
		next.PriceBy(h)
		if err := s.update(ctx, &next); err != nil {
			return false, err
		}
		*b = next
		s.log.InfoContext(ctx, "recovery confirmed a pending booking", "booking_id", b.ID)
		return true, nil
	case err == nil, hotel.ErrorCode(err) == hotel.ENOTFOUND:
		next := *b
		next.Status = hotel.StatusFailed
		if err := s.update(ctx, &next); err != nil {
			return false, err
		}
		*b = next
		s.log.InfoContext(ctx, "recovery failed a pending booking", "booking_id", b.ID)
		return false, nil
	default:
		return false, err
	}
}

// moveBack puts the hold of confirmed booking b on b's stay. If those
// nights were sold meanwhile (the interrupted change had released them),
// the booking takes the stay its hold has: a confirmed booking is never
// left without its room.
func (s *Service) moveBack(ctx context.Context, b *hotel.Booking) error {
	var h *hotel.Hold
	err := s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.MoveHold(ctx, b.ID, hotel.HoldMove{RoomTypeID: b.RoomTypeID, CheckIn: b.ArrivalDate, CheckOut: b.CheckOutDate})
		return err
	})
	if hotel.ErrorCode(err) != hotel.ECONFLICT {
		return err
	}
	var he *hotel.Error
	if !errors.As(err, &he) || len(he.Nights) == 0 {
		return err
	}
	err = s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.GetHold(ctx, b.ID)
		return err
	})
	if err != nil {
		return err
	}
	if h.Status != hotel.HoldHeld || len(h.Nights) == 0 {
		return errors.New("hold has no nights to adopt")
	}
	b.RoomTypeID = h.RoomTypeID
	b.ArrivalDate = h.CheckIn
	b.StayLength = h.CheckIn.DaysUntil(h.CheckOut)
	b.CheckOutDate = h.CheckOut
	b.IsWeekend = hotel.WeekendNight(b.ArrivalDate, b.StayLength)
	b.PriceBy(h)
	s.log.WarnContext(ctx, "recovery kept the moved stay: the original nights are sold", "booking_id", b.ID)
	return nil
}
