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
// slot it has). When every slot is taken it waits as awaitCloneSlot
// describes for up to slotMaxWait; then, or when this process's queue of
// waiters is full, it fails with the retryable type SlotBusy and a short
// retry delay, and the retry policy carries the wait on. Workflows started
// before clones waited for their own slot (CloneGuestInSlot) call it.
func (a *Proxmox) AcquireCloneSlot(ctx context.Context, plan ClonePlan) error {
	got, err := a.awaitCloneSlot(ctx, plan, slotMaxWait, false)
	if err != nil {
		return err
	}
	if !got {
		return a.slotBusy(plan)
	}
	return nil
}

// CloneGuestInSlot waits, heartbeating, until the calling workflow holds a
// clone slot of the plan's node and storage, then clones as CloneGuest
// does (which gives the slot back once the task ends). Waiting inside the
// clone activity means a released slot goes straight to the next clone,
// without a workflow task in between; the wait occupies one of the worker's
// activity slots, so a pve-clone worker's activity concurrency bounds how
// many clones wait in it, and the rest wait in Temporal's task queue.
func (a *Proxmox) CloneGuestInSlot(ctx context.Context, plan ClonePlan) error {
	if _, err := a.awaitCloneSlot(ctx, plan, 0, true); err != nil {
		return err
	}
	return a.CloneGuest(ctx, plan)
}

// awaitCloneSlot leases the plan's clone slot to the calling workflow,
// waiting while every slot is taken: in this process's SlotWaiters queue
// (joined whatever its size when always, else only below its limit), it
// asks again whenever a slot is released anywhere, and at least every
// slotPoll for leases that ran out unannounced, heartbeating without
// details (a clone's details are its task's UPID). It reports false when
// maxWait (0: no bound) passed or the queue was full first.
func (a *Proxmox) awaitCloneSlot(ctx context.Context, plan ClonePlan, maxWait time.Duration, always bool) (bool, error) {
	got, err := a.tryCloneSlot(ctx, plan)
	if err != nil || got {
		return got, err
	}
	var w *slotWaiter
	var wake <-chan struct{}
	if a.Waiters != nil {
		if w = a.Waiters.join(plan.Guest.NodeID, plan.SlotKey(), always); w != nil {
			defer a.Waiters.leave(w)
			wake = w.wake
		}
	}
	if w == nil && !always {
		return false, nil
	}
	var giveUp <-chan time.Time
	if maxWait > 0 {
		t := time.NewTimer(maxWait)
		defer t.Stop()
		giveUp = t.C
	}
	poll := time.NewTimer(a.slotPoll(ctx))
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-giveUp:
			return false, nil
		case <-poll.C:
		case <-wake:
		}
		activity.RecordHeartbeat(ctx)
		got, err := a.tryCloneSlot(ctx, plan)
		if err != nil {
			return false, err
		}
		if got {
			if w != nil {
				a.Waiters.leave(w)
				// Another slot may be free too (several released at once,
				// or a lease ran out): let the next waiter look.
				a.Waiters.wakeNext(plan.Guest.NodeID, plan.SlotKey())
			}
			return true, nil
		}
		if w != nil {
			a.Waiters.rearm(w)
		}
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
