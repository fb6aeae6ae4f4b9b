package pvesim

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
)

// maxDHCPHostsFile bounds how much of a dhcp-hostsfile is read.
const maxDHCPHostsFile = 16 << 20

// reservation returns the address the bridge's dhcp-hostsfile reserves for
// mac, read now. ok is false when the bridge has no such file, the file
// cannot be read or names no address inside the bridge's subnet for mac
// (dnsmasq ignores a reservation outside its DHCP range's subnet); err says
// why a file that exists could not be read.
func (b *bridge) reservation(mac string) (ip netip.Addr, ok bool, err error) {
	if b.hostsFile == "" {
		return netip.Addr{}, false, nil
	}
	data, err := readBounded(b.hostsFile, maxDHCPHostsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return netip.Addr{}, false, nil
	}
	if err != nil {
		return netip.Addr{}, false, err
	}
	ip, ok = findDHCPHost(data, mac)
	if ok && !b.prefix.Contains(ip) {
		return netip.Addr{}, false, nil
	}
	return ip, ok, nil
}

// findDHCPHost returns the IPv4 address of the first dhcp-host line in
// data that names mac (any case). Lines are dnsmasq's dhcp-host syntax,
// with or without the "dhcp-host=" of a main configuration file:
// comma-separated MACs, an address, a host name, a lease time, tags.
// Comments, blank lines, "ignore" lines and lines without an IPv4
// address do not reserve anything.
func findDHCPHost(data []byte, mac string) (netip.Addr, bool) {
	want, err := net.ParseMAC(mac)
	if err != nil {
		return netip.Addr{}, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "dhcp-host=")
		var ip netip.Addr
		matched, ignored := false, false
		for _, f := range strings.Split(line, ",") {
			f = strings.TrimSpace(f)
			if m, err := net.ParseMAC(f); err == nil && bytes.Equal(m, want) {
				matched = true
			} else if a, err := netip.ParseAddr(f); err == nil && a.Is4() && !ip.IsValid() {
				ip = a
			} else if f == "ignore" {
				ignored = true
			}
		}
		if matched && !ignored && ip.IsValid() {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// readBounded reads at most limit bytes of path.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
