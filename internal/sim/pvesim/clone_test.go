package pvesim_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// template returns a go-proxmox handle on a seeded template.
func template(t *testing.T, c *proxmox.Client, node string, vmid int) *proxmox.VirtualMachine {
	t.Helper()
	n, err := c.Node(ctx(t), node)
	if err != nil {
		t.Fatalf("Node: %v", err)
	}
	vm, err := n.VirtualMachine(ctx(t), vmid)
	if err != nil {
		t.Fatalf("VirtualMachine(%d): %v", vmid, err)
	}
	return vm
}

func TestLinkedCloneSharesBaseDisk(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.Durations.CloneLinked = 1000 * time.Second // 1 s at test scale, to observe the lock
	})
	c := newClient(t, s)
	tmpl := template(t, c, "pve1", 9000)
	tmplState, _ := s.Guest("pve1", 9000)

	newid, task, err := tmpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 105, Name: "lab-vm-1", Pool: "labforge", Description: "labforge:vm-1"})
	if err != nil || newid != 105 {
		t.Fatalf("Clone = %d, %v", newid, err)
	}
	if !strings.HasPrefix(string(task.UPID), "UPID:pve1:") || !strings.Contains(string(task.UPID), ":qmclone:9000:root@pam!labforge:") {
		t.Errorf("UPID = %s", task.UPID)
	}
	during, ok := s.Guest("pve1", 105)
	if !ok || during.Lock != "clone" {
		t.Fatalf("during clone: %+v, %v; want lock clone", during, ok)
	}
	n, _ := c.Node(ctx(t), "pve1")
	if _, err := n.VirtualMachine(ctx(t), 105); err != nil {
		t.Fatalf("new VM not visible during clone: %v", err)
	}
	vm105 := &proxmox.VirtualMachine{}
	vm105.New(c, "pve1", 105)
	st, err := vm105.Start(ctx(t))
	if err != nil {
		t.Fatalf("start during clone: %v", err)
	}
	if got := waitTask(t, st).ExitStatus; got != "VM is locked (clone)" {
		t.Errorf("start during clone exitstatus = %q", got)
	}
	mustOK(t, task, nil)

	g, _ := s.Guest("pve1", 105)
	if g.Lock != "" || g.Name != "lab-vm-1" || g.Pool != "labforge" || g.Template || g.Config["description"] != "labforge:vm-1" {
		t.Errorf("clone state = %+v", g)
	}
	if len(g.Disks) != 1 || g.Disks[0].Base != "base-9000-disk-0" || g.Disks[0].Used != 0 || g.Disks[0].Size != 20<<30 {
		t.Errorf("linked clone disks = %+v", g.Disks)
	}
	if mac := g.MACs["net0"]; !strings.HasPrefix(mac, "BC:24:11:") || mac == tmplState.MACs["net0"] {
		t.Errorf("clone MAC %q (template %q)", mac, tmplState.MACs["net0"])
	}
	if g.Config["smbios1"] == tmplState.Config["smbios1"] {
		t.Error("clone kept the template's SMBIOS UUID")
	}
	p, err := c.Pool(ctx(t), "labforge")
	if err != nil || len(p.Members) != 1 || p.Members[0].VMID != 105 {
		t.Errorf("pool members = %+v, %v", p, err)
	}
}

func TestFullCloneCopiesDisk(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	usedBefore, _, _ := s.StorageUsage("pve1", "local-lvm")
	tmpl := template(t, c, "pve1", 9001)
	start := time.Now()
	_, task, err := tmpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 200, Full: true, Name: "full-1"})
	mustOK(t, task, err)
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Errorf("full clone took %v; want at least 60 s × 0.001", el)
	}
	g, _ := s.Guest("pve1", 200)
	if len(g.Disks) != 1 || g.Disks[0].Base != "" || g.Disks[0].Used != 32<<30 {
		t.Errorf("full clone disks = %+v", g.Disks)
	}
	usedAfter, _, _ := s.StorageUsage("pve1", "local-lvm")
	if usedAfter-usedBefore != 32<<30 {
		t.Errorf("storage used grew by %d; want 32 GiB", usedAfter-usedBefore)
	}
	log, err := task.Log(ctx(t), 0, 50)
	if err != nil || !strings.Contains(strings.Join(mapValues(log), "\n"), "create full clone of drive scsi0 (local-lvm:base-9001-disk-0)") {
		t.Errorf("task log = %v, %v", log, err)
	}
}

func mapValues(l proxmox.Log) []string {
	out := make([]string, len(l))
	for i := range out {
		out[i] = l[i]
	}
	return out
}

