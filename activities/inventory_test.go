package activities

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

const resourcesRoute = "/cluster/resources"

// memEvents is an in-memory system-event log.
type memEvents struct {
	mu     sync.Mutex
	events map[string]domain.SystemEvent
}

func (m *memEvents) AddSystemEvent(_ context.Context, ev *domain.SystemEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string]domain.SystemEvent{}
	}
	if _, ok := m.events[ev.ID]; !ok {
		m.events[ev.ID] = *ev
	}
	return nil
}

func (m *memEvents) ListSystemEvents(context.Context, domain.SystemEventFilter) ([]domain.SystemEvent, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]domain.SystemEvent, 0, len(m.events))
	for _, ev := range m.events {
		out = append(out, ev)
	}
	return out, "", nil
}

func (m *memEvents) ofKind(kind string) []domain.SystemEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.SystemEvent
	for _, ev := range m.events {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

type inventoryFixture struct {
	ctx    context.Context
	db     *store.DB
	sim    *pvesim.Server
	events *memEvents
	inv    *Inventory
	env    *testsuite.TestActivityEnvironment
}

// newInventoryFixture runs the inventory activities without a grace
// period (its tests make records a moment before the cycle they check).
func newInventoryFixture(t *testing.T, seed *pvesim.Seed) *inventoryFixture {
	return newInventoryFixtureSim(t, pvesim.Config{TimeScale: 0.001, Seed: seed})
}

// newInventoryFixtureSim is newInventoryFixture against a simulator
// configured by cfg.
func newInventoryFixtureSim(t *testing.T, cfg pvesim.Config) *inventoryFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	db := storetest.New(t)
	sim := pvesim.New(cfg)
	t.Cleanup(sim.Close)
	events := &memEvents{}
	inv := &Inventory{Nodes: db, Templates: db, VMs: db, Events: events, Clients: &NodeClients{Nodes: db, Keys: storetest.Keyring(t), Timeout: 5 * time.Second},
		Grace: -1}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(inv)
	env.SetTestTimeout(45 * time.Second)
	return &inventoryFixture{ctx: ctx, db: db, sim: sim, events: events, inv: inv, env: env}
}

// addNode registers a node of cluster lab reached at endpoint (the
// simulator unless told otherwise).
func (f *inventoryFixture) addNode(t *testing.T, name, endpoint string) *domain.Node {
	t.Helper()
	if endpoint == "" {
		endpoint = f.sim.URL()
	}
	n := &domain.Node{Name: name, Cluster: "lab", Endpoint: endpoint, TokenID: pvesim.DefaultTokenID,
		TokenSecret: pvesim.DefaultTokenSecret, TLSFingerprint: f.sim.Fingerprint(), Storages: []string{"local-lvm"},
		Bridge: "vmbr0", CloneConcurrency: 2}
	require.NoError(t, f.db.CreateNode(f.ctx, n))
	return n
}

// deadEndpoint is an https URL on a loopback port nobody listens on.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "https://" + addr
}

// addVM stores a VM record of cluster lab holding vmid.
func (f *inventoryFixture) addVM(t *testing.T, tpl *domain.VMTemplate, vmid int, state domain.GuestState) *domain.VM {
	t.Helper()
	owner := &domain.User{Username: "u" + uuid.NewString()[:8], Email: uuid.NewString()[:8] + "@example.org",
		DisplayName: "Owner", Source: domain.AuthLocal, Roles: []string{domain.RoleParticipant}, PasswordHash: "$argon2id$x"}
	require.NoError(t, f.db.CreateUser(f.ctx, owner))
	id := uuid.New()
	got, err := f.db.AllocateVMID(f.ctx, "lab", domain.VMIDRange{First: vmid, Last: vmid}, domain.ObjectVM, id)
	require.NoError(t, err)
	vm := &domain.VM{ID: id, Name: "vm" + uuid.NewString()[:6], OwnerID: owner.ID, TemplateID: tpl.ID, NodeID: &tpl.NodeID,
		Cluster: "lab", VMID: &got, Cores: 2, MemoryMB: 2048, State: state}
	require.NoError(t, f.db.CreateVM(f.ctx, vm))
	return vm
}

