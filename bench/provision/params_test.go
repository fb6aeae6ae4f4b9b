package provision

import (
	"flag"
	"fmt"
	"time"

	"github.com/labforge/labforge/bench/internal/benchstack"
)

// params are one benchmark's shape; each comes from a flag or, when the
// flag is not given, from its LABFORGE_BENCH_* variable, then the default.
type params struct {
	N, K, C int
	// T is the simulated (unscaled) duration of one linked clone.
	T time.Duration
	// Scale is the simulator's time scale; one clone takes T*Scale of real time.
	Scale float64
	// Poll is the first interval of the clone activity's task polling.
	Poll time.Duration
	// Start makes CloneVM start each VM and wait for its agent address.
	Start bool
	// Timeout bounds the wait for all N workflows.
	Timeout time.Duration
	// Starts is how many workflow starts the platform's client sends at
	// once (LABFORGE_TEMPORAL_START_CONCURRENCY); N or more starts all N
	// together.
	Starts int
}

var (
	flagN       = flag.Int("provision.n", 0, "VMs to provision (LABFORGE_BENCH_N, default 200)")
	flagK       = flag.Int("provision.k", 0, "simulated nodes (LABFORGE_BENCH_K, default 4)")
	flagC       = flag.Int("provision.c", 0, "clone_concurrency of each node (LABFORGE_BENCH_C, default 4)")
	flagT       = flag.Duration("provision.t", 0, "simulated linked-clone duration (LABFORGE_BENCH_T, default 20s)")
	flagScale   = flag.Float64("provision.scale", 0, "simulator time scale (LABFORGE_BENCH_SCALE, default 0.1)")
	flagPoll    = flag.Duration("provision.poll", 0, "first task-poll interval (LABFORGE_BENCH_POLL, default 1s x scale)")
	flagStart   = flag.Bool("provision.start", false, "start the VMs and wait for their address (LABFORGE_BENCH_START)")
	flagTimeout = flag.Duration("provision.timeout", 0, "deadline for one round (LABFORGE_BENCH_TIMEOUT, default 10m)")
	flagStarts  = flag.Int("provision.starts", 0, "workflow starts in flight at once, N for all together (LABFORGE_BENCH_STARTS, default 2)")
)

// loadParams reads the flags and LABFORGE_BENCH_* variables.
func loadParams() (params, error) {
	p := params{N: *flagN, K: *flagK, C: *flagC, T: *flagT, Scale: *flagScale, Poll: *flagPoll, Start: *flagStart, Timeout: *flagTimeout, Starts: *flagStarts}
	var env benchstack.Settings
	env.Int(&p.N, "LABFORGE_BENCH_N")
	env.Int(&p.K, "LABFORGE_BENCH_K")
	env.Int(&p.C, "LABFORGE_BENCH_C")
	env.Duration(&p.T, "LABFORGE_BENCH_T")
	env.Float(&p.Scale, "LABFORGE_BENCH_SCALE")
	env.Duration(&p.Poll, "LABFORGE_BENCH_POLL")
	env.Bool(&p.Start, "LABFORGE_BENCH_START")
	env.Duration(&p.Timeout, "LABFORGE_BENCH_TIMEOUT")
	env.Int(&p.Starts, "LABFORGE_BENCH_STARTS")
	if err := env.Err(); err != nil {
		return p, err
	}
	benchstack.Default(&p.N, 200)
	benchstack.Default(&p.K, 4)
	benchstack.Default(&p.C, 4)
	benchstack.Default(&p.T, 20*time.Second)
	benchstack.Default(&p.Scale, 0.1)
	benchstack.Default(&p.Poll, benchstack.DefaultPoll(p.Scale))
	benchstack.Default(&p.Timeout, 10*time.Minute)
	benchstack.Default(&p.Starts, 2)
	switch {
	case p.N < 1 || p.K < 1:
		return p, fmt.Errorf("N and K must be at least 1 (N=%d, K=%d)", p.N, p.K)
	case p.C < 1 || p.C > 64:
		return p, fmt.Errorf("C is a node's clone_concurrency, 1 to 64 (C=%d)", p.C)
	case p.Starts < 1:
		return p, fmt.Errorf("starts in flight must be at least 1 (starts=%d)", p.Starts)
	case p.Scale <= 0 || p.T <= 0:
		return p, fmt.Errorf("T and the time scale must be positive (T=%s, scale=%v)", p.T, p.Scale)
	}
	return p, nil
}

// cloneReal is the real-time duration of one clone.
func (p params) cloneReal() time.Duration { return time.Duration(float64(p.T) * p.Scale) }

// bound is the capacity bound ceil(N/(K*C)) * cloneReal: the makespan if
// every node ran C clones at all times and nothing else took time.
func (p params) bound() time.Duration {
	waves := (p.N + p.K*p.C - 1) / (p.K * p.C)
	return time.Duration(waves) * p.cloneReal()
}
