package store

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
// reserves nothing: the error wraps domain.ErrNoCapacity.
func (db *DB) PlaceVM(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.Placement, error) {
	out, err := db.PlaceVMs(ctx, []uuid.UUID{id}, vmids)
	if err != nil {
		return nil, err
	}
	return out[0].Placement, out[0].Err
}

// PlaceVMs places several VMs as PlaceVM does, one after the other in
// the order given, in one transaction: each sees the memory of those
// placed before it, and a VM that cannot be placed (its outcome's Err)
// reserves nothing and does not keep the others from being placed. The
// error is for the transaction; then none is placed.
//
// The placement locks of the templates' clusters are held for four round
// trips to PostgreSQL whatever the number of VMs: BEGIN; the locks and
// every read the decisions need, pipelined; the VMIDs (under the VMID
// locks) and the VM updates, pipelined; COMMIT.
func (db *DB) PlaceVMs(ctx context.Context, ids []uuid.UUID, vmids domain.VMIDRange) ([]domain.PlacementOutcome, error) {
	if err := vmids.Validate("vmid_range"); err != nil {
		return nil, err
	}
	out := make([]domain.PlacementOutcome, len(ids))
	err := db.inTx(ctx, func(tx *DB) error {
		clear(out)
		vms, tpls, loads, err := tx.lockAndReadPlacements(ctx, ids)
		if err != nil {
			return err
		}
		// Decide in order, counting each placed VM against its node.
		var placed []int
		for i, id := range ids {
			vm, ok := vms[id]
			if !ok {
				out[i].Err = domain.NotFoundf("vm %s not found", id)
				continue
			}
			tpl, ok := tpls[vm.TemplateID]
			if !ok {
				out[i].Err = domain.NotFoundf("template %s not found", vm.TemplateID)
				continue
			}
			nodes := loads[tpl.Cluster]
			own := vm.State == domain.GuestProvisioning && vm.NodeID != nil
			if own {
				addLoad(nodes, *vm.NodeID, -int64(vm.MemoryMB)<<20) // counted apart from itself
			}
			p, err := domain.PlaceVM(domain.PlacementRequest{VM: *vm, Template: *tpl, Copies: copiesOf(tpls, tpl), Nodes: nodes})
			if err != nil {
				if own {
					addLoad(nodes, *vm.NodeID, int64(vm.MemoryMB)<<20)
				}
				out[i].Err = err
				continue
			}
			addLoad(nodes, p.Target.ID, int64(vm.MemoryMB)<<20)
			vm.NodeID, vm.Cluster, vm.State = &p.Target.ID, tpl.Cluster, domain.GuestProvisioning
			p.VM = *vm
			out[i].Placement = &p
			placed = append(placed, i)
		}
		return tx.storePlacements(ctx, out, placed, vmids)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// copiesOf returns the copies of tpl among tpls: the templates (not
// missing) of the same name and kind on other nodes of its cluster, by
// VMID.
func copiesOf(tpls map[uuid.UUID]*domain.VMTemplate, tpl *domain.VMTemplate) []domain.VMTemplate {
	var out []domain.VMTemplate
	for _, t := range tpls {
		if t.Cluster == tpl.Cluster && t.Name == tpl.Name && t.Kind == tpl.Kind && t.NodeID != tpl.NodeID &&
			t.Status != domain.TemplateMissing {
			out = append(out, *t)
		}
	}
	slices.SortFunc(out, func(a, b domain.VMTemplate) int { return a.VMID - b.VMID })
	return out
}

// addLoad adds bytes to the provisioning memory of the node id in nodes.
func addLoad(nodes []domain.NodeLoad, id uuid.UUID, bytes int64) {
	for i := range nodes {
		if nodes[i].Node.ID == id {
			nodes[i].ProvisioningBytes += bytes
		}
	}
}

// placementClusters selects the clusters of the templates of VMs $1, in
// order, for locking.
const placementClusters = `SELECT DISTINCT t.cluster FROM vms v JOIN vm_templates t ON t.id = v.template_id
	WHERE v.id = ANY($1) ORDER BY t.cluster`

// lockAndReadPlacements takes the placement locks of the VMs' templates'
// clusters, in name order, and then reads, under them, the VMs, their
// templates with their copies (copiesOf) and the clusters' nodes with the memory being provisioned on
// them, all in one pipelined round trip.
func (db *DB) lockAndReadPlacements(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*domain.VM, map[uuid.UUID]*domain.VMTemplate,
	map[string][]domain.NodeLoad, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT count(pg_advisory_xact_lock($2, hashtext(cluster))) FROM (`+placementClusters+`) c`, ids, lockPlacement)
	b.Queue(`SELECT `+vmColumns+` FROM vms WHERE id = ANY($1)`, ids)
	b.Queue(`SELECT `+templateColumns+` FROM vm_templates WHERE id IN (SELECT template_id FROM vms WHERE id = ANY($1))
		OR (cluster, name, kind) IN (SELECT t.cluster, t.name, t.kind FROM vms v JOIN vm_templates t ON t.id = v.template_id
			WHERE v.id = ANY($1))`, ids)
	b.Queue(nodeLoadsQuery("cluster IN ("+placementClusters+")"), ids, uuid.Nil)
	br := db.q.SendBatch(ctx, b)
	defer func() { _ = br.Close() }()
	if _, err := br.Exec(); err != nil {
		return nil, nil, nil, mapErr(err, "lock")
	}
	rows, err := br.Query()
	if err != nil {
		return nil, nil, nil, mapErr(err, "vms")
	}
	vmList, err := collect(rows, scanVM)
	if err != nil {
		return nil, nil, nil, mapErr(err, "vms")
	}
	vms := make(map[uuid.UUID]*domain.VM, len(vmList))
	for i := range vmList {
		vms[vmList[i].ID] = &vmList[i]
	}
	if rows, err = br.Query(); err != nil {
		return nil, nil, nil, mapErr(err, "templates")
	}
	tplList, err := collect(rows, scanTemplate)
	if err != nil {
		return nil, nil, nil, mapErr(err, "templates")
	}
	tpls := make(map[uuid.UUID]*domain.VMTemplate, len(tplList))
	for i := range tplList {
		tpls[tplList[i].ID] = &tplList[i]
	}
	if rows, err = br.Query(); err != nil {
		return nil, nil, nil, mapErr(err, "nodes")
	}
	nodeList, err := collectNodeLoads(rows, "nodes")
	if err != nil {
		return nil, nil, nil, err
	}
	loads := map[string][]domain.NodeLoad{}
	for _, l := range nodeList {
		loads[l.Node.Cluster] = append(loads[l.Node.Cluster], l)
	}
	return vms, tpls, loads, nil
}

// storePlacementQuery stores VM $1's placement on node $2 of cluster $3
// with the VMID it holds there, if it holds one.
const storePlacementQuery = `
	UPDATE vms SET node_id = $2, cluster = $3, state = 'provisioning', updated_at = now(),
		vmid = (SELECT vmid FROM vmid_allocations WHERE cluster = $3 AND owner_id = $1 LIMIT 1)
	WHERE id = $1 AND EXISTS (SELECT 1 FROM vmid_allocations WHERE cluster = $3 AND owner_id = $1)
	RETURNING ` + vmColumns

// storePlacements reserves the VMIDs of the placed VMs (out[i] for i in
// placed) and stores their placements, in one pipelined round trip: the
// VMID locks of their clusters in name order, then for each VM its VMID
// and its record. A VM whose VMID range is full gets a Conflict and
// keeps its record.
func (db *DB) storePlacements(ctx context.Context, out []domain.PlacementOutcome, placed []int, vmids domain.VMIDRange) error {
	if len(placed) == 0 {
		return nil
	}
	var clusters []string
	for _, i := range placed {
		if c := out[i].Placement.VM.Cluster; !slices.Contains(clusters, c) {
			clusters = append(clusters, c)
		}
	}
	slices.Sort(clusters)
	b := &pgx.Batch{}
	for _, c := range clusters {
		b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockVMIDs, c)
	}
	for _, i := range placed {
		vm := out[i].Placement.VM
		b.Queue(allocateVMIDQuery, vm.Cluster, vmids.First, vmids.Last, vm.ID, domain.ObjectVM)
		b.Queue(storePlacementQuery, vm.ID, *vm.NodeID, vm.Cluster)
	}
	br := db.q.SendBatch(ctx, b)
	defer func() { _ = br.Close() }()
	for range clusters {
		if _, err := br.Exec(); err != nil {
			return mapErr(err, "lock")
		}
	}
	for _, i := range placed {
		p := out[i].Placement
		err := br.QueryRow().Scan(&p.VMID)
		if errors.Is(err, pgx.ErrNoRows) {
			out[i] = domain.PlacementOutcome{Err: domain.Conflictf("no free VMID left in %d-%d in cluster %q", vmids.First, vmids.Last, p.VM.Cluster)}
			if _, err := br.Exec(); err != nil { // its update, which found no VMID
				return mapErr(err, "vm "+p.VM.ID.String())
			}
			continue
		}
		if err != nil {
			return mapErr(err, "VMID")
		}
		vm, err := scanVM(br.QueryRow())
		if err != nil {
			return mapErr(err, "vm "+p.VM.ID.String())
		}
		p.VM = vm
	}
	return nil
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
	rows, err := db.q.Query(ctx, nodeLoadsQuery(which), key, except)
	if err != nil {
		return nil, mapErr(err, what)
	}
	return collectNodeLoads(rows, what)
}

// nodeLoadsQuery selects the nodes matching which (a condition on $1) and
// the memory of the VMs and containers being provisioned on each, except
// those of the guest $2.
func nodeLoadsQuery(which string) string {
	return `
		SELECT ` + nodeColumns + `,
			(COALESCE((SELECT SUM(v.memory_mb::bigint) FROM vms v
				WHERE v.node_id = nodes.id AND v.state = 'provisioning' AND v.id <> $2), 0)
			+ COALESCE((SELECT SUM(c.memory_mb::bigint) FROM containers c
				WHERE c.node_id = nodes.id AND c.state = 'provisioning' AND c.id <> $2), 0)) * 1048576
		FROM nodes WHERE ` + which + ` ORDER BY name`
}

func collectNodeLoads(rows pgx.Rows, what string) ([]domain.NodeLoad, error) {
	loads, err := collect(rows, func(r rowScanner) (domain.NodeLoad, error) {
		var l domain.NodeLoad
		err := r.Scan(append(nodeDest(&l.Node), &l.ProvisioningBytes)...)
		return l, err
	})
	return loads, mapErr(err, what)
}
