package benchstack

import (
	"fmt"
	"time"
)

// Shape is the cluster and clone shape a provisioning benchmark measures
// against: N VMs over K nodes that clone C at a time, one clone taking T
// of simulated time at time scale Scale, the Proxmox activities polling
// tasks from Poll, and one round bounded by Timeout.
type Shape struct {
	N, K, C int
	T       time.Duration
	Scale   float64
	Poll    time.Duration
	Timeout time.Duration
}

// Load fills the fields no flag set from LABFORGE_BENCH_N, _K, _C, _T,
// _SCALE, _POLL and _TIMEOUT, then the defaults (N=200, K=4, C=4, T=20s,
// scale 0.1, poll DefaultPoll(scale), timeout 10m), and checks them.
func (s *Shape) Load(env *Settings) error {
	env.Int(&s.N, "LABFORGE_BENCH_N")
	env.Int(&s.K, "LABFORGE_BENCH_K")
	env.Int(&s.C, "LABFORGE_BENCH_C")
	env.Duration(&s.T, "LABFORGE_BENCH_T")
	env.Float(&s.Scale, "LABFORGE_BENCH_SCALE")
	env.Duration(&s.Poll, "LABFORGE_BENCH_POLL")
	env.Duration(&s.Timeout, "LABFORGE_BENCH_TIMEOUT")
	if err := env.Err(); err != nil {
		return err
	}
	Default(&s.N, 200)
	Default(&s.K, 4)
	Default(&s.C, 4)
	Default(&s.T, 20*time.Second)
	Default(&s.Scale, 0.1)
	Default(&s.Poll, DefaultPoll(s.Scale))
	Default(&s.Timeout, 10*time.Minute)
	switch {
	case s.N < 1 || s.K < 1:
		return fmt.Errorf("N and K must be at least 1 (N=%d, K=%d)", s.N, s.K)
	case s.C < 1 || s.C > 64:
		return fmt.Errorf("C is a node's clone_concurrency, 1 to 64 (C=%d)", s.C)
	case s.Scale <= 0 || s.T <= 0:
		return fmt.Errorf("T and the time scale must be positive (T=%s, scale=%v)", s.T, s.Scale)
	}
	return nil
}

// CloneReal is the real-time duration of one clone.
func (s Shape) CloneReal() time.Duration { return time.Duration(float64(s.T) * s.Scale) }

// Bound is the capacity bound ceil(N/(K*C)) * CloneReal: the makespan if
// every node ran C clones at all times and nothing else took time.
func (s Shape) Bound() time.Duration {
	waves := (s.N + s.K*s.C - 1) / (s.K * s.C)
	return time.Duration(waves) * s.CloneReal()
}
