package activities

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
)

// Bookkeeping holds the VM and container lifecycles' PostgreSQL
// activities (queue core): placement and allocation, VM and container
// records, VMID release and clone slots. Workflows run them
// as local activities, inside their own workflow tasks (see
// workflows.bookkeep), so they must be registered where the workflows run.
type Bookkeeping struct {
	VMs   domain.VMStore
	Nodes domain.NodeStore
	// Containers and Sites serve the container workflows' bookkeeping.
	Containers domain.ContainerStore
	Sites      domain.SiteStore
	Slots      *CloneSlots
	// VMIDs is the range VMIDs are allocated from (LABFORGE_VMID_RANGE).
	VMIDs  domain.VMIDRange
	Logger *slog.Logger

	placing placementBatches
}

func (b *Bookkeeping) validate() error {
	if b.VMs == nil || b.Nodes == nil || b.Containers == nil || b.Sites == nil || b.Slots == nil {
		return fmt.Errorf("bookkeeping needs VM, node, container and site stores and clone slots")
	}
	if err := b.VMIDs.Validate("VMIDs"); err != nil {
		return err
	}
	return b.Slots.validate()
}

// GuestRef names a Labforge VM's guest in Proxmox.
type GuestRef struct {
	VM      uuid.UUID `json:"vm"`
	Name    string    `json:"name"`
	Cluster string    `json:"cluster"`
	NodeID  uuid.UUID `json:"node_id"`
	Node    string    `json:"node"`
	VMID    int       `json:"vmid"`
}

// ClonePlan is where and how a VM is cloned: its reserved VMID, the node it
// lands on, the template it comes from and the clone's shape.
type ClonePlan struct {
	Guest GuestRef  `json:"guest"`
	Owner uuid.UUID `json:"owner"`
	// SourceNodeID and SourceNode hold the template; the clone request goes there.
	SourceNodeID uuid.UUID `json:"source_node_id"`
	SourceNode   string    `json:"source_node"`
	TemplateVMID int       `json:"template_vmid"`
	// Full copies the disks (to Storage); false makes a linked clone on the
	// template's node and storage.
	Full     bool   `json:"full"`
	Storage  string `json:"storage"`
	Cores    int    `json:"cores"`
	MemoryMB int    `json:"memory_mb"`
	// NodeCap is the clone_concurrency of the node the clone task runs on
	// (SlotNode).
	NodeCap int `json:"node_cap"`
}

// SlotNodeID is the node whose clone slots the clone takes: the node its
// clone task runs on. Proxmox runs a clone on the source's node, whatever
// the target: a full clone to another node reads and writes from there.
// Plans without a source (containers' creations) take the guest's node.
func (p ClonePlan) SlotNodeID() uuid.UUID {
	if p.SourceNodeID != uuid.Nil {
		return p.SourceNodeID
	}
	return p.Guest.NodeID
}

// SlotNode is the name of the node of SlotNodeID.
func (p ClonePlan) SlotNode() string {
	if p.SourceNodeID != uuid.Nil {
		return p.SourceNode
	}
	return p.Guest.Node
}

// SlotKey is the storage key clone slots are counted on: the cluster and
// storage name. Storages of the same name on several nodes share the cap,
// which is conservative for local storages and right for shared ones.
func (p ClonePlan) SlotKey() string { return p.Guest.Cluster + ":" + p.Storage }

// ReserveAndPlace reserves the VM's VMID and picks its node as
// domain.PlaceVM decides (store method PlaceVM), and returns the clone
// plan. It is idempotent: a VM already placed keeps its VMID and node. No
// room anywhere is a retryable NoCapacity error, and reserves nothing.
// Placements of one cluster wait for each other in this process before
// they do in PostgreSQL, so that a burst of them does not hold every
// pooled connection on the cluster's placement lock, and those that
// waited are placed together, in one transaction (store PlaceVMs).
func (b *Bookkeeping) ReserveAndPlace(ctx context.Context, vmID uuid.UUID) (ClonePlan, error) {
	vm, err := b.VMs.FindVM(ctx, vmID)
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	p, err := b.placing.place(ctx, vm.Cluster, vmID, func(ctx context.Context, ids []uuid.UUID) ([]domain.PlacementOutcome, error) {
		return b.VMs.PlaceVMs(ctx, ids, b.VMIDs)
	})
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	return ClonePlan{
		Guest: GuestRef{VM: p.VM.ID, Name: p.VM.Name, Cluster: p.Template.Cluster,
			NodeID: p.Target.ID, Node: p.Target.Name, VMID: p.VMID},
		Owner: p.VM.OwnerID, SourceNodeID: p.Source.ID, SourceNode: p.Source.Name, TemplateVMID: p.Template.VMID,
		Full: !p.VM.Linked, Storage: p.Storage, Cores: p.VM.Cores, MemoryMB: p.VM.MemoryMB,
		NodeCap: p.Source.CloneConcurrency,
	}, nil
}

