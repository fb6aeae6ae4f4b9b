package gateway

import (
	"errors"
	"net/netip"
	"regexp"
	"strings"
)

// The field checks below accept only values that can stand as one token in
// a dnsmasq or NGINX configuration line: no whitespace, quotes, semicolons,
// braces, dollar signs, comment characters or control characters can pass.

var (
	labelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	macRE   = regexp.MustCompile(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$`)
)

// maxPathLen bounds certificate and key paths (Linux PATH_MAX).
const maxPathLen = 4096

// checkLabel accepts an RFC 1123 label: lowercase letters, digits and inner
// hyphens, 1 to 63 characters.
func checkLabel(s string) error {
	if !labelRE.MatchString(s) {
		return errors.New("not an RFC 1123 label (lowercase letters, digits, inner hyphens, at most 63 characters)")
	}
	return nil
}

// checkDNSName accepts a lowercase DNS name of RFC 1123 labels, at most 253
// characters, without a trailing dot.
func checkDNSName(s string) error {
	if s == "" || len(s) > 253 {
		return errors.New("not a DNS name (1 to 253 characters)")
	}
	for _, l := range strings.Split(s, ".") {
		if !labelRE.MatchString(l) {
			return errors.New("not a DNS name (lowercase RFC 1123 labels separated by dots)")
		}
	}
	return nil
}

// parseIPv4 accepts a dotted-quad IPv4 address in its canonical form.
func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() || a.String() != s {
		return netip.Addr{}, errors.New("not an IPv4 address")
	}
	return a, nil
}

// parseIP accepts an IPv4 or IPv6 address without zone, in canonical form.
func parseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || a.Is4In6() || a.String() != s {
		return netip.Addr{}, errors.New("not an IP address")
	}
	return a, nil
}

// checkPort accepts 1 to 65535.
func checkPort(p int) error {
	if p < 1 || p > 65535 {
		return errors.New("not a port (1 to 65535)")
	}
	return nil
}

// checkMAC accepts six hex octets separated by colons.
func checkMAC(s string) error {
	if !macRE.MatchString(s) {
		return errors.New("not a MAC address (XX:XX:XX:XX:XX:XX)")
	}
	return nil
}

// checkPath accepts an absolute path of printable ASCII without whitespace
// or any of ;{}"'$#\ — characters that could end or extend a directive.
func checkPath(s string) error {
	if len(s) == 0 || len(s) > maxPathLen || s[0] != '/' {
		return errors.New("not an absolute path")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(";{}\"'$#\\`", c) >= 0 {
			return errors.New("path contains whitespace, a control or non-ASCII character, or one of ;{}\"'$#\\`")
		}
	}
	return nil
}
