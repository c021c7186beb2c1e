package store

import (
	"context"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
)

// Webhooks are the webhook subscriptions and their delivery log (migration
// 0018).
type Webhooks interface {
	// CreateWebhook inserts w, from position w.Position (the feed's end
	// when negative or beyond it), and sets its ID and times.
	CreateWebhook(ctx context.Context, w *hotel.Webhook) error
	// GetWebhook returns webhook id, its secret included. Errors:
	// ErrNotFound.
	GetWebhook(ctx context.Context, id int64) (hotel.Webhook, error)
	// ListWebhooks returns every webhook by id, secrets included.
	ListWebhooks(ctx context.Context) ([]hotel.Webhook, error)
	// UpdateWebhook writes what an admin changes of w — URL, description,
	// types, hotels, status, paused reason and failure state — and, with
	// setPosition, its position (as CreateWebhook), and returns the row.
	// Errors: ErrNotFound.
	UpdateWebhook(ctx context.Context, w hotel.Webhook, setPosition bool) (hotel.Webhook, error)
	// DeleteWebhook deletes webhook id and its delivery log. Errors:
	// ErrNotFound.
	DeleteWebhook(ctx context.Context, id int64) error
	// SetWebhookState writes the dispatcher's state of w — position,
	// failure state, status and paused reason — if it is still active at
	// position from, and says whether it did.
	SetWebhookState(ctx context.Context, w hotel.Webhook, from int64) (bool, error)
	// RecordDelivery appends d to its webhook's log and sets d.ID.
	RecordDelivery(ctx context.Context, d *hotel.WebhookDelivery) error
	// ListDeliveries returns at most limit attempts of webhook id with ids
	// below before (0: from the newest), newest first.
	ListDeliveries(ctx context.Context, id, before int64, limit int) ([]hotel.WebhookDelivery, error)
	// PruneDeliveries deletes at most limit attempts made before before
	// and returns how many.
	PruneDeliveries(ctx context.Context, before time.Time, limit int) (int64, error)
}

// WebhookColumns are the columns of table webhook a driver reads with
// WebhookRow, in order.
const WebhookColumns = `id, url, description, types, hotel_ids, secret, status, paused_reason, position,
       failed_attempts, failing_since, next_attempt_at, created_at, updated_at`

// WebhookRow scans a row of WebhookColumns.
type WebhookRow struct {
	W                     hotel.Webhook
	types, hotels         string
	failing, next, c, upd time.Time
}

// Dest returns the scan destinations of WebhookColumns.
func (r *WebhookRow) Dest() []any {
	w := &r.W
	return []any{&w.ID, &w.URL, &w.Description, &r.types, &r.hotels, &w.Secret, &w.Status, &w.PausedReason, &w.Position,
		&w.FailedAttempts, TimeDest(&r.failing), TimeDest(&r.next), TimeDest(&r.c), TimeDest(&r.upd)}
}

