package gateway

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Snapshot is everything the gateway host of one site serves: its network,
// its DNS settings, its external domains and the containers with their
// services. It is the whole input of rendering; two snapshots with the same
// Hash render the same files.
type Snapshot struct {
	Site            string           `json:"site"`
	CIDR            string           `json:"cidr"`             // site network, "10.20.0.0/24"
	Gateway         string           `json:"gateway"`          // router address handed out by DHCP
	DHCPStart       string           `json:"dhcp_start"`       // first address of the DHCP range
	DHCPEnd         string           `json:"dhcp_end"`         // last address of the DHCP range
	InternalDomain  string           `json:"internal_domain"`  // containers are <hostname>.<internal domain>
	DNSForwarders   []string         `json:"dns_forwarders"`   // upstream resolvers, IPv4 addresses
	ExternalDomains []ExternalDomain `json:"external_domains"` // domains HTTP services are published under
	Containers      []Container      `json:"containers"`
}

// ExternalDomain is a domain HTTP services are published under. CertPath and
// KeyPath are files on the gateway host; when both are set, services under
// the domain are also served over TLS with that certificate.
type ExternalDomain struct {
	Name     string `json:"name"`
	CertPath string `json:"cert_path,omitempty"`
	KeyPath  string `json:"key_path,omitempty"`
}

// Container is one LXC container of the site with its reserved address.
type Container struct {
	Hostname string    `json:"hostname"` // RFC 1123 label
	MAC      string    `json:"mac"`      // "BC:24:11:00:00:01"
	IPv4     string    `json:"ipv4"`     // inside the site's CIDR
	Services []Service `json:"services"`
}

// Service kinds.
const (
	KindHTTP = "http" // L7: routed by host name, optionally TLS
	KindTCP  = "tcp"  // L4: an external TCP port forwarded to the container
	KindUDP  = "udp"  // L4: an external UDP port forwarded to the container
)

// Service is one published port of a container. HTTP services use Host,
// Port and Scheme; TCP and UDP services use Port (inside the container) and
// ExternalPort (on the gateway).
type Service struct {
	Kind         string `json:"kind"`
	Host         string `json:"host,omitempty"`   // http: external host name under an external domain
	Port         int    `json:"port"`             // backend port in the container
	Scheme       string `json:"scheme,omitempty"` // http: "http" or "https" towards the container
	ExternalPort int    `json:"external_port,omitempty"`
}

// Hash is a stable SHA-256 (hex) over a canonical encoding of s: the order of
// containers, services and external domains does not matter, the order of
// forwarders does (dnsmasq may try them in order).
func (s Snapshot) Hash() string {
	b, err := json.Marshal(s.canonical())
	if err != nil {
		// Only plain strings, ints and slices: Marshal cannot fail.
		panic("gateway: encoding snapshot: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonical returns a deep copy of s with containers, services and external
// domains sorted, so equal sites encode equally.
func (s Snapshot) canonical() Snapshot {
	c := s
	c.DNSForwarders = slices.Clone(s.DNSForwarders)
	c.ExternalDomains = slices.Clone(s.ExternalDomains)
	slices.SortFunc(c.ExternalDomains, func(a, b ExternalDomain) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.CertPath, b.CertPath), cmp.Compare(a.KeyPath, b.KeyPath))
	})
	c.Containers = make([]Container, len(s.Containers))
	for i, ct := range s.Containers {
		ct.Services = slices.Clone(ct.Services)
		slices.SortFunc(ct.Services, compareServices)
		c.Containers[i] = ct
	}
	slices.SortFunc(c.Containers, func(a, b Container) int {
		return cmp.Or(cmp.Compare(a.Hostname, b.Hostname), cmp.Compare(a.MAC, b.MAC), cmp.Compare(a.IPv4, b.IPv4))
	})
	return c
}

func compareServices(a, b Service) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Host, b.Host), cmp.Compare(a.ExternalPort, b.ExternalPort),
		cmp.Compare(a.Port, b.Port), cmp.Compare(a.Scheme, b.Scheme))
}
