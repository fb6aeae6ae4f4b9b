package workflows

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// DiagnosticsInput asks for a check of every worker queue.
type DiagnosticsInput struct {
	OperationID uuid.UUID
	Queues      []string
	// PickupTimeout is how long a queue may go without a worker picking up
	// the probe before it is reported unreached; zero means
	// DefaultPickupTimeout.
	PickupTimeout time.Duration
}

// DefaultPickupTimeout is a diagnostics probe's pickup timeout when the
// request names none.
const DefaultPickupTimeout = 30 * time.Second

// DiagnosticsWorkflowID returns the workflow ID of a diagnostics operation.
func DiagnosticsWorkflowID(operationID uuid.UUID) string {
	return "system/diagnostics/" + operationID.String()
}

// QueueProbe is the finding for one task queue.
type QueueProbe struct {
	Queue   string                  `json:"queue"`
	Reached bool                    `json:"reached"`
	Error   string                  `json:"error,omitempty"`
	Report  *activities.ProbeReport `json:"report,omitempty"`
}

// DiagnosticsResult says whether every queue has a worker and every worker
// reaches its dependencies.
type DiagnosticsResult struct {
	Healthy bool         `json:"healthy"`
	Probes  []QueueProbe `json:"probes"`
}

// Diagnostics sends a probe to every queue in parallel and reports, per
// queue, whether a worker picked it up and what that worker could reach.
// It completes (with Healthy false) rather than fails when something is
// down: the report is the product.
func Diagnostics(ctx workflow.Context, in DiagnosticsInput) (DiagnosticsResult, error) {
	wf := &diagnostics{in: in, progress: progress{operationID: in.OperationID}}
	if err := wf.setup(ctx); err != nil {
		return DiagnosticsResult{}, err
	}
	return wf.run(ctx)
}

type diagnostics struct {
	in DiagnosticsInput
	progress
}

func (wf *diagnostics) run(ctx workflow.Context) (DiagnosticsResult, error) {
	if wf.in.PickupTimeout <= 0 {
		wf.in.PickupTimeout = DefaultPickupTimeout
	}
	if err := wf.report(ctx, domain.OpRunning, "probing workers", "", nil); err != nil {
		return DiagnosticsResult{}, err
	}
	futures := make([]workflow.Future, len(wf.in.Queues))
	for i, q := range wf.in.Queues {
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue:              q,
			ScheduleToStartTimeout: wf.in.PickupTimeout,
			StartToCloseTimeout:    30 * time.Second,
			RetryPolicy:            &temporal.RetryPolicy{MaximumAttempts: 1},
		})
		futures[i] = workflow.ExecuteActivity(actx, system.ProbeWorker)
	}
	res := DiagnosticsResult{Healthy: true, Probes: make([]QueueProbe, len(futures))}
	for i, f := range futures {
		p := QueueProbe{Queue: wf.in.Queues[i]}
		var r activities.ProbeReport
		if err := f.Get(ctx, &r); err != nil {
			p.Error = probeError(p.Queue, wf.in.PickupTimeout, err)
		} else {
			p.Reached, p.Report = true, &r
		}
		res.Healthy = res.Healthy && p.Reached && r.Healthy
		res.Probes[i] = p
	}
	if err := wf.report(ctx, domain.OpCompleted, "done", "", domain.JSONObject(res)); err != nil {
		return res, err
	}
	return res, nil
}

// probeError explains why a probe did not come back.
func probeError(queue string, pickup time.Duration, err error) string {
	var te *temporal.TimeoutError
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START {
		return fmt.Sprintf("no worker picked up the probe on queue %q within %s; start one with: labforge-worker --queues %s", queue, pickup, queue)
	}
	return err.Error()
}
