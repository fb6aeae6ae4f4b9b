package api_test

// End-to-end tests of the VM lifecycle: the real API, the embedded Temporal
// server, PostgreSQL and the Proxmox simulator over HTTPS, with the
// platform's own workers. They assert what the simulator and the store saw,
// never how long anything took.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// cloneRoute is the simulator's route of a QEMU clone request.
const cloneRoute = "/nodes/{node}/qemu/{vmid}/clone"

// e2eSeed is a simulated cluster of k nodes, each with its own LVM-thin
// storage and one QEMU template (VMID 9000+i), and guestsPerNode guests
// per node, every other one running. The guests' VMIDs are the first of
// Labforge's range (10000 up), dealt round the nodes.
func e2eSeed(cluster string, k, guestsPerNode int) *pvesim.Seed {
	const gib = 1 << 30
	s := pvesim.DefaultSeed()
	s.Cluster = cluster
	s.Nodes, s.Templates, s.Guests, s.CTTemplates = nil, nil, nil, nil
	for i := range k {
		node, storage := fmt.Sprintf("pve%d", i+1), fmt.Sprintf("lvm-pve%d", i+1)
		s.Nodes = append(s.Nodes, pvesim.SeedNode{Name: node, CPUs: 64, Memory: 512 * gib, Status: "online",
			IP: fmt.Sprintf("192.168.100.%d", 11+i), Storages: []pvesim.SeedStorage{
				{ID: "local", Type: "dir", Content: "iso,vztmpl,backup", Total: 100 * gib},
				{ID: storage, Type: "lvmthin", Content: "images,rootdir", Total: 4096 * gib},
			}})
		s.Templates = append(s.Templates, pvesim.SeedTemplate{VMID: 9000 + i, Node: node,
			Name: "e2e-template-" + node, OSType: "l26", Cores: 1, Memory: 1024, Disk: "8G",
			Storage: storage, Bridge: "vmbr0"})
		for j := range guestsPerNode {
			vmid := 10000 + j*k + i
			status := "stopped"
			if vmid%2 == 0 {
				status = "running"
			}
			s.Guests = append(s.Guests, pvesim.SeedGuest{VMID: vmid, Node: node, Name: fmt.Sprintf("guest-%d", vmid),
				Status: status, Cores: 1, Memory: 512, Disk: "4G", Storage: storage, Bridge: "vmbr0"})
		}
	}
	// Room for every guest's address on the bridge.
	s.Bridges = []pvesim.SeedBridge{{Name: "vmbr0", CIDR: "10.10.0.0/16", Gateway: "10.10.0.1",
		PoolStart: "10.10.1.1", PoolEnd: "10.10.250.250"}}
	return s
}

// fastSteps makes a failing VM step retry after 100 ms and wait for the
// operator after attempts tries.
func fastSteps(attempts int) apptest.Option {
	return func(c *config.Config) {
		c.StepRetryInterval = 100 * time.Millisecond
		c.StepMaxAttempts = attempts
	}
}

// noScheduledSync keeps the inventory sync's schedule from firing during a
// test that takes nodes down: a sync that saw a node down would mark it
// offline, and the operation would then wait at its placement instead of
// at the Proxmox request the test is about.
func noScheduledSync(c *config.Config) { c.SyncInterval = 24 * time.Hour }

