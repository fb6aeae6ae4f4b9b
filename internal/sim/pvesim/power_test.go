package pvesim_test

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// clonedVM clones template 9000 on pve1 to newid and returns a handle.
func clonedVM(t *testing.T, c *proxmox.Client, newid int) *proxmox.VirtualMachine {
	t.Helper()
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: newid, Name: "vm" + strconv.Itoa(newid)})
	mustOK(t, task, err)
	return template(t, c, "pve1", newid)
}

func TestPowerCycle(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 120)
	cx := ctx(t)

	task, err := vm.Start(cx)
	mustOK(t, task, err)
	if err := vm.Ping(cx); err != nil || !vm.IsRunning() || vm.QMPStatus != "running" || vm.PID == 0 || !bool(vm.Agent) {
		t.Fatalf("after start: %+v, %v", vm, err)
	}
	// Starting a running VM is accepted and fails in the task.
	task, err = vm.Start(cx)
	if err != nil {
		t.Fatalf("second start rejected synchronously: %v", err)
	}
	if got := waitTask(t, task); got.ExitStatus != "VM 120 already running" || !got.IsFailed {
		t.Errorf("second start = %q", got.ExitStatus)
	}

	task, err = vm.Pause(cx)
	mustOK(t, task, err)
	if _ = vm.Ping(cx); !vm.IsPaused() {
		t.Errorf("after suspend: status %s qmp %s", vm.Status, vm.QMPStatus)
	}
	if _, err := vm.Shutdown(cx); err == nil || err.Error() != "500 VM is paused - cannot shutdown" {
		t.Errorf("shutdown while paused: %v", err)
	}
	task, err = vm.Resume(cx)
	mustOK(t, task, err)

	task, err = vm.Reboot(cx)
	mustOK(t, task, err)
	task, err = vm.Reset(cx)
	mustOK(t, task, err)
	task, err = vm.Shutdown(cx)
	mustOK(t, task, err)
	if _ = vm.Ping(cx); !vm.IsStopped() {
		t.Errorf("after shutdown: %s", vm.Status)
	}
	// Reset and reboot need a running VM; Proxmox says so synchronously.
	if _, err := vm.Reset(cx); err == nil || err.Error() != "500 VM 120 not running" {
		t.Errorf("reset stopped VM: %v", err)
	}
	if _, err := vm.Reboot(cx); err == nil || err.Error() != "500 VM 120 not running" {
		t.Errorf("reboot stopped VM: %v", err)
	}
	// Stopping a stopped VM is a successful no-op.
	task, err = vm.Stop(cx)
	mustOK(t, task, err)

	task, err = vm.Start(cx)
	mustOK(t, task, err)
	task, err = vm.Stop(cx)
	mustOK(t, task, err)
	g, _ := s.Guest("pve1", 120)
	if g.Status != "stopped" {
		t.Errorf("after stop: %s", g.Status)
	}

	// Templates cannot start.
	task, err = template(t, c, "pve1", 9000).Start(cx)
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "you can't start a vm if it's a template" {
		t.Errorf("start template = %q", got)
	}
	// A VM that does not exist fails in the task too.
	task, err = vmHandle(c, "pve1", 777).Start(cx)
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "Configuration file 'nodes/pve1/qemu-server/777.conf' does not exist" {
		t.Errorf("start missing VM = %q", got)
	}
}

func TestGuestAgentIPAfterStart(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.Durations.AgentReady = 500 * time.Second // 500 ms
	})
	c := newClient(t, s)
	vm := clonedVM(t, c, 130)
	cx := ctx(t)

	if _, err := vm.AgentGetNetworkIFaces(cx); err == nil || err.Error() != "500 VM 130 is not running" {
		t.Errorf("agent of stopped VM: %v", err)
	}
	task, err := vm.Start(cx)
	mustOK(t, task, err)
	if _, err := vm.AgentGetNetworkIFaces(cx); err == nil || err.Error() != "500 QEMU guest agent is not running" {
		t.Errorf("agent right after start: %v", err)
	}
	if err := vm.WaitForAgent(cx, 5); err != nil {
		t.Fatalf("WaitForAgent: %v", err)
	}
	ifaces, err := vm.AgentGetNetworkIFaces(cx)
	if err != nil || len(ifaces) != 1 {
		t.Fatalf("interfaces = %+v, %v", ifaces, err)
	}
	g, _ := s.Guest("pve1", 130)
	if ifaces[0].HardwareAddress != strings.ToLower(g.MACs["net0"]) {
		t.Errorf("agent MAC %s, config MAC %s", ifaces[0].HardwareAddress, g.MACs["net0"])
	}
	var v4 string
	for _, a := range ifaces[0].IPAddresses {
		if a.IPAddressType == "ipv4" {
			v4 = a.IPAddress
		}
	}
	ip, err := netip.ParseAddr(v4)
	if err != nil || !netip.MustParsePrefix("10.10.0.0/24").Contains(ip) || ip.Less(netip.MustParseAddr("10.10.0.100")) {
		t.Errorf("agent IPv4 = %q", v4)
	}
	if g.IPv4 != v4 {
		t.Errorf("state IPv4 %q, agent %q", g.IPv4, v4)
	}

	// A pinned lease is what the agent reports.
	vm2 := clonedVM(t, c, 131)
	g2, _ := s.Guest("pve1", 131)
	if err := s.PinLease("vmbr0", g2.MACs["net0"], "10.10.0.42"); err != nil {
		t.Fatal(err)
	}
	task, err = vm2.Start(cx)
	mustOK(t, task, err)
	if err := vm2.WaitForAgent(cx, 5); err != nil {
		t.Fatal(err)
	}
	ifaces, _ = vm2.AgentGetNetworkIFaces(cx)
	// The link-local address comes first, then the lease.
	if len(ifaces) != 1 || len(ifaces[0].IPAddresses) != 2 || ifaces[0].IPAddresses[1].IPAddress != "10.10.0.42" {
		t.Errorf("pinned lease: %+v", ifaces)
	}
}

func TestNodeMemoryAccounting(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	memOf := func() uint64 {
		rs, err := (&proxmox.Cluster{}).New(c).Resources(ctx(t), "node")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Node == "pve1" {
				return r.Mem
			}
		}
		return 0
	}
	before := memOf()
	vm := clonedVM(t, c, 140)
	task, err := vm.Start(ctx(t))
	mustOK(t, task, err)
	s.RefreshStatus() // the figures are pvestatd's
	if grew := memOf() - before; grew != 2048<<20 {
		t.Errorf("node mem grew by %d; want 2 GiB", grew)
	}
	rs, _ := (&proxmox.Cluster{}).New(c).Resources(ctx(t), "vm")
	for _, r := range rs {
		if r.VMID == 140 && (r.Status != "running" || r.Mem == 0 || r.Uptime > 5) {
			t.Errorf("running guest resource = %+v", r)
		}
	}
}
