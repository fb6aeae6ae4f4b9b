package gateway

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// renderDnsmasq renders dnsmasq's main configuration file. Per-container
// records go to the hosts and DHCP hosts files it names, because dnsmasq
// re-reads those on SIGHUP but never re-reads its main file: adding a
// container needs a reload, not a restart. s must be valid.
func renderDnsmasq(s Snapshot, o DnsmasqOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# dnsmasq for site %s, rendered by Labforge, edits are overwritten.\n", s.Site)
	if o.Port != 0 {
		fmt.Fprintf(&b, "port=%d\n", o.Port)
	}
	if o.ListenAddress != "" {
		fmt.Fprintf(&b, "listen-address=%s\nbind-interfaces\n", o.ListenAddress)
	}
	b.WriteString("domain-needed\nbogus-priv\nno-hosts\n")
	if len(s.DNSForwarders) > 0 {
		b.WriteString("no-resolv\n")
	}
	for _, f := range s.DNSForwarders {
		fmt.Fprintf(&b, "server=%s\n", f)
	}
	fmt.Fprintf(&b, "domain=%s\nlocal=/%s/\n", s.InternalDomain, s.InternalDomain)
	fmt.Fprintf(&b, "addn-hosts=%s\n", o.HostsFile)
	if o.DHCP {
		p := netip.MustParsePrefix(s.CIDR)
		mask := net.IP(net.CIDRMask(p.Bits(), 32)).String()
		fmt.Fprintf(&b, "dhcp-range=%s,%s,%s,12h\n", s.DHCPStart, s.DHCPEnd, mask)
		fmt.Fprintf(&b, "dhcp-option=option:router,%s\n", s.Gateway)
		fmt.Fprintf(&b, "dhcp-hostsfile=%s\n", o.DHCPHostsFile)
	}
	return b.String()
}

// renderHosts renders the addn-hosts file: each container's internal name
// and its reserved address. s must be valid.
func renderHosts(s Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# containers of site %s, rendered by Labforge.\n", s.Site)
	for _, c := range s.canonical().Containers {
		fmt.Fprintf(&b, "%s %s.%s\n", c.IPv4, c.Hostname, s.InternalDomain)
	}
	return b.String()
}

// renderDHCPHosts renders the dhcp-hostsfile: one static lease per
// container, in dhcp-host syntax without the "dhcp-host=". s must be valid.
func renderDHCPHosts(s Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# static leases of site %s, rendered by Labforge.\n", s.Site)
	for _, c := range s.canonical().Containers {
		fmt.Fprintf(&b, "%s,%s,%s\n", c.MAC, c.IPv4, c.Hostname)
	}
	return b.String()
}
