package gateway

import (
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/gateway/gatewaytest"
)

// containerIP stands for the container: backends listen there, NGINX and
// dnsmasq on 127.0.0.1 stand for the gateway.
const containerIP = "127.0.0.2"

// testSite is a gateway on loopback: its applier, the ports NGINX and
// dnsmasq listen on, and the backends of one container "web".
type testSite struct {
	dir     string
	cfg     Config
	applier *Applier
	snap    Snapshot
	certPEM []byte
	bins    gatewaytest.Tools

	httpPort, tlsPort, dnsPort, tcpPort, udpPort int
}

// newTestSite starts the backends of container "web" (an HTTP server that
// also accepts WebSocket upgrades, a TCP and a UDP echo) on containerIP and
// returns a site whose snapshot publishes them. Nothing is applied yet.
func newTestSite(t *testing.T) *testSite {
	t.Helper()
	bins := gatewaytest.RequireTools(t)
	dir := t.TempDir()
	s := &testSite{dir: dir, bins: bins,
		httpPort: gatewaytest.FreePort(t, "127.0.0.1"), tlsPort: gatewaytest.FreePort(t, "127.0.0.1"), dnsPort: gatewaytest.FreePort(t, "127.0.0.1"),
		tcpPort: gatewaytest.FreePort(t, "127.0.0.1"), udpPort: gatewaytest.FreePort(t, "127.0.0.1"),
	}
	s.certPEM = writeTestCert(t, dir, "apps.test")
	web := startHTTPBackend(t)
	s.snap = Snapshot{
		Site: "test", CIDR: "127.0.0.0/24", Gateway: "127.0.0.1", DHCPStart: "127.0.0.100", DHCPEnd: "127.0.0.200",
		InternalDomain:  "lab.test",
		ExternalDomains: []ExternalDomain{{Name: "apps.test", CertPath: filepath.Join(dir, "tls.crt"), KeyPath: filepath.Join(dir, "tls.key")}},
		Containers: []Container{{Hostname: "web", MAC: "BC:24:11:00:00:01", IPv4: containerIP, Services: []Service{
			{Kind: KindHTTP, Host: "web.apps.test", Port: web, Scheme: "http"},
			{Kind: KindTCP, Port: startTCPEcho(t), ExternalPort: s.tcpPort},
			{Kind: KindUDP, Port: startUDPEcho(t), ExternalPort: s.udpPort},
		}}},
	}
	s.cfg = Config{
		NginxConf: filepath.Join(dir, "nginx.conf"), DnsmasqConf: filepath.Join(dir, "dnsmasq.conf"),
		Nginx: NginxOptions{Prefix: dir, StreamModule: gatewaytest.StreamModule, User: gatewaytest.NginxUser(),
			HTTPListen:    "127.0.0.1:" + strconv.Itoa(s.httpPort),
			TLSListen:     "127.0.0.1:" + strconv.Itoa(s.tlsPort),
			StreamAddress: "127.0.0.1"},
		Dnsmasq: DnsmasqOptions{ListenAddress: "127.0.0.1", Port: s.dnsPort,
			HostsFile: filepath.Join(dir, "hosts"), DHCPHostsFile: filepath.Join(dir, "dhcp-hosts")},
		NginxBin: bins.Nginx, DnsmasqBin: bins.Dnsmasq,
		DnsmasqPidFile: filepath.Join(dir, "dnsmasq.pid"),
		Logger:         slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	s.applier = s.newApplier(t)
	return s
}

// newApplier returns an Applier for the site's current cfg.
func (s *testSite) newApplier(t *testing.T) *Applier {
	t.Helper()
	a, err := New(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startNginx runs NGINX on the files in place until the test ends.
func (s *testSite) startNginx(t *testing.T) {
	t.Helper()
	gatewaytest.StartProcess(t, s.cfg.NginxPidFile(), s.bins.Nginx, "-p", s.dir, "-c", s.cfg.NginxConf, "-g", "daemon off;")
	waitFor(testContext(t, 10*time.Second), t, "nginx to listen", func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.httpPort))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// startDnsmasq runs dnsmasq as a DNS server only on the files in place
// until the test ends.
func (s *testSite) startDnsmasq(t *testing.T) {
	t.Helper()
	args := []string{"--keep-in-foreground", "--conf-file=" + s.cfg.DnsmasqConf, "--pid-file=" + s.cfg.DnsmasqPidFile, "--log-facility=-"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root") // re-reading the hosts file in the test's private directory
	}
	gatewaytest.StartProcess(t, s.cfg.DnsmasqPidFile, s.bins.Dnsmasq, args...)
}
