package devstack_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/devstack"
	"github.com/labforge/labforge/internal/gateway/gatewaytest"
)

// checkLabSite checks what the dev stack makes sure of at every start:
// the site lab, its external domain, the simulator's nodes attached to it,
// and an applied gateway. With nginx and dnsmasq installed the banner
// says where they serve, and NGINX answers an unknown name with 404 over
// HTTP and TLS; without them the banner says the files are only rendered.
func checkLabSite(ctx context.Context, t *testing.T, api, token, banner string, s devstack.Settings) {
	t.Helper()
	var sites struct {
		Items []struct {
			ID             string `json:"id"`
			Name           string `json:"name"`
			CIDR           string `json:"cidr"`
			InternalDomain string `json:"internal_domain"`
			Gateway        *struct {
				Hash   string `json:"hash"`
				Status string `json:"status"`
				Error  string `json:"error"`
			} `json:"gateway"`
		} `json:"items"`
	}
	getJSON(ctx, t, api+"/api/v1/sites", token, &sites)
	require.Len(t, sites.Items, 1, "one site, whatever the number of starts")
	site := sites.Items[0]
	require.Equal(t, "lab", site.Name)
	require.Equal(t, "127.77.0.0/24", site.CIDR)
	require.Equal(t, "lab.internal", site.InternalDomain)
	require.NotNil(t, site.Gateway, "the gateway has applied")
	require.Equal(t, "applied", site.Gateway.Status, site.Gateway.Error)
	require.NotEmpty(t, site.Gateway.Hash)

	var domains struct {
		Items []struct {
			Name     string `json:"name"`
			SiteID   string `json:"site_id"`
			CertPath string `json:"cert_path"`
			KeyPath  string `json:"key_path"`
		} `json:"items"`
	}
	getJSON(ctx, t, api+"/api/v1/external-domains", token, &domains)
	require.Len(t, domains.Items, 1)
	require.Equal(t, "apps.localhost", domains.Items[0].Name)
	require.Equal(t, site.ID, domains.Items[0].SiteID)
	_, err := tls.LoadX509KeyPair(domains.Items[0].CertPath, domains.Items[0].KeyPath)
	require.NoError(t, err, "the domain's certificate")

	var nodes struct {
		Items []struct {
			Name   string  `json:"name"`
			SiteID *string `json:"site_id"`
			Bridge string  `json:"bridge"`
		} `json:"items"`
	}
	getJSON(ctx, t, api+"/api/v1/nodes", token, &nodes)
	require.Len(t, nodes.Items, 2)
	for _, n := range nodes.Items {
		require.NotNil(t, n.SiteID, "node %s attached", n.Name)
		require.Equal(t, site.ID, *n.SiteID, "node %s", n.Name)
		require.Equal(t, "vmbr1", n.Bridge, "node %s", n.Name)
	}

	dir := filepath.Join(s.DataDir, "gateway")
	for _, f := range []string{"nginx.conf", "dnsmasq.conf", "hosts", "dhcp-hosts"} {
		require.FileExists(t, filepath.Join(dir, f))
	}
	if !toolsInstalled() || s.GatewayRenderOnly {
		require.Contains(t, banner, "Gateway (lab)    RENDER-ONLY")
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.GatewayHTTPPort), time.Second)
		if err == nil {
			conn.Close()
		}
		require.Error(t, err, "nothing serves the gateway's HTTP port when render-only")
		return
	}
	https := strconv.Itoa(s.GatewayHTTPSPort)
	require.Contains(t, banner, "curl -sk --resolve NAME.apps.localhost:"+https+":127.0.0.1 https://NAME.apps.localhost:"+https+"/")
	require.Contains(t, banner, "dig -p "+strconv.Itoa(s.GatewayDNSPort)+" @127.0.0.1 NAME.lab.internal")
	for _, url := range []string{
		"http://x.apps.localhost:" + strconv.Itoa(s.GatewayHTTPPort) + "/",
		"https://x.apps.localhost:" + https + "/",
	} {
		status, body := getVia(ctx, t, url)
		require.Equal(t, http.StatusNotFound, status, "%s: %s", url, body)
	}
}

// toolsInstalled says whether the dev stack runs nginx and dnsmasq here.
func toolsInstalled() bool {
	for _, name := range []string{"nginx", "dnsmasq"} {
		if _, err := os.Stat(filepath.Join("/usr/sbin", name)); err != nil && !onPath(name) {
			return false
		}
	}
	_, err := os.Stat(gatewaytest.StreamModule)
	return err == nil
}

func onPath(name string) bool {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// getJSON fetches url and decodes its body into v.
func getJSON(ctx context.Context, t *testing.T, url, token string, v any) {
	t.Helper()
	status, body := call(ctx, t, http.MethodGet, url, token, nil)
	require.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.NewDecoder(strings.NewReader(body)).Decode(v), body)
}
