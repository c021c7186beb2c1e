package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// Input is a subscription as an admin registers or changes it (PATCH:
// the fields given).
type Input struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Types       *[]string `json:"types"`
	HotelIDs    *[]int64  `json:"hotel_ids"`
	// Secret is a signing secret of the admin's (whsec_ and base64 of 24
	// to 64 bytes); none: one is made. Only when registering.
	Secret *string `json:"secret"`
	// After is the feed position to deliver after: "0" replays the feed
	// from the start of retention; none: only events from now on. Only
	// when registering (later: Rewind).
	After *string `json:"after"`
	// Status pauses ("paused") or resumes ("active") the subscription.
	// Only when changing it.
	Status *string `json:"status"`
}

// Limits of a subscription.
const (
	MaxHotels      = 100
	MaxDescription = 500
	// MaxWebhooks bounds the subscriptions of a deployment: each is
	// followed by its own reader of the feed.
	MaxWebhooks = 100
)

func notFound(id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "No webhook subscription has id %d.", id)
}

func (s *Service) storeError(err error, id int64) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return notFound(id)
	}
	return &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "Webhook subscriptions are unavailable; try again shortly.", Err: err}
}

// apply checks in and writes it onto w, creating (every field allowed,
// url required) or changing.
func (s *Service) apply(ctx context.Context, w *hotel.Webhook, in Input, creating bool) error {
	var v hotel.Validation
	if in.URL != nil || creating {
		w.URL = deref(in.URL)
		s.checkURL(ctx, w.URL, &v)
	}
	if in.Description != nil {
		w.Description = strings.TrimSpace(*in.Description)
		if len(w.Description) > MaxDescription {
			v.Add("description", fmt.Sprintf("must be at most %d characters", MaxDescription))
		}
	}
	if in.Types != nil {
		w.Types = []string{}
		for _, t := range *in.Types {
			if !slices.Contains(hotel.EventTypes, t) {
				v.Add("types", fmt.Sprintf("%q is not an event type; types: %s", hotel.Clip(t, 40), strings.Join(hotel.EventTypes, ", ")))
				break
			}
			if !slices.Contains(w.Types, t) {
				w.Types = append(w.Types, t)
			}
		}
	}
	if in.HotelIDs != nil {
		w.HotelIDs = []int64{}
		for _, id := range *in.HotelIDs {
			if id <= 0 {
				v.Add("hotel_ids", "must be hotel ids (positive integers)")
				break
			}
			if !slices.Contains(w.HotelIDs, id) {
				w.HotelIDs = append(w.HotelIDs, id)
			}
		}
		if len(w.HotelIDs) > MaxHotels {
			v.Add("hotel_ids", fmt.Sprintf("must name at most %d hotels (none: every hotel)", MaxHotels))
		}
	}
	switch {
	case in.Secret != nil && !creating:
		v.Add("secret", "is set when the subscription is registered; register a new one to change it")
	case in.Secret != nil:
		if _, ok := secretKey(*in.Secret); !ok {
			v.Add("secret", "must be whsec_ followed by the base64 of 24 to 64 bytes (none: one is made for you)")
		}
		w.Secret = *in.Secret
	case creating:
		w.Secret = NewSecret()
	}
	switch {
	case in.After != nil && !creating:
		v.Add("after", "is set when the subscription is registered; to deliver again from a position, POST …/redeliver")
	case in.After != nil:
		pos, err := strconv.ParseInt(*in.After, 10, 64)
		if err != nil || pos < 0 {
			v.Add("after", `must be an event id, or "0" for the start of the feed`)
		}
		w.Position = pos
	case creating:
		w.Position = -1 // the feed's end
	}
	if in.Status != nil {
		switch {
		case creating:
			v.Add("status", "is active when registered; pause it with PATCH")
		case *in.Status == hotel.WebhookActive:
			if w.Status != hotel.WebhookActive {
				w.Status, w.PausedReason = hotel.WebhookActive, ""
				clearFailure(w)
			}
		case *in.Status == hotel.WebhookPaused:
			if w.Status != hotel.WebhookPaused {
				w.Status, w.PausedReason = hotel.WebhookPaused, "paused by an admin"
			}
		default:
			v.Add("status", `must be "active" or "paused"`)
		}
	}
	return v.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// clearFailure forgets w's failed attempts.
func clearFailure(w *hotel.Webhook) {
	w.FailedAttempts, w.FailingSince, w.NextAttemptAt = 0, nil, nil
}

// Create registers a subscription and returns it with its secret.
// Errors: EINVALID, ECONFLICT (too many subscriptions).
func (s *Service) Create(ctx context.Context, in Input) (hotel.Webhook, error) {
	w := hotel.Webhook{Status: hotel.WebhookActive, Types: []string{}, HotelIDs: []int64{}}
	if err := s.apply(ctx, &w, in, true); err != nil {
		return hotel.Webhook{}, err
	}
	all, err := s.st.ListWebhooks(ctx)
	if err != nil {
		return hotel.Webhook{}, s.storeError(err, 0)
	}
	if len(all) >= MaxWebhooks {
		return hotel.Webhook{}, hotel.Errorf(hotel.ECONFLICT, "A deployment has at most %d webhook subscriptions; delete one first.", MaxWebhooks)
	}
	if _, err := s.feed.Publish(ctx); err != nil { // the feed's end includes what has committed
		return hotel.Webhook{}, err
	}
	err = s.st.CreateWebhook(ctx, &w)
	return w, s.storeError(err, 0)
}

// Get returns subscription id without its secret. Errors: ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (hotel.Webhook, error) {
	w, err := s.st.GetWebhook(ctx, id)
	w.Secret = ""
	return w, s.storeError(err, id)
}

