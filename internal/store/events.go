package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
)

// Events is the event outbox (migration 0015): the triggers of the booking
// table write an event in the transaction of every change; these read
// them.
type Events interface {
	// PublishEvents gives the committed events that have none their feed
	// positions, in the order they were written, and their subjects' next
	// sequence numbers, and returns how many it published. Callers may run
	// it concurrently (one publishes at a time; the others return 0). On
	// SQLite events are published as they are written.
	PublishEvents(ctx context.Context) (int, error)
	// ListEvents returns at most f.Limit published events after position
	// f.After, matching f, in position order.
	ListEvents(ctx context.Context, f hotel.EventFilter) ([]hotel.Event, error)
	// LastEventPosition returns the position of the last published event
	// (0: none).
	LastEventPosition(ctx context.Context) (int64, error)
	// PruneEvents deletes at most limit published events that occurred
	// before before, oldest first, and returns how many; when it deletes
	// any, EventGaps no longer compares the rows created before before.
	PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error)
	// EventGaps returns at most limit booking rows whose events do not
	// count their changes — a row at version v has exactly v events, one
	// per committed change — and subjects with events but no row: what
	// breaks "no event without its change, no change without its event";
	// then ARI and catalogue changes without their event, and such events
	// without their change (ARIEventGapsSQL).
	// Rows created before the outbox (migration 0015) or before the time
	// events were last pruned up to (PruneEvents' before), and pending rows
	// (of an earlier version's saga), are not compared.
	EventGaps(ctx context.Context, limit int) ([]EventGap, error)

	// SetConsumer stores position pos of consumer name — creating it, its
	// unacknowledged view starting after pos — and returns it. Errors:
	// ErrConflict (pos is beyond the last event published and the
	// consumer's current position).
	SetConsumer(ctx context.Context, name string, pos int64, at time.Time) (hotel.EventConsumer, error)
	// GetConsumer returns consumer name. Errors: ErrNotFound.
	GetConsumer(ctx context.Context, name string) (hotel.EventConsumer, error)
	// AckEvents records that consumer name processed the booking events
	// at positions (others are ignored) and returns how many it had not
	// acknowledged before. Errors: ErrNotFound (no such consumer).
	AckEvents(ctx context.Context, name string, positions []int64, at time.Time) (int, error)
	// UnackedEvents returns at most limit published booking events after
	// consumer name's AckFrom that it has not acknowledged, in position
	// order (none for a consumer that does not exist).
	UnackedEvents(ctx context.Context, name string, limit int) ([]hotel.Event, error)
}

// ConsumerColumns are the columns of table event_consumer a driver reads
// into ConsumerDest, in order.
const ConsumerColumns = `name, position, ack_from, created_at, updated_at`

// ConsumerDest returns the scan destinations of ConsumerColumns.
func ConsumerDest(c *hotel.EventConsumer) []any {
	return []any{&c.Name, &c.Position, &c.AckFrom, TimeDest(&c.CreatedAt), TimeDest(&c.UpdatedAt)}
}

// UnackedSQL returns the statement of UnackedEvents with placeholders p(1)
// (the consumer) and p(2) (the limit).
func UnackedSQL(p func(int) string) string {
	return `SELECT e.pos, e.type, e.hotel_id, e.subject, e.subject_seq, e.payload, e.occurred_at
FROM event e JOIN event_consumer c ON c.name = ` + p(1) + `
WHERE e.type LIKE 'booking.%' AND e.pos > c.ack_from
  AND NOT EXISTS (SELECT 1 FROM event_ack a WHERE a.consumer = c.name AND a.pos = e.pos)
ORDER BY e.pos LIMIT ` + p(2)
}

// SetConsumerSQL returns the statement of SetConsumer with placeholders
// p(1) (name), p(2) (position) and p(3) (time): no row when the position
// is beyond the feed's end and the consumer's current position.
func SetConsumerSQL(p func(int) string) string {
	return `INSERT INTO event_consumer (name, position, ack_from, created_at, updated_at)
SELECT ` + p(1) + `, ` + p(2) + `, ` + p(2) + `, ` + p(3) + `, ` + p(3) + `
WHERE ` + p(2) + ` <= (SELECT coalesce(max(pos), 0) FROM event)
   OR ` + p(2) + ` <= (SELECT position FROM event_consumer WHERE name = ` + p(1) + `)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
RETURNING ` + ConsumerColumns
}

// EventGap is a booking row (Subject) at Version with Events events, or
// (Version 0) events of a subject no booking row has — or, with ARI set,
// an ARI or catalogue change of Subject without its event, or such an
// event without its change (ARI says which).
type EventGap struct {
	Subject string
	Version int
	Events  int
	ARI     string
}

