package provision

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
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
)

// loadParams reads the flags and LABFORGE_BENCH_* variables.
func loadParams() (params, error) {
	var p params
	var err error
	pick := func(name string, flagSet bool, parse func(string) error) {
		if flagSet || err != nil {
			return
		}
		if v := os.Getenv(name); v != "" {
			if perr := parse(v); perr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, perr)
			}
		}
	}
	atoi := func(dst *int) func(string) error {
		return func(v string) (e error) { *dst, e = strconv.Atoi(v); return }
	}
	dur := func(dst *time.Duration) func(string) error {
		return func(v string) (e error) { *dst, e = time.ParseDuration(v); return }
	}
	p.N, p.K, p.C, p.T, p.Scale, p.Poll, p.Start, p.Timeout =
		*flagN, *flagK, *flagC, *flagT, *flagScale, *flagPoll, *flagStart, *flagTimeout
	pick("LABFORGE_BENCH_N", p.N != 0, atoi(&p.N))
	pick("LABFORGE_BENCH_K", p.K != 0, atoi(&p.K))
	pick("LABFORGE_BENCH_C", p.C != 0, atoi(&p.C))
	pick("LABFORGE_BENCH_T", p.T != 0, dur(&p.T))
	pick("LABFORGE_BENCH_SCALE", p.Scale != 0, func(v string) (e error) { p.Scale, e = strconv.ParseFloat(v, 64); return })
	pick("LABFORGE_BENCH_POLL", p.Poll != 0, dur(&p.Poll))
	pick("LABFORGE_BENCH_START", p.Start, func(v string) (e error) { p.Start, e = strconv.ParseBool(v); return })
	pick("LABFORGE_BENCH_TIMEOUT", p.Timeout != 0, dur(&p.Timeout))
	if err != nil {
		return p, err
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&p.N, 200)
	def(&p.K, 4)
	def(&p.C, 4)
	if p.T == 0 {
		p.T = 20 * time.Second
	}
	if p.Scale == 0 {
		p.Scale = 0.1
	}
	if p.Poll == 0 {
		p.Poll = max(time.Duration(float64(time.Second)*p.Scale), time.Millisecond)
	}
	if p.Timeout == 0 {
		p.Timeout = 10 * time.Minute
	}
	switch {
	case p.N < 1 || p.K < 1:
		return p, fmt.Errorf("N and K must be at least 1 (N=%d, K=%d)", p.N, p.K)
	case p.C < 1 || p.C > 64:
		return p, fmt.Errorf("C is a node's clone_concurrency, 1 to 64 (C=%d)", p.C)
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
