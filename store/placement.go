package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// lockPlacement is the advisory lock class of a cluster's VM placement.
const lockPlacement int32 = 0x4c460201

// PlaceVM reserves the VM's VMID from vmids and decides its node with
// domain.PlaceVM, storing both and state provisioning in one transaction
// that holds the placement lock of the template's cluster. Placements of
// one cluster thus run one at a time, and each sees the VMs the ones
// before it placed (committed with their node and VMID), so two VMs placed
// at once never count on the same free memory. A VM already placed keeps
// its VMID (AllocateVMID gives an owner its VMID back) and node. No room
// reserves nothing: the error wraps domain.ErrNoCapacity. The template's
// copies (templateCopies) are placement's alternatives to it.
func (db *DB) PlaceVM(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.Placement, error) {
	var p domain.Placement
	err := db.inTx(ctx, func(tx *DB) error {
		vm, err := tx.FindVM(ctx, id)
		if err != nil {
			return err
		}
		tpl, err := tx.FindTemplate(ctx, vm.TemplateID)
		if err != nil {
			return err
		}
		if err := tx.lock(ctx, lockPlacement, tpl.Cluster); err != nil {
			return err
		}
		// Read again under the lock: a placement that ran while this one
		// waited may have placed the VM.
		if vm, err = tx.FindVM(ctx, id); err != nil {
			return err
		}
		nodes, err := tx.nodeLoads(ctx, clusterNodes, tpl.Cluster, id, "nodes of cluster "+quote(tpl.Cluster))
		if err != nil {
			return err
		}
		copies, err := tx.templateCopies(ctx, tpl)
		if err != nil {
			return err
		}
		if p, err = domain.PlaceVM(domain.PlacementRequest{VM: *vm, Template: *tpl, Copies: copies, Nodes: nodes}); err != nil {
			return err
		}
		if p.VMID, err = tx.AllocateVMID(ctx, tpl.Cluster, vmids, domain.ObjectVM, vm.ID); err != nil {
			return err
		}
		vm.VMID, vm.NodeID, vm.Cluster, vm.State = &p.VMID, &p.Target.ID, tpl.Cluster, domain.GuestProvisioning
		if err := tx.UpdateVM(ctx, vm); err != nil {
			return err
		}
		p.VM = *vm
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Which nodes nodeLoads reads.
const (
	clusterNodes = "cluster = $1"
	siteNodes    = "site_id = $1"
)

// nodeLoads returns the nodes matching which (clusterNodes or siteNodes,
// with key as $1) with the memory of the VMs and containers being
// provisioned on them, except's own, in one query. what names the set in
// errors.
func (db *DB) nodeLoads(ctx context.Context, which string, key any, except uuid.UUID, what string) ([]domain.NodeLoad, error) {
	rows, err := db.q.Query(ctx, `
		SELECT `+nodeColumns+`,
			(COALESCE((SELECT SUM(v.memory_mb::bigint) FROM vms v
				WHERE v.node_id = nodes.id AND v.state = 'provisioning' AND v.id <> $2), 0)
			+ COALESCE((SELECT SUM(c.memory_mb::bigint) FROM containers c
				WHERE c.node_id = nodes.id AND c.state = 'provisioning' AND c.id <> $2), 0)) * 1048576
		FROM nodes WHERE `+which+` ORDER BY name`, key, except)
	if err != nil {
		return nil, mapErr(err, what)
	}
	loads, err := collect(rows, func(r rowScanner) (domain.NodeLoad, error) {
		var l domain.NodeLoad
		err := r.Scan(append(nodeDest(&l.Node), &l.ProvisioningBytes)...)
		return l, err
	})
	return loads, mapErr(err, what)
}
