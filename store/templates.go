package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const templateColumns = `id, node_id, cluster, vmid, kind, name, os_type, cores, memory_mb, disk_gb, storage, linked,
	status, synced_at, created_at`

func scanTemplate(r rowScanner) (domain.VMTemplate, error) {
	var t domain.VMTemplate
	err := r.Scan(&t.ID, &t.NodeID, &t.Cluster, &t.VMID, &t.Kind, &t.Name, &t.OSType, &t.Cores, &t.MemoryMB,
		&t.DiskGB, &t.Storage, &t.Linked, &t.Status, &t.SyncedAt, &t.CreatedAt)
	return t, err
}

// UpsertTemplate stores what inventory sync found for the template with
// t.Cluster and t.VMID: a new one gets an ID and CreatedAt, a known one
// keeps them and takes every other field. A zero SyncedAt means now. It
// returns KindInvalid when the node is not in t.Cluster.
func (db *DB) UpsertTemplate(ctx context.Context, t *domain.VMTemplate) error {
	var v domain.Validator
	v.Check(domain.ValidSlug(t.Cluster), "cluster", "must be a cluster name")
	v.Check(t.Kind == domain.GuestQEMU || t.Kind == domain.GuestLXC, "kind", "must be qemu or lxc")
	v.Check(t.NodeID != uuid.Nil, "node_id", "must name a node")
	if err := v.Err(); err != nil {
		return err
	}
	var synced *time.Time
	if !t.SyncedAt.IsZero() {
		synced = &t.SyncedAt
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO vm_templates (id, node_id, cluster, vmid, kind, name, os_type, cores, memory_mb, disk_gb,
			storage, linked, status, synced_at)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
			COALESCE($14, now()))
		ON CONFLICT (cluster, vmid) DO UPDATE SET node_id = excluded.node_id, kind = excluded.kind,
			name = excluded.name, os_type = excluded.os_type, cores = excluded.cores,
			memory_mb = excluded.memory_mb, disk_gb = excluded.disk_gb, storage = excluded.storage,
			linked = excluded.linked, status = excluded.status, synced_at = excluded.synced_at
		RETURNING id, synced_at, created_at`,
		nullID(t.ID), t.NodeID, t.Cluster, t.VMID, t.Kind, t.Name, t.OSType, t.Cores, t.MemoryMB, t.DiskGB,
		t.Storage, t.Linked, t.Status, synced,
	).Scan(&t.ID, &t.SyncedAt, &t.CreatedAt)
	return mapErr(err, "template")
}

// FindTemplate returns the template or KindNotFound.
func (db *DB) FindTemplate(ctx context.Context, id uuid.UUID) (*domain.VMTemplate, error) {
	t, err := scanTemplate(db.q.QueryRow(ctx, `SELECT `+templateColumns+` FROM vm_templates WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "template "+id.String())
	}
	return &t, nil
}

// FindTemplateByVMID returns the template of a cluster or KindNotFound.
func (db *DB) FindTemplateByVMID(ctx context.Context, cluster string, vmid int) (*domain.VMTemplate, error) {
	t, err := scanTemplate(db.q.QueryRow(ctx, `SELECT `+templateColumns+` FROM vm_templates
		WHERE cluster = $1 AND vmid = $2`, cluster, vmid))
	if err != nil {
		return nil, mapErr(err, "template with VMID "+itoa(vmid)+" in cluster "+quote(cluster))
	}
	return &t, nil
}

// ListTemplates returns templates ordered by cluster and VMID, and the
// cursor of the next page.
func (db *DB) ListTemplates(ctx context.Context, f domain.TemplateFilter) ([]domain.VMTemplate, string, error) {
	var c conds
	if f.Cluster != "" {
		c.add("cluster = %s", f.Cluster)
	}
	if f.NodeID != nil {
		c.add("node_id = %s", *f.NodeID)
	}
	if f.Kind != "" {
		c.add("kind = %s", f.Kind)
	}
	return list(ctx, db, listQuery[domain.VMTemplate]{
		from: "vm_templates", columns: templateColumns, orderBy: "cluster, vmid", what: "templates",
		after: func(c *conds, at cursor) { c.add("(cluster, vmid) > (%s, %s)", at.S, at.N) },
		scan:  scanTemplate,
		key:   func(t *domain.VMTemplate) cursor { return cursor{S: t.Cluster, N: int64(t.VMID)} },
	}, c, f.Page)
}

// DeleteTemplate forgets a template and the permissions granted on it. It
// returns KindNotFound, or KindConflict while environments or VMs use it.
func (db *DB) DeleteTemplate(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "vm_templates", domain.ObjectTemplate, id)
}
