package workflows

import (
	"slices"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/domain"
)

// beginDeploy moves to deploying, snapshots the environment, resolves the
// members and queues one clone per participant, machine and copy. When the
// environment or the members cannot be read the event is deploy_failed.
func (wf *eventLifecycle) beginDeploy(ctx workflow.Context) error {
	if err := wf.setPhase(ctx, domain.EventDeploying); err != nil {
		return err
	}
	if err := bookkeep(ctx, &wf.s.Members, eventActs.ResolveEventMembers, wf.in.EventID); err != nil {
		return wf.failDeploy(ctx, err)
	}
	if err := bookkeep(ctx, &wf.s.Machines, eventActs.SnapshotEventEnvironment, wf.in.EventID); err != nil {
		return wf.failDeploy(ctx, err)
	}
	if workflow.GetVersion(ctx, changeEventIntegrations, workflow.DefaultVersion, 1) == 1 {
		wf.s.Integrations = true
		wf.planCourse(ctx)
	}
	wf.applyMembers(ctx, wf.s.Members)
	return nil
}

// failDeploy ends a deployment that could not start: deploy_failed, and
// the instructors are told why.
func (wf *eventLifecycle) failDeploy(ctx workflow.Context, cause error) error {
	if err := wf.setPhase(ctx, domain.EventDeployFailed); err != nil {
		return err
	}
	wf.emailDeployFailed(ctx, failureMessage(cause))
	return nil
}

// deploying waits until every queued clone has finished or, once the start
// has come, until at least one item is ready (or the end comes); the rest
// go on while the event runs. Then the event is ready, or deploy_failed if
// nothing could be deployed.
func (wf *eventLifecycle) deploying(ctx workflow.Context) error {
	done, err := wf.waitFor(ctx, wf.startsAt, wf.idle)
	if err != nil {
		return err
	}
	if !done {
		if wf.startsAt().After(workflow.Now(ctx)) {
			return nil // continue as new, still deploying
		}
		// Past the start, one ready VM is enough; so is the end (or
		// end-now) when clones wait for an operator.
		over := func() bool { return wf.s.EndRequested || wf.pastEnd(ctx) }
		if _, err := wf.waitFor(ctx, wf.endsAt, func() bool { return wf.idle() || wf.count(domain.ItemReady) > 0 || over() }); err != nil {
			return err
		}
		if !wf.idle() && wf.count(domain.ItemReady) == 0 && !over() {
			return nil // continue as new, still deploying
		}
	}
	if len(wf.liveItems()) > 0 && wf.count(domain.ItemReady) == 0 && wf.idle() {
		if err := wf.setPhase(ctx, domain.EventDeployFailed); err != nil {
			return err
		}
		wf.emailDeployFailed(ctx, "no machine of the event could be deployed; see the event's items")
		return nil
	}
	if err := wf.setPhase(ctx, domain.EventReady); err != nil {
		return err
	}
	wf.notifyReadyParticipants(ctx)
	wf.emailItemsFailed(ctx)
	return nil
}

// end stops the event: ended from now (the transition period runs from
// here), clones not yet started are dropped, the ready VMs are stopped,
// their connections revoked and the participants told; the Moodle course
// follows the phase (keepCourse).
func (wf *eventLifecycle) end(ctx workflow.Context) error {
	now := workflow.Now(ctx)
	wf.s.EndedAt = &now
	if err := wf.setPhase(ctx, domain.EventEnded); err != nil {
		return err
	}
	wf.unqueueClones()
	for i, it := range wf.s.Items {
		if it.State == domain.ItemReady && !it.Dropped {
			wf.enqueue(jobStop, i)
		}
	}
	if wf.s.Integrations {
		// Connections still being made (Guacamole down) do not hold the end.
		if err := workflow.Await(ctx, wf.vmIdle); err != nil {
			return err
		}
		wf.revokeConnections(ctx)
	} else if err := workflow.Await(ctx, wf.idle); err != nil {
		return err
	}
	wf.emailEnded(ctx)
	return nil
}

