// Package store is the storage contract of the platform. Drivers live in
// subpackages (sqlite, postgres), each with its own numbered, embedded
// migrations; storetest is the conformance suite every driver must pass.
package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/hotelplatform/hotel"
)

// Sentinel errors every driver translates its own errors into.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a unique or check constraint refused the write.
	ErrConflict = errors.New("store: conflict")
	// ErrUnavailable: the database cannot be reached.
	ErrUnavailable = errors.New("store: database unavailable")
	// ErrSchemaBehind: migrations are pending; run `hotel migrate up`.
	ErrSchemaBehind = errors.New("store: database schema is behind this binary")
	// ErrSchemaAhead: the database has migrations this binary does not know.
	ErrSchemaAhead = errors.New("store: database schema is newer than this binary")
)

// Store is the storage contract. Methods are safe for concurrent use.
type Store interface {
	// Driver names the driver ("sqlite" or "postgres").
	Driver() string
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// Close releases the connections. In-flight calls must have finished.
	Close() error

	// Migrate applies pending migrations and returns how many it applied. Safe
	// to call from several processes at once.
	Migrate(ctx context.Context) (int, error)
	// Migrations reports every known or applied migration.
	Migrations(ctx context.Context) ([]MigrationState, error)
	// CheckSchema returns nil when the database is exactly at this binary's
	// schema version, else an error wrapping ErrSchemaBehind or ErrSchemaAhead.
	CheckSchema(ctx context.Context) error
	// DatabaseID returns the random id drawn when the schema was created
	// (migration 0008): two stores with the same id use the same database.
	DatabaseID(ctx context.Context) (string, error)

	// Load writes a data set in one transaction through the driver's bulk path
	// (COPY on PostgreSQL). With ifEmpty, it writes nothing and returns false
	// when any hotel exists (also when another process seeds concurrently).
	Load(ctx context.Context, ds Dataset, ifEmpty bool) (bool, error)
	// MaxIDs returns the largest hotel, room type and rate plan ids (0 when
	// empty), so a generator can append rows with explicit ids.
	MaxIDs(ctx context.Context) (IDs, error)

	// GetHotel returns a hotel. Errors: ErrNotFound.
	GetHotel(ctx context.Context, id int64) (hotel.Hotel, error)
	// ListRoomTypes returns a hotel's room types ordered by id.
	ListRoomTypes(ctx context.Context, hotelID int64) ([]hotel.RoomType, error)
	// ListInventory returns at most f.Limit rows matching f, ordered by hotel
	// id, date, room type id, strictly after f.After when set.
	ListInventory(ctx context.Context, f hotel.InventoryFilter) ([]hotel.InventoryItem, error)

	// CreateAPIKey stores k (its hash, never the key) and sets k.ID and
	// k.CreatedAt. Errors: ErrConflict when an active key has the name.
	CreateAPIKey(ctx context.Context, k *hotel.APIKey) error
	// APIKeyByPrefix returns the key (active or revoked) with prefix. Errors: ErrNotFound.
	APIKeyByPrefix(ctx context.Context, prefix string) (hotel.APIKey, error)
	// ListAPIKeys returns every key, revoked ones included, oldest first.
	ListAPIKeys(ctx context.Context) ([]hotel.APIKey, error)
	// RevokeAPIKey revokes the active key called name. Errors: ErrNotFound.
	RevokeAPIKey(ctx context.Context, name string, at time.Time) error
	// TouchAPIKey records a use at at, writing at most once a minute per key.
	TouchAPIKey(ctx context.Context, id int64, at time.Time) error
	// BookingAccessHash returns the hash of a booking's access token (nil if
	// it has none). Errors: ErrNotFound.
	BookingAccessHash(ctx context.Context, bookingID string) ([]byte, error)

	Catalogue
	Inventory
	Rates
	Bookings
	Jobs
	ARIFeed
	Events
	Webhooks
	Users
}

