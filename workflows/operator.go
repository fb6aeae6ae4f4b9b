package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// OperatorSignal is the signal an operator sends to a workflow waiting in
// LabforgeState=AwaitingOperator, with an OperatorDecision as payload:
//
//	temporal workflow signal --workflow-id vm/<id>/clone --name operator --input '{"action":"retry"}'
const OperatorSignal = "operator"

// OperatorAction is what an operator decides about a failed step.
type OperatorAction string

// Operator actions: retry the step, skip it (only where the step says
// that is safe; otherwise the workflow keeps waiting), or abort the
// operation, compensating what it did.
const (
	OperatorRetry OperatorAction = "retry"
	OperatorSkip  OperatorAction = "skip"
	OperatorAbort OperatorAction = "abort"
)

// OperatorDecision is the payload of the operator signal.
type OperatorDecision struct {
	Action OperatorAction `json:"action"`
	// Reason is the operator's note, logged with the decision.
	Reason string `json:"reason,omitempty"`
}

// IsAborted reports whether err ends an operation an operator aborted
// (error type activities.ErrTypeAborted).
func IsAborted(err error) bool { return activities.HasErrorType(err, activities.ErrTypeAborted) }

// operator runs a workflow's steps: when a step fails after its
// activities' retries, the workflow does not fail but reports
// AwaitingOperator with the reason and waits for the operator signal.
type operator struct {
	p       *progress
	signals workflow.ReceiveChannel
	// abortOnFailure makes a failed step abort at once, as if the
	// operator had decided so: the caller retries the whole operation.
	abortOnFailure bool
}

func newOperator(ctx workflow.Context, p *progress) *operator {
	return &operator{p: p, signals: workflow.GetSignalChannel(ctx, OperatorSignal)}
}

// stepOpts say what an operator may do with a failed step.
type stepOpts struct {
	// skippable lets the operator skip the step: the operation is correct
	// without it (a snapshot, waiting for an address).
	skippable bool
}

// step reports name as the current step and runs fn. When fn fails it
// waits for the operator: retry runs fn again, skip (if allowed) returns
// nil, abort returns an Aborted error wrapping the failure. Cancellation of
// the workflow ends the wait with ctx's error.
func (o *operator) step(ctx workflow.Context, name string, opts stepOpts, fn func(ctx workflow.Context) error) error {
	for {
		if err := o.p.report(ctx, domain.OpRunning, name, "", nil); err != nil {
			return err
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || temporal.IsCanceledError(err) {
			return err
		}
		reason := fmt.Sprintf("step %q failed: %s", name, failureMessage(err))
		if o.abortOnFailure {
			workflow.GetLogger(ctx).Warn("step failed; aborting without waiting for an operator", "step", name, "error", err)
			return temporal.NewNonRetryableApplicationError("aborted: "+reason, activities.ErrTypeAborted, err)
		}
		workflow.GetLogger(ctx).Warn("step failed; waiting for the operator", "step", name, "error", err)
		if rerr := o.p.reportAwaiting(ctx, name, reason, opts.skippable); rerr != nil {
			return rerr
		}
		action, werr := o.await(ctx, name, opts)
		switch {
		case werr != nil:
			return werr
		case action == OperatorSkip:
			return nil
		case action == OperatorAbort:
			return temporal.NewNonRetryableApplicationError("aborted by the operator: "+reason, activities.ErrTypeAborted, err)
		}
	}
}

// await blocks until a usable decision arrives or ctx is cancelled.
func (o *operator) await(ctx workflow.Context, name string, opts stepOpts) (OperatorAction, error) {
	for {
		var d OperatorDecision
		var cancelled bool
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(o.signals, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &d) })
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) { cancelled = true })
		sel.Select(ctx)
		if cancelled {
			return "", ctx.Err()
		}
		log := workflow.GetLogger(ctx)
		switch {
		case d.Action == OperatorRetry, d.Action == OperatorAbort, d.Action == OperatorSkip && opts.skippable:
			log.Info("operator decision", "step", name, "action", d.Action, "reason", d.Reason)
			return d.Action, nil
		case d.Action == OperatorSkip:
			log.Warn("step cannot be skipped; still waiting for retry or abort", "step", name)
		default:
			log.Warn("unknown operator action; use retry, skip or abort", "action", d.Action)
		}
	}
}

// failureMessage is a failure's own message and error type, as operators
// read it in reasons and results: "no online node ... [NoCapacity]",
// without the SDK's "activity error (type: ...)" wrapping or a repeat of
// the cause the message already states.
func failureMessage(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		if ae.Type() != "" {
			return ae.Message() + " [" + ae.Type() + "]"
		}
		return ae.Message()
	}
	return err.Error()
}
