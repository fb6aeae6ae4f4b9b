package containers

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/store"
)

// The benchmark's site "bench": a network on loopback, so that the
// simulator's containers answer HTTP on their leased addresses and the
// gateway's NGINX on this machine reaches them (as the dev stack's site
// "lab" does, on its own network).
const (
	siteName       = "bench"
	siteCIDR       = "127.88.0.0/22"
	siteGateway    = "127.88.0.1"
	siteDHCPStart  = "127.88.0.10"
	siteDHCPEnd    = "127.88.3.250"
	internalDomain = "bench.internal"
	externalDomain = "apps.bench.test"
	// siteBridge is the simulator's bridge on the site's network.
	siteBridge = "vmbr1"
	// ctTemplate is the CT template volume every simulated node holds.
	ctTemplate = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
	// guestPort is where each simulated container answers HTTP.
	guestPort = 8080
	// maxContainers is how many containers the benchmark makes in all
	// rounds: the simulator's guest ports answer for at most 256.
	maxContainers = 250
)

// seed is a simulated cluster "lab" of k nodes pve1..pveK with the
// default seed's storages and CT templates, no QEMU template, and the
// site's bridge, whose DHCP server reads the gateway's dhcp-hostsfile.
func seed(k int, dhcpHostsFile string) *pvesim.Seed {
	const gib = 1 << 30
	s := pvesim.DefaultSeed()
	proto := s.Nodes[0]
	s.Nodes, s.Templates, s.Guests = nil, nil, nil
	for i := range k {
		n := proto
		n.Name, n.Memory, n.CPUs, n.IP = nodeName(i), 512*gib, 64, fmt.Sprintf("192.168.100.%d", 11+i)
		s.Nodes = append(s.Nodes, n)
	}
	s.Bridges = append(s.Bridges, pvesim.SeedBridge{Name: siteBridge, CIDR: siteCIDR, Gateway: siteGateway,
		PoolStart: siteDHCPStart, PoolEnd: siteDHCPEnd, DHCPHostsFile: dhcpHostsFile})
	return s
}

func nodeName(i int) string { return fmt.Sprintf("pve%d", i+1) }

// seedSite stores the site, its external domain (with the certificate
// in certFile and keyFile) and the simulator's nodes, online and
// attached to the site with containers on its bridge, as a site
// registration and an inventory sync would.
func seedSite(ctx context.Context, tb testing.TB, db *store.DB, sim *pvesim.Server, certFile, keyFile string) *domain.Site {
	tb.Helper()
	site := &domain.Site{
		Name: siteName, CIDR: netip.MustParsePrefix(siteCIDR), Gateway: netip.MustParseAddr(siteGateway),
		DHCPStart: netip.MustParseAddr(siteDHCPStart), DHCPEnd: netip.MustParseAddr(siteDHCPEnd),
		InternalDomain: internalDomain, DNSForwarders: []netip.Addr{}, ExternalIP: netip.MustParseAddr("127.0.0.1"),
		ExternalPortFirst: 20000, ExternalPortLast: 20999,
	}
	if err := db.CreateSite(ctx, site); err != nil {
		tb.Fatalf("site: %v", err)
	}
	d := &domain.ExternalDomain{Name: externalDomain, CertPath: certFile, KeyPath: keyFile, SiteID: site.ID}
	if err := db.CreateExternalDomain(ctx, d); err != nil {
		tb.Fatalf("external domain: %v", err)
	}
	for _, name := range sim.Nodes() {
		n := &domain.Node{Name: name, Cluster: "lab", Endpoint: sim.URL(), TokenID: pvesim.DefaultTokenID,
			TokenSecret: pvesim.DefaultTokenSecret, TLSFingerprint: sim.Fingerprint(), Storages: []string{"local-lvm"},
			Bridge: siteBridge, CloneConcurrency: 3, SiteID: &site.ID}
		if err := db.CreateNode(ctx, n); err != nil {
			tb.Fatalf("node %s: %v", name, err)
		}
		n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 512<<30, 8<<30
		if err := db.UpdateNodeStatus(ctx, n); err != nil {
			tb.Fatalf("node %s status: %v", name, err)
		}
	}
	return site
}