// awaitAll polls the operations at locations until each is in state want
// (not awaiting_operator), failing t when one ends otherwise, waits for
// its operator, or the deadline passes.
func awaitAll(t *testing.T, s *apptest.Stack, token string, locations []string, want domain.OperationState, within time.Duration) []domain.Operation {
	t.Helper()
	deadline := time.Now().Add(within)
	ops := make([]domain.Operation, len(locations))
	for i, loc := range locations {
		for {
			r := s.Do(t, "GET", loc, token, nil)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			r.JSON(t, &ops[i])
			op := ops[i]
			if op.State == want {
				break
			}
			require.False(t, op.State.Terminal(), "operation %s ended %s at step %q (%s), want %s", loc, op.State, op.Step, op.Error, want)
			require.NotEqual(t, domain.OpAwaitingOperator, op.State, "operation %s waits for its operator at step %q: %s", loc, op.Step, op.Error)
			if time.Now().After(deadline) {
				t.Fatalf("operation %s still %s at step %q after %s, want %s", loc, op.State, op.Step, within, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return ops
}

// getVM reads a VM through the API as its owner.
func (l *vmLab) getVM(t *testing.T, id uuid.UUID) domain.VM {
	t.Helper()
	var vm domain.VM
	r := l.s.Do(t, "GET", "/api/v1/vms/"+id.String(), l.pat, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &vm)
	return vm
}

// vmTagPrefix starts the tag that marks a guest as a Labforge VM's (lf-).
var vmTagPrefix = strings.TrimSuffix(activities.VMTag(uuid.Nil), uuid.Nil.String())

// labforgeGuests returns the simulator's guests tagged as a Labforge VM's,
// by VM id.
func labforgeGuests(sim *pvesim.Server) map[uuid.UUID][]pvesim.GuestState {
	out := map[uuid.UUID][]pvesim.GuestState{}
	for _, g := range sim.Guests() {
		for _, tag := range g.Tags {
			raw, ok := strings.CutPrefix(tag, vmTagPrefix)
			if id, err := uuid.Parse(raw); ok && err == nil {
				out[id] = append(out[id], g)
			}
		}
	}
	return out
}

// vmidAllocation is one row of vmid_allocations.
type vmidAllocation struct {
	Cluster   string
	VMID      int
	OwnerType string
	OwnerID   uuid.UUID
}

// vmidAllocations reads every VMID allocation straight from PostgreSQL:
// the store has no listing, and a leak is exactly a row nobody lists.
func vmidAllocations(t *testing.T, s *apptest.Stack) []vmidAllocation {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.Platform.Config.DatabaseURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT cluster, vmid, owner_type, owner_id FROM vmid_allocations ORDER BY cluster, vmid`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vmidAllocation, error) {
		var a vmidAllocation
		return a, row.Scan(&a.Cluster, &a.VMID, &a.OwnerType, &a.OwnerID)
	})
	require.NoError(t, err)
	return out
}

// requireVMsMatchProxmox checks that every VM is ready with its own VMID,
// that exactly one guest tagged with the VM's id exists in sim, at that
// VMID, and that the VMs' VMIDs are all that is allocated: none leaked.
func requireVMsMatchProxmox(t *testing.T, l *vmLab, ids []uuid.UUID) map[uuid.UUID]domain.VM {
	t.Helper()
	vms := map[uuid.UUID]domain.VM{}
	tagged := labforgeGuests(l.sim)
	var want []vmidAllocation
	for _, id := range ids {
		vm := l.getVM(t, id)
		require.Equal(t, domain.GuestReady, vm.State, "VM %s", vm.Name)
		require.NotNil(t, vm.VMID, "VM %s has no VMID", vm.Name)
		require.Len(t, tagged[id], 1, "VM %s (VMID %d) should have exactly one guest tagged lf-%s", vm.Name, *vm.VMID, id)
		require.Equal(t, *vm.VMID, tagged[id][0].VMID, "VM %s's guest", vm.Name)
		require.Equal(t, vm.Name, tagged[id][0].Name)
		vms[id] = vm
		want = append(want, vmidAllocation{Cluster: vm.Cluster, VMID: *vm.VMID, OwnerType: domain.ObjectVM, OwnerID: id})
	}
	require.Len(t, tagged, len(ids), "the simulator holds guests of VMs the test did not create")
	slices.SortFunc(want, func(a, b vmidAllocation) int { return a.VMID - b.VMID })
	require.Equal(t, want, vmidAllocations(t, l.s), "VMIDs allocated are not exactly the VMs' own")
	return vms
}

// TestE2EFortyClonesRespectNodeCap creates 40 VMs through the API on a
// two-node cluster whose nodes take three clones at a time: each node
// clones three at once at most, and at least once exactly three.
//
// The pve-clone workers, in two processes, start only once every VM is
// placed and its clone queued: they take them all at once, three per node
// get the node's slots and start together, so the cap is reached however
// slow the machine, and the 34 others follow as slots free up. The cap
// holds across both processes.
func TestE2EFortyClonesRespectNodeCap(t *testing.T) {
	t.Parallel()
	const nodes, vms, nodeCap = 2, 40, 3
	l := startVMLab(t, labOptions{
		sim: pvesim.Config{
			Seed: e2eSeed("lab", nodes, 0), TimeScale: 0.001, RandomSeed: 1,
			// 1.5 s per clone: longer than the spread of clones started
			// together, short enough for 40 in seconds.
			Durations: pvesim.Durations{CloneLinked: 1500 * time.Second},
		},
		stack: []apptest.Option{
			withoutCloneWorkers(),
			// A worker runs at most 20 clone activities at once, so each
			// of the two processes below takes its share of the 40.
			func(c *config.Config) { c.WorkerActivitySlots = vms / 2 },
		},
		// Each node has its own storage, so the storage cap (4) never binds.
		cloneConcurrency: nodeCap,
	})
	s := l.s
	require.Len(t, l.templates, nodes)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	ids := make([]uuid.UUID, vms)
	locations := make([]string, vms)
	apptest.Step(t, "every VM placed before any clone worker runs", func(t *testing.T) {
		for i := range vms {
			ids[i], locations[i] = l.createVMFrom(t, l.templates[i%nodes], fmt.Sprintf("bulk-%02d", i), false)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			placed, _, err := s.Platform.DB.ListVMs(ctx, domain.VMFilter{State: domain.GuestProvisioning, Page: domain.Page{Limit: domain.MaxPageLimit}})
			require.NoError(t, err)
			if len(placed) == vms {
				break
			}
			require.True(t, time.Now().Before(deadline), "only %d of %d VMs were placed", len(placed), vms)
			time.Sleep(50 * time.Millisecond)
		}
	})

	// Two worker processes serve pve-clone: this one and a second platform
	// with its own connections, clone-slot waiters and listener.
	startCloneWorkers(t, s.Platform)
	other, err := app.Connect(ctx, s.Platform.Config, s.Platform.Logger)
	require.NoError(t, err)
	t.Cleanup(other.Close)
	queriesBefore := other.DB.Pool().Stat().AcquireCount()
	startCloneWorkers(t, other)
	apptest.Step(t, "both worker processes clone", func(t *testing.T) {
		awaitAll(t, s, l.instructor, locations, domain.OpCompleted, 3*time.Minute)
		require.Positive(t, other.DB.Pool().Stat().AcquireCount()-queriesBefore, "the second worker process took no clone")
	})

	apptest.Step(t, "each node ran exactly its cap of clones at once", func(t *testing.T) {
		st := l.sim.Stats()
		for _, node := range l.sim.Nodes() {
			ns := st.Nodes[node]
			require.LessOrEqual(t, ns.MaxRunning["qmclone"], nodeCap, "node %s ran more clones at once than its clone_concurrency", node)
			require.Equal(t, nodeCap, ns.MaxRunning["qmclone"], "node %s never ran %d clones at once: the cap was not exercised", node, nodeCap)
			require.Equal(t, pvesim.TaskCounts{OK: vms / nodes}, ns.Tasks["qmclone"], "clones on node %s", node)
		}
	})

	apptest.Step(t, "each VM has its own guest on its template's node", func(t *testing.T) {
		byID := requireVMsMatchProxmox(t, l, ids)
		seen := map[int]bool{}
		for i, id := range ids {
			vm := byID[id]
			require.False(t, seen[*vm.VMID], "VMID %d given twice", *vm.VMID)
			seen[*vm.VMID] = true
			// A linked clone lands on its template's node.
			require.Equal(t, l.templates[i%nodes].NodeID, *vm.NodeID, "VM %s", vm.Name)
			g, ok := l.sim.Guest(fmt.Sprintf("pve%d", i%nodes+1), *vm.VMID)
			require.True(t, ok, "VM %s's guest %d is not on its template's node", vm.Name, *vm.VMID)
			require.Contains(t, g.Tags, activities.VMTag(id))
		}
	})

	apptest.Step(t, "capacity planning measured the clones, not the waits for a slot", func(t *testing.T) {
		for _, tpl := range l.templates {
			got, err := s.Platform.DB.CloneTimeEstimate(ctx, tpl.ID, true)
			require.NoError(t, err)
			require.True(t, got >= time.Second && got < 10*time.Second, "template %s: %s, not 1.5 s", tpl.Name, got)
		}
	})
}

// withoutCloneWorkers runs the stack's workers on every queue but
// pve-clone, so a test starts those itself (startCloneWorkers) when it is
// ready for clones.
func withoutCloneWorkers() apptest.Option {
	return apptest.WithQueues(activities.QueueCore, activities.QueuePVEActions, activities.QueuePVEPeriodic)
}

// startCloneWorkers starts workers on p for the pve-clone queue, stopped
// when t ends (or earlier, by the caller).
func startCloneWorkers(t *testing.T, p *app.Platform) *app.Workers {
	t.Helper()
	w, err := p.StartWorkers([]string{activities.QueuePVEClone})
	require.NoError(t, err)
	t.Cleanup(w.Stop)
	return w
}

// TestE2ECloneSurvivesWorkerStop stops the only pve-clone worker while it
// polls a clone and starts another: the clone completes on the new worker
// without a second clone, a second guest or a leaked VMID.
func TestE2ECloneSurvivesWorkerStop(t *testing.T) {
	t.Parallel()
	l := startVMLab(t, labOptions{
		sim: pvesim.Config{TimeScale: 0.001, Durations: pvesim.Durations{CloneLinked: 6000 * time.Second}},
		stack: []apptest.Option{
			withoutCloneWorkers(),
			fastSteps(8),
			func(c *config.Config) { c.HeartbeatTimeout = 2 * time.Second },
		},
	})
	s := l.s
	first := startCloneWorkers(t, s.Platform)

	vmID, location := l.createVM(t, "survivor-1", false)
	wfID := workflows.CloneVMWorkflowID(vmID)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	apptest.Step(t, "stop the worker while it polls the clone", func(t *testing.T) {
		// Stop the worker once the clone runs in Proxmox and the activity
		// has recorded its task in a heartbeat.
		deadline := time.Now().Add(60 * time.Second)
		for !cloneHeartbeated(ctx, t, s, wfID) {
			require.True(t, time.Now().Before(deadline), "the clone activity never heartbeated its task")
			time.Sleep(50 * time.Millisecond)
		}
		require.True(t, cloneRunning(l.sim), "the clone task is not running in Proxmox")
		first.Stop()
	})

	startCloneWorkers(t, s.Platform)
	apptest.Step(t, "the clone completes on another worker, once", func(t *testing.T) {
		op := s.AwaitOperation(t, l.instructor, location)
		require.Equal(t, domain.OpCompleted, op.State, op.Error)

		requireVMsMatchProxmox(t, l, []uuid.UUID{vmID})
		var clones int
		for _, task := range l.sim.Tasks() {
			if task.Type == "qmclone" {
				clones++
			}
		}
		require.Equal(t, 1, clones, "the retried attempt started a second clone instead of resuming the first")
	})

	apptest.Step(t, "on the attempt after the stopped worker's", func(t *testing.T) {
		attempt, lastFailure := cloneAttempts(ctx, t, s, wfID)
		t.Logf("the clone completed on attempt %d; the attempt before it ended with: %s", attempt, lastFailure)
		require.Equal(t, int32(2), attempt, "the clone should complete on the attempt after the stopped worker's")
	})
}

// cloneHeartbeated reports whether the workflow's pending clone activity
// (CloneGuestInSlot) has heartbeated its task's UPID.
func cloneHeartbeated(ctx context.Context, t *testing.T, s *apptest.Stack, wfID string) bool {
	t.Helper()
	desc, err := s.Platform.Temporal.DescribeWorkflowExecution(ctx, wfID, "")
	require.NoError(t, err)
	for _, pa := range desc.GetPendingActivities() {
		if pa.GetActivityType().GetName() == "CloneGuestInSlot" && pa.GetHeartbeatDetails() != nil {
			return true
		}
	}
	return false
}

func cloneRunning(sim *pvesim.Server) bool {
	for _, task := range sim.Tasks() {
		if task.Type == "qmclone" && task.Running {
			return true
		}
	}
	return false
}

// cloneAttempts returns the attempt on which the workflow's clone activity
// (CloneGuestInSlot) completed and how its previous attempt ended, from the history.
func cloneAttempts(ctx context.Context, t *testing.T, s *apptest.Stack, wfID string) (int32, string) {
	t.Helper()
	scheduled := map[int64]bool{}
	iter := s.Platform.Temporal.GetWorkflowHistory(ctx, wfID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "CloneGuestInSlot" {
			scheduled[ev.GetEventId()] = true
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] {
			return a.GetAttempt(), describeFailure(a)
		}
	}
	t.Fatal("no started CloneGuestInSlot activity in the history of " + wfID)
	return 0, ""
}

func describeFailure(a *historypb.ActivityTaskStartedEventAttributes) string {
	f := a.GetLastFailure()
	if f == nil {
		return "(none)"
	}
	if ti := f.GetTimeoutFailureInfo(); ti != nil {
		return fmt.Sprintf("timeout %s: %s", ti.GetTimeoutType(), f.GetMessage())
	}
	if ai := f.GetApplicationFailureInfo(); ai != nil {
		return fmt.Sprintf("failure [%s]: %s", ai.GetType(), f.GetMessage())
	}
	return f.String()
}

// TestE2EClonesRideOutInjectedFaults makes 30% of clone tasks time out on
// the storage lock and 5% of node requests answer 595 or 596: every VM
// still completes on retries alone, without waiting for an operator.
func TestE2EClonesRideOutInjectedFaults(t *testing.T) {
	t.Parallel()
	const vms = 16
	l := startVMLab(t, labOptions{
		sim: pvesim.Config{TimeScale: 0.001, RandomSeed: 7},
		// Ten attempts 100 ms apart, doubling, outlast even a node breaker
		// tripped by bad luck (open 30 s).
		stack:            []apptest.Option{fastSteps(10)},
		cloneConcurrency: 3,
	})
	// Faults start after the import and sync, which are not under test.
	require.NoError(t, l.sim.SetFaults(pvesim.Faults{LockTimeoutRate: 0.3, UnreachableRate: 0.05}))

	apptest.Step(t, "every VM completes on retries alone", func(t *testing.T) {
		ids := make([]uuid.UUID, vms)
		locations := make([]string, vms)
		for i := range vms {
			ids[i], locations[i] = l.createVMFrom(t, l.templates[i%len(l.templates)], fmt.Sprintf("faulty-%02d", i), i%2 == 0)
		}
		awaitAll(t, l.s, l.instructor, locations, domain.OpCompleted, 3*time.Minute)
		byID := requireVMsMatchProxmox(t, l, ids)
		for i, id := range ids {
			if i%2 == 0 {
				require.Equal(t, domain.PowerRunning, byID[id].Power, "VM %s", byID[id].Name)
				require.NotNil(t, byID[id].IPv4, "VM %s", byID[id].Name)
			}
		}
	})

	apptest.Step(t, "the faults were injected", func(t *testing.T) {
		st := l.sim.Stats()
		var lockTimeouts, clonesOK int64
		for _, ns := range st.Nodes {
			lockTimeouts += ns.Tasks["qmclone"].Failed
			clonesOK += ns.Tasks["qmclone"].OK
		}
		t.Logf("injected: %d failed clone tasks, %d answers 595, %d answers 596", lockTimeouts, st.Statuses[595], st.Statuses[596])
		require.Positive(t, lockTimeouts, "no clone task failed: the lock-timeout fault was not injected")
		require.Positive(t, st.Statuses[595]+st.Statuses[596], "no request answered 595/596: the unreachable fault was not injected")
		require.Positive(t, st.Statuses[596], "no request answered 596")
		require.EqualValues(t, vms, clonesOK, "every VM should have exactly one successful clone")
	})
}

// TestE2ENodeDownAwaitsOperatorThenRetries takes the template's node down
// so the clone fails with 595 on every attempt: the operation waits for
// its operator, in the API and in Temporal's LabforgeState; once the node
// is back, an operator's retry completes it.
func TestE2ENodeDownAwaitsOperatorThenRetries(t *testing.T) {
	t.Parallel()
	const attempts = 2
	l := startVMLab(t, labOptions{sim: pvesim.Config{TimeScale: 0.001}, stack: []apptest.Option{fastSteps(attempts), noScheduledSync}})
	s := l.s
	node := templateNode(t, l, l.template)
	require.NoError(t, l.sim.SetNodeDown(node, true))

	vmID, location := l.createVM(t, "stranded-1", false)
	var waiting domain.Operation
	apptest.Step(t, "the clone waits for its operator", func(t *testing.T) {
		waiting = awaitState(t, s, l.admin, location, domain.OpAwaitingOperator)
		require.Equal(t, "clone", waiting.Step)
		require.Contains(t, waiting.Error, "595")
		st := l.sim.Stats()
		// Each attempt fails at its first request to the node: the check of
		// the guest before cloning.
		require.Zero(t, st.RequestCount("POST", cloneRoute), "no clone is asked of a node that does not answer")
		require.EqualValues(t, attempts, st.Statuses[595], "one refused request per attempt")
		requireLabforgeState(t, s, workflows.CloneVMWorkflowID(vmID), domain.OpAwaitingOperator)
	})

	apptest.Step(t, "an operator's retry completes it once the node is back", func(t *testing.T) {
		require.NoError(t, l.sim.SetNodeDown(node, false))
		r := s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/retry", l.admin, map[string]any{"reason": "node back"})
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		done := s.AwaitOperation(t, l.admin, location)
		require.Equal(t, domain.OpCompleted, done.State, done.Error)
		requireLabforgeState(t, s, workflows.CloneVMWorkflowID(vmID), domain.OpCompleted)
		vm := requireVMsMatchProxmox(t, l, []uuid.UUID{vmID})[vmID]
		_, ok := l.sim.Guest(node, *vm.VMID)
		require.True(t, ok, "the guest is not on node %s", node)
	})
}

// templateNode returns the name of the node holding tpl.
func templateNode(t *testing.T, l *vmLab, tpl domain.VMTemplate) string {
	t.Helper()
	var n domain.Node
	r := l.s.Do(t, "GET", "/api/v1/nodes/"+tpl.NodeID.String(), l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &n)
	return n.Name
}

// requireLabforgeState waits until Temporal's visibility finds the
// workflow with LabforgeState for state.
func requireLabforgeState(t *testing.T, s *apptest.Stack, wfID string, state domain.OperationState) {
	t.Helper()
	query := fmt.Sprintf("WorkflowId = '%s' AND LabforgeState = '%s'", wfID, workflows.StateValue(state))
	require.Eventually(t, func() bool {
		resp, err := s.Temporal.GetDefaultClient().ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.Temporal.GetDefaultNamespace(), Query: query,
		})
		return err == nil && len(resp.GetExecutions()) == 1
	}, 30*time.Second, 100*time.Millisecond, "Temporal never listed %s", query)
}

// TestE2EInventorySyncReadsEachClusterOnce imports two simulated clusters
// of three nodes and 36 guests each and runs the inventory sync through
// its Temporal Schedule: every cycle reads each cluster with one
// GET /cluster/resources and nothing else, and still stores the power of
// the Labforge VMs among the guests.
func TestE2EInventorySyncReadsEachClusterOnce(t *testing.T) {
	t.Parallel()
	const nodes, guestsPerNode, cycles = 3, 12, 2
	l := startVMLab(t, labOptions{
		sim: pvesim.Config{Seed: e2eSeed("lab", nodes, guestsPerNode), TimeScale: 0.001},
		stack: []apptest.Option{func(c *config.Config) {
			// Only the triggers below run the schedules.
			c.SyncInterval, c.ReconcileInterval = 1000*time.Hour, 1000*time.Hour
		}},
	})
	s := l.s
	sim2 := pvesim.New(pvesim.Config{Seed: e2eSeed("lab2", nodes, guestsPerNode), TimeScale: 0.001})
	t.Cleanup(sim2.Close)
	sims := map[string]*pvesim.Server{"lab": l.sim, "lab2": sim2}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	want := map[uuid.UUID]domain.PowerState{}
	apptest.Step(t, "two clusters with Labforge VMs among their guests", func(t *testing.T) {
		l.importCluster(t, sim2, "lab2", 0)
		l.sync(t, "test-sync-lab2")

		// Labforge VMs for the first third of each cluster's guests (VMIDs
		// allocated as a clone would), power not yet known.
		vmids, err := s.Platform.Config.VMIDs()
		require.NoError(t, err)
		for cluster, sim := range sims {
			tpls, nodeIDs := clusterInventory(t, l, cluster)
			for range nodes * guestsPerNode / 3 {
				vm := &domain.VM{Name: "adopted", OwnerID: l.patID, TemplateID: tpls[0].ID, Cluster: cluster,
					Linked: true, Cores: 1, MemoryMB: 512}
				require.NoError(t, s.Platform.DB.CreateVM(ctx, vm))
				vmid, err := s.Platform.DB.AllocateVMID(ctx, cluster, vmids, domain.ObjectVM, vm.ID)
				require.NoError(t, err)
				g := simGuest(t, sim, vmid)
				nodeID := nodeIDs[g.Node]
				vm.Name, vm.VMID, vm.NodeID = g.Name, &vmid, &nodeID
				vm.State, vm.Power = domain.GuestReady, domain.PowerUnknown
				require.NoError(t, s.Platform.DB.UpdateVM(ctx, vm))
				want[vm.ID] = domain.PowerStopped
				if g.Status == "running" {
					want[vm.ID] = domain.PowerRunning
				}
			}
		}
		require.Len(t, want, 2*nodes*guestsPerNode/3)
	})

	before := map[string]pvesim.Stats{"lab": l.sim.Stats(), "lab2": sim2.Stats()}
	sched := s.Platform.Temporal.ScheduleClient().GetHandle(ctx, workflows.SyncInventoryScheduleID)
	for cycle := 1; cycle <= cycles; cycle++ {
		apptest.Step(t, fmt.Sprintf("sync cycle %d", cycle), func(t *testing.T) {
			res := triggerSync(ctx, t, sched, s.Platform.Temporal, cycle)
			require.Len(t, res.Clusters, len(sims), "%+v", res)
			require.Zero(t, res.Failed, "%+v", res)
			updated := 0
			for _, c := range res.Clusters {
				require.Equal(t, nodes, c.NodesOnline, "%+v", c)
				require.Equal(t, nodes, c.Templates, "%+v", c)
				updated += c.VMsUpdated
			}
			if cycle == 1 {
				require.Equal(t, len(want), updated, "the first cycle stores every VM's power")
			} else {
				require.Zero(t, updated, "a cycle without changes updates nothing")
			}
		})
	}

	apptest.Step(t, "each cycle read each cluster once", func(t *testing.T) {
		for cluster, sim := range sims {
			delta := requestDelta(before[cluster], sim.Stats())
			require.Equal(t, map[string]int64{"GET /cluster/resources": cycles}, delta,
				"cluster %s: %d sync cycles should each make one GET /cluster/resources and no other request", cluster, cycles)
		}
	})

	apptest.Step(t, "every VM's power is stored", func(t *testing.T) {
		for id, power := range want {
			vm, err := s.Platform.DB.FindVM(ctx, id)
			require.NoError(t, err)
			require.Equal(t, power, vm.Power, "VM %s (VMID %d)", vm.Name, *vm.VMID)
		}
	})
}

// simGuest returns the guest at vmid, failing t without one.
func simGuest(t *testing.T, sim *pvesim.Server, vmid int) pvesim.GuestState {
	t.Helper()
	for _, g := range sim.Guests() {
		if g.VMID == vmid {
			return g
		}
	}
	t.Fatalf("the simulator has no guest %d", vmid)
	return pvesim.GuestState{}
}

// clusterInventory returns a cluster's templates and its node ids by name.
func clusterInventory(t *testing.T, l *vmLab, cluster string) ([]domain.VMTemplate, map[string]uuid.UUID) {
	t.Helper()
	var tpls []domain.VMTemplate
	for _, tpl := range l.templates {
		if tpl.Cluster == cluster {
			tpls = append(tpls, tpl)
		}
	}
	if len(tpls) == 0 {
		var list struct {
			Items []domain.VMTemplate `json:"items"`
		}
		l.s.Do(t, "GET", "/api/v1/templates?kind=qemu", l.admin, nil).JSON(t, &list)
		for _, tpl := range list.Items {
			if tpl.Cluster == cluster {
				tpls = append(tpls, tpl)
			}
		}
	}
	require.NotEmpty(t, tpls, "cluster %s has no template", cluster)
	var nodes struct {
		Items []domain.Node `json:"items"`
	}
	r := l.s.Do(t, "GET", "/api/v1/nodes?limit=100", l.admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &nodes)
	ids := map[string]uuid.UUID{}
	for _, n := range nodes.Items {
		if n.Cluster == cluster {
			ids[n.Name] = n.ID
		}
	}
	return tpls, ids
}

// triggerSync triggers the sync-inventory schedule, which has run
// cycle-1 times, and returns the result of the run it starts.
func triggerSync(ctx context.Context, t *testing.T, sched client.ScheduleHandle, c client.Client, cycle int) workflows.SyncInventoryResult {
	t.Helper()
	require.NoError(t, sched.Trigger(ctx, client.ScheduleTriggerOptions{}))
	deadline := time.Now().Add(30 * time.Second)
	var run *client.ScheduleWorkflowExecution
	for run == nil {
		desc, err := sched.Describe(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, desc.Info.NumActions, cycle, "the schedule started a cycle on its own")
		if desc.Info.NumActions == cycle && len(desc.Info.RecentActions) > 0 {
			run = desc.Info.RecentActions[len(desc.Info.RecentActions)-1].StartWorkflowResult
		}
		if run == nil {
			require.True(t, time.Now().Before(deadline), "the schedule did not start sync cycle %d within 30s", cycle)
			time.Sleep(50 * time.Millisecond)
		}
	}
	var res workflows.SyncInventoryResult
	require.NoError(t, c.GetWorkflow(ctx, run.WorkflowID, run.FirstExecutionRunID).Get(ctx, &res))
	return res
}

// requestDelta is how many more requests per route after counts than before.
func requestDelta(before, after pvesim.Stats) map[string]int64 {
	out := map[string]int64{}
	for route, n := range after.Requests {
		if d := n - before.Requests[route]; d != 0 {
			out[route] = d
		}
	}
	return out
}

// TestE2ECloneStepsOverAVMIDTakenOutsideLabforge puts a guest Labforge
// does not know at the first VMID of its range, on another node: the VM
// is cloned under the next VMID, the stranger's guest is left alone, and
// its VMID is kept out of the range.
func TestE2ECloneStepsOverAVMIDTakenOutsideLabforge(t *testing.T) {
	t.Parallel()
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{VMID: 10000, Node: "pve2", Type: "lxc", Name: "not-labforge",
		Memory: 256, Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0"})
	l := startVMLab(t, labOptions{sim: pvesim.Config{Seed: seed, TimeScale: 0.001}, stack: []apptest.Option{fastSteps(2)}})

	vmID, location := l.createVM(t, "stepper-1", false)
	awaitAll(t, l.s, l.admin, []string{location}, domain.OpCompleted, 90*time.Second)
	vm := l.getVM(t, vmID)
	require.NotNil(t, vm.VMID)
	require.NotEqual(t, 10000, *vm.VMID, "the VM got another VMID")
	g, ok := l.sim.Guest("pve2", 10000)
	require.True(t, ok, "the stranger's guest is still there")
	require.Equal(t, "not-labforge", g.Name)
	var foreign bool
	for _, a := range vmidAllocations(t, l.s) {
		if a.VMID == 10000 {
			foreign = a.OwnerType == domain.VMIDOwnerForeign
		}
	}
	require.True(t, foreign, "VMID 10000 is kept out of the range")
}
