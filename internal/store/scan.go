package store

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
)

// Row scanners shared by the drivers. Each pairs the column list a query
// selects with the destinations its values go to, so the two cannot drift
// apart. Dates and timestamps are native in PostgreSQL and TEXT in SQLite:
// DateDest and TimeDest read either.

// Row is one result row of either driver (*sql.Row, *sql.Rows, pgx.Row,
// pgx.CollectableRow).
type Row interface{ Scan(dest ...any) error }

// DateDest is a Scan destination that reads a date column into d: a DATE
// (time.Time) or TEXT 'YYYY-MM-DD'. NULL leaves d the zero Date.
func DateDest(d *hotel.Date) sql.Scanner { return (*Day)(d) }

// Day is a hotel.Date as either driver stores it: it scans a DATE
// (time.Time) or TEXT 'YYYY-MM-DD' (NULL is the zero Date) and is written
// as 'YYYY-MM-DD', which both engines read as a date. The generated
// queries (sqlc.yaml) use it for date columns.
type Day hotel.Date

// Scan implements sql.Scanner.
func (d *Day) Scan(src any) error {
	var err error
	switch v := src.(type) {
	case nil:
		*d = Day{}
	case time.Time:
		*d = Day(hotel.DateOf(v))
	case string:
		var t hotel.Date
		t, err = hotel.ParseDate(v)
		*d = Day(t)
	case []byte:
		return d.Scan(string(v))
	default:
		return fmt.Errorf("stored date: unexpected %T", src)
	}
	if err != nil {
		return fmt.Errorf("stored date: %w", err)
	}
	return nil
}

// Value implements driver.Valuer: NULL for the zero Date.
func (d Day) Value() (driver.Value, error) {
	if hotel.Date(d).IsZero() {
		return nil, nil
	}
	return hotel.Date(d).String(), nil
}

// TimeDest is a Scan destination that reads a timestamp column into t, in
// UTC: a TIMESTAMPTZ (time.Time) or RFC 3339 TEXT. NULL leaves t zero.
func TimeDest(t *time.Time) sql.Scanner { return (*Timestamp)(t) }

// Timestamp is an instant as either driver stores it: it scans a
// TIMESTAMPTZ (time.Time) or RFC 3339 TEXT, in UTC (NULL is the zero
// time), and is written in TimestampLayout, which PostgreSQL reads as a
// timestamptz and which compares as text in SQLite. The generated queries
// (sqlc.yaml) use it for timestamp columns.
type Timestamp time.Time

// TimestampLayout is the fixed-width UTC form a Timestamp is written in.
const TimestampLayout = "2006-01-02T15:04:05.000000Z"

// Scan implements sql.Scanner.
func (t *Timestamp) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = Timestamp{}
	case time.Time:
		*t = Timestamp(v.UTC())
	case string:
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("stored timestamp %q: %w", v, err)
		}
		*t = Timestamp(p.UTC())
	case []byte:
		return t.Scan(string(v))
	default:
		return fmt.Errorf("stored timestamp: unexpected %T", src)
	}
	return nil
}

// Value implements driver.Valuer: NULL for the zero time.
func (t Timestamp) Value() (driver.Value, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return time.Time(t).UTC().Format(TimestampLayout), nil
}

// InventoryColumns select an inventory night n with its hotel h and room
// type rt, as ScanInventoryItem reads them.
const InventoryColumns = `n.hotel_id, h.name, h.location, n.room_type_id, rt.name, n.night,
       n.capacity + n.allowance - n.held - n.blocked, n.capacity, n.price_cents, h.currency, n.demand_level`

// ScanInventoryItem reads a row of InventoryColumns.
func ScanInventoryItem(row Row) (hotel.InventoryItem, error) {
	var it hotel.InventoryItem
	err := row.Scan(&it.HotelID, &it.HotelName, &it.Location, &it.RoomTypeID, &it.RoomType, DateDest(&it.Date),
		&it.AvailableRooms, &it.TotalRooms, (*int64)(&it.RoomPrice), &it.Currency, &it.DemandLevel)
	return it, err
}

// APIKeyRow is a row of table api_key as both drivers' generated queries
// return it (a db.APIKey of either converts to it).
type APIKeyRow struct {
	ID         int64
	Name       string
	Prefix     string
	Hash       []byte
	Scopes     string
	CreatedAt  Timestamp
	LastUsedAt Timestamp
	RevokedAt  Timestamp
	HotelIDs   string
}

// APIKey returns the key r holds.
func (r APIKeyRow) APIKey() hotel.APIKey {
	return hotel.APIKey{ID: r.ID, Name: r.Name, Prefix: r.Prefix, Hash: r.Hash, Scopes: strings.Split(r.Scopes, ","),
		HotelIDs: SplitIDs(r.HotelIDs), CreatedAt: time.Time(r.CreatedAt), LastUsedAt: time.Time(r.LastUsedAt),
		Revoked: !time.Time(r.RevokedAt).IsZero()}
}

