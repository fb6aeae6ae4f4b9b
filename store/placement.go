package store

import "context"

// lockPlacement is the advisory lock class of a cluster's VM placement.
const lockPlacement int32 = 0x4c460201

// InPlacement runs fn in a transaction that holds the placement lock of
// cluster. Placements of one cluster thus run one at a time, and each sees
// the VMs the ones before it placed (committed with their node and VMID),
// so two VMs placed at once never both count on the same free memory.
func (db *DB) InPlacement(ctx context.Context, cluster string, fn func(tx *DB) error) error {
	return db.InTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockPlacement, cluster); err != nil {
			return err
		}
		return fn(tx)
	})
}