// VMTarget is a placed VM as VMAction and DeleteVM work on it.
type VMTarget struct {
	Guest GuestRef          `json:"guest"`
	Owner uuid.UUID         `json:"owner"`
	State domain.GuestState `json:"state"`
	Power domain.PowerState `json:"power"`
	// Placed is false when the VM never got a VMID and node (nothing to
	// do in Proxmox).
	Placed bool `json:"placed"`
}

// LoadVM reads a VM record and names its guest.
func (b *Bookkeeping) LoadVM(ctx context.Context, vmID uuid.UUID) (VMTarget, error) {
	vm, err := b.VMs.FindVM(ctx, vmID)
	if err != nil {
		return VMTarget{}, classify(err)
	}
	t := VMTarget{Guest: GuestRef{VM: vm.ID, Name: vm.Name, Cluster: vm.Cluster}, Owner: vm.OwnerID, State: vm.State, Power: vm.Power}
	if vm.NodeID == nil || vm.VMID == nil {
		return t, nil
	}
	n, err := b.Nodes.FindNode(ctx, *vm.NodeID)
	if err != nil {
		return VMTarget{}, classify(err)
	}
	t.Guest.NodeID, t.Guest.Node, t.Guest.VMID, t.Placed = n.ID, n.Name, *vm.VMID, true
	return t, nil
}

// VMUpdate is an observed change of a VM record. Empty fields are kept.
type VMUpdate struct {
	VM    uuid.UUID         `json:"vm"`
	State domain.GuestState `json:"state,omitempty"`
	Power domain.PowerState `json:"power,omitempty"`
	IPv4  string            `json:"ipv4,omitempty"`
}

// RecordVM stores a VM's new state, power state and address.
func (b *Bookkeeping) RecordVM(ctx context.Context, u VMUpdate) error {
	obs := domain.VMObservation{State: u.State, Power: u.Power}
	if u.IPv4 != "" {
		ip, err := netip.ParseAddr(u.IPv4)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("bad IPv4 address %q", u.IPv4), ErrTypeInvalid, err)
		}
		obs.IPv4 = &ip
	}
	return classify(b.VMs.RecordVMObservation(ctx, u.VM, obs))
}

// ReleaseGuestVMID frees the guest's VMID (clearing it from the VM record).
// Workflows call it only after Proxmox confirmed the guest is gone.
func (b *Bookkeeping) ReleaseGuestVMID(ctx context.Context, g GuestRef) error {
	return classify(b.VMs.ReleaseVMID(ctx, g.Cluster, g.VMID))
}

// MarkVMIDTaken records that a guest Labforge does not own holds the
// guest's VMID (a clone found it there, or Proxmox refused the VMID as
// taken): the VMID is kept from every future allocation, and the VM
// loses it, so that ReserveAndPlace gives it another.
func (b *Bookkeeping) MarkVMIDTaken(ctx context.Context, g GuestRef) error {
	logger(b.Logger).Warn("a guest outside Labforge holds a VMID Labforge reserved; it is kept out of the range",
		"cluster", g.Cluster, "vmid", g.VMID, "vm", g.VM)
	return classify(b.VMs.MarkVMIDForeign(ctx, g.Cluster, g.VMID))
}

// slotMaxWait bounds one AcquireCloneSlot attempt's wait in the queue.
const slotMaxWait = time.Minute

// AcquireCloneSlot leases a clone slot of the plan's node and storage to
// the calling workflow. When every slot is taken it waits for up to
// slotMaxWait; then, or when this process's queue of waiters is full, it
// fails with the retryable type SlotBusy and a short retry delay, and the
// retry policy carries the wait on. Workflows started before clones waited
// for their own slot (Proxmox.CloneGuestInSlot) call it.
func (b *Bookkeeping) AcquireCloneSlot(ctx context.Context, plan ClonePlan) error {
	got, err := b.Slots.await(ctx, plan, slotMaxWait, false)
	if err != nil {
		return err
	}
	if !got {
		return b.Slots.busy(plan)
	}
	return nil
}

// ReleaseCloneSlot gives the calling workflow's clone slot back; releasing
// twice is harmless.
func (b *Bookkeeping) ReleaseCloneSlot(ctx context.Context) error {
	return b.Slots.release(ctx)
}
