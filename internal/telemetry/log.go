// Package telemetry holds the platform's logging (with PII redaction) and
// metrics.
package telemetry

import (
	"io"
	"log/slog"
)

// NewLogger returns a slog logger writing format ("json" or "text") at
// level to w, with personal data and secrets redacted (see Redacting).
func NewLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(Redacting(slog.NewTextHandler(w, opts)))
	}
	return slog.New(Redacting(slog.NewJSONHandler(w, opts)))
}
