package devstack

import (
	"bytes"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

func TestWaitReadyNamesWhatIsNotReady(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c, err := client.NewLazyClient(client.Options{HostPort: addr, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	require.NoError(t, err)
	defer c.Close()

	var logs bytes.Buffer
	start := time.Now()
	err = waitReady(t.Context(), c, DefaultNamespace, readyQuiet+time.Second, slog.New(slog.NewTextHandler(&logs, nil)))
	require.ErrorContains(t, err, "the embedded Temporal server's frontend (health check) is not ready after 3s")
	require.Less(t, time.Since(start), readyQuiet+5*time.Second)
	require.Contains(t, logs.String(), `msg="waiting for the embedded Temporal server" for="frontend (health check)"`)
}
