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

// FindVM returns the VM or KindNotFound.
func (db *DB) FindVM(ctx context.Context, id uuid.UUID) (*domain.VM, error) {
	vm, err := scanVM(db.q.QueryRow(ctx, `SELECT `+vmColumns+` FROM vms WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "vm "+id.String())
	}
	return &vm, nil
}

// VMFilter narrows ListVMs. Zero fields match everything.
type VMFilter struct {
	OwnerID *uuid.UUID
	EventID *uuid.UUID
	NodeID  *uuid.UUID
	State   domain.GuestState
	Page    domain.Page
}

// ListVMs returns VMs oldest first, and the cursor of the next page.
func (db *DB) ListVMs(ctx context.Context, f VMFilter) ([]domain.VM, string, error) {
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

// DeleteVM deletes the VM record, its VMID allocation and the permissions
// granted on it. It returns KindNotFound.
func (db *DB) DeleteVM(ctx context.Context, id uuid.UUID) error {
	return db.InTx(ctx, func(tx *DB) error {
		if err := tx.deleteObject(ctx, "vms", domain.ObjectVM, id); err != nil {
			return err
		}
		return tx.releaseOwnerVMIDs(ctx, id)
	})
}
