package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// pxFixture is the VM lifecycle activities against the simulator (over
// HTTPS, pinned certificate) and a fresh PostgreSQL database, with nodes
// pve1 and pve2 and the seed's templates registered.
type pxFixture struct {
	ctx   context.Context
	db    *store.DB
	sim   *pvesim.Server
	px    *Proxmox
	bk    *Bookkeeping
	nodes map[string]*domain.Node
	tpls  map[int]*domain.VMTemplate
	owner *domain.User
}

func newPxFixture(t *testing.T) *pxFixture { return newPxFixtureWith(t, pvesim.Durations{}) }

// newPxFixtureWith is newPxFixture with the simulator's durations (before
// its time scale of 0.001) overridden by the non-zero fields of d.
func newPxFixtureWith(t *testing.T, d pvesim.Durations) *pxFixture {
	return newPxFixtureSim(t, pvesim.Config{TimeScale: 0.001, RandomSeed: 7, Durations: d})
}

// newPxFixtureSim is newPxFixture against a simulator configured by cfg.
func newPxFixtureSim(t *testing.T, cfg pvesim.Config) *pxFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	db := storetest.New(t)
	sim := pvesim.New(cfg)
	t.Cleanup(sim.Close)
	f := &pxFixture{ctx: ctx, db: db, sim: sim, nodes: map[string]*domain.Node{}, tpls: map[int]*domain.VMTemplate{}}
	slots := &CloneSlots{Store: db, CapPerStorage: 4}
	f.px = &Proxmox{Slots: slots, Clients: &NodeClients{Nodes: db, Keys: storetest.Keyring(t), Timeout: 5 * time.Second},
		Wait: proxmox.WaitOptions{Interval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond}}
	f.bk = &Bookkeeping{VMs: db, Nodes: db, Containers: db, Sites: db, Slots: slots, VMIDs: domain.VMIDRange{First: 10000, Last: 10099}}
	for _, name := range []string{"pve1", "pve2"} {
		n := &domain.Node{Name: name, Cluster: "lab", Endpoint: sim.URL(), TokenID: pvesim.DefaultTokenID,
			TokenSecret: pvesim.DefaultTokenSecret, TLSFingerprint: sim.Fingerprint(), Storages: []string{"local-lvm"},
			Bridge: "vmbr0", CloneConcurrency: 2}
		require.NoError(t, db.CreateNode(ctx, n))
		n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 64<<30, 8<<30
		if name == "pve2" {
			n.UsedMemoryBytes = 60 << 30 // pve1 has the most room
		}
		require.NoError(t, db.UpdateNodeStatus(ctx, n))
		f.nodes[name] = n
	}
	for vmid, node := range map[int]string{9000: "pve1", 9002: "pve2"} {
		tpl := &domain.VMTemplate{NodeID: f.nodes[node].ID, Cluster: "lab", VMID: vmid, Kind: domain.GuestQEMU,
			Name: "tpl" + node, Cores: 2, MemoryMB: 2048, Storage: "local-lvm", Linked: true, Status: "available"}
		require.NoError(t, db.UpsertTemplate(ctx, tpl))
		f.tpls[vmid] = tpl
	}
	f.owner = &domain.User{Username: "owner", Email: "owner@example.org", DisplayName: "Owner",
		Source: domain.AuthLocal, Roles: []string{domain.RoleParticipant}, PasswordHash: "$argon2id$x"}
	require.NoError(t, db.CreateUser(ctx, f.owner))
	return f
}

// newVM stores a pending VM of template tplVMID.
func (f *pxFixture) newVM(t *testing.T, name string, tplVMID int, linked bool) *domain.VM {
	t.Helper()
	vm := &domain.VM{Name: name, OwnerID: f.owner.ID, TemplateID: f.tpls[tplVMID].ID, Cluster: "lab",
		Linked: linked, Cores: 3, MemoryMB: 3072}
	require.NoError(t, f.db.CreateVM(f.ctx, vm))
	return vm
}

// run executes one activity in a fresh activity environment, with
// heartbeat details (a UPID) when not nil, and decodes its result into out.
func (f *pxFixture) run(t *testing.T, details any, out any, fn any, args ...any) error {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	registerQueues(t, env, Set{Proxmox: f.px, Bookkeeping: f.bk, Operations: &Operations{Store: f.db}, Gateways: &Gateways{Sites: f.db, Request: nilRequester}, System: &System{},
		Email: &Email{Store: f.db}, Guacamole: &Guacamole{Store: f.db}, Moodle: &Moodle{Store: f.db},
		Timeline: &EventTimeline{Log: &memTimeline{}}, Events: &Events{Events: f.db, VMs: f.db, Templates: f.db}},
		QueueCore, QueuePVEClone, QueuePVEActions)
	env.SetTestTimeout(30 * time.Second)
	if details != nil {
		env.SetHeartbeatDetails(details)
	}
	v, err := env.ExecuteActivity(fn, args...)
	if err == nil && out != nil {
		require.NoError(t, v.Get(out))
	}
	return err
}

