package benchstack

import (
	"testing"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/proxmox"
)

// StartWorkers starts a worker on each queue that registers what
// internal/app's RegisterQueue registers there, activities from set, with
// interceptors (an AttemptCounter, say), and stops it when tb ends.
func StartWorkers(tb testing.TB, p *app.Platform, set activities.Set, queues []string, interceptors ...interceptor.WorkerInterceptor) {
	tb.Helper()
	for _, q := range queues {
		opts := app.WorkerOptions("bench@"+q, p.Config.WorkerActivitySlots)
		opts.Interceptors = interceptors
		w := worker.New(p.Temporal, q, opts)
		if err := p.RegisterQueue(w, q, set, "bench@"+q); err != nil {
			tb.Fatal(err)
		}
		if err := w.Start(); err != nil {
			tb.Fatalf("starting the %s worker: %v", q, err)
		}
		tb.Cleanup(w.Stop)
	}
}

// ScaledWait paces the Proxmox activities' task polling (and a
// container's address wait) from poll, up to ten times poll. At a
// simulator time scale of 1/100 the client's real-time 1 s first poll
// would measure the poll interval rather than the platform, so the
// benchmarks scale it with the simulator (DefaultPoll).
func ScaledWait(poll time.Duration) proxmox.WaitOptions {
	return proxmox.WaitOptions{Interval: poll, MaxInterval: 10 * poll}
}

// DefaultPoll is the first task-poll interval at a simulator time scale:
// the client's 1 s times scale, at least a millisecond.
func DefaultPoll(scale float64) time.Duration {
	return max(time.Duration(float64(time.Second)*scale), time.Millisecond)
}
