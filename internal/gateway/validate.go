package gateway

import (
	"fmt"
	"net/netip"
	"strings"
)

// ValidationError says which part of a snapshot is unacceptable and why.
// Where names the container and service ("container \"web\", service 2
// (http)") or is empty for site-wide fields.
type ValidationError struct {
	Where  string
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("invalid snapshot: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid snapshot: %s: %s: %s", e.Where, e.Field, e.Reason)
}

// Validate reports the first field of s that could not be rendered safely,
// as a *ValidationError. A snapshot that passes renders only values that
// stay inside their directive, and names no address twice.
func (s Snapshot) Validate() error {
	site := func(field string, err error) error {
		if err == nil {
			return nil
		}
		return &ValidationError{Field: field, Reason: err.Error()}
	}
	if err := site("site", checkLabel(s.Site)); err != nil {
		return err
	}
	prefix, err := netip.ParsePrefix(s.CIDR)
	if err != nil || !prefix.Addr().Is4() || prefix.Masked() != prefix || prefix.String() != s.CIDR {
		return &ValidationError{Field: "cidr", Reason: "not an IPv4 network in CIDR form (10.20.0.0/24)"}
	}
	inNet := func(field, v string) (netip.Addr, error) {
		a, err := parseIPv4(v)
		if err != nil {
			return a, site(field, err)
		}
		if !prefix.Contains(a) {
			return a, &ValidationError{Field: field, Reason: "not inside " + s.CIDR}
		}
		return a, nil
	}
	gw, err := inNet("gateway", s.Gateway)
	if err != nil {
		return err
	}
	start, err := inNet("dhcp_start", s.DHCPStart)
	if err != nil {
		return err
	}
	end, err := inNet("dhcp_end", s.DHCPEnd)
	if err != nil {
		return err
	}
	if end.Less(start) {
		return &ValidationError{Field: "dhcp_end", Reason: "before dhcp_start"}
	}
	if err := site("internal_domain", checkDNSName(s.InternalDomain)); err != nil {
		return err
	}
	for i, f := range s.DNSForwarders {
		if _, err := parseIP(f); err != nil {
			return site(fmt.Sprintf("dns_forwarders[%d]", i), err)
		}
	}
	if err := s.validateDomains(); err != nil {
		return err
	}
	return s.validateContainers(prefix, gw)
}

func (s Snapshot) validateDomains() error {
	seen := map[string]bool{}
	for _, d := range s.ExternalDomains {
		where := fmt.Sprintf("external domain %q", d.Name)
		if err := checkDNSName(d.Name); err != nil {
			return &ValidationError{Where: fmt.Sprintf("external domain %q", truncate(d.Name)), Field: "name", Reason: err.Error()}
		}
		if seen[d.Name] {
			return &ValidationError{Where: where, Field: "name", Reason: "listed twice"}
		}
		seen[d.Name] = true
		if (d.CertPath == "") != (d.KeyPath == "") {
			return &ValidationError{Where: where, Field: "cert_path", Reason: "certificate and key must be given together"}
		}
		if d.CertPath == "" {
			continue
		}
		if err := checkPath(d.CertPath); err != nil {
			return &ValidationError{Where: where, Field: "cert_path", Reason: err.Error()}
		}
		if err := checkPath(d.KeyPath); err != nil {
			return &ValidationError{Where: where, Field: "key_path", Reason: err.Error()}
		}
	}
	return nil
}

// domainOf returns the longest external domain host is equal to or under.
func (s Snapshot) domainOf(host string) (ExternalDomain, bool) {
	var best ExternalDomain
	found := false
	for _, d := range s.ExternalDomains {
		if (host == d.Name || strings.HasSuffix(host, "."+d.Name)) && len(d.Name) > len(best.Name) {
			best, found = d, true
		}
	}
	return best, found
}

// truncate shortens a hostile value before it is quoted in an error.
func truncate(v string) string {
	if len(v) > 64 {
		return v[:64] + "..."
	}
	return v
}