func (f *pxFixture) must(t *testing.T, out any, fn any, args ...any) {
	t.Helper()
	require.NoError(t, f.run(t, nil, out, fn, args...))
}

// provision runs placement, clone, config and baseline like CloneVM does.
func (f *pxFixture) provision(t *testing.T, vm *domain.VM) ClonePlan {
	t.Helper()
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	f.must(t, nil, f.bk.AcquireCloneSlot, plan)
	f.must(t, nil, f.px.CloneGuest, plan)
	f.must(t, nil, f.bk.ReleaseCloneSlot)
	f.must(t, nil, f.px.ConfigureGuest, GuestConfig{Guest: plan.Guest, Cores: plan.Cores, MemoryMB: plan.MemoryMB})
	f.must(t, nil, f.px.EnsureBaseline, plan.Guest)
	return plan
}

func (f *pxFixture) clones(node string) int64 {
	c := f.sim.Stats().Nodes[node].Tasks["qmclone"]
	return c.OK + c.Failed
}

// appError returns err's Temporal application error.
func appError(t *testing.T, err error) *temporal.ApplicationError {
	t.Helper()
	var ae *temporal.ApplicationError
	require.True(t, errors.As(err, &ae), "error %v (%T) is not an application error", err, err)
	return ae
}

func TestCloneLinkedAndFullWithConfigTagsAndBaseline(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	for _, tc := range []struct {
		name   string
		linked bool
	}{{"linked-1", true}, {"full-1", false}} {
		vm := f.newVM(t, tc.name, 9000, tc.linked)
		plan := f.provision(t, vm)
		require.Equal(t, !tc.linked, plan.Full)
		require.Equal(t, "pve1", plan.Guest.Node, "the template's node, and the one with the most free memory")
		require.GreaterOrEqual(t, plan.Guest.VMID, 10000)

		g, ok := f.sim.Guest("pve1", plan.Guest.VMID)
		require.True(t, ok)
		require.Equal(t, tc.name, g.Name)
		require.ElementsMatch(t, []string{LabforgeTag, VMTag(vm.ID)}, g.Tags)
		require.Equal(t, "3", g.Config["cores"])
		require.Equal(t, "3072", g.Config["memory"])
		require.Contains(t, g.Config["description"], vm.ID.String())
		require.Contains(t, g.Snapshots, BaselineSnapshot)
		require.NotEmpty(t, g.Disks)
		if tc.linked {
			require.NotEmpty(t, g.Disks[0].Base, "a linked clone shares the template's base volume")
		} else {
			require.Empty(t, g.Disks[0].Base, "a full clone copies the disk")
		}

		stored, err := f.db.FindVM(f.ctx, vm.ID)
		require.NoError(t, err)
		require.Equal(t, domain.GuestProvisioning, stored.State)
		require.Equal(t, plan.Guest.VMID, *stored.VMID)
		require.Equal(t, f.nodes["pve1"].ID, *stored.NodeID)
	}
	require.EqualValues(t, 2, f.clones("pve1"))
}

func TestStartWaitForAddressRecordAndDelete(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "web-1", 9000, true)
	plan := f.provision(t, vm)
	var power domain.PowerState
	f.must(t, &power, f.px.PowerGuest, PowerRequest{Guest: plan.Guest, Action: PowerStart})
	require.Equal(t, domain.PowerRunning, power)
	f.must(t, &power, f.px.PowerGuest, PowerRequest{Guest: plan.Guest, Action: PowerStart})
	require.Equal(t, domain.PowerRunning, power, "starting a running VM is a no-op")

	var ip string
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := f.run(t, nil, &ip, f.px.GuestIPv4, plan.Guest)
		if err == nil {
			break
		}
		ae := appError(t, err)
		require.Equal(t, string(proxmox.AgentNotReady), ae.Type())
		require.False(t, ae.NonRetryable())
		require.True(t, time.Now().Before(deadline), "the guest agent never reported an address")
		time.Sleep(5 * time.Millisecond)
	}
	require.Contains(t, ip, "10.10.0.")
	f.must(t, nil, f.bk.RecordVM, VMUpdate{VM: vm.ID, State: domain.GuestReady, Power: power, IPv4: ip})
	stored, err := f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.GuestReady, stored.State)
	require.Equal(t, ip, stored.IPv4.String())

	f.must(t, nil, f.px.RollbackBaseline, RollbackRequest{Guest: plan.Guest, Start: true})
	// The activity waits for the start, which Proxmox runs as a task of
	// its own after the rollback task.
	rolledBack, found := f.sim.Guest("pve1", plan.Guest.VMID)
	require.True(t, found)
	require.Equal(t, "running", rolledBack.Status, "the VM runs when RollbackBaseline returns")

	var target VMTarget
	f.must(t, &target, f.bk.LoadVM, vm.ID)
	require.True(t, target.Placed)
	require.Equal(t, plan.Guest, target.Guest)
	f.must(t, nil, f.px.DeleteGuest, target.Guest)
	_, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.False(t, ok, "the guest is gone")
	f.must(t, nil, f.px.DeleteGuest, target.Guest) // already gone: no-op
	f.must(t, nil, f.bk.ReleaseGuestVMID, target.Guest)
	stored, err = f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Nil(t, stored.VMID)
}

