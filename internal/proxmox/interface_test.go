package proxmox_test

import (
	"net/netip"
	"testing"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestInterfaceAddresses(t *testing.T) {
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		name         string
		addrs        []netip.Prefix
		ipv4, nicIP4 string // "" when none
	}{
		{"site network", []netip.Prefix{p("fe80::1/64"), p("10.10.0.5/24")}, "10.10.0.5", "10.10.0.5"},
		{"lab network on loopback", []netip.Prefix{p("127.77.0.10/24")}, "", "127.77.0.10"},
		{"APIPA before the lease", []netip.Prefix{p("169.254.7.9/16"), p("10.10.0.6/24")}, "10.10.0.6", "10.10.0.6"},
		{"link-local only", []netip.Prefix{p("169.254.1.2/16"), p("fe80::1/64")}, "", ""},
		{"unspecified", []netip.Prefix{p("0.0.0.0/0")}, "", ""},
		{"none", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := proxmox.Interface{Name: "eth0", HWAddr: "bc:24:11:00:00:01", Addrs: tc.addrs}
			check := func(what string, got netip.Addr, ok bool, want string) {
				t.Helper()
				if want == "" && ok || want != "" && (!ok || got.String() != want) {
					t.Errorf("%s = %v, %v; want %q", what, got, ok, want)
				}
			}
			ip, ok := i.IPv4()
			check("IPv4", ip, ok, tc.ipv4)
			ip, ok = i.NICIPv4()
			check("NICIPv4", ip, ok, tc.nicIP4)
		})
	}
}
