// Package booking implements hotel.BookingService: the booking rules and the
// saga that keeps a booking and its inventory hold equal through timeouts,
// crashes and retries.
//
// The booking row is the source of truth. Every step that touches the hold
// is idempotent on the booking id, and a booking whose hold may not match it
// carries SyncPending until the step that makes them equal has finished; the
// recovery pass (Recover) finishes whatever a request left half done.
package booking

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/auth"
	"github.com/hotelplatform/hotel/internal/store"
)

// Page sizes of List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Config tunes the service; zero fields take their defaults.
type Config struct {
	// MaxStayNights is the longest stay a booking may have (default
	// hotel.MaxStayNights, which is also the longest hold inventory takes).
	MaxStayNights int
	// CallTimeout bounds each call to the inventory service (default 5s).
	CallTimeout time.Duration
	// Retries is how often a call that found inventory unavailable is
	// retried (default 3; negative: never). Only EUNAVAILABLE is retried:
	// every hold call is idempotent on the booking id, so a retry after a
	// timeout cannot take a second room.
	Retries int
	// Backoff is the wait before the first retry (default 100ms); it doubles
	// with each retry, up to 16 times Backoff, with random jitter.
	Backoff time.Duration
	// RecoverAfter is how long a booking must have been SyncPending before
	// Recover touches it (default 1 minute). It must exceed the longest a
	// request can take, so recovery never races a request still running.
	RecoverAfter time.Duration
	// CacheTTL is how long a hotel and its room types, looked up from the
	// inventory service, are reused (default 1 minute).
	CacheTTL time.Duration
	// Events is told of each creation's outcome (metrics); nil: nobody.
	Events Events
}

// Events receives the outcomes of booking creations.
type Events interface {
	BookingCreated()
	BookingFailed(err error) // by the error's code: sold out, invalid, unavailable
}

// noEvents discards events.
type noEvents struct{}

func (noEvents) BookingCreated()     {}
func (noEvents) BookingFailed(error) {}

func (c Config) withDefaults() Config {
	if c.MaxStayNights <= 0 {
		c.MaxStayNights = hotel.MaxStayNights
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = 5 * time.Second
	}
	switch {
	case c.Retries == 0:
		c.Retries = 3
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = 100 * time.Millisecond
	}
	if c.RecoverAfter <= 0 {
		c.RecoverAfter = time.Minute
	}
	if c.CacheTTL <= 0 {
		c.CacheTTL = time.Minute
	}
	if c.Events == nil {
		c.Events = noEvents{}
	}
	return c
}

// Service is the booking service over a store (the booking rows and
// idempotency records) and an inventory service (holds, hotels, room types),
// in process or remote.
type Service struct {
	store   store.Bookings
	inv     hotel.InventoryService
	cfg     Config
	now     func() time.Time
	log     *slog.Logger
	newCode func() string // confirmation codes; replaced in tests

	mu     sync.Mutex
	hotels map[int64]cachedHotel // see hotelInfo
}

var _ hotel.BookingService = (*Service)(nil)

// New returns a Service. st is normally the store.Store of the process; only
// its booking part is used. now is the clock (time.Now in production).
func New(st store.Bookings, inv hotel.InventoryService, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store: st, inv: inv, cfg: cfg.withDefaults(), now: now, log: log.With("component", "booking"),
		newCode: newConfirmationCode, hotels: map[int64]cachedHotel{},
	}
}

