package pvesim_test

import (
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"
)

func TestClientBasics(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)

	v, err := c.Version(cx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if v.Release != "9.1" || v.Version == "" {
		t.Errorf("version = %+v", v)
	}

	nodes, err := c.Nodes(cx)
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	if len(nodes) != 2 || nodes[0].Node != "pve1" || nodes[0].Status != "online" || nodes[0].MaxCPU != 32 {
		t.Errorf("nodes = %+v", nodes[0])
	}

	n, err := c.Node(cx, "pve1")
	if err != nil {
		t.Fatalf("Node: %v", err)
	}
	if n.CPUInfo.CPUs != 32 || n.Memory.Total != 128<<30 || n.PVEVersion == "" {
		t.Errorf("node status = %+v", n)
	}

	cl, err := c.Cluster(cx)
	if err != nil {
		t.Fatalf("Cluster: %v", err)
	}
	if cl.Name != "lab" || cl.Quorate != 1 || len(cl.Nodes) != 2 || cl.Nodes[0].Online != 1 {
		t.Errorf("cluster = %+v", cl)
	}

	id, err := cl.NextID(cx)
	if err != nil || id != 100 {
		t.Errorf("NextID = %d, %v; want 100", id, err)
	}
	free, err := cl.CheckID(cx, 9000)
	if err != nil || free {
		t.Errorf("CheckID(9000) = %v, %v; want taken", free, err)
	}
	free, err = cl.CheckID(cx, 123)
	if err != nil || !free {
		t.Errorf("CheckID(123) = %v, %v; want free", free, err)
	}

	rs, err := cl.Resources(cx)
	if err != nil {
		t.Fatalf("Resources: %v", err)
	}
	kinds := map[string]int{}
	var tmpl *proxmox.ClusterResource
	for _, r := range rs {
		kinds[r.Type]++
		if r.ID == "qemu/9000" {
			tmpl = r
		}
	}
	if kinds["qemu"] != 3 || kinds["node"] != 2 || kinds["storage"] != 4 || kinds["pool"] != 1 {
		t.Errorf("resource kinds = %v", kinds)
	}
	if tmpl == nil || tmpl.Template != 1 || tmpl.VMID != 9000 || tmpl.Name != "debian-12-template" || tmpl.Node != "pve1" ||
		tmpl.Status != "stopped" || tmpl.MaxMem != 2048<<20 || tmpl.MaxDisk != 20<<30 || tmpl.MaxCPU != 2 {
		t.Errorf("template resource = %+v", tmpl)
	}
	vms, err := cl.Resources(cx, "vm")
	if err != nil || len(vms) != 3 {
		t.Errorf("Resources(vm) = %d, %v", len(vms), err)
	}

	pools, err := c.Pools(cx)
	if err != nil || len(pools) != 1 || pools[0].PoolID != "labforge" {
		t.Errorf("Pools = %+v, %v", pools, err)
	}
	p, err := c.Pool(cx, "labforge")
	if err != nil || p.PoolID != "labforge" || len(p.Members) != 0 {
		t.Errorf("Pool = %+v, %v", p, err)
	}

	st, err := n.Storages(cx)
	if err != nil || len(st) != 2 {
		t.Fatalf("Storages = %v, %v", st, err)
	}
	tmpls, err := n.VzTmpls(cx, "local")
	if err != nil || len(tmpls) != 2 {
		t.Errorf("VzTmpls = %d, %v", len(tmpls), err)
	}
	if _, err := n.VzTmpl(cx, "debian-12-standard_12.7-1_amd64.tar.zst", "local"); err != nil {
		t.Errorf("VzTmpl: %v", err)
	}

	qvms, err := n.VirtualMachines(cx)
	if err != nil || len(qvms) != 2 {
		t.Fatalf("VirtualMachines = %d, %v", len(qvms), err)
	}
	vm, err := n.VirtualMachine(cx, 9000)
	if err != nil {
		t.Fatalf("VirtualMachine: %v", err)
	}
	if !bool(vm.Template) || vm.Name != "debian-12-template" || vm.VirtualMachineConfig.Nets["net0"] == "" || *vm.VirtualMachineConfig.Cores != 2 {
		t.Errorf("vm = %+v config = %+v", vm, vm.VirtualMachineConfig)
	}
}
