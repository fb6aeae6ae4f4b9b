package domain

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/uuid"
)

// VM is a QEMU virtual machine Labforge owns, usually one participant's copy
// of an environment machine.
type VM struct {
	ID         uuid.UUID   `json:"id"`
	Name       string      `json:"name"`
	OwnerID    uuid.UUID   `json:"owner_id"`
	EventID    *uuid.UUID  `json:"event_id,omitempty"`
	TemplateID uuid.UUID   `json:"template_id"`
	NodeID     *uuid.UUID  `json:"node_id,omitempty"`
	Cluster    string      `json:"cluster"`
	VMID       *int        `json:"vmid,omitempty"`
	Linked     bool        `json:"linked_clone"`
	Cores      int         `json:"cores"`
	MemoryMB   int         `json:"memory_mb"`
	State      GuestState  `json:"state"`
	Power      PowerState  `json:"power_state"`
	IPv4       *netip.Addr `json:"ipv4,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Validate checks the VM's requested shape.
func (vm *VM) Validate() error {
	var v Validator
	v.Check(ValidHostname(vm.Name), "name", "must be a DNS label: lower-case letters, digits and inner hyphens")
	v.Check(vm.OwnerID != uuid.Nil, "owner_id", "must name a user")
	v.Check(vm.TemplateID != uuid.Nil, "template_id", "must name a template")
	v.Check(vm.Cores >= 0 && vm.Cores <= 128, "cores", "must be between 1 and 128, or 0 for the template's value")
	v.Check(vm.MemoryMB >= 0 && vm.MemoryMB <= 1<<20, "memory_mb", "must be between 1 and 1048576, or 0 for the template's value")
	return v.Err()
}

// VMFilter narrows ListVMs. Zero fields match everything.
type VMFilter struct {
	OwnerID *uuid.UUID
	EventID *uuid.UUID
	NodeID  *uuid.UUID
	Cluster string
	State   GuestState
	Page    Page
}

// VMObservation is what a workflow or inventory sync observed of a VM.
// Empty fields leave the record's value as it is.
type VMObservation struct {
	State GuestState
	Power PowerState
	IPv4  *netip.Addr
}

// VMStore keeps VM records.
type VMStore interface {
	// CreateVMWithOwner stores vm (assigning ID and timestamps; empty
	// states become pending and unknown), makes vm.OwnerID its owner and,
	// when creator is someone else, lets creator read it, all at once. It
	// returns KindInvalid for invalid fields or unknown references.
	CreateVMWithOwner(ctx context.Context, vm *VM, creator uuid.UUID) error
	// FindVM returns the VM or an error of KindNotFound.
	FindVM(ctx context.Context, id uuid.UUID) (*VM, error)
	// ListVMs returns VMs oldest first, and the cursor of the next page ("" at the end).
	ListVMs(ctx context.Context, f VMFilter) ([]VM, string, error)
	// RecordVMObservation stores the non-empty fields of obs on the VM. It
	// returns KindNotFound, or KindInvalid for a state the record cannot take.
	RecordVMObservation(ctx context.Context, id uuid.UUID, obs VMObservation) error
	// PlaceVM reserves the VM's VMID from vmids and decides its node with
	// PlaceVM (the function), storing both and state provisioning, all at
	// once: placements of one cluster run one at a time, so VMs placed
	// together never count on the same free memory. A VM already placed
	// keeps its VMID and node. It returns KindNotFound for an unknown VM,
	// template or node, an error wrapping ErrNoCapacity when no node has
	// room (nothing is reserved then), and KindConflict when vmids is full.
	PlaceVM(ctx context.Context, id uuid.UUID, vmids VMIDRange) (*Placement, error)
	// PlaceVMs places several VMs as PlaceVM does, in order, at once: each
	// counts the memory of those before it, and one that cannot be placed
	// (its outcome's Err) reserves nothing and keeps no other from being
	// placed. The error is for all of them: then none is placed.
	PlaceVMs(ctx context.Context, ids []uuid.UUID, vmids VMIDRange) ([]PlacementOutcome, error)
	// ReleaseVMID frees a VMID of cluster, clearing it from the VM or
	// container that carried it. Releasing a free VMID is not an error.
	ReleaseVMID(ctx context.Context, cluster string, vmid int) error
	// MarkVMIDForeign records that a guest Labforge does not own holds
	// vmid in cluster: the VMID is allocated to a foreign owner (never
	// handed out again until an operator releases it), and a VM or
	// container record that held it loses it, to be placed anew.
	MarkVMIDForeign(ctx context.Context, cluster string, vmid int) error
}
