package domain_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var de *domain.Error
	if !asDomain(err, &de) {
		t.Fatalf("want a domain error, got %v", err)
	}
	if de.Kind != domain.KindInvalid {
		t.Fatalf("want kind invalid, got %s", de.Kind)
	}
	return de.Fields
}

func TestUserValidateNamesEveryBadField(t *testing.T) {
	u := domain.User{Username: "A B", Email: "not-an-address", Source: "saml", DisplayName: "ok"}
	f := fieldsOf(t, u.Validate())
	for _, field := range []string{"username", "email", "source", "roles"} {
		if f[field] == "" {
			t.Errorf("no message for %s in %v", field, f)
		}
	}
	if _, ok := f["display_name"]; ok {
		t.Errorf("display_name is valid but reported: %v", f)
	}
}

func TestUserValidateAcceptsGoodUser(t *testing.T) {
	u := domain.User{Username: "ada.lovelace", Email: "ada@example.org", Source: domain.AuthLocal, Roles: []string{domain.RoleInstructor}}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidatePassword(t *testing.T) {
	if f := fieldsOf(t, domain.ValidatePassword("password", "short")); !strings.Contains(f["password"], "12") {
		t.Fatalf("message should give the minimum: %v", f)
	}
	if err := domain.ValidatePassword("password", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
}

func TestSiteValidate(t *testing.T) {
	good := domain.Site{
		Name: "lab-a", CIDR: netip.MustParsePrefix("10.20.0.0/24"), Gateway: netip.MustParseAddr("10.20.0.1"),
		DHCPStart: netip.MustParseAddr("10.20.0.100"), DHCPEnd: netip.MustParseAddr("10.20.0.200"), InternalDomain: "lab.example.org",
		ExternalIP: netip.MustParseAddr("192.0.2.10"), ExternalPortFirst: 2000, ExternalPortLast: 2999,
	}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(s *domain.Site)
		fields []string
	}{
		{"gateway outside cidr, range reversed, bad domain", func(s *domain.Site) {
			s.Gateway = netip.MustParseAddr("10.30.0.1")
			s.DHCPEnd = netip.MustParseAddr("10.20.0.50")
			s.InternalDomain = "bad_domain;"
		}, []string{"gateway_ip", "dhcp_end", "internal_domain"}},
		{"IPv6 network", func(s *domain.Site) { s.CIDR = netip.MustParsePrefix("fd00::/64") }, []string{"cidr"}},
		{"gateway inside the DHCP range", func(s *domain.Site) { s.Gateway = netip.MustParseAddr("10.20.0.150") }, []string{"gateway_ip"}},
		{"gateway is the network address", func(s *domain.Site) { s.Gateway = netip.MustParseAddr("10.20.0.0") }, []string{"gateway_ip"}},
		{"DHCP range from the network to the broadcast address", func(s *domain.Site) {
			s.DHCPStart = netip.MustParseAddr("10.20.0.0")
			s.DHCPEnd = netip.MustParseAddr("10.20.0.255")
		}, []string{"dhcp_start", "dhcp_end"}},
		{"bad name", func(s *domain.Site) { s.Name = "Lab A" }, []string{"name"}},
		{"unspecified forwarder", func(s *domain.Site) { s.DNSForwarders = []netip.Addr{{}} }, []string{"dns_forwarders"}},
		{"IPv6 external IP", func(s *domain.Site) { s.ExternalIP = netip.MustParseAddr("2001:db8::1") }, []string{"external_ip"}},
		{"missing external IP", func(s *domain.Site) { s.ExternalIP = netip.Addr{} }, []string{"external_ip"}},
		{"privileged ports", func(s *domain.Site) { s.ExternalPortFirst = 80 }, []string{"external_port_first"}},
		{"ports reversed", func(s *domain.Site) { s.ExternalPortFirst, s.ExternalPortLast = 3000, 2999 }, []string{"external_port_last"}},
		{"port above 65535", func(s *domain.Site) { s.ExternalPortLast = 70000 }, []string{"external_port_last"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.change(&bad)
			f := fieldsOf(t, bad.Validate())
			if len(f) != len(tc.fields) {
				t.Errorf("fields %v, want exactly %v", f, tc.fields)
			}
			for _, field := range tc.fields {
				if f[field] == "" {
					t.Errorf("no message for %s in %v", field, f)
				}
			}
		})
	}
}

func TestExternalDomainValidateRejectsConfigInjection(t *testing.T) {
	good := domain.ExternalDomain{Name: "lab.example.org", CertPath: "/etc/ssl/lab/fullchain.pem",
		KeyPath: "/etc/ssl/lab/privkey.pem", SiteID: uuid.New()}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "relative.pem", "/etc/ssl/a b.pem", "/etc/ssl/a.pem;", "/etc/ssl/{x}", "/etc/$host",
		"/etc/ssl/\"a\"", "/etc/ssl/a\n.pem", "/etc/../shadow", "/etc/ssl/", "/etc/ssl/'a'"} {
		bad := good
		bad.CertPath, bad.KeyPath = p, p
		f := fieldsOf(t, bad.Validate())
		if f["cert_path"] == "" || f["key_path"] == "" || len(f) != 2 {
			t.Errorf("path %q: fields %v, want cert_path and key_path", p, f)
		}
	}
	bad := domain.ExternalDomain{Name: "Lab.Example.org", CertPath: "/a", KeyPath: "/b"}
	if f := fieldsOf(t, bad.Validate()); f["name"] == "" || f["site_id"] == "" {
		t.Errorf("want name and site_id, got %v", f)
	}
}

func TestContainerValidateRejectsConfigInjection(t *testing.T) {
	c := domain.Container{Hostname: "web;\nserver {", OwnerID: uuid.New(), SiteID: uuid.New(), Source: "local:vztmpl/debian.tar.zst", Cores: 1, MemoryMB: 512, DiskGB: 8}
	if f := fieldsOf(t, c.Validate()); f["hostname"] == "" {
		t.Fatalf("want hostname error, got %v", f)
	}
}

func TestErrorMessageListsFields(t *testing.T) {
	var v domain.Validator
	v.Check(false, "b", "second")
	v.Check(false, "a", "first")
	v.Check(false, "a", "ignored")
	got := v.Err().Error()
	if got != "the request has invalid fields (a: first; b: second)" {
		t.Fatalf("got %q", got)
	}
}

func FuzzValidHostname(f *testing.F) {
	for _, s := range []string{"web", "a-b", "-a", "a_b", "x\n", strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !domain.ValidHostname(s) {
			return
		}
		if len(s) > 63 || strings.ContainsAny(s, " ;{}\n\r\t$'\"`/\\.") || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestValidatePasswordRefusesCommonPasswords(t *testing.T) {
	t.Parallel()
	for pw, want := range map[string]string{
		"short":                  "must be at least 12 characters",
		"qwerty123456":           "is one of the most commonly used passwords; choose another",
		"QAZWSXEDCRFV":           "is one of the most commonly used passwords; choose another",
		"a long, uncommon one":   "",
		strings.Repeat("x", 257): "must be at most 256 characters",
	} {
		err := domain.ValidatePassword("password", pw)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", pw, err)
			}
			continue
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Fields["password"] != want {
			t.Errorf("%q: got %v, want password %q", pw, err, want)
		}
	}
	if !domain.CommonPassword("123456") || domain.CommonPassword("labforge-is-not-common") {
		t.Error("CommonPassword does not use the list")
	}
}
