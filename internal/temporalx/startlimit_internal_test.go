package temporalx

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
)

// heldStarts is the end of an outbound chain whose starts block until
// released, counting how many are in flight at once and in which order
// they arrived.
type heldStarts struct {
	interceptor.ClientOutboundInterceptorBase
	release  chan struct{}
	inFlight atomic.Int32
	most     atomic.Int32
	mu       sync.Mutex
	order    []string
}

func (h *heldStarts) start(id string) (client.WorkflowRun, error) {
	n := h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
	}
	h.mu.Lock()
	h.order = append(h.order, id)
	h.mu.Unlock()
	<-h.release
	return nil, nil
}

func (h *heldStarts) ExecuteWorkflow(_ context.Context, in *interceptor.ClientExecuteWorkflowInput) (client.WorkflowRun, error) {
	return h.start(in.Options.ID)
}

func (h *heldStarts) SignalWithStartWorkflow(_ context.Context, in *interceptor.ClientSignalWithStartWorkflowInput) (client.WorkflowRun, error) {
	return h.start(in.Options.ID)
}

func (h *heldStarts) arrived() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.order)
}

func TestStartLimiterLetsThroughAtMostItsLimit(t *testing.T) {
	next := &heldStarts{release: make(chan struct{})}
	out := newStartLimiter(2).InterceptClient(next)
	ctx := t.Context()
	var wg sync.WaitGroup
	for i := range 6 {
		id := string(rune('a' + i))
		wg.Go(func() {
			if i%2 == 0 {
				_, _ = out.ExecuteWorkflow(ctx, &interceptor.ClientExecuteWorkflowInput{Options: &client.StartWorkflowOptions{ID: id}})
			} else {
				_, _ = out.SignalWithStartWorkflow(ctx, &interceptor.ClientSignalWithStartWorkflowInput{Options: &client.StartWorkflowOptions{ID: id}})
			}
		})
		// One at a time, so that the waiting order is the calling order.
		require.Eventually(t, func() bool { return next.arrived() == min(i+1, 2) }, 5*time.Second, time.Millisecond)
		time.Sleep(5 * time.Millisecond)
	}
	require.Equal(t, int32(2), next.inFlight.Load(), "two starts in flight while four wait")
	for done := 2; done < 6; done++ {
		next.release <- struct{}{}
		require.Eventually(t, func() bool { return next.arrived() == done+1 }, 5*time.Second, time.Millisecond)
	}
	close(next.release)
	wg.Wait()
	require.Equal(t, int32(2), next.most.Load(), "never more than the limit in flight")
	require.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, next.order, "waiting starts go through in the order they came")
}

func TestStartLimiterGivesUpWhenTheContextEnds(t *testing.T) {
	next := &heldStarts{release: make(chan struct{})}
	out := newStartLimiter(1).InterceptClient(next)
	go func() {
		_, _ = out.ExecuteWorkflow(t.Context(), &interceptor.ClientExecuteWorkflowInput{Options: &client.StartWorkflowOptions{ID: "first"}})
	}()
	require.Eventually(t, func() bool { return next.arrived() == 1 }, 5*time.Second, time.Millisecond)

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := out.ExecuteWorkflow(ctx, &interceptor.ClientExecuteWorkflowInput{Options: &client.StartWorkflowOptions{ID: "second"}})
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	require.Equal(t, 1, next.arrived(), "a start whose context ended never reaches the server")
	close(next.release)
}

func TestStartLimiterOffBelowOne(t *testing.T) {
	require.Nil(t, newStartLimiter(0))
	require.Nil(t, newStartLimiter(-1))
}
