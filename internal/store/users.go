package store

import (
	"context"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
)

// Users is the part of the contract for the console's staff users and
// their sessions. Both drivers run the same statements (below), with their
// own placeholders.
type Users interface {
	// CreateUser inserts u (its PasswordHash set) and sets its ID and
	// timestamps. Errors: ErrConflict (the email is taken).
	CreateUser(ctx context.Context, u *hotel.User) error
	// GetUser reads a user. Errors: ErrNotFound.
	GetUser(ctx context.Context, id int64) (hotel.User, error)
	// UserByEmail reads a user by its (normalized) email. Errors: ErrNotFound.
	UserByEmail(ctx context.Context, email string) (hotel.User, error)
	// ListUsers reads every user, oldest first.
	ListUsers(ctx context.Context) ([]hotel.User, error)
	// UpdateUser writes u's role, hotel limit, disabled flag and password
	// hash, and sets its UpdatedAt. Errors: ErrNotFound.
	UpdateUser(ctx context.Context, u *hotel.User) error
	// SignInFailed counts a failed sign-in of user id and, when the count
	// reaches lockAfter, locks it until lockUntil; it returns the count.
	SignInFailed(ctx context.Context, id int64, lockAfter int, lockUntil time.Time) (int, error)
	// SignInSucceeded clears the failures of user id and records the time.
	SignInSucceeded(ctx context.Context, id int64, at time.Time) error

	// CreateSession stores a session (its hash, never the token).
	CreateSession(ctx context.Context, s hotel.Session) error
	// SessionUser reads the session with hash and its user, in one query.
	// Errors: ErrNotFound.
	SessionUser(ctx context.Context, hash []byte) (hotel.Session, hotel.User, error)
	// TouchSession records a use of the session at at, writing at most once
	// a minute per session.
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	// RevokeSession ends one session (nothing if it ended already).
	RevokeSession(ctx context.Context, hash []byte, at time.Time) error
	// RevokeUserSessions ends every session of user id and returns how many
	// were active.
	RevokeUserSessions(ctx context.Context, id int64, at time.Time) (int64, error)
	// PruneSessions deletes at most limit sessions that expired before
	// before and returns how many.
	PruneSessions(ctx context.Context, before time.Time, limit int) (int64, error)
}

// UserColumns are the columns of table staff_user (as u) a driver reads
// with UserRow, in order.
const UserColumns = `u.id, u.email, u.role, u.hotel_ids, u.password_hash, u.disabled, u.failed_attempts,
       u.locked_until, u.last_sign_in_at, u.created_at, u.updated_at`

// UserRow scans a row of UserColumns.
type UserRow struct {
	U        hotel.User
	hotels   string
	lastSign time.Time
}

// Dest returns the scan destinations of UserColumns.
func (r *UserRow) Dest() []any {
	u := &r.U
	return []any{&u.ID, &u.Email, &u.Role, &r.hotels, &u.PasswordHash, &u.Disabled, &u.FailedAttempts,
		TimeDest(&u.LockedUntil), TimeDest(&r.lastSign), TimeDest(&u.CreatedAt), TimeDest(&u.UpdatedAt)}
}

// User returns the user scanned.
func (r *UserRow) User() hotel.User {
	u := r.U
	u.HotelIDs = SplitIDs(r.hotels)
	u.LastSignInAt = optTime(r.lastSign)
	return u
}

// SessionColumns are the columns of table staff_session (as s) read with
// SessionRow, in order.
const SessionColumns = `s.hash, s.user_id, s.created_at, s.expires_at, s.last_seen_at, s.revoked_at`

// SessionRow scans a row of SessionColumns.
type SessionRow struct {
	S       hotel.Session
	revoked time.Time
}

// Dest returns the scan destinations of SessionColumns.
func (r *SessionRow) Dest() []any {
	s := &r.S
	return []any{&s.Hash, &s.UserID, TimeDest(&s.CreatedAt), TimeDest(&s.ExpiresAt), TimeDest(&s.LastSeenAt), TimeDest(&r.revoked)}
}

// Session returns the session scanned.
func (r *SessionRow) Session() hotel.Session {
	s := r.S
	s.Revoked = !r.revoked.IsZero()
	return s
}

// The statements of Users; p(i) is a driver's placeholder i.

// CreateUserSQL is the statement of CreateUser: p(1) email, p(2) role, p(3) hotel_ids, p(4) password
// hash, p(5) disabled, p(6) the time.
func CreateUserSQL(p func(int) string) string {
	return `INSERT INTO staff_user (email, role, hotel_ids, password_hash, disabled, created_at, updated_at)
VALUES (` + p(1) + `, ` + p(2) + `, ` + p(3) + `, ` + p(4) + `, ` + p(5) + `, ` + p(6) + `, ` + p(6) + `)
RETURNING ` + userReturning
}

