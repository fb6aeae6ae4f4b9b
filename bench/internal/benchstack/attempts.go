package benchstack

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// AttemptCounter is a worker interceptor that counts activity attempts and
// failed attempts by activity type, local activities included, to show
// where a round's time went (a SlotBusy failure is one turn of the
// clone-slot wait).
type AttemptCounter struct {
	interceptor.WorkerInterceptorBase
	mu     sync.Mutex
	counts map[string]AttemptCount
}

// AttemptCount is what an AttemptCounter knows of one activity type.
type AttemptCount struct {
	Attempts, Failed int
	// Last is when the last attempt ended.
	Last time.Time
	// Queued sums the time attempts waited in the task queue (schedule to
	// start); Ran sums the time they ran in the worker.
	Queued, Ran time.Duration
}

// NewAttemptCounter returns an empty counter.
func NewAttemptCounter() *AttemptCounter { return &AttemptCounter{counts: map[string]AttemptCount{}} }

// InterceptActivity counts the worker's activity attempts.
func (c *AttemptCounter) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &countingActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, c: c}
}

type countingActivity struct {
	interceptor.ActivityInboundInterceptorBase
	c *AttemptCounter
}

func (a *countingActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	began := time.Now()
	res, err := a.Next.ExecuteActivity(ctx, in)
	info := activity.GetInfo(ctx)
	a.c.mu.Lock()
	n := a.c.counts[info.ActivityType.Name]
	n.Attempts++
	n.Last = time.Now()
	n.Queued += info.StartedTime.Sub(info.ScheduledTime)
	n.Ran += n.Last.Sub(began)
	if err != nil {
		n.Failed++
	}
	a.c.counts[info.ActivityType.Name] = n
	a.c.mu.Unlock()
	return res, err
}

// Snapshot copies the counts, by activity type.
func (c *AttemptCounter) Snapshot() map[string]AttemptCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]AttemptCount, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// AttemptDiff renders the attempts between two snapshots, one activity
// type a line, with when the type's last attempt ended after start.
func AttemptDiff(before, after map[string]AttemptCount, start time.Time) string {
	names := make([]string, 0, len(after))
	for k := range after {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		a, f := after[k].Attempts-before[k].Attempts, after[k].Failed-before[k].Failed
		if a == 0 {
			continue
		}
		queued := (after[k].Queued - before[k].Queued) / time.Duration(a)
		ran := (after[k].Ran - before[k].Ran) / time.Duration(a)
		fmt.Fprintf(&b, "\n  %6d attempts, %4d failed, mean %8s queued %8s running, last ended at +%-8s %s", a, f,
			queued.Round(time.Millisecond), ran.Round(time.Millisecond), after[k].Last.Sub(start).Round(10*time.Millisecond), k)
	}
	return b.String()
}
