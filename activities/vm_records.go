package activities

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
)

// VMTarget is a placed VM as VMAction and DeleteVM work on it.
type VMTarget struct {
	Guest GuestRef          `json:"guest"`
	Owner uuid.UUID         `json:"owner"`
	State domain.GuestState `json:"state"`
	Power domain.PowerState `json:"power"`
	// Placed is false when the VM never got a VMID and node (nothing to
	// do in Proxmox).
	Placed bool `json:"placed"`
}

// LoadVM reads a VM record and names its guest.
func (a *Proxmox) LoadVM(ctx context.Context, vmID uuid.UUID) (VMTarget, error) {
	vm, err := a.Store.FindVM(ctx, vmID)
	if err != nil {
		return VMTarget{}, classify(err)
	}
	t := VMTarget{Guest: GuestRef{VM: vm.ID, Name: vm.Name, Cluster: vm.Cluster}, Owner: vm.OwnerID, State: vm.State, Power: vm.Power}
	if vm.NodeID == nil || vm.VMID == nil {
		return t, nil
	}
	n, err := a.Store.FindNode(ctx, *vm.NodeID)
	if err != nil {
		return VMTarget{}, classify(err)
	}
	t.Guest.NodeID, t.Guest.Node, t.Guest.VMID, t.Placed = n.ID, n.Name, *vm.VMID, true
	return t, nil
}

// VMUpdate is an observed change of a VM record. Empty fields are kept.
type VMUpdate struct {
	VM    uuid.UUID         `json:"vm"`
	State domain.GuestState `json:"state,omitempty"`
	Power domain.PowerState `json:"power,omitempty"`
	IPv4  string            `json:"ipv4,omitempty"`
}

// RecordVM stores a VM's new state, power state and address.
func (a *Proxmox) RecordVM(ctx context.Context, u VMUpdate) error {
	vm, err := a.Store.FindVM(ctx, u.VM)
	if err != nil {
		return classify(err)
	}
	if u.State != "" {
		vm.State = u.State
	}
	if u.Power != "" {
		vm.Power = u.Power
	}
	if u.IPv4 != "" {
		ip, err := netip.ParseAddr(u.IPv4)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("bad IPv4 address %q", u.IPv4), ErrTypeInvalid, err)
		}
		vm.IPv4 = &ip
	}
	return classify(a.Store.UpdateVM(ctx, vm))
}

// ReleaseGuestVMID frees the guest's VMID (clearing it from the VM record).
// Workflows call it only after Proxmox confirmed the guest is gone.
func (a *Proxmox) ReleaseGuestVMID(ctx context.Context, g GuestRef) error {
	return classify(a.Store.ReleaseVMID(ctx, g.Cluster, g.VMID))
}
