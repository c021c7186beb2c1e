package store

// What both drivers share to implement ARIFeed (touch.go): the columns
// LoadARIRanges reads and where they go, and the touches of each kind.

// RoomsForSale is the SQL of an inventory night's rooms for sale over the
// columns of table inventory_night (capacity + allowance - held - blocked,
// never negative: the CHECK constraint).
const RoomsForSale = `capacity + allowance - held - blocked`

// NightRowColumns are the columns of table inventory_night a driver reads
// into NightRowDest, in order.
const NightRowColumns = `hotel_id, room_type_id, night, ` + RoomsForSale + `, price_cents`

// NightRowDest returns the scan destinations of NightRowColumns.
func NightRowDest(r *NightRow) []any {
	return []any{&r.HotelID, &r.RoomTypeID, DateDest(&r.Night), &r.Available, (*int64)(&r.Price)}
}

// RateRowColumns are the columns of table rate_night a driver reads into
// RateRowDest, in order.
const RateRowColumns = `hotel_id, rate_plan_id, night, price_cents`

// RateRowDest returns the scan destinations of RateRowColumns.
func RateRowDest(r *RateRow) []any {
	return []any{&r.HotelID, &r.PlanID, DateDest(&r.Night), (*int64)(&r.Price)}
}

// RuleRowColumns are the columns of table restriction_night a driver reads
// into RuleRowDest, in order.
const RuleRowColumns = `hotel_id, room_type_id, rate_plan_id, night, ` + RestrictionColumns

// RuleRowDest returns the scan destinations of RuleRowColumns.
func RuleRowDest(r *RuleRow) []any {
	return append([]any{&r.HotelID, &r.RoomTypeID, &r.PlanID, DateDest(&r.Date)}, RestrictionDest(&r.Restrictions)...)
}

// ARITouchDest returns the scan destinations of a touch's id, kind, hotel
// id, room type id, first and last night (NULL: the zero Date) as table
// ari_touch holds them.
func ARITouchDest(t *ARITouch) []any {
	return []any{&t.ID, &t.Kind, &t.HotelID, &t.RoomTypeID, DateDest(&t.From), DateDest(&t.To)}
}

// TouchRanges are the touches of rs whose kind has rows to read, by kind
// (LoadARIRanges): nights, rates and rules.
func TouchRanges(rs []ARITouch) (nights, rates, rules []ARITouch) {
	for _, t := range rs {
		switch t.Kind {
		case TouchNights:
			nights = append(nights, t)
		case TouchRates:
			rates = append(rates, t)
		case TouchRules:
			rules = append(rules, t)
		}
	}
	return nights, rates, rules
}
