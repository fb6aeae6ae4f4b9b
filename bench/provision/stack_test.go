package provision

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/bench/internal/benchstack"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// stack is a platform for one benchmark: the simulator with K nodes, the
// platform's connections, workers for core, pve-clone and pve-actions, one
// linked-clone template per node and an owner for the VMs.
type stack struct {
	p         *app.Platform
	sim       *pvesim.Server
	templates []*domain.VMTemplate // templates[i] lives on node i
	owner     uuid.UUID
	// attempts counts activity attempts by type, failed ones included.
	attempts *benchstack.AttemptCounter
}

// newStack builds the stack for p on benchstack's platform.
func newStack(tb testing.TB, p params) *stack {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	sim := pvesim.New(pvesim.Config{
		Seed:      seed(p.K),
		TimeScale: p.Scale,
		Durations: pvesim.Durations{CloneLinked: p.T},
		// Each node has its own storage and no storage-lock limit, so only
		// the node's clone_concurrency bounds its clones.
		StorageLockLimit: -1,
		RandomSeed:       1,
	})
	tb.Cleanup(sim.Close)
	// Storages are per node (see seed), so this cap never binds.
	plat := benchstack.Connect(tb, "LABFORGE_CLONE_CAP_PER_STORAGE=64",
		fmt.Sprintf("LABFORGE_TEMPORAL_START_CONCURRENCY=%d", p.Starts))
	s := &stack{p: plat, sim: sim, attempts: benchstack.NewAttemptCounter()}
	s.startWorkers(tb, p)
	s.seedStore(ctx, tb, p)
	return s
}

// startWorkers starts core, pve-clone and pve-actions workers as
// internal/app does, with one difference: task polling is paced by p.Poll
// (benchstack.ScaledWait).
func (s *stack) startWorkers(tb testing.TB, p params) {
	tb.Helper()
	queues := []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions}
	set := s.p.ActivitySet(queues)
	set.Proxmox.Wait = benchstack.ScaledWait(p.Poll)
	benchstack.StartWorkers(tb, s.p, set, queues, s.attempts)
}

// seedStore registers the simulator's nodes with clone_concurrency C, one
// template per node and the VMs' owner, as an inventory sync would.
func (s *stack) seedStore(ctx context.Context, tb testing.TB, p params) {
	tb.Helper()
	for i := range p.K {
		name := nodeName(i)
		n := &domain.Node{Name: name, Cluster: "lab", Endpoint: s.sim.URL(), TokenID: pvesim.DefaultTokenID,
			TokenSecret: pvesim.DefaultTokenSecret, TLSFingerprint: s.sim.Fingerprint(),
			Storages: []string{storageName(i)}, Bridge: "vmbr0", CloneConcurrency: p.C}
		if err := s.p.DB.CreateNode(ctx, n); err != nil {
			tb.Fatalf("node %s: %v", name, err)
		}
		n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 512<<30, 8<<30
		if err := s.p.DB.UpdateNodeStatus(ctx, n); err != nil {
			tb.Fatalf("node %s status: %v", name, err)
		}
		tpl := &domain.VMTemplate{NodeID: n.ID, Cluster: "lab", VMID: 9000 + i, Kind: domain.GuestQEMU,
			Name: "bench-template-" + name, Cores: 1, MemoryMB: 1024, Storage: storageName(i), Linked: true, Status: "available"}
		if err := s.p.DB.UpsertTemplate(ctx, tpl); err != nil {
			tb.Fatalf("template on %s: %v", name, err)
		}
		s.templates = append(s.templates, tpl)
	}
	owner := &domain.User{Username: "bench-owner", Email: "bench@example.org", DisplayName: "Bench owner",
		Source: domain.AuthLocal, Roles: []string{domain.RoleParticipant}, PasswordHash: "$argon2id$x"}
	if err := s.p.DB.CreateUser(ctx, owner); err != nil {
		tb.Fatalf("owner: %v", err)
	}
	s.owner = owner.ID
}

// newVMs stores n pending linked-clone VMs, spread round-robin over the
// nodes' templates (a linked clone lands on its template's node).
func (s *stack) newVMs(ctx context.Context, tb testing.TB, round, n int) []uuid.UUID {
	tb.Helper()
	ids := make([]uuid.UUID, 0, n)
	for i := range n {
		vm := &domain.VM{Name: fmt.Sprintf("bench-%d-%d", round, i), OwnerID: s.owner,
			TemplateID: s.templates[i%len(s.templates)].ID, Cluster: "lab", Linked: true, Cores: 1, MemoryMB: 1024}
		if err := s.p.DB.CreateVM(ctx, vm); err != nil {
			tb.Fatalf("VM %d: %v", i, err)
		}
		ids = append(ids, vm.ID)
	}
	return ids
}

func nodeName(i int) string    { return fmt.Sprintf("pve%d", i+1) }
func storageName(i int) string { return fmt.Sprintf("lvm-%s", nodeName(i)) }

// seed is a simulated cluster "lab" of k nodes, each with its own LVM-thin
// storage and one QEMU template (VMID 9000+i), bridge vmbr0 and pool
// labforge.
func seed(k int) *pvesim.Seed {
	const gib = 1 << 30
	s := pvesim.DefaultSeed()
	s.Nodes, s.Templates, s.Guests = nil, nil, nil
	for i := range k {
		s.Nodes = append(s.Nodes, pvesim.SeedNode{Name: nodeName(i), CPUs: 64, Memory: 512 * gib, Status: "online",
			IP: fmt.Sprintf("192.168.100.%d", 11+i), Storages: []pvesim.SeedStorage{
				{ID: "local", Type: "dir", Content: "iso,vztmpl,backup", Total: 100 * gib},
				{ID: storageName(i), Type: "lvmthin", Content: "images,rootdir", Total: 4096 * gib},
			}})
		s.Templates = append(s.Templates, pvesim.SeedTemplate{VMID: 9000 + i, Node: nodeName(i),
			Name: "bench-template-" + nodeName(i), OSType: "l26", Cores: 1, Memory: 1024, Disk: "8G",
			Storage: storageName(i), Bridge: "vmbr0"})
	}
	s.CTTemplates = nil
	// Room for more addresses than the default /24 when VMs are started.
	s.Bridges = []pvesim.SeedBridge{{Name: "vmbr0", CIDR: "10.10.0.0/16", Gateway: "10.10.0.1",
		PoolStart: "10.10.1.1", PoolEnd: "10.10.250.250"}}
	return s
}
