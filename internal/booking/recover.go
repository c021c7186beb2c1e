package booking

import (
	"context"
	"errors"
	"time"

	"github.com/hotelplatform/hotel"
)

// Report says what a recovery pass did.
type Report struct {
	// HoldsConfirmed counts holds of recorded bookings marked confirmed:
	// every create's, once it is older than RecoverAfter.
	HoldsConfirmed int `json:"holds_confirmed"`
	// Abandoned counts creates that took a hold and never recorded their
	// booking: each is recorded failed and its nights released.
	Abandoned int `json:"abandoned"`
	Examined  int `json:"examined"`  // bookings marked SyncPending for longer than RecoverAfter
	Confirmed int `json:"confirmed"` // pending bookings (of an earlier version) whose hold was taken: confirmed
	Failed    int `json:"failed"`    // pending bookings (of an earlier version) without a hold: failed
	Moved     int `json:"moved"`     // confirmed bookings whose hold was put back on their stay
	Released  int `json:"released"`  // cancelled, failed or completed bookings whose nights were released
	Errors    int `json:"errors"`    // holds and bookings left for the next pass
	// PurgedKeys counts expired Idempotency-Key records deleted.
	PurgedKeys int64 `json:"purged_keys"`
}

// recoverBatch is how many bookings one store call returns.
const recoverBatch = 100

// Recover finishes what requests left half done, for every hold and every
// booking mark older than RecoverAfter (so never one a request is still
// working on):
//
//   - an unconfirmed hold whose booking is recorded is confirmed (or
//     released, if the booking failed or was cancelled); one without a
//     booking — a create that stopped between its hold and its booking —
//     is recorded failed under its id, so that a late insert of the
//     booking fails, and then released;
//   - pending (left by an earlier version's saga): its hold was taken →
//     confirmed with the hold's prices; no hold → failed (and the hold
//     released, in case one lands late);
//   - confirmed: the hold is moved to the booking's stay (back, after an
//     interrupted change of dates or room type);
//   - cancelled or failed: every night is released; completed: the nights
//     from the departure on.
//
// Then the mark is cleared. Every step is idempotent and every update is
// conditional on the version read, so two passes at once (two replicas)
// are safe. It also deletes expired idempotency records. It runs at start
// and from the scheduler; the error is only for a store or inventory that
// cannot be read.
func (s *Service) Recover(ctx context.Context) (Report, error) {
	var rep Report
	now := s.now()
	if err := s.settleHolds(ctx, now.Add(-s.cfg.RecoverAfter), &rep); err != nil {
		return rep, err
	}
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
	if rep.Abandoned+rep.Examined+rep.Errors > 0 || rep.PurgedKeys > 0 {
		s.log.InfoContext(ctx, "recovery pass", "holds_confirmed", rep.HoldsConfirmed, "abandoned", rep.Abandoned,
			"examined", rep.Examined, "confirmed", rep.Confirmed, "failed", rep.Failed,
			"moved", rep.Moved, "released", rep.Released, "errors", rep.Errors, "purged_keys", rep.PurgedKeys)
	}
	return rep, nil
}

// settleHolds settles the unconfirmed holds made before before, a batch at
// a time: by the status of their bookings, looked up together.
func (s *Service) settleHolds(ctx context.Context, before time.Time, rep *Report) error {
	for {
		var hs []hotel.Hold
		err := s.call(ctx, func(ctx context.Context) (err error) {
			hs, err = s.inv.UnconfirmedHolds(ctx, before, hotel.MaxHoldBatch)
			return err
		})
		if err != nil || len(hs) == 0 {
			return err
		}
		ids := make([]string, len(hs))
		for i, h := range hs {
			ids[i] = h.BookingID
		}
		statuses, err := s.store.BookingStatuses(ctx, ids)
		if err != nil {
			return storeError(err, "")
		}
		settled := make([]string, 0, len(hs))
		for _, h := range hs {
			if s.settleHold(ctx, h, statuses[h.BookingID], rep) {
				settled = append(settled, h.BookingID)
			}
		}
		if len(settled) > 0 {
			var n int
			err := s.call(ctx, func(ctx context.Context) (err error) {
				n, err = s.inv.ConfirmHolds(ctx, settled)
				return err
			})
			if err != nil {
				return err
			}
			rep.HoldsConfirmed += n
		}
		if len(settled) < len(hs) || len(hs) < hotel.MaxHoldBatch {
			return nil // the rest waits for the next pass
		}
	}
}

// settleHold settles unconfirmed hold h, whose booking has status (empty:
// none is recorded), and reports whether it may be confirmed now.
func (s *Service) settleHold(ctx context.Context, h hotel.Hold, status string, rep *Report) bool {
	if status == "" {
		var err error
		if status, err = s.abandon(ctx, h); err != nil {
			rep.Errors++
			s.log.WarnContext(ctx, "recovery left an unconfirmed hold for the next pass", "booking_id", h.BookingID, "step", "record failed", "err", err)
			return false
		}
		if status == hotel.StatusFailed {
			rep.Abandoned++
		}
	}
	if status != hotel.StatusFailed && status != hotel.StatusCancelled {
		return true // the booking holds it (a cancelled one releases it itself, too)
	}
	if err := s.releaseHold(ctx, h.BookingID, hotel.HoldRelease{}); err != nil {
		rep.Errors++
		s.log.WarnContext(ctx, "recovery left an unconfirmed hold for the next pass", "booking_id", h.BookingID, "step", "release", "err", err)
		return false
	}
	return true
}

