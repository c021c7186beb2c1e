package store

import (
	"context"
	"time"

	"github.com/hotelplatform/hotel"
)

// Bookings is the booking part of the contract. The booking row is the
// source of truth; its hold lives in the inventory part (possibly another
// database), and SyncPending marks rows whose hold may not match yet.
type Bookings interface {
	Atomic
	// InsertBooking stores b with the hash of its access token. b.Version
	// becomes 1, a zero b.RoomNo 1; CreatedAt and UpdatedAt both become b.CreatedAt (the
	// service's clock; the current time when zero), to the microsecond.
	// NightlyPrices are stored when present. Errors: ErrConflict (id or confirmation code taken),
	// ErrNotFound (hotel or room type does not exist).
	InsertBooking(ctx context.Context, b *hotel.Booking, tokenHash []byte) error
	// SetBookingAccessHash replaces the hash of a booking's access token:
	// the token issued before stops working. Errors: ErrNotFound.
	SetBookingAccessHash(ctx context.Context, id string, tokenHash []byte) error
	// EraseGuest erases the guest data of a booking on request: the guest
	// name becomes ErasedGuestName and the access token hash is cleared (the
	// token stops working); dates, prices, status and nights are kept. The
	// version moves on by one and updated_at becomes at. Erasing an erased
	// booking changes nothing and succeeds. Errors: ErrNotFound; ErrConflict
	// (a change of the booking is in flight: SyncPending is set).
	EraseGuest(ctx context.Context, id string, at time.Time) error
	// GetBooking returns a booking with its hotel and room type names and its
	// nightly prices (ordered by night). Errors: ErrNotFound.
	GetBooking(ctx context.Context, id string) (hotel.Booking, error)
	// ListBookings returns at most f.Limit bookings matching f, ordered by id
	// descending (newest first), with names and nightly prices, in a fixed
	// number of queries whatever the page size (no query per row). The
	// further rooms of a booking of several rooms (GroupID set) are not
	// listed: BookingRooms reads them. f.Status matches a booking any of
	// whose rooms has that status.
	ListBookings(ctx context.Context, f hotel.BookingFilter) ([]hotel.Booking, error)
	// GetBookingRooms returns booking id with its further rooms, room 1
	// (the booking's own row) first, in one query. Errors: ErrNotFound (no
	// booking has the id; the id of a further room is no booking's).
	GetBookingRooms(ctx context.Context, id string) ([]hotel.Booking, error)
	// BookingRooms returns the further rooms (room 2 on) of the bookings
	// ids, by booking id, in room order, with names and nightly prices, in
	// one query. Bookings of one room have none.
	BookingRooms(ctx context.Context, ids []string) (map[string][]hotel.Booking, error)
	// UpdateBooking writes every mutable field of b (status, guest name,
	// room type, arrival, stay length, guests, prices and nightly prices,
	// departed_on, SyncPending) when the stored version equals b.Version and
	// the stored SyncPending equals marked (the caller holds the mark, or
	// there must be none), then sets b.Version to the stored version + 1. updated_at becomes
	// b.UpdatedAt (the service's clock; the current time when zero), so the
	// recovery pass ages bookings by the same clock that marks them. The
	// status change must be allowed by hotel.CanTransition (or unchanged).
	// Errors: ErrNotFound; ErrConflict (the version moved on, the mark is
	// not as expected, or the status transition is not allowed — nothing is
	// written).
	UpdateBooking(ctx context.Context, b *hotel.Booking, marked bool) error
	// SetSyncPending sets the booking's SyncPending to marked, and its
	// updated_at to at, when its version is version and SyncPending is not
	// marked already; the version does not change (a mark is not a change a
	// client sees). Setting it claims the booking for a change of its hold;
	// clearing it records that the hold matches the booking. Errors:
	// ErrNotFound; ErrConflict (the version moved on, or the mark was
	// already so).
	SetSyncPending(ctx context.Context, id string, version int, marked bool, at time.Time) error
	// BookingStatuses returns the status of each of ids that is a booking,
	// by id, in one query.
	BookingStatuses(ctx context.Context, ids []string) (map[string]string, error)
	// SyncPendingBookings returns at most limit bookings with SyncPending set
	// and updated_at before before, oldest first.
	SyncPendingBookings(ctx context.Context, before time.Time, limit int) ([]hotel.Booking, error)
	// OldestUnsettled returns the earliest of the updated_at of the bookings
	// with SyncPending set and the created_at of the unconfirmed holds: the
	// oldest booking change or create still in flight, which the recovery
	// pass settles. ok is false when there are none.
	OldestUnsettled(ctx context.Context) (oldest time.Time, ok bool, err error)

	// BeginIdempotent claims (rec.Scope, rec.Key) for a request. When the key
	// is new (or its record expired, or it is in flight since before
	// staleBefore — an abandoned request), it stores rec as in flight and
	// returns nil, true. Otherwise it returns the existing record and false.
	BeginIdempotent(ctx context.Context, rec IdempotencyRecord, staleBefore time.Time) (*IdempotencyRecord, bool, error)
	// FinishIdempotent stores the response of a claimed key.
	FinishIdempotent(ctx context.Context, scope, key string, status int, body []byte) error
	// AbandonIdempotent deletes an in-flight claim (the request failed in a
	// way the client may retry with the same key).
	AbandonIdempotent(ctx context.Context, scope, key string) error
	// PurgeIdempotent deletes records that expired before at and returns how many.
	PurgeIdempotent(ctx context.Context, at time.Time) (int64, error)
}

// ByGroup returns rooms by the booking they belong to (GroupID), in order.
func ByGroup(rooms []hotel.Booking) map[string][]hotel.Booking {
	out := map[string][]hotel.Booking{}
	for _, r := range rooms {
		out[r.GroupID] = append(out[r.GroupID], r)
	}
	return out
}

// ErasedGuestName is the guest name of a booking whose guest data was
// erased (by the retention policy or on request).
const ErasedGuestName = "(erased)"

// IdempotencyRecord is a request made with an Idempotency-Key and, once it
// finished, its response.
type IdempotencyRecord struct {
	Scope       string // who made it (principal) and what route
	Key         string
	RequestHash []byte // SHA-256 of method, path and body
	// ResourceID is the booking the request created or acted on, known at claim time.
	ResourceID string
	Done       bool // false: in flight
	Status     int
	Body       []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Stamp is the timestamp a driver stores for t: t in UTC to the
// microsecond (what both databases keep), or the current time when t is zero.
func Stamp(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}
