package app

import (
	"io"
	"log/slog"

	"github.com/labforge/labforge/internal/config"
)

// NewLogger returns the process logger: text or JSON lines at the
// configured level.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.SlogLevel()}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