// Get returns a booking with its rooms. Errors: ENOTFOUND.
func (s *Service) Get(ctx context.Context, id string) (*hotel.Booking, error) {
	rows, err := s.loadRooms(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.present(ctx, rows), nil
}

// EraseGuest erases the guest data of a booking, every room of it
// (store.Bookings.EraseGuest), and returns the booking. Errors: ENOTFOUND,
// ECONFLICT (a change of the booking is in flight; try again shortly).
func (s *Service) EraseGuest(ctx context.Context, id string) (*hotel.Booking, error) {
	rows, err := s.loadRooms(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, b := range rows {
		if err := s.store.EraseGuest(ctx, b.ID, s.now()); errors.Is(err, store.ErrConflict) {
			return nil, &hotel.Error{Code: hotel.ECONFLICT, Message: fmt.Sprintf("Booking %s is being changed; try again shortly.", rows[0].ID), Err: err}
		} else if err != nil {
			return nil, storeError(err, rows[0].ID)
		}
	}
	return s.Get(ctx, rows[0].ID)
}

// List returns a page of bookings matching f, newest first, each with its
// rooms. Errors: EINVALID.
func (s *Service) List(ctx context.Context, f hotel.BookingFilter) (*hotel.BookingPage, error) {
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	// What the caller may see: a guest-name search needs guests:read (the
	// answer would reveal names); a caller limited to some hotels sees
	// theirs.
	p := auth.PrincipalFrom(ctx)
	if f.GuestName != "" && !p.Has(hotel.ScopeGuestsRead) {
		return nil, hotel.Errorf(hotel.EFORBIDDEN, "Searching by guest name needs the guests:read scope.")
	}
	if f.HotelID != 0 {
		if err := auth.CheckHotel(ctx, f.HotelID); err != nil {
			return nil, err
		}
	} else if p.HotelLimited() {
		f.HotelIDs = p.HotelIDs
	}
	want := f.Limit
	f.Limit++ // one more row says whether another page exists
	rows, err := s.store.ListBookings(ctx, f)
	if err != nil {
		return nil, storeError(err, "")
	}
	page := &hotel.BookingPage{Bookings: make([]hotel.Booking, 0, min(len(rows), want))}
	if len(rows) > want {
		rows = rows[:want]
		page.Next = rows[want-1].ID
	}
	ids := make([]string, len(rows))
	for i, b := range rows {
		ids[i] = b.ID
	}
	rooms, err := s.store.BookingRooms(ctx, ids)
	if err != nil {
		return nil, storeError(err, "")
	}
	for _, b := range rows {
		page.Bookings = append(page.Bookings, *s.present(ctx, append([]hotel.Booking{b}, rooms[b.ID]...)))
	}
	return page, nil
}

// checkFilter validates f, sets the default limit and normalises the text filters.
func checkFilter(f *hotel.BookingFilter) error {
	var v hotel.Validation
	v.PageLimit(&f.Limit, DefaultPageSize, MaxPageSize)
	if f.HotelID < 0 {
		v.Add("hotel_id", "must be a positive integer")
	}
	if f.Status != "" && !slices.Contains(hotel.Statuses, f.Status) {
		v.Add("status", "must be one of "+strings.Join(hotel.Statuses, ", "))
	}
	if !f.ArrivalFrom.IsZero() && !f.ArrivalTo.IsZero() && f.ArrivalTo.Before(f.ArrivalFrom) {
		v.Add("arrival_to", "must not be before arrival_from")
	}
	if !f.DepartureFrom.IsZero() && !f.DepartureTo.IsZero() && f.DepartureTo.Before(f.DepartureFrom) {
		v.Add("departure_to", "must not be before departure_from")
	}
	f.GuestName = strings.TrimSpace(f.GuestName)
	f.ConfirmationCode = strings.ToUpper(strings.TrimSpace(f.ConfirmationCode))
	if c := f.ConfirmationCode; c != "" && (len(c) > 16 || strings.ContainsFunc(c, notAlnum)) {
		v.Add("confirmation_code", "must be a confirmation code such as K7PQ2MXA")
	}
	if f.BeforeID != "" {
		id, ok := canonicalID(f.BeforeID)
		if !ok {
			v.Add("cursor", "not a cursor returned by this API")
		}
		f.BeforeID = id
	}
	return v.Err()
}

func notAlnum(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }

// update writes b with the service's clock, conditional on b.Version and
// on the stored mark being marked (the caller holds it, or there is none).
func (s *Service) update(ctx context.Context, b *hotel.Booking, marked bool) error {
	b.UpdatedAt = s.now()
	return s.store.UpdateBooking(ctx, b, marked)
}

// mark sets (claims) or clears b's sync mark, conditional on b.Version, with
// the service's clock; the version stays (store.Bookings.SetSyncPending).
func (s *Service) mark(ctx context.Context, b *hotel.Booking, marked bool) error {
	at := s.now()
	if err := s.store.SetSyncPending(ctx, b.ID, b.Version, marked, at); err != nil {
		return err
	}
	b.SyncPending, b.UpdatedAt = marked, at
	return nil
}

// shown is what a caller gets back of a booking of one room (present).
func (s *Service) shown(ctx context.Context, b hotel.Booking) *hotel.Booking {
	return s.present(ctx, []hotel.Booking{b})
}

// showTerms sets what b's terms mean at now (hotel.Booking.ShowTerms).
// A booking whose terms do not name the hotel's time zone (sold before
// they did) takes it from the hotel; when the inventory service cannot
// say, the terms are left unshown rather than shown in the wrong zone.
func (s *Service) showTerms(ctx context.Context, b *hotel.Booking, now time.Time) bool {
	loc, err := s.zone(ctx, b)
	if err != nil {
		return false
	}
	b.ShowTerms(now, loc)
	return true
}

// zone returns the time zone b's deadlines are in: its terms', else its
// hotel's (which may take a call to the inventory service).
func (s *Service) zone(ctx context.Context, b *hotel.Booking) (*time.Location, error) {
	if b.Terms != nil && b.Terms.TimeZone != "" {
		return hotel.LoadZone(b.Terms.TimeZone)
	}
	info, err := s.hotelInfo(ctx, b.HotelID)
	if err != nil {
		return nil, err
	}
	return info.hotel.Zone(), nil
}

// canonicalID returns id in the lower-case canonical UUID form, or false if
// it is not a UUID (no booking can have it).
func canonicalID(id string) (string, bool) {
	return hotel.ParseBookingID(id)
}

func notFound(id string) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Booking %s was not found.", clip(id))
}

// clip bounds an id echoed in a message (it may come from a path).
func clip(s string) string { return hotel.Clip(s, 40) }

// storeError translates a store error into a domain error.
func storeError(err error, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return notFound(id)
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The booking database is unavailable; try again shortly.", Err: err}
	default:
		return &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: fmt.Errorf("booking %s: %w", id, err)}
	}
}

