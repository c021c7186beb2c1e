package store

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hotelplatform/hotel"
)

// What the drivers share of a hold priced on a rate plan (HoldRequest.Price).

// HoldARIQuery is what a driver reads for a hold's Price: the ARI of the
// room types (one, or those of a group's stay) over the nights [in, out),
// their restrictions through out.
func HoldARIQuery(hotelID int64, in, out hotel.Date, roomTypeIDs ...int64) hotel.ARIQuery {
	return hotel.ARIQuery{HotelIDs: []int64{hotelID}, RoomTypeIDs: roomTypeIDs, From: in, To: out}
}

// What the drivers share of a group of holds (CreateHolds; CreateHold is
// a group of one).

// ErrEmptyStay refuses a stay without nights (the services validate stays;
// the hold table's CHECK would refuse it too). It wraps ErrConflict.
var ErrEmptyStay = fmt.Errorf("%w: a stay needs at least one night", ErrConflict)

// ErrPartlyHeld refuses a group of which some booking ids have holds and
// others not. It wraps ErrConflict.
var ErrPartlyHeld = fmt.Errorf("%w: some of the group's booking ids have holds and others not", ErrConflict)

// CheckGroup refuses a group that names a booking id twice, or a stay
// without nights: ErrConflict.
func CheckGroup(reqs []hotel.HoldRequest) error {
	seen := make(map[string]bool, len(reqs))
	for _, r := range reqs {
		if seen[r.BookingID] {
			return fmt.Errorf("%w: booking id %s is asked for twice in one group", ErrConflict, r.BookingID)
		}
		seen[r.BookingID] = true
		if !r.CheckIn.Before(r.CheckOut) {
			return ErrEmptyStay
		}
	}
	return nil
}

// PriceHolds calls the Price of every request of a group that has one, in
// order, with the snapshot load reads for its hotel and stay: one read per
// distinct hotel and stay, of every room type the group's priced requests
// ask for there (HoldARIQuery). It returns each request's quote (nil
// without a Price), or the first error.
func PriceHolds(reqs []hotel.HoldRequest, load func(hotel.ARIQuery) (hotel.ARISnapshot, error)) ([]*hotel.HoldQuote, error) {
	type stay struct {
		hotelID int64
		in, out hotel.Date
	}
	rooms := map[stay][]int64{}
	for _, r := range reqs {
		if k := (stay{r.HotelID, r.CheckIn, r.CheckOut}); r.Price != nil && !slices.Contains(rooms[k], r.RoomTypeID) {
			rooms[k] = append(rooms[k], r.RoomTypeID)
		}
	}
	snaps := make(map[stay]hotel.ARISnapshot, len(rooms))
	quotes := make([]*hotel.HoldQuote, len(reqs))
	for i, r := range reqs {
		if r.Price == nil {
			continue
		}
		k := stay{r.HotelID, r.CheckIn, r.CheckOut}
		snap, ok := snaps[k]
		if !ok {
			slices.Sort(rooms[k])
			var err error
			if snap, err = load(HoldARIQuery(k.hotelID, k.in, k.out, rooms[k]...)); err != nil {
				return nil, err
			}
			snaps[k] = snap
		}
		q, err := r.Price(snap)
		if err != nil {
			return nil, err
		}
		quotes[i] = q
	}
	return quotes, nil
}

// Union returns the nights of a and b in ascending order, once each.
func Union(a, b []hotel.Date) []hotel.Date {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, func(x, y hotel.Date) int { return x.Time().Compare(y.Time()) })
	return slices.Compact(out)
}

// QuoteRow is a quote as the hold table stores it: rate_plan_id (and
// request_rate_plan_id), party and terms (JSON); NULL, ” and NULL without
// a quote. Prices maps each quoted night to its price.
type QuoteRow struct {
	PlanID sql.NullInt64
	Party  string
	Terms  sql.NullString
	Prices map[hotel.Date]hotel.Cents
}

// QuoteRowOf returns the stored form of q (nil: none).
func QuoteRowOf(q *hotel.HoldQuote) (QuoteRow, error) {
	if q == nil {
		return QuoteRow{}, nil
	}
	terms, err := termsJSON(q.Terms)
	if err != nil {
		return QuoteRow{}, fmt.Errorf("hold %w", err)
	}
	r := QuoteRow{PlanID: sql.NullInt64{Int64: q.RatePlanID, Valid: true}, Party: q.Party,
		Terms: sql.NullString{String: terms, Valid: true}, Prices: make(map[hotel.Date]hotel.Cents, len(q.Prices))}
	for _, np := range q.Prices {
		r.Prices[np.Date] = np.Price
	}
	return r, nil
}

// Price returns the quoted price of night, else price (the inventory's).
func (r QuoteRow) Price(night hotel.Date, price hotel.Cents) hotel.Cents {
	if p, ok := r.Prices[night]; ok {
		return p
	}
	return price
}

// HoldRequestSQL selects what identifies the request that made a hold, as
// HoldRequestRow reads it; a driver appends its placeholder for the
// booking id.
const HoldRequestSQL = `SELECT h.hotel_id, h.request_room_type_id, h.request_check_in, h.request_check_out,
       h.request_rate_plan_id IS NOT NULL, coalesce(rp.code, ''), coalesce(rp.is_default, false), h.party
FROM hold h LEFT JOIN rate_plan rp ON rp.id = h.request_rate_plan_id
WHERE h.booking_id = `

