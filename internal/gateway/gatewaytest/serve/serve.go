// Package serve runs a gateway's NGINX and dnsmasq for tests and
// benchmarks. It stands apart from gatewaytest, which internal/gateway's
// own tests import, because it reads a gateway.Config.
package serve

import (
	"os"
	"testing"

	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
)

// Gateway runs NGINX and dnsmasq, until the test ends, on the files an
// apply with cfg wrote (its main files, prefix and pid files), as a
// gateway host runs them: in the foreground, dnsmasq logging to
// dnsmasqLog ("-" for its output). As root, dnsmasq keeps root to re-read
// the hosts files in the test's private directory on SIGHUP.
func Gateway(t testing.TB, tools gatewaytest.Tools, cfg gateway.Config, dnsmasqLog string) {
	t.Helper()
	gatewaytest.StartProcess(t, cfg.NginxPidFile(), tools.Nginx, "-p", cfg.Nginx.Prefix, "-c", cfg.NginxConf, "-g", "daemon off;")
	args := []string{"--keep-in-foreground", "--conf-file=" + cfg.DnsmasqConf, "--pid-file=" + cfg.DnsmasqPidFile,
		"--log-facility=" + dnsmasqLog}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	gatewaytest.StartProcess(t, cfg.DnsmasqPidFile, tools.Dnsmasq, args...)
}