// Catalogue is the hotel and room type part of the contract.
type Catalogue interface {
	// CreateHotel inserts h and sets h.ID. Errors: ErrConflict (name taken).
	CreateHotel(ctx context.Context, h *hotel.Hotel) error
	// UpdateHotel replaces name, location, time zone, currency and taxes of h.ID.
	// Errors: ErrNotFound, ErrConflict (name taken).
	UpdateHotel(ctx context.Context, h hotel.Hotel) error
	// ListHotels returns at most f.Limit hotels with id > f.AfterID, by id.
	ListHotels(ctx context.Context, f hotel.HotelFilter) ([]hotel.Hotel, error)
	// GetRoomType returns one room type of a hotel. Errors: ErrNotFound.
	GetRoomType(ctx context.Context, hotelID, id int64) (hotel.RoomType, error)
	// CreateRoomType inserts rt and sets rt.ID. Errors: ErrNotFound (hotel),
	// ErrConflict (name taken in the hotel, case-insensitively).
	CreateRoomType(ctx context.Context, rt *hotel.RoomType) error
	// UpdateRoomType replaces name, max occupancy and overbooking allowance;
	// the allowance is copied onto every inventory night of the room type in
	// the same transaction. Errors: ErrNotFound, ErrConflict (name taken),
	// *NightsError wrapping ErrConflict (a lower allowance would leave nights
	// overbooked).
	UpdateRoomType(ctx context.Context, rt hotel.RoomType) error
	// ListRatePlans returns a hotel's rate plans ordered by room type, then
	// id. Every room type has its default plan (made with the room type).
	ListRatePlans(ctx context.Context, hotelID int64) ([]hotel.RatePlan, error)
	// LoadARI returns the availability, base-plan prices and restrictions
	// of the room types q selects over [q.From, q.To) — restrictions
	// through q.To itself, the check-out date closed-to-departure is read
	// on — with the rate plans of those room types. Inside a unit of work
	// (Atomically) it reads through the unit's transaction.
	LoadARI(ctx context.Context, q hotel.ARIQuery) (hotel.ARISnapshot, error)
}

// Inventory is the availability, hold, adjustment and calendar part of the
// contract. Every write here is one transaction that keeps
// held + blocked <= capacity + allowance by a conditional UPDATE backed by
// the CHECK constraint — never a read in Go followed by a write — and
// retries serialization failures and deadlocks itself.
type Inventory interface {
	// CreateHold holds one room on every night of [req.CheckIn, req.CheckOut)
	// of the room type, or nothing. With an existing hold for req.BookingID
	// made by the same request (hotel, room type, dates as first asked) it
	// changes nothing and returns that hold with created=false, whatever its
	// state now (moved, released). Errors: *NightsError wrapping ErrConflict
	// (nights without a room for sale or without inventory), ErrConflict
	// (the id holds a different request).
	CreateHold(ctx context.Context, req hotel.HoldRequest) (h hotel.Hold, created bool, err error)
	// CreateHolds is CreateHold for a group of requests (the rooms of one
	// booking), in one transaction: every night of every request is taken,
	// or nothing is. Requests of one room type take a room each, so a
	// night two of them share needs two rooms for sale. The nights of all
	// the requests — through each check-out for a request with a Price —
	// are locked first, in one global order (room type id, then night),
	// before any hold row is written, so concurrent groups cannot deadlock;
	// then each request's Price is called as in CreateHold, with the ARI
	// read in the transaction (a snapshot that may also hold the other
	// room types the group asks for the same hotel and stay). It returns
	// the holds in the order of reqs. When every id already has a hold
	// made by its request, nothing changes and those holds are returned
	// with created=false. Errors: *NightsError wrapping ErrConflict (the
	// nights the group could not take, over all its requests), ErrConflict
	// (an id holds a different request; some of the ids hold rooms and
	// others not; an id twice in reqs). No request: nothing, no error.
	CreateHolds(ctx context.Context, reqs []hotel.HoldRequest) (holds []hotel.Hold, created bool, err error)
	// GetHold returns a hold. Errors: ErrNotFound.
	GetHold(ctx context.Context, bookingID string) (hotel.Hold, error)
	// MoveHold releases the hold's nights and takes the nights of m in one
	// transaction (nights in both are kept, not re-taken). Moving to where the
	// hold already is changes nothing. Errors: ErrNotFound, ErrConflict (the
	// hold is released), *NightsError wrapping ErrConflict (sold out; the hold
	// is unchanged).
	MoveHold(ctx context.Context, bookingID string, m hotel.HoldMove) (hotel.Hold, error)
	// ReleaseHold returns the held nights on or after r.From (all when zero)
	// to inventory. A hold with no night left becomes released. Releasing
	// nights no longer held changes nothing. Errors: ErrNotFound.
	ReleaseHold(ctx context.Context, bookingID string, r hotel.HoldRelease) (hotel.Hold, error)
	// UnconfirmedHolds returns at most limit holds that CreateHold made
	// before before and ConfirmHolds has not confirmed, oldest first, with
	// their nights.
	UnconfirmedHolds(ctx context.Context, before time.Time, limit int) ([]hotel.Hold, error)
	// ConfirmHolds marks the holds of ids confirmed at at (ids without a
	// hold, or confirmed already, are skipped) and returns how many it marked.
	ConfirmHolds(ctx context.Context, ids []string, at time.Time) (int, error)

	// Adjust applies a (sets ID, CreatedAt; RoomType is the room type's name):
	// blocked += NumRooms on every night of [StartDate, EndDate] (EndDate
	// zero: StartDate alone), all or nothing, and records it. With a.IdempotencyKey set and an earlier
	// adjustment by the same Actor with that key: if its request (hotel,
	// room type, dates, num_rooms, reason) is the same, *a is replaced by it
	// and replayed is true; otherwise ErrIdempotencyMismatch. Errors:
	// *NightsError wrapping ErrConflict (not enough rooms for sale to block,
	// or fewer blocked rooms than asked to unblock), *NightsError wrapping
	// ErrNotFound (nights without inventory).
	Adjust(ctx context.Context, a *hotel.Adjustment) (replayed bool, err error)
	// ListAdjustments returns at most limit adjustments of a hotel with id <
	// beforeID, newest first.
	ListAdjustments(ctx context.Context, hotelID, beforeID int64, limit int) ([]hotel.Adjustment, error)

	// SetCalendar applies u to existing nights and, when u.Capacity and
	// u.Price are both set, creates the missing nights (allowance from the
	// room type, demand level u.DemandLevel or medium). Errors: *NightsError
	// wrapping ErrConflict (capacity below held + blocked - allowance),
	// *NightsError wrapping ErrNotFound (missing nights and no capacity or
	// price to create them). Nothing changes on error.
	SetCalendar(ctx context.Context, u hotel.CalendarUpdate) (hotel.CalendarResult, error)
}