// ARIEventsMigration is the migration that made ARI and catalogue events.
const ARIEventsMigration = 16

// ARIEventGapsSQL returns the statement of the ARI half of EventGaps, with
// placeholders p(1) (touches and events from then on are compared) and
// p(2) (the limit), json(f) the text of payload field f of event e, and
// date(x) the date x. It finds every touch (migration 0012: one per
// change of availability, rates, restrictions or the catalogue) without
// an event of its subject and kind whose nights hold its nights, and every
// ARI or catalogue event — written while the touches it would match are
// kept — without a touch of its subject and kind within its nights.
func ARIEventGapsSQL(p func(int) string, json func(f string) string, date func(x string) string) string {
	const subject = `'hotel/' || t.hotel_id || CASE WHEN t.room_type_id = 0 THEN '' ELSE '/room-type/' || t.room_type_id END`
	const typ = `CASE t.kind WHEN 'catalogue' THEN 'hotel.changed' ELSE 'ari.changed' END`
	const what = `CASE t.kind WHEN 'nights' THEN 'availability' WHEN 'rules' THEN 'restrictions' ELSE t.kind END`
	match := `e.subject = ` + subject + ` AND e.type = ` + typ + ` AND ` + json("what") + ` = ` + what + `
    AND (t.kind = 'catalogue' OR (` + date(json("first_night")) + ` <= ` + date("t.first_night") + ` AND ` + date(json("last_night")) + ` >= ` + date("t.last_night") + `))`
	return `SELECT ` + subject + `, 'change ' || t.kind || ' ' || coalesce(CAST(t.first_night AS TEXT) || '..' || CAST(t.last_night AS TEXT), '') || ' (touch ' || t.id || ') has no event'
FROM ari_touch t
WHERE t.created_at >= ` + p(1) + ` AND NOT EXISTS (SELECT 1 FROM event e WHERE ` + match + `)
UNION ALL
SELECT e.subject, 'event ' || e.type || ' ' || ` + json("what") + ` || ' (id ' || e.id || ') has no change'
FROM event e
WHERE e.type IN ('ari.changed', 'hotel.changed') AND e.occurred_at >= ` + p(1) + `
  AND e.occurred_at >= (SELECT min(created_at) FROM ari_touch)
  AND NOT EXISTS (SELECT 1 FROM ari_touch t WHERE ` + match + `)
LIMIT ` + p(2)
}

// OutboxMigration is the migration that made the outbox.
const OutboxMigration = 15

// EventGapsSQL returns the statement of EventGaps with placeholders p(1)
// (rows created from then on are compared) and p(2) (the limit).
func EventGapsSQL(p func(int) string) string {
	return `WITH counts AS (SELECT subject, count(*) AS n FROM event WHERE type LIKE 'booking.%' GROUP BY subject)
SELECT CAST(b.id AS TEXT), b.version, coalesce(c.n, 0) FROM booking b LEFT JOIN counts c ON c.subject = CAST(b.id AS TEXT)
WHERE b.status <> 'pending' AND b.created_at >= ` + p(1) + ` AND coalesce(c.n, 0) <> b.version
UNION ALL
SELECT c.subject, 0, c.n FROM counts c WHERE NOT EXISTS (SELECT 1 FROM booking b WHERE CAST(b.id AS TEXT) = c.subject)
LIMIT ` + p(2)
}

// EventRow is a row of table event as both drivers read it.
type EventRow struct {
	Pos        int64
	Type       string
	HotelID    int64
	Subject    string
	SubjectSeq int64
	Payload    string
	OccurredAt time.Time
}

// EventColumns are the columns of table event a driver reads into
// EventDest, in order.
const EventColumns = `pos, type, hotel_id, subject, subject_seq, payload, occurred_at`

// EventDest returns the scan destinations of EventColumns.
func EventDest(r *EventRow) []any {
	return []any{&r.Pos, &r.Type, &r.HotelID, &r.Subject, &r.SubjectSeq, &r.Payload, TimeDest(&r.OccurredAt)}
}

// bookingPayload is the payload the booking triggers write.
type bookingPayload struct {
	BookingID        string     `json:"booking_id"`
	RoomID           string     `json:"room_id"`
	RoomNo           int        `json:"room_no"`
	ConfirmationCode string     `json:"confirmation_code"`
	Status           string     `json:"status"`
	Version          int        `json:"version"`
	RoomTypeID       int64      `json:"room_type_id"`
	RatePlan         *string    `json:"rate_plan"`
	ArrivalDate      hotel.Date `json:"arrival_date"`
	StayLength       int        `json:"stay_length"`
	CheckOutDate     hotel.Date `json:"check_out_date"`
	DepartedOn       *string    `json:"departed_on"`
	Adults           int        `json:"adults"`
	Children         int        `json:"children"`
	TotalCents       *int64     `json:"total_cents"`
	Currency         string     `json:"currency"`
	CancellationFee  *int64     `json:"cancellation_fee_cents"`
	NoShowFee        *int64     `json:"no_show_fee_cents"`
}

