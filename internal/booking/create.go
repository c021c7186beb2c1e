package booking

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
)

// Create books one room or several: inventory holds every night of every
// room's stay (all or none), and the booking is recorded confirmed with
// the holds' prices. The result carries the access token, shown only here.
// Errors: EINVALID (fields named), ECONFLICT (sold out, with the nights),
// EUNAVAILABLE (nothing recorded; holds taken meanwhile are settled by a
// retry or by Recover).
func (s *Service) Create(ctx context.Context, nb hotel.NewBooking) (*hotel.Booking, error) {
	return s.CreateWithID(ctx, NewID(), nb)
}

// CreateWithID is Create with the booking id chosen by the caller, so a
// retried request can resume its own booking: when booking id already
// exists it is returned as it is (a failed one as a conflict), whether or
// not nb still passes validation (the caller vouches it is the request that
// created the booking); when only its holds exist, the retry takes those
// holds (holds are idempotent on their ids) and records the booking. A
// resumed booking gets a new access token, replacing the one its first
// attempt made: that attempt's answer never reached the client (it
// retried), and without a token the guest could not manage the booking.
func (s *Service) CreateWithID(ctx context.Context, id string, nb hotel.NewBooking) (*hotel.Booking, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, &hotel.Error{Code: hotel.EINVALID, Message: "A booking id must be a UUID.",
			Fields: []hotel.FieldError{{Field: "booking_id", Reason: "must be a UUID"}}}
	}
	rows, c, err := s.newRows(ctx, cid, nb)
	if err != nil {
		// A retry whose request no longer passes (its arrival day has
		// passed at the hotel, say) still resumes the booking it made.
		if existing, gerr := s.store.GetBooking(ctx, cid); gerr == nil && existing.GroupID == "" {
			return s.resumeExisting(ctx, existing)
		}
		s.cfg.Events.BookingFailed(err)
		return nil, err
	}
	now := s.now()
	for i := range rows {
		rows[i].Currency = c.hotel.Currency
		rows[i].CreatedAt, rows[i].UpdatedAt = now, now
	}

	token, hash := auth.NewBookingToken(cid)
	rows, err = s.book(ctx, rows, hash)
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
	// this booking's guest names, and sent those names itself.
	b := s.combine(ctx, rows, false)
	b.AccessToken = token
	return b, nil
}

// book holds every night of the stay of each of rows (the rooms of one
// booking, room 1 first) through the inventory service, then records them
// confirmed and priced by their holds, as one unit of work: where
// inventory shares the booking database (all-in-one) both commit in one
// transaction; where it is remote the holds commit first, unconfirmed, and
// Recover releases them if the booking is never recorded. Refused (sold
// out), the booking is recorded failed (room 1's row), as a retry of the
// request finds it.
func (s *Service) book(ctx context.Context, rows []hotel.Booking, hash []byte) ([]hotel.Booking, error) {
	// Once a hold may exist, the create runs to its end even if the client
	// goes away; each call to inventory still has its own timeout.
	ctx = context.WithoutCancel(ctx)
	lead := &rows[0]
	booked := make([]hotel.Booking, len(rows))
	err := s.withNewCode(ctx, lead, func() error {
		return s.store.Atomically(ctx, func(ctx context.Context) error {
			holds, err := s.takeHolds(ctx, rows)
			if err != nil {
				return &holdFailed{err}
			}
			for i, b := range rows {
				b.Status, b.SyncPending = hotel.StatusConfirmed, false
				if i > 0 {
					b.ConfirmationCode = roomCode(lead.ConfirmationCode, b.RoomNo)
				}
				code := b.RatePlan // as the client named it
				b.PriceBy(&holds[i])
				named(&b, code)
				tokenHash := hash
				if i > 0 {
					tokenHash = nil // the booking's token is room 1's
				}
				if err := s.store.InsertBooking(ctx, &b, tokenHash); err != nil {
					return err
				}
				booked[i] = b
			}
			return nil
		})
	})
	var hf *holdFailed
	switch {
	case err == nil:
		nights := 0
		for _, b := range booked {
			nights += len(b.NightlyPrices)
		}
		s.log.InfoContext(ctx, "booking confirmed", "booking_id", lead.ID, "hotel_id", lead.HotelID, "rooms", len(rows), "nights", nights)
		return booked, nil
	case errors.As(err, &hf):
		if errors.Is(hf.err, errHoldReleased) {
			// Recover gave up on an earlier attempt of this create and
			// recorded the booking failed: that is the answer.
			if cur, gerr := s.store.GetBooking(ctx, lead.ID); gerr == nil {
				return rows, &existsError{b: cur}
			}
		}
		return rows, s.notHeld(ctx, rows, hash, hf.err)
	}
	return rows, writeError(err, lead.ID)
}

// roomCode is the confirmation code of room k of the booking with code.
func roomCode(code string, k int) string { return code + "-" + strconv.Itoa(k) }

