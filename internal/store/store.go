// Package store is the storage contract of the platform. Drivers live in
// subpackages (sqlite, postgres), each with its own numbered, embedded
// migrations; storetest is the conformance suite every driver must pass.
package store

import (
	"context"
	"errors"
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

	// Load writes a data set in one transaction through the driver's bulk path
	// (COPY on PostgreSQL). With ifEmpty, it writes nothing and returns false
	// when any hotel exists (also when another process seeds concurrently).
	Load(ctx context.Context, ds Dataset, ifEmpty bool) (bool, error)
	// MaxIDs returns the largest hotel and room type ids (0 when empty), so a
	// generator can append rows with explicit ids.
	MaxIDs(ctx context.Context) (hotelID, roomTypeID int64, err error)

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
}

// Dataset is data to load with explicit ids. Each sequence may be iterated
// once; Nights must only name hotels and room types from the other two.
type Dataset struct {
	Hotels    iter.Seq[hotel.Hotel]
	RoomTypes iter.Seq[hotel.RoomType]
	Nights    iter.Seq[hotel.Night]
	// Progress, if set, is called now and then with the nights written so far.
	Progress func(nights int64)
}

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int
	Name      string
	Applied   bool
	AppliedAt time.Time
	Known     bool // false: applied in the database, unknown to this binary
}
