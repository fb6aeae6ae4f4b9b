package app_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

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
