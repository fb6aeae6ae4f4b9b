package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"
)

// jobKind is what an event does to one item's VM.
type jobKind int

// Job kinds: clone the item's VM (CloneVM), stop it (VMAction stop),
// delete it (DeleteVM).
const (
	jobClone jobKind = iota
	jobStop
	jobDelete
)

func (k jobKind) String() string {
	return [...]string{"clone", "stop", "delete"}[k]
}

// job is one VM workflow an event runs for its item number item.
type job struct {
	kind jobKind
	item int
}

// jobs is an event's queue of VM workflows, run at most limit at a time,
// in the order queued. The per-node and per-storage clone caps hold
// inside CloneVM on top of this bound.
type jobs struct {
	queue    []job
	inflight int
	limit    int
	// background counts other coroutines whose work a continue-as-new
	// would lose (e-mails being queued, connections being made).
	background int
}

func (j *jobs) init(limit int) { j.limit = limit }

// vmIdle reports whether no VM workflow is queued or running.
func (j *jobs) vmIdle() bool { return len(j.queue) == 0 && j.inflight == 0 }

// idle reports whether nothing is queued or running.
func (j *jobs) idle() bool { return len(j.queue) == 0 && j.inflight == 0 && j.background == 0 }

func (j *jobs) push(kind jobKind, item int) { j.queue = append(j.queue, job{kind: kind, item: item}) }

// dropQueued removes the queued jobs of kind and returns their items.
func (j *jobs) dropQueued(kind jobKind) []int {
	var dropped []int
	j.queue = slices.DeleteFunc(j.queue, func(jb job) bool {
		if jb.kind == kind {
			dropped = append(dropped, jb.item)
			return true
		}
		return false
	})
	return dropped
}

// unqueue removes item's queued job, if it has one not started yet, and
// reports whether it did.
func (j *jobs) unqueue(item int) bool {
	n := len(j.queue)
	j.queue = slices.DeleteFunc(j.queue, func(jb job) bool { return jb.item == item })
	return len(j.queue) < n
}

// runJobs runs the queue for as long as the workflow runs: each job in
// its own coroutine, at most limit at once.
func (j *jobs) runJobs(ctx workflow.Context, run func(workflow.Context, job)) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(j.queue) > 0 && j.inflight < j.limit }); err != nil {
			return
		}
		next := j.queue[0]
		j.queue = j.queue[1:]
		j.inflight++
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer func() { j.inflight-- }()
			run(ctx, next)
		})
	}
}

// inBackground runs fn in its own coroutine, counted so that the
// workflow does not continue as new under it.
func (j *jobs) inBackground(ctx workflow.Context, fn func(workflow.Context)) {
	j.background++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { j.background-- }()
		fn(ctx)
	})
}