func TestCloneSynchronousPrechecks(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	tmpl := template(t, c, "pve1", 9000)
	_, task, err := tmpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 105, Full: true})
	mustOK(t, task, err)

	cases := []struct {
		name string
		vm   *proxmox.VirtualMachine
		opts *proxmox.VirtualMachineCloneOptions
		want string
	}{
		{"existing newid", tmpl, &proxmox.VirtualMachineCloneOptions{NewID: 105}, "500 unable to create VM 105: config file already exists"},
		{"linked from non-template", vmHandle(c, "pve1", 105), &proxmox.VirtualMachineCloneOptions{NewID: 106}, ""},
		{"storage on linked", tmpl, &proxmox.VirtualMachineCloneOptions{NewID: 107, Storage: "local-lvm"}, "500 parameter 'storage' not allowed for linked clones"},
		{"target node with local storage", tmpl, &proxmox.VirtualMachineCloneOptions{NewID: 111, Target: "pve2"}, "500 can't clone VM to node 'pve2' (VM uses local storage)"},
		{"unknown target node", tmpl, &proxmox.VirtualMachineCloneOptions{NewID: 112, Target: "pve7"}, "500 no such cluster node 'pve7'"},
		{"missing source", vmHandle(c, "pve1", 4242), &proxmox.VirtualMachineCloneOptions{NewID: 108}, "500 unable to find configuration file for VM 4242 on node 'pve1'"},
		{"template on other node", vmHandle(c, "pve2", 9000), &proxmox.VirtualMachineCloneOptions{NewID: 109}, "500 unable to find configuration file for VM 9000 on node 'pve2'"},
	}
	for _, tc := range cases {
		_, _, err := tc.vm.Clone(ctx(t), tc.opts)
		if tc.want == "" {
			// A non-template clones fully by default; that must work.
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v; want %q", tc.name, err, tc.want)
		}
	}
	// full=0 on a non-template: go-proxmox omits false, so send it raw.
	r := rawDo(t, s, "POST", "/nodes/pve1/qemu/105/clone", "application/x-www-form-urlencoded", "newid=110&full=0", nil)
	if r.status != 500 || r.reason != "Linked clone feature is not supported for 'local-lvm:vm-105-disk-0' (scsi0)" {
		t.Errorf("linked clone of non-template: %d %q", r.status, r.reason)
	}
}

func vmHandle(c *proxmox.Client, node string, vmid int) *proxmox.VirtualMachine {
	vm := &proxmox.VirtualMachine{}
	vm.New(c, node, vmid)
	return vm
}

func TestStorageLockContention(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.StorageLockLimit = 3
		c.Durations.CloneLinked = 2000 * time.Second // 2 s: every request arrives while the first 3 run
		c.Durations.LockTimeout = 100 * time.Second  // 100 ms: the other 5 time out
	})
	c := newClient(t, s)
	tmpl := template(t, c, "pve1", 9000)
	const n = 8
	tasks := make([]*proxmox.Task, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, task, err := tmpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 300 + i})
			if err != nil {
				t.Errorf("clone %d: %v", i, err)
				return
			}
			tasks[i] = task
		}(i)
	}
	wg.Wait()
	var ok, locked int
	for i, task := range tasks {
		if task == nil {
			continue
		}
		switch st := waitTask(t, task).ExitStatus; st {
		case "OK":
			ok++
		case "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout":
			locked++
			if _, exists := s.Guest("pve1", 300+i); exists {
				t.Errorf("failed clone %d left its VM behind", 300+i)
			}
		default:
			t.Errorf("clone %d: unexpected exit status %q", i, st)
		}
	}
	if ok != 3 || locked != n-3 {
		t.Errorf("ok=%d lock-timeouts=%d; want 3 and %d", ok, locked, n-3)
	}
	stats := s.Stats()
	if m := stats.Nodes["pve1"].MaxRunning["qmclone"]; m < 3 || m > n {
		t.Errorf("max concurrent qmclone = %d; want 3..%d", m, n)
	}
	if tc := stats.Nodes["pve1"].Tasks["qmclone"]; tc.OK != 3 || tc.Failed != n-3 {
		t.Errorf("qmclone outcomes = %+v", tc)
	}
	if got := stats.RequestCount("POST", "/nodes/{node}/qemu/{vmid}/clone"); got != n {
		t.Errorf("clone requests = %d; want %d", got, n)
	}
}

func TestCloneToOtherNodeOnSharedStorage(t *testing.T) {
	seed := pvesim.DefaultSeed()
	for i := range seed.Nodes {
		seed.Nodes[i].Storages = append(seed.Nodes[i].Storages, pvesim.SeedStorage{ID: "nfs", Type: "nfs", Content: "images,rootdir", Total: 4 << 40, Shared: true})
	}
	seed.Templates = append(seed.Templates, pvesim.SeedTemplate{VMID: 9100, Node: "pve1", Name: "shared-template", OSType: "l26", Cores: 1, Memory: 1024, Disk: "10G", Storage: "nfs"})
	s := newSim(t, func(c *pvesim.Config) { c.Seed = seed })
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9100).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 120, Target: "pve2"})
	mustOK(t, task, err)
	g, ok := s.Guest("pve2", 120)
	if !ok || len(g.Disks) != 1 || g.Disks[0].Storage != "nfs" || g.Disks[0].Base == "" {
		t.Fatalf("clone on pve2 = %+v, %v", g, ok)
	}
	if !strings.HasPrefix(g.Disks[0].VolID, "nfs:9100/base-9100-disk-0.qcow2/120/vm-120-disk-0.qcow2") {
		t.Errorf("linked qcow2 volume = %s", g.Disks[0].VolID)
	}
}

// TestCloneOntoAVMIDTakenOnAnotherNode: the synchronous check sees only the
// source node, so the clone starts; its task fails when it renames the new
// config into place, and the other node's guest stays as it was.
func TestCloneOntoAVMIDTakenOnAnotherNode(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.Seed = pvesim.DefaultSeed()
		c.Seed.Guests = append(c.Seed.Guests, pvesim.SeedGuest{VMID: 850, Node: "pve2", Type: "lxc", Name: "elsewhere",
			Memory: 256, Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0"})
	})
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 850})
	if err != nil {
		t.Fatalf("the clone was refused synchronously: %v", err)
	}
	done := waitTask(t, task)
	want := "clone failed: close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/850.conf' failed: File exists"
	if done.IsSuccessful || done.ExitStatus != want {
		t.Errorf("task = %+v, want exit status %q", done, want)
	}
	g, ok := s.Guest("pve2", 850)
	if !ok || g.Type != "lxc" || g.Name != "elsewhere" {
		t.Errorf("the other node's guest = %+v, %v", g, ok)
	}
	if _, ok := s.Guest("pve1", 850); ok {
		t.Error("the failed clone left a guest on pve1")
	}
}