// ariPayload is the payload the touch triggers write (migration 0016).
type ariPayload struct {
	What       string      `json:"what"`
	RoomTypeID *int64      `json:"room_type_id"`
	FirstNight *hotel.Date `json:"first_night"`
	LastNight  *hotel.Date `json:"last_night"`
}

// RawEvent is an unpublished event as a publisher reads it.
type RawEvent struct {
	ID                     int64
	Type, Subject, Payload string
}

// MergeARIEvents returns evs (in id order) without the ari.changed events
// that continue an earlier one — same subject and kind, nights adjacent
// or overlapping, no other event of the subject between them — each
// merged into that one (kept, its nights widened), and the ids merged.
func MergeARIEvents(evs []RawEvent) (kept []RawEvent, merged []int64) {
	last := map[string]map[string]int{} // subject → what → index in kept
	for _, e := range evs {
		var p ariPayload
		if e.Type != hotel.EventARIChanged || json.Unmarshal([]byte(e.Payload), &p) != nil || p.FirstNight == nil || p.LastNight == nil {
			delete(last, e.Subject)
			kept = append(kept, e)
			continue
		}
		if i, ok := last[e.Subject][p.What]; ok {
			var q ariPayload
			if json.Unmarshal([]byte(kept[i].Payload), &q) == nil && !p.FirstNight.After(q.LastNight.AddDays(1)) && !q.FirstNight.After(p.LastNight.AddDays(1)) {
				if p.FirstNight.Before(*q.FirstNight) {
					q.FirstNight = p.FirstNight
				}
				if q.LastNight.Before(*p.LastNight) {
					q.LastNight = p.LastNight
				}
				if b, err := json.Marshal(q); err == nil {
					kept[i].Payload = string(b)
					merged = append(merged, e.ID)
					continue
				}
			}
		}
		if last[e.Subject] == nil {
			last[e.Subject] = map[string]int{}
		}
		kept = append(kept, e)
		last[e.Subject][p.What] = len(kept) - 1
	}
	return kept, merged
}

// Event returns the event r holds, its data in the API's shape.
func (r EventRow) Event() (hotel.Event, error) {
	e := hotel.Event{ID: strconv.FormatInt(r.Pos, 10), Type: r.Type, Time: r.OccurredAt.UTC(), HotelID: r.HotelID,
		Subject: r.Subject, Sequence: r.SubjectSeq}
	if !strings.HasPrefix(r.Type, "booking.") {
		var p ariPayload
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			return e, err
		}
		d := hotel.ARIEvent{What: p.What}
		if p.RoomTypeID != nil {
			d.RoomTypeID = *p.RoomTypeID
		}
		if p.FirstNight != nil && p.LastNight != nil {
			d.FirstNight, d.LastNight = *p.FirstNight, *p.LastNight
		}
		data, err := json.Marshal(d)
		e.Data = data
		return e, err
	}
	var p bookingPayload
	if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
		return e, err
	}
	d := hotel.BookingEvent{BookingID: p.BookingID, RoomID: p.RoomID, RoomNo: p.RoomNo, ConfirmationCode: p.ConfirmationCode,
		Status: p.Status, Version: p.Version, RoomTypeID: p.RoomTypeID, ArrivalDate: p.ArrivalDate, StayLength: p.StayLength,
		CheckOutDate: p.CheckOutDate, Adults: p.Adults, Children: p.Children, Currency: p.Currency}
	if p.RatePlan != nil {
		d.RatePlan = *p.RatePlan
	}
	if p.DepartedOn != nil {
		on, err := hotel.ParseDate(*p.DepartedOn)
		if err != nil {
			return e, err
		}
		d.DepartedOn = on
	}
	if p.TotalCents != nil {
		d.TotalPrice = hotel.Cents(*p.TotalCents)
	}
	if p.CancellationFee != nil {
		fee := hotel.Cents(*p.CancellationFee)
		d.CancellationFee = &fee
	}
	if p.NoShowFee != nil {
		fee := hotel.Cents(*p.NoShowFee)
		d.NoShowFee = &fee
	}
	data, err := json.Marshal(d)
	e.Data = data
	return e, err
}
