package temporalx

import (
	"context"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"golang.org/x/sync/semaphore"
)

// startLimiter lets at most a fixed number of workflow starts (ExecuteWorkflow
// and SignalWithStartWorkflow) of one client be in flight at once; the others
// wait their turn, in the order they came, or until their context ends.
//
// A burst of starts — two hundred participants pressing "create" together, or
// a script — otherwise reaches the Temporal server all at once. Where the
// server writes one transaction at a time (the SQLite server of `make dev`,
// a namespace on few history shards) every step of the workflows already
// started then waits behind the whole burst: their first clones begin only
// once the last start is accepted. With the starts let through a few at a
// time the first workflows run while the later ones are accepted, and the
// burst is accepted no slower.
type startLimiter struct {
	interceptor.ClientInterceptorBase
	slots *semaphore.Weighted
}

// newStartLimiter returns the limiter for n starts at once; n < 1 means no
// limit, and then it returns nil.
func newStartLimiter(n int) *startLimiter {
	if n < 1 {
		return nil
	}
	return &startLimiter{slots: semaphore.NewWeighted(int64(n))}
}

// InterceptClient wraps the client's outbound calls.
func (l *startLimiter) InterceptClient(next interceptor.ClientOutboundInterceptor) interceptor.ClientOutboundInterceptor {
	return &limitedStarts{ClientOutboundInterceptorBase: interceptor.ClientOutboundInterceptorBase{Next: next}, slots: l.slots}
}

// limitedStarts is one client's outbound chain with its starts limited.
type limitedStarts struct {
	interceptor.ClientOutboundInterceptorBase
	slots *semaphore.Weighted
}

// ExecuteWorkflow starts a workflow once a start slot is free.
func (s *limitedStarts) ExecuteWorkflow(ctx context.Context, in *interceptor.ClientExecuteWorkflowInput) (client.WorkflowRun, error) {
	if err := s.slots.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	defer s.slots.Release(1)
	return s.Next.ExecuteWorkflow(ctx, in)
}

// SignalWithStartWorkflow signals a workflow, starting it if need be, once
// a start slot is free.
func (s *limitedStarts) SignalWithStartWorkflow(ctx context.Context, in *interceptor.ClientSignalWithStartWorkflowInput) (client.WorkflowRun, error) {
	if err := s.slots.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	defer s.slots.Release(1)
	return s.Next.SignalWithStartWorkflow(ctx, in)
}
