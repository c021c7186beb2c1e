package hotel

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Roles of staff users. A role is a set of scopes (RoleScopes): what a user
// may do is what an API key with those scopes may do.
const (
	RoleFrontDesk = "front_desk" // bookings and guests, the calendar read-only
	RoleRevenue   = "revenue"    // ARI: prices, restrictions, capacity; bookings read-only, without guest names
	RoleAdmin     = "admin"      // everything
)

// RoleScopes maps each role onto the scopes it holds.
var RoleScopes = map[string][]string{
	RoleFrontDesk: {ScopeBookingsRead, ScopeBookingsWrite, ScopeGuestsRead, ScopeInventoryRead},
	RoleRevenue:   {ScopeBookingsRead, ScopeInventoryRead, ScopeInventoryWrite},
	RoleAdmin:     {ScopeAdmin},
}

// AllRoles lists the roles, for validation and help texts.
var AllRoles = []string{RoleFrontDesk, RoleRevenue, RoleAdmin}

// User is a staff user of the console. The password itself is never
// stored, only PasswordHash (argon2id, see package auth).
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
	// HotelIDs limits the user to these hotels; empty: every hotel.
	HotelIDs     []int64    `json:"hotel_ids"`
	Disabled     bool       `json:"disabled"`
	LastSignInAt *time.Time `json:"last_sign_in_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	PasswordHash   string    `json:"-"`
	FailedAttempts int       `json:"-"` // failed sign-ins since the last good one
	LockedUntil    time.Time `json:"-"` // no sign-in before it (zero: none)
}

// Principal is the caller u signs in as, in session sessionHash.
func (u User) Principal(sessionHash []byte) Principal {
	return Principal{Kind: StaffUser, Name: u.Email, Scopes: RoleScopes[u.Role], HotelIDs: u.HotelIDs,
		UserID: u.ID, Session: sessionHash}
}

// Session is a staff user's signed-in session. Only a hash of its token
// (the cookie's value) is stored.
type Session struct {
	Hash       []byte
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time // absolute end
	LastSeenAt time.Time // the idle timeout counts from it
	Revoked    bool
}

// NormalizeEmail returns the stored form of an email address (trimmed,
// lower case) or an EINVALID error naming field.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", fieldError(field, "must be an email address such as frontdesk@hotel.example")
	}
	return s, nil
}

// CheckRole returns an EINVALID error naming field unless role is one of
// AllRoles.
func CheckRole(field, role string) error {
	if !slices.Contains(AllRoles, role) {
		return fieldError(field, "must be one of "+strings.Join(AllRoles, ", "))
	}
	return nil
}

// CheckHotelLimit validates a hotel limit for a principal with scopes:
// positive ids, none twice, and no limit on admin (an admin sees every
// hotel: the webhooks, keys and users it manages are not a hotel's).
func CheckHotelLimit(field string, ids []int64, scopes []string) error {
	for i, id := range ids {
		if id <= 0 || slices.Contains(ids[:i], id) {
			return fieldError(field, "must list hotel ids (positive integers), each once")
		}
	}
	if len(ids) > 0 && slices.Contains(scopes, ScopeAdmin) {
		return fieldError(field, "an admin sees every hotel: leave the hotel limit out")
	}
	return nil
}

// ParseHotelIDs reads a comma-separated hotel id list ("" is none).
func ParseHotelIDs(field, s string) ([]int64, error) {
	var out []int64
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var id int64
		if _, err := fmt.Sscan(part, &id); err != nil || fmt.Sprint(id) != part {
			return nil, fieldError(field, "must be a comma-separated list of hotel ids")
		}
		out = append(out, id)
	}
	return out, nil
}

func fieldError(field, reason string) error {
	var v Validation
	v.Add(field, reason)
	return v.Err()
}