// JoinIDs is the stored form of a list of ids (a comma list, "" for none),
// as hotel_ids columns hold them.
func JoinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// SplitIDs reads the stored form of JoinIDs (never nil).
func SplitIDs(s string) []int64 {
	ids := []int64{}
	for part := range strings.SplitSeq(s, ",") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// AdjustmentColumns select an adjustment a with its room type rt, as
// ScanAdjustment reads them.
const AdjustmentColumns = `a.id, a.hotel_id, a.room_type_id, rt.name, a.start_date, a.end_date, a.num_rooms,
       coalesce(a.reason, ''), a.actor, coalesce(a.idempotency_key, ''), a.created_at`

// ScanAdjustment reads a row of AdjustmentColumns.
func ScanAdjustment(row Row) (hotel.Adjustment, error) {
	var a hotel.Adjustment
	err := row.Scan(&a.ID, &a.HotelID, &a.RoomTypeID, &a.RoomType, DateDest(&a.StartDate), DateDest(&a.EndDate), &a.NumRooms,
		&a.Reason, &a.Actor, &a.IdempotencyKey, TimeDest(&a.CreatedAt))
	return a, err
}

// IdempotencyRow is a row of table idempotency_record as both drivers'
// generated queries return it (a db.IdempotencyRecord of either converts
// to it).
type IdempotencyRow struct {
	Scope       string
	Key         string
	RequestHash []byte
	ResourceID  sql.NullString
	Done        bool
	Status      sql.NullInt64
	Body        []byte
	CreatedAt   Timestamp
	ExpiresAt   Timestamp
}

// Record returns the record r holds.
func (r IdempotencyRow) Record() *IdempotencyRecord {
	return &IdempotencyRecord{Scope: r.Scope, Key: r.Key, RequestHash: r.RequestHash, ResourceID: r.ResourceID.String,
		Done: r.Done, Status: int(r.Status.Int64), Body: r.Body, CreatedAt: time.Time(r.CreatedAt), ExpiresAt: time.Time(r.ExpiresAt)}
}

// NullString is s, NULL when empty.
func NullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// BookingColumns select a booking b with its hotel h and room type rt
// names, as BookingFields receives them; a driver adds the nights.
const BookingColumns = `CAST(b.id AS TEXT), b.confirmation_code, b.hotel_id, h.name, b.room_type_id, rt.name, b.guest_name,
       b.arrival_date, b.stay_length, b.check_out_date, b.adults, b.children,
       coalesce(b.meal_plan, ''), coalesce(b.market_segment, ''), coalesce(b.booking_channel, ''),
       b.is_weekend, b.is_holiday, coalesce(b.total_cents, 0), b.currency, b.status, b.departed_on,
       b.version, b.sync_pending, b.created_at, b.updated_at,
       b.rate_plan_id, coalesce(b.rate_plan_code, ''), b.child_ages, b.terms,
       b.checked_in_at, b.cancelled_at, coalesce(b.cancellation_fee_cents, 0), coalesce(b.no_show_fee_cents, 0),
       coalesce(CAST(b.group_id AS TEXT), ''), b.room_no`

// BookingFields returns the Scan destinations of BookingColumns in b.
func BookingFields(b *hotel.Booking) []any {
	return []any{&b.ID, &b.ConfirmationCode, &b.HotelID, &b.HotelName, &b.RoomTypeID, &b.RoomType, &b.GuestName,
		DateDest(&b.ArrivalDate), &b.StayLength, DateDest(&b.CheckOutDate), &b.Adults, &b.Children,
		&b.MealPlan, &b.MarketSegment, &b.BookingChannel,
		&b.IsWeekend, &b.IsHoliday, (*int64)(&b.TotalPrice), &b.Currency, &b.Status, DateDest(&b.DepartedOn),
		&b.Version, &b.SyncPending, TimeDest(&b.CreatedAt), TimeDest(&b.UpdatedAt),
		IDDest(&b.RatePlanID), &b.RatePlan, AgesDest(&b.ChildAges), TermsDest(&b.Terms),
		TimeDest(&b.CheckedInAt), TimeDest(&b.CancelledAt), (*int64)(&b.CancellationCharge), (*int64)(&b.NoShowFee),
		&b.GroupID, &b.RoomNo}
}

// HoldColumns select a hold h with the currency of its hotel ho, as
// HoldFields receives them; a driver adds the nights.
const HoldColumns = `CAST(h.booking_id AS TEXT), h.hotel_id, h.room_type_id, h.check_in, h.check_out, h.status,
       h.created_at, h.updated_at, ho.currency, h.rate_plan_id, h.terms`

// HoldFields returns the Scan destinations of HoldColumns in h.
func HoldFields(h *hotel.Hold) []any {
	return []any{&h.BookingID, &h.HotelID, &h.RoomTypeID, DateDest(&h.CheckIn), DateDest(&h.CheckOut), &h.Status,
		TimeDest(&h.CreatedAt), TimeDest(&h.UpdatedAt), &h.Currency, IDDest(&h.RatePlanID), TermsDest(&h.Terms)}
}

// ScanNightDrift reads a row of hotel id, room type id, night, held, hold
// nights and bookings (the drift query of a driver).
func ScanNightDrift(row Row) (NightDrift, error) {
	var d NightDrift
	err := row.Scan(&d.HotelID, &d.RoomTypeID, DateDest(&d.Date), &d.Held, &d.HoldNights, &d.Bookings)
	return d, err
}

// Convert returns rows, each made a T by to: a generated query's rows as
// the values the store returns.
func Convert[R, T any](rows []R, to func(R) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = to(r)
	}
	return out
}

