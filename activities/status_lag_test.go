package activities

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// These tests run the VM and container lifecycle activities and the
// inventory schedules against a simulator whose cluster/resources lags as
// a real cluster's does: its nodes refresh the status data (guest status,
// name, template flag) only when the test calls RefreshStatus, so the
// listing stays stale for exactly as long as the test needs.

// laggingSim configures a simulator of seed (nil: the default) whose
// status data changes only on RefreshStatus, with operations taking a
// millisecond in real time.
func laggingSim(seed *pvesim.Seed) pvesim.Config {
	ms := time.Millisecond
	return pvesim.Config{Seed: seed, TimeScale: 1, RandomSeed: 7, StatusRefresh: time.Hour, Durations: pvesim.Durations{
		CloneFull: ms, CloneLinked: ms, CreateCT: ms, Start: ms, Stop: ms, Shutdown: ms, Reboot: ms, Reset: ms,
		Suspend: ms, Resume: ms, Destroy: ms, Snapshot: ms, Rollback: ms, SnapshotDelete: ms, ConfigUpdate: ms,
		Template: ms, OCIPull: ms, AgentReady: ms, DHCPLease: ms, LockTimeout: time.Second, AuthFailureDelay: ms,
	}}
}

// pveDo waits for the task a Proxmox call started, as an operator's
// change outside Labforge would run.
func pveDo(t *testing.T, c *proxmox.Client, node string, upid string, err error) {
	t.Helper()
	require.NoError(t, err)
	_, err = c.WaitTask(t.Context(), node, upid, proxmox.WaitOptions{Interval: time.Millisecond, MaxInterval: 10 * time.Millisecond})
	require.NoError(t, err)
}

// listedStatus is the status cluster/resources reports for vmid.
func listedStatus(t *testing.T, c *proxmox.Client, vmid int) string {
	t.Helper()
	r, found, err := c.FindGuest(t.Context(), vmid)
	require.NoError(t, err)
	require.True(t, found, "guest %d is listed", vmid)
	return r.Status
}

func TestCloneRetryRecognisesItsGuestBeforeTheListingNamesIt(t *testing.T) {
	f := newPxFixtureSim(t, laggingSim(nil))
	vm := f.newVM(t, "lagged", 9000, true)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	f.must(t, nil, f.px.CloneGuest, plan)
	c, err := f.px.Clients.ForNode(f.nodes["pve1"])
	require.NoError(t, err)
	require.Equal(t, "unknown", listedStatus(t, c, plan.Guest.VMID), "the listing has no name for the guest yet")

	// The retry after a crash (before the tags were set) takes the guest
	// named after the VM as its own rather than a stranger's.
	f.must(t, nil, f.px.CloneGuest, plan)
	require.EqualValues(t, 1, f.clones("pve1"), "one qmclone task")
}

func TestDeleteGuestStopsAVMTheListingStillShowsStopped(t *testing.T) {
	f := newPxFixtureSim(t, laggingSim(nil))
	vm := f.newVM(t, "lagged", 9000, true)
	plan := f.provision(t, vm)
	f.sim.RefreshStatus()
	var power domain.PowerState
	f.must(t, &power, f.px.PowerGuest, PowerRequest{Guest: plan.Guest, Action: PowerStart})
	require.Equal(t, domain.PowerRunning, power)
	c, err := f.px.Clients.ForNode(f.nodes["pve1"])
	require.NoError(t, err)
	require.Equal(t, "stopped", listedStatus(t, c, plan.Guest.VMID), "the listing still shows the old status")

	f.must(t, nil, f.px.DeleteGuest, plan.Guest)
	_, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.False(t, ok, "the running guest was stopped and deleted")
}

