package api_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/miekg/dns"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
	"github.com/labforge/labforge/internal/gateway/gatewaytest/serve"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// ctLab is a site on its own loopback network 127.78.<n>.0/24 with a
// simulated cluster attached on bridge vmbr1, whose DHCP reads the
// site gateway's dhcp-hosts file, and the site's gateway: a worker on
// queue gateway.<site> in the stack's process, with the real NGINX and
// dnsmasq serving what it applies on loopback ports. Simulated
// containers answer HTTP on ports 8080 and 8081 of their address.
type ctLab struct {
	s        *apptest.Stack
	sim      *pvesim.Server
	admin    string
	pat      string
	site     siteView
	domain   string // the site's external domain
	dir      string // the gateway's files
	httpPort int    // NGINX's HTTP listener on 127.0.0.1
	dnsPort  int    // dnsmasq on 127.0.0.1
}

// siteView is the part of GET /api/v1/sites/{id} the tests read.
type siteView struct {
	ID                uuid.UUID `json:"id"`
	Name              string    `json:"name"`
	ExternalPortFirst int       `json:"external_port_first"`
	ExternalPortLast  int       `json:"external_port_last"`
	Gateway           *struct {
		Hash   string `json:"hash"`
		Status string `json:"status"`
		Error  string `json:"error"`
	} `json:"gateway"`
}

// containerView is the part of a container the tests read.
type containerView struct {
	ID       uuid.UUID `json:"id"`
	Hostname string    `json:"hostname"`
	Status   string    `json:"status"`
	IPv4     string    `json:"ipv4"`
	MAC      string    `json:"mac"`
	DNSName  string    `json:"dns_name"`
	Node     string    `json:"node"`
	VMID     *int      `json:"vmid"`
	Services []struct {
		Protocol         string `json:"protocol"`
		InternalPort     int    `json:"internal_port"`
		ExternalPort     *int   `json:"external_port"`
		ExternalHostname string `json:"external_hostname"`
		PublicAddress    string `json:"public_address"`
	} `json:"services"`
}

// ctLabs numbers labs, so that each has its own network and site.
var ctLabs atomic.Int32

// ctLabOptions shape a ctLab: the simulator's durations and faults, and
// more stack options.
type ctLabOptions struct {
	durations pvesim.Durations
	faults    pvesim.Faults
	stack     []apptest.Option
	// poolSize is the number of external ports of the site (default 8).
	poolSize int
	// cloneConcurrency is the nodes' clone_concurrency (0: the default).
	cloneConcurrency int
}

