package ferret

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFerretLogsFilters(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(ferretLogs{inner: slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), min: slog.LevelWarn})

	l.Info("Connection started")
	l.Warn("Response header: length: 121")
	l.Warn("Failed to accept connection")
	l.Error("Response message: closing connection")

	out := buf.String()
	assert.NotContains(t, out, "Connection started")
	assert.NotContains(t, out, "length: 121")
	assert.Contains(t, out, "Failed to accept connection")
	assert.Contains(t, out, "closing connection")
}
