package pvesim_test

import (
	"strconv"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestLinkedCloneFromSnapshot checks PVE::API2::Qemu::clone_vm with
// volume_has_feature 'clone': on LVM-thin a snapshot of an ordinary VM
// (not a template) can be cloned linked; the VM's current state cannot.
func TestLinkedCloneFromSnapshot(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	vm := clonedVM(t, c, 180)
	task, err := vm.NewSnapshot(cx, "golden")
	mustOK(t, task, err)

	task, err = linkedClone(t, c, "pve1", 180, 181, "golden")
	mustOK(t, task, err)
	src, _ := s.Guest("pve1", 180)
	g, ok := s.Guest("pve1", 181)
	if !ok || len(g.Disks) != 1 || len(src.Disks) != 1 {
		t.Fatalf("clone of the snapshot: %+v", g)
	}
	if "local-lvm:"+g.Disks[0].Base != src.Disks[0].VolID || g.Disks[0].Used != 0 {
		t.Errorf("linked clone disk %+v; want base %s", g.Disks[0], src.Disks[0].VolID)
	}

	// Without a snapshot only a template's base volume can be linked.
	_, err = linkedClone(t, c, "pve1", 180, 182, "")
	want := "500 Linked clone feature is not supported for '" + src.Disks[0].VolID + "' (" + src.Disks[0].Key + ")"
	if err == nil || err.Error() != want {
		t.Errorf("linked clone of the current state: %v; want %s", err, want)
	}
}

// TestLinkedCloneFromSnapshotNeedsThinStorage checks that file storages
// (PVE::Storage::Plugin) link only base volumes: a snapshot there is
// refused with clone_vm's "a snapshot of" wording.
func TestLinkedCloneFromSnapshotNeedsThinStorage(t *testing.T) {
	seed := pvesim.DefaultSeed()
	for i := range seed.Nodes {
		seed.Nodes[i].Storages = append(seed.Nodes[i].Storages,
			pvesim.SeedStorage{ID: "files", Type: "dir", Content: "images,rootdir", Total: 100 << 30})
	}
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{VMID: 300, Node: "pve1", Name: "on-dir", Disk: "8G", Storage: "files", Bridge: "vmbr0"})
	s := newSim(t, func(c *pvesim.Config) { c.Seed = seed })
	c := newClient(t, s)
	cx := ctx(t)
	vm := template(t, c, "pve1", 300)
	task, err := vm.NewSnapshot(cx, "golden")
	mustOK(t, task, err)
	g, _ := s.Guest("pve1", 300)
	_, err = linkedClone(t, c, "pve1", 300, 301, "golden")
	want := "500 Linked clone feature is not supported for a snapshot of '" + g.Disks[0].VolID + "' (" + g.Disks[0].Key + ")"
	if err == nil || err.Error() != want {
		t.Errorf("linked clone of a snapshot on dir storage: %v; want %s", err, want)
	}
	// A full clone of the same snapshot is fine.
	_, task, err = vm.Clone(cx, &proxmox.VirtualMachineCloneOptions{NewID: 301, SnapName: "golden"})
	mustOK(t, task, err)
}

// linkedClone asks for a linked clone (full=0, which go-proxmox's options
// cannot send) of vmid, from its snapshot snapname if not empty.
func linkedClone(t *testing.T, c *proxmox.Client, node string, vmid, newid int, snapname string) (*proxmox.Task, error) {
	t.Helper()
	p := map[string]any{"newid": newid, "full": 0}
	if snapname != "" {
		p["snapname"] = snapname
	}
	var upid proxmox.UPID
	if err := c.Post(ctx(t), "/nodes/"+node+"/qemu/"+strconv.Itoa(vmid)+"/clone", p, &upid); err != nil {
		return nil, err
	}
	return proxmox.NewTask(upid, c), nil
}

// TestContainerCloneOfMissingSource checks PVE::API2::LXC::clone_vm, whose
// first look at the source is set_lock (load_config): a container that is
// not on the node fails with load_config's text, not qemu-server's
// check_running one.
func TestContainerCloneOfMissingSource(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	var upid proxmox.UPID
	err := c.Post(ctx(t), "/nodes/pve2/lxc/4242/clone", map[string]any{"newid": 4243}, &upid)
	if err == nil || err.Error() != "500 Configuration file 'nodes/pve2/lxc/4242.conf' does not exist" {
		t.Errorf("clone of a missing container: %v", err)
	}
}
