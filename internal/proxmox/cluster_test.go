package proxmox_test

import (
	"errors"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

func TestClusterResourcesInOneCall(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CloneVM(ctx, "pve1", 9000, 400, proxmox.CloneOptions{Name: "owned", Pool: "labforge"})
	mustTask(t, c, upid, err)
	upid, err = c.SetVMConfig(ctx, "pve1", 400, proxmox.ConfigChange{Set: map[string]any{"tags": "labforge;lf-vm-400"}})
	mustTask(t, c, upid, err)
	s.RefreshStatus() // names, status and figures are the nodes' status data

	before := s.Stats().RequestCount("GET", "/cluster/resources")
	rs, err := c.ClusterResources(ctx, proxmox.ResourceAll)
	if err != nil {
		t.Fatalf("ClusterResources: %v", err)
	}
	if n := s.Stats().RequestCount("GET", "/cluster/resources") - before; n != 1 {
		t.Errorf("ClusterResources made %d requests, want 1", n)
	}
	types := map[string]int{}
	var vm, tmpl, node proxmox.Resource
	for _, r := range rs {
		types[r.Type]++
		switch r.ID {
		case "qemu/400":
			vm = r
		case "qemu/9002":
			tmpl = r
		case "node/pve2":
			node = r
		}
	}
	if types["qemu"] != 4 || types["node"] != 2 || types["storage"] != 4 || types["pool"] != 1 {
		t.Errorf("resource types = %v", types)
	}
	if vm.VMID != 400 || vm.Node != "pve1" || vm.Name != "owned" || vm.Status != "stopped" || vm.Template ||
		vm.Pool != "labforge" || !vm.HasTag("LF-VM-400") || vm.MaxMem != 2048<<20 || vm.MaxCPU != 2 {
		t.Errorf("vm resource = %+v", vm)
	}
	if !tmpl.Template || tmpl.Node != "pve2" || tmpl.Name != "win11-template" {
		t.Errorf("template resource = %+v", tmpl)
	}
	if node.Status != "online" || node.MaxCPU != 32 || node.Uptime <= 0 {
		t.Errorf("node resource = %+v", node)
	}

	vms, err := c.ClusterResources(ctx, proxmox.ResourceVM)
	if err != nil || len(vms) != 4 {
		t.Errorf("ClusterResources(vm) = %d, %v", len(vms), err)
	}
	_, err = c.ClusterResources(ctx, "bogus")
	wantKind(t, err, proxmox.Invalid)

}

func TestFindGuest(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CloneVM(ctx, "pve1", 9000, 400, proxmox.CloneOptions{Name: "owned", Pool: "labforge"})
	mustTask(t, c, upid, err)
	s.RefreshStatus() // the name is the node's status data

	before := s.Stats().RequestCount("GET", "/cluster/resources")
	found, ok, err := c.FindGuest(ctx, 400)
	if err != nil || !ok || found.ID != "qemu/400" || found.Node != "pve1" || found.Name != "owned" || found.Pool != "labforge" {
		t.Errorf("FindGuest(400) = %+v, %v, %v", found, ok, err)
	}
	if n := s.Stats().RequestCount("GET", "/cluster/resources") - before; n != 1 {
		t.Errorf("FindGuest made %d requests, want 1", n)
	}
	// Any node answers for the whole cluster, templates included.
	found, ok, err = c.FindGuest(ctx, 9002)
	if err != nil || !ok || found.Node != "pve2" || !found.Template {
		t.Errorf("FindGuest(9002) = %+v, %v, %v", found, ok, err)
	}
	if found, ok, err := c.FindGuest(ctx, 999); ok || err != nil {
		t.Errorf("FindGuest(missing) = %+v, %v, %v", found, ok, err)
	}
}

func TestFindGuestError(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.Faults = &pvesim.Faults{EndpointErrorRates: map[string]float64{"GET /cluster/resources": 1}}
	})
	c := newClient(t, s, "pve1", proxmox.Options{})
	_, ok, err := c.FindGuest(testCtx(t, 10*time.Second), 400)
	var e *proxmox.Error
	if ok || !errors.As(err, &e) || !e.Retryable() || e.Op != "FindGuest" || e.Node != "pve1" || e.Status != 500 {
		t.Errorf("FindGuest = %v, %v", ok, err)
	}
}

func TestVersionAndNodeStatus(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 5*time.Second)
	v, err := c.Version(ctx)
	if err != nil || v.Release != "9.1" || v.Version == "" {
		t.Errorf("Version = %+v, %v", v, err)
	}
	ns, err := c.NodeStatus(ctx, "pve1")
	if err != nil || ns.CPUs != 32 || ns.MemoryTotal != 128<<30 || ns.PVEVersion == "" || ns.Uptime <= 0 {
		t.Errorf("NodeStatus = %+v, %v", ns, err)
	}
	_, err = c.NodeStatus(ctx, "pve9")
	wantKind(t, err, proxmox.NotFound)
}
