package activities

import (
	"context"
	"sync"
)

// clusterGate lets one caller per cluster at a time through, in this
// process. Placement uses it so that a burst of placements waits here,
// holding nothing, instead of on the cluster's PostgreSQL lock, where every
// waiter would hold a pooled connection the other activities need. The
// zero value is ready to use.
type clusterGate struct {
	mu    sync.Mutex
	gates map[string]chan struct{}
}

// enter waits until the caller may work on cluster, or ctx ends; the
// returned function lets the next one in.
func (g *clusterGate) enter(ctx context.Context, cluster string) (leave func(), err error) {
	g.mu.Lock()
	if g.gates == nil {
		g.gates = map[string]chan struct{}{}
	}
	gate, ok := g.gates[cluster]
	if !ok {
		gate = make(chan struct{}, 1)
		g.gates[cluster] = gate
	}
	g.mu.Unlock()
	select {
	case gate <- struct{}{}:
		return func() { <-gate }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
