package gateway

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzRenderStaysInDirective renders snapshots built from arbitrary values.
// Whatever Validate accepts must render files in which every line has one
// of the shapes the renderer writes, and each value appears only in the
// directives meant for it.
func FuzzRenderStaysInDirective(f *testing.F) {
	f.Add("web", "BC:24:11:00:00:01", "10.20.0.10", "web.apps.example.org", "/etc/tls/a.crt", "lab1.internal", "192.0.2.53", 8080, 2201)
	f.Add("web;x", "BC:24:11:00:00:01}", "10.20.0.10\n", "a.apps.example.org;return 200", "/a.crt;\nuser root", "lab\n", "1.1.1.1 #", 80, 0)
	f.Add("a\x00b", "bc:24:11:00:00:0a", "10.20.0.255", "$host.apps.example.org", "/etc/$x'", "x.y", "::1", 65535, 65535)
	f.Add(strings.Repeat("a", 70), "BC:24:11:00:00:01", "10.20.0.2", strings.Repeat("b.", 130)+"apps.example.org", "/"+strings.Repeat("c", 5000), "lab1.internal", "2001:db8::1", 1, 1)
	f.Fuzz(func(t *testing.T, hostname, mac, ip, host, cert, domain, forwarder string, port, extPort int) {
		s := Snapshot{
			Site: "lab1", CIDR: "10.20.0.0/24", Gateway: "10.20.0.1", DHCPStart: "10.20.0.100", DHCPEnd: "10.20.0.200",
			InternalDomain: domain, DNSForwarders: []string{forwarder},
			ExternalDomains: []ExternalDomain{{Name: "apps.example.org", CertPath: cert, KeyPath: cert}},
			Containers: []Container{{Hostname: hostname, MAC: mac, IPv4: ip, Services: []Service{
				{Kind: KindHTTP, Host: host, Port: port, Scheme: "https"},
				{Kind: KindTCP, Port: port, ExternalPort: extPort},
				{Kind: KindUDP, Port: port, ExternalPort: extPort},
			}}},
		}
		d, n := testOptions("/srv/gw")
		files, err := Render(s, d, n)
		if err != nil {
			return
		}
		checkShapes(t, "nginx", files.NginxConf, nginxLine)
		checkShapes(t, "dnsmasq", files.DnsmasqConf, dnsmasqLine)
		checkShapes(t, "hosts", files.DnsmasqHosts, hostsLine)
		checkShapes(t, "dhcp-hosts", files.DnsmasqDHCPHosts, dhcpHostsLine)
		onlyIn(t, files.NginxConf, cert, "ssl_certificate ", "ssl_certificate_key ")
		onlyIn(t, files.NginxConf, host, "server_name ", "# ")
		onlyIn(t, files.DnsmasqConf, forwarder, "server=")
	})
}

// A token is what a validated value may render as: no whitespace and none
// of the characters that end, open or extend an NGINX or dnsmasq directive.
const tok = `[^\s;{}"'$#\\` + "`" + `]+`

var (
	nginxLine = regexp.MustCompile(`^(` +
		`|# ` + tok + ` -> container ` + tok + `( port [0-9]+)?` +
		`|# (NGINX for site|Unknown host names)[^;{}]*` +
		`|(events|http|stream|server|location /) \{|map \$http_upgrade \$connection_upgrade \{|\}` +
		`|(load_module|user|worker_processes|pid|access_log|[a-z_]+_temp_path|client_max_body_size|server_names_hash_bucket_size|server_names_hash_max_size` +
		`|worker_connections|server_name|return|proxy_pass|proxy_http_version|proxy_buffering|proxy_request_buffering` +
		`|proxy_read_timeout|ssl_certificate|ssl_certificate_key|ssl_reject_handshake|default) ` + tok + `;` +
		`|error_log ` + tok + ` notice;|'' close;` +
		`|listen ` + tok + `( ssl)?( default_server)?;|listen ` + tok + ` udp;` +
		`|proxy_set_header [A-Za-z-]+ \$[a-z_]+;` +
		`)$`)
	dnsmasqLine   = regexp.MustCompile(`^(# dnsmasq for site [a-z0-9-]+, [^;{}]*|[a-z-]+(=` + tok + `)?)$`)
	hostsLine     = regexp.MustCompile(`^(# containers of site [a-z0-9-]+, rendered by Labforge\.|` + tok + ` ` + tok + `)$`)
	dhcpHostsLine = regexp.MustCompile(`^(# static leases of site [a-z0-9-]+, rendered by Labforge\.|[^\s,]+,[^\s,]+,[^\s,]+)$`)
)

// checkShapes fails unless every line of file, trimmed, matches shape.
func checkShapes(t *testing.T, name, file string, shape *regexp.Regexp) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(file, "\n"), "\n") {
		if !shape.MatchString(strings.TrimSpace(line)) {
			t.Fatalf("%s line %d has an unexpected shape: %q\n%s", name, i+1, line, file)
		}
	}
}

// onlyIn fails when value appears on a line of file that does not start
// with one of the given directives.
func onlyIn(t *testing.T, file, value string, directives ...string) {
	t.Helper()
	for _, line := range strings.Split(file, "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, value) {
			continue
		}
		ok := false
		for _, d := range directives {
			ok = ok || strings.HasPrefix(line, d)
		}
		if !ok {
			t.Fatalf("value %q appears outside %v: %q", value, directives, line)
		}
	}
}
