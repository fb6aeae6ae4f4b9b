package gateway

import (
	"fmt"
	"net/netip"
	"strings"
)

func (s Snapshot) validateContainers(prefix netip.Prefix, gw netip.Addr) error {
	hostnames, macs, ips := map[string]bool{}, map[string]bool{}, map[netip.Addr]bool{}
	httpHosts := map[string]bool{}
	ports := map[string]bool{} // "tcp/2222"
	for i, c := range s.Containers {
		if err := checkLabel(c.Hostname); err != nil {
			return &ValidationError{Where: fmt.Sprintf("container %d (%q)", i, truncate(c.Hostname)), Field: "hostname", Reason: err.Error()}
		}
		where := fmt.Sprintf("container %q", c.Hostname)
		fail := func(field, reason string) error { return &ValidationError{Where: where, Field: field, Reason: reason} }
		if hostnames[c.Hostname] {
			return fail("hostname", "used by another container")
		}
		hostnames[c.Hostname] = true
		if err := checkMAC(c.MAC); err != nil {
			return fail("mac", err.Error())
		}
		if macs[strings.ToUpper(c.MAC)] {
			return fail("mac", "used by another container")
		}
		macs[strings.ToUpper(c.MAC)] = true
		ip, err := parseIPv4(c.IPv4)
		if err != nil {
			return fail("ipv4", err.Error())
		}
		switch {
		case !prefix.Contains(ip):
			return fail("ipv4", "not inside "+s.CIDR)
		case ip == gw:
			return fail("ipv4", "is the gateway's address")
		case ip == prefix.Addr():
			return fail("ipv4", "is the network address")
		case ips[ip]:
			return fail("ipv4", "used by another container")
		}
		ips[ip] = true
		for j, svc := range c.Services {
			if err := s.validateService(svc, httpHosts, ports); err != nil {
				err.Where = fmt.Sprintf("%s, service %d (%s)", where, j, kindLabel(svc.Kind))
				return err
			}
		}
	}
	return nil
}

// validateService checks one service and records its host name or external
// port in seen, so no two services claim the same one.
func (s Snapshot) validateService(svc Service, httpHosts, ports map[string]bool) *ValidationError {
	fail := func(field, reason string) *ValidationError { return &ValidationError{Field: field, Reason: reason} }
	if err := checkPort(svc.Port); err != nil {
		return fail("port", err.Error())
	}
	switch svc.Kind {
	case KindHTTP:
		if err := checkDNSName(svc.Host); err != nil {
			return fail("host", err.Error())
		}
		if _, ok := s.domainOf(svc.Host); !ok {
			return fail("host", "not under any of the site's external domains")
		}
		if httpHosts[svc.Host] {
			return fail("host", "used by another service")
		}
		httpHosts[svc.Host] = true
		if svc.Scheme != "http" && svc.Scheme != "https" {
			return fail("scheme", `not "http" or "https"`)
		}
		if svc.ExternalPort != 0 {
			return fail("external_port", "not used by http services; leave it 0")
		}
	case KindTCP, KindUDP:
		if svc.Host != "" || svc.Scheme != "" {
			return fail("host", "not used by tcp and udp services; leave host and scheme empty")
		}
		if err := checkPort(svc.ExternalPort); err != nil {
			return fail("external_port", err.Error())
		}
		key := fmt.Sprintf("%s/%d", svc.Kind, svc.ExternalPort)
		if ports[key] {
			return fail("external_port", "used by another service")
		}
		ports[key] = true
	default:
		return fail("kind", `not "http", "tcp" or "udp"`)
	}
	return nil
}

// kindLabel names a service kind in an error: known kinds as they are,
// anything else quoted.
func kindLabel(kind string) string {
	switch kind {
	case KindHTTP, KindTCP, KindUDP:
		return kind
	}
	return fmt.Sprintf("%q", truncate(kind))
}
