package domain

import (
	"time"

	"github.com/google/uuid"
)

// Default clone times, used by CloneTimeEstimate until a template has
// measured clones: a linked clone shares its template's disks and is
// quick, a full clone copies them.
const (
	DefaultLinkedCloneTime = 60 * time.Second
	DefaultFullCloneTime   = 5 * time.Minute
)

// DefaultCloneTime is the clone time assumed for a template nothing was
// measured of.
func DefaultCloneTime(linked bool) time.Duration {
	if linked {
		return DefaultLinkedCloneTime
	}
	return DefaultFullCloneTime
}

// CapacityNode is a node as capacity planning sees it: how many clones it
// runs at once, the storages they write to, the memory its guests share,
// and the memory of the guests on it that belong to no event (BaseBytes),
// which planned events cannot count on.
type CapacityNode struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	CloneSlots  int       `json:"clone_slots"`
	Storages    []string  `json:"storages"`
	MemoryBytes int64     `json:"memory_bytes"`
	BaseBytes   int64     `json:"base_memory_bytes"`
}

// PlannableBytes is the memory planned events may fill.
func (n *CapacityNode) PlannableBytes() int64 { return n.MemoryBytes - n.BaseBytes }

// MachineDemand is what one machine of an event asks of the nodes: VMs
// clones of a template on NodeID (the template's node: linked clones land
// there, and planning counts full clones there too, which overstates one
// node's load rather than understating any), each holding MemoryBytes
// and taking CloneTime to clone.
type MachineDemand struct {
	TemplateID  uuid.UUID     `json:"template_id"`
	NodeID      uuid.UUID     `json:"node_id"`
	VMs         int           `json:"vms"`
	MemoryBytes int64         `json:"memory_bytes_per_vm"`
	CloneTime   time.Duration `json:"-"`
}

// PlannedEvent is an event as capacity planning sees it: when it deploys
// (start − lead time), starts and ends (nil: runs until ended), and the
// VMs its machines need (machines × count × participants).
type PlannedEvent struct {
	ID       uuid.UUID       `json:"id"`
	Name     string          `json:"name"`
	DeployAt time.Time       `json:"deploy_at"`
	StartsAt time.Time       `json:"starts_at"`
	EndsAt   *time.Time      `json:"ends_at"`
	Machines []MachineDemand `json:"machines"`
}

// VMs is how many VMs the event deploys.
func (p *PlannedEvent) VMs() int {
	n := 0
	for _, m := range p.Machines {
		n += m.VMs
	}
	return n
}

// MemoryBytes is the memory of all the event's VMs.
func (p *PlannedEvent) MemoryBytes() int64 {
	var b int64
	for _, m := range p.Machines {
		b += int64(m.VMs) * m.MemoryBytes
	}
	return b
}

// CloneTime is the longest clone time of the event's machines: every
// round of clones lasts as long as its slowest clone.
func (p *PlannedEvent) CloneTime() time.Duration {
	var t time.Duration
	for _, m := range p.Machines {
		t = max(t, m.CloneTime)
	}
	return t
}

// holds reports whether the event's VMs exist at t: from its deploy until
// its end (for ever without one).
func (p *PlannedEvent) holds(t time.Time) bool {
	return !t.Before(p.DeployAt) && (p.EndsAt == nil || t.Before(*p.EndsAt))
}

// CapacityModel is what capacity planning computes from: the nodes, the
// per-storage clone cap (LABFORGE_CLONE_CAP_PER_STORAGE) and the events
// already planned.
type CapacityModel struct {
	Nodes         []CapacityNode
	CapPerStorage int
	Events        []PlannedEvent
}

// CloneSlots is how many clones the nodes run at once: each node's
// clone_concurrency, no more than the per-storage cap times its storages,
// and in all no more than the per-storage cap times the distinct storages.
// It is at least 1 so that lead times stay finite.
func (m *CapacityModel) CloneSlots() int {
	perNode, storages := 0, map[string]bool{}
	for _, n := range m.Nodes {
		slots := max(n.CloneSlots, 0)
		if m.CapPerStorage > 0 {
			slots = min(slots, m.CapPerStorage*max(len(n.Storages), 1))
		}
		perNode += slots
		for _, s := range n.Storages {
			storages[s] = true
		}
	}
	if m.CapPerStorage > 0 && len(storages) > 0 {
		perNode = min(perNode, m.CapPerStorage*len(storages))
	}
	return max(perNode, 1)
}
