package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// Advisory lock classes (the first key of pg_advisory_xact_lock). Each
// allocator serialises on one lock per pool it allocates from, so that the
// lowest free value it finds stays free until it commits. The unique keys
// of the tables still forbid double allocation on their own.
const (
	lockVMIDs int32 = 0x4c460001 + iota
	lockIPs
	lockPorts
)

// lock takes a transaction-scoped advisory lock on (class, hash of key).
func (db *DB) lock(ctx context.Context, class int32, key string) error {
	_, err := db.q.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, class, key)
	return mapErr(err, "lock")
}

// allocateVMIDQuery returns the VMID owner $4 (of type $5) holds in
// cluster $1 or, when it holds none, inserts and returns the lowest VMID
// in [$2, $3] that is neither allocated nor a known template: the range
// start, or one above a taken VMID. No row means the range is full. Run it
// under the cluster's VMID lock.
const allocateVMIDQuery = `
	WITH mine AS (
		SELECT vmid FROM vmid_allocations WHERE cluster = $1 AND owner_id = $4
	), taken AS (
		SELECT vmid FROM vmid_allocations WHERE cluster = $1 AND vmid BETWEEN $2 AND $3
		UNION
		SELECT vmid FROM vm_templates WHERE cluster = $1 AND vmid BETWEEN $2 AND $3
	), free AS (
		SELECT candidate FROM (
			SELECT $2::integer AS candidate
			UNION ALL
			SELECT vmid + 1 FROM taken WHERE vmid < $3
		) c
		WHERE candidate NOT IN (SELECT vmid FROM taken) AND NOT EXISTS (SELECT 1 FROM mine)
		ORDER BY candidate LIMIT 1
	), inserted AS (
		INSERT INTO vmid_allocations (cluster, vmid, owner_type, owner_id)
		SELECT $1, candidate, $5, $4 FROM free
		RETURNING vmid
	)
	SELECT vmid FROM mine UNION ALL SELECT vmid FROM inserted LIMIT 1`

// AllocateVMID reserves the lowest free VMID of r in cluster for an owner
// (ownerType "vm" or "container" and its ID) and returns it. An owner that
// already holds a VMID in the cluster gets that one back, so a retried
// activity never reserves two. Concurrent callers get distinct VMIDs. It
// returns KindInvalid for a bad range and KindConflict when r is full.
func (db *DB) AllocateVMID(ctx context.Context, cluster string, r domain.VMIDRange, ownerType string, ownerID uuid.UUID) (int, error) {
	if err := validVMIDRequest(cluster, r, ownerType, ownerID); err != nil {
		return 0, err
	}
	var vmid int
	err := db.inTx(ctx, func(tx *DB) error {
		var err error
		vmid, err = tx.allocateVMID(ctx, cluster, r, ownerType, ownerID)
		return err
	})
	return vmid, err
}

func validVMIDRequest(cluster string, r domain.VMIDRange, ownerType string, ownerID uuid.UUID) error {
	if err := r.Validate("vmid_range"); err != nil {
		return err
	}
	var v domain.Validator
	v.Check(domain.ValidSlug(cluster), "cluster", "must be a cluster name")
	v.Check(ownerType != "", "owner_type", "must name the owner's type")
	v.Check(ownerID != uuid.Nil, "owner_id", "must name the owner")
	return v.Err()
}

// allocateVMID is AllocateVMID inside the caller's transaction, in one
// round trip to PostgreSQL: the cluster's VMID lock, then the allocation.
func (db *DB) allocateVMID(ctx context.Context, cluster string, r domain.VMIDRange, ownerType string, ownerID uuid.UUID) (int, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockVMIDs, cluster)
	b.Queue(allocateVMIDQuery, cluster, r.First, r.Last, ownerID, ownerType)
	br := db.q.SendBatch(ctx, b)
	defer func() { _ = br.Close() }()
	if _, err := br.Exec(); err != nil {
		return 0, mapErr(err, "lock")
	}
	var vmid int
	err := br.QueryRow().Scan(&vmid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Conflictf("no free VMID left in %d-%d in cluster %q", r.First, r.Last, cluster)
	}
	if err != nil {
		return 0, mapErr(err, "VMID")
	}
	return vmid, nil
}

// ReleaseVMID frees a VMID of cluster, clearing it from the VM or container
// that carried it. Releasing a free VMID is not an error.
func (db *DB) ReleaseVMID(ctx context.Context, cluster string, vmid int) error {
	return db.inTx(ctx, func(tx *DB) error {
		for _, table := range []string{"vms", "containers"} {
			_, err := tx.q.Exec(ctx, `UPDATE `+table+` SET vmid = NULL, updated_at = now()
				WHERE cluster = $1 AND vmid = $2`, cluster, vmid)
			if err != nil {
				return mapErr(err, "VMID")
			}
		}
		_, err := tx.q.Exec(ctx, `DELETE FROM vmid_allocations WHERE cluster = $1 AND vmid = $2`, cluster, vmid)
		return mapDeleteErr(err, "VMID")
	})
}

// MarkVMIDForeign allocates vmid of cluster to a foreign owner — a guest
// outside Labforge holds it — under the cluster's VMID lock, taking it from
// whichever VM or container record held it (that record is placed anew).
// A foreign VMID is never handed out again until an operator releases it
// (ReleaseVMID). Marking it again changes nothing.
func (db *DB) MarkVMIDForeign(ctx context.Context, cluster string, vmid int) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockVMIDs, cluster); err != nil {
			return err
		}
		for _, table := range []string{"vms", "containers"} {
			_, err := tx.q.Exec(ctx, `UPDATE `+table+` SET vmid = NULL, updated_at = now()
				WHERE cluster = $1 AND vmid = $2`, cluster, vmid)
			if err != nil {
				return mapErr(err, "VMID")
			}
		}
		_, err := tx.q.Exec(ctx, `
			INSERT INTO vmid_allocations (cluster, vmid, owner_type, owner_id) VALUES ($1, $2, $3, gen_random_uuid())
			ON CONFLICT (cluster, vmid) DO UPDATE SET owner_type = EXCLUDED.owner_type, owner_id = EXCLUDED.owner_id,
				allocated_at = now()
			WHERE vmid_allocations.owner_type <> EXCLUDED.owner_type`, cluster, vmid, domain.VMIDOwnerForeign)
		return mapErr(err, "VMID")
	})
}

// releaseOwnerVMIDs frees every VMID held by an owner whose record is gone.
func (db *DB) releaseOwnerVMIDs(ctx context.Context, ownerID uuid.UUID) error {
	_, err := db.q.Exec(ctx, `DELETE FROM vmid_allocations WHERE owner_id = $1`, ownerID)
	return mapDeleteErr(err, "VMID")
}
