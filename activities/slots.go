package activities

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// defaultSlotLease is how long a clone slot is held without renewal.
const defaultSlotLease = 10 * time.Minute

func (a *Proxmox) slotLease() time.Duration {
	if a.SlotLease > 0 {
		return a.SlotLease
	}
	return defaultSlotLease
}

func (a *Proxmox) storageCap() int {
	if a.CloneCapPerStorage > 0 {
		return a.CloneCapPerStorage
	}
	return 4
}

// AcquireCloneSlot leases a clone slot of the plan's node and storage to
// the calling workflow (the holder is its workflow id, so a retry keeps the
// slot it has). When every slot is taken it fails with the retryable type
// SlotBusy: the workflow's retry policy is the wait queue.
func (a *Proxmox) AcquireCloneSlot(ctx context.Context, plan ClonePlan) error {
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	nodeCap := max(plan.NodeCap, 1)
	got, err := a.Slots.AcquireCloneSlot(ctx, plan.Guest.NodeID, plan.SlotKey(), holder, nodeCap, a.storageCap(), a.slotLease())
	if err != nil {
		return classify(err)
	}
	if !got {
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("all clone slots of node %s (%d) or storage %s (%d) are taken",
			plan.Guest.Node, nodeCap, plan.SlotKey(), a.storageCap()), ErrTypeSlotBusy,
			temporal.ApplicationErrorOptions{NextRetryDelay: a.slotRetryDelay()})
	}
	return nil
}

// slotRetryDelay is how long a workflow waits before asking for a slot
// again: SlotRetry (default 500ms) jittered between half and one and a half
// times, so that waiters spread out instead of retrying in waves on the
// retry policy's growing backoff, and a freed slot is taken within about
// SlotRetry.
func (a *Proxmox) slotRetryDelay() time.Duration {
	base := a.SlotRetry
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	return base/2 + rand.N(base)
}

// ReleaseCloneSlot gives the calling workflow's clone slot back; releasing
// twice is harmless.
func (a *Proxmox) ReleaseCloneSlot(ctx context.Context) error {
	return classify(a.Slots.ReleaseCloneSlot(ctx, activity.GetInfo(ctx).WorkflowExecution.ID))
}

// slotRenewer returns a function that renews the workflow's clone slot at
// most every third of the lease, for runTask's onPoll.
func (a *Proxmox) slotRenewer(ctx context.Context) func() {
	if a.Slots == nil {
		return nil
	}
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	last := time.Now()
	return func() {
		if time.Since(last) < a.slotLease()/3 {
			return
		}
		last = time.Now()
		if _, err := a.Slots.RenewCloneSlot(ctx, holder, a.slotLease()); err != nil {
			a.logger().Warn("renewing the clone slot failed", "holder", holder, "error", err)
		}
	}
}
