package domain

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/uuid"
)

// The external port pool a site gets when its registration names none.
const (
	DefaultExternalPortFirst = 2000
	DefaultExternalPortLast  = 2999
)

// The bounds of any site's external port pool: no privileged ports.
const (
	minExternalPort = 1024
	maxExternalPort = 65535
)

// Site is a network where self-service containers live: an address range,
// an internal DNS domain and the NGINX/dnsmasq gateway host that serves it,
// reachable from outside on ExternalIP. TCP and UDP services are published
// on ports of [ExternalPortFirst, ExternalPortLast].
type Site struct {
	ID                uuid.UUID    `json:"id"`
	Name              string       `json:"name"`
	CIDR              netip.Prefix `json:"cidr"`
	Gateway           netip.Addr   `json:"gateway_ip"`
	DHCPStart         netip.Addr   `json:"dhcp_start"`
	DHCPEnd           netip.Addr   `json:"dhcp_end"`
	InternalDomain    string       `json:"internal_domain"`
	DNSForwarders     []netip.Addr `json:"dns_forwarders"`
	ExternalIP        netip.Addr   `json:"external_ip"`
	ExternalPortFirst int          `json:"external_port_first"`
	ExternalPortLast  int          `json:"external_port_last"`
	// GatewayStatus is what the site's gateway host last applied; nil
	// until a gateway has applied the site's configuration.
	GatewayStatus *SiteGateway `json:"gateway"`
	CreatedAt     time.Time    `json:"created_at"`
}

// SiteGateway is the last configuration a site's gateway host applied.
type SiteGateway struct {
	AppliedAt *time.Time `json:"applied_at"`
	Hash      string     `json:"hash"`
	Status    string     `json:"status"`
	Error     string     `json:"error"`
}

// Validate checks that the site's addresses, names and port pool are
// consistent, naming every bad field.
func (s *Site) Validate() error {
	var v Validator
	v.Check(ValidSlug(s.Name), "name", "must be a lower-case name of letters, digits and hyphens")
	v.Check(s.CIDR.IsValid() && s.CIDR.Addr().Is4(), "cidr", "must be an IPv4 network such as 10.20.0.0/24")
	if s.CIDR.IsValid() && s.CIDR.Addr().Is4() {
		s.checkAddresses(&v)
	}
	v.Check(validDomain(s.InternalDomain), "internal_domain", "must be a DNS domain such as lab.example.org")
	for _, f := range s.DNSForwarders {
		v.Check(f.IsValid() && !f.IsUnspecified(), "dns_forwarders", "must be IP addresses")
	}
	v.Check(s.ExternalIP.IsValid() && s.ExternalIP.Is4() && !s.ExternalIP.IsUnspecified(), "external_ip",
		"must be the IPv4 address the gateway host receives traffic on")
	v.Check(s.ExternalPortFirst >= minExternalPort && s.ExternalPortFirst <= maxExternalPort,
		"external_port_first", "must be between 1024 and 65535")
	v.Check(s.ExternalPortLast >= minExternalPort && s.ExternalPortLast <= maxExternalPort,
		"external_port_last", "must be between 1024 and 65535")
	v.Check(s.ExternalPortLast >= s.ExternalPortFirst, "external_port_last", "must not be below external_port_first")
	return v.Err()
}

// checkAddresses checks the gateway and DHCP range against s.CIDR, a
// valid IPv4 network.
func (s *Site) checkAddresses(v *Validator) {
	network := s.CIDR.Masked().Addr()
	broadcast := lastAddr(s.CIDR)
	host := func(a netip.Addr) bool {
		return a.IsValid() && s.CIDR.Contains(a) && a != network && a != broadcast
	}
	inRange := host(s.DHCPStart) && host(s.DHCPEnd) && !s.DHCPEnd.Less(s.DHCPStart)
	v.Check(host(s.Gateway), "gateway_ip", "must be a host address inside cidr")
	v.Check(!inRange || s.Gateway.Less(s.DHCPStart) || s.DHCPEnd.Less(s.Gateway), "gateway_ip",
		"must be outside the DHCP range")
	v.Check(host(s.DHCPStart), "dhcp_start", "must be a host address inside cidr, not its network or broadcast address")
	v.Check(host(s.DHCPEnd), "dhcp_end", "must be a host address inside cidr, not its network or broadcast address")
	v.Check(!s.DHCPStart.IsValid() || !s.DHCPEnd.IsValid() || !s.DHCPEnd.Less(s.DHCPStart), "dhcp_end",
		"must not be below dhcp_start")
}

// lastAddr returns the broadcast address of an IPv4 network.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	a[0] |= byte(host >> 24)
	a[1] |= byte(host >> 16)
	a[2] |= byte(host >> 8)
	a[3] |= byte(host)
	return netip.AddrFrom4(a)
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i == len(d) || d[i] == '.' {
			if !ValidHostname(d[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// ValidDomain reports whether d is a lower-case DNS name of RFC 1123
// labels, such as lab.example.org.
func ValidDomain(d string) bool { return validDomain(d) }

// SiteStore keeps the sites containers live in.
type SiteStore interface {
	// CreateSite stores s, assigning ID (unless set) and CreatedAt. It
	// returns KindInvalid, or KindConflict when the name is taken.
	CreateSite(ctx context.Context, s *Site) error
	// FindSite returns the site or KindNotFound.
	FindSite(ctx context.Context, id uuid.UUID) (*Site, error)
	// FindSiteByName returns the site of that name or KindNotFound.
	FindSiteByName(ctx context.Context, name string) (*Site, error)
	// ListSites returns sites ordered by name, and the cursor of the next
	// page ("" at the end).
	ListSites(ctx context.Context, page Page) ([]Site, string, error)
	// UpdateSite stores every setting of s; GatewayStatus is left to the
	// gateway. It returns KindNotFound, KindInvalid or KindConflict (the
	// name is taken).
	UpdateSite(ctx context.Context, s *Site) error
	// DeleteSite deletes the site and the permissions granted on it. It
	// returns KindNotFound, or KindConflict naming what still uses it:
	// external domains, nodes or containers.
	DeleteSite(ctx context.Context, id uuid.UUID) error
}