// changed is the error of an update that lost to another one: the stored
// version moved on. With an explicit version (If-Match) it is a failed
// precondition; without, a conflict.
func changed(id string, version int, err error) error {
	if !errors.Is(err, store.ErrConflict) {
		return storeError(err, id)
	}
	if version > 0 {
		return &hotel.Error{Code: hotel.EPRECONDITION, Message: fmt.Sprintf("Booking %s is no longer at version %d; fetch it again.", id, version), Err: err}
	}
	return &hotel.Error{Code: hotel.ECONFLICT, Message: fmt.Sprintf("Booking %s was changed by another request at the same time; fetch it and try again.", id), Err: err}
}

// checkVersion refuses a stale explicit version before anything is written.
func checkVersion(b hotel.Booking, version int) error {
	if version > 0 && b.Version != version {
		return hotel.Errorf(hotel.EPRECONDITION, "Booking %s is at version %d, not %d; fetch it again.", b.ID, b.Version, version)
	}
	return nil
}

// mustBeConfirmed is the rule that only confirmed bookings change, and
// only when no other change is under way: a confirmed booking marked
// SyncPending is being moved by another request (or its move was
// interrupted and Recover has not finished it). Claiming it anyway would
// race that move — both calls would move the hold, the first one's last
// update would fail, and the hold could end on the stay the row does not
// have, with the mark cleared.
func mustBeConfirmed(b hotel.Booking, action string) error {
	if b.Status != hotel.StatusConfirmed {
		return hotel.Errorf(hotel.ECONFLICT, "Only confirmed bookings can be %s; booking %s is %s.", action, b.ID, b.Status)
	}
	return notBusy(b)
}

// notBusy refuses a booking marked SyncPending: another change is under way.
func notBusy(b hotel.Booking) error {
	if b.SyncPending {
		return hotel.Errorf(hotel.ECONFLICT, "Booking %s is being changed by another request; fetch it and try again shortly.", b.ID)
	}
	return nil
}