// takeHolds holds the nights of the stays of rows, all or none (idempotent
// on their ids: a retry gets the holds an earlier attempt took), and
// returns the holds in the order of rows.
func (s *Service) takeHolds(ctx context.Context, rows []hotel.Booking) ([]hotel.Hold, error) {
	var holds []hotel.Hold
	err := s.call(ctx, func(ctx context.Context) error {
		if len(rows) == 1 {
			h, _, err := s.inv.CreateHold(ctx, holdRequest(rows[0]))
			if err == nil {
				holds = []hotel.Hold{*h}
			}
			return err
		}
		reqs := make([]hotel.HoldRequest, len(rows))
		for i, b := range rows {
			reqs[i] = holdRequest(b)
		}
		var err error
		holds, _, err = s.inv.CreateHolds(ctx, reqs)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(holds) != len(rows) {
		return nil, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error",
			Err: fmt.Errorf("asked %d holds, got %d", len(rows), len(holds))}
	}
	for _, h := range holds {
		if h.Status != hotel.HoldHeld {
			// Released: Recover gave up on an earlier attempt of this create.
			return nil, unavailable(errHoldReleased)
		}
	}
	return holds, nil
}

// errHoldReleased: the hold a create found under its booking id was
// released (by Recover, which then records the booking failed).
var errHoldReleased = errors.New("hold already released")

// holdFailed carries the inventory's answer to a hold out of a unit of
// work, apart from the unit's own write errors.
type holdFailed struct{ err error }

func (e *holdFailed) Error() string { return "hold not taken: " + e.err.Error() }

// notHeld is the outcome of a create whose holds were not taken: refused
// → the booking recorded failed (room 1's row, standing for the booking)
// and the refusal; otherwise unavailable (whether a remote hold was taken
// is unknown: a retry takes it, or Recover releases it).
func (s *Service) notHeld(ctx context.Context, rows []hotel.Booking, hash []byte, err error) error {
	b := rows[0]
	switch hotel.ErrorCode(err) {
	case hotel.ECONFLICT, hotel.EINVALID:
		failed := b
		failed.Status, failed.GuestName = hotel.StatusFailed, noGuestName
		if ierr := s.insert(ctx, &failed, hash); ierr != nil {
			return ierr
		}
		s.log.InfoContext(ctx, "booking failed", "booking_id", b.ID, "rooms", len(rows), "reason", hotel.ErrorCode(err))
		return refused(rows, err)
	case hotel.EUNAVAILABLE:
		s.log.WarnContext(ctx, "hold not confirmed; booking not recorded", "booking_id", b.ID, "err", err)
		return unavailable(err)
	}
	return &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: err}
}

// roomTypeGone is the error of a create whose room type was deleted after
// it was looked up.
func roomTypeGone(err error) error {
	return &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
		Fields: []hotel.FieldError{{Field: "room_type", Reason: "does not exist at this hotel"}}, Err: err}
}

// errNoCode: five confirmation codes drawn in a row were taken.
var errNoCode = &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: errors.New("no free confirmation code in 5 draws")}