// Webhook returns the webhook scanned.
func (r *WebhookRow) Webhook() hotel.Webhook {
	w := r.W
	w.Types = []string{}
	if r.types != "" {
		w.Types = strings.Split(r.types, ",")
	}
	w.HotelIDs = SplitIDs(r.hotels)
	w.FailingSince, w.NextAttemptAt = optTime(r.failing), optTime(r.next)
	w.CreatedAt, w.UpdatedAt = r.c, r.upd
	return w
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// WebhookArgs are the values of w for the statements below: url,
// description, types, hotel_ids, status, paused_reason, position,
// failed_attempts, failing_since, next_attempt_at, and the time at.
func WebhookArgs(w hotel.Webhook, at time.Time) []any {
	var failing, next Timestamp
	if w.FailingSince != nil {
		failing = Timestamp(*w.FailingSince)
	}
	if w.NextAttemptAt != nil {
		next = Timestamp(*w.NextAttemptAt)
	}
	return []any{w.URL, w.Description, strings.Join(w.Types, ","), JoinIDs(w.HotelIDs), w.Status, w.PausedReason,
		w.Position, w.FailedAttempts, failing, next, Timestamp(at)}
}

// CreateWebhookSQL returns the insert of CreateWebhook: p(1)…p(11) are
// WebhookArgs, p(12) the secret.
func CreateWebhookSQL(p func(int) string) string {
	return `INSERT INTO webhook (url, description, types, hotel_ids, status, paused_reason, position, failed_attempts,
    failing_since, next_attempt_at, created_at, updated_at, secret)
VALUES (` + p(1) + `, ` + p(2) + `, ` + p(3) + `, ` + p(4) + `, ` + p(5) + `, ` + p(6) + `, ` + feedPosition(p(7)) + `, ` + p(8) + `, ` +
		p(9) + `, ` + p(10) + `, ` + p(11) + `, ` + p(11) + `, ` + p(12) + `)
RETURNING ` + WebhookColumns
}

// UpdateWebhookSQL returns the update of UpdateWebhook (position only with
// setPosition) or, with from, of SetWebhookState: p(1)…p(11) are
// WebhookArgs, p(12) the id, p(13) the position it must still be at.
func UpdateWebhookSQL(p func(int) string, setPosition, from bool) string {
	s := `UPDATE webhook SET url = ` + p(1) + `, description = ` + p(2) + `, types = ` + p(3) + `, hotel_ids = ` + p(4) +
		`, status = ` + p(5) + `, paused_reason = ` + p(6) + `, failed_attempts = ` + p(8) + `, failing_since = ` + p(9) +
		`, next_attempt_at = ` + p(10) + `, updated_at = ` + p(11)
	if from { // the dispatcher's: a position it read from the feed
		s += `, position = ` + p(7)
	} else if setPosition {
		s += `, position = ` + feedPosition(p(7))
	} else { // every argument is used: PostgreSQL types the placeholders from the statement
		s += `, position = CASE WHEN ` + p(7) + ` < 0 THEN 0 ELSE position END`
	}
	s += ` WHERE id = ` + p(12)
	if from {
		s += ` AND position = ` + p(13) + ` AND status = 'active'`
	}
	return s + ` RETURNING ` + WebhookColumns
}

// feedPosition is position pos, or the feed's end when pos is negative or
// beyond it.
func feedPosition(pos string) string {
	return `(SELECT CASE WHEN ` + pos + ` < 0 OR ` + pos + ` > coalesce(max(pos), 0) THEN coalesce(max(pos), 0) ELSE ` + pos + ` END FROM event)`
}

// DeliveryColumns are the columns of table webhook_delivery a driver reads
// into DeliveryDest, in order.
const DeliveryColumns = `id, webhook_id, message_id, event_type, trigger, attempt, delivered, status_code, error, duration_ms, attempted_at`

// DeliveryDest returns the scan destinations of DeliveryColumns.
func DeliveryDest(d *hotel.WebhookDelivery) []any {
	return []any{&d.ID, &d.WebhookID, &d.MessageID, &d.EventType, &d.Trigger, &d.Attempt, &d.Delivered, &d.StatusCode,
		&d.Error, &d.DurationMS, TimeDest(&d.AttemptedAt)}
}

// RecordDeliverySQL returns the insert of RecordDelivery: p(1)…p(10) are
// the columns after id, in DeliveryColumns' order.
func RecordDeliverySQL(p func(int) string) string {
	var vs []string
	for i := 1; i <= 10; i++ {
		vs = append(vs, p(i))
	}
	return `INSERT INTO webhook_delivery (` + strings.TrimPrefix(DeliveryColumns, "id, ") + `) VALUES (` + strings.Join(vs, ", ") + `) RETURNING id`
}

// DeliveryArgs are the values of RecordDeliverySQL.
func DeliveryArgs(d *hotel.WebhookDelivery) []any {
	return []any{d.WebhookID, d.MessageID, d.EventType, d.Trigger, d.Attempt, d.Delivered, d.StatusCode, d.Error, d.DurationMS, Timestamp(d.AttemptedAt)}
}

// ListDeliveriesSQL returns the query of ListDeliveries: p(1) the
// webhook, p(2) before (0: newest), p(3) the limit.
func ListDeliveriesSQL(p func(int) string) string {
	return `SELECT ` + DeliveryColumns + ` FROM webhook_delivery WHERE webhook_id = ` + p(1) + ` AND (` + p(2) + ` = 0 OR id < ` + p(2) + `)
ORDER BY id DESC LIMIT ` + p(3)
}

// PruneDeliveriesSQL returns the delete of PruneDeliveries: p(1) before,
// p(2) the limit.
func PruneDeliveriesSQL(p func(int) string) string {
	return `DELETE FROM webhook_delivery WHERE id IN (SELECT id FROM webhook_delivery WHERE attempted_at < ` + p(1) + ` ORDER BY id LIMIT ` + p(2) + `)`
}
