package event

import (
	"flag"
	"fmt"
	"time"

	"github.com/labforge/labforge/bench/internal/benchstack"
)

// params are the benchmark's shape and the event's own settings; each
// comes from a flag or, when the flag is not given, from its
// LABFORGE_BENCH_* variable, then the default.
type params struct {
	benchstack.Shape
	// Concurrency is the event's bound on VM workflows in flight
	// (LABFORGE_EVENT_DEPLOY_CONCURRENCY).
	Concurrency int
	// Slack is the lead time beyond the capacity bound and a VM's start.
	Slack time.Duration
}

var (
	flagN           = flag.Int("event.n", 0, "participants, one VM each (LABFORGE_BENCH_N, default 200)")
	flagK           = flag.Int("event.k", 0, "simulated nodes (LABFORGE_BENCH_K, default 4)")
	flagC           = flag.Int("event.c", 0, "clone_concurrency of each node (LABFORGE_BENCH_C, default 4)")
	flagT           = flag.Duration("event.t", 0, "simulated linked-clone duration (LABFORGE_BENCH_T, default 20s)")
	flagScale       = flag.Float64("event.scale", 0, "simulator time scale (LABFORGE_BENCH_SCALE, default 0.1)")
	flagPoll        = flag.Duration("event.poll", 0, "first task-poll interval (LABFORGE_BENCH_POLL, default 1s x scale)")
	flagTimeout     = flag.Duration("event.timeout", 0, "deadline for one round (LABFORGE_BENCH_TIMEOUT, default 10m)")
	flagConcurrency = flag.Int("event.concurrency", 0, "VM workflows the event runs at once (LABFORGE_BENCH_EVENT_CONCURRENCY, default 64)")
	flagSlack       = flag.Duration("event.slack", 0, "lead time beyond the bound and a start (LABFORGE_BENCH_EVENT_SLACK, default 5s)")
)

// loadParams reads the flags and LABFORGE_BENCH_* variables.
func loadParams() (params, error) {
	p := params{Shape: benchstack.Shape{N: *flagN, K: *flagK, C: *flagC, T: *flagT, Scale: *flagScale, Poll: *flagPoll,
		Timeout: *flagTimeout}, Concurrency: *flagConcurrency, Slack: *flagSlack}
	var env benchstack.Settings
	env.Int(&p.Concurrency, "LABFORGE_BENCH_EVENT_CONCURRENCY")
	env.Duration(&p.Slack, "LABFORGE_BENCH_EVENT_SLACK")
	if err := p.Load(&env); err != nil {
		return p, err
	}
	benchstack.Default(&p.Concurrency, 64)
	benchstack.Default(&p.Slack, 5*time.Second)
	if p.Concurrency < 1 || p.Concurrency > 1000 {
		return p, fmt.Errorf("the event's concurrency is 1 to 1000 (%d)", p.Concurrency)
	}
	return p, nil
}

// agentBoot is the simulated time from a VM's start to its guest agent's
// address (the simulator's default).
const agentBoot = 10 * time.Second

// leadTime is the event's lead time: the capacity bound, a VM's start
// and boot, and the slack.
func (p params) leadTime() time.Duration {
	return p.Bound() + time.Duration(float64(agentBoot)*p.Scale) + p.Slack
}
