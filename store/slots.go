package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// Advisory lock classes of clone slots: one lock per node, then one per
// storage, always taken in that order so that two acquirers never wait on
// each other in a cycle.
const (
	lockCloneNode    int32 = 0x4c460101
	lockCloneStorage int32 = 0x4c460102
)

// AcquireCloneSlot leases one of the clone slots of a node and a storage to
// holder (a workflow id) for lease, and reports whether it got one. A node
// has nodeCap slots (its clone_concurrency), a storage storageCap across
// every node that uses it; only unexpired leases count, so a slot whose
// holder vanished is reclaimed once its lease runs out. A holder that
// already has a slot keeps it, its lease extended: acquiring is idempotent,
// so a retried activity never takes two. Every worker replica goes through
// the same transaction and locks, so the caps hold cluster-wide.
func (db *DB) AcquireCloneSlot(ctx context.Context, nodeID uuid.UUID, storage, holder string, nodeCap, storageCap int, lease time.Duration) (bool, error) {
	var v domain.Validator
	v.Check(nodeID != uuid.Nil, "node_id", "must name a node")
	v.Check(storage != "", "storage", "must name a storage")
	v.Check(holder != "", "holder", "must name the holder")
	v.Check(nodeCap >= 1 && storageCap >= 1, "cap", "must be at least 1")
	v.Check(lease > 0, "lease", "must be positive")
	if err := v.Err(); err != nil {
		return false, err
	}
	got := false
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockCloneNode, nodeID.String()); err != nil {
			return err
		}
		if err := tx.lock(ctx, lockCloneStorage, storage); err != nil {
			return err
		}
		tag, err := tx.q.Exec(ctx, `UPDATE clone_slots SET expires_at = now() + make_interval(secs => $2)
			WHERE holder = $1 AND node_id = $3 AND storage = $4`, holder, lease.Seconds(), nodeID, storage)
		if err != nil {
			return mapErr(err, "clone slot")
		}
		if tag.RowsAffected() == 1 {
			got = true
			return nil
		}
		// A slot the holder keeps on another node or storage is given up:
		// a workflow clones one VM at a time.
		if _, err := tx.q.Exec(ctx, `DELETE FROM clone_slots WHERE holder = $1 OR expires_at <= now()`, holder); err != nil {
			return mapErr(err, "clone slot")
		}
		var onNode, onStorage int
		err = tx.q.QueryRow(ctx, `SELECT
				count(*) FILTER (WHERE node_id = $1),
				count(*) FILTER (WHERE storage = $2)
			FROM clone_slots WHERE node_id = $1 OR storage = $2`, nodeID, storage).Scan(&onNode, &onStorage)
		if err != nil {
			return mapErr(err, "clone slot")
		}
		if onNode >= nodeCap || onStorage >= storageCap {
			return nil
		}
		_, err = tx.q.Exec(ctx, `INSERT INTO clone_slots (holder, node_id, storage, expires_at)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, holder, nodeID, storage, lease.Seconds())
		if err != nil {
			return mapErr(err, "clone slot")
		}
		got = true
		return nil
	})
	return got, err
}

// RenewCloneSlot extends holder's lease to lease from now, and reports
// whether the holder still had a slot (false after it expired and was
// reclaimed by someone else).
func (db *DB) RenewCloneSlot(ctx context.Context, holder string, lease time.Duration) (bool, error) {
	tag, err := db.q.Exec(ctx, `UPDATE clone_slots SET expires_at = now() + make_interval(secs => $2) WHERE holder = $1`, holder, lease.Seconds())
	if err != nil {
		return false, mapErr(err, "clone slot")
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseCloneSlot gives holder's slot back, records how long it was held
// in clone_times (with the template and clone mode of the VM a vm/<id>/...
// holder names: see CloneTimeEstimate; records older than
// cloneTimeRetention go), and announces the release on
// CloneSlotChannel (delivered when the statement commits), so waiters in
// every worker process ask again at once. Releasing a slot not held is not
// an error, records and announces nothing.
func (db *DB) ReleaseCloneSlot(ctx context.Context, holder string) error {
	_, err := db.q.Exec(ctx, `WITH released AS (DELETE FROM clone_slots WHERE holder = $1
			RETURNING holder, node_id, storage, acquired_at),
		timed AS (INSERT INTO clone_times (holder, template_id, linked, node_id, storage, started_at)
			SELECT r.holder, v.template_id, v.linked, r.node_id, r.storage, r.acquired_at FROM released r
			LEFT JOIN vms v ON r.holder LIKE 'vm/%' AND v.id::text = split_part(r.holder, '/', 2)),
		expired AS (DELETE FROM clone_times WHERE finished_at < now() - make_interval(secs => $3)
			AND EXISTS (SELECT 1 FROM released))
		SELECT pg_notify($2, node_id::text || ' ' || storage) FROM released`, holder, CloneSlotChannel, cloneTimeRetention.Seconds())
	return mapDeleteErr(err, "clone slot")
}

// CloneSlotHolders lists the holders of unexpired slots of a node, for
// tests and operators.
func (db *DB) CloneSlotHolders(ctx context.Context, nodeID uuid.UUID) ([]string, error) {
	rows, err := db.q.Query(ctx, `SELECT holder FROM clone_slots WHERE node_id = $1 AND expires_at > now()
		ORDER BY acquired_at, holder`, nodeID)
	if err != nil {
		return nil, mapErr(err, "clone slots")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, mapErr(err, "clone slots")
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err(), "clone slots")
}
