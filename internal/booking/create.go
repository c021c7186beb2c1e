package booking

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/inventory"
	"github.com/hotelplatform/hotel/internal/store"
)

// Create books a room: the booking is recorded pending, inventory holds
// every night, and the booking is confirmed with the hold's prices. The
// result carries the access token, shown only here. Errors: EINVALID
// (fields named), ECONFLICT (sold out, with the nights), EUNAVAILABLE (the
// booking stays pending; Recover settles it).
func (s *Service) Create(ctx context.Context, nb hotel.NewBooking) (*hotel.Booking, error) {
	return s.CreateWithID(ctx, NewID(), nb)
}

// CreateWithID is Create with the booking id chosen by the caller, so a
// retried request can resume its own booking: when booking id already
// exists, a pending one is taken on to confirmed (or failed) and any other
// is returned as it is, whether or not nb still passes validation (the
// caller vouches it is the request that created the booking). A resumed booking gets a new
// access token, replacing the one its first attempt made: that attempt's
// answer never reached the client (it retried), and without a token the
// guest could not manage the booking.
func (s *Service) CreateWithID(ctx context.Context, id string, nb hotel.NewBooking) (*hotel.Booking, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, &hotel.Error{Code: hotel.EINVALID, Message: "A booking id must be a UUID.",
			Fields: []hotel.FieldError{{Field: "booking_id", Reason: "must be a UUID"}}}
	}
	b := hotel.Booking{
		ID: cid, GuestName: nb.GuestName, HotelID: nb.HotelID, RoomType: nb.RoomType,
		ArrivalDate: nb.ArrivalDate, StayLength: nb.StayLength, Adults: nb.Adults, Children: nb.Children,
		IsHoliday: nb.IsHoliday,
	}
	var v hotel.Validation
	b.MealPlan = checkLabel(&v, "meal_plan", nb.MealPlan)
	b.MarketSegment = checkLabel(&v, "market_segment", nb.MarketSegment)
	b.BookingChannel = checkLabel(&v, "booking_channel", nb.BookingChannel)
	c, err := s.check(ctx, &v, &b, true)
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		// A retry whose request no longer passes (its arrival day has
		// passed at the hotel, say) still resumes the booking it made.
		if existing, gerr := s.store.GetBooking(ctx, cid); gerr == nil {
			return s.resumeExisting(ctx, existing)
		}
		s.cfg.Events.BookingFailed(err)
		return nil, err
	}
	b.Currency = c.hotel.Currency
	now := s.now()
	b.CreatedAt, b.UpdatedAt = now, now

	token, hash := auth.NewBookingToken(cid)
	if s.cfg.Local != nil {
		b, err = s.createHeld(ctx, b, hash)
	} else {
		b, err = s.createSaga(ctx, b, hash)
	}
	var ex *existsError
	if errors.As(err, &ex) {
		// Made by an earlier attempt of this request, or a concurrent retry.
		return s.resumeExisting(ctx, ex.b)
	}
	if err != nil {
		s.cfg.Events.BookingFailed(err)
		return nil, err
	}
	s.cfg.Events.BookingCreated()
	// No redaction: the caller holds the access token that lets it see
	// this booking's guest name, and sent that name itself.
	b.AccessToken = token
	return &b, nil
}

// createSaga records b pending, then holds its nights through the
// inventory service and confirms it (confirm).
func (s *Service) createSaga(ctx context.Context, b hotel.Booking, hash []byte) (hotel.Booking, error) {
	b.Status = hotel.StatusPending
	b.SyncPending = true
	if err := s.insert(ctx, &b, hash); err != nil {
		return b, err
	}
	s.log.InfoContext(ctx, "booking recorded", "booking_id", b.ID, "hotel_id", b.HotelID, "status", b.Status)
	return s.confirm(ctx, b)
}

