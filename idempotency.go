package hotel

import (
	"strings"

	"github.com/google/uuid"
)

// IdempotencyKeyHeader is the HTTP header that carries an idempotency key;
// errors about a key name it as their field.
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey is the longest key, in bytes.
const maxIdempotencyKey = 255

// minKeyDigits is the fewest different hex digits an anonymous caller's
// UUID must have: the nil UUID, ffffffff-…, 00000000-…-000000000001 and
// their like are guesses, not secrets. A random UUID (version 4, or the 74
// random bits of a version 7) has fewer with a chance below 1 in 10¹⁰.
const minKeyDigits = 4

// CheckIdempotencyKey returns EINVALID naming the Idempotency-Key header
// unless key is one a caller may send. It is the one rule for keys,
// wherever one is taken:
//
//   - a caller with credentials (anonymous false), whose keys are scoped to
//     it: 1–255 printable ASCII characters without leading or trailing
//     spaces (HTTP strips those, so such a key would change in transit);
//   - an anonymous caller, who shares its scope with every other anonymous
//     caller, so that its key is the secret that tells its requests from
//     theirs: a UUID in its textual form (8-4-4-4-12 hex digits, any
//     version), not an obvious guess (minKeyDigits) — what
//     NewIdempotencyKey makes.
func CheckIdempotencyKey(key string, anonymous bool) error {
	if anonymous {
		// uuid.Parse also takes urn:, {…} and unhyphenated forms.
		if u, err := uuid.Parse(key); err == nil && len(key) == len(u.String()) && differentDigits(u) >= minKeyDigits {
			return nil
		}
		return &Error{Code: EINVALID, Message: "The Idempotency-Key header is not valid.",
			Fields: []FieldError{{Field: IdempotencyKeyHeader, Reason: "without credentials, must be a random UUID (such as 0f8fad5b-d9cb-469f-a165-70867728950e): the key is the secret that makes a retry yours"}}}
	}
	ok := len(key) >= 1 && len(key) <= maxIdempotencyKey && strings.TrimSpace(key) == key &&
		!strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r > 0x7e })
	if ok {
		return nil
	}
	return &Error{Code: EINVALID, Message: "The Idempotency-Key header is not valid.",
		Fields: []FieldError{{Field: IdempotencyKeyHeader, Reason: "must be 1 to 255 printable ASCII characters without leading or trailing spaces"}}}
}

// NewIdempotencyKey returns a new key that every caller may send: a random
// UUID (version 4).
func NewIdempotencyKey() string { return uuid.NewString() }

// differentDigits counts the different hex digits of the UUID u.
func differentDigits(u uuid.UUID) int {
	var seen [16]bool
	n := 0
	for _, b := range u {
		for _, d := range [2]byte{b >> 4, b & 0x0f} {
			if !seen[d] {
				seen[d], n = true, n+1
			}
		}
	}
	return n
}

// IdempotencyKeyReused is the error of a key sent again with a different
// request (EUNPROCESSABLE); cause (may be nil) is kept for the logs.
func IdempotencyKeyReused(cause error) error {
	return &Error{Code: EUNPROCESSABLE, Err: cause,
		Message: "This Idempotency-Key was used for a different request; use a new key for a new request."}
}
