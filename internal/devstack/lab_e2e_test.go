package devstack_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/devstack"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/store"
)

// TestLabContainerReachableThroughGateway follows a container of the dev
// site from its reservation to a request through the gateway: the store
// reserves its address and MAC, a gateway apply writes the reservation
// and its HTTP service, the simulated container created with that MAC
// leases the reserved address when it starts and answers on it, and
// NGINX and dnsmasq of the dev stack route to it by name.
func TestLabContainerReachableThroughGateway(t *testing.T) {
	gatewaytest.RequireTools(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const password = "configured-password-42"
	ports := stablePorts(t, 8)
	settings := devstack.Settings{DataDir: t.TempDir(), PostgresPort: ports[0], MongoPort: ports[1], TemporalPort: ports[2],
		UIPort: ports[3], PVEPort: ports[4], PVETimeScale: 0.1, GatewayHTTPPort: ports[5], GatewayHTTPSPort: ports[6], GatewayDNSPort: ports[7]}
	banner, _ := startStack(ctx, t, settings, []string{"LABFORGE_HTTP_ADDR=127.0.0.1:0", "LABFORGE_BOOTSTRAP_ADMIN_PASSWORD=" + password})
	field := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(banner)
		require.NotNil(t, m, "%s in\n%s", re, banner)
		return m[1]
	}
	api := strings.Replace(field(`API +(http://\S+)`), "localhost", "127.0.0.1", 1)
	token := login(ctx, t, api, "admin", password)

	db, err := store.Open(ctx, field(`PostgreSQL +(\S+)`), 2)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	site, err := db.FindSiteByName(ctx, "lab")
	require.NoError(t, err)
	admin, err := db.FindUserByUsername(ctx, "admin")
	require.NoError(t, err)
	ct := &domain.Container{Hostname: "web", OwnerID: admin.ID, SiteID: site.ID,
		Source: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Cores: 1, MemoryMB: 512, DiskGB: 8}
	require.NoError(t, db.CreateContainer(ctx, ct))
	alloc, err := db.AllocateContainer(ctx, ct.ID, domain.VMIDRange{First: 5000, Last: 5999})
	require.NoError(t, err)
	ct = &alloc.Container
	require.NotNil(t, ct.IPv4)
	require.NotNil(t, ct.VMID)
	ct.State = domain.GuestReady
	require.NoError(t, db.UpdateContainer(ctx, ct))
	require.NoError(t, db.CreateService(ctx, &domain.Service{ContainerID: ct.ID, Protocol: domain.ServiceHTTP,
		InternalPort: 8080, ExternalHostname: "web.apps.localhost", Backend: domain.BackendHTTP}))

	status, body := call(ctx, t, http.MethodPost, api+"/api/v1/sites/"+site.ID.String()+"/gateway/apply", token, nil)
	require.Equal(t, http.StatusAccepted, status, body)
	waitOperation(ctx, t, api, token, body)

	pve := field(`Proxmox \(sim\) +(https://\S+)`)
	auth := field(`Authorization: (PVEAPIToken=\S+)`)
	vmid := strconv.Itoa(*ct.VMID)
	form := url.Values{"vmid": {vmid}, "ostemplate": {ct.Source}, "storage": {"local-lvm"}, "hostname": {"web"},
		"net0": {"name=eth0,bridge=vmbr1,hwaddr=" + ct.MAC + ",ip=dhcp"}, "start": {"1"}}
	simCall(ctx, t, http.MethodPost, pve+"/api2/json/nodes/"+alloc.Node.Name+"/lxc", auth, form)
	for {
		var guests []pvesim.GuestState
		require.NoError(t, json.Unmarshal([]byte(simCall(ctx, t, http.MethodGet, pve+"/_sim/guests", "", nil)), &guests))
		i := slices.IndexFunc(guests, func(g pvesim.GuestState) bool { return g.VMID == *ct.VMID })
		if i >= 0 && guests[i].Status == "running" {
			require.Equal(t, ct.IPv4.String(), guests[i].IPv4, "the lease is the gateway's reservation")
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the simulated container did not start")
		case <-time.After(50 * time.Millisecond):
		}
	}

	https := strconv.Itoa(settings.GatewayHTTPSPort)
	status, got := getVia(ctx, t, "https://web.apps.localhost:"+https+"/")
	require.Equal(t, http.StatusOK, status, got)
	require.Contains(t, got, "web (CT "+vmid+")")

	m := new(dns.Msg)
	m.SetQuestion("web.lab.internal.", dns.TypeA)
	in, err := dns.Exchange(m, "127.0.0.1:"+strconv.Itoa(settings.GatewayDNSPort))
	require.NoError(t, err)
	require.Len(t, in.Answer, 1)
	require.Equal(t, ct.IPv4.String(), in.Answer[0].(*dns.A).A.String())
}

// simCall sends one request to the Proxmox simulator and returns the body.
func simCall(ctx context.Context, t *testing.T, method, u, auth string, form url.Values) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the simulator's self-signed certificate
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, u, b)
	return string(b)
}

// getVia requests url with its host resolved to 127.0.0.1 and returns the
// status and body.
func getVia(ctx context.Context, t *testing.T, u string) (int, string) {
	t.Helper()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, port, _ := net.SplitHostPort(addr)
			return dialer.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the dev stack's self-signed certificate
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err, u)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
