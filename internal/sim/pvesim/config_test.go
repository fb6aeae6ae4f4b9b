package pvesim_test

import (
	"strings"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"
)

func TestConfigUpdate(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 150)
	cx := ctx(t)

	// POST is asynchronous (a qmconfig task), PUT synchronous.
	task, err := vm.Config(cx, proxmox.VirtualMachineOption{Name: "tags", Value: "labforge;vm-150;event-7"},
		proxmox.VirtualMachineOption{Name: "description", Value: "labforge id 7f0c"},
		proxmox.VirtualMachineOption{Name: "cores", Value: 4})
	mustOK(t, task, err)
	if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "memory", Value: "4096"},
		proxmox.VirtualMachineOption{Name: "net1", Value: "virtio,bridge=vmbr0"}); err != nil {
		t.Fatalf("ConfigSync: %v", err)
	}
	if err := vm.Ping(cx); err != nil {
		t.Fatal(err)
	}
	cfg := vm.VirtualMachineConfig
	if cfg.Tags != "event-7;labforge;vm-150" || *cfg.Cores != 4 || int(cfg.Memory) != 4096 || cfg.Description != "labforge id 7f0c" {
		t.Errorf("config = tags %q cores %d memory %d desc %q", cfg.Tags, *cfg.Cores, cfg.Memory, cfg.Description)
	}
	if !vm.HasTag("labforge") {
		t.Error("HasTag(labforge) = false")
	}
	if net1 := cfg.Nets["net1"]; !strings.HasPrefix(net1, "virtio=BC:24:11:") {
		t.Errorf("net1 without MAC got %q; want a generated BC:24:11 MAC", net1)
	}
	g, _ := s.Guest("pve1", 150)
	if len(g.Tags) != 3 || g.Config["cores"] != "4" {
		t.Errorf("state = %+v", g)
	}

	// Deleting keys and a stale digest.
	if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "delete", Value: "description,net1"}); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Guest("pve1", 150); g.Config["description"] != "" || g.Config["net1"] != "" {
		t.Errorf("after delete: %+v", g.Config)
	}
	err = vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "digest", Value: strings.Repeat("0", 40)},
		proxmox.VirtualMachineOption{Name: "cores", Value: 2})
	if err == nil || err.Error() != "500 detected modified configuration - file changed by other user? Try again." {
		t.Errorf("stale digest: %v", err)
	}

	// Config of a VM that does not exist.
	if err := vmHandle(c, "pve1", 999).ConfigSync(cx, proxmox.VirtualMachineOption{Name: "cores", Value: 2}); err == nil ||
		err.Error() != "500 Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist" {
		t.Errorf("missing VM: %v", err)
	}
}

func TestSnapshotRollbackDelete(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 160)
	cx := ctx(t)

	task, err := vm.NewSnapshot(cx, "clean")
	mustOK(t, task, err)
	if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "cores", Value: 8}); err != nil {
		t.Fatal(err)
	}
	task, err = vm.NewSnapshot(cx, "tuned")
	mustOK(t, task, err)
	task, err = vm.NewSnapshot(cx, "clean")
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "snapshot name 'clean' already used" {
		t.Errorf("duplicate snapshot = %q", got)
	}

	snaps, err := vm.Snapshots(cx)
	if err != nil || len(snaps) != 3 {
		t.Fatalf("snapshots = %+v, %v", snaps, err)
	}
	if snaps[0].Name != "clean" || snaps[1].Name != "tuned" || snaps[1].Parent != "clean" || snaps[2].Name != "current" || snaps[2].Parent != "tuned" {
		t.Errorf("snapshot tree = %+v %+v %+v", snaps[0], snaps[1], snaps[2])
	}

	task, err = vm.Start(cx)
	mustOK(t, task, err)
	task, err = vm.Snapshot("clean").Rollback(cx)
	mustOK(t, task, err)
	g, _ := s.Guest("pve1", 160)
	if g.Config["cores"] != "2" || g.Status != "stopped" || g.Config["parent"] != "clean" {
		t.Errorf("after rollback: cores %s status %s parent %s", g.Config["cores"], g.Status, g.Config["parent"])
	}

	task, err = vm.Snapshot("tuned").Delete(cx)
	mustOK(t, task, err)
	task, err = vm.Snapshot("nope").Delete(cx)
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "snapshot 'nope' does not exist" {
		t.Errorf("delete missing snapshot = %q", got)
	}
	if g, _ := s.Guest("pve1", 160); len(g.Snapshots) != 1 || g.Snapshots[0] != "clean" {
		t.Errorf("snapshots left = %v", g.Snapshots)
	}
	if _, err := vm.NewSnapshot(cx, "current"); err == nil || err.Error() != "500 unable to use snapshot name 'current' (reserved name)" {
		t.Errorf("reserved snapshot name: %v", err)
	}
}

func TestDeleteWithPurge(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 170, Pool: "labforge"})
	mustOK(t, task, err)
	vm := template(t, c, "pve1", 170)
	cx := ctx(t)
	used, _, _ := s.StorageUsage("pve1", "local-lvm")

	task, err = vm.Start(cx)
	mustOK(t, task, err)
	if _, err := vm.Delete(cx, &proxmox.VirtualMachineDeleteOptions{Purge: true}); err == nil || err.Error() != "500 VM 170 is running - destroy failed" {
		t.Errorf("delete running VM: %v", err)
	}
	task, err = vm.Stop(cx)
	mustOK(t, task, err)

	// The template cannot go while a linked clone uses its base disk.
	task, err = template(t, c, "pve1", 9000).Delete(cx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "base volume 'local-lvm:base-9000-disk-0' is still in use by linked cloned" {
		t.Errorf("delete template with clones = %q", got)
	}

	task, err = vm.Delete(cx, &proxmox.VirtualMachineDeleteOptions{Purge: true, DestroyUnreferencedDisks: true})
	mustOK(t, task, err)
	if _, ok := s.Guest("pve1", 170); ok {
		t.Error("VM 170 still exists")
	}
	if after, _, _ := s.StorageUsage("pve1", "local-lvm"); after != used {
		t.Errorf("storage used %d -> %d", used, after)
	}
	p, _ := c.Pool(cx, "labforge")
	if len(p.Members) != 0 {
		t.Errorf("pool still lists %+v", p.Members)
	}
	if _, err := vm.Delete(cx, nil); err == nil || err.Error() != "500 Configuration file 'nodes/pve1/qemu-server/170.conf' does not exist" {
		t.Errorf("delete twice: %v", err)
	}
	// skiplock is root@pam's alone; a token is not root@pam.
	r := rawDo(t, s, "DELETE", "/nodes/pve1/qemu/9001?skiplock=1", "", "", nil)
	if r.status != 400 || !strings.Contains(r.body, `"skiplock":"Only root may use this option."`) {
		t.Errorf("skiplock with token: %d %s", r.status, r.body)
	}
}
