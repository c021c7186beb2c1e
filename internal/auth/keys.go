// Package auth is the platform's access control: API keys with scopes,
// booking access tokens, the service credential, and the Rule saying who may
// call a route. Every server declares its routes as a table of Routes, each
// with its rule, and registers them through a Router, which enforces them.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"strings"

	"github.com/hotelplatform/hotel"
)

// Key and token formats. The prefix part is public (it finds the stored
// hash); the secret part carries 256 bits of entropy, so a fast hash
// (SHA-256) is safe to store and compare.
const (
	keyMarker   = "hk_" // API key:       hk_<prefix>_<secret>
	tokenMarker = "bt_" // booking token: bt_<booking id hex>_<secret>
	prefixLen   = 12
)

var prefixEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func secret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the stored form of a key or token.
func Hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// Equal compares two hashes in constant time.
func Equal(a, b []byte) bool { return len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1 }

// NewKey returns a new random API key, its public prefix and its hash.
func NewKey() (key, prefix string, hash []byte) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix = prefixEncoding.EncodeToString(b)[:prefixLen]
	key = keyMarker + prefix + "_" + secret()
	return key, prefix, Hash(key)
}

// keyPrefix returns the prefix of a well-formed API key.
func keyPrefix(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, keyMarker)
	if !ok {
		return "", false
	}
	prefix, sec, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != prefixLen || len(sec) < 32 {
		return "", false
	}
	return prefix, true
}

// NewBookingToken returns the access token for booking id (a UUID) and its
// hash, which the booking stores. The token is shown to the client once.
func NewBookingToken(bookingID string) (token string, hash []byte) {
	token = tokenMarker + strings.ReplaceAll(bookingID, "-", "") + "_" + secret()
	return token, Hash(token)
}

// tokenBooking returns the booking id (canonical UUID form) a token names.
func tokenBooking(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenMarker)
	if !ok {
		return "", false
	}
	id, sec, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 32 || len(sec) < 32 {
		return "", false
	}
	return hotel.ParseBookingID(id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32])
}
