package domain_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

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
	}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.Gateway = netip.MustParseAddr("10.30.0.1")
	bad.DHCPEnd = netip.MustParseAddr("10.20.0.50")
	bad.InternalDomain = "bad_domain;"
	f := fieldsOf(t, bad.Validate())
	for _, field := range []string{"gateway", "dhcp_end", "internal_domain"} {
		if f[field] == "" {
			t.Errorf("no message for %s in %v", field, f)
		}
	}
}

func TestEnvironmentValidateIndexesMachines(t *testing.T) {
	e := domain.Environment{Name: "Networking 101", Machines: []domain.EnvironmentMachine{
		{TemplateID: uuid.New(), Name: "router", Protocol: "ssh"},
		{TemplateID: uuid.New(), Name: "router", Protocol: "telnet"},
	}}
	f := fieldsOf(t, e.Validate())
	if f["machines[1].name"] == "" || f["machines[1].protocol"] == "" {
		t.Fatalf("want machine-indexed fields, got %v", f)
	}
}

func TestEventValidateSchedule(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e := domain.Event{Name: "Lab", EnvironmentID: uuid.New(), StartsAt: now, EndsAt: now.Add(-time.Hour)}
	if f := fieldsOf(t, e.Validate()); f["ends_at"] == "" {
		t.Fatalf("want ends_at, got %v", f)
	}
}

func TestContainerValidateRejectsConfigInjection(t *testing.T) {
	c := domain.Container{Hostname: "web;\nserver {", OwnerID: uuid.New(), SiteID: uuid.New(), OSTemplate: "local:vztmpl/debian.tar.zst", Cores: 1, MemoryMB: 512, DiskGB: 8}
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
