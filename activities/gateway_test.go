package activities

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
	"github.com/labforge/labforge/internal/gateway/gatewaytest/serve"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// gatewayFixture is a site in PostgreSQL with one container publishing an
// HTTP and a TCP service, and a gateway on loopback with the real nginx
// and dnsmasq, registered as the gateway queue's table says.
type gatewayFixture struct {
	ctx     context.Context
	db      *store.DB
	site    *domain.Site
	cfg     gateway.Config
	tools   gatewaytest.Tools
	env     *testsuite.TestActivityEnvironment
	webPort int // the container's HTTP service, on its address 127.0.0.2
	tcpPort int // the external port of its TCP service, the site's whole pool
}

// newGatewayFixture makes the fixture on loopback: the site is
// 127.0.0.0/24, its gateway 127.0.0.1, and its container gets 127.0.0.2,
// where an HTTP server stands for the container's web service. With
// tlsListen, NGINX also serves TLS, with the external domain's (missing)
// certificate; without dhcp the gateway serves DNS only, as a process run
// by an unprivileged test can.
func newGatewayFixture(t *testing.T, tlsListen, dhcp bool) *gatewayFixture {
	t.Helper()
	tools := gatewaytest.RequireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	db := storetest.New(t)
	dir := t.TempDir()
	f := &gatewayFixture{ctx: ctx, db: db, tools: tools, webPort: startWebBackend(t), tcpPort: gatewaytest.FreePort(t, "127.0.0.1")}

	f.site = &domain.Site{Name: "lab-" + uuid.NewString()[:6], CIDR: netip.MustParsePrefix("127.0.0.0/24"),
		Gateway: netip.MustParseAddr("127.0.0.1"), DHCPStart: netip.MustParseAddr("127.0.0.2"),
		DHCPEnd: netip.MustParseAddr("127.0.0.20"), InternalDomain: "lab.example.org",
		DNSForwarders: []netip.Addr{netip.MustParseAddr("192.0.2.53")}, ExternalIP: netip.MustParseAddr("192.0.2.10"),
		ExternalPortFirst: f.tcpPort, ExternalPortLast: f.tcpPort}
	require.NoError(t, db.CreateSite(ctx, f.site))
	require.NoError(t, db.CreateExternalDomain(ctx, &domain.ExternalDomain{Name: "apps.example.org",
		CertPath: filepath.Join(dir, "missing.crt"), KeyPath: filepath.Join(dir, "missing.key"), SiteID: f.site.ID}))
	owner := &domain.User{Username: "u" + uuid.NewString()[:8], Email: uuid.NewString()[:8] + "@example.org",
		DisplayName: "Owner", Source: domain.AuthLocal, Roles: []string{domain.RoleParticipant}, PasswordHash: "$argon2id$x"}
	require.NoError(t, db.CreateUser(ctx, owner))
	ct := &domain.Container{Hostname: "web", OwnerID: owner.ID, SiteID: f.site.ID, Cluster: "lab",
		Source: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Cores: 1, MemoryMB: 512, DiskGB: 8,
		State: domain.GuestReady}
	require.NoError(t, db.CreateContainer(ctx, ct))
	_, err := db.AllocateIP(ctx, f.site.ID, ct.ID, "bc:24:11:00:70:01")
	require.NoError(t, err)
	require.NoError(t, db.CreateService(ctx, &domain.Service{ContainerID: ct.ID, Protocol: domain.ServiceHTTP,
		InternalPort: f.webPort, ExternalHostname: "web.apps.example.org"}))
	tcp := &domain.Service{ContainerID: ct.ID, Protocol: domain.ServiceTCP, InternalPort: 22}
	require.NoError(t, db.CreateService(ctx, tcp))
	_, err = db.AllocateExternalPort(ctx, f.site.ID, domain.ServiceTCP, f.tcpPort, f.tcpPort, tcp.ID)
	require.NoError(t, err)

	f.cfg = gateway.Config{
		NginxConf: filepath.Join(dir, "nginx.conf"), DnsmasqConf: filepath.Join(dir, "dnsmasq.conf"),
		Nginx: gateway.NginxOptions{Prefix: dir, StreamModule: gatewaytest.StreamModule, User: gatewaytest.NginxUser(),
			HTTPListen: "127.0.0.1:" + strconv.Itoa(gatewaytest.FreePort(t, "127.0.0.1")), StreamAddress: "127.0.0.1"},
		Dnsmasq: gateway.DnsmasqOptions{ListenAddress: "127.0.0.1", Port: gatewaytest.FreePort(t, "127.0.0.1"), DHCP: dhcp,
			HostsFile: filepath.Join(dir, "hosts"), DHCPHostsFile: filepath.Join(dir, "dhcp-hosts")},
		NginxBin: tools.Nginx, DnsmasqBin: tools.Dnsmasq, DnsmasqPidFile: filepath.Join(dir, "dnsmasq.pid"),
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	if tlsListen {
		f.cfg.Nginx.TLSListen = "127.0.0.1:" + strconv.Itoa(gatewaytest.FreePort(t, "127.0.0.1"))
	}
	applier, err := gateway.New(f.cfg)
	require.NoError(t, err)

	var s testsuite.WorkflowTestSuite
	f.env = s.NewTestActivityEnvironment()
	f.env.SetTestTimeout(45 * time.Second)
	f.env.RegisterActivity(&Gateways{Sites: db}) // the core side, without the rest of core
	registerQueues(t, f.env, Set{System: &System{}, Gateway: &Gateway{Applier: applier}}, GatewayQueue(f.site.Name))
	return f
}

// snapshot runs SiteGatewaySnapshot for the fixture's site.
func (f *gatewayFixture) snapshot(t *testing.T) gateway.Snapshot {
	t.Helper()
	v, err := f.env.ExecuteActivity("SiteGatewaySnapshot", f.site.ID)
	require.NoError(t, err)
	var snap gateway.Snapshot
	require.NoError(t, v.Get(&snap))
	return snap
}

// apply runs ApplySiteGateway on snap.
func (f *gatewayFixture) apply(snap gateway.Snapshot) (gateway.Result, error) {
	v, err := f.env.ExecuteActivity("ApplySiteGateway", snap)
	if err != nil {
		return gateway.Result{}, err
	}
	var res gateway.Result
	return res, v.Get(&res)
}

func TestGatewayAppliesTheStoredSiteAndRecordsIt(t *testing.T) {
	f := newGatewayFixture(t, false, true)
	snap := f.snapshot(t)
	require.Equal(t, f.site.Name, snap.Site)
	require.Equal(t, []string{"192.0.2.53"}, snap.DNSForwarders)
	require.Len(t, snap.Containers, 1)
	require.Equal(t, "127.0.0.2", snap.Containers[0].IPv4)
	require.ElementsMatch(t, []gateway.Service{
		{Kind: gateway.KindHTTP, Host: "web.apps.example.org", Port: f.webPort, Scheme: "http"},
		{Kind: gateway.KindTCP, Port: 22, ExternalPort: f.tcpPort},
	}, snap.Containers[0].Services)

	res, err := f.apply(snap)
	require.NoError(t, err)
	require.True(t, res.Changed)
	require.Equal(t, snap.Hash(), res.Hash)
	again, err := f.apply(snap)
	require.NoError(t, err)
	require.False(t, again.Changed, "the same snapshot is applied once")

	_, err = f.env.ExecuteActivity("RecordSiteGateway", SiteGatewayRecord{SiteID: f.site.ID, Hash: res.Hash,
		AppliedAt: res.AppliedAt, Status: domain.GatewayApplied})
	require.NoError(t, err)
	got, err := f.db.FindSite(f.ctx, f.site.ID)
	require.NoError(t, err)
	require.Equal(t, res.Hash, got.GatewayStatus.Hash)
	require.Equal(t, domain.GatewayApplied, got.GatewayStatus.Status)
}

func TestGatewayErrorsSayWhetherARetryHelps(t *testing.T) {
	f := newGatewayFixture(t, true, true) // TLS: nginx -t looks for the domain's missing certificate
	snap := f.snapshot(t)

	_, err := f.apply(snap)
	require.True(t, HasErrorType(err, ErrTypeGatewayRejected), "%v", err)
	require.ErrorContains(t, err, "nginx test failed")
	require.ErrorContains(t, err, "missing.crt", "the tool's message is carried")
	requireNonRetryable(t, err)

	snap.Containers[0].Hostname = "web\n}"
	_, err = f.apply(snap)
	require.True(t, HasErrorType(err, ErrTypeInvalid), "%v", err)
	requireNonRetryable(t, err)

	_, err = f.env.ExecuteActivity("SiteGatewaySnapshot", uuid.New())
	require.True(t, HasErrorType(err, ErrTypeNotFound), "%v", err)
}

func requireNonRetryable(t *testing.T, err error) {
	t.Helper()
	var ae *temporal.ApplicationError
	require.ErrorAs(t, err, &ae)
	require.True(t, ae.NonRetryable(), "%v", err)
}

func TestGatewayServesTheStoredSite(t *testing.T) {
	f := newGatewayFixture(t, false, false)
	_, err := f.apply(f.snapshot(t))
	require.NoError(t, err)
	serve.Gateway(t, f.tools, f.cfg, "-")

	require.Equal(t, "container web", f.get(t, "web.apps.example.org"))
	require.Equal(t, []string{"127.0.0.2"}, f.lookupA(t, "web.lab.example.org"))

	// A second container: the next apply reloads both tools.
	owner, err := f.db.FindContainerByHostname(f.ctx, f.site.ID, "web")
	require.NoError(t, err)
	db := &domain.Container{Hostname: "db", OwnerID: owner.OwnerID, SiteID: f.site.ID, Cluster: "lab",
		Source: owner.Source, Cores: 1, MemoryMB: 512, DiskGB: 8, State: domain.GuestReady}
	require.NoError(t, f.db.CreateContainer(f.ctx, db))
	_, err = f.db.AllocateIP(f.ctx, f.site.ID, db.ID, "bc:24:11:00:70:02")
	require.NoError(t, err)
	res, err := f.apply(f.snapshot(t))
	require.NoError(t, err)
	require.True(t, res.Changed)
	require.Eventually(t, func() bool { return slices.Equal(f.lookupA(t, "db.lab.example.org"), []string{"127.0.0.3"}) },
		5*time.Second, 50*time.Millisecond, "dnsmasq re-read the hosts file")
	require.Equal(t, "container web", f.get(t, "web.apps.example.org"), "NGINX still routes after the reload")
}

// startWebBackend serves "container web" on 127.0.0.2 until the test ends
// and returns its port.
func startWebBackend(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("container web"))
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// get fetches / from the gateway's NGINX for host and returns the body.
func (f *gatewayFixture) get(t *testing.T, host string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, "http://"+f.cfg.Nginx.HTTPListen+"/", nil)
	require.NoError(t, err)
	req.Host = host
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	return string(body)
}

// lookupA asks the gateway's dnsmasq for name's A records.
func (f *gatewayFixture) lookupA(t *testing.T, name string) []string {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	in, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, "127.0.0.1:"+strconv.Itoa(f.cfg.Dnsmasq.Port))
	require.NoError(t, err)
	var ips []string
	for _, rr := range in.Answer {
		if a, ok := rr.(*dns.A); ok {
			ips = append(ips, a.A.String())
		}
	}
	return ips
}
