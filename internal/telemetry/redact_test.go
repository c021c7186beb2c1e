package telemetry_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/telemetry"
)

// guestRecord is a request-like value with PII in nested places.
type guestRecord struct {
	GuestName string            `json:"guest_name"`
	Hotel     int64             `json:"hotel_id"`
	Party     map[string]string `json:"party"`
	Contact   struct {
		Token string `json:"access_token"`
		City  string `json:"city"`
	} `json:"contact"`
}

type valuer struct{ name string }

func (v valuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("guest_name", v.name), slog.Int("nights", 3))
}

func TestRedacting(t *testing.T) {
	t.Parallel()
	const name, token = "Philippa Quernmore", "bt_0190_secretsecret"
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		log := telemetry.NewLogger(&buf, format, slog.LevelDebug)
		rec := guestRecord{GuestName: name, Hotel: 111, Party: map[string]string{"guest": name, "meal_plan": "BB"}}
		rec.Contact.Token, rec.Contact.City = token, "Leeds"
		log.Debug("top level", "guest_name", name, "Authorization", "Bearer "+token, "hotel_id", 111, "Idempotency-Key", "0f8fad5b-secretsecret") // gitleaks:allow (a test value)
		log.Info("grouped", slog.Group("booking", slog.String("guest_name", name), slog.Group("deeper", slog.String("access_token", token))))
		log.With("guest_name", name).With(slog.Group("req", "token", token)).Warn("with attrs")
		log.Info("valuer", "booking", valuer{name})
		log.Info("struct", "request", rec, "pointer", &rec)
		log.Info("map", "body", map[string]any{"guest_name": name, "nested": map[string]any{"GuestName": name}, "list": []any{map[string]any{"guest": name}}})
		log.Error("error value", "err", errors.New("boom"))
		log.Info("booking", "b", hotel.Booking{ID: "b1", GuestName: name, AccessToken: token})
		out := buf.String()
		for _, leak := range []string{name, "Philippa", token, "secretsecret"} {
			if strings.Contains(out, leak) {
				t.Fatalf("%s: %q reached the log:\n%s", format, leak, out)
			}
		}
		for _, kept := range []string{"Leeds", "BB", "111", "boom", "nights", "b1", hotel.Redacted} {
			if !strings.Contains(out, kept) {
				t.Fatalf("%s: %q missing from the log (redaction took too much):\n%s", format, kept, out)
			}
		}
	}
}