// resumeExisting returns existing booking b, with its rooms, to a retry
// of the create that made it (resume), with a new access token
// (reissueToken), unredacted: the caller sent the guests' names itself
// and now holds the booking's token.
func (s *Service) resumeExisting(ctx context.Context, b hotel.Booking) (*hotel.Booking, error) {
	if b.GroupID != "" {
		// A room of another booking (its id is derived from that
		// booking's): not a booking this request made.
		return nil, hotel.Errorf(hotel.ECONFLICT, "Booking id %s is taken; make a new booking (with a new Idempotency-Key).", b.ID)
	}
	if err := resume(b); err != nil {
		return nil, err
	}
	rows, err := s.withRooms(ctx, b)
	if err != nil {
		return nil, err
	}
	token, err := s.reissueToken(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	out := s.combine(ctx, rows, false)
	out.AccessToken = token
	return out, nil
}

// existsError: the booking id was inserted by someone else meanwhile (an
// earlier attempt of the request, or a concurrent retry); b is it as stored.
type existsError struct{ b hotel.Booking }

func (e *existsError) Error() string { return "booking: id " + e.b.ID + " exists" }

// withNewCode runs write with a fresh confirmation code in b, drawing
// another while the write conflicts on a booking (not on nights) without
// the booking id being taken. When it is taken, the error is an
// *existsError.
func (s *Service) withNewCode(ctx context.Context, b *hotel.Booking, write func() error) error {
	for range 5 {
		b.ConfirmationCode = s.newCode()
		err := write()
		var ne *store.NightsError
		var hf *holdFailed
		if !errors.Is(err, store.ErrConflict) || errors.As(err, &ne) || errors.As(err, &hf) {
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

// resume says whether booking b, found under the id of a retried create,
// is the create's answer: a failed one is a conflict, and a pending one
// (made by an earlier version's saga) is left for Recover to settle.
func resume(b hotel.Booking) error {
	switch b.Status {
	case hotel.StatusFailed:
		return hotel.Errorf(hotel.ECONFLICT, "Booking %s could not be completed and has failed; make a new booking (with a new Idempotency-Key).", b.ID)
	case hotel.StatusPending:
		return unavailable(errors.New("booking still pending"))
	}
	return nil
}

// reissueToken gives booking id a new access token, replacing the old
// one, and returns it.
func (s *Service) reissueToken(ctx context.Context, id string) (string, error) {
	token, hash := auth.NewBookingToken(id)
	if err := s.store.SetBookingAccessHash(ctx, id, hash); err != nil {
		return "", storeError(err, id)
	}
	return token, nil
}

// NewAccessToken gives booking id a new access token, replacing the one it
// had, and returns it. It is for the holder of the Idempotency-Key of the
// create that made the booking, whose replayed answer must carry a token
// that works: a token is kept nowhere but as its hash, so the one first
// sent cannot be shown again. Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Service) NewAccessToken(ctx context.Context, id string) (string, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return "", notFound(id)
	}
	return s.reissueToken(ctx, cid)
}

// holdRequest is the hold booking b needs: its stay on its rate plan for
// its party.
func holdRequest(b hotel.Booking) hotel.HoldRequest {
	return hotel.HoldRequest{BookingID: b.ID, HotelID: b.HotelID, RoomTypeID: b.RoomTypeID,
		CheckIn: b.ArrivalDate, CheckOut: b.ArrivalDate.AddDays(b.StayLength),
		RatePlan: b.RatePlan, Adults: b.Adults, ChildAges: party(b).ChildAges}
}

// party is the party of booking b: its children of the ages given, else
// of unknown age.
func party(b hotel.Booking) hotel.Party { return hotel.PartyOf(b.Adults, b.Children, b.ChildAges) }

// named gives booking b, priced on the plan its client named (code; none:
// the default plan, and b keeps the meal plan label it was given), the
// plan's meal plan.
func named(b *hotel.Booking, code string) {
	if code != "" && b.Terms != nil {
		b.MealPlan = b.Terms.RatePlan.MealPlan
	}
}

// refused turns the inventory's refusal of the holds of rows (the rooms
// of one booking) into the booking's error.
func refused(rows []hotel.Booking, err error) error {
	var he *hotel.Error
	if !errors.As(err, &he) || len(he.Nights) == 0 {
		return err
	}
	b := rows[0]
	msg := fmt.Sprintf("%s is sold out on %d night(s) of the stay from %s.", b.RoomType, len(he.Nights), b.ArrivalDate)
	if len(rows) > 1 {
		msg = fmt.Sprintf("The %d rooms are not all available for the stay from %s: %d night(s) short, nothing was held.",
			len(rows), b.ArrivalDate, len(he.Nights))
	}
	return &hotel.Error{Code: hotel.ECONFLICT, Nights: he.Nights, Err: err, Message: msg}
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
	if b.ChildAges != nil {
		if len(b.ChildAges) != b.Children {
			v.Add("children_ages", fmt.Sprintf("must list one age per child (%d)", b.Children))
		} else {
			hotel.CheckChildAges(v, "children_ages", b.ChildAges, len(b.ChildAges), false)
		}
	}
	b.RatePlan = hotel.CheckRatePlanCode(v, "rate_plan", b.RatePlan)
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
		case b.Adults >= 1 && b.Children >= 0 && (b.Adults > rt.MaxOccupancy || b.Children > rt.MaxOccupancy-b.Adults):
			// (compared without adding: a sum of huge counts would wrap)
			b.RoomTypeID, b.RoomType = rt.ID, rt.Name
			v.Add("adults", fmt.Sprintf("a party of %d adult(s) and %d child(ren) exceeds the %d guests a room of %s holds",
				b.Adults, b.Children, rt.MaxOccupancy, rt.Name))
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

// checkGuestName checks a guest name is safe single-line text
// (hotel.TextFault) and, trimmed, 1–100 characters; it returns it trimmed.
func checkGuestName(v *hotel.Validation, name string) string {
	if fault := hotel.TextFault(name); fault != "" {
		v.Add("guest_name", fault)
		return name
	}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		v.Add("guest_name", "is required")
	case n > 100:
		v.Add("guest_name", "must be at most 100 characters")
	}
	return name
}

// checkLabel checks an optional short text field (meal plan, market
// segment, booking channel) is safe single-line text (hotel.TextFault) of
// at most 50 characters; it returns it trimmed.
func checkLabel(v *hotel.Validation, field, s string) string {
	if fault := hotel.TextFault(s); fault != "" {
		v.Add(field, fault)
		return s
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 50 {
		v.Add(field, "must be at most 50 characters")
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
