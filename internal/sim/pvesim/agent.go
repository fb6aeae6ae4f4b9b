package pvesim

import (
	"hash/fnv"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// agentGuest returns a VM whose guest agent answers, or the error
// PVE::QemuServer::Agent::assert_agent_available gives: no "agent" key in
// the config, VM not running, or agent not (yet) running. Only a missing
// key counts as not configured: with "agent: 0" the VM has no agent
// channel, so guest-ping fails like an agent that is not up. The agent
// comes up Durations.AgentReady after the VM started and stops answering
// while the VM is paused. The caller holds Server.mu.
func (s *Server) agentGuest(c *call) (*guest, error) {
	g, aerr := s.loadGuest(c, kindQEMU)
	if aerr != nil {
		return nil, aerr
	}
	if _, configured := g.conf["agent"]; !configured {
		return nil, errf("No QEMU guest agent configured")
	}
	if g.status != "running" {
		return nil, errf("VM %d is not running", g.vmid)
	}
	if !agentEnabled(g) || g.paused || time.Since(g.startedAt) < s.dur.AgentReady {
		return nil, errf("QEMU guest agent is not running")
	}
	return g, nil
}

// agentNetworkInterfaces serves GET .../agent/network-get-interfaces:
// {"result": [...]} with the loopback and one interface per NIC. As guests
// report them, a NIC's link-local addresses come before the address the
// bridge's DHCP server leased to its MAC: its IPv6 link-local (EUI-64)
// address first, and on a Windows guest whose NIC got no lease an APIPA
// 169.254.0.0/16 address instead of one.
func (s *Server) agentNetworkInterfaces(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.agentGuest(c)
	if err != nil {
		return nil, err
	}
	windows := strings.HasPrefix(g.conf["ostype"], "win")
	loName := "lo"
	if windows {
		loName = "Loopback Pseudo-Interface 1"
	}
	result := []map[string]any{agentIface(loName, "00:00:00:00:00:00",
		agentAddr("ipv4", "127.0.0.1", 8), agentAddr("ipv6", "::1", 128))}
	for i, k := range g.netKeys() {
		v := g.conf[k]
		mac := netMAC(kindQEMU, v)
		addrs := []map[string]any{agentAddr("ipv6", linkLocal(mac), 64)}
		leased := false
		if b := s.st.bridges[propValue(v, "bridge")]; b != nil {
			if ip, ok := b.lease(mac); ok {
				addrs = append(addrs, agentAddr("ipv4", ip.String(), b.prefix.Bits()))
				leased = true
			}
		}
		if windows && !leased {
			addrs = append(addrs, agentAddr("ipv4", apipa(mac), 16))
		}
		name := "ens" + strconv.Itoa(18+i)
		if windows {
			name = "Ethernet"
			if i > 0 {
				name += " " + strconv.Itoa(i+1)
			}
		}
		result = append(result, agentIface(name, strings.ToLower(mac), addrs...))
	}
	return map[string]any{"result": result}, nil
}

func agentIface(name, mac string, addrs ...map[string]any) map[string]any {
	if addrs == nil {
		addrs = []map[string]any{}
	}
	return map[string]any{
		"name": name, "hardware-address": mac, "ip-addresses": addrs,
		"statistics": map[string]any{"rx-bytes": 0, "rx-packets": 0, "rx-errs": 0, "rx-dropped": 0,
			"tx-bytes": 0, "tx-packets": 0, "tx-errs": 0, "tx-dropped": 0},
	}
}

func agentAddr(typ, ip string, prefix int) map[string]any {
	return map[string]any{"ip-address-type": typ, "ip-address": ip, "prefix": prefix}
}

// agentOSInfo serves GET .../agent/get-osinfo.
func (s *Server) agentOSInfo(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.agentGuest(c)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(g.conf["ostype"], "win") {
		return map[string]any{"result": map[string]any{
			"id": "mswindows", "name": "Microsoft Windows", "pretty-name": "Windows 11 Pro",
			"version": "Microsoft Windows 11", "version-id": "11", "kernel-release": "26100",
			"kernel-version": "10.0", "machine": "x86_64", "variant": "client", "variant-id": "client",
		}}, nil
	}
	return map[string]any{"result": map[string]any{
		"id": "debian", "name": "Debian GNU/Linux", "pretty-name": "Debian GNU/Linux 12 (bookworm)",
		"version": "12 (bookworm)", "version-id": "12", "kernel-release": "6.1.0-28-amd64",
		"kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)", "machine": "x86_64",
	}}, nil
}

// agentPing serves POST .../agent/ping.
func (s *Server) agentPing(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.agentGuest(c); err != nil {
		return nil, err
	}
	return map[string]any{"result": map[string]any{}}, nil
}

// linkLocal is the EUI-64 IPv6 link-local address of a MAC.
func linkLocal(mac string) string {
	var b [6]byte
	parts := strings.Split(mac, ":")
	if len(parts) != 6 {
		return "fe80::1"
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return "fe80::1"
		}
		b[i] = byte(v)
	}
	var a [16]byte
	a[0], a[1] = 0xfe, 0x80
	a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15] = b[0]^0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]
	return netip.AddrFrom16(a).String()
}

// apipa is the IPv4 link-local address (169.254.1.0-169.254.254.255)
// Windows configures on a NIC that got no DHCP lease, derived from the MAC
// so that it is the same in every run.
func apipa(mac string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToUpper(mac)))
	v := h.Sum32()
	return netip.AddrFrom4([4]byte{169, 254, byte(1 + v%254), byte(v >> 8)}).String()
}

// guestIPv4 returns the first IPv4 address the guest's NICs have leased.
// The caller holds Server.mu.
func (s *Server) guestIPv4(g *guest) string {
	for _, k := range g.netKeys() {
		v := g.conf[k]
		if g.kind == kindLXC {
			if ip := propValue(v, "ip"); strings.Contains(ip, "/") {
				addr, _, _ := strings.Cut(ip, "/")
				return addr
			} else if ip != "dhcp" {
				continue
			}
		}
		if b := s.st.bridges[propValue(v, "bridge")]; b != nil {
			if ip, ok := b.leases[netMAC(g.kind, v)]; ok {
				return ip.String()
			}
		}
	}
	return ""
}