// List returns every subscription, without secrets.
func (s *Service) List(ctx context.Context) ([]hotel.Webhook, error) {
	ws, err := s.st.ListWebhooks(ctx)
	for i := range ws {
		ws[i].Secret = ""
	}
	if ws == nil {
		ws = []hotel.Webhook{}
	}
	return ws, s.storeError(err, 0)
}

// Update changes subscription id (its position stays). Errors: ENOTFOUND,
// EINVALID.
func (s *Service) Update(ctx context.Context, id int64, in Input) (hotel.Webhook, error) {
	w, err := s.st.GetWebhook(ctx, id)
	if err != nil {
		return hotel.Webhook{}, s.storeError(err, id)
	}
	if err := s.apply(ctx, &w, in, false); err != nil {
		return hotel.Webhook{}, err
	}
	w, err = s.st.UpdateWebhook(ctx, w, false)
	w.Secret = ""
	return w, s.storeError(err, id)
}

// Delete deletes subscription id and its delivery log. Errors: ENOTFOUND.
func (s *Service) Delete(ctx context.Context, id int64) error {
	err := s.st.DeleteWebhook(ctx, id)
	if err == nil {
		s.m.forget(id)
	}
	return s.storeError(err, id)
}

// Deliveries returns at most limit attempts of subscription id with ids
// below before (0: the newest), newest first. Errors: ENOTFOUND.
func (s *Service) Deliveries(ctx context.Context, id, before int64, limit int) ([]hotel.WebhookDelivery, error) {
	if _, err := s.st.GetWebhook(ctx, id); err != nil {
		return nil, s.storeError(err, id)
	}
	ds, err := s.st.ListDeliveries(ctx, id, before, limit)
	if ds == nil {
		ds = []hotel.WebhookDelivery{}
	}
	return ds, s.storeError(err, id)
}

// Rewind makes subscription id deliver again every selected event after
// position after (or skip to it), resuming it if paused. Errors:
// ENOTFOUND.
func (s *Service) Rewind(ctx context.Context, id, after int64) (hotel.Webhook, error) {
	w, err := s.st.GetWebhook(ctx, id)
	if err != nil {
		return hotel.Webhook{}, s.storeError(err, id)
	}
	w.Position, w.Status, w.PausedReason = after, hotel.WebhookActive, ""
	clearFailure(&w)
	w, err = s.st.UpdateWebhook(ctx, w, true)
	w.Secret = ""
	return w, s.storeError(err, id)
}

// Redeliver delivers event eventID to subscription id once, now (whatever
// its position and status), records the attempt and returns it. Errors:
// ENOTFOUND (the subscription; an event not in the feed), EINVALID (an
// event the subscription does not select).
func (s *Service) Redeliver(ctx context.Context, id, eventID int64) (hotel.WebhookDelivery, error) {
	w, err := s.st.GetWebhook(ctx, id)
	if err != nil {
		return hotel.WebhookDelivery{}, s.storeError(err, id)
	}
	evs, err := s.feed.Read(ctx, hotel.EventFilter{After: eventID - 1, Limit: 1}, 0)
	if err != nil {
		return hotel.WebhookDelivery{}, err
	}
	if len(evs) == 0 || evs[0].ID != strconv.FormatInt(eventID, 10) {
		return hotel.WebhookDelivery{}, hotel.Errorf(hotel.ENOTFOUND, "Event %d is not in the feed (not yet written, or older than its retention).", eventID)
	}
	if !selects(w, evs[0]) {
		return hotel.WebhookDelivery{}, &hotel.Error{Code: hotel.EINVALID, Message: "The request has invalid fields.",
			Fields: []hotel.FieldError{{Field: "event_id", Reason: "is not an event this subscription selects (its types and hotels)"}}}
	}
	return s.record(ctx, w, evs[0], "redelivery", 1)
}

// Test sends subscription id a ping (type webhook.test), records the
// attempt and returns it. Errors: ENOTFOUND.
func (s *Service) Test(ctx context.Context, id int64) (hotel.WebhookDelivery, error) {
	w, err := s.st.GetWebhook(ctx, id)
	if err != nil {
		return hotel.WebhookDelivery{}, s.storeError(err, id)
	}
	data, _ := json.Marshal(map[string]int64{"webhook_id": w.ID})
	ping := hotel.Event{ID: pingID(), Type: hotel.EventWebhookTest, Time: s.opts.Now().UTC(), Subject: "webhook/" + strconv.FormatInt(w.ID, 10),
		Data: data}
	return s.record(ctx, w, ping, "test", 1)
}

// record sends e to w and stores the attempt.
func (s *Service) record(ctx context.Context, w hotel.Webhook, e hotel.Event, trigger string, attempt int) (hotel.WebhookDelivery, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return hotel.WebhookDelivery{}, err
	}
	d := s.send(ctx, w, e.ID, e.Type, trigger, attempt, body)
	if err := s.st.RecordDelivery(context.WithoutCancel(ctx), &d); err != nil {
		return d, s.storeError(err, w.ID)
	}
	return d, nil
}

// selects says whether w selects e (its types and hotels).
func selects(w hotel.Webhook, e hotel.Event) bool {
	return (len(w.Types) == 0 || slices.Contains(w.Types, e.Type)) && (len(w.HotelIDs) == 0 || slices.Contains(w.HotelIDs, e.HotelID))
}

// backoff is the delay after the n-th failed attempt: FirstRetry doubled
// n-1 times, at most MaxRetryDelay.
func (s *Service) backoff(n int) time.Duration {
	d := s.opts.FirstRetry
	for i := 1; i < n && d < s.opts.MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxRetryDelay)
}
