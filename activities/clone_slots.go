package activities

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
)

// cloneSlotLease is how long a clone slot is held without renewal; polling
// a clone renews it every third of that.
const cloneSlotLease = 10 * time.Minute

// CloneSlots leases the clone slots that cap concurrent clones per node
// (its clone_concurrency) and per storage, to the calling workflow: the
// holder is its workflow id, so a retried activity keeps the slot it has.
// Clone (Proxmox.CloneGuestInSlot) and bookkeeping (Bookkeeping's
// AcquireCloneSlot and ReleaseCloneSlot) share one per worker process.
type CloneSlots struct {
	Store domain.CloneSlotStore
	// CapPerStorage caps concurrent clones per storage (LABFORGE_CLONE_CAP_PER_STORAGE).
	CapPerStorage int
	// Waiters, when set, wakes activities waiting for a clone slot as soon
	// as one is released; feed it the process's CloneSlotChannel
	// notifications. Without it they ask every few seconds.
	Waiters *SlotWaiters
	Logger  *slog.Logger
}

func (s *CloneSlots) validate() error {
	if s.Store == nil || s.CapPerStorage < 1 {
		return fmt.Errorf("clone slots need a store and a cap per storage of at least 1")
	}
	return nil
}

// await leases the plan's clone slot to the calling workflow, waiting while
// every slot is taken: in this process's SlotWaiters queue (joined whatever
// its size when always, else only below its limit), it asks again whenever
// a slot is released anywhere, and at least every slotPoll for leases that
// ran out unannounced, heartbeating without details (a clone's details are
// its task's UPID). It reports false when maxWait (0: no bound) passed or
// the queue was full first.
func (s *CloneSlots) await(ctx context.Context, plan ClonePlan, maxWait time.Duration, always bool) (bool, error) {
	got, err := s.try(ctx, plan)
	if err != nil || got {
		return got, err
	}
	var w *slotWaiter
	var wake <-chan struct{}
	if s.Waiters != nil {
		if w = s.Waiters.join(plan.SlotNodeID(), plan.SlotKey(), always); w != nil {
			defer s.Waiters.leave(w)
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
	poll := time.NewTimer(slotPoll(ctx))
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
		got, err := s.try(ctx, plan)
		if err != nil {
			return false, err
		}
		if got {
			if w != nil {
				s.Waiters.leave(w)
				// Another slot may be free too (several released at once,
				// or a lease ran out): let the next waiter look.
				s.Waiters.wakeNext(plan.SlotNodeID(), plan.SlotKey())
			}
			return true, nil
		}
		if w != nil {
			s.Waiters.rearm(w)
		}
		poll.Reset(slotPoll(ctx))
	}
}

// slotPoll is how long a queued waiter goes without asking when no release
// is announced: 5 s jittered, and within a third of the heartbeat timeout
// so that its heartbeats keep it alive.
func slotPoll(ctx context.Context) time.Duration {
	d := 4*time.Second + rand.N(2*time.Second)
	if hb := activity.GetInfo(ctx).HeartbeatTimeout; hb > 0 {
		d = min(d, hb/3)
	}
	return d
}

// try asks PostgreSQL once for the plan's clone slot.
func (s *CloneSlots) try(ctx context.Context, plan ClonePlan) (bool, error) {
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	got, err := s.Store.AcquireCloneSlot(ctx, plan.SlotNodeID(), plan.SlotKey(), holder, max(plan.NodeCap, 1), s.CapPerStorage, cloneSlotLease)
	return got, classify(err)
}

// busy is the retryable SlotBusy failure, retried after slotRetryDelay.
func (s *CloneSlots) busy(plan ClonePlan) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("all clone slots of node %s (%d) or storage %s (%d) are taken",
		plan.SlotNode(), max(plan.NodeCap, 1), plan.SlotKey(), s.CapPerStorage), ErrTypeSlotBusy,
		temporal.ApplicationErrorOptions{NextRetryDelay: slotRetryDelay()})
}

// slotRetryMean is the mean wait before a workflow asks again for a busy
// clone slot (workflows started before clones waited for their own slot).
const slotRetryMean = 500 * time.Millisecond

// slotRetryDelay is slotRetryMean jittered between half and one and a half
// times, so that waiters spread out instead of retrying in waves on the
// retry policy's growing backoff, and a freed slot is taken within about
// slotRetryMean.
func slotRetryDelay() time.Duration {
	return slotRetryMean/2 + rand.N(slotRetryMean)
}

// release gives the calling workflow's clone slot back.
func (s *CloneSlots) release(ctx context.Context) error {
	return classify(s.Store.ReleaseCloneSlot(ctx, activity.GetInfo(ctx).WorkflowExecution.ID))
}

// releaseQuietly gives the calling workflow's clone slot back from inside
// another activity; a failure is only logged, since the workflow releases
// the slot again afterwards and the lease runs out on its own.
func (s *CloneSlots) releaseQuietly(ctx context.Context) {
	if err := s.release(ctx); err != nil {
		logger(s.Logger).Warn("giving the clone slot back failed; the workflow will try again",
			"holder", activity.GetInfo(ctx).WorkflowExecution.ID, "error", err)
	}
}

// renewer returns a function that renews the workflow's clone slot at most
// every third of the lease, for runTask's onPoll.
func (s *CloneSlots) renewer(ctx context.Context) func() {
	holder := activity.GetInfo(ctx).WorkflowExecution.ID
	last := time.Now()
	return func() {
		if time.Since(last) < cloneSlotLease/3 {
			return
		}
		last = time.Now()
		if _, err := s.Store.RenewCloneSlot(ctx, holder, cloneSlotLease); err != nil {
			logger(s.Logger).Warn("renewing the clone slot failed", "holder", holder, "error", err)
		}
	}
}
