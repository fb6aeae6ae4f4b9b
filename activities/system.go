package activities

import (
	"context"
	"fmt"
	"os"
	"time"

	"go.temporal.io/sdk/activity"
)

// Pinger is a dependency a worker can check: PostgreSQL, MongoDB, ...
type Pinger interface {
	Ping(ctx context.Context) error
}

// System holds activities about the platform itself.
type System struct {
	// Identity names this worker process in reports (the Temporal worker identity).
	Identity string
	// Dependencies maps a dependency name ("postgresql", "mongodb") to its check.
	Dependencies map[string]Pinger
}

// ProbeReport is what one worker says about itself and its dependencies.
type ProbeReport struct {
	Queue     string            `json:"queue"`
	Worker    string            `json:"worker"`
	Host      string            `json:"host"`
	Checks    map[string]string `json:"checks"`
	Healthy   bool              `json:"healthy"`
	LatencyMS int64             `json:"latency_ms"`
}

// ProbeWorker checks every dependency of the worker that picks it up. Its
// report says which worker, on which queue, reached what; it never fails
// because a dependency is down — that is the finding.
func (a *System) ProbeWorker(ctx context.Context) (ProbeReport, error) {
	info := activity.GetInfo(ctx)
	host, _ := os.Hostname()
	r := ProbeReport{Queue: info.TaskQueue, Worker: a.Identity, Host: host, Checks: map[string]string{}, Healthy: true}
	start := time.Now()
	for name, p := range a.Dependencies {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := p.Ping(cctx)
		cancel()
		if err != nil {
			r.Checks[name] = fmt.Sprintf("unreachable: %v", err)
			r.Healthy = false
			continue
		}
		r.Checks[name] = "ok"
	}
	r.LatencyMS = time.Since(start).Milliseconds()
	return r, nil
}
