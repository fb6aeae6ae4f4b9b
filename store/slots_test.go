package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestCloneSlotsNeverExceedTheNodeCap(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	node := uuid.New()

	const workers, nodeCap = 20, 3
	var holding, most atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			holder := fmt.Sprintf("vm/%d/clone", i)
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				got, err := db.AcquireCloneSlot(ctx, node, "lab:local-lvm", holder, nodeCap, 10, time.Minute)
				if err != nil {
					errs[i] = err
					return
				}
				if !got {
					time.Sleep(time.Millisecond)
					continue
				}
				n := holding.Add(1)
				if holders, err := db.CloneSlotHolders(ctx, node); err != nil || len(holders) > nodeCap {
					errs[i] = fmt.Errorf("holders %v (%v) exceed the cap", holders, err)
				}
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				holding.Add(-1)
				if err := db.ReleaseCloneSlot(ctx, holder); err != nil {
					errs[i] = err
				}
				return
			}
			errs[i] = fmt.Errorf("%s never got a slot", holder)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.LessOrEqual(t, most.Load(), int32(nodeCap), "never more than the cap hold a slot at once")
	require.Positive(t, most.Load())
}

func TestCloneSlotsCapStorageAcrossNodesAndAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n1, n2 := uuid.New(), uuid.New()

	got, err := db.AcquireCloneSlot(ctx, n1, "lab:shared", "a", 5, 2, time.Minute)
	require.NoError(t, err)
	require.True(t, got)
	got, err = db.AcquireCloneSlot(ctx, n1, "lab:shared", "a", 5, 2, time.Minute)
	require.NoError(t, err)
	require.True(t, got, "re-acquiring by the same holder keeps its slot")
	got, err = db.AcquireCloneSlot(ctx, n2, "lab:shared", "b", 5, 2, time.Minute)
	require.NoError(t, err)
	require.True(t, got)
	got, err = db.AcquireCloneSlot(ctx, n2, "lab:shared", "c", 5, 2, time.Minute)
	require.NoError(t, err)
	require.False(t, got, "the storage cap spans nodes")

	require.NoError(t, db.ReleaseCloneSlot(ctx, "a"))
	require.NoError(t, db.ReleaseCloneSlot(ctx, "a"), "releasing twice is a no-op")
	got, err = db.AcquireCloneSlot(ctx, n2, "lab:shared", "c", 5, 2, time.Minute)
	require.NoError(t, err)
	require.True(t, got)

	holders, err := db.CloneSlotHolders(ctx, n2)
	require.NoError(t, err)
	require.Equal(t, []string{"b", "c"}, holders)
	ok, err := db.RenewCloneSlot(ctx, "b", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = db.RenewCloneSlot(ctx, "gone", time.Minute)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestExpiredCloneSlotsAreReclaimed(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	node := uuid.New()
	got, err := db.AcquireCloneSlot(ctx, node, "lab:local-lvm", "crashed", 1, 1, time.Minute)
	require.NoError(t, err)
	require.True(t, got)
	got, err = db.AcquireCloneSlot(ctx, node, "lab:local-lvm", "next", 1, 1, time.Minute)
	require.NoError(t, err)
	require.False(t, got)
	// The holder crashed and never renewed: its lease runs out.
	_, err = db.Pool().Exec(ctx, `UPDATE clone_slots SET expires_at = now() - interval '1 second' WHERE holder = 'crashed'`)
	require.NoError(t, err)
	got, err = db.AcquireCloneSlot(ctx, node, "lab:local-lvm", "next", 1, 1, time.Minute)
	require.NoError(t, err)
	require.True(t, got, "an expired lease is reclaimed")
}

func TestReleasingACloneSlotNotifiesListeners(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	node := uuid.New()

	// The probes below may be announced late, after the probing ended;
	// only the releases under test reach payloads.
	payloads := make(chan string, 16)
	probes := make(chan string, 16)
	listening := make(chan struct{})
	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- db.Listen(lctx, store.CloneSlotChannel, func(p string) {
			if strings.HasSuffix(p, " lab:probe") {
				select { // late probes nobody waits for are dropped
				case probes <- p:
				default:
				}
				return
			}
			payloads <- p
		}, nil)
	}()
	// LISTEN is in place once a notification sent after it arrives.
	go func() {
		defer close(listening)
		for {
			select {
			case <-lctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
			got, err := db.AcquireCloneSlot(ctx, node, "lab:probe", "probe", 1, 1, time.Minute)
			if err != nil || !got || db.ReleaseCloneSlot(ctx, "probe") != nil {
				return
			}
			select {
			case p := <-probes:
				if p != node.String()+" lab:probe" {
					t.Errorf("the probe's release was announced as %q", p)
				}
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never received a release")
	}

	got, err := db.AcquireCloneSlot(ctx, node, "lab:local-lvm", "vm/1/clone", 1, 1, time.Minute)
	require.NoError(t, err)
	require.True(t, got)
	require.NoError(t, db.ReleaseCloneSlot(ctx, "vm/1/clone"))
	require.NoError(t, db.ReleaseCloneSlot(ctx, "vm/1/clone"), "releasing twice is harmless")
	select {
	case p := <-payloads:
		require.Equal(t, node.String()+" lab:local-lvm", p)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification for the release")
	}
	select {
	case p := <-payloads:
		t.Fatalf("a release of nothing was announced: %q", p)
	case <-time.After(200 * time.Millisecond):
	}
	stop()
	require.NoError(t, <-done)
}