// Atomic runs units of work.
type Atomic interface {
	// Atomically runs fn as one unit of work: every write fn makes through
	// this store with the context it is given commits when fn returns nil,
	// or none does. The transaction begins at the first such write, so fn
	// may call other services before it without holding a connection. A
	// failed write inside fails the unit, whatever fn returns. The unit is
	// run again (fn with it) on serialization failures and deadlocks, so fn
	// must set its results afresh on every call. Writes to another store or
	// service are not part of the unit.
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

// ErrIdempotencyMismatch means an idempotency key was reused for a different request.
var ErrIdempotencyMismatch = errors.New("store: idempotency key reused with a different request")

// NightsError is a refusal that concerns particular nights. It wraps
// ErrConflict or ErrNotFound.
type NightsError struct {
	Err    error
	Nights []hotel.Date // ascending
}

func (e *NightsError) Error() string {
	return fmt.Sprintf("%v: %d night(s) from %s", e.Err, len(e.Nights), first(e.Nights))
}

func first(ds []hotel.Date) string {
	if len(ds) == 0 {
		return "-"
	}
	return ds[0].String()
}

// Unwrap returns ErrConflict or ErrNotFound.
func (e *NightsError) Unwrap() error { return e.Err }

// Dataset is data to load with explicit ids. Each sequence may be iterated
// once; Nights, RatePlans, RateNights and Restrictions must only name
// hotels, room types and rate plans of the data set.
//
// The schema gives every room type a default plan when it is inserted
// (code BAR-<room type id>, with an id of its own). A data set without
// RatePlans keeps those. A data set with RatePlans describes every plan
// itself: it must hold exactly one default plan (Default, a base plan)
// for each of its room types, and Load puts it in place of the one the
// schema made, with the data set's id and attributes. Plans may come in
// any order (a derived plan before its parent).
type Dataset struct {
	Hotels    iter.Seq[hotel.Hotel]
	RoomTypes iter.Seq[hotel.RoomType]
	Nights    iter.Seq[hotel.Night]
	// RatePlans are the room types' plans, default plans included (nil:
	// each room type keeps the default plan the schema made).
	RatePlans iter.Seq[hotel.RatePlan]
	// RateNights are the prices of base plans other than the default plans
	// (whose price is the inventory night's).
	RateNights iter.Seq[RateNight]
	// Restrictions are the restrictions of a date, per room type and plan.
	Restrictions iter.Seq[Restriction]
	// Progress, if set, is called now and then with the nights written so far.
	Progress func(nights int64)
}

// IDs are the largest ids of a store's hotels, room types and rate plans.
type IDs struct {
	Hotel, RoomType, RatePlan int64
}

// RateNight is the price of a base rate plan on a night, for its base
// occupancy (table rate_night).
type RateNight struct {
	HotelID, RatePlanID int64
	Night               hotel.Date
	Price               hotel.Cents
}

// Restriction is the restrictions of one date on a room type's plan, or
// with RatePlanID 0 on every plan of the room type (table
// restriction_night).
type Restriction struct {
	HotelID, RoomTypeID, RatePlanID int64
	Night                           hotel.Date
	hotel.Restrictions
}

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int
	Name      string
	Applied   bool
	AppliedAt time.Time
	Known     bool // false: applied in the database, unknown to this binary
}

// PoolStats is the state of a store's connection pool, for metrics.
type PoolStats struct {
	Acquired, Idle, Total int
	// Errors counts database errors since the process started: failures
	// and unavailability, not "not found" or constraint conflicts, which
	// are answers.
	Errors int64
}

// IsSentinel reports whether err is already one of the store's sentinel
// errors (a driver translating it again must leave it, and not count it).
func IsSentinel(err error) bool {
	for _, s := range []error{ErrNotFound, ErrConflict, ErrUnavailable, ErrSchemaBehind, ErrSchemaAhead, ErrIdempotencyMismatch} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
