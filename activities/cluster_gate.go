package activities

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// placementBatchLimit bounds how many VMs one placement transaction places.
const placementBatchLimit = 64

// placementTimeout bounds one placement transaction, which runs on for
// the others of its batch when the caller that runs it gives up.
const placementTimeout = time.Minute

// placementBatches lets one placement transaction per cluster run at a
// time in this process, and has the placements that arrive meanwhile wait
// here, holding nothing (not a pooled connection on the cluster's
// PostgreSQL lock), to be placed together by the next transaction
// (VMStore.PlaceVMs): a burst of placements takes a few transactions, not
// one each. The zero value is ready to use.
type placementBatches struct {
	mu     sync.Mutex
	queues map[string]*placementQueue
}

type placementQueue struct {
	running bool                // a batch of this cluster runs
	waiting []*placementRequest // oldest first
}

// placementRequest is one caller's placement. Its fields are guarded by
// placementBatches.mu; signal is closed when it is done or is to run the
// next batch (lead).
type placementRequest struct {
	id     uuid.UUID
	signal chan struct{}
	lead   bool
	taken  bool
	done   bool
	out    domain.PlacementOutcome
	err    error
}

// place places VM id of cluster with the others waiting, through
// placeAll, and returns its placement. A caller whose ctx ends while it
// waits leaves the queue; once its batch runs, the batch completes and its
// placement may be stored without the caller seeing it.
func (g *placementBatches) place(ctx context.Context, cluster string, id uuid.UUID,
	placeAll func(ctx context.Context, ids []uuid.UUID) ([]domain.PlacementOutcome, error)) (*domain.Placement, error) {
	r := &placementRequest{id: id, signal: make(chan struct{})}
	g.mu.Lock()
	if g.queues == nil {
		g.queues = map[string]*placementQueue{}
	}
	q := g.queues[cluster]
	if q == nil {
		q = &placementQueue{}
		g.queues[cluster] = q
	}
	q.waiting = append(q.waiting, r)
	leads := !q.running
	r.lead, q.running = leads, true
	g.mu.Unlock()
	if !leads {
		select {
		case <-r.signal:
		case <-ctx.Done():
		}
		g.mu.Lock()
		switch {
		case r.done:
			g.mu.Unlock()
			return r.out.Placement, r.result()
		case !r.lead && !r.taken:
			q.waiting = slices.DeleteFunc(q.waiting, func(o *placementRequest) bool { return o == r })
			g.mu.Unlock()
			return nil, ctx.Err()
		case !r.lead:
			// Taken into a batch that is running: wait for its end.
			g.mu.Unlock()
			<-r.signal
			return r.out.Placement, r.result()
		}
		g.mu.Unlock()
	}

	// This caller runs the next batch: the oldest waiters, itself first.
	g.mu.Lock()
	n := min(len(q.waiting), placementBatchLimit)
	batch := slices.Clone(q.waiting[:n])
	q.waiting = slices.Delete(q.waiting, 0, n)
	ids := make([]uuid.UUID, n)
	for i, b := range batch {
		b.taken, ids[i] = true, b.id
	}
	g.mu.Unlock()
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), placementTimeout)
	outs, err := placeAll(bctx, ids)
	cancel()
	g.mu.Lock()
	for i, b := range batch {
		b.done, b.err = true, err
		if err == nil {
			b.out = outs[i]
		}
		if b != r {
			close(b.signal)
		}
	}
	if len(q.waiting) > 0 {
		next := q.waiting[0]
		next.lead = true
		close(next.signal)
	} else {
		q.running = false
	}
	g.mu.Unlock()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return r.out.Placement, r.result()
}

func (r *placementRequest) result() error {
	if r.err != nil {
		return r.err
	}
	return r.out.Err
}
