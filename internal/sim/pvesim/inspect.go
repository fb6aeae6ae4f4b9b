package pvesim

import (
	"fmt"
	"maps"
	"net/netip"
	"strings"
)

// GuestState is a guest as the simulator holds it, for tests to assert on.
type GuestState struct {
	Node      string            `json:"node"`
	VMID      int               `json:"vmid"`
	Type      string            `json:"type"` // qemu or lxc
	Name      string            `json:"name"`
	Status    string            `json:"status"` // running or stopped
	Paused    bool              `json:"paused,omitempty"`
	Template  bool              `json:"template,omitempty"`
	Lock      string            `json:"lock,omitempty"`
	Pool      string            `json:"pool,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
	Config    map[string]string `json:"config"`
	Snapshots []string          `json:"snapshots,omitempty"`
	// MACs maps net[n] keys to upper-case MAC addresses.
	MACs map[string]string `json:"macs,omitempty"`
	// IPv4 is the address the guest's first NIC leased (or its static ip=).
	IPv4  string      `json:"ipv4,omitempty"`
	Disks []DiskState `json:"disks,omitempty"`
	// AuthorizedKeys are the SSH public keys a container was created with
	// (ssh-public-keys), as its root's authorized_keys holds them.
	AuthorizedKeys []string `json:"authorized_keys,omitempty"`
}

// DiskState is one disk of a guest.
type DiskState struct {
	Key     string `json:"key"` // scsi0, rootfs, ...
	VolID   string `json:"volid"`
	Storage string `json:"storage"`
	Size    uint64 `json:"size"`
	// Used is the space the volume takes on its storage: the full size for
	// full clones, 0 for fresh linked clones.
	Used uint64 `json:"used"`
	// Base is the base volume a linked clone shares, empty for full copies.
	Base string `json:"base,omitempty"`
}

// Guest returns the guest with vmid on node.
func (s *Server) Guest(node string, vmid int) (GuestState, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.st.guests[vmid]
	if g == nil || g.node != node {
		return GuestState{}, false
	}
	return s.guestState(g), true
}

// Guests returns every guest, by VMID.
func (s *Server) Guests() []GuestState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]GuestState, 0, len(s.st.guests))
	for _, vmid := range s.st.sortedVMIDs() {
		out = append(out, s.guestState(s.st.guests[vmid]))
	}
	return out
}

func (s *Server) guestState(g *guest) GuestState {
	gs := GuestState{
		Node: g.node, VMID: g.vmid, Type: g.kind, Name: g.name(), Status: g.status, Paused: g.paused,
		Template: g.isTemplate(), Lock: g.lock(), Pool: g.pool, Config: cloneConf(g.conf),
		Snapshots: append([]string(nil), g.snapOrder...), MACs: g.macs(), IPv4: s.guestIPv4(g),
		AuthorizedKeys: append([]string(nil), g.authorizedKeys...),
	}
	if t := g.conf["tags"]; t != "" {
		gs.Tags = strings.Split(t, ";")
	}
	for _, k := range g.diskKeys() {
		st, v := s.st.diskVolume(g.node, g.conf[k])
		if st == nil || v == nil {
			continue
		}
		gs.Disks = append(gs.Disks, DiskState{Key: k, VolID: st.id + ":" + v.name, Storage: st.id, Size: v.size, Used: v.used, Base: v.base})
	}
	return gs
}

// StorageUsage returns the bytes used on a storage as node sees it.
func (s *Server) StorageUsage(node, storageID string) (used, total uint64, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st.storageOn(node, storageID)
	if st == nil {
		return 0, 0, false
	}
	return st.used, st.total, true
}

// SetNodeDown makes a node unreachable (down) or reachable again: requests
// routed to it answer 595 "No route to host" (or 596 per Faults.NodeDownCode)
// with an empty body, and cluster/resources shows it offline.
func (s *Server) SetNodeDown(node string, down bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.st.nodes[node]
	if n == nil {
		return fmt.Errorf("no such node %q", node)
	}
	n.down = down
	if !down {
		n.offline = false
	}
	s.log.Info("node reachability changed", "node", node, "down", down)
	return nil
}

// SetFaults replaces the fault settings.
func (s *Server) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	f.EndpointErrorRates = maps.Clone(f.EndpointErrorRates)
	f.TaskFailureRates = maps.Clone(f.TaskFailureRates)
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
	return nil
}

// Faults returns the fault settings in force.
func (s *Server) Faults() Faults {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := s.faults
	f.EndpointErrorRates = maps.Clone(f.EndpointErrorRates)
	f.TaskFailureRates = maps.Clone(f.TaskFailureRates)
	return f
}

// PinLease makes the bridge's DHCP server give mac the address ip, as a
// dnsmasq dhcp-host entry would; guest agent and container interfaces then
// report it.
func (s *Server) PinLease(bridgeName, mac, ip string) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.st.bridges[bridgeName]
	if b == nil {
		return fmt.Errorf("no such bridge %q", bridgeName)
	}
	if !b.prefix.Contains(addr) {
		return fmt.Errorf("%s is outside %s", ip, b.prefix)
	}
	b.pin(strings.ToUpper(mac), addr)
	return nil
}

// SetLease reserves ip for mac in the DHCP lease table of the bridge whose
// subnet holds ip, as a dnsmasq dhcp-host entry would: a container or VM
// with that MAC then reports ip once its lease arrives. A MAC without a
// reservation gets an address of its bridge's pool derived from the MAC
// (the same in every run) and keeps it. SetLease fails when no bridge's
// subnet holds ip.
func (s *Server) SetLease(mac, ip string) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range sortedKeys(s.st.bridges) {
		if b := s.st.bridges[name]; b.prefix.Contains(addr) {
			b.pin(strings.ToUpper(mac), addr)
			return nil
		}
	}
	return fmt.Errorf("no bridge's subnet holds %s", ip)
}

// Nodes returns the node names in seed order.
func (s *Server) Nodes() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.st.nodeOrder...)
}

// Token returns the first API token of the seed as go-proxmox's
// WithAPIToken wants it (token ID and secret), and the Authorization header
// value "PVEAPIToken=<id>=<secret>".
func (s *Server) Token() (id, secret, header string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := sortedKeys(s.st.tokens)
	if len(ids) == 0 {
		return "", "", ""
	}
	id = ids[0]
	if _, ok := s.st.tokens[DefaultTokenID]; ok {
		id = DefaultTokenID
	}
	secret = s.st.tokens[id]
	return id, secret, "PVEAPIToken=" + id + "=" + secret
}
