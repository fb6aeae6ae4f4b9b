package pvesim_test

import (
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"
)

// TestRollbackStartRunsSeparateStartTask checks PVE::API2::Qemu::rollback
// with start=1: the qmrollback task rolls back and, as its last step, forks
// a qmstart task through the vm_start API method, so the rollback task ends
// with the VM stopped and a separate start task of the same user brings it
// up.
func TestRollbackStartRunsSeparateStartTask(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 170)
	cx := ctx(t)
	task, err := vm.NewSnapshot(cx, "clean")
	mustOK(t, task, err)

	var upid proxmox.UPID
	if err := c.Post(cx, "/nodes/pve1/qemu/170/snapshot/clean/rollback", map[string]any{"start": 1}, &upid); err != nil {
		t.Fatal(err)
	}
	rollback := waitTask(t, proxmox.NewTask(upid, c))
	if rollback.ExitStatus != "OK" || rollback.Type != "qmrollback" {
		t.Fatalf("rollback task %s ended %q", rollback.Type, rollback.ExitStatus)
	}
	start := waitSimTaskAfter(t, s, "qmstart", 170, string(upid))
	rb, _ := s.Task(string(upid))
	if start.ExitStatus != "OK" || start.User != rb.User {
		t.Errorf("start task: exit %q user %q, rollback user %q", start.ExitStatus, start.User, rb.User)
	}
	for _, line := range rb.Log {
		if line == "TASK OK" {
			continue
		}
		t.Errorf("rollback task log has %q; the start belongs to its own task", line)
	}
	if g, _ := s.Guest("pve1", 170); g.Status != "running" {
		t.Errorf("after the start task: %s", g.Status)
	}
}

// TestRollbackWithoutStartStartsNothing checks that without start=1 no
// start task follows a rollback.
func TestRollbackWithoutStartStartsNothing(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 171)
	cx := ctx(t)
	task, err := vm.NewSnapshot(cx, "clean")
	mustOK(t, task, err)
	task, err = vm.Snapshot("clean").Rollback(cx)
	mustOK(t, task, err)
	if !s.WaitTasks(5e9) {
		t.Fatal("tasks still running")
	}
	for _, tk := range s.Tasks() {
		if tk.Type == "qmstart" {
			t.Errorf("unexpected start task %s", tk.UPID)
		}
	}
}

// TestReservedSnapshotNames checks the reserved names of
// PVE::API2::Qemu::snapshot ("current", and "pending" in any case) and
// PVE::API2::LXC::Snapshot::snapshot ("current", "vzdump").
func TestReservedSnapshotNames(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 172)
	cx := ctx(t)
	for name, want := range map[string]string{
		"pending": "pending", "Pending": "pending", "PENDING": "pending",
	} {
		if _, err := vm.NewSnapshot(cx, name); err == nil || err.Error() != "500 unable to use snapshot name '"+want+"' (reserved name)" {
			t.Errorf("VM snapshot %q: %v", name, err)
		}
	}
	// "vzdump" is reserved for containers only.
	task, err := vm.NewSnapshot(cx, "vzdump")
	mustOK(t, task, err)

	n, err := c.Node(cx, "pve2")
	if err != nil {
		t.Fatal(err)
	}
	task, err = n.NewContainer(cx, 510,
		proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
		proxmox.ContainerOption{Name: "rootfs", Value: "local-lvm:8"},
	)
	mustOK(t, task, err)
	var upid proxmox.UPID
	err = c.Post(cx, "/nodes/pve2/lxc/510/snapshot", map[string]string{"snapname": "vzdump"}, &upid)
	if err == nil || err.Error() != "500 unable to use snapshot name 'vzdump' (reserved name)" {
		t.Errorf("CT snapshot vzdump: %v", err)
	}
	// "pending" is a VM-only reservation: a container may use it.
	if err := c.Post(cx, "/nodes/pve2/lxc/510/snapshot", map[string]string{"snapname": "pending"}, &upid); err != nil {
		t.Errorf("CT snapshot pending: %v", err)
	}
}
