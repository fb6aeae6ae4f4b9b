package pvesim_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestContainerInterfacesWithoutProcess checks that, as get_interfaces
// does, a stopped or missing container answers 200 with null data.
func TestContainerInterfacesWithoutProcess(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 630, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"})
	mustOK(t, task, err)
	for _, path := range []string{"/nodes/pve1/lxc/630/interfaces", "/nodes/pve1/lxc/639/interfaces"} {
		r := rawDo(t, s, "GET", path, "", "", nil)
		if r.status != 200 || r.body != `{"data":null}` {
			t.Errorf("%s = %d %q", path, r.status, r.body)
		}
	}
}

// TestContainerLeaseArrivesLate checks that a started container's ip=dhcp
// interface shows no IPv4 address until Durations.DHCPLease has passed,
// then the address reserved for its hwaddr, while a static ip= shows at once.
func TestContainerLeaseArrivesLate(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.DHCPLease = 300 * time.Second }) // 300 ms
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	const mac = "BC:24:11:AA:BB:40"
	if err := s.SetLease(mac, "10.10.0.60"); err != nil {
		t.Fatal(err)
	}
	task, err := n.NewContainer(cx, 640, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1},
		proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,hwaddr=" + mac + ",ip=dhcp"},
		proxmox.ContainerOption{Name: "net1", Value: "name=eth1,bridge=vmbr0,ip=10.10.0.9/24"})
	mustOK(t, task, err)
	if tk := waitSimTask(t, s, "vzstart", 640); tk.ExitStatus != "OK" {
		t.Fatalf("vzstart = %+v", tk)
	}
	ct, _ := n.Container(cx, 640)
	ifaces, err := ct.Interfaces(cx)
	if err != nil || len(ifaces) != 3 {
		t.Fatalf("Interfaces = %+v, %v", ifaces, err)
	}
	if ifaces[1].Name != "eth0" || ifaces[1].HWAddr != strings.ToLower(mac) || ifaces[1].Inet != "" || ifaces[1].Inet6 == "" {
		t.Errorf("eth0 before the lease = %+v", ifaces[1])
	}
	if ifaces[2].Inet != "10.10.0.9/24" {
		t.Errorf("static eth1 = %+v", ifaces[2])
	}
	eventually(t, "the lease", func() bool {
		ifaces, err = ct.Interfaces(cx)
		return err == nil && len(ifaces) == 3 && ifaces[1].Inet != ""
	})
	if ifaces[1].Inet != "10.10.0.60/24" {
		t.Errorf("eth0 after the lease = %+v", ifaces[1])
	}
}

// TestContainerLeaseFallback checks that a MAC without a reservation gets
// an address from its bridge's pool, and that SetLease refuses addresses
// no bridge serves.
func TestContainerLeaseFallback(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	if err := s.SetLease("BC:24:11:AA:BB:41", "192.0.2.7"); err == nil {
		t.Error("SetLease outside every bridge succeeded")
	}
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 641, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1},
		proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,ip=dhcp"})
	mustOK(t, task, err)
	waitSimTask(t, s, "vzstart", 641)
	ct, _ := n.Container(cx, 641)
	var ifaces proxmox.ContainerInterfaces
	eventually(t, "the lease", func() bool {
		ifaces, err = ct.Interfaces(cx)
		return err == nil && len(ifaces) == 2 && ifaces[1].Inet != ""
	})
	pfx, err := netip.ParsePrefix(ifaces[1].Inet)
	lo, hi := netip.MustParseAddr("10.10.0.100"), netip.MustParseAddr("10.10.0.250")
	if err != nil || pfx.Bits() != 24 || pfx.Addr().Less(lo) || hi.Less(pfx.Addr()) {
		t.Errorf("fallback lease = %q", ifaces[1].Inet)
	}
}
