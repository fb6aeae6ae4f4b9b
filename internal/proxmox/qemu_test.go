package proxmox_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestCloneLinkedAndFull(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 20*time.Second)

	upid, err := c.CloneVM(ctx, "pve1", 9000, 200, proxmox.CloneOptions{
		Name: "lab-linked", Pool: "labforge", Description: "labforge:vm-1"})
	if err != nil {
		t.Fatalf("CloneVM linked: %v", err)
	}
	st := mustTask(t, c, upid, nil)
	if st.Type != "qmclone" || st.ExitStatus != "OK" || st.ID != "9000" {
		t.Errorf("clone task = %+v", st)
	}
	g := guest(t, s, "pve1", 200)
	if g.Name != "lab-linked" || g.Pool != "labforge" || g.Lock != "" || g.Config["description"] != "labforge:vm-1" {
		t.Errorf("linked clone = %+v", g)
	}
	if len(g.Disks) != 1 || g.Disks[0].Base == "" || g.Disks[0].Used != 0 {
		t.Errorf("linked clone disks = %+v, want one disk sharing a base volume", g.Disks)
	}

	upid, err = c.CloneVM(ctx, "pve1", 9000, 201, proxmox.CloneOptions{Name: "lab-full", Full: true, Storage: "local-lvm"})
	mustTask(t, c, upid, err)
	g = guest(t, s, "pve1", 201)
	if len(g.Disks) != 1 || g.Disks[0].Base != "" || g.Disks[0].Used != g.Disks[0].Size || g.Disks[0].Size == 0 {
		t.Errorf("full clone disks = %+v, want an independent full copy", g.Disks)
	}
	if g.MACs["net0"] == guest(t, s, "pve1", 200).MACs["net0"] {
		t.Errorf("clones share MAC %s", g.MACs["net0"])
	}
}

func TestCloneValidatesLocally(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 5*time.Second)
	before := s.Stats().RequestCount("POST", "/nodes/{node}/qemu/{vmid}/clone")
	for name, err := range map[string]error{
		"newid 0":        ignoreUPID(c.CloneVM(ctx, "pve1", 9000, 0, proxmox.CloneOptions{})),
		"storage linked": ignoreUPID(c.CloneVM(ctx, "pve1", 9000, 300, proxmox.CloneOptions{Storage: "local-lvm"})),
		"bad node":       ignoreUPID(c.CloneVM(ctx, "pve1/../x", 9000, 300, proxmox.CloneOptions{})),
	} {
		t.Run(name, func(t *testing.T) { wantKind(t, err, proxmox.Invalid) })
	}
	if got := s.Stats().RequestCount("POST", "/nodes/{node}/qemu/{vmid}/clone"); got != before {
		t.Errorf("invalid clones reached the server (%d requests)", got-before)
	}
}

func ignoreUPID(_ string, err error) error { return err }

func TestPowerActions(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 20*time.Second)
	cloneLinked(t, c, 210)

	steps := []struct {
		name   string
		do     func() (string, error)
		status string
	}{
		{"start", func() (string, error) { return c.StartVM(ctx, "pve1", 210) }, "running"},
		{"reboot", func() (string, error) { return c.RebootVM(ctx, "pve1", 210) }, "running"},
		{"reset", func() (string, error) { return c.ResetVM(ctx, "pve1", 210) }, "running"},
		{"shutdown", func() (string, error) {
			return c.ShutdownVM(ctx, "pve1", 210, proxmox.ShutdownOptions{Timeout: 30 * time.Second, ForceStop: true})
		}, "stopped"},
		{"start again", func() (string, error) { return c.StartVM(ctx, "pve1", 210) }, "running"},
		{"stop", func() (string, error) { return c.StopVM(ctx, "pve1", 210) }, "stopped"},
	}
	for _, step := range steps {
		upid, err := step.do()
		st := mustTask(t, c, upid, err)
		if g := guest(t, s, "pve1", 210); g.Status != step.status {
			t.Fatalf("%s: simulator says %s, want %s", step.name, g.Status, step.status)
		}
		vs, err := c.VMStatus(ctx, "pve1", 210)
		if err != nil || vs.Status != step.status || vs.VMID != 210 || !vs.Agent {
			t.Fatalf("%s: VMStatus = %+v, %v", step.name, vs, err)
		}
		if st.Node != "pve1" || st.ID != "210" {
			t.Errorf("%s: task %+v", step.name, st)
		}
	}
}

