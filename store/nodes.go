package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const nodeColumns = `id, name, cluster, endpoint, token_id, token_secret, tls_fingerprint, tls_ca_file, tls_insecure,
	storages, bridge, clone_concurrency, site_id, status, max_cpu, max_memory_bytes, used_memory_bytes, synced_at, created_at`

// nodeDest returns the scan destinations of nodeColumns in n.
func nodeDest(n *domain.Node) []any {
	return []any{&n.ID, &n.Name, &n.Cluster, &n.Endpoint, &n.TokenID, &n.TokenSecret, &n.TLSFingerprint,
		&n.TLSCAFile, &n.TLSInsecure, &n.Storages, &n.Bridge, &n.CloneConcurrency, &n.SiteID, &n.Status, &n.MaxCPU,
		&n.MaxMemoryBytes, &n.UsedMemoryBytes, &n.SyncedAt, &n.CreatedAt}
}

func scanNode(r rowScanner) (domain.Node, error) {
	var n domain.Node
	err := r.Scan(nodeDest(&n)...)
	return n, err
}

func storages(n *domain.Node) []string {
	if n.Storages == nil {
		return []string{}
	}
	return n.Storages
}

// CreateNode stores n, token secret included, assigning ID (unless set)
// and CreatedAt; an empty Status becomes unknown. It returns KindInvalid or
// KindConflict (the name is taken in the cluster).
func (db *DB) CreateNode(ctx context.Context, n *domain.Node) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if n.Status == "" {
		n.Status = domain.NodeUnknown
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO nodes (id, name, cluster, endpoint, token_id, token_secret, tls_fingerprint, tls_ca_file,
			tls_insecure, storages, bridge, clone_concurrency, status, site_id)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id, created_at`,
		nullID(n.ID), n.Name, n.Cluster, n.Endpoint, n.TokenID, n.TokenSecret, n.TLSFingerprint, n.TLSCAFile,
		n.TLSInsecure, storages(n), n.Bridge, n.CloneConcurrency, n.Status, n.SiteID,
	).Scan(&n.ID, &n.CreatedAt)
	return mapErr(err, "node")
}

// FindNode returns the node, token secret included, or KindNotFound.
func (db *DB) FindNode(ctx context.Context, id uuid.UUID) (*domain.Node, error) {
	n, err := scanNode(db.q.QueryRow(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "node "+id.String())
	}
	return &n, nil
}

// FindNodeByName returns the node of a cluster or KindNotFound.
func (db *DB) FindNodeByName(ctx context.Context, cluster, name string) (*domain.Node, error) {
	n, err := scanNode(db.q.QueryRow(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE cluster = $1 AND name = $2`, cluster, name))
	if err != nil {
		return nil, mapErr(err, "node "+quote(name)+" in cluster "+quote(cluster))
	}
	return &n, nil
}

// ListNodes returns nodes ordered by cluster and name, and the cursor of
// the next page.
func (db *DB) ListNodes(ctx context.Context, page domain.Page) ([]domain.Node, string, error) {
	return list(ctx, db, listQuery[domain.Node]{
		from: "nodes", columns: nodeColumns, orderBy: "cluster, name", what: "nodes",
		after: func(c *conds, at cursor) { c.add("(cluster, name) > (%s, %s)", at.S, at.S2) },
		scan:  scanNode,
		key:   func(n *domain.Node) cursor { return cursor{S: n.Cluster, S2: n.Name} },
	}, conds{}, page)
}

// UpdateNode stores n's connection settings. An empty TokenSecret keeps
// the stored one, since clients never see it to send it back. Observed
// fields (status, capacity, SyncedAt) are left to UpdateNodeStatus. It
// returns KindNotFound, KindInvalid or KindConflict.
func (db *DB) UpdateNode(ctx context.Context, n *domain.Node) error {
	check := *n
	if check.TokenSecret == "" {
		check.TokenSecret = "kept"
	}
	if err := check.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE nodes SET name = $2, cluster = $3, endpoint = $4, token_id = $5,
			token_secret = COALESCE(NULLIF($6, ''), token_secret), tls_fingerprint = $7, tls_ca_file = $8,
			tls_insecure = $9, storages = $10, bridge = $11, clone_concurrency = $12, site_id = $13
		WHERE id = $1
		RETURNING token_secret, status, max_cpu, max_memory_bytes, used_memory_bytes, synced_at, created_at`,
		n.ID, n.Name, n.Cluster, n.Endpoint, n.TokenID, n.TokenSecret, n.TLSFingerprint, n.TLSCAFile,
		n.TLSInsecure, storages(n), n.Bridge, n.CloneConcurrency, n.SiteID,
	).Scan(&n.TokenSecret, &n.Status, &n.MaxCPU, &n.MaxMemoryBytes, &n.UsedMemoryBytes, &n.SyncedAt, &n.CreatedAt)
	return mapErr(err, "node "+n.ID.String())
}

// UpdateNodeStatus stores what inventory sync observed: Status, MaxCPU,
// MaxMemoryBytes, UsedMemoryBytes and SyncedAt (now when nil). It returns
// KindNotFound.
func (db *DB) UpdateNodeStatus(ctx context.Context, n *domain.Node) error {
	err := db.q.QueryRow(ctx, `
		UPDATE nodes SET status = $2, max_cpu = $3, max_memory_bytes = $4, used_memory_bytes = $5,
			synced_at = COALESCE($6, now())
		WHERE id = $1 RETURNING synced_at`,
		n.ID, n.Status, n.MaxCPU, n.MaxMemoryBytes, n.UsedMemoryBytes, n.SyncedAt,
	).Scan(&n.SyncedAt)
	return mapErr(err, "node "+n.ID.String())
}

// DeleteNode deletes the node, its templates and the permissions granted
// on it. It returns KindNotFound, or KindConflict while VMs, containers or
// environments still use it or its templates.
func (db *DB) DeleteNode(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "nodes", domain.ObjectNode, id)
}
