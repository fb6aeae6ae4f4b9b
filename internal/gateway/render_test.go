package gateway

import (
	"strings"
	"testing"
)

// testOptions are rendering options with paths under dir.
func testOptions(dir string) (DnsmasqOptions, NginxOptions) {
	return DnsmasqOptions{
			ListenAddress: "127.0.0.1", Port: 5353, DHCP: true,
			HostsFile: dir + "/hosts", DHCPHostsFile: dir + "/dhcp-hosts",
		}, NginxOptions{
			Prefix: dir, StreamModule: "/usr/lib/nginx/modules/ngx_stream_module.so",
			HTTPListen: "127.0.0.1:8080", TLSListen: "127.0.0.1:8443", StreamAddress: "127.0.0.1",
		}
}

func TestRenderIsDeterministicAndOrderFree(t *testing.T) {
	d, n := testOptions("/srv/gw")
	a, err := Render(sampleSnapshot(), d, n)
	if err != nil {
		t.Fatal(err)
	}
	s := sampleSnapshot()
	s.Containers[0], s.Containers[1] = s.Containers[1], s.Containers[0]
	b, err := Render(s, d, n)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("reordering containers changed the rendered files")
	}
}

func TestRenderContainsEveryDirective(t *testing.T) {
	d, n := testOptions("/srv/gw")
	f, err := Render(sampleSnapshot(), d, n)
	if err != nil {
		t.Fatal(err)
	}
	for file, wants := range map[string][]string{
		f.DnsmasqConf: {"port=5353\n", "listen-address=127.0.0.1\n", "bind-interfaces\n", "domain-needed\n", "bogus-priv\n",
			"server=192.0.2.53\nserver=192.0.2.54\n", "domain=lab1.internal\n", "local=/lab1.internal/\n",
			"addn-hosts=/srv/gw/hosts\n", "dhcp-range=10.20.0.100,10.20.0.200,255.255.255.0,12h\n",
			"dhcp-option=option:router,10.20.0.1\n", "dhcp-hostsfile=/srv/gw/dhcp-hosts\n"},
		f.DnsmasqHosts:     {"10.20.0.10 web.lab1.internal\n", "10.20.0.11 dns.lab1.internal\n"},
		f.DnsmasqDHCPHosts: {"BC:24:11:00:00:01,10.20.0.10,web\n", "BC:24:11:00:00:02,10.20.0.11,dns\n"},
		f.NginxConf: {"load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n", "pid /srv/gw/nginx.pid;\n",
			"map $http_upgrade $connection_upgrade {", "server_name web.apps.example.org;",
			"listen 127.0.0.1:8443 ssl;", "ssl_certificate /etc/labforge/tls/apps.crt;",
			"proxy_pass http://10.20.0.10:8080;", "proxy_buffering off;", "return 404;",
			"listen 127.0.0.1:2201;\n        proxy_pass 10.20.0.10:22;", "listen 127.0.0.1:5301 udp;\n        proxy_pass 10.20.0.11:53;"},
	} {
		for _, w := range wants {
			if !strings.Contains(file, w) {
				t.Errorf("rendered file lacks %q:\n%s", w, file)
			}
		}
	}
}

func TestRenderWithoutDHCPOrTLS(t *testing.T) {
	d, n := testOptions("/srv/gw")
	d.DHCP, n.TLSListen, n.StreamModule = false, "", ""
	f, err := Render(sampleSnapshot(), d, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, unwanted := range []string{"dhcp-", "ssl", "load_module"} {
		if strings.Contains(f.DnsmasqConf+f.NginxConf, unwanted) {
			t.Errorf("rendered files contain %q", unwanted)
		}
	}
}

func TestRenderRejectsUnsafeOptions(t *testing.T) {
	d, n := testOptions("/srv/gw")
	n.Prefix = "/srv/gw; user root"
	if _, err := Render(sampleSnapshot(), d, n); err == nil {
		t.Fatal("an unsafe prefix was accepted")
	}
}
