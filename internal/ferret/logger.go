package ferret

import (
	"context"
	"log/slog"
	"strings"
)

// ferretLogs is a slog.Handler for FerretDB's own records. It drops records
// below min (FerretDB logs every connection at info level), and it drops the
// warn-level dumps FerretDB writes for every command that returns an error
// ("Response header: ...", "Response message: ..."): that error already goes
// back to the client that sent the command, and drivers send commands
// FerretDB lacks (endSessions) on every disconnect.
type ferretLogs struct {
	inner slog.Handler
	min   slog.Level
}

func (h ferretLogs) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.inner.Enabled(ctx, l)
}

func (h ferretLogs) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError && strings.HasPrefix(r.Message, "Response ") {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h ferretLogs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return ferretLogs{inner: h.inner.WithAttrs(attrs), min: h.min}
}

func (h ferretLogs) WithGroup(name string) slog.Handler {
	return ferretLogs{inner: h.inner.WithGroup(name), min: h.min}
}
