package gateway

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateAcceptsSample(t *testing.T) {
	if err := sampleSnapshot().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejectsHostileAndWrongValues(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct {
		name      string
		edit      func(*Snapshot)
		wantField string
		wantWhere string
	}{
		{"hostname with semicolon", func(s *Snapshot) { s.Containers[0].Hostname = "web;evil" }, "hostname", "container 0"},
		{"hostname with newline", func(s *Snapshot) { s.Containers[0].Hostname = "web\nuser root" }, "hostname", "container 0"},
		{"hostname uppercase", func(s *Snapshot) { s.Containers[0].Hostname = "Web" }, "hostname", "container 0"},
		{"hostname too long", func(s *Snapshot) { s.Containers[0].Hostname = long }, "hostname", "container 0"},
		{"hostname duplicate", func(s *Snapshot) { s.Containers[1].Hostname = "web" }, "hostname", `container "web"`},
		{"mac with brace", func(s *Snapshot) { s.Containers[0].MAC = "BC:24:11:00:00:0}" }, "mac", `container "web"`},
		{"mac duplicate in other case", func(s *Snapshot) { s.Containers[1].MAC = "bc:24:11:00:00:01" }, "mac", `container "dns"`},
		{"ip outside cidr", func(s *Snapshot) { s.Containers[0].IPv4 = "10.21.0.10" }, "ipv4", `container "web"`},
		{"ip is gateway", func(s *Snapshot) { s.Containers[0].IPv4 = "10.20.0.1" }, "ipv4", `container "web"`},
		{"ip with port", func(s *Snapshot) { s.Containers[0].IPv4 = "10.20.0.10:80" }, "ipv4", `container "web"`},
		{"ip duplicate", func(s *Snapshot) { s.Containers[1].IPv4 = "10.20.0.10" }, "ipv4", `container "dns"`},
		{"http host with dollar", func(s *Snapshot) { s.Containers[0].Services[0].Host = "$host.apps.example.org" }, "host", "service 0 (http)"},
		{"http host with space", func(s *Snapshot) { s.Containers[0].Services[0].Host = "a b.apps.example.org" }, "host", "service 0 (http)"},
		{"http host outside domains", func(s *Snapshot) { s.Containers[0].Services[0].Host = "web.example.net" }, "host", "service 0 (http)"},
		{"http host suffix trick", func(s *Snapshot) { s.Containers[0].Services[0].Host = "evilapps.example.org" }, "host", "service 0 (http)"},
		{"http scheme", func(s *Snapshot) { s.Containers[0].Services[0].Scheme = "http; return 200" }, "scheme", "service 0 (http)"},
		{"port zero", func(s *Snapshot) { s.Containers[0].Services[0].Port = 0 }, "port", "service 0 (http)"},
		{"port too big", func(s *Snapshot) { s.Containers[0].Services[1].ExternalPort = 65536 }, "external_port", "service 1 (tcp)"},
		{"external port duplicate", func(s *Snapshot) {
			s.Containers[0].Services[1].ExternalPort = 5301
			s.Containers[1].Services[0].Kind = KindTCP
		}, "external_port", `container "dns", service 0 (tcp)`},
		{"kind unknown", func(s *Snapshot) { s.Containers[1].Services[0].Kind = "udp\n" }, "kind", `container "dns", service 0`},
		{"cert path relative", func(s *Snapshot) { s.ExternalDomains[0].CertPath = "tls/apps.crt" }, "cert_path", "external domain"},
		{"cert path with semicolon", func(s *Snapshot) { s.ExternalDomains[0].CertPath = "/etc/a.crt;\nuser root" }, "cert_path", "external domain"},
		{"key path with quote", func(s *Snapshot) { s.ExternalDomains[0].KeyPath = `/etc/a".key` }, "key_path", "external domain"},
		{"key path with NUL", func(s *Snapshot) { s.ExternalDomains[0].KeyPath = "/etc/a\x00.key" }, "key_path", "external domain"},
		{"key path with dollar", func(s *Snapshot) { s.ExternalDomains[0].KeyPath = "/etc/$x.key" }, "key_path", "external domain"},
		{"cert without key", func(s *Snapshot) { s.ExternalDomains[0].KeyPath = "" }, "cert_path", "external domain"},
		{"internal domain with slash", func(s *Snapshot) { s.InternalDomain = "lab/#" }, "internal_domain", ""},
		{"forwarder not an ip", func(s *Snapshot) { s.DNSForwarders[0] = "1.1.1.1\nserver=6.6.6.6" }, "dns_forwarders[0]", ""},
		{"cidr not masked", func(s *Snapshot) { s.CIDR = "10.20.0.5/24" }, "cidr", ""},
		{"dhcp range reversed", func(s *Snapshot) { s.DHCPEnd = "10.20.0.50" }, "dhcp_end", ""},
		{"site name", func(s *Snapshot) { s.Site = "lab 1" }, "site", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sampleSnapshot()
			tc.edit(&s)
			err := s.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			if ve.Field != tc.wantField || !strings.Contains(ve.Where, tc.wantWhere) {
				t.Fatalf("error %q names %q / %q, want field %q in %q", err, ve.Where, ve.Field, tc.wantField, tc.wantWhere)
			}
			if strings.ContainsAny(err.Error(), "\n\x00") {
				t.Fatalf("error message carries a control character: %q", err)
			}
		})
	}
}
