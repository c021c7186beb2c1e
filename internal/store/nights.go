package store

import (
	"fmt"

	"github.com/hotelplatform/hotel"
)

// Stay returns the nights [from, to) in order (none when to is not after from).
func Stay(from, to hotel.Date) []hotel.Date {
	var out []hotel.Date
	for d := from; d.Before(to); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// Minus returns the nights of all (ascending) that are not in some, in order.
func Minus(all, some []hotel.Date) []hotel.Date {
	skip := make(map[hotel.Date]bool, len(some))
	for _, d := range some {
		skip[d] = true
	}
	var out []hotel.Date
	for _, d := range all {
		if !skip[d] {
			out = append(out, d)
		}
	}
	return out
}

// RefuseNights returns a *NightsError wrapping sentinel (ErrConflict or
// ErrNotFound) for nights, or nil when there are none.
func RefuseNights(sentinel error, nights []hotel.Date) error {
	if len(nights) == 0 {
		return nil
	}
	return &NightsError{Err: sentinel, Nights: nights}
}

// TotalPrice adds up nightly prices.
func TotalPrice(nights []hotel.NightPrice) hotel.Cents {
	var t hotel.Cents
	for _, n := range nights {
		t += n.Price
	}
	return t
}

// DistinctNights refuses, with ErrConflict, nightly prices that give a night
// twice (an upsert of booking nights would silently keep the last).
func DistinctNights(nights []hotel.NightPrice) error {
	seen := make(map[hotel.Date]bool, len(nights))
	for _, n := range nights {
		if seen[n.Date] {
			return fmt.Errorf("%w: night %s given twice", ErrConflict, n.Date)
		}
		seen[n.Date] = true
	}
	return nil
}
