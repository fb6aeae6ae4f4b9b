package activities

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// CloneGuestInSlot waits, heartbeating, until the calling workflow holds a
// clone slot of the plan's node and storage, then clones as CloneGuest
// does (which gives the slot back once the task ends). Waiting inside the
// clone activity means a released slot goes straight to the next clone,
// without a workflow task in between; the wait occupies one of the worker's
// activity slots, so a pve-clone worker's activity concurrency bounds how
// many clones wait in it, and the rest wait in Temporal's task queue.
func (a *Proxmox) CloneGuestInSlot(ctx context.Context, plan ClonePlan) error {
	if _, err := a.Slots.await(ctx, plan, 0, true); err != nil {
		return err
	}
	return a.CloneGuest(ctx, plan)
}

// CloneGuest clones the plan's template into the reserved VMID and waits
// for the clone task's end. It looks before it clones, at the one guest
// (status/current on the target node): a guest already at the VMID that
// carries the VM's tag or name is the one an earlier attempt made, and is
// taken as it is (after waiting for its clone lock to go); a stranger's
// guest there, or on another node (the clone then fails), is a
// non-retryable AlreadyExists. A retried
// attempt resumes polling the clone task its predecessor started.
//
// Once the clone is done it gives the workflow's clone slot back itself,
// so the next clone on the node starts without waiting for the workflow's
// own ReleaseCloneSlot step (which still runs, for the failure paths).
func (a *Proxmox) CloneGuest(ctx context.Context, plan ClonePlan) error {
	err := a.cloneGuest(ctx, plan)
	if err == nil {
		a.Slots.releaseQuietly(ctx)
	}
	return err
}

func (a *Proxmox) cloneGuest(ctx context.Context, plan ClonePlan) error {
	c, err := a.client(ctx, plan.SourceNodeID)
	if err != nil {
		return err
	}
	if !activity.HasHeartbeatDetails(ctx) {
		// Look at the one guest where the clone lands, not at the whole
		// cluster's guest list: a guest holding the VMID on another node
		// makes the clone fail with Proxmox's "already exists", which is
		// AlreadyExists as well.
		node, vmid := plan.Guest.Node, plan.Guest.VMID
		st, err := c.VMStatus(ctx, node, vmid)
		if proxmox.KindOf(err) == proxmox.NotFound && plan.SourceNode != node {
			// A clone to another node keeps the new guest on the
			// template's node until it ends.
			node = plan.SourceNode
			st, err = c.VMStatus(ctx, node, vmid)
		}
		switch {
		case proxmox.KindOf(err) == proxmox.NotFound:
		case err != nil:
			return classifyPVE(err)
		case !plan.Guest.ownsGuest(st.Name, st.Tags):
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"VMID %d reserved for VM %s is taken by another guest (%s on %s)",
				vmid, plan.Guest.VM, st.Name, node), string(proxmox.AlreadyExists), nil)
		case st.Lock != "clone":
			logger(a.Logger).Info("guest already cloned", slog.String("vm", plan.Guest.VM.String()), slog.Int("vmid", vmid))
			return nil
		default:
			logger(a.Logger).Info("guest being cloned by an earlier attempt", slog.String("vm", plan.Guest.VM.String()), slog.Int("vmid", vmid))
			return a.waitUnlocked(ctx, c, node, vmid)
		}
	}
	return a.runTask(ctx, c, func() (string, error) {
		o := proxmox.CloneOptions{Name: plan.Guest.Name, Full: plan.Full, Description: GuestDescription(plan.Guest.VM)}
		if plan.Guest.Node != plan.SourceNode {
			o.Target = plan.Guest.Node
		}
		if plan.Full {
			o.Storage = plan.Storage
		}
		return c.CloneVM(ctx, plan.SourceNode, plan.TemplateVMID, plan.Guest.VMID, o)
	}, a.Slots.renewer(ctx))
}

// waitUnlocked polls a guest until its clone lock is gone: an earlier
// attempt's clone may still run while its UPID was lost with the crash.
func (a *Proxmox) waitUnlocked(ctx context.Context, c *proxmox.Client, node string, vmid int) error {
	return a.waitLockGone(ctx, vmid, "clone", func() (proxmox.GuestStatus, error) { return c.VMStatus(ctx, node, vmid) })
}

// waitLockGone polls a guest's status until its lock is no longer lock,
// heartbeating. A guest that vanishes meanwhile was the failed work of an
// earlier attempt, which Proxmox removed: a retryable error, so the next
// attempt makes it again.
func (a *Proxmox) waitLockGone(ctx context.Context, vmid int, lock string, status func() (proxmox.GuestStatus, error)) error {
	pace := a.Wait.Within(pollLimit(ctx))
	delay := pace.Interval
	for {
		st, err := status()
		if proxmox.KindOf(err) == proxmox.NotFound {
			return temporal.NewApplicationErrorWithCause(fmt.Sprintf("guest %d vanished while its %s task ran", vmid, lock),
				string(proxmox.Transient), err)
		}
		if err != nil {
			return classifyPVE(err)
		}
		if st.Lock != lock {
			return nil
		}
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			return classifyPVE(ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, pace.MaxInterval)
	}
}
