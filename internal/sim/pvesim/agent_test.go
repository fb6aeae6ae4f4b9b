package pvesim_test

import (
	"net/netip"
	"strings"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestAgentDisabledIsNotRunning checks
// PVE::QemuServer::Agent::assert_agent_available: only a config without
// the "agent" key is "not configured"; with agent: 0 a running VM's agent
// "is not running" (guest-ping finds no agent channel).
func TestAgentDisabledIsNotRunning(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 190)
	cx := ctx(t)
	if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "agent", Value: "0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.AgentGetNetworkIFaces(cx); err == nil || err.Error() != "500 VM 190 is not running" {
		t.Errorf("agent: 0, stopped: %v", err)
	}
	task, err := vm.Start(cx)
	mustOK(t, task, err)
	if _, err := vm.AgentGetNetworkIFaces(cx); err == nil || err.Error() != "500 QEMU guest agent is not running" {
		t.Errorf("agent: 0, running: %v", err)
	}
	if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "delete", Value: "agent"}); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.AgentGetNetworkIFaces(cx); err == nil || err.Error() != "500 No QEMU guest agent configured" {
		t.Errorf("no agent key: %v", err)
	}
}

// TestAgentLinkLocalFirst checks the order of a NIC's addresses as guest
// agents report them: the IPv6 link-local address before the DHCP lease,
// and on a Windows guest without a lease an APIPA (169.254/16) address.
func TestAgentLinkLocalFirst(t *testing.T) {
	seed := pvesim.DefaultSeed()
	seed.Bridges = append(seed.Bridges, pvesim.SeedBridge{Name: "vmbr9", CIDR: "10.99.0.0/24", PoolStart: "10.99.0.10", PoolEnd: "10.99.0.10"})
	s := newSim(t, func(c *pvesim.Config) { c.Seed = seed })
	c := newClient(t, s)
	cx := ctx(t)

	vm := clonedVM(t, c, 191)
	task, err := vm.Start(cx)
	mustOK(t, task, err)
	if err := vm.WaitForAgent(cx, 5); err != nil {
		t.Fatal(err)
	}
	ifaces, err := vm.AgentGetNetworkIFaces(cx)
	if err != nil || len(ifaces) != 1 || len(ifaces[0].IPAddresses) != 2 {
		t.Fatalf("interfaces = %+v, %v", ifaces, err)
	}
	first, second := ifaces[0].IPAddresses[0], ifaces[0].IPAddresses[1]
	if a, err := netip.ParseAddr(first.IPAddress); err != nil || first.IPAddressType != "ipv6" || !a.IsLinkLocalUnicast() {
		t.Errorf("first address %+v; want the IPv6 link-local one", first)
	}
	if second.IPAddressType != "ipv4" || !strings.HasPrefix(second.IPAddress, "10.10.0.") {
		t.Errorf("second address %+v; want the lease", second)
	}

	// A Windows guest on a bridge whose one-address pool is taken gets no
	// lease: it reports an APIPA address.
	_, task, err = template(t, c, "pve2", 9002).Clone(cx, &proxmox.VirtualMachineCloneOptions{NewID: 192, Name: "win"})
	mustOK(t, task, err)
	win := template(t, c, "pve2", 192)
	g, _ := s.Guest("pve2", 192)
	if err := s.PinLease("vmbr9", "BC:24:11:99:99:99", "10.99.0.10"); err != nil {
		t.Fatal(err)
	}
	if err := win.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "net0", Value: "virtio=" + g.MACs["net0"] + ",bridge=vmbr9"}); err != nil {
		t.Fatal(err)
	}
	task, err = win.Start(cx)
	mustOK(t, task, err)
	if err := win.WaitForAgent(cx, 5); err != nil {
		t.Fatal(err)
	}
	ifaces, err = win.AgentGetNetworkIFaces(cx)
	if err != nil {
		t.Fatal(err)
	}
	var nic *proxmox.AgentNetworkIface
	for _, i := range ifaces {
		if strings.EqualFold(i.HardwareAddress, g.MACs["net0"]) {
			nic = i
		}
	}
	if nic == nil || len(nic.IPAddresses) != 2 {
		t.Fatalf("Windows NIC %s not reported with two addresses: %+v", g.MACs["net0"], nic)
	}
	apipa, err := netip.ParseAddr(nic.IPAddresses[1].IPAddress)
	if err != nil || !apipa.Is4() || !netip.MustParsePrefix("169.254.0.0/16").Contains(apipa) || nic.IPAddresses[1].Prefix != 16 {
		t.Errorf("Windows without a lease: %+v", nic.IPAddresses[1])
	}
}
