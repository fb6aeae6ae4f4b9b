package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Tuning is how persistent the VM lifecycle workflows are before a failing
// step asks for the operator, and how soon the work of a worker that died
// moves to another one. The worker sets it from its configuration
// (LABFORGE_STEP_RETRY_INTERVAL, LABFORGE_STEP_MAX_ATTEMPTS,
// LABFORGE_HEARTBEAT_TIMEOUT); a zero field keeps the default.
//
// Tuning changes only the activity options the workflows schedule with,
// never the commands they issue, so workers with different tunings can
// share histories.
type Tuning struct {
	// StepRetryInterval is the first wait before a failed activity of a
	// step runs again; each further wait doubles, up to two minutes.
	// Default 2s.
	StepRetryInterval time.Duration
	// StepMaxAttempts is how often a step's activity runs before the step
	// waits for the operator. Default 8 (with the default interval about
	// four minutes of retrying).
	StepMaxAttempts int
	// HeartbeatTimeout is how long a long activity (clone, delete, power,
	// snapshot) may go without a heartbeat before Temporal retries it,
	// typically on another worker. Default 1m.
	HeartbeatTimeout time.Duration
}

// maxStepRetryInterval caps the doubling of StepRetryInterval.
const maxStepRetryInterval = 2 * time.Minute

// DefaultTuning is the tuning a worker uses when nothing is configured.
func DefaultTuning() Tuning {
	return Tuning{StepRetryInterval: 2 * time.Second, StepMaxAttempts: 8, HeartbeatTimeout: time.Minute}
}

// withDefaults fills t's zero fields from DefaultTuning.
func (t Tuning) withDefaults() Tuning {
	d := DefaultTuning()
	if t.StepRetryInterval <= 0 {
		t.StepRetryInterval = d.StepRetryInterval
	}
	if t.StepMaxAttempts <= 0 {
		t.StepMaxAttempts = d.StepMaxAttempts
	}
	if t.HeartbeatTimeout <= 0 {
		t.HeartbeatTimeout = d.HeartbeatTimeout
	}
	return t
}

// apply returns opts under t: a step's bounded retry policy (one with
// MaximumAttempts) takes t's interval and attempts, and an activity that
// heartbeats takes t's heartbeat timeout. Waits bounded by time instead of
// attempts (a clone slot, the guest agent) keep their own policy.
func (t Tuning) apply(opts workflow.ActivityOptions) workflow.ActivityOptions {
	if opts.RetryPolicy != nil && opts.RetryPolicy.MaximumAttempts > 0 {
		rp := *opts.RetryPolicy
		rp.InitialInterval = t.StepRetryInterval
		rp.MaximumInterval = max(maxStepRetryInterval, t.StepRetryInterval)
		rp.MaximumAttempts = int32(t.StepMaxAttempts)
		opts.RetryPolicy = &rp
	}
	if opts.HeartbeatTimeout > 0 {
		opts.HeartbeatTimeout = t.HeartbeatTimeout
	}
	return opts
}

// tuningKey is the workflow-context key of the worker's Tuning.
type tuningKey struct{}

// withTuning makes fn, a workflow function, run with t in its context.
func withTuning[In, Out any](t Tuning, fn func(workflow.Context, In) (Out, error)) func(workflow.Context, In) (Out, error) {
	return func(ctx workflow.Context, in In) (Out, error) {
		return fn(workflow.WithValue(ctx, tuningKey{}, t), in)
	}
}

// withTuningNoResult is withTuning for a workflow without a result.
func withTuningNoResult[In any](t Tuning, fn func(workflow.Context, In) error) func(workflow.Context, In) error {
	return func(ctx workflow.Context, in In) error {
		return fn(workflow.WithValue(ctx, tuningKey{}, t), in)
	}
}

// tuned returns opts under the tuning in ctx, or under DefaultTuning.
func tuned(ctx workflow.Context, opts workflow.ActivityOptions) workflow.ActivityOptions {
	t, ok := ctx.Value(tuningKey{}).(Tuning)
	if !ok {
		t = DefaultTuning()
	}
	return t.apply(opts)
}
