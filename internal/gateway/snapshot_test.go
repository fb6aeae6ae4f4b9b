package gateway

import (
	"slices"
	"testing"
)

// sampleSnapshot is a valid site with one container of each service kind.
func sampleSnapshot() Snapshot {
	return Snapshot{
		Site:            "lab1",
		CIDR:            "10.20.0.0/24",
		Gateway:         "10.20.0.1",
		DHCPStart:       "10.20.0.100",
		DHCPEnd:         "10.20.0.200",
		InternalDomain:  "lab1.internal",
		DNSForwarders:   []string{"192.0.2.53", "192.0.2.54"},
		ExternalDomains: []ExternalDomain{{Name: "apps.example.org", CertPath: "/etc/labforge/tls/apps.crt", KeyPath: "/etc/labforge/tls/apps.key"}},
		Containers: []Container{
			{Hostname: "web", MAC: "BC:24:11:00:00:01", IPv4: "10.20.0.10", Services: []Service{
				{Kind: KindHTTP, Host: "web.apps.example.org", Port: 8080, Scheme: "http"},
				{Kind: KindTCP, Port: 22, ExternalPort: 2201},
			}},
			{Hostname: "dns", MAC: "BC:24:11:00:00:02", IPv4: "10.20.0.11", Services: []Service{
				{Kind: KindUDP, Port: 53, ExternalPort: 5301},
			}},
		},
	}
}

func TestHashIgnoresOrderOfContainersAndServices(t *testing.T) {
	a := sampleSnapshot()
	b := sampleSnapshot()
	slices.Reverse(b.Containers)
	slices.Reverse(b.Containers[1].Services)
	if a.Hash() != b.Hash() {
		t.Fatal("reordering containers and services changed the hash")
	}
	if got := a.Hash(); len(got) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", got)
	}
	b.Containers[0].Services[0].Port = 8081
	if a.Hash() == b.Hash() {
		t.Fatal("changing a backend port kept the hash")
	}
}

func TestHashDoesNotModifyTheSnapshot(t *testing.T) {
	s := sampleSnapshot()
	_ = s.Hash()
	if s.Containers[0].Hostname != "web" || s.Containers[0].Services[0].Kind != KindHTTP {
		t.Fatal("Hash reordered the caller's slices")
	}
}
