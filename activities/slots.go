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
// slot it has). When every slot is taken it waits in this process's
// SlotWaiters queue, heartbeating, and asks again whenever a slot is
// released anywhere (and at least every slotPoll, for leases that ran out
// unannounced). After slotMaxWait, or when the queue is full, it fails with
// the retryable type SlotBusy and a short retry delay: the activity never
// occupies a worker slot for long, and the retry policy carries the wait
// on.
func (a *Proxmox) AcquireCloneSlot(ctx context.Context, plan ClonePlan) error {
	got, err := a.tryCloneSlot(ctx, plan)
	if err != nil || got {
		return err
	}
	if a.Waiters == nil {
		return a.slotBusy(plan)
	}
	w := a.Waiters.join(plan.Guest.NodeID, plan.SlotKey())
	if w == nil {
		return a.slotBusy(plan)
	}
	defer a.Waiters.leave(w)
	giveUp := time.NewTimer(slotMaxWait)
	defer giveUp.Stop()
	poll := time.NewTimer(a.slotPoll(ctx))
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-giveUp.C:
			return a.slotBusy(plan)
		case <-poll.C:
		case <-w.wake:
		}
		activity.RecordHeartbeat(ctx, "waiting for a clone slot")
		got, err := a.tryCloneSlot(ctx, plan)
		if err != nil {
			return err
		}
		if got {
			a.Waiters.leave(w)
			// Another slot may be free too (several released at once, or
			// a lease ran out): let the next waiter look.
			a.Waiters.wakeNext(plan.Guest.NodeID, plan.SlotKey())
			return nil
		}
		a.Waiters.rearm(w)
		poll.Reset(a.slotPoll(ctx))
	}
}

// slotMaxWait bounds one AcquireCloneSlot attempt's wait in the queue.
const slotMaxWait = time.Minute

// slotPoll is how long a queued waiter goes without asking when no release
// is announced: 5 s jittered, and within a third of the heartbeat timeout
// so that its heartbeats keep it alive.
func (a *Proxmox) slotPoll(ctx context.Context) time.Duration {
	d := 4*time.Second + rand.N(2*time.Second)
	if hb := activity.GetInfo(ctx).HeartbeatTimeout; hb > 0 {
		d = min(d, hb/3)
	}
	return d
}

// tryCloneSlot asks PostgreSQL once for the plan's clone slot.
func (a *Proxmox) tryCloneSlot(ctx context.Context, plan ClonePlan) (bool, error) {
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	got, err := a.Slots.AcquireCloneSlot(ctx, plan.Guest.NodeID, plan.SlotKey(), holder, max(plan.NodeCap, 1), a.storageCap(), a.slotLease())
	return got, classify(err)
}

// slotBusy is the retryable SlotBusy failure, retried after slotRetryDelay.
func (a *Proxmox) slotBusy(plan ClonePlan) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("all clone slots of node %s (%d) or storage %s (%d) are taken",
		plan.Guest.Node, max(plan.NodeCap, 1), plan.SlotKey(), a.storageCap()), ErrTypeSlotBusy,
		temporal.ApplicationErrorOptions{NextRetryDelay: a.slotRetryDelay()})
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

// releaseSlot gives the calling workflow's clone slot back from inside
// another activity; a failure is only logged, since the workflow releases
// the slot again afterwards and the lease runs out on its own.
func (a *Proxmox) releaseSlot(ctx context.Context) {
	if a.Slots == nil {
		return
	}
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	if err := a.Slots.ReleaseCloneSlot(ctx, holder); err != nil {
		a.logger().Warn("giving the clone slot back failed; the workflow will try again", "holder", holder, "error", err)
	}
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
