package hotel

import "time"

// Webhook is a subscription to the event feed: the events it selects are
// POSTed to URL one by one, in feed order, signed with its secret as the
// Standard Webhooks specification says, until the receiver answers 2xx.
type Webhook struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Description string `json:"description"`
	// Types and HotelIDs select the events (none: every type, every hotel).
	Types    []string `json:"types"`
	HotelIDs []int64  `json:"hotel_ids"`
	// Status is WebhookActive or WebhookPaused (by an admin, or after
	// failing for the whole retry period: PausedReason says which).
	Status       string `json:"status"`
	PausedReason string `json:"paused_reason,omitempty"`
	// Position is the feed position delivered up to: the next delivery is
	// of the first selected event after it.
	Position int64 `json:"position,string"`
	// FailedAttempts counts the failed attempts at the next event since
	// FailingSince; NextAttemptAt is when it is tried again.
	FailedAttempts int        `json:"failed_attempts"`
	FailingSince   *time.Time `json:"failing_since,omitempty"`
	NextAttemptAt  *time.Time `json:"next_attempt_at,omitempty"`
	// Secret is the signing secret (whsec_ and base64), shown when the
	// subscription is created and never again.
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// The states of a webhook subscription.
const (
	WebhookActive = "active"
	WebhookPaused = "paused"
)

// WebhookDelivery is one attempt to deliver an event (or a test ping) to a
// webhook subscription, as its delivery log shows it. The receiver's
// response body is never kept.
type WebhookDelivery struct {
	ID        int64  `json:"id"`
	WebhookID int64  `json:"webhook_id"`
	MessageID string `json:"message_id"` // the webhook-id header: the event's id, the same on every attempt
	EventType string `json:"event_type"`
	// Trigger is "feed" (the feed's order), "redelivery" (asked for by an
	// admin) or "test" (a ping).
	Trigger     string    `json:"trigger"`
	Attempt     int       `json:"attempt"`
	Delivered   bool      `json:"delivered"`
	StatusCode  int       `json:"status_code,omitempty"`
	Error       string    `json:"error,omitempty"`
	DurationMS  int64     `json:"duration_ms"`
	AttemptedAt time.Time `json:"attempted_at"`
}

// EventWebhookTest is the type of a webhook's test ping.
const EventWebhookTest = "webhook.test"