// userReturning are UserColumns without the table's alias, for RETURNING.
var userReturning = strings.ReplaceAll(UserColumns, "u.", "")

// CreateUserArgs are the arguments of CreateUserSQL.
func CreateUserArgs(u *hotel.User, at time.Time) []any {
	return []any{u.Email, u.Role, JoinIDs(u.HotelIDs), u.PasswordHash, u.Disabled, Timestamp(at)}
}

// UpdateUserSQL is the statement of UpdateUser: p(1) role, p(2) hotel_ids, p(3) password hash, p(4)
// disabled, p(5) the time, p(6) the id.
func UpdateUserSQL(p func(int) string) string {
	return `UPDATE staff_user SET role = ` + p(1) + `, hotel_ids = ` + p(2) + `, password_hash = ` + p(3) +
		`, disabled = ` + p(4) + `, updated_at = ` + p(5) + ` WHERE id = ` + p(6) + ` RETURNING ` + userReturning
}

// UpdateUserArgs are the arguments of UpdateUserSQL.
func UpdateUserArgs(u *hotel.User, at time.Time) []any {
	return []any{u.Role, JoinIDs(u.HotelIDs), u.PasswordHash, u.Disabled, Timestamp(at), u.ID}
}

// SignInFailedSQL is the statement of SignInFailed: p(1) lockAfter, p(2) lockUntil, p(3) the id.
func SignInFailedSQL(p func(int) string) string {
	return `UPDATE staff_user SET failed_attempts = failed_attempts + 1,
    locked_until = CASE WHEN failed_attempts + 1 >= ` + p(1) + ` THEN ` + p(2) + ` ELSE locked_until END
WHERE id = ` + p(3) + ` RETURNING failed_attempts`
}

// SignInSucceededSQL is the statement of SignInSucceeded: p(1) the time, p(2) the id.
func SignInSucceededSQL(p func(int) string) string {
	return `UPDATE staff_user SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ` + p(1) + ` WHERE id = ` + p(2)
}

// CreateSessionSQL is the statement of CreateSession: p(1) hash, p(2) user id, p(3) created, p(4) expires.
func CreateSessionSQL(p func(int) string) string {
	return `INSERT INTO staff_session (hash, user_id, created_at, expires_at, last_seen_at)
VALUES (` + p(1) + `, ` + p(2) + `, ` + p(3) + `, ` + p(4) + `, ` + p(3) + `)`
}

// SessionUserSQL is the statement of SessionUser: p(1) the hash.
func SessionUserSQL(p func(int) string) string {
	return `SELECT ` + SessionColumns + `, ` + UserColumns + `
FROM staff_session s JOIN staff_user u ON u.id = s.user_id WHERE s.hash = ` + p(1)
}

// TouchSessionSQL is the statement of TouchSession: p(1) the time, p(2) a minute before it, p(3) the hash.
func TouchSessionSQL(p func(int) string) string {
	return `UPDATE staff_session SET last_seen_at = ` + p(1) + ` WHERE hash = ` + p(3) + ` AND last_seen_at < ` + p(2)
}

// RevokeSessionSQL is the statement of RevokeSession: p(1) the time, p(2) the hash.
func RevokeSessionSQL(p func(int) string) string {
	return `UPDATE staff_session SET revoked_at = ` + p(1) + ` WHERE hash = ` + p(2) + ` AND revoked_at IS NULL`
}

// RevokeUserSessionsSQL is the statement of RevokeUserSessions: p(1) the time, p(2) the user id, p(3) the time
// again (sessions expired by then are not counted).
func RevokeUserSessionsSQL(p func(int) string) string {
	return `UPDATE staff_session SET revoked_at = ` + p(1) + ` WHERE user_id = ` + p(2) +
		` AND revoked_at IS NULL AND expires_at > ` + p(3)
}

// PruneSessionsSQL is the statement of PruneSessions: p(1) before, p(2) limit.
func PruneSessionsSQL(p func(int) string) string {
	return `DELETE FROM staff_session WHERE hash IN (SELECT hash FROM staff_session WHERE expires_at < ` + p(1) +
		` ORDER BY expires_at LIMIT ` + p(2) + `)`
}

