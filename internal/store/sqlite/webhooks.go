package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Webhook subscriptions and their delivery log (store.Webhooks).

func numbered(i int) string { return "?" + strconv.Itoa(i) }

// CreateWebhook inserts a subscription.
func (s *Store) CreateWebhook(ctx context.Context, w *hotel.Webhook) error {
	var r store.WebhookRow
	args := append(store.WebhookArgs(*w, time.Now()), w.Secret)
	if err := s.w.QueryRowContext(ctx, store.CreateWebhookSQL(numbered), args...).Scan(r.Dest()...); err != nil {
		return translate(err)
	}
	*w = r.Webhook()
	return nil
}

// GetWebhook reads a subscription.
func (s *Store) GetWebhook(ctx context.Context, id int64) (hotel.Webhook, error) {
	var r store.WebhookRow
	err := s.r.QueryRowContext(ctx, `SELECT `+store.WebhookColumns+` FROM webhook WHERE id = ?`, id).Scan(r.Dest()...)
	return r.Webhook(), translate(err)
}

// ListWebhooks reads every subscription.
func (s *Store) ListWebhooks(ctx context.Context) ([]hotel.Webhook, error) {
	var (
		r   store.WebhookRow
		out []hotel.Webhook
	)
	err := each(ctx, s.r, r.Dest(), func() error {
		out = append(out, r.Webhook())
		return nil
	}, `SELECT `+store.WebhookColumns+` FROM webhook ORDER BY id`)
	return out, translate(err)
}

// UpdateWebhook writes an admin's change.
func (s *Store) UpdateWebhook(ctx context.Context, w hotel.Webhook, setPosition bool) (hotel.Webhook, error) {
	var r store.WebhookRow
	args := append(store.WebhookArgs(w, time.Now()), w.ID)
	err := s.w.QueryRowContext(ctx, store.UpdateWebhookSQL(numbered, setPosition, false), args...).Scan(r.Dest()...)
	return r.Webhook(), translate(err)
}

// DeleteWebhook deletes a subscription and its log.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhook WHERE id = ?`, id)
	if err != nil {
		return translate(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return translate(errors.Join(err, sql.ErrNoRows))
	}
	return nil
}

// SetWebhookState writes the dispatcher's state if nothing moved it.
func (s *Store) SetWebhookState(ctx context.Context, w hotel.Webhook, from int64) (bool, error) {
	var r store.WebhookRow
	args := append(store.WebhookArgs(w, time.Now()), w.ID, from)
	err := s.w.QueryRowContext(ctx, store.UpdateWebhookSQL(numbered, true, true), args...).Scan(r.Dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, translate(err)
}

// RecordDelivery appends to the delivery log.
func (s *Store) RecordDelivery(ctx context.Context, d *hotel.WebhookDelivery) error {
	return translate(s.w.QueryRowContext(ctx, store.RecordDeliverySQL(numbered), store.DeliveryArgs(d)...).Scan(&d.ID))
}

// ListDeliveries reads the delivery log, newest first.
func (s *Store) ListDeliveries(ctx context.Context, id, before int64, limit int) ([]hotel.WebhookDelivery, error) {
	var (
		d   hotel.WebhookDelivery
		out []hotel.WebhookDelivery
	)
	err := each(ctx, s.r, store.DeliveryDest(&d), func() error {
		out = append(out, d)
		return nil
	}, store.ListDeliveriesSQL(numbered), id, before, limit)
	return out, translate(err)
}

// PruneDeliveries deletes old attempts.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int64, error) {
	res, err := s.w.ExecContext(ctx, store.PruneDeliveriesSQL(numbered), store.Timestamp(before), limit)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}
