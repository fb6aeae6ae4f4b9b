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

	"github.com/labforge/labforge/internal/devstack"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestLabContainerReachableThroughGateway creates a container of the dev
// site through the API, as a user of `make dev` does: the CreateContainer
// workflow reserves its address and MAC, the gateway writes the
// reservation and its HTTP service, the simulated container leases the
// reserved address when it starts and answers on it, and NGINX and
// dnsmasq of the dev stack route to it by name.
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

	body, _ := json.Marshal(map[string]any{"hostname": "web", "source": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
		"services": []map[string]any{{"protocol": "http", "external_hostname": "web.apps.localhost", "internal_port": 8080}}})
	status, resp := call(ctx, t, http.MethodPost, api+"/api/v1/containers", token, body)
	require.Equal(t, http.StatusAccepted, status, resp)
	var op struct {
		TargetID string `json:"target_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp), &op))
	waitOperation(ctx, t, api, token, resp)
	status, resp = call(ctx, t, http.MethodGet, api+"/api/v1/containers/"+op.TargetID, token, nil)
	require.Equal(t, http.StatusOK, status, resp)
	var ct struct {
		Status  string `json:"status"`
		IPv4    string `json:"ipv4"`
		DNSName string `json:"dns_name"`
		VMID    int    `json:"vmid"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp), &ct))
	require.Equal(t, "running", ct.Status)
	require.Equal(t, "web.lab.internal", ct.DNSName)
	require.True(t, strings.HasPrefix(ct.IPv4, "127.77.0."), ct.IPv4)

	var guests []pvesim.GuestState
	require.NoError(t, json.Unmarshal([]byte(simCall(ctx, t, http.MethodGet, field(`Proxmox \(sim\) +(https://\S+)`)+"/_sim/guests", "", nil)), &guests))
	i := slices.IndexFunc(guests, func(g pvesim.GuestState) bool { return g.VMID == ct.VMID })
	require.GreaterOrEqual(t, i, 0, "the container's guest")
	require.Equal(t, ct.IPv4, guests[i].IPv4, "the lease is the gateway's reservation")

	https := strconv.Itoa(settings.GatewayHTTPSPort)
	status, got := getVia(ctx, t, "https://web.apps.localhost:"+https+"/")
	require.Equal(t, http.StatusOK, status, got)
	require.Contains(t, got, "web (CT "+strconv.Itoa(ct.VMID)+")")

	m := new(dns.Msg)
	m.SetQuestion("web.lab.internal.", dns.TypeA)
	in, err := dns.Exchange(m, "127.0.0.1:"+strconv.Itoa(settings.GatewayDNSPort))
	require.NoError(t, err)
	require.Len(t, in.Answer, 1)
	require.Equal(t, ct.IPv4, in.Answer[0].(*dns.A).A.String())
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
