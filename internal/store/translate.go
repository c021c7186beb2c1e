package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// ErrorClass is what a driver's error means to the store contract; each
// driver says which class its errors fall in (Translator.Classify).
type ErrorClass int

// The error classes.
const (
	// ClassOther: a failure of the database or of the statement, returned as it is.
	ClassOther ErrorClass = iota
	// ClassNotFound: no row (the driver's "no rows" error).
	ClassNotFound
	// ClassConflict: a unique, check or foreign key constraint refused the write.
	ClassConflict
	// ClassUnavailable: the database cannot be reached or is not serving.
	ClassUnavailable
)

// Translator maps a driver's errors onto the sentinel errors, the same way
// for every driver, and counts the database errors among them.
type Translator struct {
	// Classify says which class a driver error (never nil, never a
	// sentinel) falls in.
	Classify func(error) ErrorClass
	errors   atomic.Int64
}

// Translate returns nil for nil and a sentinel unchanged; otherwise, by
// class: ErrNotFound; ErrConflict or ErrUnavailable wrapping err; or err
// itself. Unavailability and other failures are counted (Errors), except a
// context the caller cancelled; not-found and conflicts are answers, not
// counted.
func (t *Translator) Translate(err error) error {
	if err == nil {
		return nil
	}
	if IsSentinel(err) {
		return err
	}
	switch t.Classify(err) {
	case ClassNotFound:
		return ErrNotFound
	case ClassConflict:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case ClassUnavailable:
		t.errors.Add(1)
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if !errors.Is(err, context.Canceled) {
		t.errors.Add(1)
	}
	return err
}

// Errors returns how many database errors Translate has seen.
func (t *Translator) Errors() int64 { return t.errors.Load() }