func TestConfigReadAndUpdate(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	cloneLinked(t, c, 220)

	cfg, err := c.VMConfig(ctx, "pve1", 220)
	if err != nil {
		t.Fatalf("VMConfig: %v", err)
	}
	if cfg["cores"] != "2" || cfg["memory"] != "2048" || cfg.Digest() == "" || cfg["net0"] == "" {
		t.Errorf("config = %v", cfg)
	}
	tags, err := proxmox.FormatTags("labforge", "lf-vm-220")
	if err != nil {
		t.Fatal(err)
	}
	upid, err := c.SetVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{
		Set:    map[string]any{"cores": 4, "tags": tags, "description": "labforge:vm-220", "onboot": true},
		Delete: []string{"vmgenid"},
		Digest: cfg.Digest(),
	})
	if upid == "" {
		t.Fatalf("SetVMConfig returned no UPID (err %v)", err)
	}
	mustTask(t, c, upid, err)
	g := guest(t, s, "pve1", 220)
	if g.Config["cores"] != "4" || g.Config["description"] != "labforge:vm-220" || g.Config["onboot"] != "1" ||
		g.Config["vmgenid"] != "" || !slices.Equal(g.Tags, []string{"labforge", "lf-vm-220"}) {
		t.Errorf("config after update = %v, tags %v", g.Config, g.Tags)
	}

	// The digest the change was based on is stale now.
	upid, err = c.SetVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{Set: map[string]any{"cores": 1}, Digest: cfg.Digest()})
	if err == nil {
		_, err = c.WaitTask(ctx, "", upid, fastWait)
	}
	wantKind(t, err, proxmox.Transient)

	_, err = c.SetVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{Set: map[string]any{"vmid": 5}})
	wantKind(t, err, proxmox.Invalid)

	// The synchronous update has made the change when it returns, without a task.
	tasks := s.Stats().Nodes["pve1"].Tasks["qmconfig"]
	if err := c.UpdateVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{Set: map[string]any{"cores": 6, "name": "renamed"}}); err != nil {
		t.Fatalf("UpdateVMConfig: %v", err)
	}
	if g := guest(t, s, "pve1", 220); g.Config["cores"] != "6" || g.Name != "renamed" {
		t.Errorf("config after the synchronous update = %v", g.Config)
	}
	if after := s.Stats().Nodes["pve1"].Tasks["qmconfig"]; after != tasks {
		t.Errorf("qmconfig tasks went from %+v to %+v", tasks, after)
	}
	err = c.UpdateVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{Set: map[string]any{"cores": 1}, Digest: cfg.Digest()})
	wantKind(t, err, proxmox.Transient)
	wantKind(t, c.UpdateVMConfig(ctx, "pve1", 220, proxmox.ConfigChange{}), proxmox.Invalid)
}

