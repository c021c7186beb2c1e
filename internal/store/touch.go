package store

import (
	"context"

	"github.com/hotelplatform/hotel"
)

// This file is the part of the contract the search index (package
// inventory/ariindex) reads: a feed of what changed in the ARI of the
// hotels, written by the database itself (triggers on the tables search
// reads) in the transaction of each change, and the reads that bring the
// changed ranges back.

// Kinds of ARITouch.
const (
	// TouchNights: inventory nights of a room type (availability, capacity,
	// the default plan's price) on [From, To].
	TouchNights = "nights"
	// TouchRates: base-plan prices (rate_night) of the hotel on [From, To]
	// (RoomTypeID 0).
	TouchRates = "rates"
	// TouchRules: restrictions of a room type (any of its plans, or all of
	// them) on [From, To].
	TouchRules = "rules"
	// TouchCatalogue: the hotel itself, its room types or its rate plans
	// (RoomTypeID 0, From and To zero): everything of the hotel is to be
	// read again.
	TouchCatalogue = "catalogue"
)

// ARITouch says that a committed transaction changed the rows of one kind
// of a hotel's ARI over a range of dates (both ends included): inserted,
// updated or deleted them.
type ARITouch struct {
	ID         int64 // unique, never reused
	Kind       string
	HotelID    int64
	RoomTypeID int64 // 0: every room type of the hotel
	From, To   hotel.Date
}

// TouchCursor is a position in the feed of touches, as ARITouches returns
// it. The zero cursor is "nowhere yet".
type TouchCursor struct {
	// Pos is the driver's position: PostgreSQL, the oldest transaction
	// still running when the cursor was taken (its snapshot's xmin);
	// SQLite, the last touch id read (-1 when the feed had none).
	Pos int64
	// Seen are the touches at or after Pos already returned (PostgreSQL:
	// those of transactions at or after xmin that had committed).
	Seen []int64
}

// IsZero reports whether c is the zero cursor.
func (c TouchCursor) IsZero() bool { return c.Pos == 0 && len(c.Seen) == 0 }

// NightRow is an inventory night as the index keeps it: rooms for sale
// (capacity + allowance - held - blocked) and the default plan's price.
type NightRow struct {
	HotelID, RoomTypeID int64
	Night               hotel.Date
	Available           int
	Price               hotel.Cents
}

// RateRow is a base plan's price on a night (rate_night).
type RateRow struct {
	HotelID, PlanID int64
	Night           hotel.Date
	Price           hotel.Cents
}

// RuleRow is the restrictions set on a date for a room type's plan (PlanID
// 0: every plan of the room type).
type RuleRow struct {
	HotelID, RoomTypeID, PlanID int64
	Date                        hotel.Date
	Restrictions                hotel.Restrictions
}

// ARIRows are the rows of the ranges LoadARIRanges read, in no order (a
// row in two overlapping ranges may come twice).
type ARIRows struct {
	Nights []NightRow
	Rates  []RateRow
	Rules  []RuleRow
}

// ARIFeed is the feed of changes to what search reads. Every transaction
// that inserts, updates or deletes rows of hotel, room_type, rate_plan,
// inventory_night, rate_night or restriction_night writes, in the same
// transaction, touches that cover them (so none commits without its
// touches, and no touch exists without its change).
type ARIFeed interface {
	// ARITouches returns the touches committed since cursor c and the
	// cursor to pass next time. With the zero cursor it returns no touch,
	// only a cursor behind every touch committed before the call. Along a
	// chain of calls (each given the cursor the one before returned), every
	// touch committed after the chain's first call is returned exactly
	// once: by the first call that begins after it committed, or by an
	// earlier one.
	ARITouches(ctx context.Context, c TouchCursor) ([]ARITouch, TouchCursor, error)
	// LoadARIRanges reads the rows, as they are now, of the kind and range
	// of each touch of rs (catalogue touches read nothing): every inventory
	// night of a TouchNights touch's room type on [From, To], every
	// rate_night of a TouchRates touch's hotel, every restriction of a
	// TouchRules touch's room type (RoomTypeID 0: of the hotel). One read,
	// whatever the number of touches.
	LoadARIRanges(ctx context.Context, rs []ARITouch) (ARIRows, error)
	// PruneARITouches deletes the touches a chain of ARITouches calls at c
	// or later will never return again (those before c), and returns how
	// many it deleted. A reader with an older cursor must start again from
	// the zero cursor.
	PruneARITouches(ctx context.Context, c TouchCursor) (int64, error)
}