// OneRow is the outcome of a statement that must change a row, given the
// rows it changed and its error: err, or ErrNotFound if it changed none.
func OneRow(n int64, err error) error {
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

// RatePlanRow is a row of table rate_plan as both drivers' generated
// queries return it (a db.ListRatePlansRow of either converts to it).
type RatePlanRow struct {
	ID                        int64
	HotelID                   int64
	RoomTypeID                int64
	Code                      string
	Name                      string
	MealPlan                  string
	Refundable                bool
	Sellable                  bool
	IsDefault                 bool
	ParentID                  sql.NullInt64
	AdjustPercentBp           int
	AdjustAmountCents         int64
	FollowsParentRestrictions bool
	BaseAdults                int
	ExtraAdultCents           int64
	ChildBands                string
	Policies                  string
}

// RatePlan returns the plan r holds. The child bands are JSON the store
// wrote; a row it cannot read is an error, never a plan without its bands.
func (r RatePlanRow) RatePlan() (hotel.RatePlan, error) {
	p := hotel.RatePlan{ID: r.ID, HotelID: r.HotelID, RoomTypeID: r.RoomTypeID, Code: r.Code, Name: r.Name,
		MealPlan: r.MealPlan, Refundable: r.Refundable, Sellable: r.Sellable, Default: r.IsDefault,
		ParentID: r.ParentID.Int64, PercentBP: r.AdjustPercentBp, AmountCents: hotel.Cents(r.AdjustAmountCents),
		FollowsParentRestrictions: r.FollowsParentRestrictions,
		Occupancy:                 hotel.Occupancy{BaseAdults: r.BaseAdults, ExtraAdult: hotel.Cents(r.ExtraAdultCents)}}
	bands, err := ParseChildBands(r.ChildBands)
	if err != nil {
		return hotel.RatePlan{}, fmt.Errorf("rate plan %d: child bands: %w", r.ID, err)
	}
	if err := parsePolicies(r.Policies, &p); err != nil {
		return hotel.RatePlan{}, fmt.Errorf("rate plan %d: policies: %w", r.ID, err)
	}
	p.Occupancy.ChildBands = bands
	return p, nil
}

// ParseChildBands reads child bands as ChildBandsJSON writes them (what
// json.Unmarshal would return: an empty, non-nil slice for "[]"). Search
// reads every plan of a city, so the form the stores write
// ([{"max_age":2,"price":"0.00"},…]) is parsed by hand, without
// reflection; anything else goes to encoding/json.
func ParseChildBands(s string) ([]hotel.ChildBand, error) {
	if bands, ok := parseChildBands(s); ok {
		return bands, nil
	}
	var bands []hotel.ChildBand
	if err := json.Unmarshal([]byte(s), &bands); err != nil {
		return nil, err
	}
	return bands, nil
}

// parseChildBands parses the exact form ChildBandsJSON writes, or returns
// false.
func parseChildBands(s string) ([]hotel.ChildBand, bool) {
	const (
		age   = `{"max_age":`
		price = `,"price":"`
	)
	if s == "[]" {
		return []hotel.ChildBand{}, true
	}
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	rest := s[1 : len(s)-1]
	bands := make([]hotel.ChildBand, 0, strings.Count(rest, age))
	for {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, age); !ok {
			return nil, false
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || (i > 1 && rest[0] == '0') {
			return nil, false
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest[i:], price); !ok {
			return nil, false
		}
		j := strings.IndexByte(rest, '"')
		if j < 0 {
			return nil, false
		}
		c, err := hotel.ParseCents(rest[:j])
		if err != nil {
			return nil, false
		}
		bands = append(bands, hotel.ChildBand{MaxAge: n, Price: c})
		rest = rest[j+1:]
		if rest, ok = strings.CutPrefix(rest, "}"); !ok {
			return nil, false
		}
		if rest == "" {
			return bands, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}

// RatePlans returns the plans of rows (a driver converts its generated rows
// to RatePlanRow first).
func RatePlans(rows []RatePlanRow, err error) ([]hotel.RatePlan, error) {
	if err != nil {
		return nil, err
	}
	out := make([]hotel.RatePlan, len(rows))
	for i, r := range rows {
		if out[i], err = r.RatePlan(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EscapeLike escapes the wildcards of s (%, _ and the escape \) for a LIKE
// pattern with ESCAPE '\' (PostgreSQL's default escape).
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
