package hotel

import (
	"errors"
	"fmt"
)

// Error codes: the small, closed set every layer speaks. One table in internal/web
// maps them to HTTP statuses; the HTTP clients map statuses back.
const (
	ECONFLICT     = "conflict"     // state conflict: sold out, wrong status, duplicate
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, not shown
	EINVALID      = "invalid"      // the request is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the thing does not exist
	EUNAVAILABLE  = "unavailable"  // a dependency (database, another service) cannot be reached
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // credentials lack the permission
	ETOOLARGE     = "too_large"    // request body too large
	ERATELIMITED  = "rate_limited" // too many requests
	// EUNPROCESSABLE: well-formed but refused as a whole, e.g. an
	// Idempotency-Key reused with a different request.
	EUNPROCESSABLE = "unprocessable"
	// EPRECONDITION: an If-Match precondition (the resource's version) failed.
	EPRECONDITION = "precondition_failed"
	// EMETHODNOTALLOWED: the route exists but not with the request's method.
	EMETHODNOTALLOWED = "method_not_allowed"
	// EBADGATEWAY: a service behind this one failed to answer (split mode).
	EBADGATEWAY = "bad_gateway"
	// ETIMEOUT: a service behind this one did not answer in time (split mode).
	ETIMEOUT = "timeout"
	// EUNSUPPORTEDMEDIA: a request body sent without Content-Type, or with
	// one that is not JSON.
	EUNSUPPORTEDMEDIA = "unsupported_media_type"
)

// FieldError names one invalid input field and why it is invalid.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the domain error: a code, a message safe to show a client, and for
// EINVALID the fields at fault. Anything else (driver errors, stack traces) stays
// in the wrapped error and is only ever logged.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Nights names the nights at fault of an inventory conflict (sold out,
	// nothing to unblock, capacity below what is held).
	Nights []Date
	// Violations names the rules of a rate plan a stay breaks (a hold or
	// booking refused because of them).
	Violations []Violation
	Err        error // underlying cause, never shown to clients
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the *Error's message, or a
// generic text for anything else so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// Validation collects field errors; Err returns nil when there are none.
type Validation struct {
	fields []FieldError
}

// Add records that field is invalid for reason.
func (v *Validation) Add(field, reason string) {
	v.fields = append(v.fields, FieldError{Field: field, Reason: reason})
}

// Merge records w's fields under the names name gives them (rooms[1].adults
// for adults, say); a field name maps to "" is left out.
func (v *Validation) Merge(w Validation, name func(field string) string) {
	for _, f := range w.fields {
		if n := name(f.Field); n != "" {
			v.Add(n, f.Reason)
		}
	}
}

// PageLimit checks the page size *limit (field "limit"): 0 becomes def,
// anything else must be between 1 and max.
func (v *Validation) PageLimit(limit *int, def, max int) {
	switch {
	case *limit == 0:
		*limit = def
	case *limit < 0 || *limit > max:
		v.Add("limit", fmt.Sprintf("must be between 1 and %d", max))
	}
}

// Has reports whether field already has an error (to avoid piling on).
func (v *Validation) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EINVALID *Error listing every recorded field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "The request has invalid fields.", Fields: v.fields}
}