// startCTLab starts the simulator, the stack with the site's gateway
// worker, creates the site with an external domain, imports the
// simulator's cluster into it, applies the gateway once and starts NGINX
// and dnsmasq on the result.
func startCTLab(t *testing.T, o ctLabOptions) *ctLab {
	t.Helper()
	tools := gatewaytest.RequireTools(t)
	n := ctLabs.Add(1)
	net3 := fmt.Sprintf("127.78.%d", n)
	name := fmt.Sprintf("ct%d", n)
	l := &ctLab{dir: t.TempDir(), domain: fmt.Sprintf("apps%d.test", n),
		httpPort: gatewaytest.FreePort(t, "127.0.0.1"), dnsPort: gatewaytest.FreePort(t, "127.0.0.1")}
	if o.poolSize == 0 {
		o.poolSize = 8
	}
	first := freePortRange(t, n, o.poolSize)
	require.NoError(t, os.MkdirAll(filepath.Join(l.dir, "nginx"), 0o755))

	seed := pvesim.DefaultSeed()
	seed.Bridges = append(seed.Bridges, pvesim.SeedBridge{Name: "vmbr1", CIDR: net3 + ".0/24", Gateway: net3 + ".1",
		PoolStart: net3 + ".200", PoolEnd: net3 + ".250", DHCPHostsFile: filepath.Join(l.dir, "dhcp-hosts")})
	seed.Faults = o.faults
	l.sim = pvesim.New(pvesim.Config{Seed: seed, TimeScale: 0.001, Durations: o.durations, GuestPorts: []int{8080, 8081}})
	t.Cleanup(l.sim.Close)

	opts := append([]apptest.Option{withSiteGateway(name, l, tools)}, o.stack...)
	l.s = apptest.Start(t, opts...)
	l.admin = l.s.AdminToken(t)

	r := l.s.Do(t, "POST", "/api/v1/sites", l.admin, map[string]any{
		"name": name, "cidr": net3 + ".0/24", "gateway_ip": net3 + ".1", "dhcp_start": net3 + ".10",
		"dhcp_end": net3 + ".60", "internal_domain": name + ".internal", "dns_forwarders": []string{},
		"external_ip": "127.0.0.1", "external_port_first": first, "external_port_last": first + o.poolSize - 1,
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r.JSON(t, &l.site)
	r = l.s.Do(t, "POST", "/api/v1/external-domains", l.admin, map[string]any{
		"name": l.domain, "site_id": l.site.ID, "cert_path": filepath.Join(l.dir, "tls.crt"), "key_path": filepath.Join(l.dir, "tls.key"),
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	node := map[string]any{
		"name": l.sim.Nodes()[0], "cluster": "lab", "endpoint": l.sim.URL(), "token_id": pvesim.DefaultTokenID,
		"token_secret": pvesim.DefaultTokenSecret, "tls_fingerprint": l.sim.Fingerprint(),
		"storages": []string{"local-lvm"}, "bridge": "vmbr1", "site_id": l.site.ID,
	}
	if o.cloneConcurrency > 0 {
		node["clone_concurrency"] = o.cloneConcurrency
	}
	r = l.s.Do(t, "POST", "/api/v1/nodes/import", l.admin, node)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	op := l.s.AwaitOperation(t, l.admin, r.Header.Get("Location"))
	require.Equal(t, domain.OpCompleted, op.State, op.Error)
	(&vmLab{s: l.s}).sync(t, "ct-lab-sync") // the nodes' status and memory, for placement

	// NGINX and dnsmasq start on the files of a first apply.
	r = l.s.Do(t, "POST", "/api/v1/sites/"+l.site.ID.String()+"/gateway/apply", l.admin, nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	op = l.s.AwaitOperation(t, l.admin, r.Header.Get("Location"))
	require.Equal(t, domain.OpCompleted, op.State, op.Error)
	serve.Gateway(t, tools, app.GatewayConfig(l.s.Platform.Config, nil), "-")
	l.awaitServing(t)

	l.pat = (&vmLab{s: l.s, admin: l.admin}).user(t, "pat", domain.RoleParticipant)
	return l
}

// withSiteGateway runs the gateway worker of site name in the stack, with
// l's files and ports, besides the standard queues' workers.
func withSiteGateway(name string, l *ctLab, tools gatewaytest.Tools) apptest.Option {
	return func(c *config.Config) {
		c.WorkerQueues = append(append([]string{}, activities.StandardQueues...), activities.GatewayQueue(name))
		c.GatewayDir = l.dir
		c.GatewayNginxBin, c.GatewayDnsmasqBin = tools.Nginx, tools.Dnsmasq
		c.GatewayNginxPrefix = filepath.Join(l.dir, "nginx")
		c.GatewayNginxStreamModule = gatewaytest.StreamModule
		c.GatewayNginxUser = gatewaytest.NginxUser()
		c.GatewayHTTPListen = "127.0.0.1:" + strconv.Itoa(l.httpPort)
		c.GatewayHTTPSListen = config.None
		c.GatewayStreamAddress = "127.0.0.1"
		c.GatewayDNSListen, c.GatewayDNSPort, c.GatewayDHCP = "127.0.0.1", l.dnsPort, false
		c.GatewayDnsmasqPidFile = filepath.Join(l.dir, "dnsmasq.pid")
	}
}

// freePortRange returns the first of n consecutive ports, below the
// kernel's ephemeral range (32768 up), that are free on 127.0.0.1 now:
// the site's external port pool, where NGINX opens its stream listeners.
// Below that range no other test's FreePort can be handed one of them
// before NGINX binds it; each lab of the process starts its search at its
// own base.
func freePortRange(t *testing.T, lab int32, n int) int {
	t.Helper()
	for first := 21000 + int(lab%100)*100; first+n <= 32000; first += n {
		free := true
		for p := first; p < first+n && free; p++ {
			ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				free = false
				continue
			}
			_ = ln.Close()
			pc, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				free = false
				continue
			}
			_ = pc.Close()
		}
		if free {
			return first
		}
	}
	t.Fatalf("no %d consecutive free ports on 127.0.0.1 between 21000 and 32000", n)
	return 0
}

// awaitServing waits until NGINX answers on its HTTP listener and dnsmasq
// on its DNS port.
func (l *ctLab) awaitServing(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		status, _ := l.getByName("nobody." + l.domain)
		_, err := l.resolve("nobody." + l.site.Name + ".internal")
		return status == http.StatusNotFound && err == nil
	}, 20*time.Second, 50*time.Millisecond, "NGINX or dnsmasq of the gateway never answered")
}

// createContainer asks, as token, for a container with the given services
// and returns its id and the operation's location.
func (l *ctLab) createContainer(t *testing.T, token, hostname string, services []map[string]any) (uuid.UUID, string) {
	t.Helper()
	r := l.s.Do(t, "POST", "/api/v1/containers", token, map[string]any{
		"hostname": hostname, "site_id": l.site.ID, "source": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
		"memory_mb": 256, "services": services,
	})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	var op domain.Operation
	r.JSON(t, &op)
	return uuid.MustParse(op.TargetID), r.Header.Get("Location")
}

// await waits for the operation at location to complete, failing t when
// it ends otherwise or waits for its operator.
func (l *ctLab) await(t *testing.T, location string) {
	t.Helper()
	awaitAll(t, l.s, l.admin, []string{location}, domain.OpCompleted, 90*time.Second)
}

// webServices is an HTTP service hostname.<domain> on port 8080 and a TCP
// service on port 8081.
func (l *ctLab) webServices(hostname string) []map[string]any {
	return []map[string]any{
		{"protocol": "http", "external_hostname": hostname + "." + l.domain, "internal_port": 8080},
		{"protocol": "tcp", "internal_port": 8081},
	}
}

// container reads a container through the API as the administrator.
func (l *ctLab) container(t *testing.T, id uuid.UUID) containerView {
	t.Helper()
	var c containerView
	r := l.s.Do(t, "GET", "/api/v1/containers/"+id.String(), l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &c)
	return c
}

// gatewayClient asks each question on a new connection: a kept-alive one
// may still be served by an NGINX worker of the configuration before the
// last reload.
var gatewayClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// getByName sends GET / to NGINX's HTTP listener for host and returns the
// status and body (0 when NGINX does not answer).
func (l *ctLab) getByName(host string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(l.httpPort)+"/", nil)
	if err != nil {
		return 0, err.Error()
	}
	req.Host = host
	resp, err := gatewayClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// getByPort sends GET / to NGINX's stream listener on port (a TCP
// service's external port) and returns the status and body (0 when
// nothing answers).
func (l *ctLab) getByPort(port int) (int, string) {
	resp, err := gatewayClient.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// resolve asks the gateway's dnsmasq for name's A records. A name dnsmasq
// does not know is an empty answer (NXDOMAIN).
func (l *ctLab) resolve(name string) ([]string, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second}
	in, _, err := c.Exchange(m, "127.0.0.1:"+strconv.Itoa(l.dnsPort))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rr := range in.Answer {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	return out, nil
}

// gatewayFiles returns the gateway's rendered files, concatenated.
func (l *ctLab) gatewayFiles(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, f := range []string{"nginx.conf", "dnsmasq.conf", "hosts", "dhcp-hosts"} {
		raw, err := os.ReadFile(filepath.Join(l.dir, f))
		require.NoError(t, err)
		b.Write(raw)
	}
	return b.String()
}

// heldByContainer counts what PostgreSQL holds for a container: address
// reservations, VMID allocations and external ports.
func heldByContainer(t *testing.T, s *apptest.Stack, id uuid.UUID) (ips, vmids, ports int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.Platform.Config.DatabaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.NoError(t, conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM ip_allocations WHERE container_id = $1),
		(SELECT count(*) FROM vmid_allocations WHERE owner_id = $1),
		(SELECT count(*) FROM services WHERE container_id = $1 AND external_port IS NOT NULL)`, id).Scan(&ips, &vmids, &ports))
	return ips, vmids, ports
}

// containerGuests returns the simulator's guests tagged as container id's.
func containerGuests(sim *pvesim.Server, id uuid.UUID) []pvesim.GuestState {
	var out []pvesim.GuestState
	tag := activities.ContainerIDTag(id)
	for _, g := range sim.Guests() {
		for _, tg := range g.Tags {
			if tg == tag {
				out = append(out, g)
			}
		}
	}
	return out
}
