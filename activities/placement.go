package activities

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
)

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
	// NodeCap is the target node's clone_concurrency.
	NodeCap int `json:"node_cap"`
}

// SlotKey is the storage key clone slots are counted on: the cluster and
// storage name. Storages of the same name on several nodes share the cap,
// which is conservative for local storages and right for shared ones.
func (p ClonePlan) SlotKey() string { return p.Guest.Cluster + ":" + p.Storage }

// ReserveAndPlace reserves the VM's VMID from the configured range and
// picks the node it is cloned to, storing both on the VM record (state
// provisioning). A linked clone stays on its template's node and storage;
// a full clone goes to the online node with the most free memory after
// the last inventory sync, less the memory of VMs being provisioned there.
// It is idempotent: a VM already placed (provisioning, or ready and being
// re-cloned by reset-to-template) keeps its VMID and node. No room
// anywhere is a retryable NoCapacity error, and reserves nothing.
// Placements of one cluster run one at a time (store.InPlacement), so VMs
// placed together never overbook a node.
func (a *Proxmox) ReserveAndPlace(ctx context.Context, vmID uuid.UUID) (ClonePlan, error) {
	vm, err := a.Store.FindVM(ctx, vmID)
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	tpl, err := a.Store.FindTemplate(ctx, vm.TemplateID)
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	src, err := a.Store.FindNode(ctx, tpl.NodeID)
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	leave, err := a.placing.enter(ctx, tpl.Cluster)
	if err != nil {
		return ClonePlan{}, err
	}
	defer leave()
	var plan ClonePlan
	var placeErr error // already classified
	err = a.Store.InPlacement(ctx, tpl.Cluster, func(tx *store.DB) error {
		plan, placeErr = a.place(ctx, tx, vm, tpl, src)
		return placeErr
	})
	if placeErr != nil {
		return ClonePlan{}, placeErr
	}
	return plan, classify(err)
}

// place reserves the VMID and picks the node, on st, a transaction holding
// the cluster's placement lock.
func (a *Proxmox) place(ctx context.Context, st ProxmoxStore, vm *domain.VM, tpl *domain.VMTemplate, src *domain.Node) (ClonePlan, error) {
	vmid, err := st.AllocateVMID(ctx, tpl.Cluster, a.VMIDs, domain.ObjectVM, vm.ID)
	if err != nil {
		return ClonePlan{}, classify(err)
	}
	memory := vm.MemoryMB
	if memory == 0 {
		memory = tpl.MemoryMB
	}
	plan := ClonePlan{
		Guest: GuestRef{VM: vm.ID, Name: vm.Name, Cluster: tpl.Cluster, VMID: vmid},
		Owner: vm.OwnerID, SourceNodeID: src.ID, SourceNode: src.Name, TemplateVMID: tpl.VMID,
		Full: !vm.Linked, Storage: tpl.Storage, Cores: vm.Cores, MemoryMB: vm.MemoryMB,
	}
	target := src
	switch {
	case vm.NodeID != nil && (vm.State == domain.GuestProvisioning || vm.State == domain.GuestReady):
		if target, err = st.FindNode(ctx, *vm.NodeID); err != nil {
			return ClonePlan{}, classify(err)
		}
	case plan.Full:
		if target, err = a.pickNode(ctx, st, tpl, src, vm.ID, memory); err != nil {
			return ClonePlan{}, err
		}
	case src.Status == domain.NodeOffline:
		return ClonePlan{}, temporal.NewApplicationError(
			fmt.Sprintf("node %s holding template %d is offline", src.Name, tpl.VMID), ErrTypeNoCapacity)
	}
	if plan.Full && target.ID != src.ID && !slices.Contains(target.Storages, tpl.Storage) && len(target.Storages) > 0 {
		plan.Storage = target.Storages[0]
	}
	plan.Guest.NodeID, plan.Guest.Node, plan.NodeCap = target.ID, target.Name, target.CloneConcurrency
	vm.VMID, vm.NodeID, vm.Cluster, vm.State = &vmid, &target.ID, tpl.Cluster, domain.GuestProvisioning
	if err := st.UpdateVM(ctx, vm); err != nil {
		return ClonePlan{}, classify(err)
	}
	return plan, nil
}

// pickNode chooses the node of a full clone among the template's cluster's
// online nodes: the most free memory wins, the template's node on a tie.
func (a *Proxmox) pickNode(ctx context.Context, st ProxmoxStore, tpl *domain.VMTemplate, src *domain.Node, vmID uuid.UUID, memoryMB int) (*domain.Node, error) {
	var best *domain.Node
	var bestFree int64
	page := domain.Page{Limit: domain.MaxPageLimit}
	for {
		nodes, next, err := st.ListNodes(ctx, page)
		if err != nil {
			return nil, classify(err)
		}
		for i := range nodes {
			n := &nodes[i]
			if n.Cluster != tpl.Cluster || n.Status != domain.NodeOnline {
				continue
			}
			reserved, err := reservedMemory(ctx, st, n.ID, vmID)
			if err != nil {
				return nil, err
			}
			free := n.MaxMemoryBytes - n.UsedMemoryBytes - reserved
			if free < int64(memoryMB)<<20 {
				continue
			}
			if best == nil || free > bestFree || (free == bestFree && n.ID == src.ID) {
				best, bestFree = n, free
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if best == nil {
		return nil, temporal.NewApplicationError(
			fmt.Sprintf("no online node of cluster %q has %d MiB free for the VM", tpl.Cluster, memoryMB), ErrTypeNoCapacity)
	}
	return best, nil
}

// reservedMemory is the memory of the VMs being provisioned on a node
// (placed, not yet running, so not yet in the synced usage), but vmID.
func reservedMemory(ctx context.Context, st ProxmoxStore, nodeID, vmID uuid.UUID) (int64, error) {
	var sum int64
	f := store.VMFilter{NodeID: &nodeID, State: domain.GuestProvisioning, Page: domain.Page{Limit: domain.MaxPageLimit}}
	for {
		vms, next, err := st.ListVMs(ctx, f)
		if err != nil {
			return 0, classify(err)
		}
		for _, vm := range vms {
			if vm.ID != vmID {
				sum += int64(vm.MemoryMB) << 20
			}
		}
		if next == "" {
			return sum, nil
		}
		f.Page.Cursor = next
	}
}
