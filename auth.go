package hotel

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scopes an API key may carry.
const (
	ScopeBookingsRead   = "bookings:read"   // read any booking
	ScopeBookingsWrite  = "bookings:write"  // modify or cancel any booking
	ScopeGuestsRead     = "guests:read"     // see guest names (PII)
	ScopeInventoryRead  = "inventory:read"  // read the ARI calendar, rate plans and adjustments (inventory:write implies it)
	ScopeInventoryWrite = "inventory:write" // adjust inventory, calendar, hotels, room types
	ScopeEventsRead     = "events:read"     // read the event feed
	ScopeAdmin          = "admin"           // everything
)

// AllScopes lists every scope, for validation and help texts.
var AllScopes = []string{ScopeBookingsRead, ScopeBookingsWrite, ScopeGuestsRead, ScopeInventoryRead, ScopeInventoryWrite, ScopeEventsRead, ScopeAdmin}

// implied lists the scopes each scope brings with it.
var implied = map[string][]string{ScopeInventoryWrite: {ScopeInventoryRead}}

// PrincipalKind says how a caller authenticated.
type PrincipalKind string

// Kinds of callers.
const (
	Anonymous    PrincipalKind = "anonymous"
	StaffKey     PrincipalKind = "key"           // an API key with scopes
	StaffUser    PrincipalKind = "user"          // a staff user signed in to a session (the console)
	BookingOwner PrincipalKind = "booking_token" // the holder of one booking's access token
	Service      PrincipalKind = "service"       // another service of the platform
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind   PrincipalKind
	Name   string   // key name; a user's email; "service"; empty for anonymous
	Scopes []string // for StaffKey and StaffUser
	// HotelIDs limits a StaffKey or StaffUser to these hotels; empty:
	// every hotel.
	HotelIDs []int64
	// BookingID is the one booking a BookingOwner may act on.
	BookingID string
	// UserID and Session name a StaffUser and the hash of the session it
	// signed in to (what signing out revokes).
	UserID  int64
	Session []byte
}

// Has reports whether p holds scope (admin holds every scope; a scope
// holds those it implies).
func (p Principal) Has(scope string) bool {
	if p.Kind != StaffKey && p.Kind != StaffUser {
		return false
	}
	for _, s := range p.Scopes {
		if s == ScopeAdmin || s == scope || slices.Contains(implied[s], scope) {
			return true
		}
	}
	return false
}

// LogID names p in logs without personal data: a staff user by its id
// (its email stays out of logs), an API key by its name, anyone else by
// kind.
func (p Principal) LogID() string {
	switch p.Kind {
	case StaffUser:
		return "user:" + strconv.FormatInt(p.UserID, 10)
	case StaffKey:
		return "key:" + p.Name
	}
	return string(p.Kind)
}

// MayAccessHotel reports whether p's hotel limit admits hotel id: every
// principal without a limit does.
func (p Principal) MayAccessHotel(id int64) bool {
	return len(p.HotelIDs) == 0 || slices.Contains(p.HotelIDs, id)
}

// HotelLimited reports whether p is limited to some hotels.
func (p Principal) HotelLimited() bool { return len(p.HotelIDs) > 0 }

// APIKey is a stored API key. The secret itself is never stored, only its hash.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string // the public, non-secret part of the key used to find it
	Hash       []byte // SHA-256 of the whole key
	Scopes     []string
	HotelIDs   []int64 // the hotels the key is limited to; empty: every hotel
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	Revoked    bool
}

// ParseScopes validates a comma-separated scope list.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		sc := strings.TrimSpace(part)
		if sc == "" {
			continue
		}
		if !slices.Contains(AllScopes, sc) {
			return nil, Errorf(EINVALID, "unknown scope %q; scopes are %s", sc, strings.Join(AllScopes, ", "))
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "at least one scope is required (%s)", strings.Join(AllScopes, ", "))
	}
	slices.Sort(out)
	return out, nil
}
