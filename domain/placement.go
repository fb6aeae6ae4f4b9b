package domain

import (
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// ErrNoCapacity is wrapped by placement errors that a later attempt may
// not meet: no online node has room, or a linked clone's template sits on
// an offline node. Inventory sync refreshes what placement sees.
var ErrNoCapacity = errors.New("no capacity")

// NodeLoad is a node as placement sees it: its capacity at the last
// inventory sync, and the memory of the VMs and containers placed on it
// since that are still being provisioned (so not yet in the synced usage).
type NodeLoad struct {
	Node Node
	// ProvisioningBytes is the memory of the node's VMs and containers in
	// state provisioning, the guest being placed excepted.
	ProvisioningBytes int64
}

// FreeBytes is the memory placement may still count on.
func (l NodeLoad) FreeBytes() int64 {
	return l.Node.MaxMemoryBytes - l.Node.UsedMemoryBytes - l.ProvisioningBytes
}

// PlacementRequest is everything PlaceVM decides on.
type PlacementRequest struct {
	VM       VM
	Template VMTemplate
	// Copies are the template's copies: available templates of the same
	// name and kind on other nodes of its cluster (an administrator keeps
	// one per node so that linked clones spread over the nodes).
	Copies []VMTemplate
	// Nodes are every registered node of the template's cluster, the
	// template's own node among them, with their load.
	Nodes []NodeLoad
}

// Placement is where a VM is cloned: the node it lands on, the node its
// template is on (the clone request goes there), the storage of its disks
// and its reserved VMID.
type Placement struct {
	VM       VM
	Template VMTemplate
	Source   Node
	Target   Node
	// Storage holds a full clone's disks; a linked clone stays on the
	// template's storage.
	Storage string
	VMID    int
}

// PlacementOutcome is one VM's result of placing several at once: its
// placement, or why it could not be placed.
type PlacementOutcome struct {
	Placement *Placement
	Err       error
}

// PlaceVM decides where a VM is cloned, and from which copy of its
// template (Placement.Template; the clone task runs on that copy's node).
// A VM already placed (provisioning, or ready and re-cloned by
// reset-to-template) stays on its node. A linked clone lands on the node
// of its template or of one of its copies, whichever online one has the
// most free memory that fits the VM, and on that copy's storage. A full
// clone goes to the online node of the cluster with the most free memory
// that fits the VM, from the copy on that node if there is one; its disks
// go to the template's storage when the node has it, else to the node's
// first storage. The template's own node wins a tie. Memory is the VM's
// own, or its template's. The VMID is left for the caller to reserve.
//
// No room is an error of KindUnavailable wrapping ErrNoCapacity; a node
// missing from req.Nodes is KindNotFound.
func PlaceVM(req PlacementRequest) (Placement, error) {
	vm, tpl := req.VM, req.Template
	p := Placement{VM: vm, Template: tpl, Storage: tpl.Storage}
	src, ok := nodeIn(req.Nodes, tpl.NodeID)
	if !ok {
		return Placement{}, NotFoundf("node %s holding template %d is not registered in cluster %q", tpl.NodeID, tpl.VMID, tpl.Cluster)
	}
	p.Source = src.Node
	memory := vm.MemoryMB
	if memory == 0 {
		memory = tpl.MemoryMB
	}
	switch {
	case vm.NodeID != nil && (vm.State == GuestProvisioning || vm.State == GuestReady):
		cur, ok := nodeIn(req.Nodes, *vm.NodeID)
		if !ok {
			return Placement{}, NotFoundf("node %s of VM %s is not registered in cluster %q", *vm.NodeID, vm.Name, tpl.Cluster)
		}
		p.Target = cur.Node
	case !vm.Linked:
		best, ok := roomiest(req.Nodes, src.Node.ID, int64(memory)<<20)
		if !ok {
			return Placement{}, noCapacity("no online node of cluster %q has %d MiB free for the VM", tpl.Cluster, memory)
		}
		p.Target = best
	case len(req.Copies) == 0 && src.Node.Status == NodeOffline:
		return Placement{}, noCapacity("node %s holding template %d is offline", src.Node.Name, tpl.VMID)
	case len(req.Copies) == 0:
		p.Target = src.Node
	default:
		holders := holdersOf(req.Nodes, append([]VMTemplate{tpl}, req.Copies...))
		best, ok := roomiest(holders, src.Node.ID, int64(memory)<<20)
		if !ok {
			return Placement{}, noCapacity("no online node holding template %q (VMID %d or a copy) has %d MiB free for the VM",
				tpl.Name, tpl.VMID, memory)
		}
		p.Target = best
	}
	if c, ok := copyOn(append([]VMTemplate{tpl}, req.Copies...), p.Target.ID); ok && c.ID != tpl.ID {
		// Clone from the copy on the target node: the task runs there, and
		// a linked clone must.
		p.Template, p.Storage = c, c.Storage
		if s, ok := nodeIn(req.Nodes, c.NodeID); ok {
			p.Source = s.Node
		}
	}
	t := p.Target
	if !vm.Linked && t.ID != p.Source.ID && !slices.Contains(t.Storages, p.Template.Storage) && len(t.Storages) > 0 {
		p.Storage = t.Storages[0]
	}
	return p, nil
}

// holdersOf are the loads of the nodes holding one of tpls.
func holdersOf(nodes []NodeLoad, tpls []VMTemplate) []NodeLoad {
	var out []NodeLoad
	for _, n := range nodes {
		if _, ok := copyOn(tpls, n.Node.ID); ok {
			out = append(out, n)
		}
	}
	return out
}

// copyOn is the template of tpls on node, if any.
func copyOn(tpls []VMTemplate, node uuid.UUID) (VMTemplate, bool) {
	for _, t := range tpls {
		if t.NodeID == node {
			return t, true
		}
	}
	return VMTemplate{}, false
}

// roomiest returns the online node with the most free memory of at least
// need bytes; on a tie prefer wins, else the lowest name.
func roomiest(nodes []NodeLoad, prefer uuid.UUID, need int64) (Node, bool) {
	var best *NodeLoad
	for i := range nodes {
		n := &nodes[i]
		if n.Node.Status != NodeOnline || n.FreeBytes() < need {
			continue
		}
		if best == nil || n.FreeBytes() > best.FreeBytes() || (n.FreeBytes() == best.FreeBytes() && wins(n, best, prefer)) {
			best = n
		}
	}
	if best == nil {
		return Node{}, false
	}
	return best.Node, true
}

// wins reports whether n beats best, a node with as much free memory.
func wins(n, best *NodeLoad, prefer uuid.UUID) bool {
	if best.Node.ID == prefer {
		return false
	}
	return n.Node.ID == prefer || n.Node.Name < best.Node.Name
}

func nodeIn(nodes []NodeLoad, id uuid.UUID) (NodeLoad, bool) {
	for _, n := range nodes {
		if n.Node.ID == id {
			return n, true
		}
	}
	return NodeLoad{}, false
}

func noCapacity(format string, args ...any) error {
	return &Error{Kind: KindUnavailable, Message: fmt.Sprintf(format, args...), Err: ErrNoCapacity}
}
