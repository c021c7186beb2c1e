package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

// testWebhooks: a subscription round-trips; the dispatcher's state write
// holds only while nothing moved the subscription (one of two racing
// dispatchers wins); the delivery log pages newest first and is pruned and
// deleted with its subscription.
func testWebhooks(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	w := hotel.Webhook{URL: "https://pms.example.com/hooks", Description: "PMS", Types: []string{hotel.EventBookingCreated, hotel.EventARIChanged}, //nolint:gosec // a test's secret
		HotelIDs: []int64{7, 9}, Status: hotel.WebhookActive, Position: 3, Secret: "whsec_c2VjcmV0"}
	if err := s.CreateWebhook(ctx, &w); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetWebhook(ctx, w.ID)
	// Position 3 is beyond the (empty) feed's end: the subscription starts at its end.
	if err != nil || got.URL != w.URL || got.Secret != "whsec_c2VjcmV0" || len(got.Types) != 2 || len(got.HotelIDs) != 2 || got.HotelIDs[1] != 9 ||
		got.Position != 0 || got.Status != hotel.WebhookActive || got.FailingSince != nil || got.CreatedAt.IsZero() {
		t.Fatalf("GetWebhook = %+v, %v", got, err)
	}
	all := hotel.Webhook{URL: "https://dw.example.com/in", Status: hotel.WebhookActive}
	if err := s.CreateWebhook(ctx, &all); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListWebhooks(ctx); err != nil || len(list) != 2 || list[1].ID != all.ID || len(list[1].Types) != 0 || list[1].HotelIDs == nil {
		t.Fatalf("ListWebhooks = %+v, %v", list, err)
	}

	// A failure, then two dispatchers racing to move it on from 0.
	since := time.Now().UTC().Truncate(time.Millisecond)
	failed := got
	failed.FailedAttempts, failed.FailingSince, failed.NextAttemptAt = 1, &since, new(since.Add(time.Minute))
	if ok, err := s.SetWebhookState(ctx, failed, 0); !ok || err != nil {
		t.Fatalf("SetWebhookState(failure) = %v, %v", ok, err)
	}
	if got, _ := s.GetWebhook(ctx, w.ID); got.FailedAttempts != 1 || got.FailingSince == nil || !got.FailingSince.Equal(since) {
		t.Fatalf("after a failure: %+v", got)
	}
	moved := got
	moved.Position = 5
	results := make(chan bool, 2)
	for range 2 {
		go func() {
			ok, err := s.SetWebhookState(ctx, moved, 0)
			if err != nil {
				t.Error(err)
			}
			results <- ok
		}()
	}
	if a, b := <-results, <-results; a == b {
		t.Fatalf("two dispatchers moving from 0: %v and %v; want exactly one", a, b)
	}
	if got, _ := s.GetWebhook(ctx, w.ID); got.Position != 5 || got.FailedAttempts != 0 || got.FailingSince != nil {
		t.Fatalf("after delivering: %+v", got)
	}

	// An admin pauses it: the dispatcher's write no longer holds.
	paused := moved
	paused.Status, paused.PausedReason, paused.Description = hotel.WebhookPaused, "paused by an admin", "PMS (paused)"
	paused.Position = 1 // not written without setPosition
	up, err := s.UpdateWebhook(ctx, paused, false)
	if err != nil || up.Status != hotel.WebhookPaused || up.Position != 5 || up.Description != "PMS (paused)" {
		t.Fatalf("UpdateWebhook = %+v, %v", up, err)
	}
	if ok, err := s.SetWebhookState(ctx, moved, 5); ok || err != nil {
		t.Fatalf("SetWebhookState on a paused subscription = %v, %v; want false", ok, err)
	}
	if up, err := s.UpdateWebhook(ctx, paused, true); err != nil || up.Position != 0 { // beyond the feed: its end
		t.Fatalf("UpdateWebhook(setPosition) = %+v, %v", up, err)
	}
	if _, err := s.UpdateWebhook(ctx, hotel.Webhook{ID: 1 << 40, URL: "https://x.example", Status: hotel.WebhookActive}, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateWebhook(missing) = %v; want ErrNotFound", err)
	}

	// The delivery log.
	old := time.Now().Add(-48 * time.Hour).UTC()
	for i := range 5 {
		d := hotel.WebhookDelivery{WebhookID: w.ID, MessageID: "12", EventType: hotel.EventBookingCreated, Trigger: "feed", Attempt: i + 1,
			Delivered: i == 4, StatusCode: 500, Error: "HTTP 500", DurationMS: 12, AttemptedAt: old.Add(time.Duration(i) * time.Hour)}
		if i == 4 {
			d.StatusCode, d.Error, d.AttemptedAt = 204, "", time.Now().UTC()
		}
		if err := s.RecordDelivery(ctx, &d); err != nil || d.ID == 0 {
			t.Fatalf("RecordDelivery = %v (id %d)", err, d.ID)
		}
	}
	page, err := s.ListDeliveries(ctx, w.ID, 0, 2)
	if err != nil || len(page) != 2 || !page[0].Delivered || page[0].Attempt != 5 || page[1].Attempt != 4 || page[1].Error != "HTTP 500" {
		t.Fatalf("ListDeliveries = %+v, %v", page, err)
	}
	if rest, err := s.ListDeliveries(ctx, w.ID, page[1].ID, 10); err != nil || len(rest) != 3 || rest[0].Attempt != 3 {
		t.Fatalf("ListDeliveries(before) = %+v, %v", rest, err)
	}
	if n, err := s.PruneDeliveries(ctx, time.Now().Add(-time.Hour), 100); err != nil || n != 4 {
		t.Fatalf("PruneDeliveries = %d, %v; want 4", n, err)
	}
	if err := s.DeleteWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetWebhook(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetWebhook after delete: %v", err)
	}
	if left, err := s.ListDeliveries(ctx, w.ID, 0, 10); err != nil || len(left) != 0 {
		t.Fatalf("the log outlived its subscription: %+v, %v", left, err)
	}
	if err := s.DeleteWebhook(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteWebhook twice: %v", err)
	}
}