func TestCloneRetriedAfterACrashFindsTheGuestItMade(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "crashy", 9000, false)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	var again ClonePlan
	f.must(t, &again, f.bk.ReserveAndPlace, vm.ID)
	require.Equal(t, plan, again, "placement is idempotent")

	f.must(t, nil, f.px.CloneGuest, plan)
	f.must(t, nil, f.px.CloneGuest, plan) // the retry after a crash
	require.EqualValues(t, 1, f.clones("pve1"), "one qmclone task")
	require.Len(t, guestsNamed(f.sim, "crashy"), 1)

	// A stranger's guest at the reserved VMID is never taken for ours.
	stranger := plan
	stranger.Guest.VM, stranger.Guest.Name = uuid.New(), "someone-else"
	err := f.run(t, nil, nil, f.px.CloneGuest, stranger)
	ae := appError(t, err)
	require.Equal(t, string(proxmox.AlreadyExists), ae.Type())
	require.True(t, ae.NonRetryable())
	err = f.run(t, nil, nil, f.px.DeleteGuest, stranger.Guest)
	require.Equal(t, string(proxmox.Conflict), appError(t, err).Type(), "never delete a guest that is not ours")
}

func TestCloneResumesPollingTheRecordedUPID(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "resumed", 9000, false)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	// The crashed attempt started the clone and recorded its UPID.
	c, err := f.px.Clients.For(f.ctx, plan.SourceNodeID)
	require.NoError(t, err)
	upid, err := c.CloneVM(f.ctx, "pve1", 9000, plan.Guest.VMID, proxmox.CloneOptions{Name: "resumed", Full: true, Storage: "local-lvm"})
	require.NoError(t, err)

	require.NoError(t, f.run(t, upid, nil, f.px.CloneGuest, plan))
	task, ok := f.sim.Task(upid)
	require.True(t, ok)
	require.False(t, task.Running, "the activity returned only once the recorded task ended")
	require.Equal(t, "OK", task.ExitStatus)
	require.EqualValues(t, 1, f.clones("pve1"), "no second clone")
	g, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.True(t, ok)
	require.Empty(t, g.Lock)
}

func TestCloneErrorsAreClassified(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "locked", 9000, false)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)

	require.NoError(t, f.sim.SetFaults(pvesim.Faults{LockTimeoutRate: 1}))
	err := f.run(t, nil, nil, f.px.CloneGuest, plan)
	ae := appError(t, err)
	require.Equal(t, string(proxmox.Locked), ae.Type(), "error: %v", err)
	require.False(t, ae.NonRetryable(), "a storage lock timeout is retried")

	require.NoError(t, f.sim.SetFaults(pvesim.Faults{}))
	bad := plan
	bad.TemplateVMID = 9999
	err = f.run(t, nil, nil, f.px.CloneGuest, bad)
	ae = appError(t, err)
	require.True(t, ae.NonRetryable(), "a template that does not exist is not retried: %v", err)
	require.Equal(t, string(proxmox.NotFound), ae.Type())
}

func TestAcquireCloneSlotIsBusyWhenTheNodeIsFull(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "slotted", 9000, true)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	plan.NodeCap = 1
	for _, holder := range []string{"vm/other/clone"} {
		got, err := f.db.AcquireCloneSlot(f.ctx, plan.Guest.NodeID, plan.SlotKey(), holder, 1, 4, time.Minute)
		require.NoError(t, err)
		require.True(t, got)
	}
	err := f.run(t, nil, nil, f.bk.AcquireCloneSlot, plan)
	ae := appError(t, err)
	require.Equal(t, ErrTypeSlotBusy, ae.Type())
	require.False(t, ae.NonRetryable())
	require.NoError(t, f.db.ReleaseCloneSlot(f.ctx, "vm/other/clone"))
	f.must(t, nil, f.bk.AcquireCloneSlot, plan)
}

