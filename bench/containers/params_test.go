package containers

import (
	"flag"
	"fmt"
	"time"

	"github.com/labforge/labforge/bench/internal/benchstack"
)

// params are one benchmark's shape; each comes from a flag or, when the
// flag is not given, from its LABFORGE_BENCH_* variable, then the default.
type params struct {
	N, K int
	// Scale is the simulator's time scale (a 20 s container create takes
	// 20 s × Scale).
	Scale float64
	// Poll is the first interval of the Proxmox activities' task polling.
	Poll time.Duration
	// InFlight bounds the create requests sent at once.
	InFlight int
	// Probe is the interval of each container's HTTP polling through NGINX.
	Probe time.Duration
	// Locks is the simulator's storage-lock limit: how many create tasks
	// run on one storage at once before the rest wait, and fail after the
	// lock timeout (10 s simulated). Zero is the simulator's 4; negative
	// is no limit.
	Locks int
	// RenderOnly makes the gateway render-only even when nginx and
	// dnsmasq are installed.
	RenderOnly bool
	// Timeout bounds one round.
	Timeout time.Duration
}

var (
	flagN          = flag.Int("containers.n", 0, "containers to create (LABFORGE_BENCH_N, default 100)")
	flagK          = flag.Int("containers.k", 0, "simulated nodes of the site (LABFORGE_BENCH_K, default 2)")
	flagScale      = flag.Float64("containers.scale", 0, "simulator time scale (LABFORGE_BENCH_SCALE, default 0.01)")
	flagPoll       = flag.Duration("containers.poll", 0, "first task-poll interval (LABFORGE_BENCH_POLL, default 1s x scale)")
	flagInFlight   = flag.Int("containers.inflight", 0, "create requests in flight at once (LABFORGE_BENCH_INFLIGHT, default 20)")
	flagProbe      = flag.Duration("containers.probe", 0, "HTTP polling interval through NGINX (LABFORGE_BENCH_PROBE, default 100ms)")
	flagLocks      = flag.Int("containers.locks", 0, "simulator storage-lock limit, -1 for none (LABFORGE_BENCH_LOCKS, default 4)")
	flagRenderOnly = flag.Bool("containers.render-only", false, "render the gateway's files only (LABFORGE_BENCH_RENDER_ONLY)")
	flagTimeout    = flag.Duration("containers.timeout", 0, "deadline for one round (LABFORGE_BENCH_TIMEOUT, default 5m)")
)

// loadParams reads the flags and LABFORGE_BENCH_* variables.
func loadParams() (params, error) {
	p := params{N: *flagN, K: *flagK, Scale: *flagScale, Poll: *flagPoll, InFlight: *flagInFlight, Probe: *flagProbe, Locks: *flagLocks,
		RenderOnly: *flagRenderOnly, Timeout: *flagTimeout}
	var env benchstack.Settings
	env.Int(&p.N, "LABFORGE_BENCH_N")
	env.Int(&p.K, "LABFORGE_BENCH_K")
	env.Float(&p.Scale, "LABFORGE_BENCH_SCALE")
	env.Duration(&p.Poll, "LABFORGE_BENCH_POLL")
	env.Int(&p.InFlight, "LABFORGE_BENCH_INFLIGHT")
	env.Duration(&p.Probe, "LABFORGE_BENCH_PROBE")
	env.Int(&p.Locks, "LABFORGE_BENCH_LOCKS")
	env.Bool(&p.RenderOnly, "LABFORGE_BENCH_RENDER_ONLY")
	env.Duration(&p.Timeout, "LABFORGE_BENCH_TIMEOUT")
	if err := env.Err(); err != nil {
		return p, err
	}
	p.withDefaults()
	return p, p.validate()
}

// withDefaults fills every unset field.
func (p *params) withDefaults() {
	benchstack.Default(&p.N, 100)
	benchstack.Default(&p.K, 2)
	benchstack.Default(&p.Scale, 0.01)
	benchstack.Default(&p.Poll, benchstack.DefaultPoll(p.Scale))
	benchstack.Default(&p.InFlight, 20)
	benchstack.Default(&p.Probe, 100*time.Millisecond)
	benchstack.Default(&p.Timeout, 5*time.Minute)
}

// validate reports a shape the benchmark cannot run.
func (p params) validate() error {
	switch {
	case p.N < 1 || p.N > maxContainers:
		return fmt.Errorf("N must be 1 to %d, the containers the site's DHCP range and the simulator's guest ports hold (N=%d)", maxContainers, p.N)
	case p.K < 1 || p.K > 64:
		return fmt.Errorf("K must be 1 to 64 (K=%d)", p.K)
	case p.Scale <= 0:
		return fmt.Errorf("the time scale must be positive (scale=%v)", p.Scale)
	case p.InFlight < 1:
		return fmt.Errorf("in-flight requests must be at least 1 (%d)", p.InFlight)
	}
	return nil
}