func (f *inventoryFixture) sync(t *testing.T) (ClusterSyncResult, error) {
	t.Helper()
	v, err := f.env.ExecuteActivity(f.inv.SyncCluster, "lab")
	if err != nil {
		return ClusterSyncResult{}, err
	}
	var res ClusterSyncResult
	require.NoError(t, v.Get(&res))
	return res, nil
}

func TestSyncClusterStoresNodesTemplatesAndPowerWithOneResourcesCall(t *testing.T) {
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{VMID: 200, Node: "pve1", Name: "web-1", Status: "running",
		Cores: 2, Memory: 2048, Disk: "20G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag})
	f := newInventoryFixture(t, seed)
	pve1 := f.addNode(t, "pve1", "")
	f.addNode(t, "pve2", "")
	gone := &domain.VMTemplate{NodeID: pve1.ID, Cluster: "lab", VMID: 9100, Kind: domain.GuestQEMU, Name: "old", Status: domain.TemplateAvailable}
	require.NoError(t, f.db.UpsertTemplate(f.ctx, gone))

	before := f.sim.Stats().RequestCount("GET", resourcesRoute)
	res, err := f.sync(t)
	require.NoError(t, err)
	require.Equal(t, before+1, f.sim.Stats().RequestCount("GET", resourcesRoute), "one GET /cluster/resources per cluster per cycle")
	require.Equal(t, "pve1", res.EntryNode)
	require.Equal(t, 2, res.NodesOnline)
	require.Equal(t, 3, res.Templates)
	require.Equal(t, 1, res.TemplatesMissing)

	nodes, _, err := f.db.ListNodes(f.ctx, domain.Page{})
	require.NoError(t, err)
	for _, n := range nodes {
		require.Equal(t, domain.NodeOnline, n.Status, n.Name)
		require.Equal(t, 32, n.MaxCPU)
		require.Equal(t, int64(128<<30), n.MaxMemoryBytes)
		require.NotNil(t, n.SyncedAt)
	}
	win, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9002)
	require.NoError(t, err)
	require.Equal(t, "win11-template", win.Name)
	require.Equal(t, "win11", win.OSType)
	require.Equal(t, 4, win.Cores)
	require.Equal(t, 8192, win.MemoryMB)
	require.Equal(t, 64, win.DiskGB)
	require.Equal(t, "local-lvm", win.Storage)
	require.Equal(t, domain.TemplateAvailable, win.Status)
	old, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9100)
	require.NoError(t, err)
	require.Equal(t, domain.TemplateMissing, old.Status)

	// The VM record follows Proxmox's power state; templates' configs are
	// read once, not every cycle.
	deb, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9000)
	require.NoError(t, err)
	vm := f.addVM(t, deb, 200, domain.GuestReady)
	configReads := f.sim.Stats().RequestCount("GET", "/nodes/{node}/qemu/{vmid}/config")
	res, err = f.sync(t)
	require.NoError(t, err)
	require.Equal(t, before+2, f.sim.Stats().RequestCount("GET", resourcesRoute))
	require.Equal(t, configReads, f.sim.Stats().RequestCount("GET", "/nodes/{node}/qemu/{vmid}/config"))
	require.Equal(t, 1, res.VMsUpdated)
	got, err := f.db.FindVM(f.ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.PowerRunning, got.Power)
	require.Equal(t, domain.GuestReady, got.State)
}

func TestSyncClusterFallsBackToTheNextNode(t *testing.T) {
	f := newInventoryFixture(t, nil)
	f.addNode(t, "pve1", deadEndpoint(t))
	f.addNode(t, "pve2", "")
	res, err := f.sync(t)
	require.NoError(t, err)
	require.Equal(t, "pve2", res.EntryNode)
	require.Equal(t, int64(1), f.sim.Stats().RequestCount("GET", resourcesRoute))
}

