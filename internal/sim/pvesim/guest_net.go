package pvesim

import (
	"net/netip"
	"strings"
)

// guestNetChanged brings a guest's network in line with its power state
// after a power action, a rollback or a destroy; started says the guest
// has just (re)booted. A booting guest asks its bridges' DHCP servers for
// leases, which read their dhcp-hostsfiles now (SeedBridge.DHCPHostsFile),
// so a reservation written before the start is honoured and one written
// later waits for the next start. A running container then answers on its
// guest ports (Config.GuestPorts); a stopped one no longer does. s.mu
// must be held.
func (s *Server) guestNetChanged(g *guest, started bool) {
	if g.status != "running" {
		s.guestPorts.stop(g.vmid)
		return
	}
	if !started {
		return
	}
	ip := s.renewLeases(g)
	if g.kind == kindLXC {
		s.guestPorts.serve(g.vmid, g.name(), ip)
	}
}

// renewLeases hands out the leases of a booting guest's DHCP interfaces
// and returns its first IPv4 address (leased or static), if any. Leases
// are fixed now only when something listens on them (guest ports);
// otherwise the pool address is chosen when first reported, as before.
func (s *Server) renewLeases(g *guest) netip.Addr {
	var first netip.Addr
	for _, k := range g.netKeys() {
		v := g.conf[k]
		if g.kind == kindLXC {
			if ip := propValue(v, "ip"); strings.Contains(ip, "/") {
				if p, err := netip.ParsePrefix(ip); err == nil && !first.IsValid() && p.Addr().Is4() {
					first = p.Addr()
				}
				continue
			} else if ip != "dhcp" {
				continue
			}
		}
		b := s.st.bridges[propValue(v, "bridge")]
		if b == nil {
			continue
		}
		mac := netMAC(g.kind, v)
		ip, ok, err := b.reservation(mac)
		if err != nil {
			s.log.Warn("dhcp-hostsfile not read; the guest keeps its lease", "bridge", b.name, "file", b.hostsFile, "err", err)
		}
		if ok {
			b.pin(mac, ip)
			s.log.Debug("lease from the dhcp-hostsfile", "vmid", g.vmid, "mac", mac, "ip", ip)
		}
		if !s.guestPorts.enabled() {
			continue
		}
		if ip, ok := b.lease(mac); ok && !first.IsValid() {
			first = ip
		}
	}
	return first
}
