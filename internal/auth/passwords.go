package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/hotelplatform/hotel"
)

// Passwords of staff users are stored as argon2id hashes (RFC 9106) in the
// PHC string format, with OWASP's minimum parameters for argon2id: 19 MiB,
// two passes, one lane. The parameters travel in each hash, so raising them
// later keeps old hashes readable.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16

	// MinPasswordLen and MaxPasswordLen bound a password, in characters.
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

var b64 = base64.RawStdEncoding

// HashPassword returns the stored form of password.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches the stored hash encoded.
// A malformed hash matches nothing.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil ||
		memory == 0 || memory > 1<<20 || passes == 0 || passes > 16 || threads == 0 {
		return false
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || len(key) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is checked against when no user has the email given, so a
// sign-in for an unknown account costs what one for a known account does.
var dummyHash = HashPassword("no user has this password")

// CheckNoPassword spends the time of a password check, for an unknown
// account.
func CheckNoPassword(password string) { CheckPassword(dummyHash, password) }

// CheckPasswordRule returns an EINVALID error naming field unless password
// is acceptable: MinPasswordLen to MaxPasswordLen characters of valid
// UTF-8 (NIST SP 800-63B: length, not composition rules).
func CheckPasswordRule(field, password string) error {
	if n := utf8.RuneCountInString(password); !utf8.ValidString(password) || n < MinPasswordLen || n > MaxPasswordLen {
		var v hotel.Validation
		v.Add(field, fmt.Sprintf("must be %d to %d characters", MinPasswordLen, MaxPasswordLen))
		return v.Err()
	}
	return nil
}

// NewPassword returns a random first password (128 bits, 22 characters).
func NewPassword() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
