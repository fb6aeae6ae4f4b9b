package app_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/gateway"
)

func TestGatewayConfigFromTheSettings(t *testing.T) {
	cfg := config.Default()
	gc := app.GatewayConfig(cfg, nil)
	require.Equal(t, "/etc/labforge-gateway/nginx.conf", gc.NginxConf)
	require.Equal(t, "/etc/labforge-gateway/dhcp-hosts", gc.Dnsmasq.DHCPHostsFile)
	require.Equal(t, "0.0.0.0:443", gc.Nginx.TLSListen)
	require.True(t, gc.Dnsmasq.DHCP)
	_, err := gateway.New(gc)
	require.NoError(t, err, "the defaults make a usable gateway")

	cfg, err = config.LoadFrom([]string{"LABFORGE_GATEWAY_DIR=" + filepath.Join(t.TempDir(), "gw"),
		"LABFORGE_GATEWAY_HTTPS_LISTEN=none", "LABFORGE_GATEWAY_NGINX_STREAM_MODULE=none", "LABFORGE_GATEWAY_NGINX_USER=none"})
	require.NoError(t, err)
	gc = app.GatewayConfig(cfg, nil)
	require.Empty(t, gc.Nginx.TLSListen)
	require.Empty(t, gc.Nginx.StreamModule)
	require.Empty(t, gc.Nginx.User)
}

func TestGatewayWorkerNeedsTemporalOnly(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	cfg, err := config.LoadFrom([]string{
		"LABFORGE_TEMPORAL_ADDRESS=" + ts.GetFrontendHostPort(),
		"LABFORGE_TEMPORAL_NAMESPACE=" + ts.GetDefaultNamespace(),
		"LABFORGE_DATABASE_URL=postgres://nobody@127.0.0.1:1/none", // never dialled
		"LABFORGE_GATEWAY_DIR=" + t.TempDir(),
		"LABFORGE_GATEWAY_NGINX_PREFIX=" + t.TempDir(),
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	queues := []string{"gateway.lab-a"}
	require.True(t, app.GatewayOnly(queues))
	p, err := app.ConnectGateway(ctx, cfg, logger)
	require.NoError(t, err)
	defer p.Close()

	ws, err := p.StartWorkers(queues)
	require.NoError(t, err, "a gateway worker polls without PostgreSQL or MongoDB")
	ws.Stop()

	require.False(t, app.GatewayOnly([]string{"gateway.lab-a", "core"}))
	_, err = p.StartWorkers([]string{"gateway.lab-a", "core"})
	require.ErrorContains(t, err, "queue core needs PostgreSQL and MongoDB")
}
