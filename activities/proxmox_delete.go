package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// DeleteGuest stops and destroys the guest (purge, and destroy unreferenced
// disks), polling each task to its end. A guest that is not there counts as
// deleted; a guest at the VMID that is not this VM's (neither its tag nor
// its name) is never touched: that is a non-retryable Conflict.
func (a *Proxmox) DeleteGuest(ctx context.Context, g GuestRef) error {
	return a.destroyOwned(ctx, g.NodeID, g.Node, g.VMID, guestKind{
		typ: "qemu", owns: g.owns, what: "Labforge VM " + g.VM.String(), stopTask: "qmstop", destroyTask: "qmdestroy",
		stop: func(c *proxmox.Client, r proxmox.Resource) (string, error) { return c.StopVM(ctx, r.Node, r.VMID) },
		destroy: func(c *proxmox.Client, r proxmox.Resource) (string, error) {
			return c.DeleteVM(ctx, r.Node, r.VMID, true, true)
		},
	})
}

// guestKind is how destroyOwned recognises and removes one kind of guest.
type guestKind struct {
	typ                   string // "qemu" or "lxc"
	owns                  func(proxmox.Resource) bool
	what                  string // the owner, for the refusal: "Labforge VM <id>"
	stopTask, destroyTask string // task types, so a retry resumes the right task
	stop, destroy         func(c *proxmox.Client, r proxmox.Resource) (string, error)
}

// destroyOwned stops and destroys the guest at vmid, each task polled to
// its end. It looks for the guest on node, where Labforge put it, and
// only when it is not there in the cluster's guest list. A guest that is
// nowhere counts as destroyed; one k does not own is never touched (a
// non-retryable Conflict).
func (a *Proxmox) destroyOwned(ctx context.Context, nodeID uuid.UUID, node string, vmid int, k guestKind) error {
	c, err := a.client(ctx, nodeID)
	if err != nil {
		return err
	}
	r, found, err := guestOnOrElsewhere(ctx, c, node, k.typ, vmid)
	if err != nil {
		return classifyPVE(err)
	}
	if !found {
		return nil
	}
	if !k.owns(r) {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"guest %d on %s (%s %s) is not %s; refusing to delete it", r.VMID, r.Node, r.Type, r.Name, k.what),
			string(proxmox.Conflict), nil)
	}
	if r.Status == "running" {
		err := a.runTaskOfType(ctx, c, k.stopTask, func() (string, error) { return k.stop(c, r) }, nil)
		if err != nil && !HasErrorType(err, string(proxmox.Conflict)) {
			return err
		}
	}
	err = a.runTaskOfType(ctx, c, k.destroyTask, func() (string, error) { return k.destroy(c, r) }, nil)
	if HasErrorType(err, string(proxmox.NotFound)) {
		return nil
	}
	return err
}