func TestSnapshotRollback(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	cloneLinked(t, c, 230)

	upid, err := c.CreateSnapshot(ctx, "pve1", 230, "clean", "before the lab", false)
	mustTask(t, c, upid, err)
	upid, err = c.SetVMConfig(ctx, "pve1", 230, proxmox.ConfigChange{Set: map[string]any{"memory": 4096}})
	mustTask(t, c, upid, err)
	if g := guest(t, s, "pve1", 230); g.Config["memory"] != "4096" || !slices.Equal(g.Snapshots, []string{"clean"}) {
		t.Fatalf("before rollback: memory %s, snapshots %v", g.Config["memory"], g.Snapshots)
	}
	snaps, err := c.ListSnapshots(ctx, "pve1", 230)
	if err != nil || len(snaps) != 1 || snaps[0].Name != "clean" || snaps[0].Description != "before the lab" || snaps[0].Time.IsZero() {
		t.Fatalf("ListSnapshots = %+v, %v", snaps, err)
	}

	upid, err = c.RollbackSnapshot(ctx, "pve1", 230, "clean", true)
	mustTask(t, c, upid, err)
	if g := guest(t, s, "pve1", 230); g.Config["memory"] != "2048" {
		t.Errorf("after rollback: memory %s", g.Config["memory"])
	}
	// The start is a task of its own, forked when the rollback ends.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st, err := c.VMStatus(ctx, "pve1", 230)
		if err == nil && st.Running() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("VM 230 not running 5s after a rollback with start: %+v, %v", st, err)
		}
	}

	upid, err = c.DeleteSnapshot(ctx, "pve1", 230, "clean")
	mustTask(t, c, upid, err)
	if g := guest(t, s, "pve1", 230); len(g.Snapshots) != 0 {
		t.Errorf("snapshots after delete = %v", g.Snapshots)
	}
	upid, err = c.RollbackSnapshot(ctx, "pve1", 230, "clean", false)
	if err == nil {
		_, err = c.WaitTask(ctx, "", upid, fastWait)
	}
	wantKind(t, err, proxmox.NotFound)
	if validating(t, s) {
		_, err = c.CreateSnapshot(ctx, "pve1", 230, "bad name", "", false)
		wantKind(t, err, proxmox.Invalid)
	}
}

func TestDeleteWithPurge(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CloneVM(ctx, "pve1", 9000, 240, proxmox.CloneOptions{Name: "doomed", Pool: "labforge"})
	mustTask(t, c, upid, err)
	usedBefore, _, _ := s.StorageUsage("pve1", "local-lvm")

	upid, err = c.DeleteVM(ctx, "pve1", 240, true, true)
	st := mustTask(t, c, upid, err)
	if st.Type != "qmdestroy" {
		t.Errorf("delete task type %s", st.Type)
	}
	if _, ok := s.Guest("pve1", 240); ok {
		t.Fatal("VM 240 still exists after delete")
	}
	if usedAfter, _, _ := s.StorageUsage("pve1", "local-lvm"); usedAfter > usedBefore {
		t.Errorf("storage use grew from %d to %d", usedBefore, usedAfter)
	}
	if _, found, err := c.FindGuest(ctx, 240); err != nil || found {
		t.Errorf("FindGuest after delete = %v, %v", found, err)
	}
	_, err = c.DeleteVM(ctx, "pve1", 240, true, false)
	wantKind(t, err, proxmox.NotFound)
}

func TestGuestAgentIPv4AfterStart(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	cloneLinked(t, c, 250)

	_, err := c.GuestAgentIPv4(ctx, "pve1", 250)
	wantKind(t, err, proxmox.Conflict) // not running

	upid, err := c.StartVM(ctx, "pve1", 250)
	mustTask(t, c, upid, err)
	var ip netip.Addr
	notReady := 0
	for {
		ip, err = c.GuestAgentIPv4(ctx, "pve1", 250)
		if err == nil {
			break
		}
		if !proxmox.IsRetryable(err) || proxmox.KindOf(err) != proxmox.AgentNotReady {
			t.Fatalf("GuestAgentIPv4: %v", err)
		}
		notReady++
		time.Sleep(2 * time.Millisecond)
	}
	want := guest(t, s, "pve1", 250).IPv4
	if ip.String() != want || !ip.Is4() {
		t.Errorf("guest agent IPv4 = %s, simulator leased %s", ip, want)
	}
	t.Logf("agent answered after %d AgentNotReady polls", notReady)

	ifs, err := c.GuestAgentInterfaces(ctx, "pve1", 250)
	if err != nil || len(ifs) < 2 {
		t.Fatalf("GuestAgentInterfaces = %+v, %v", ifs, err)
	}
	var mac string
	for _, i := range ifs {
		if a, ok := i.IPv4(); ok && a == ip {
			mac = i.HWAddr
		}
	}
	if mac == "" || mac != strings.ToLower(guest(t, s, "pve1", 250).MACs["net0"]) {
		t.Errorf("interface with %s has MAC %q, want net0's %s", ip, mac, guest(t, s, "pve1", 250).MACs["net0"])
	}
}