// createHeld records b confirmed with the hold of its stay in one
// transaction (Config.Local). Sold out, it records b failed, as the saga
// does.
func (s *Service) createHeld(ctx context.Context, b hotel.Booking, hash []byte) (hotel.Booking, error) {
	b.Status = hotel.StatusConfirmed
	b.SyncPending = false
	err := s.withNewCode(ctx, &b, func() error {
		_, err := s.cfg.Local.InsertHeldBooking(ctx, &b, hash)
		return err
	})
	var ne *store.NightsError
	switch {
	case err == nil:
		s.cfg.Events.HoldTaken(nil)
		s.log.InfoContext(ctx, "booking confirmed", "booking_id", b.ID, "hotel_id", b.HotelID, "nights", len(b.NightlyPrices))
		return b, nil
	case errors.As(err, &ne):
		herr := inventory.HoldError(err, b.RoomType)
		s.cfg.Events.HoldTaken(herr)
		failed := b
		failed.Status = hotel.StatusFailed
		if ierr := s.insert(ctx, &failed, hash); ierr != nil {
			return b, ierr
		}
		s.log.InfoContext(ctx, "booking failed", "booking_id", b.ID, "reason", hotel.ErrorCode(herr))
		return failed, refused(b, herr)
	}
	if errors.Is(err, store.ErrNotFound) {
		// The room type was deleted after the lookup: the hold is refused.
		err = roomTypeGone(err)
		s.cfg.Events.HoldTaken(err)
		return b, err
	}
	return b, writeError(err, b.ID)
}

// roomTypeGone is the error of a create whose room type was deleted after
// it was looked up.
func roomTypeGone(err error) error {
	return &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
		Fields: []hotel.FieldError{{Field: "room_type", Reason: "does not exist at this hotel"}}, Err: err}
}

// errNoCode: five confirmation codes drawn in a row were taken.
var errNoCode = &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: errors.New("no free confirmation code in 5 draws")}

// resumeExisting resumes the create of existing booking b (resume) and
// gives it a new access token (reissueToken).
func (s *Service) resumeExisting(ctx context.Context, b hotel.Booking) (*hotel.Booking, error) {
	b, err := s.resume(ctx, b)
	if err != nil {
		return nil, err
	}
	return s.reissueToken(ctx, b)
}

// existsError: the booking id was inserted by someone else meanwhile (an
// earlier attempt of the request, or a concurrent retry); b is it as stored.
type existsError struct{ b hotel.Booking }

func (e *existsError) Error() string { return "booking: id " + e.b.ID + " exists" }

// withNewCode runs write with a fresh confirmation code in b, drawing
// another while the write conflicts without the booking id being taken.
// When it is taken, the error is an *existsError.
func (s *Service) withNewCode(ctx context.Context, b *hotel.Booking, write func() error) error {
	for range 5 {
		b.ConfirmationCode = s.newCode()
		err := write()
		var ne *store.NightsError
		if !errors.Is(err, store.ErrConflict) || errors.As(err, &ne) {
			return err
		}
		if cur, gerr := s.store.GetBooking(ctx, b.ID); gerr == nil {
			return &existsError{b: cur}
		}
	}
	return errNoCode
}

// writeError is the error of a write of booking id that withNewCode ran
// and that is not about nights: a room type deleted after the lookup is
// invalid; *existsError and errNoCode stay as they are.
func writeError(err error, id string) error {
	var ex *existsError
	switch {
	case err == nil, errors.As(err, &ex), errors.Is(err, errNoCode):
		return err
	case errors.Is(err, store.ErrNotFound):
		return roomTypeGone(err)
	}
	return storeError(err, id)
}

// insert stores b with a fresh confirmation code (withNewCode).
func (s *Service) insert(ctx context.Context, b *hotel.Booking, tokenHash []byte) error {
	return writeError(s.withNewCode(ctx, b, func() error { return s.store.InsertBooking(ctx, b, tokenHash) }), b.ID)
}

// resume continues the creation of booking b, found under the id of a
// retried create, and returns it as stored.
func (s *Service) resume(ctx context.Context, b hotel.Booking) (hotel.Booking, error) {
	for range 3 {
		switch b.Status {
		case hotel.StatusFailed:
			return b, hotel.Errorf(hotel.ECONFLICT, "Booking %s could not be completed and has failed; make a new booking (with a new Idempotency-Key).", b.ID)
		case hotel.StatusPending:
		default:
			return b, nil
		}
		// Touch the row first: Recover leaves recently changed bookings
		// alone, so it will not race this request.
		b.SyncPending = true
		err := s.update(ctx, &b)
		if err == nil {
			return s.confirm(ctx, b)
		}
		if !errors.Is(err, store.ErrConflict) {
			return b, storeError(err, b.ID)
		}
		if b, err = s.load(ctx, b.ID); err != nil {
			return b, err
		}
	}
	return b, changed(b.ID, 0, store.ErrConflict)
}

