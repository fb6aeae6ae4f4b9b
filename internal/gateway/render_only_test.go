package gateway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRenderOnlyApply checks that a render-only applier writes every file
// and records the hash without running the tools (here missing), that the
// same snapshot is then a no-op, and that an invalid one touches nothing.
func TestRenderOnlyApply(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-tool")
	cfg := Config{
		NginxConf: filepath.Join(dir, "nginx.conf"), DnsmasqConf: filepath.Join(dir, "dnsmasq.conf"),
		Nginx: NginxOptions{Prefix: filepath.Join(dir, "nginx"), HTTPListen: "127.0.0.1:18080", TLSListen: "127.0.0.1:18443",
			StreamAddress: "127.0.0.1"},
		Dnsmasq:  DnsmasqOptions{ListenAddress: "127.0.0.1", Port: 18053, HostsFile: filepath.Join(dir, "hosts"), DHCPHostsFile: filepath.Join(dir, "dhcp-hosts")},
		NginxBin: missing, DnsmasqBin: missing, DnsmasqPidFile: filepath.Join(dir, "dnsmasq.pid"),
		RenderOnly: true,
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	snap := Snapshot{
		Site: "lab", CIDR: "127.77.0.0/24", Gateway: "127.77.0.1", DHCPStart: "127.77.0.10", DHCPEnd: "127.77.0.250",
		InternalDomain:  "lab.internal",
		ExternalDomains: []ExternalDomain{{Name: "apps.localhost", CertPath: filepath.Join(dir, "tls.crt"), KeyPath: filepath.Join(dir, "tls.key")}},
		Containers: []Container{{Hostname: "web", MAC: "BC:24:11:00:00:01", IPv4: "127.77.0.10", Services: []Service{
			{Kind: KindHTTP, Host: "web.apps.localhost", Port: 80, Scheme: "http"},
		}}},
	}
	ctx := testContext(t, 10*time.Second)
	first, err := a.Apply(ctx, snap)
	if err != nil || !first.Changed || first.Hash != snap.Hash() || first.AppliedAt.IsZero() {
		t.Fatalf("first apply = %+v, %v", first, err)
	}
	for file, want := range map[string]string{
		cfg.NginxConf: "server_name web.apps.localhost;", cfg.DnsmasqConf: "port=18053",
		cfg.Dnsmasq.HostsFile: "127.77.0.10 web.lab.internal", cfg.Dnsmasq.DHCPHostsFile: "BC:24:11:00:00:01,127.77.0.10,web",
	} {
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %q (%v):\n%s", file, want, err, b)
		}
	}
	again, err := a.Apply(ctx, snap)
	if err != nil || again.Changed || again.Hash != first.Hash || !again.AppliedAt.Equal(first.AppliedAt) {
		t.Fatalf("second apply = %+v, %v; want unchanged", again, err)
	}

	bad := snap
	bad.Containers = []Container{{Hostname: "web;evil", MAC: "BC:24:11:00:00:01", IPv4: "127.77.0.10"}}
	before, _ := os.ReadFile(cfg.NginxConf)
	if _, err := a.Apply(ctx, bad); err == nil {
		t.Fatal("an invalid snapshot was applied")
	}
	if after, _ := os.ReadFile(cfg.NginxConf); string(after) != string(before) {
		t.Error("an invalid snapshot changed the files")
	}
}
