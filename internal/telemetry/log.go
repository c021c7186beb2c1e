// Package telemetry sets up the platform's logging (and, later, metrics and
// tracing) from configuration.
package telemetry

import (
	"io"
	"log/slog"
)

// NewLogger returns a slog logger writing format ("json" or "text") at level to w.
func NewLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
