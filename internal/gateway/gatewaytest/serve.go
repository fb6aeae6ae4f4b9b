package gatewaytest

import (
	"os"
	"testing"

	"github.com/labforge/labforge/internal/gateway"
)

// Serve runs NGINX and dnsmasq, until the test ends, on the files an
// apply with cfg wrote (its main files, prefix and pid files), as a
// gateway host runs them: in the foreground, dnsmasq logging to
// dnsmasqLog ("-" for its output). As root, dnsmasq keeps root to re-read
// the hosts files in the test's private directory on SIGHUP.
func Serve(t testing.TB, tools Tools, cfg gateway.Config, dnsmasqLog string) {
	t.Helper()
	StartProcess(t, cfg.NginxPidFile(), tools.Nginx, "-p", cfg.Nginx.Prefix, "-c", cfg.NginxConf, "-g", "daemon off;")
	args := []string{"--keep-in-foreground", "--conf-file=" + cfg.DnsmasqConf, "--pid-file=" + cfg.DnsmasqPidFile,
		"--log-facility=" + dnsmasqLog}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	StartProcess(t, cfg.DnsmasqPidFile, tools.Dnsmasq, args...)
}
