package devstack

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

func TestServerLoggerFloorAndSilence(t *testing.T) {
	var buf bytes.Buffer
	l := newServerLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), slog.LevelWarn)

	l.Info("chatty", tag.NewStringTag("k", "v"))
	require.Empty(t, buf.String(), "info must be dropped")

	log.With(l, tag.NewStringTag("service", "history")).Warn("shard lost", tag.Error(errTest))
	require.Contains(t, buf.String(), `level=WARN msg="shard lost" component=temporal service=history error=boom`)

	buf.Reset()
	l.SLog().Info("also chatty")
	l.SLog().Error("slog path")
	require.NotContains(t, buf.String(), "also chatty")
	require.Contains(t, buf.String(), "slog path")

	buf.Reset()
	l.silence()
	l.Error("while stopping")
	log.With(l, tag.NewStringTag("a", "b")).Error("derived while stopping")
	require.Empty(t, buf.String(), "a silenced logger writes nothing")
}

var errTest = errors.New("boom")
