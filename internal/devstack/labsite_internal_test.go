package devstack

import (
	"crypto/tls"
	"slices"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestSimSeedHasTheLabNetwork checks that the simulator gets the lab
// bridge, reading the gateway's reservations, and the lab's CT template.
func TestSimSeedHasTheLabNetwork(t *testing.T) {
	seed := simSeed(SimNetwork{DHCPHostsFile: "/tmp/x/dhcp-hosts"})
	i := slices.IndexFunc(seed.Bridges, func(b pvesim.SeedBridge) bool { return b.Name == labBridge })
	if i < 0 {
		t.Fatalf("no bridge %s in %+v", labBridge, seed.Bridges)
	}
	if b := seed.Bridges[i]; b.CIDR != labCIDR || b.PoolStart != labDHCPStart || b.PoolEnd != labDHCPEnd || b.DHCPHostsFile != "/tmp/x/dhcp-hosts" {
		t.Errorf("lab bridge = %+v", b)
	}
	n := 0
	for _, ct := range seed.CTTemplates {
		if "local:vztmpl/"+ct.File == labCTTemplate && ct.Storage == "local" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s listed %d times", labCTTemplate, n)
	}
	if _, err := pvesim.NewServer(pvesim.Config{Seed: seed, SkipValidation: true}); err != nil {
		t.Errorf("the simulator refuses the seed: %v", err)
	}
}

// TestLabCertificate checks the external domain's certificate: for the
// domain and its subdomains, made once and kept while valid.
func TestLabCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key, err := ensureLabCertificate(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"apps.localhost", "web.apps.localhost"} {
		if err := c.Leaf.VerifyHostname(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if time.Until(c.Leaf.NotAfter) < 300*24*time.Hour {
		t.Errorf("expires %s", c.Leaf.NotAfter)
	}
	if _, _, err := ensureLabCertificate(dir); err != nil {
		t.Fatal(err)
	}
	again, err := tls.LoadX509KeyPair(cert, key)
	if err != nil || !again.Leaf.Equal(c.Leaf) {
		t.Errorf("the certificate was replaced: %v", err)
	}
}
