package pvesim

import (
	"strconv"
	"strings"
	"time"
)

// getContainerInterfaces serves GET /nodes/{node}/lxc/{vmid}/interfaces as
// get_interfaces does: null when the container has no running process on
// the node (stopped or missing alike, without an error), otherwise lo and
// one entry per net[n]. A static ip= shows at once; an ip=dhcp interface
// shows no IPv4 address until Durations.DHCPLease after the start, then the
// address its bridge's DHCP server leases to its hwaddr (see SetLease).
func (s *Server) getContainerInterfaces(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.guestOn(c.str("node"), kindLXC, c.vmid())
	if g == nil || g.status != "running" {
		return nil, nil
	}
	leased := time.Since(g.startedAt) >= s.dur.DHCPLease
	out := []map[string]any{ctInterface("lo", "00:00:00:00:00:00", "127.0.0.1/8", "::1/128")}
	for _, k := range g.netKeys() {
		v := g.conf[k]
		mac := netMAC(kindLXC, v)
		name := propValue(v, "name")
		if name == "" {
			name = "eth" + strings.TrimPrefix(k, "net")
		}
		inet := ""
		switch ip := propValue(v, "ip"); {
		case ip == "dhcp" && leased:
			if b := s.st.bridges[propValue(v, "bridge")]; b != nil {
				if addr, ok := b.lease(mac); ok {
					inet = addr.String() + "/" + strconv.Itoa(b.prefix.Bits())
				}
			}
		case strings.Contains(ip, "/"):
			inet = ip
		}
		out = append(out, ctInterface(name, strings.ToLower(mac), inet, linkLocal(mac)+"/64"))
	}
	return out, nil
}

// ctInterface renders one container interface as `ip -j addr` reports it.
func ctInterface(name, mac, inet, inet6 string) map[string]any {
	addrs := []map[string]any{}
	e := map[string]any{"name": name, "hwaddr": mac, "hardware-address": mac}
	if inet != "" {
		e["inet"] = inet
		ip, bits, _ := strings.Cut(inet, "/")
		p, _ := strconv.Atoi(bits)
		addrs = append(addrs, map[string]any{"ip-address": ip, "ip-address-type": "inet", "prefix": p})
	}
	if inet6 != "" {
		e["inet6"] = inet6
		ip, bits, _ := strings.Cut(inet6, "/")
		p, _ := strconv.Atoi(bits)
		addrs = append(addrs, map[string]any{"ip-address": ip, "ip-address-type": "inet6", "prefix": p})
	}
	e["ip-addresses"] = addrs
	return e
}
