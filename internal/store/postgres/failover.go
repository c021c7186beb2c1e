package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
)

// After an asynchronous failover the promoted standby lacks the
// transactions the old primary committed but had not streamed yet:
// bookings confirmed to clients among them. LostBookings finds them by
// comparing the booking rows of the old primary — its data directory
// started on its own, fenced off from the services (read-only, so that a
// DATABASE_URL with target_session_attrs=read-write never picks it) — with
// this store's (`hotel check --lost-from`).

// BookingVersion is a booking row's id, version and status.
type BookingVersion struct {
	ID      string
	Version int
	Status  string
	Updated time.Time
}

// LostBooking is a booking row whose version on the old primary is not
// on this one: missing here (Here nil), or older here.
type LostBooking struct {
	Old  BookingVersion
	Here *BookingVersion
}

// BookingVersions reads the booking rows updated at or after since (zero:
// every row).
func (s *Store) BookingVersions(ctx context.Context, since time.Time) ([]BookingVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, version, status, updated_at FROM booking WHERE updated_at >= $1 ORDER BY id`, since)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []BookingVersion
	for rows.Next() {
		var id uuid.UUID
		var b BookingVersion
		if err := rows.Scan(&id, &b.Version, &b.Status, &b.Updated); err != nil {
			return nil, translate(err)
		}
		b.ID = id.String()
		out = append(out, b)
	}
	return out, translate(rows.Err())
}

// LostBookings returns the rows of old (read from the old primary with
// BookingVersions) that this store lacks or has at a lower version, by id.
func (s *Store) LostBookings(ctx context.Context, old []BookingVersion) ([]LostBooking, error) {
	here := map[string]BookingVersion{}
	for chunk := range slices.Chunk(old, 1000) {
		ids := make([]uuid.UUID, 0, len(chunk))
		for _, b := range chunk {
			id, err := uuid.Parse(b.ID)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		rows, err := s.pool.Query(ctx, `SELECT id, version, status, updated_at FROM booking WHERE id = ANY($1)`, ids)
		if err != nil {
			return nil, translate(err)
		}
		for rows.Next() {
			var id uuid.UUID
			var b BookingVersion
			if err := rows.Scan(&id, &b.Version, &b.Status, &b.Updated); err != nil {
				rows.Close()
				return nil, translate(err)
			}
			b.ID = id.String()
			here[b.ID] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, translate(err)
		}
	}
	var out []LostBooking
	for _, b := range old {
		h, ok := here[b.ID]
		switch {
		case !ok:
			out = append(out, LostBooking{Old: b})
		case h.Version < b.Version:
			out = append(out, LostBooking{Old: b, Here: &h})
		}
	}
	return out, nil
}