// reissueToken gives resumed booking b a new access token (replacing the
// old one) and returns it with the token, unredacted: the caller sent the
// guest's name itself and now holds the booking's token.
func (s *Service) reissueToken(ctx context.Context, b hotel.Booking) (*hotel.Booking, error) {
	token, hash := auth.NewBookingToken(b.ID)
	if err := s.store.SetBookingAccessHash(ctx, b.ID, hash); err != nil {
		return nil, storeError(err, b.ID)
	}
	b.AccessToken = token
	return &b, nil
}

// confirm takes the hold of pending booking b and records the outcome: the
// create saga after the insert. It returns the booking as stored.
func (s *Service) confirm(ctx context.Context, b hotel.Booking) (hotel.Booking, error) {
	// Once the row exists, the saga runs to its end even if the client
	// goes away; each call still has its own timeout.
	ctx = context.WithoutCancel(ctx)
	var h *hotel.Hold
	err := s.call(ctx, func(ctx context.Context) (err error) {
		h, _, err = s.inv.CreateHold(ctx, holdRequest(b))
		return err
	})
	switch hotel.ErrorCode(err) {
	case "":
	case hotel.ECONFLICT, hotel.EINVALID:
		// Refused: nothing is held, so the booking fails.
		failed := b
		failed.Status = hotel.StatusFailed
		failed.SyncPending = false
		if uerr := s.update(ctx, &failed); uerr != nil {
			s.log.WarnContext(ctx, "could not record a failed booking; recovery will", "booking_id", b.ID, "err", uerr)
		} else {
			s.log.InfoContext(ctx, "booking failed", "booking_id", b.ID, "reason", hotel.ErrorCode(err))
		}
		return failed, refused(b, err)
	default:
		// Whether the hold was taken is unknown: the booking stays pending
		// (and SyncPending) for a retry or the recovery pass to settle.
		s.log.WarnContext(ctx, "hold not confirmed; booking left pending", "booking_id", b.ID, "err", err)
		return b, unavailable(err)
	}
	if h.Status != hotel.HoldHeld {
		// Released: the recovery pass failed this booking meanwhile.
		return b, unavailable(errors.New("hold already released"))
	}
	for range 3 {
		next := b
		next.Status = hotel.StatusConfirmed
		next.SyncPending = false
		next.PriceBy(h)
		err := s.update(ctx, &next)
		if err == nil {
			s.log.InfoContext(ctx, "booking confirmed", "booking_id", b.ID, "nights", len(next.NightlyPrices))
			return next, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			// Still pending with its hold: a retry or Recover confirms it.
			return b, storeError(err, b.ID)
		}
		cur, err := s.load(ctx, b.ID)
		if err != nil {
			return b, err
		}
		switch cur.Status {
		case hotel.StatusPending: // touched by a concurrent retry: try again
			b = cur
			continue
		case hotel.StatusFailed:
			// Recovery gave up on it first: give the nights back.
			if err := s.releaseHold(ctx, b.ID, hotel.HoldRelease{}); err != nil {
				s.log.WarnContext(ctx, "could not release the hold of a failed booking", "booking_id", b.ID, "err", err)
			}
			return cur, unavailable(errors.New("booking failed by recovery"))
		}
		return cur, nil // confirmed (and maybe changed since) by a concurrent retry
	}
	return b, unavailable(errors.New("booking kept changing"))
}

// holdRequest is the hold booking b needs.
func holdRequest(b hotel.Booking) hotel.HoldRequest {
	return hotel.HoldRequest{BookingID: b.ID, HotelID: b.HotelID, RoomTypeID: b.RoomTypeID,
		CheckIn: b.ArrivalDate, CheckOut: b.ArrivalDate.AddDays(b.StayLength)}
}

// refused turns the inventory's refusal of a hold into the booking's error.
func refused(b hotel.Booking, err error) error {
	var he *hotel.Error
	if !errors.As(err, &he) || len(he.Nights) == 0 {
		return err
	}
	return &hotel.Error{Code: hotel.ECONFLICT, Nights: he.Nights, Err: err,
		Message: fmt.Sprintf("%s is sold out on %d night(s) of the stay from %s.", b.RoomType, len(he.Nights), b.ArrivalDate)}
}

// unavailable is the error of a step the inventory did not answer in time.
func unavailable(err error) error {
	return &hotel.Error{Code: hotel.EUNAVAILABLE, Err: err,
		Message: "The booking could not be completed because inventory is unavailable; retry with the same Idempotency-Key."}
}