// teardown deletes the event's connections and every VM it made, marks
// every item removed, waits for the Moodle course's last phase and ends
// decommissioned. Clones in flight finish first.
func (wf *eventLifecycle) teardown(ctx workflow.Context) error {
	wf.unqueueClones()
	if err := workflow.Await(ctx, wf.idle); err != nil {
		return err
	}
	wf.deleteConnections(ctx)
	for i, it := range wf.s.Items {
		if it.State != domain.ItemRemoved {
			wf.s.Items[i].Dropped = true
			wf.enqueue(jobDelete, i)
		}
	}
	if err := workflow.Await(ctx, func() bool { return wf.idle() && !wf.courseDue() }); err != nil {
		return err
	}
	return wf.setPhase(ctx, domain.EventDecommissioned)
}

// unqueueClones drops the clones not started yet; their items stay as
// they were recorded.
func (wf *eventLifecycle) unqueueClones() {
	for _, i := range wf.dropQueued(jobClone) {
		wf.s.Items[i].busy = false
	}
}

// applyMembers takes members as the event's users now: every participant
// gets the items they lack (queued for cloning), and the items of users
// who no longer take part are torn down.
func (wf *eventLifecycle) applyMembers(ctx workflow.Context, members []domain.EventMember) {
	wf.s.Members = members
	taking := map[uuid.UUID]bool{}
	for _, m := range members {
		if m.Role != domain.EventRoleParticipant {
			continue
		}
		taking[m.UserID] = true
		for _, mc := range wf.s.Machines {
			for k := range mc.Count {
				wf.wantItem(ctx, m, mc.Name, k)
			}
		}
	}
	for i, it := range wf.s.Items {
		if taking[it.User] || it.Dropped || it.State == domain.ItemRemoved {
			continue
		}
		wf.s.Items[i].Dropped = true
		if wf.unqueue(i) {
			// Its clone had not started: nothing to wait for.
			wf.s.Items[i].busy = false
		}
		wf.enqueue(jobDelete, i)
	}
	wf.changes++
}

// wantItem makes sure participant m has copy k of machine: a new item, or
// one given up before, is queued for cloning.
func (wf *eventLifecycle) wantItem(ctx workflow.Context, m domain.EventMember, machine string, k int) {
	i := slices.IndexFunc(wf.s.Items, func(it EventItemStatus) bool {
		return it.User == m.UserID && it.Machine == machine && it.Index == k
	})
	if i < 0 {
		wf.s.Items = append(wf.s.Items, EventItemStatus{User: m.UserID, Username: m.Username, Machine: machine, Index: k,
			State: domain.ItemPending})
		i = len(wf.s.Items) - 1
		wf.recordItem(ctx, i)
	}
	// recordItem waited: index again.
	it := &wf.s.Items[i]
	switch {
	case it.Dropped && it.busy:
		// Its clone or delete is still running; runJob decides afterwards.
		it.Dropped = false
	case it.Dropped || it.State == domain.ItemRemoved || it.State == domain.ItemPending:
		it.Dropped = false
		wf.enqueue(jobClone, i)
	}
}

// count is how many items that are not dropped are in state st.
func (wf *eventLifecycle) count(st domain.EventItemState) int {
	n := 0
	for _, it := range wf.liveItems() {
		if it.State == st {
			n++
		}
	}
	return n
}

// liveItems are the items of current participants.
func (wf *eventLifecycle) liveItems() []EventItemStatus {
	return slices.DeleteFunc(slices.Clone(wf.s.Items), func(it EventItemStatus) bool { return it.Dropped })
}

// summary is the answer of every Update and of the summary query.
func (wf *eventLifecycle) summary() EventSummary {
	counts := map[domain.EventItemState]int{}
	for _, it := range wf.s.Items {
		counts[it.State]++
	}
	return EventSummary{EventID: wf.in.EventID, State: wf.s.Phase, Schedule: wf.s.Event.Schedule, Items: counts,
		EndRequested: wf.s.EndRequested}
}