// Conn is what the statements shared by both drivers need of a driver's
// connections: one row, every row, or a statement's count.
type Conn interface {
	QueryRow(ctx context.Context, query string, args ...any) Row
	Each(ctx context.Context, dest []any, fn func() error, query string, args ...any) error
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// SQLUsers implements Users once for both drivers: R reads, W writes (the
// same pool on PostgreSQL; SQLite's reader and single writer), P is the
// driver's placeholder and Translate its error mapping.
type SQLUsers struct {
	R, W      Conn
	P         func(int) string
	Translate func(error) error
}

// CreateUser inserts a user.
func (q SQLUsers) CreateUser(ctx context.Context, u *hotel.User) error {
	var r UserRow
	if err := q.W.QueryRow(ctx, CreateUserSQL(q.P), CreateUserArgs(u, time.Now())...).Scan(r.Dest()...); err != nil {
		return q.Translate(err)
	}
	*u = r.User()
	return nil
}

// GetUser reads a user.
func (q SQLUsers) GetUser(ctx context.Context, id int64) (hotel.User, error) {
	var r UserRow
	err := q.R.QueryRow(ctx, `SELECT `+UserColumns+` FROM staff_user u WHERE u.id = `+q.P(1), id).Scan(r.Dest()...)
	return r.User(), q.Translate(err)
}

// UserByEmail reads a user by email.
func (q SQLUsers) UserByEmail(ctx context.Context, email string) (hotel.User, error) {
	var r UserRow
	err := q.R.QueryRow(ctx, `SELECT `+UserColumns+` FROM staff_user u WHERE u.email = `+q.P(1), email).Scan(r.Dest()...)
	return r.User(), q.Translate(err)
}

// ListUsers reads every user.
func (q SQLUsers) ListUsers(ctx context.Context) ([]hotel.User, error) {
	var (
		r   UserRow
		out []hotel.User
	)
	err := q.R.Each(ctx, r.Dest(), func() error {
		out = append(out, r.User())
		return nil
	}, `SELECT `+UserColumns+` FROM staff_user u ORDER BY u.id`)
	return out, q.Translate(err)
}

// UpdateUser writes an admin's change.
func (q SQLUsers) UpdateUser(ctx context.Context, u *hotel.User) error {
	var r UserRow
	if err := q.W.QueryRow(ctx, UpdateUserSQL(q.P), UpdateUserArgs(u, time.Now())...).Scan(r.Dest()...); err != nil {
		return q.Translate(err)
	}
	*u = r.User()
	return nil
}

// SignInFailed counts a failed sign-in.
func (q SQLUsers) SignInFailed(ctx context.Context, id int64, lockAfter int, lockUntil time.Time) (int, error) {
	var n int
	err := q.W.QueryRow(ctx, SignInFailedSQL(q.P), lockAfter, Timestamp(lockUntil), id).Scan(&n)
	return n, q.Translate(err)
}

// SignInSucceeded clears the failures.
func (q SQLUsers) SignInSucceeded(ctx context.Context, id int64, at time.Time) error {
	_, err := q.W.Exec(ctx, SignInSucceededSQL(q.P), Timestamp(at), id)
	return q.Translate(err)
}

// CreateSession stores a session.
func (q SQLUsers) CreateSession(ctx context.Context, ss hotel.Session) error {
	_, err := q.W.Exec(ctx, CreateSessionSQL(q.P), ss.Hash, ss.UserID, Timestamp(ss.CreatedAt), Timestamp(ss.ExpiresAt))
	return q.Translate(err)
}

// SessionUser reads a session and its user.
func (q SQLUsers) SessionUser(ctx context.Context, hash []byte) (hotel.Session, hotel.User, error) {
	var (
		sr SessionRow
		ur UserRow
	)
	err := q.R.QueryRow(ctx, SessionUserSQL(q.P), hash).Scan(append(sr.Dest(), ur.Dest()...)...)
	return sr.Session(), ur.User(), q.Translate(err)
}

// TouchSession records a use, at most once a minute.
func (q SQLUsers) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := q.W.Exec(ctx, TouchSessionSQL(q.P), Timestamp(at), Timestamp(at.Add(-time.Minute)), hash)
	return q.Translate(err)
}

// RevokeSession ends one session.
func (q SQLUsers) RevokeSession(ctx context.Context, hash []byte, at time.Time) error {
	_, err := q.W.Exec(ctx, RevokeSessionSQL(q.P), Timestamp(at), hash)
	return q.Translate(err)
}

// RevokeUserSessions ends every session of a user.
func (q SQLUsers) RevokeUserSessions(ctx context.Context, id int64, at time.Time) (int64, error) {
	n, err := q.W.Exec(ctx, RevokeUserSessionsSQL(q.P), Timestamp(at), id, Timestamp(at))
	return n, q.Translate(err)
}

// PruneSessions deletes expired sessions.
func (q SQLUsers) PruneSessions(ctx context.Context, before time.Time, limit int) (int64, error) {
	n, err := q.W.Exec(ctx, PruneSessionsSQL(q.P), Timestamp(before), limit)
	return n, q.Translate(err)
}
