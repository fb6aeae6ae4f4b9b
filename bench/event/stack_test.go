package event

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

// stack is a platform for the benchmark: the simulator with K nodes, each
// holding a copy of the template on its own LVM-thin storage (so linked
// clones spread over the nodes), workers for core, pve-clone and
// pve-actions, an instructor, N participants in one group and an
// environment of one linked-clone machine.
type stack struct {
	p           *app.Platform
	sim         *pvesim.Server
	instructor  uuid.UUID
	group       uuid.UUID
	environment uuid.UUID
}

func newStack(tb testing.TB, p params) *stack {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sim := pvesim.New(pvesim.Config{
		Seed:      seed(p.K),
		TimeScale: p.Scale,
		Durations: pvesim.Durations{CloneLinked: p.T, AgentReady: agentBoot},
		// Only the nodes' clone_concurrency bounds the clones.
		StorageLockLimit: -1,
		RandomSeed:       1,
	})
	tb.Cleanup(sim.Close)
	plat := benchstack.Connect(tb, "LABFORGE_CLONE_CAP_PER_STORAGE=64",
		fmt.Sprintf("LABFORGE_EVENT_DEPLOY_CONCURRENCY=%d", p.Concurrency))
	s := &stack{p: plat, sim: sim}
	queues := []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions}
	set := plat.ActivitySet(queues)
	set.Proxmox.Wait = benchstack.ScaledWait(p.Poll)
	benchstack.StartWorkers(tb, plat, set, queues)
	s.seedStore(ctx, tb, p)
	return s
}

// seedStore registers the nodes with clone_concurrency C, the template,
// the instructor, the participants' group and the environment, as the API
// and an inventory sync would.
func (s *stack) seedStore(ctx context.Context, tb testing.TB, p params) {
	tb.Helper()
	db := s.p.DB
	var tpl *domain.VMTemplate
	for i := range p.K {
		n := &domain.Node{Name: nodeName(i), Cluster: "lab", Endpoint: s.sim.URL(), TokenID: pvesim.DefaultTokenID,
			TokenSecret: pvesim.DefaultTokenSecret, TLSFingerprint: s.sim.Fingerprint(),
			Storages: []string{storageName(i)}, Bridge: "vmbr0", CloneConcurrency: p.C}
		must(tb, db.CreateNode(ctx, n), "node")
		n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 512<<30, 8<<30
		must(tb, db.UpdateNodeStatus(ctx, n), "node status")
		copy := &domain.VMTemplate{NodeID: n.ID, Cluster: "lab", VMID: 9000 + i, Kind: domain.GuestQEMU, Name: "bench-template",
			Cores: 1, MemoryMB: 1024, Storage: storageName(i), Linked: true, Status: domain.TemplateAvailable}
		must(tb, db.UpsertTemplate(ctx, copy), "template")
		if i == 0 {
			tpl = copy
		}
	}
	instructor := user("bench-instructor", domain.RoleInstructor)
	must(tb, db.CreateUser(ctx, instructor), "instructor")
	s.instructor = instructor.ID
	g := &domain.Group{Name: "bench class"}
	must(tb, db.CreateGroup(ctx, g), "group")
	s.group = g.ID
	for i := range p.N {
		u := user(fmt.Sprintf("bench-%03d", i+1), domain.RoleParticipant)
		must(tb, db.CreateUser(ctx, u), "participant")
		must(tb, db.AddGroupMember(ctx, g.ID, u.ID), "group member")
	}
	env := &domain.Environment{Name: "bench lab", OwnerID: instructor.ID, Machines: []domain.EnvironmentMachine{{
		TemplateID: tpl.ID, Name: "vm", Count: 1, CloneMode: domain.CloneLinked}}}
	must(tb, db.CreateEnvironment(ctx, env), "environment")
	s.environment = env.ID
}

func user(name, role string) *domain.User {
	return &domain.User{Username: name, Email: name + "@example.org", DisplayName: name, Source: domain.AuthLocal,
		Roles: []string{role}, PasswordHash: "$argon2id$x"}
}

func must(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

func nodeName(i int) string    { return fmt.Sprintf("pve%d", i+1) }
func storageName(i int) string { return "lvm-" + nodeName(i) }

// seed is a simulated cluster "lab" of k nodes, each with its own
// LVM-thin storage holding a copy of the QEMU template "bench-template"
// (VMID 9000+i on node i).
func seed(k int) *pvesim.Seed {
	const gib = 1 << 30
	s := pvesim.DefaultSeed()
	s.Nodes, s.Templates, s.Guests, s.CTTemplates = nil, nil, nil, nil
	for i := range k {
		s.Nodes = append(s.Nodes, pvesim.SeedNode{Name: nodeName(i), CPUs: 64, Memory: 512 * gib, Status: "online",
			IP: fmt.Sprintf("192.168.100.%d", 11+i), Storages: []pvesim.SeedStorage{
				{ID: "local", Type: "dir", Content: "iso,vztmpl,backup", Total: 100 * gib},
				{ID: storageName(i), Type: "lvmthin", Content: "images,rootdir", Total: 4096 * gib},
			}})
		s.Templates = append(s.Templates, pvesim.SeedTemplate{VMID: 9000 + i, Node: nodeName(i), Name: "bench-template",
			OSType: "l26", Cores: 1, Memory: 1024, Disk: "8G", Storage: storageName(i), Bridge: "vmbr0"})
	}
	s.Bridges = []pvesim.SeedBridge{{Name: "vmbr0", CIDR: "10.10.0.0/16", Gateway: "10.10.0.1",
		PoolStart: "10.10.1.1", PoolEnd: "10.10.250.250"}}
	return s
}