// HoldRequestRow is the request that made a hold (HoldRequestSQL).
type HoldRequestRow struct {
	HotelID, RoomTypeID int64
	CheckIn, CheckOut   hotel.Date
	HasPlan             bool // false: a hold made before rate plans, or without a Price
	PlanCode            string
	PlanDefault         bool
	Party               string // '' before rate plans
}

// Dest returns the Scan destinations of HoldRequestSQL.
func (r *HoldRequestRow) Dest() []any {
	return []any{&r.HotelID, &r.RoomTypeID, DateDest(&r.CheckIn), DateDest(&r.CheckOut),
		&r.HasPlan, &r.PlanCode, &r.PlanDefault, &r.Party}
}

// Same reports whether req is the request that made the hold: the same
// hotel, room type and dates as first asked, and, where the hold recorded
// them, the same rate plan (by code; no code: the default plan) and party.
// Then CreateHold replays the hold; otherwise it refuses req.
func (r HoldRequestRow) Same(req hotel.HoldRequest) bool {
	if r.HotelID != req.HotelID || r.RoomTypeID != req.RoomTypeID || r.CheckIn != req.CheckIn || r.CheckOut != req.CheckOut {
		return false
	}
	if r.HasPlan {
		if req.RatePlan == "" && !r.PlanDefault || req.RatePlan != "" && !strings.EqualFold(req.RatePlan, r.PlanCode) {
			return false
		}
	}
	return r.Party == "" || r.Party == (hotel.Party{Adults: req.Adults, ChildAges: req.ChildAges}).Key()
}

// IDDest is a Scan destination for a nullable id: NULL reads as 0.
func IDDest(id *int64) sql.Scanner { return (*nullID)(id) }

type nullID int64

func (n *nullID) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*n = nullID(v.Int64)
	return nil
}

// TermsDest is a Scan destination for a terms column (JSON, NULL: none).
func TermsDest(t **hotel.Terms) sql.Scanner { return termsDest{t} }

type termsDest struct{ t **hotel.Terms }

func (d termsDest) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	if !s.Valid || s.String == "" {
		*d.t = nil
		return nil
	}
	var t hotel.Terms
	if err := json.Unmarshal([]byte(s.String), &t); err != nil {
		return fmt.Errorf("stored terms: %w", err)
	}
	*d.t = &t
	return nil
}

// Terms is the stored form of terms: JSON, NULL for none.
func Terms(t *hotel.Terms) (driver.Value, error) {
	if t == nil {
		return nil, nil
	}
	return termsJSON(*t)
}

// termsJSON is terms as stored.
func termsJSON(t hotel.Terms) (string, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("terms: %w", err)
	}
	return string(b), nil
}

// BookingTerms are the stored form of what a booking was sold on — rate
// plan id and code, children's ages (JSON) and terms (JSON) — in the
// order of the columns rate_plan_id, rate_plan_code, child_ages, terms.
func BookingTerms(b *hotel.Booking) ([]any, error) {
	terms, err := Terms(b.Terms)
	if err != nil {
		return nil, err
	}
	var ages sql.NullString
	if b.ChildAges != nil {
		j, err := json.Marshal(b.ChildAges)
		if err != nil {
			return nil, err
		}
		ages = sql.NullString{String: string(j), Valid: true}
	}
	return []any{sql.NullInt64{Int64: b.RatePlanID, Valid: b.RatePlanID != 0}, NullString(b.RatePlan), ages, terms}, nil
}

// BookingOutcome are the stored form of what became of a booking — when
// it was checked in, when cancelled and at what fee, the fee of a no-show
// — in the order of the columns checked_in_at, cancelled_at,
// cancellation_fee_cents, no_show_fee_cents (NULL when not so).
func BookingOutcome(b *hotel.Booking) []any {
	return []any{Timestamp(b.CheckedInAt), Timestamp(b.CancelledAt),
		sql.NullInt64{Int64: int64(b.CancellationCharge), Valid: !b.CancelledAt.IsZero()},
		sql.NullInt64{Int64: int64(b.NoShowFee), Valid: b.Status == hotel.StatusNoShow}}
}

// BookingRoom is the stored form of a booking row's place in its booking
// — group_id (NULL for a booking itself) and room_no (1 for it) — in
// that order. A zero b.RoomNo becomes 1, as stored.
func BookingRoom(b *hotel.Booking) []any {
	b.RoomNo = max(b.RoomNo, 1)
	return []any{NullString(b.GroupID), b.RoomNo}
}

// AgesDest is a Scan destination for a children's ages column (JSON, NULL:
// not given).
func AgesDest(ages *[]int) sql.Scanner { return agesDest{ages} }

type agesDest struct{ ages *[]int }

func (d agesDest) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*d.ages = nil
	if !s.Valid || s.String == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String), d.ages); err != nil {
		return fmt.Errorf("stored children's ages: %w", err)
	}
	return nil
}
