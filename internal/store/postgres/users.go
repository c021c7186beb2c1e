package postgres

import (
	"context"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Staff users and their sessions (store.Users): the statements are
// store's, with this driver's placeholders.

// CreateUser inserts a user.
func (s *Store) CreateUser(ctx context.Context, u *hotel.User) error {
	var r store.UserRow
	if err := s.pool.QueryRow(ctx, store.CreateUserSQL(placeholder), store.CreateUserArgs(u, time.Now())...).Scan(r.Dest()...); err != nil {
		return translate(err)
	}
	*u = r.User()
	return nil
}

// GetUser reads a user.
func (s *Store) GetUser(ctx context.Context, id int64) (hotel.User, error) {
	var r store.UserRow
	err := s.pool.QueryRow(ctx, `SELECT `+store.UserColumns+` FROM staff_user u WHERE u.id = `+placeholder(1), id).Scan(r.Dest()...)
	return r.User(), translate(err)
}

// UserByEmail reads a user by email.
func (s *Store) UserByEmail(ctx context.Context, email string) (hotel.User, error) {
	var r store.UserRow
	err := s.pool.QueryRow(ctx, `SELECT `+store.UserColumns+` FROM staff_user u WHERE u.email = `+placeholder(1), email).Scan(r.Dest()...)
	return r.User(), translate(err)
}

// ListUsers reads every user.
func (s *Store) ListUsers(ctx context.Context) ([]hotel.User, error) {
	var (
		r   store.UserRow
		out []hotel.User
	)
	err := each(ctx, s.pool, r.Dest(), func() error {
		out = append(out, r.User())
		return nil
	}, `SELECT `+store.UserColumns+` FROM staff_user u ORDER BY u.id`)
	return out, translate(err)
}

// UpdateUser writes an admin's change.
func (s *Store) UpdateUser(ctx context.Context, u *hotel.User) error {
	var r store.UserRow
	if err := s.pool.QueryRow(ctx, store.UpdateUserSQL(placeholder), store.UpdateUserArgs(u, time.Now())...).Scan(r.Dest()...); err != nil {
		return translate(err)
	}
	*u = r.User()
	return nil
}

// SignInFailed counts a failed sign-in.
func (s *Store) SignInFailed(ctx context.Context, id int64, lockAfter int, lockUntil time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, store.SignInFailedSQL(placeholder), lockAfter, store.Timestamp(lockUntil), id).Scan(&n)
	return n, translate(err)
}

// SignInSucceeded clears the failures.
func (s *Store) SignInSucceeded(ctx context.Context, id int64, at time.Time) error {
	_, err := s.pool.Exec(ctx, store.SignInSucceededSQL(placeholder), store.Timestamp(at), id)
	return translate(err)
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, ss hotel.Session) error {
	_, err := s.pool.Exec(ctx, store.CreateSessionSQL(placeholder), ss.Hash, ss.UserID, store.Timestamp(ss.CreatedAt), store.Timestamp(ss.ExpiresAt))
	return translate(err)
}

// SessionUser reads a session and its user.
func (s *Store) SessionUser(ctx context.Context, hash []byte) (hotel.Session, hotel.User, error) {
	var (
		sr store.SessionRow
		ur store.UserRow
	)
	err := s.pool.QueryRow(ctx, store.SessionUserSQL(placeholder), hash).Scan(append(sr.Dest(), ur.Dest()...)...)
	return sr.Session(), ur.User(), translate(err)
}

// TouchSession records a use, at most once a minute.
func (s *Store) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := s.pool.Exec(ctx, store.TouchSessionSQL(placeholder), store.Timestamp(at), store.Timestamp(at.Add(-time.Minute)), hash)
	return translate(err)
}

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := s.pool.Exec(ctx, store.RevokeSessionSQL(placeholder), store.Timestamp(at), hash)
	return translate(err)
}

// RevokeUserSessions ends every session of a user.
func (s *Store) RevokeUserSessions(ctx context.Context, id int64, at time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, store.RevokeUserSessionsSQL(placeholder), store.Timestamp(at), id, store.Timestamp(at))
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}

// PruneSessions deletes expired sessions.
func (s *Store) PruneSessions(ctx context.Context, before time.Time, limit int) (int64, error) {
	tag, err := s.pool.Exec(ctx, store.PruneSessionsSQL(placeholder), store.Timestamp(before), limit)
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}
