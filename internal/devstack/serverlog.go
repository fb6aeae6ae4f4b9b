package devstack

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// serverLogger writes the embedded Temporal server's logs to slog. Its
// handler drops records below a floor, because the server is very chatty at
// info, and drops everything once silenced, because a stopping server
// reports every connection it loses between its own services.
type serverLogger struct {
	l      *slog.Logger
	silent *atomic.Bool
}

var (
	_ log.Logger      = serverLogger{}
	_ log.WithLogger  = serverLogger{}
	_ log.SLogWrapper = serverLogger{}
)

// newServerLogger returns a server logger over l that keeps records at min
// or above; a nil l discards everything.
func newServerLogger(l *slog.Logger, min slog.Level) serverLogger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	silent := new(atomic.Bool)
	floor := levelFloor{h: l.Handler(), min: min, silent: silent}
	return serverLogger{l: slog.New(floor).With(slog.String("component", "temporal")), silent: silent}
}

// silence drops every later record of this logger and those derived from it.
func (s serverLogger) silence() { s.silent.Store(true) }

// unsilence lets records through again, for this logger and those derived from it.
func (s serverLogger) unsilence() { s.silent.Store(false) }

func (s serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	if !s.l.Enabled(context.Background(), level) {
		return
	}
	s.l.LogAttrs(context.Background(), level, msg, attrs(tags)...)
}

// attrs converts tags to slog attributes; only called for kept records,
// because a tag's Value encodes it.
func attrs(tags []tag.Tag) []slog.Attr {
	out := make([]slog.Attr, 0, len(tags))
	for _, t := range tags {
		out = append(out, slog.Any(t.Key(), t.Value()))
	}
	return out
}

func (s serverLogger) Debug(msg string, tags ...tag.Tag)  { s.log(slog.LevelDebug, msg, tags) }
func (s serverLogger) Info(msg string, tags ...tag.Tag)   { s.log(slog.LevelInfo, msg, tags) }
func (s serverLogger) Warn(msg string, tags ...tag.Tag)   { s.log(slog.LevelWarn, msg, tags) }
func (s serverLogger) Error(msg string, tags ...tag.Tag)  { s.log(slog.LevelError, msg, tags) }
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }

// Panic logs and panics, as the server expects of it.
func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(msg)
}

// Fatal logs and exits the process, as the server expects of it.
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	os.Exit(1)
}

// With returns a logger that adds tags to every record.
func (s serverLogger) With(tags ...tag.Tag) log.Logger {
	args := make([]any, 0, len(tags))
	for _, a := range attrs(tags) {
		args = append(args, a)
	}
	return serverLogger{l: s.l.With(args...), silent: s.silent}
}

// SLog gives the server's own slog users (log.NewSlogLogger) the same
// logger, level floor included.
func (s serverLogger) SLog() *slog.Logger { return s.l }

// levelFloor is a slog.Handler that drops records below min, and all records
// while silent (if not nil) is set.
type levelFloor struct {
	h      slog.Handler
	min    slog.Level
	silent *atomic.Bool
}

func (f levelFloor) Enabled(ctx context.Context, level slog.Level) bool {
	if f.silent != nil && f.silent.Load() {
		return false
	}
	return level >= f.min && f.h.Enabled(ctx, level)
}

func (f levelFloor) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }

func (f levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFloor{h: f.h.WithAttrs(as), min: f.min, silent: f.silent}
}

func (f levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{h: f.h.WithGroup(name), min: f.min, silent: f.silent}
}
