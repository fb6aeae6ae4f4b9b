package gateway

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// lookupA asks the site's dnsmasq for name's A records.
func (s *testSite) lookupA(t *testing.T, name string) ([]string, error) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second}
	in, _, err := c.Exchange(m, "127.0.0.1:"+strconv.Itoa(s.dnsPort))
	if err != nil {
		return nil, err
	}
	var ips []string
	for _, rr := range in.Answer {
		if a, ok := rr.(*dns.A); ok {
			ips = append(ips, a.A.String())
		}
	}
	return ips, nil
}

func TestDnsmasqAnswersContainerNamesAndPicksUpNewOnes(t *testing.T) {
	s := newTestSite(t)
	ctx := testContext(t, 20*time.Second)
	if _, err := s.applier.Apply(ctx, s.snap); err != nil {
		t.Fatal(err)
	}
	s.startDnsmasq(t)

	var ips []string
	waitFor(ctx, t, "dnsmasq to answer web.lab.test", func() bool {
		var err error
		ips, err = s.lookupA(t, "web.lab.test")
		return err == nil && len(ips) > 0
	})
	if len(ips) != 1 || ips[0] != containerIP {
		t.Fatalf("web.lab.test = %v, want [%s]", ips, containerIP)
	}

	// A new container is served after the apply's SIGHUP, without a restart.
	s.snap.Containers = append(s.snap.Containers, Container{Hostname: "db", MAC: "BC:24:11:00:00:02", IPv4: "127.0.0.3"})
	res, err := s.applier.Apply(ctx, s.snap)
	if err != nil {
		t.Fatal(err)
	}
	if res.DnsmasqRestartNeeded {
		t.Fatal("adding a container asked for a dnsmasq restart")
	}
	waitFor(ctx, t, "db.lab.test after reload", func() bool {
		ips, err := s.lookupA(t, "db.lab.test")
		return err == nil && len(ips) == 1 && ips[0] == "127.0.0.3"
	})
}

func TestDnsmasqAcceptsTheDHCPPart(t *testing.T) {
	s := newTestSite(t)
	s.cfg.Dnsmasq.DHCP = true
	s.applier = s.newApplier(t)
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatalf("dnsmasq --test on the DHCP settings: %v", err)
	}
	leases, err := os.ReadFile(s.cfg.Dnsmasq.DHCPHostsFile)
	if err != nil || !strings.Contains(string(leases), "BC:24:11:00:00:01,127.0.0.2,web\n") {
		t.Fatalf("static leases: %q, %v", leases, err)
	}
}

func TestDnsmasqSiteSettingsChangeAsksForARestart(t *testing.T) {
	s := newTestSite(t)
	ctx := testContext(t, 20*time.Second)
	if _, err := s.applier.Apply(ctx, s.snap); err != nil {
		t.Fatal(err)
	}
	s.startDnsmasq(t)
	s.snap.DNSForwarders = []string{"192.0.2.53"}
	res, err := s.applier.Apply(ctx, s.snap)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || !res.DnsmasqRestartNeeded {
		t.Fatalf("new forwarders: %+v, want a change that asks for a dnsmasq restart", res)
	}
}