func TestDestroyContainerStopsAContainerTheListingStillShowsStopped(t *testing.T) {
	f := newCtFixtureOn(t, newPxFixtureSim(t, laggingSim(nil)))
	f.px.TemplateStorage = "local"
	ct := f.newContainer(t, "web-lag", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT}) // a retry finds its guest
	require.EqualValues(t, 1, f.tasks(p.Guest.Node, "vzcreate"))
	f.sim.RefreshStatus()
	require.NoError(t, f.sim.SetLease(p.MAC, p.IPv4))
	var power domain.PowerState
	f.must(t, &power, f.px.PowerContainer, ContainerPowerRequest{Guest: p.Guest, Action: ContainerPowerStart})
	require.Equal(t, domain.PowerRunning, power)
	c, err := f.px.Clients.ForNode(f.nodes[p.Guest.Node])
	require.NoError(t, err)
	require.Equal(t, "stopped", listedStatus(t, c, p.Guest.VMID))

	f.must(t, nil, f.px.DestroyContainer, p.Guest)
	_, ok := f.sim.Guest(p.Guest.Node, p.Guest.VMID)
	require.False(t, ok, "the running container was stopped and destroyed")
}

// lagSeed is the default cluster with a Labforge VM's guest (200, pve1,
// stopped) and a tagged orphan (300, pve1, stopped).
func lagSeed(orphan uuid.UUID) *pvesim.Seed {
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests,
		pvesim.SeedGuest{VMID: 200, Node: "pve1", Name: "web-1", Status: "stopped", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag},
		pvesim.SeedGuest{VMID: 300, Node: "pve1", Name: "orphan", Status: "stopped", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag + ";" + VMTag(orphan)})
	return seed
}

// lagInventory is an inventory fixture on a lagging simulator of lagSeed
// with both nodes registered and synced once.
func lagInventory(t *testing.T) (*inventoryFixture, *proxmox.Client, *domain.VMTemplate) {
	t.Helper()
	f := newInventoryFixtureSim(t, laggingSim(lagSeed(uuid.New())))
	pve1 := f.addNode(t, "pve1", "")
	f.addNode(t, "pve2", "")
	_, err := f.sync(t)
	require.NoError(t, err)
	tpl, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9000)
	require.NoError(t, err)
	c, err := f.inv.Clients.ForNode(pve1)
	require.NoError(t, err)
	return f, c, tpl
}

func TestSyncClusterKeepsThePowerStateAnActionRecorded(t *testing.T) {
	f, c, tpl := lagInventory(t)
	vm := f.addVM(t, tpl, 200, domain.GuestReady)
	require.NoError(t, f.db.RecordVMObservation(f.ctx, vm.ID, domain.VMObservation{Power: domain.PowerStopped}))
	// A VM action starts the guest and records it running.
	upid, err := c.StartVM(f.ctx, "pve1", 200)
	pveDo(t, c, "pve1", upid, err)
	require.NoError(t, f.db.RecordVMObservation(f.ctx, vm.ID, domain.VMObservation{Power: domain.PowerRunning}))
	require.Equal(t, "stopped", listedStatus(t, c, 200))

	res, err := f.sync(t)
	require.NoError(t, err)
	require.Zero(t, res.VMsUpdated)
	got, err := f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.PowerRunning, got.Power, "a stale listing never flips the power state back")

	// Once the listing shows a change Labforge did not make, it is stored.
	upid, err = c.StopVM(f.ctx, "pve1", 200)
	pveDo(t, c, "pve1", upid, err)
	f.sim.RefreshStatus()
	res, err = f.sync(t)
	require.NoError(t, err)
	require.Equal(t, 1, res.VMsUpdated)
	got, err = f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.PowerStopped, got.Power)
}

func TestSyncClusterTakesUnknownAsNoInformation(t *testing.T) {
	f, c, tpl := lagInventory(t)
	// A VM cloned a moment ago: its node has not reported it yet.
	upid, err := c.CloneVM(f.ctx, "pve1", 9000, 201, proxmox.CloneOptions{Name: "fresh"})
	pveDo(t, c, "pve1", upid, err)
	require.Equal(t, "unknown", listedStatus(t, c, 201))
	vm := f.addVM(t, tpl, 201, domain.GuestReady)
	require.NoError(t, f.db.RecordVMObservation(f.ctx, vm.ID, domain.VMObservation{Power: domain.PowerStopped}))

	res, err := f.sync(t)
	require.NoError(t, err)
	require.Zero(t, res.VMsUpdated)
	got, err := f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.PowerStopped, got.Power)
}

