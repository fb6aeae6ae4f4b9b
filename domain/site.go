package domain

import (
	"net/netip"
	"time"

	"github.com/google/uuid"
)

// Site is a network where self-service containers live: an address range,
// an internal DNS domain and the NGINX/dnsmasq gateway host that serves it.
type Site struct {
	ID             uuid.UUID    `json:"id"`
	Name           string       `json:"name"`
	CIDR           netip.Prefix `json:"cidr"`
	Gateway        netip.Addr   `json:"gateway"`
	DHCPStart      netip.Addr   `json:"dhcp_start"`
	DHCPEnd        netip.Addr   `json:"dhcp_end"`
	InternalDomain string       `json:"internal_domain"`
	DNSForwarders  []netip.Addr `json:"dns_forwarders"`
	CreatedAt      time.Time    `json:"created_at"`
}

// Validate checks that the site's addresses are consistent.
func (s *Site) Validate() error {
	var v Validator
	v.Check(ValidSlug(s.Name), "name", "must be a lower-case name of letters, digits and hyphens")
	v.Check(s.CIDR.IsValid() && s.CIDR.Addr().Is4(), "cidr", "must be an IPv4 network such as 10.20.0.0/24")
	if s.CIDR.IsValid() {
		v.Check(s.Gateway.IsValid() && s.CIDR.Contains(s.Gateway), "gateway", "must be an address inside cidr")
		v.Check(s.DHCPStart.IsValid() && s.CIDR.Contains(s.DHCPStart), "dhcp_start", "must be an address inside cidr")
		v.Check(s.DHCPEnd.IsValid() && s.CIDR.Contains(s.DHCPEnd), "dhcp_end", "must be an address inside cidr")
		v.Check(!s.DHCPStart.IsValid() || !s.DHCPEnd.IsValid() || !s.DHCPEnd.Less(s.DHCPStart), "dhcp_end", "must not be below dhcp_start")
	}
	v.Check(validDomain(s.InternalDomain), "internal_domain", "must be a DNS domain such as lab.example.org")
	for _, f := range s.DNSForwarders {
		v.Check(f.IsValid(), "dns_forwarders", "must be IP addresses")
	}
	return v.Err()
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
