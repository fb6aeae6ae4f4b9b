package pvesim_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestContainerLeaseFromDHCPHostsFile checks that a bridge's
// dhcp-hostsfile is read when a container starts: a reservation written
// before the start is its lease, one written after is not seen until the
// next start, and without a usable line the container gets a pool address.
func TestContainerLeaseFromDHCPHostsFile(t *testing.T) {
	const mac = "BC:24:11:AA:CC:01"
	tests := []struct {
		name        string
		before      string // the file's content at the first start; "-" for no file
		after       string // written after the first start; "" leaves it
		first, next string // address at the first and the second start; "pool" for a pool address
	}{
		{name: "reserved before start", before: mac + ",10.10.0.20,web\n", first: "10.10.0.20", next: "10.10.0.20"},
		{name: "reserved after start", before: "# none yet\n", after: mac + ",10.10.0.21,web\n", first: "pool", next: "10.10.0.21"},
		{name: "changed after start", before: mac + ",10.10.0.22,web\n", after: mac + ",10.10.0.23,web\n", first: "10.10.0.22", next: "10.10.0.23"},
		{name: "no file", before: "-", first: "pool", next: "pool"},
		{name: "other MAC", before: "BC:24:11:AA:CC:99,10.10.0.24,db\n", first: "pool", next: "pool"},
		{name: "outside the subnet", before: mac + ",192.0.2.5,web\n", first: "pool", next: "pool"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "dhcp-hosts")
			if tt.before != "-" {
				writeFile(t, file, tt.before)
			}
			s := newSimReading(t, file)
			c := newClient(t, s)
			cx := ctx(t)
			n, _ := c.Node(cx, "pve1")
			vmid := 660 + i
			task, err := n.NewContainer(cx, vmid, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
				proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1},
				proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,hwaddr=" + mac + ",ip=dhcp"})
			mustOK(t, task, err)
			waitSimTask(t, s, "vzstart", vmid)
			ct, err := n.Container(cx, vmid)
			if err != nil {
				t.Fatal(err)
			}
			checkLease(t, ct, "first start", tt.first)
			if tt.after != "" {
				writeFile(t, file, tt.after)
				checkLease(t, ct, "after the change, before a restart", tt.first)
			}
			task, err = ct.Stop(cx)
			mustOK(t, task, err)
			task, err = ct.Start(cx)
			mustOK(t, task, err)
			checkLease(t, ct, "next start", tt.next)
		})
	}
}

// checkLease waits for the container's eth0 lease and checks it is want,
// or an address of vmbr0's pool when want is "pool".
func checkLease(t *testing.T, ct *proxmox.Container, when, want string) {
	t.Helper()
	var inet string
	eventually(t, "the lease", func() bool {
		ifaces, err := ct.Interfaces(ctx(t))
		if err == nil && len(ifaces) == 2 {
			inet = ifaces[1].Inet
		}
		return inet != ""
	})
	switch {
	case want == "pool":
		p, err := netip.ParsePrefix(inet)
		if err != nil || p.Bits() != 24 || p.Addr().Less(netip.MustParseAddr("10.10.0.100")) || netip.MustParseAddr("10.10.0.250").Less(p.Addr()) {
			t.Errorf("%s: lease %s, want an address of the pool", when, inet)
		}
	case inet != want+"/24":
		t.Errorf("%s: lease %s, want %s/24", when, inet, want)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVMLeaseFromDHCPHostsFile checks that a VM's NIC on a bridge with a
// dhcp-hostsfile gets its reservation when it starts, as the guest agent
// reports it.
func TestVMLeaseFromDHCPHostsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dhcp-hosts")
	s := newSimReading(t, file)
	c := newClient(t, s)
	cx := ctx(t)
	vm := clonedVM(t, c, 135)
	g, _ := s.Guest("pve1", 135)
	writeFile(t, file, "dhcp-host="+strings.ToLower(g.MACs["net0"])+",10.10.0.77,vm135\n")
	task, err := vm.Start(cx)
	mustOK(t, task, err)
	if err := vm.WaitForAgent(cx, 5); err != nil {
		t.Fatal(err)
	}
	ifaces, err := vm.AgentGetNetworkIFaces(cx)
	// The NIC's link-local IPv6 address comes first, then the lease.
	if err != nil || len(ifaces) != 1 || len(ifaces[0].IPAddresses) != 2 || ifaces[0].IPAddresses[1].IPAddress != "10.10.0.77" {
		t.Errorf("agent interfaces = %+v, %v", ifaces, err)
	}
}

// newSimReading starts a simulator whose bridge vmbr0 reads the
// dhcp-hostsfile file.
func newSimReading(t *testing.T, file string) *pvesim.Server {
	t.Helper()
	return newSim(t, func(c *pvesim.Config) {
		seed := pvesim.DefaultSeed()
		seed.Bridges[0].DHCPHostsFile = file
		c.Seed = seed
	})
}
