package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// DeleteGuest stops and destroys the guest (purge, and destroy unreferenced
// disks), polling each task to its end. A guest that is not there counts as
// deleted; a guest at the VMID that is not this VM's (neither its tag nor
// its name) is never touched: that is a non-retryable Conflict.
func (a *Proxmox) DeleteGuest(ctx context.Context, g GuestRef) error {
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return err
	}
	r, found, err := c.FindGuest(ctx, g.VMID)
	if err != nil {
		return classifyPVE(err)
	}
	if !found {
		return nil
	}
	if !g.owns(r) {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"guest %d on %s (%s) is not Labforge VM %s; refusing to delete it", r.VMID, r.Node, r.Name, g.VM),
			string(proxmox.Conflict), nil)
	}
	if r.Status == "running" {
		err := a.runTask(ctx, c, func() (string, error) { return c.StopVM(ctx, r.Node, r.VMID) }, nil)
		if err != nil && !HasErrorType(err, string(proxmox.Conflict)) {
			return err
		}
	}
	err = a.runTask(ctx, c, func() (string, error) { return c.DeleteVM(ctx, r.Node, r.VMID, true, true) }, nil)
	if HasErrorType(err, string(proxmox.NotFound)) {
		return nil
	}
	return err
}
