package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// sealedTokenColumn reads a node's sealed token secret as the JSON of a
// domain.SealedSecret, NULL for a row an older version wrote in plain
// text (SealPlainSecrets seals those).
const sealedTokenColumn = `CASE WHEN token_secret_key_id IS NOT NULL THEN jsonb_build_object(
	'key_id', token_secret_key_id, 'ciphertext', encode(token_secret_ciphertext, 'base64')) END`

const nodeColumns = `id, name, cluster, endpoint, token_id, ` + sealedTokenColumn + `, tls_fingerprint, tls_ca_file, tls_insecure,
	storages, bridge, clone_concurrency, site_id, status, max_cpu, max_memory_bytes, used_memory_bytes, synced_at, created_at`

// nodeDest returns the scan destinations of nodeColumns in n.
func nodeDest(n *domain.Node) []any {
	return []any{&n.ID, &n.Name, &n.Cluster, &n.Endpoint, &n.TokenID, &n.SealedToken, &n.TLSFingerprint,
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

// sealToken moves a new plain TokenSecret of n into SealedToken, so that
// no plain secret is written and none stays in n once stored.
func (db *DB) sealToken(n *domain.Node) error {
	if n.TokenSecret == "" {
		return nil
	}
	sealed, err := db.sealField(n.TokenSecret, "token_secret")
	if err != nil {
		return err
	}
	n.SealedToken, n.TokenSecret = sealed, ""
	return nil
}

// CreateNode stores n, its token secret sealed with the store's keyring
// (TokenSecret becomes SealedToken), assigning ID (unless set) and
// CreatedAt; an empty Status becomes unknown. It returns KindInvalid
// (also when a plain secret finds no keyring) or KindConflict (the name
// is taken in the cluster).
func (db *DB) CreateNode(ctx context.Context, n *domain.Node) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if err := db.sealToken(n); err != nil {
		return err
	}
	if n.Status == "" {
		n.Status = domain.NodeUnknown
	}
	keyID, ciphertext := sealedColumns(n.SealedToken)
	err := db.q.QueryRow(ctx, `
		INSERT INTO nodes (id, name, cluster, endpoint, token_id, token_secret_key_id, token_secret_ciphertext,
			tls_fingerprint, tls_ca_file, tls_insecure, storages, bridge, clone_concurrency, status, site_id)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING id, created_at`,
		nullID(n.ID), n.Name, n.Cluster, n.Endpoint, n.TokenID, keyID, ciphertext, n.TLSFingerprint, n.TLSCAFile,
		n.TLSInsecure, storages(n), n.Bridge, n.CloneConcurrency, n.Status, n.SiteID,
	).Scan(&n.ID, &n.CreatedAt)
	return mapErr(err, "node")
}

// FindNode returns the node, its sealed token secret included, or
// KindNotFound.
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

// UpdateNode stores n's connection settings. A new TokenSecret is sealed
// as CreateNode seals it; a SealedToken without one is stored as it is;
// with neither, the stored secret is kept (clients never see it to send it
// back) and returned in SealedToken. Observed fields (status, capacity,
// SyncedAt) are left to UpdateNodeStatus. It returns KindNotFound,
// KindInvalid or KindConflict.
func (db *DB) UpdateNode(ctx context.Context, n *domain.Node) error {
	check := *n
	if check.TokenSecret == "" && check.SealedToken == nil {
		check.TokenSecret = "kept"
	}
	if err := check.Validate(); err != nil {
		return err
	}
	if err := db.sealToken(n); err != nil {
		return err
	}
	keyID, ciphertext := sealedColumns(n.SealedToken)
	err := db.q.QueryRow(ctx, `
		UPDATE nodes SET name = $2, cluster = $3, endpoint = $4, token_id = $5,
			token_secret = CASE WHEN $6::text IS NULL THEN token_secret ELSE '' END,
			token_secret_key_id = COALESCE($6, token_secret_key_id),
			token_secret_ciphertext = COALESCE($7, token_secret_ciphertext),
			tls_fingerprint = $8, tls_ca_file = $9,
			tls_insecure = $10, storages = $11, bridge = $12, clone_concurrency = $13, site_id = $14
		WHERE id = $1
		RETURNING `+sealedTokenColumn+`, status, max_cpu, max_memory_bytes, used_memory_bytes, synced_at, created_at`,
		n.ID, n.Name, n.Cluster, n.Endpoint, n.TokenID, keyID, ciphertext, n.TLSFingerprint, n.TLSCAFile,
		n.TLSInsecure, storages(n), n.Bridge, n.CloneConcurrency, n.SiteID,
	).Scan(&n.SealedToken, &n.Status, &n.MaxCPU, &n.MaxMemoryBytes, &n.UsedMemoryBytes, &n.SyncedAt, &n.CreatedAt)
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
