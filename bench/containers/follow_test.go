package containers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// follow sends r's create request when a slot is free, then waits for its
// workflow and, with a prober, for its first 200 through NGINX.
func (s *stack) follow(ctx context.Context, r *ctRun, slots chan struct{}, probe *prober, interval time.Duration) {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		r.err = ctx.Err()
		return
	}
	r.requested = time.Now()
	r.op, r.err = s.api.createContainer(ctx, r.hostname)
	<-slots
	if r.err != nil {
		return
	}
	// A failed workflow ends the polling: its container will not answer.
	pctx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	var wg sync.WaitGroup
	var probeErr error
	if probe != nil {
		wg.Go(func() { r.firstOK, probeErr = probe.firstOK(pctx, serviceHost(r.hostname), r.hostname, interval) })
	}
	if err := s.p.Temporal.GetWorkflow(ctx, r.op.WorkflowID, r.op.RunID).Get(ctx, nil); err != nil {
		r.err = fmt.Errorf("CreateContainer: %w", err)
		stopProbe()
	}
	r.result = time.Now()
	wg.Wait()
	r.err = errors.Join(r.err, probeErr)
}

// where says where a failed container's operation stands, for the
// failure message.
func (s *stack) where(r ctRun) string {
	if r.op.ID == uuid.Nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	op, err := s.api.operation(ctx, r.op.ID.String())
	if err != nil {
		return fmt.Sprintf(" (its operation: %v)", err)
	}
	where := fmt.Sprintf(" (its operation is %s at step %q: %s", op.State, op.Step, op.Error)
	if d, err := s.p.Temporal.DescribeWorkflowExecution(ctx, r.op.WorkflowID, r.op.RunID); err == nil {
		for _, a := range d.GetPendingActivities() {
			where += fmt.Sprintf("; %s attempt %d failed: %s", a.GetActivityType().GetName(), a.GetAttempt(), a.GetLastFailure().GetMessage())
		}
	}
	return where + ")"
}