func TestSyncClusterWithNoReachableNodeIsRetryable(t *testing.T) {
	f := newInventoryFixture(t, nil)
	f.addNode(t, "pve1", deadEndpoint(t))
	f.addNode(t, "pve2", deadEndpoint(t))
	_, err := f.sync(t)
	require.Error(t, err)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%T %v", err, err)
	require.Equal(t, ErrTypeClusterUnreachable, appErr.Type())
	require.False(t, appErr.NonRetryable())
	nodes, _, err := f.db.ListNodes(f.ctx, domain.Page{})
	require.NoError(t, err)
	for _, n := range nodes {
		require.Equal(t, domain.NodeOffline, n.Status, n.Name)
	}
}

func reconcileSeed(orphanID uuid.UUID) *pvesim.Seed {
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests,
		pvesim.SeedGuest{VMID: 305, Node: "pve2", Name: "in-flight", Status: "stopped", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag + ";" + VMTag(inFlightID)},
		pvesim.SeedGuest{VMID: 300, Node: "pve1", Name: "orphan", Status: "running", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag + ";" + VMTag(orphanID)},
		pvesim.SeedGuest{VMID: 301, Node: "pve2", Name: "not-ours", Status: "stopped", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0"},
		pvesim.SeedGuest{VMID: 302, Node: "pve1", Name: "known", Status: "running", Cores: 1, Memory: 512,
			Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: LabforgeTag})
	return seed
}

func (f *inventoryFixture) reconcile(t *testing.T, deleteOrphans bool) ClusterReconcileResult {
	t.Helper()
	v, err := f.env.ExecuteActivity(f.inv.ReconcileCluster, ReconcileClusterInput{Cluster: "lab", DeleteOrphans: deleteOrphans})
	require.NoError(t, err)
	var res ClusterReconcileResult
	require.NoError(t, v.Get(&res))
	return res
}

// inFlightID names a VM record whose clone is under way: its guest is
// tagged, its record has no VMID yet.
var inFlightID = uuid.New()

func TestReconcileClusterFindsDriftBothWays(t *testing.T) {
	orphanID := uuid.New()
	f := newInventoryFixture(t, reconcileSeed(orphanID))
	f.addNode(t, "pve1", "")
	f.addNode(t, "pve2", "")
	_, err := f.sync(t)
	require.NoError(t, err)
	tpl, err := f.db.FindTemplateByVMID(f.ctx, "lab", 9000)
	require.NoError(t, err)
	owner := f.addVM(t, tpl, 302, domain.GuestReady).OwnerID
	missing := f.addVM(t, tpl, 303, domain.GuestReady)
	f.addVM(t, tpl, 304, domain.GuestProvisioning) // not ready yet: no finding
	inFlight := &domain.VM{ID: inFlightID, Name: "in-flight", OwnerID: owner, TemplateID: tpl.ID, Cluster: "lab",
		Cores: 1, MemoryMB: 512, State: domain.GuestProvisioning}
	require.NoError(t, f.db.CreateVM(f.ctx, inFlight))

	before := f.sim.Stats().RequestCount("GET", resourcesRoute)
	res := f.reconcile(t, false)
	require.Equal(t, before+1, f.sim.Stats().RequestCount("GET", resourcesRoute))
	require.Len(t, res.Findings, 2, "%+v", res.Findings)

	orphans := f.events.ofKind(EventOrphanGuest)
	require.Len(t, orphans, 1)
	require.Equal(t, "lab/300", orphans[0].ObjectID)
	require.Equal(t, orphanID.String(), orphans[0].Details["vm_id"])
	gone := f.events.ofKind(EventMissingGuest)
	require.Len(t, gone, 1)
	require.Equal(t, missing.ID.String(), gone[0].ObjectID)
	require.Equal(t, domain.ObjectVM, gone[0].ObjectType)

	_, exists := f.sim.Guest("pve1", 300)
	require.True(t, exists, "nothing is deleted unless asked")
}

func TestReconcileClusterDeletesOrphansWhenAsked(t *testing.T) {
	f := newInventoryFixture(t, reconcileSeed(uuid.New()))
	f.addNode(t, "pve1", "")
	f.addNode(t, "pve2", "")
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
	_, exists = f.sim.Guest("pve2", 301)
	require.True(t, exists, "untagged guests are never touched")
}