// check validates the fields of b a client sets — guest name, stay, party,
// hotel and room type (by name, case-insensitive) — adding what is wrong to
// v. It resolves the room type (RoomTypeID and its stored name), sets the
// hotel name, check-out date and is_weekend, and with checkArrival refuses
// an arrival before today at the hotel. It returns the hotel; its error is
// one that is not the client's (EUNAVAILABLE).
func (s *Service) check(ctx context.Context, v *hotel.Validation, b *hotel.Booking, checkArrival bool) (cachedHotel, error) {
	b.GuestName = checkGuestName(v, b.GuestName)
	if b.StayLength < 1 || b.StayLength > s.cfg.MaxStayNights {
		v.Add("stay_length", fmt.Sprintf("must be between 1 and %d nights", s.cfg.MaxStayNights))
	} else if !b.ArrivalDate.IsZero() && b.ArrivalDate.AddDays(b.StayLength).Time().Year() > 9999 {
		v.Add("stay_length", "the stay must end by 9999-12-31")
	}
	if b.Adults < 1 {
		v.Add("adults", "must be at least 1")
	}
	if b.Children < 0 {
		v.Add("children", "must not be negative")
	}
	if b.ArrivalDate.IsZero() {
		v.Add("arrival_date", "is required (YYYY-MM-DD)")
	}
	b.RoomType = strings.TrimSpace(b.RoomType)
	if b.RoomType == "" {
		v.Add("room_type", "is required")
	}
	if b.HotelID <= 0 {
		v.Add("hotel_id", "must be a positive integer")
		return cachedHotel{}, nil
	}
	c, err := s.hotelInfo(ctx, b.HotelID)
	switch hotel.ErrorCode(err) {
	case "":
	case hotel.ENOTFOUND:
		v.Add("hotel_id", "no hotel has this id")
		return c, nil
	default:
		return c, err
	}
	b.HotelName = c.hotel.Name
	if b.RoomType != "" {
		rt, ok := c.roomType(b.RoomType)
		switch {
		case !ok:
			v.Add("room_type", fmt.Sprintf("hotel %d has no room type %q", b.HotelID, clip(b.RoomType)))
		case b.Adults >= 1 && b.Children >= 0 && b.Adults+b.Children > rt.MaxOccupancy:
			b.RoomTypeID, b.RoomType = rt.ID, rt.Name
			v.Add("adults", fmt.Sprintf("a party of %d exceeds the %d guests a room of %s holds", b.Adults+b.Children, rt.MaxOccupancy, rt.Name))
		default:
			b.RoomTypeID, b.RoomType = rt.ID, rt.Name
		}
	}
	if checkArrival && !b.ArrivalDate.IsZero() {
		if today := c.today(s.now()); b.ArrivalDate.Before(today) {
			v.Add("arrival_date", fmt.Sprintf("is in the past at the hotel, where it is %s", today))
		}
	}
	if !b.ArrivalDate.IsZero() && b.StayLength > 0 {
		b.CheckOutDate = b.ArrivalDate.AddDays(b.StayLength)
		b.IsWeekend = hotel.WeekendNight(b.ArrivalDate, b.StayLength)
	}
	return c, nil
}

// checkGuestName trims a guest name and checks it is 1–100 characters of
// valid UTF-8 without control characters.
func checkGuestName(v *hotel.Validation, name string) string {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		v.Add("guest_name", "must be valid UTF-8")
	case n == 0:
		v.Add("guest_name", "is required")
	case n > 100:
		v.Add("guest_name", "must be at most 100 characters")
	case strings.ContainsFunc(name, unicode.IsControl):
		v.Add("guest_name", "must not contain control characters")
	}
	return name
}

// checkLabel trims an optional short text field (meal plan, market
// segment, booking channel) and checks it is at most 50 plain characters.
func checkLabel(v *hotel.Validation, field, s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 50 || strings.ContainsFunc(s, unicode.IsControl) {
		v.Add(field, "must be at most 50 characters of text without control characters")
	}
	return s
}

// codeAlphabet has no 0/O or 1/I, so a code read over the phone is unambiguous.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newConfirmationCode returns 8 random characters of codeAlphabet (40 bits).
func newConfirmationCode() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = codeAlphabet[b[i]%byte(len(codeAlphabet))]
	}
	return string(b[:])
}

// NewID returns a new booking id: a UUIDv7 (RFC 9562), so ids sort by
// creation time and the newest-first list needs no other column.
func NewID() string {
	var u [16]byte
	_, _ = rand.Read(u[6:])
	binary.BigEndian.PutUint64(u[:8], uint64(time.Now().UnixMilli())<<16|uint64(binary.BigEndian.Uint16(u[6:8])))
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // variant 10
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