func TestSyncClusterKeepsTheTemplatesOfANodeWithoutStatusData(t *testing.T) {
	// The real scale: pve2's status data expires 300 ms after it goes down.
	f := newInventoryFixture(t, nil)
	f.addNode(t, "pve1", "")
	f.addNode(t, "pve2", "")
	_, err := f.sync(t)
	require.NoError(t, err)
	require.NoError(t, f.sim.SetNodeDown("pve2", true))
	pve1, err := f.db.FindNodeByName(f.ctx, "lab", "pve1")
	require.NoError(t, err)
	c, err := f.inv.Clients.ForNode(pve1)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return listedStatus(t, c, 9002) == "unknown" }, 10*time.Second, 5*time.Millisecond)

	res, err := f.sync(t)
	require.NoError(t, err)
	require.Zero(t, res.TemplatesMissing)
	win, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9002)
	require.NoError(t, err)
	require.Equal(t, domain.TemplateAvailable, win.Status, "a template of a dead node is not missing")
	require.Equal(t, "win11-template", win.Name)
}

func TestReconcileClusterLeavesAVMMadeReadyAMomentAgo(t *testing.T) {
	f, _, tpl := lagInventory(t)
	f.inv.Grace = 0 // the default grace period
	vm := f.addVM(t, tpl, 210, domain.GuestReady)

	res := f.reconcile(t, false)
	for _, d := range res.Findings {
		require.NotEqual(t, EventMissingGuest, d.Kind, "%+v", d)
	}
	// Past the grace period, the node confirms the guest is gone.
	f.inv.Grace = -1
	res = f.reconcile(t, false)
	var missing []string
	for _, d := range res.Findings {
		if d.Kind == EventMissingGuest {
			missing = append(missing, d.VMRecID)
		}
	}
	require.Equal(t, []string{vm.ID.String()}, missing)
}

func TestReconcileClusterStopsAnOrphanTheListingShowsStopped(t *testing.T) {
	f, c, _ := lagInventory(t)
	upid, err := c.StartVM(f.ctx, "pve1", 300)
	pveDo(t, c, "pve1", upid, err)
	require.Equal(t, "stopped", listedStatus(t, c, 300))

	res := f.reconcile(t, true)
	var orphan *Drift
	for i := range res.Findings {
		if res.Findings[i].Kind == EventOrphanGuest && res.Findings[i].VMID == 300 {
			orphan = &res.Findings[i]
		}
	}
	require.NotNil(t, orphan, "%+v", res.Findings)
	require.True(t, orphan.Deleted, orphan.Error)
	_, exists := f.sim.Guest("pve1", 300)
	require.False(t, exists)
}

func TestReconcileClusterReportsButKeepsAnOrphanItCannotAsk(t *testing.T) {
	f, _, _ := lagInventory(t)
	// pve1 dies: the listing (through pve2) still shows its guests as they
	// were, but pve1 cannot say whether orphan 300 runs.
	require.NoError(t, f.sim.SetNodeDown("pve1", true))
	res := f.reconcile(t, true)
	var orphan *Drift
	for i := range res.Findings {
		if res.Findings[i].Kind == EventOrphanGuest && res.Findings[i].VMID == 300 {
			orphan = &res.Findings[i]
		}
	}
	require.NotNil(t, orphan, "%+v", res.Findings)
	require.False(t, orphan.Deleted)
	require.Contains(t, orphan.Error, "not deleted: its status could not be read")
	_, exists := f.sim.Guest("pve1", 300)
	require.True(t, exists)
}
