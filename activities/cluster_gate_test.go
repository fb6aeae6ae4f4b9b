package activities

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestPlacementsThatWaitArePlacedTogether: while one placement runs, the
// ones that arrive wait and are then placed in one batch, each getting its
// own outcome; batches of a cluster never overlap.
func TestPlacementsThatWaitArePlacedTogether(t *testing.T) {
	t.Parallel()
	var g placementBatches
	var running, overlaps atomic.Int32
	var mu sync.Mutex
	var sizes []int
	release := make(chan struct{})
	placeAll := func(_ context.Context, ids []uuid.UUID) ([]domain.PlacementOutcome, error) {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		mu.Lock()
		sizes = append(sizes, len(ids))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			<-release // the others arrive meanwhile
		}
		out := make([]domain.PlacementOutcome, len(ids))
		for i, id := range ids {
			out[i] = domain.PlacementOutcome{Placement: &domain.Placement{VM: domain.VM{ID: id}}}
			if id[0]%2 == 0 {
				out[i] = domain.PlacementOutcome{Err: domain.ErrNoCapacity}
			}
		}
		return out, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ids := make([]uuid.UUID, 20)
	errs := make([]error, len(ids))
	got := make([]*domain.Placement, len(ids))
	var wg sync.WaitGroup
	for i := range ids {
		ids[i] = uuid.New()
		wg.Go(func() { got[i], errs[i] = g.place(ctx, "lab", ids[i], placeAll) })
		if i == 0 {
			require.Eventually(t, func() bool { return running.Load() == 1 }, 5*time.Second, time.Millisecond)
		}
	}
	require.Eventually(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.queues["lab"].waiting) == len(ids)-1
	}, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	for i, id := range ids {
		if id[0]%2 == 0 {
			require.True(t, errors.Is(errs[i], domain.ErrNoCapacity), "VM %d: %v", i, errs[i])
			continue
		}
		require.NoError(t, errs[i])
		require.Equal(t, id, got[i].VM.ID, "each caller gets its own placement")
	}
	require.Equal(t, []int{1, len(ids) - 1}, sizes, "the 19 that waited were placed together")
	require.Zero(t, overlaps.Load())
}

// TestAPlacementThatGivesUpWhileWaitingLeavesTheQueue: a caller whose
// context ends while another batch runs is not placed.
func TestAPlacementThatGivesUpWhileWaitingLeavesTheQueue(t *testing.T) {
	t.Parallel()
	var g placementBatches
	release := make(chan struct{})
	var placed sync.Map
	placeAll := func(_ context.Context, ids []uuid.UUID) ([]domain.PlacementOutcome, error) {
		<-release
		out := make([]domain.PlacementOutcome, len(ids))
		for i, id := range ids {
			placed.Store(id, true)
			out[i].Placement = &domain.Placement{}
		}
		return out, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, quitter := uuid.New(), uuid.New()
	done := make(chan error, 1)
	go func() { _, err := g.place(ctx, "lab", first, placeAll); done <- err }()
	require.Eventually(t, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.queues["lab"] != nil && g.queues["lab"].running
	}, 5*time.Second, time.Millisecond)
	qctx, qcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer qcancel()
	_, err := g.place(qctx, "lab", quitter, placeAll)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	require.NoError(t, <-done)
	_, ok := placed.Load(quitter)
	require.False(t, ok, "the caller that left is not placed")
	g.mu.Lock()
	defer g.mu.Unlock()
	require.False(t, g.queues["lab"].running)
	require.Empty(t, g.queues["lab"].waiting)
}