// noGuestName stands for the guest name of a booking recorded failed: a
// sold-out attempt keeps no name (it is not a guest's stay, and names are
// kept no longer than needed), and recovery never had one.
const noGuestName = "(not recorded)"

// abandon records failed the booking of hold h, whose create never
// recorded it, so that the create can no longer record it. It returns the
// status the booking has then: failed, or the one a late create recorded
// meanwhile.
func (s *Service) abandon(ctx context.Context, h hotel.Hold) (string, error) {
	now := s.now()
	nights := h.CheckIn.DaysUntil(h.CheckOut)
	b := hotel.Booking{ID: h.BookingID, HotelID: h.HotelID, RoomTypeID: h.RoomTypeID, GuestName: noGuestName,
		ArrivalDate: h.CheckIn, StayLength: nights, CheckOutDate: h.CheckOut, Adults: 1,
		IsWeekend: hotel.WeekendNight(h.CheckIn, nights), Currency: h.Currency, Status: hotel.StatusFailed,
		CreatedAt: now, UpdatedAt: now}
	err := s.insert(ctx, &b, nil)
	var ex *existsError
	if errors.As(err, &ex) {
		return ex.b.Status, nil
	}
	if err != nil {
		return "", err
	}
	s.log.InfoContext(ctx, "recovery recorded an unfinished create failed", "booking_id", b.ID)
	return hotel.StatusFailed, nil
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
	adopted := false
	switch b.Status {
	case hotel.StatusConfirmed:
		adopted, err = s.moveBack(ctx, &b)
	case hotel.StatusCancelled, hotel.StatusFailed:
		err = s.releaseHold(ctx, b.ID, hotel.HoldRelease{})
	case hotel.StatusCompleted, hotel.StatusNoShow:
		err = s.releaseHold(ctx, b.ID, hotel.HoldRelease{From: releasedFrom(b)})
	}
	if err != nil {
		fail("sync hold", err)
		return
	}
	if adopted {
		// The booking takes the stay its hold has: a change the client sees.
		next := b
		next.SyncPending = false
		if err := s.update(ctx, &next, true); err != nil {
			fail("adopt the hold's stay", err)
			return
		}
	} else if !s.clearSync(ctx, &b) {
		rep.Errors++
		return
	}
	if b.Status == hotel.StatusConfirmed {
		rep.Moved++
	} else {
		rep.Released++
	}
}

// releasedFrom is the first night a completed stay or a no-show gave back
// to inventory: the departure, or the check-out date when none was given
// back early.
func releasedFrom(b hotel.Booking) hotel.Date {
	if b.DepartedOn.IsZero() {
		return b.CheckOutDate
	}
	return b.DepartedOn
}

// recoverPending settles a pending booking (made by an earlier version's
// saga) by its hold: held → confirmed (true), none → failed and still
// marked, for its release (false).
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
		if err := s.update(ctx, &next, true); err != nil {
			return false, err
		}
		*b = next
		s.log.InfoContext(ctx, "recovery confirmed a pending booking", "booking_id", b.ID)
		return true, nil
	case err == nil, hotel.ErrorCode(err) == hotel.ENOTFOUND:
		next := *b
		next.Status = hotel.StatusFailed
		if err := s.update(ctx, &next, true); err != nil {
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
// b takes the stay its hold has (adopted): a confirmed booking is never
// left without its room.
func (s *Service) moveBack(ctx context.Context, b *hotel.Booking) (adopted bool, err error) {
	var h *hotel.Hold
	err = s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.MoveHold(ctx, b.ID, hotel.HoldMove{RoomTypeID: b.RoomTypeID, CheckIn: b.ArrivalDate, CheckOut: b.CheckOutDate, Restore: true})
		return err
	})
	if hotel.ErrorCode(err) != hotel.ECONFLICT {
		return false, err
	}
	var he *hotel.Error
	if !errors.As(err, &he) || len(he.Nights) == 0 {
		return false, err
	}
	err = s.call(ctx, func(ctx context.Context) (err error) {
		h, err = s.inv.GetHold(ctx, b.ID)
		return err
	})
	if err != nil {
		return false, err
	}
	if h.Status != hotel.HoldHeld || len(h.Nights) == 0 {
		return false, errors.New("hold has no nights to adopt")
	}
	b.RoomTypeID = h.RoomTypeID
	b.ArrivalDate = h.CheckIn
	b.StayLength = h.CheckIn.DaysUntil(h.CheckOut)
	b.CheckOutDate = h.CheckOut
	b.IsWeekend = hotel.WeekendNight(b.ArrivalDate, b.StayLength)
	b.PriceBy(h)
	s.log.WarnContext(ctx, "recovery kept the moved stay: the original nights are sold", "booking_id", b.ID)
	return true, nil
}
