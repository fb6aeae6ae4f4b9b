package temporalx_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/internal/temporalx"
)

// deadAddress returns a loopback address on which nothing listens.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestDialUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	addr := deadAddress(t)
	start := time.Now()
	c, err := temporalx.Dial(ctx, temporalx.Options{Address: addr, Namespace: "default"})
	require.Error(t, err)
	require.Nil(t, c)
	require.Contains(t, err.Error(), "Temporal is unreachable at "+addr+" (LABFORGE_TEMPORAL_ADDRESS): ")
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestDialReadyAndMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	reg := prometheus.NewRegistry()
	opts := temporalx.Options{
		Address:   ts.GetFrontendHostPort(),
		Namespace: ts.GetDefaultNamespace(),
		Metrics:   reg,
	}
	c, err := temporalx.Dial(ctx, opts)
	require.NoError(t, err)
	defer c.Close()
	// A second client on the same registry (api and workers in one
	// process) must not collide with the first one's series.
	c2, err := temporalx.Dial(ctx, opts)
	require.NoError(t, err)
	defer c2.Close()

	_, err = temporalx.Dial(ctx, temporalx.Options{Address: ts.GetFrontendHostPort(), Namespace: "no-such-namespace"})
	require.ErrorContains(t, err, `Temporal namespace "no-such-namespace" (LABFORGE_TEMPORAL_NAMESPACE) is not usable: `)

	require.NoError(t, temporalx.Ready(ctx, c, ts.GetDefaultNamespace()))
	err = temporalx.Ready(ctx, c, "no-such-namespace")
	require.ErrorContains(t, err, `"no-such-namespace" (LABFORGE_TEMPORAL_NAMESPACE)`)

	require.Eventually(t, func() bool {
		families, err := reg.Gather()
		require.NoError(t, err)
		for _, f := range families {
			if strings.HasPrefix(f.GetName(), "temporal_") {
				return true
			}
		}
		return false
	}, 15*time.Second, 200*time.Millisecond, "no temporal_* series on the registry")
}
