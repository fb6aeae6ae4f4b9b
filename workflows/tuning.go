package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// Tuning is how persistent the VM lifecycle workflows are before a failing
// step asks for the operator, and how soon the work of a worker that died
// moves to another one. The worker takes it from its configuration
// (LABFORGE_STEP_RETRY_INTERVAL, LABFORGE_STEP_MAX_ATTEMPTS,
// LABFORGE_HEARTBEAT_TIMEOUT, whose defaults internal/config owns); every
// field must be set.
//
// Tuning changes only the activity options the workflows schedule with,
// never the commands they issue, so workers with different tunings can
// share histories.
type Tuning struct {
	// StepRetryInterval is the first wait before a failed activity of a
	// step runs again; each further wait doubles, up to two minutes.
	StepRetryInterval time.Duration
	// StepMaxAttempts is how often a step's activity runs before the step
	// waits for the operator.
	StepMaxAttempts int
	// HeartbeatTimeout is how long a long activity (clone, delete, power,
	// snapshot) may go without a heartbeat before Temporal retries it,
	// typically on another worker.
	HeartbeatTimeout time.Duration
}

// maxStepRetryInterval caps the doubling of StepRetryInterval.
const maxStepRetryInterval = 2 * time.Minute

// Validate reports a field left unset.
func (t Tuning) Validate() error {
	if t.StepRetryInterval <= 0 || t.StepMaxAttempts <= 0 || t.HeartbeatTimeout <= 0 {
		return errors.New("workflow tuning needs a step retry interval, step attempts and a heartbeat timeout")
	}
	return nil
}

// stepRetryPolicy is the retry policy of a step's activity.
func (t Tuning) stepRetryPolicy() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:    t.StepRetryInterval,
		BackoffCoefficient: 2,
		MaximumInterval:    max(maxStepRetryInterval, t.StepRetryInterval),
		MaximumAttempts:    int32(t.StepMaxAttempts),
	}
}

// tuningKey is the workflow-context key of the worker's Tuning.
type tuningKey struct{}

// tuned makes fn, a workflow function, run with t in its context.
func tuned[In, Out any](t Tuning, fn func(workflow.Context, In) (Out, error)) func(workflow.Context, In) (Out, error) {
	return func(ctx workflow.Context, in In) (Out, error) {
		return fn(workflow.WithValue(ctx, tuningKey{}, t), in)
	}
}

// tunedNoResult is tuned for a workflow without a result.
func tunedNoResult[In any](t Tuning, fn func(workflow.Context, In) error) func(workflow.Context, In) error {
	return func(ctx workflow.Context, in In) error {
		return fn(workflow.WithValue(ctx, tuningKey{}, t), in)
	}
}

// tuning returns the Tuning in ctx: every workflow registered by Register has one.
func tuning(ctx workflow.Context) (Tuning, error) {
	t, ok := ctx.Value(tuningKey{}).(Tuning)
	if !ok {
		return Tuning{}, temporal.NewNonRetryableApplicationError(
			"the workflow was registered without a Tuning; register workflows with workflows.Register", activities.ErrTypeInvalid, nil)
	}
	return t, nil
}
