package hotel

import "strings"

// IdempotencyKeyHeader is the HTTP header that carries an idempotency key;
// errors about a key name it as their field.
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey is the longest key, in bytes.
const maxIdempotencyKey = 255

// CheckIdempotencyKey returns EINVALID naming the Idempotency-Key header
// unless key is 1–255 printable ASCII characters without leading or
// trailing spaces (HTTP strips those, so such a key would change in
// transit). It is the one rule for keys, wherever one is taken.
func CheckIdempotencyKey(key string) error {
	ok := len(key) >= 1 && len(key) <= maxIdempotencyKey && strings.TrimSpace(key) == key &&
		!strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r > 0x7e })
	if ok {
		return nil
	}
	return &Error{Code: EINVALID, Message: "The Idempotency-Key header is not valid.",
		Fields: []FieldError{{Field: IdempotencyKeyHeader, Reason: "must be 1 to 255 printable ASCII characters without leading or trailing spaces"}}}
}

// IdempotencyKeyReused is the error of a key sent again with a different
// request (EUNPROCESSABLE); cause (may be nil) is kept for the logs.
func IdempotencyKeyReused(cause error) error {
	return &Error{Code: EUNPROCESSABLE, Err: cause,
		Message: "This Idempotency-Key was used for a different request; use a new key for a new request."}
}
