package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const vmColumns = `id, name, owner_id, event_id, template_id, node_id, cluster, vmid, linked, cores, memory_mb,
	state, power, ipv4, created_at, updated_at`

func scanVM(r rowScanner) (domain.VM, error) {
	var vm domain.VM
	err := r.Scan(&vm.ID, &vm.Name, &vm.OwnerID, &vm.EventID, &vm.TemplateID, &vm.NodeID, &vm.Cluster, &vm.VMID,
		&vm.Linked, &vm.Cores, &vm.MemoryMB, &vm.State, &vm.Power, &vm.IPv4, &vm.CreatedAt, &vm.UpdatedAt)
	return vm, err
}

// defaultGuestStates fills in the states of a new VM or container.
func defaultGuestStates(state *domain.GuestState, power *domain.PowerState) {
	if *state == "" {
		*state = domain.GuestPending
	}
	if *power == "" {
		*power = domain.PowerUnknown
	}
}

// CreateVM stores vm, assigning ID (unless set) and timestamps; empty
// states become pending and unknown. A VMID must have been allocated to
// the VM's ID first (AllocateVMID). It returns KindInvalid for invalid
// fields or unknown references.
func (db *DB) CreateVM(ctx context.Context, vm *domain.VM) error {
	if err := vm.Validate(); err != nil {
		return err
	}
	defaultGuestStates(&vm.State, &vm.Power)
	err := db.q.QueryRow(ctx, `
		INSERT INTO vms (id, name, owner_id, event_id, template_id, node_id, cluster, vmid, linked, cores, memory_mb,
			state, power, ipv4)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id, created_at, updated_at`,
		nullID(vm.ID), vm.Name, vm.OwnerID, vm.EventID, vm.TemplateID, vm.NodeID, vm.Cluster, vm.VMID, vm.Linked,
		vm.Cores, vm.MemoryMB, vm.State, vm.Power, vm.IPv4,
	).Scan(&vm.ID, &vm.CreatedAt, &vm.UpdatedAt)
	return mapErr(err, "vm")
}

// CreateVMWithOwner stores vm as CreateVM does, makes vm.OwnerID its owner
// (domain.OwnerKeys) and, when creator is someone else, lets creator read
// it, in one transaction: a VM never exists without its owner's rights.
func (db *DB) CreateVMWithOwner(ctx context.Context, vm *domain.VM, creator uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.CreateVM(ctx, vm); err != nil {
			return err
		}
		if err := tx.GrantOwner(ctx, domain.ObjectVM, vm.ID, vm.OwnerID); err != nil {
			return err
		}
		if creator == vm.OwnerID {
			return nil
		}
		return tx.GrantPermission(ctx, &domain.Permission{ObjectType: domain.ObjectVM, ObjectID: &vm.ID, Key: domain.KeyRead, UserID: &creator})
	})
}

// FindVM returns the VM or KindNotFound.
func (db *DB) FindVM(ctx context.Context, id uuid.UUID) (*domain.VM, error) {
	vm, err := scanVM(db.q.QueryRow(ctx, `SELECT `+vmColumns+` FROM vms WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "vm "+id.String())
	}
	return &vm, nil
}

// ListVMs returns VMs oldest first, and the cursor of the next page.
func (db *DB) ListVMs(ctx context.Context, f domain.VMFilter) ([]domain.VM, string, error) {
	var c conds
	if f.OwnerID != nil {
		c.add("owner_id = %s", *f.OwnerID)
	}
	if f.EventID != nil {
		c.add("event_id = %s", *f.EventID)
	}
	if f.NodeID != nil {
		c.add("node_id = %s", *f.NodeID)
	}
	if f.Cluster != "" {
		c.add("cluster = %s", f.Cluster)
	}
	if f.State != "" {
		c.add("state = %s", f.State)
	}
	return list(ctx, db, listQuery[domain.VM]{
		from: "vms", columns: vmColumns, orderBy: "created_at, id", what: "vms",
		after: func(c *conds, at cursor) { c.add("(created_at, id) > (%s, %s)", at.T, at.ID) },
		scan:  scanVM,
		key:   func(vm *domain.VM) cursor { return cursor{T: vm.CreatedAt, ID: vm.ID} },
	}, c, f.Page)
}

// UpdateVM stores every field of vm but its ID and CreatedAt, refreshing
// UpdatedAt. It returns KindNotFound, or KindInvalid for invalid fields,
// unknown references or a VMID not allocated to this VM.
func (db *DB) UpdateVM(ctx context.Context, vm *domain.VM) error {
	if err := vm.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE vms SET name = $2, owner_id = $3, event_id = $4, template_id = $5, node_id = $6, cluster = $7,
			vmid = $8, linked = $9, cores = $10, memory_mb = $11, state = $12, power = $13, ipv4 = $14,
			updated_at = now()
		WHERE id = $1 RETURNING created_at, updated_at`,
		vm.ID, vm.Name, vm.OwnerID, vm.EventID, vm.TemplateID, vm.NodeID, vm.Cluster, vm.VMID, vm.Linked,
		vm.Cores, vm.MemoryMB, vm.State, vm.Power, vm.IPv4,
	).Scan(&vm.CreatedAt, &vm.UpdatedAt)
	return mapErr(err, "vm "+vm.ID.String())
}

// RecordVMObservation stores the non-empty fields of obs (state, power
// state, address) on the VM in one statement, leaving the others as they
// are, so concurrent observers never overwrite each other's fields. It
// returns KindNotFound, or KindInvalid for a state the record cannot take.
func (db *DB) RecordVMObservation(ctx context.Context, id uuid.UUID, obs domain.VMObservation) error {
	tag, err := db.q.Exec(ctx, `UPDATE vms SET state = COALESCE($2, state), power = COALESCE($3, power),
			ipv4 = COALESCE($4, ipv4), updated_at = now()
		WHERE id = $1`, id, nullText(string(obs.State)), nullText(string(obs.Power)), obs.IPv4)
	if err != nil {
		return mapErr(err, "vm "+id.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("vm %s not found", id)
	}
	return nil
}

// DeleteVM deletes the VM record, its VMID allocation and the permissions
// granted on it. It returns KindNotFound.
func (db *DB) DeleteVM(ctx context.Context, id uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.deleteObject(ctx, "vms", domain.ObjectVM, id); err != nil {
			return err
		}
		return tx.releaseOwnerVMIDs(ctx, id)
	})
}