func guestsNamed(s *pvesim.Server, name string) []pvesim.GuestState {
	var out []pvesim.GuestState
	for _, g := range s.Guests() {
		if g.Name == name {
			out = append(out, g)
		}
	}
	return out
}

func TestResetWithoutBaselineIsSnapshotMissingAndReplansInPlace(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "reset-me", 9000, true)
	plan := f.provision(t, vm)
	f.must(t, nil, f.bk.RecordVM, VMUpdate{VM: vm.ID, State: domain.GuestReady, Power: domain.PowerStopped})

	c, err := f.px.Clients.For(f.ctx, plan.Guest.NodeID)
	require.NoError(t, err)
	upid, err := c.DeleteSnapshot(f.ctx, "pve1", plan.Guest.VMID, BaselineSnapshot)
	require.NoError(t, err)
	_, err = c.WaitTask(f.ctx, "", upid, f.px.Wait)
	require.NoError(t, err)

	err = f.run(t, nil, nil, f.px.RollbackBaseline, RollbackRequest{Guest: plan.Guest})
	ae := appError(t, err)
	require.Equal(t, ErrTypeSnapshotMissing, ae.Type())
	require.True(t, ae.NonRetryable())

	var again ClonePlan
	f.must(t, &again, f.bk.ReserveAndPlace, vm.ID)
	require.Equal(t, plan, again, "a ready VM is re-cloned at its VMID and node")
	f.must(t, nil, f.px.DeleteGuest, again.Guest)
	f.must(t, nil, f.px.CloneGuest, again)
	f.must(t, nil, f.px.EnsureBaseline, again.Guest)
	g, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.True(t, ok)
	require.Contains(t, g.Snapshots, BaselineSnapshot)
	require.EqualValues(t, 2, f.clones("pve1"))
}

func TestAcquireCloneSlotWaitsForARelease(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "queued", 9000, true)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	plan.NodeCap = 1
	got, err := f.db.AcquireCloneSlot(f.ctx, plan.Guest.NodeID, plan.SlotKey(), "vm/other/clone", 1, 4, time.Minute)
	require.NoError(t, err)
	require.True(t, got)

	waiters := NewSlotWaiters(0)
	lctx, stop := context.WithCancel(f.ctx)
	defer stop()
	go func() { _ = f.db.Listen(lctx, store.CloneSlotChannel, waiters.Released, waiters.WakeAll) }()
	f.px.Slots.Waiters = waiters

	// The holder gives its slot back once the activity is queued.
	go func() {
		for waiters.Waiting() == 0 && lctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		_ = f.db.ReleaseCloneSlot(f.ctx, "vm/other/clone")
	}()
	f.must(t, nil, f.bk.AcquireCloneSlot, plan)
	holders, err := f.db.CloneSlotHolders(f.ctx, plan.Guest.NodeID)
	require.NoError(t, err)
	require.Len(t, holders, 1, "the waiter holds the node's one slot")
	require.Zero(t, waiters.Waiting(), "the waiter left the queue")
}

func TestConcurrentFullClonePlacementsNeverOverbookANode(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	// pve1 has 56 GiB free and pve2 4 GiB: 18 + 1 VMs of 3 GiB fit.
	const vms = 22
	ids := make([]uuid.UUID, vms)
	for i := range ids {
		ids[i] = f.newVM(t, fmt.Sprintf("full-%02d", i), 9000, false).ID
	}
	plans := make([]ClonePlan, vms)
	errs := make([]error, vms)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { errs[i] = f.run(t, nil, &plans[i], f.bk.ReserveAndPlace, ids[i]) })
	}
	wg.Wait()

	perNode := map[string]int{}
	placed := 0
	for i, err := range errs {
		if err != nil {
			require.Equal(t, ErrTypeNoCapacity, appError(t, err).Type(), "VM %d: %v", i, err)
			vm, ferr := f.db.FindVM(f.ctx, ids[i])
			require.NoError(t, ferr)
			require.Nil(t, vm.VMID, "a VM that found no room holds no VMID")
			continue
		}
		placed++
		perNode[plans[i].Guest.Node]++
	}
	require.Equal(t, map[string]int{"pve1": 18, "pve2": 1}, perNode)
	require.Equal(t, 19, placed)
}
