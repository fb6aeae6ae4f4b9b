package proxmox_test

import (
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestGuestAgentIPv4SkipsLinkLocal checks GuestAgentIPv4 against guest
// agents that list link-local addresses first: a Linux VM's answer is its
// lease, not its fe80:: address, and a Windows VM that got no lease (only
// an APIPA 169.254/16 address) has no IPv4 address yet (AgentNotReady).
func TestGuestAgentIPv4SkipsLinkLocal(t *testing.T) {
	seed := pvesim.DefaultSeed()
	// vmbr9's pool is one address, taken, so no guest gets a lease there.
	seed.Bridges = append(seed.Bridges, pvesim.SeedBridge{Name: "vmbr9", CIDR: "10.99.0.0/24", PoolStart: "10.99.0.10", PoolEnd: "10.99.0.10"})
	s := newSim(t, func(c *pvesim.Config) { c.Seed = seed })
	if err := s.PinLease("vmbr9", "BC:24:11:99:99:99", "10.99.0.10"); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t, 10*time.Second)

	c1 := newClient(t, s, "pve1", proxmox.Options{})
	cloneLinked(t, c1, 260)
	upid, err := c1.StartVM(ctx, "pve1", 260)
	mustTask(t, c1, upid, err)
	ip := waitAgentIPv4(t, c1, "pve1", 260)
	if want := guest(t, s, "pve1", 260).IPv4; ip != want {
		t.Errorf("Linux VM: GuestAgentIPv4 = %s, lease %s", ip, want)
	}

	c2 := newClient(t, s, "pve2", proxmox.Options{})
	upid, err = c2.CloneVM(ctx, "pve2", 9002, 261, proxmox.CloneOptions{Name: "win"})
	mustTask(t, c2, upid, err)
	mac := guest(t, s, "pve2", 261).MACs["net0"]
	upid, err = c2.SetVMConfig(ctx, "pve2", 261, proxmox.ConfigChange{Set: map[string]any{"net0": "virtio=" + mac + ",bridge=vmbr9"}})
	mustTask(t, c2, upid, err)
	upid, err = c2.StartVM(ctx, "pve2", 261)
	mustTask(t, c2, upid, err)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if _, err := c2.GuestAgentInterfaces(ctx, "pve2", 261); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Windows VM's agent never answered")
		}
	}
	ip2, err := c2.GuestAgentIPv4(ctx, "pve2", 261)
	wantKind(t, err, proxmox.AgentNotReady)
	if ip2.IsValid() {
		t.Errorf("Windows VM without a lease: GuestAgentIPv4 = %s", ip2)
	}
}

// waitAgentIPv4 polls GuestAgentIPv4 until the agent reports an address.
func waitAgentIPv4(t *testing.T, c *proxmox.Client, node string, vmid int) string {
	t.Helper()
	ctx := testCtx(t, 10*time.Second)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		ip, err := c.GuestAgentIPv4(ctx, node, vmid)
		if err == nil {
			return ip.String()
		}
		if proxmox.KindOf(err) != proxmox.AgentNotReady || time.Now().After(deadline) {
			t.Fatalf("GuestAgentIPv4(%d): %v", vmid, err)
		}
	}
}
