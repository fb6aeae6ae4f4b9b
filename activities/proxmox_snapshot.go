package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// hasSnapshot reports whether the guest has the named snapshot.
func hasSnapshot(ctx context.Context, c *proxmox.Client, g GuestRef, name string) (bool, error) {
	snaps, err := c.ListSnapshots(ctx, g.Node, g.VMID)
	if err != nil {
		return false, err
	}
	for _, s := range snaps {
		if s.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// EnsureBaseline takes the labforge-baseline snapshot unless the guest
// already has it.
func (a *Proxmox) EnsureBaseline(ctx context.Context, g GuestRef) error {
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return err
	}
	ok, err := hasSnapshot(ctx, c, g, BaselineSnapshot)
	if err != nil {
		return classifyPVE(err)
	}
	if ok {
		return nil
	}
	return a.runTask(ctx, c, func() (string, error) {
		return c.CreateSnapshot(ctx, g.Node, g.VMID, BaselineSnapshot, "state right after Labforge cloned the VM", false)
	}, nil)
}

// RollbackRequest asks for a reset to the baseline snapshot.
type RollbackRequest struct {
	Guest GuestRef `json:"guest"`
	// Start starts the VM after the rollback.
	Start bool `json:"start"`
}

// RollbackBaseline rolls the guest back to labforge-baseline. A guest
// without that snapshot fails with the non-retryable SnapshotMissing.
func (a *Proxmox) RollbackBaseline(ctx context.Context, in RollbackRequest) error {
	c, err := a.client(ctx, in.Guest.NodeID)
	if err != nil {
		return err
	}
	ok, err := hasSnapshot(ctx, c, in.Guest, BaselineSnapshot)
	if err != nil {
		return classifyPVE(err)
	}
	if !ok {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("VM %d on %s has no snapshot %s",
			in.Guest.VMID, in.Guest.Node, BaselineSnapshot), ErrTypeSnapshotMissing, nil)
	}
	return a.runTask(ctx, c, func() (string, error) {
		return c.RollbackSnapshot(ctx, in.Guest.Node, in.Guest.VMID, BaselineSnapshot, in.Start)
	}, nil)
}
