package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Webhook subscriptions and their delivery log (store.Webhooks).

// webhookArg is placeholder i of the webhook statements, typed.
func webhookArg(i int) string {
	return "$" + strconv.Itoa(i) + [...]string{"", "::text", "::text", "::text", "::text", "::text", "::text", "::bigint",
		"::integer", "::timestamptz", "::timestamptz", "::timestamptz", "", "::bigint"}[i]
}

// placeholder is placeholder i of a statement shared with the SQLite driver.
func placeholder(i int) string { return "$" + strconv.Itoa(i) }

// CreateWebhook inserts a subscription.
func (s *Store) CreateWebhook(ctx context.Context, w *hotel.Webhook) error {
	var r store.WebhookRow
	args := append(store.WebhookArgs(*w, time.Now()), w.Secret)
	if err := s.pool.QueryRow(ctx, store.CreateWebhookSQL(webhookArg), args...).Scan(r.Dest()...); err != nil {
		return translate(err)
	}
	*w = r.Webhook()
	return nil
}

// GetWebhook reads a subscription.
func (s *Store) GetWebhook(ctx context.Context, id int64) (hotel.Webhook, error) {
	var r store.WebhookRow
	err := s.pool.QueryRow(ctx, `SELECT `+store.WebhookColumns+` FROM webhook WHERE id = $1`, id).Scan(r.Dest()...)
	return r.Webhook(), translate(err)
}

// ListWebhooks reads every subscription.
func (s *Store) ListWebhooks(ctx context.Context) ([]hotel.Webhook, error) {
	var (
		r   store.WebhookRow
		out []hotel.Webhook
	)
	err := each(ctx, s.pool, r.Dest(), func() error {
		out = append(out, r.Webhook())
		return nil
	}, `SELECT `+store.WebhookColumns+` FROM webhook ORDER BY id`)
	return out, translate(err)
}

// UpdateWebhook writes an admin's change.
func (s *Store) UpdateWebhook(ctx context.Context, w hotel.Webhook, setPosition bool) (hotel.Webhook, error) {
	var r store.WebhookRow
	args := append(store.WebhookArgs(w, time.Now()), w.ID)
	err := s.pool.QueryRow(ctx, store.UpdateWebhookSQL(webhookArg, setPosition, false), args...).Scan(r.Dest()...)
	return r.Webhook(), translate(err)
}

// DeleteWebhook deletes a subscription and its log.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhook WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err)
}

// SetWebhookState writes the dispatcher's state if nothing moved it.
func (s *Store) SetWebhookState(ctx context.Context, w hotel.Webhook, from int64) (bool, error) {
	var r store.WebhookRow
	args := append(store.WebhookArgs(w, time.Now()), w.ID, from)
	err := s.pool.QueryRow(ctx, store.UpdateWebhookSQL(webhookArg, true, true), args...).Scan(r.Dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, translate(err)
}

// RecordDelivery appends to the delivery log.
func (s *Store) RecordDelivery(ctx context.Context, d *hotel.WebhookDelivery) error {
	return translate(s.pool.QueryRow(ctx, store.RecordDeliverySQL(placeholder), store.DeliveryArgs(d)...).Scan(&d.ID))
}

// ListDeliveries reads the delivery log, newest first.
func (s *Store) ListDeliveries(ctx context.Context, id, before int64, limit int) ([]hotel.WebhookDelivery, error) {
	var (
		d   hotel.WebhookDelivery
		out []hotel.WebhookDelivery
	)
	err := each(ctx, s.pool, store.DeliveryDest(&d), func() error {
		out = append(out, d)
		return nil
	}, store.ListDeliveriesSQL(func(i int) string { return "$" + strconv.Itoa(i) + "::bigint" }), id, before, limit)
	return out, translate(err)
}

// PruneDeliveries deletes old attempts.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int64, error) {
	tag, err := s.pool.Exec(ctx, store.PruneDeliveriesSQL(placeholder), before, limit)
	return tag.RowsAffected(), translate(err)
}
