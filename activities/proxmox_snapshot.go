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

// RollbackBaseline rolls the guest back to labforge-baseline and, with
// Start, starts it and waits for the start to end. A guest without that
// snapshot fails with the non-retryable SnapshotMissing.
//
// Proxmox's own start=1 would not do: its rollback task ends before the
// start task it forks, so the start's outcome (a VM that fails to boot)
// would go unseen. The rollback and the start are therefore two tasks
// polled one after the other; a retry that finds the start in its
// heartbeat resumes that start instead of rolling back again.
func (a *Proxmox) RollbackBaseline(ctx context.Context, in RollbackRequest) error {
	c, err := a.client(ctx, in.Guest.NodeID)
	if err != nil {
		return err
	}
	g := in.Guest
	if in.Start && heartbeatTaskType(ctx) == "qmstart" {
		return a.startAfterRollback(ctx, c, g)
	}
	ok, err := hasSnapshot(ctx, c, in.Guest, BaselineSnapshot)
	if err != nil {
		return classifyPVE(err)
	}
	if !ok {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("VM %d on %s has no snapshot %s",
			in.Guest.VMID, in.Guest.Node, BaselineSnapshot), ErrTypeSnapshotMissing, nil)
	}
	err = a.runTaskOfType(ctx, c, "qmrollback", func() (string, error) {
		return c.RollbackSnapshot(ctx, g.Node, g.VMID, BaselineSnapshot, false)
	}, nil)
	if err != nil || !in.Start {
		return err
	}
	return a.startAfterRollback(ctx, c, g)
}

// startAfterRollback starts a rolled-back VM unless it already runs (a
// snapshot with RAM resumes running) and polls the start to its end.
func (a *Proxmox) startAfterRollback(ctx context.Context, c *proxmox.Client, g GuestRef) error {
	st, err := c.VMStatus(ctx, g.Node, g.VMID)
	if err != nil {
		return classifyPVE(err)
	}
	if st.Running() {
		return nil
	}
	return a.runTaskOfType(ctx, c, "qmstart", func() (string, error) {
		return c.StartVM(ctx, g.Node, g.VMID)
	}, nil)
}
