package pveschema

import (
	"strconv"
	"strings"
)

// Network formats from pve-common's PVE::JSONSchema (with the IPv4/IPv6
// grammars of PVE::Tools) and pve-container's PVE::LXC::Config.

const (
	ipv4Octet = `(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])`
	ipv4RE    = `(?:(?:` + ipv4Octet + `\.){3}` + ipv4Octet + `)`
	ipv6H16   = `(?:[0-9a-fA-F]{1,4})`
	ipv6LS32  = `(?:(?:` + ipv4RE + `|` + ipv6H16 + `:` + ipv6H16 + `))`
	// ipv6RE is RFC 3986's IPv6address grammar, as PVE::Tools spells it.
	ipv6RE = `(?:` +
		`(?:(?:(?:` + ipv6H16 + `:){6})` + ipv6LS32 + `)|` +
		`(?:(?:::(?:` + ipv6H16 + `:){5})` + ipv6LS32 + `)|` +
		`(?:(?:(?:` + ipv6H16 + `)?::(?:` + ipv6H16 + `:){4})` + ipv6LS32 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,1}` + ipv6H16 + `)?::(?:` + ipv6H16 + `:){3})` + ipv6LS32 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,2}` + ipv6H16 + `)?::(?:` + ipv6H16 + `:){2})` + ipv6LS32 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,3}` + ipv6H16 + `)?::(?:` + ipv6H16 + `:){1})` + ipv6LS32 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,4}` + ipv6H16 + `)?::)` + ipv6LS32 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,5}` + ipv6H16 + `)?::)` + ipv6H16 + `)|` +
		`(?:(?:(?:(?:` + ipv6H16 + `:){0,6}` + ipv6H16 + `)?::)))`
)

var (
	reIPv4     = anchored(ipv4RE)
	reIPv6     = anchored(ipv6RE)
	reIP       = anchored(ipv4RE + `|` + ipv6RE)
	reCIDRv4   = anchored(ipv4RE + `/(\d+)`)
	reCIDRv6   = anchored(ipv6RE + `/(\d+)`)
	reMACAddr  = anchored(`(?i)[a-f0-9][02468ace](?::[a-f0-9]{2}){5}`)
	reIPConfV4 = anchored(`dhcp|manual`)
	reIPConfV6 = anchored(`auto|dhcp|manual`)
	reVLAN     = anchored(`(\d+)(?:-(\d+))?`)
)

var ipv4Masks = func() map[string]bool {
	m := make(map[string]bool, 33)
	for bits := 0; bits <= 32; bits++ {
		mask := uint32(0)
		if bits > 0 {
			mask = ^uint32(0) << (32 - bits)
		}
		m[strconv.Itoa(int(mask>>24))+"."+strconv.Itoa(int(mask>>16&255))+"."+
			strconv.Itoa(int(mask>>8&255))+"."+strconv.Itoa(int(mask&255))] = true
	}
	return m
}()

func verifyMACAddr(v string) string {
	if !reMACAddr.MatchString(v) {
		return "value does not look like a valid unicast MAC address\n"
	}
	return ""
}

func verifyIPv4(v string) string {
	if !reIPv4.MatchString(v) {
		return "value does not look like a valid IPv4 address\n"
	}
	return ""
}

func verifyIPv6(v string) string {
	if !reIPv6.MatchString(v) {
		return "value does not look like a valid IPv6 address\n"
	}
	return ""
}

func verifyIP(v string) string {
	if !reIP.MatchString(v) {
		return "value does not look like a valid IP address\n"
	}
	return ""
}

func verifyIPv4Mask(v string) string {
	if !ipv4Masks[v] {
		return "value does not look like a valid IP netmask\n"
	}
	return ""
}

// cidrBitsIn reports whether re matches v with a prefix length in (7, max].
func cidrBitsIn(re interface{ FindStringSubmatch(string) []string }, v string, max int) bool {
	m := re.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	bits, err := strconv.Atoi(m[len(m)-1])
	return err == nil && bits > 7 && bits <= max
}

func isCIDRv4(v string) bool { return cidrBitsIn(reCIDRv4, v, 32) }
func isCIDRv6(v string) bool { return cidrBitsIn(reCIDRv6, v, 128) }

func verifyCIDRv4(v string) string {
	if !isCIDRv4(v) {
		return "value does not look like a valid IPv4 CIDR network\n"
	}
	return ""
}

func verifyCIDRv6(v string) string {
	if !isCIDRv6(v) {
		return "value does not look like a valid IPv6 CIDR network\n"
	}
	return ""
}

func verifyCIDR(v string) string {
	if !isCIDRv4(v) && !isCIDRv6(v) {
		return "value does not look like a valid CIDR network\n"
	}
	return ""
}

func verifyIPv4Config(v string) string {
	if !reIPConfV4.MatchString(v) && !isCIDRv4(v) {
		return "value does not look like a valid ipv4 network configuration\n"
	}
	return ""
}

func verifyIPv6Config(v string) string {
	if !reIPConfV6.MatchString(v) && !isCIDRv6(v) {
		return "value does not look like a valid ipv6 network configuration\n"
	}
	return ""
}

func verifyAddress(v string) string {
	if !reIP.MatchString(v) && !isDNSName(chompPerl(v)) {
		return "value does not look like a valid address: " + v + "\n"
	}
	return ""
}

func verifyVLANIDOrRange(v string) string {
	m := reVLAN.FindStringSubmatch(v)
	if m == nil {
		return "invalid VLAN configuration '" + v + "'\n"
	}
	start, _ := strconv.Atoi(m[1])
	if start < 2 || start > 4094 {
		return "invalid VLAN tag '" + m[1] + "'\n"
	}
	if perlTrue(m[2]) {
		end, _ := strconv.Atoi(m[2])
		if end < 2 || end > 4094 {
			return "invalid VLAN tag '" + m[2] + "'\n"
		}
		if start >= end {
			return "VLAN range must go from lower to higher tag '" + v + "'\n"
		}
	}
	return ""
}

// verifyIPWithLinkLocalIface mirrors LXC::Config::verify_ip_with_ll_iface:
// an IP address, or a link-local IPv6 address with a "%iface" suffix.
func verifyIPWithLinkLocalIface(v string) string {
	if addr, iface, ok := strings.Cut(v, "%"); ok && strings.HasPrefix(addr, "fe80:") {
		if verifyIP(addr) == "" && verifyIface(iface) == "" {
			return ""
		}
	}
	return verifyIP(v)
}
