package containers

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
	"github.com/labforge/labforge/internal/gateway/gatewaytest/serve"
)

// gatewayHost is the site's gateway host on this machine: the directory
// its worker renders into and, unless render-only, NGINX and dnsmasq on
// free loopback ports, started on the files of the first apply as the
// dev stack starts them.
type gatewayHost struct {
	dir            string
	nginx, dnsmasq string // empty when render-only
	// why says why it is render-only.
	why                          string
	httpPort, httpsPort, dnsPort int
}

// newGatewayHost picks the ports (the settings need them even when
// nothing listens) and finds nginx, dnsmasq and NGINX's stream module
// unless renderOnly.
func newGatewayHost(tb testing.TB, renderOnly bool) *gatewayHost {
	tb.Helper()
	g := &gatewayHost{dir: tb.TempDir()}
	if err := os.MkdirAll(g.nginxPrefix(), 0o755); err != nil {
		tb.Fatal(err)
	}
	g.httpPort, g.httpsPort, g.dnsPort = gatewaytest.FreePort(tb, "127.0.0.1"), gatewaytest.FreePort(tb, "127.0.0.1"), gatewaytest.FreePort(tb, "127.0.0.1")
	if renderOnly {
		g.why = "render-only was asked for"
		return g
	}
	tools, missing := gatewaytest.Find()
	if len(missing) > 0 {
		g.why = fmt.Sprintf("%v not installed (%s)", missing, gatewaytest.InstallHint)
		return g
	}
	g.nginx, g.dnsmasq = tools.Nginx, tools.Dnsmasq
	return g
}

// renderOnly says whether the files are only written, not served.
func (g *gatewayHost) renderOnly() bool { return g.nginx == "" }

func (g *gatewayHost) nginxPrefix() string    { return filepath.Join(g.dir, "nginx") }
func (g *gatewayHost) dnsmasqPidFile() string { return filepath.Join(g.dir, "dnsmasq.pid") }

// dhcpHostsFile is the dhcp-hostsfile the gateway writes and the
// simulator's bridge reads (internal/app.GatewayConfig names it).
func (g *gatewayHost) dhcpHostsFile() string { return filepath.Join(g.dir, "dhcp-hosts") }

// hostsFile is the hosts file the gateway writes for dnsmasq.
func (g *gatewayHost) hostsFile() string { return filepath.Join(g.dir, "hosts") }

// env is the LABFORGE_GATEWAY_* settings of the site's gateway worker.
// DHCP is not served: the simulator reads the reservations itself.
func (g *gatewayHost) env() []string {
	nginx, dnsmasq, user := g.nginx, g.dnsmasq, gatewaytest.NginxUser()
	if g.renderOnly() {
		nginx, dnsmasq = "nginx", "dnsmasq"
	}
	if user == "" {
		user = "none"
	}
	return app.LoopbackGateway{Dir: g.dir, NginxPrefix: g.nginxPrefix(), DnsmasqPidFile: g.dnsmasqPidFile(),
		NginxBin: nginx, DnsmasqBin: dnsmasq, StreamModule: gatewaytest.StreamModule, NginxUser: user,
		HTTPPort: g.httpPort, HTTPSPort: g.httpsPort, DNSPort: g.dnsPort, RenderOnly: g.renderOnly()}.Env()
}

// start runs NGINX and dnsmasq, until tb ends, on the files an apply
// with cfg wrote; it does nothing when render-only.
func (g *gatewayHost) start(tb testing.TB, cfg gateway.Config) {
	tb.Helper()
	if g.renderOnly() {
		return
	}
	serve.Gateway(tb, gatewaytest.Tools{Nginx: g.nginx, Dnsmasq: g.dnsmasq}, cfg, filepath.Join(g.dir, "dnsmasq.log"))
}
