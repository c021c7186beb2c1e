package hotel

import (
	"slices"
	"strings"
	"time"
)

// Scopes an API key may carry.
const (
	ScopeBookingsRead   = "bookings:read"   // read any booking
	ScopeBookingsWrite  = "bookings:write"  // modify or cancel any booking
	ScopeGuestsRead     = "guests:read"     // see guest names (PII)
	ScopeInventoryWrite = "inventory:write" // adjust inventory, calendar, hotels, room types
	ScopeEventsRead     = "events:read"     // read the event feed
	ScopeAdmin          = "admin"           // everything
)

// AllScopes lists every scope, for validation and help texts.
var AllScopes = []string{ScopeBookingsRead, ScopeBookingsWrite, ScopeGuestsRead, ScopeInventoryWrite, ScopeEventsRead, ScopeAdmin}

// PrincipalKind says how a caller authenticated.
type PrincipalKind string

// Kinds of callers.
const (
	Anonymous    PrincipalKind = "anonymous"
	StaffKey     PrincipalKind = "key"           // an API key with scopes
	BookingOwner PrincipalKind = "booking_token" // the holder of one booking's access token
	Service      PrincipalKind = "service"       // another service of the platform
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind   PrincipalKind
	Name   string   // key name; "service"; empty for anonymous
	Scopes []string // for StaffKey
	// BookingID is the one booking a BookingOwner may act on.
	BookingID string
}

// Has reports whether p holds scope (admin holds every scope).
func (p Principal) Has(scope string) bool {
	if p.Kind != StaffKey {
		return false
	}
	return slices.Contains(p.Scopes, ScopeAdmin) || slices.Contains(p.Scopes, scope)
}

// APIKey is a stored API key. The secret itself is never stored, only its hash.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string // the public, non-secret part of the key used to find it
	Hash       []byte // SHA-256 of the whole key
	Scopes     []string
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
