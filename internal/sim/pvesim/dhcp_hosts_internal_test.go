package pvesim

import (
	"net/netip"
	"testing"
)

// TestFindDHCPHost checks the dhcp-hostsfile lines a reservation is read
// from: dnsmasq's dhcp-host syntax, with or without "dhcp-host=".
func TestFindDHCPHost(t *testing.T) {
	const mac = "BC:24:11:00:00:01"
	tests := []struct {
		name, file string
		want       string // "" for no reservation
	}{
		{"gateway's line", "# static leases of site lab\nBC:24:11:00:00:01,10.10.0.20,web\n", "10.10.0.20"},
		{"lower-case MAC", "bc:24:11:00:00:01,10.10.0.21,web\n", "10.10.0.21"},
		{"main-file syntax", "dhcp-host=BC:24:11:00:00:01,10.10.0.22,web,12h\n", "10.10.0.22"},
		{"several MACs", "BC:24:11:00:00:09,BC:24:11:00:00:01,10.10.0.23\n", "10.10.0.23"},
		{"first line wins", "BC:24:11:00:00:01,10.10.0.24\nBC:24:11:00:00:01,10.10.0.25\n", "10.10.0.24"},
		{"other MAC only", "BC:24:11:00:00:02,10.10.0.26,db\n", ""},
		{"no address", "BC:24:11:00:00:01,web\n", ""},
		{"ignore", "BC:24:11:00:00:01,10.10.0.27,ignore\n", ""},
		{"commented out", "#BC:24:11:00:00:01,10.10.0.28\n", ""},
		{"empty", "", ""},
		{"garbage", "\x00\xff,,,\n,\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, ok := findDHCPHost([]byte(tt.file), mac)
			if tt.want == "" {
				if ok {
					t.Errorf("reserved %s, want nothing", ip)
				}
				return
			}
			if !ok || ip != netip.MustParseAddr(tt.want) {
				t.Errorf("= %s, %v; want %s", ip, ok, tt.want)
			}
		})
	}
}
