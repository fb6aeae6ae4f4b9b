package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/workflows"
)

// neverStartedAfter is how long an operation may stay pending without a
// workflow before it is reported failed (the API died between recording
// the operation and starting its workflow).
const neverStartedAfter = time.Minute

// startOperation records op (the requester may read it) and starts its
// workflow, of type t, on t's queue. The caller answers 202 with the
// returned operation.
func (s *Server) startOperation(c *gin.Context, op *domain.Operation, t workflows.Type, input any) error {
	err := s.startOperationWith(c, op, t.StartOptions(op.WorkflowID), t, input)
	if _, running := workflows.RunningWorkflow(err); running {
		return domain.Wrap(err, domain.KindConflict, "workflow "+op.WorkflowID+" is already running")
	}
	return err
}

// startOperationWith is startOperation with the caller's start options; the
// LabforgeState and LabforgeOwner search attributes are added to theirs.
// When a workflow with the ID is already running, the operation is
// recorded failed and the Temporal error is returned unwrapped, so that
// workflows.RunningWorkflow recognises it.
func (s *Server) startOperationWith(c *gin.Context, op *domain.Operation, opts client.StartWorkflowOptions, t workflows.Type, input any) error {
	return s.startOperationAfter(c, op, nil, opts, t, input)
}

// startOperationAfter is startOperationWith running prepare, unless nil,
// once op is recorded and before its workflow starts: the record keeps
// other operations off op's VM or container (the store allows one
// unfinished operation per object) while prepare changes it. When prepare
// fails, op is recorded failed and prepare's error returned.
func (s *Server) startOperationAfter(c *gin.Context, op *domain.Operation, prepare func() error,
	opts client.StartWorkflowOptions, t workflows.Type, input any) error {
	ctx := c.Request.Context()
	user := currentUser(c)
	op.RequestedBy, op.State = user.ID, domain.OpPending
	if err := s.operations.CreateOperation(ctx, op); err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			reason := "internal error"
			if domain.KindOf(err) != domain.KindInternal {
				reason = err.Error()
			}
			s.failOperation(c, op, "the request was refused: "+reason)
			return err
		}
	}
	opts.TypedSearchAttributes = temporal.NewSearchAttributes(opts.TypedSearchAttributes.Copy(),
		temporalx.KeyState.ValueSet(workflows.StateValue(domain.OpPending)), temporalx.KeyOwner.ValueSet(user.Username))
	run, err := s.temporal.ExecuteWorkflow(ctx, opts, t.Name, input)
	if err != nil {
		_, running := workflows.RunningWorkflow(err)
		reason := "could not start the workflow: " + err.Error()
		if running {
			reason = "another operation of workflow " + op.WorkflowID + " is in progress"
		}
		s.failOperation(c, op, reason)
		if running {
			return err
		}
		return domain.Wrap(err, domain.KindUnavailable, "Temporal did not accept the operation; try again shortly")
	}
	op.RunID = run.GetRunID()
	return nil
}

// failOperation records op failed for reason, even once the request is
// cancelled.
func (s *Server) failOperation(c *gin.Context, op *domain.Operation, reason string) {
	op.State, op.Error = domain.OpFailed, reason
	if err := s.operations.UpdateOperationProgress(context.WithoutCancel(c.Request.Context()), op); err != nil {
		loggerFrom(c).Error("operation left pending", slog.String("operation", op.ID.String()), slog.Any("error", err))
	}
}

func (s *Server) getOperation(c *gin.Context) {
	id, err := pathID(c, domain.ObjectOperation)
	if err == nil {
		err = s.authorize(c, domain.Ref(domain.ObjectOperation, id), domain.KeyRead)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	op, err := s.operations.FindOperation(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.reconcileOperation(c, op)
	if op.Steps, err = s.operations.ListOperationSteps(c.Request.Context(), id); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, op)
}

// reconcileOperation catches up an unfinished operation record with its
// workflow when the workflow ended without reporting (terminated by an
// operator, timed out, crashed) or never started.
func (s *Server) reconcileOperation(c *gin.Context, op *domain.Operation) {
	if op.State.Terminal() {
		return
	}
	ctx := c.Request.Context()
	desc, err := s.temporal.DescribeWorkflowExecution(ctx, op.WorkflowID, "")
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		status := desc.GetWorkflowExecutionInfo().GetStatus()
		state, reason := closedState(status)
		if state == "" {
			return
		}
		op.State, op.Error = state, reason
	case errors.As(err, &notFound) && time.Since(op.CreatedAt) > neverStartedAfter:
		op.State, op.Error = domain.OpFailed, "the workflow was never started; submit the request again"
	default:
		return
	}
	if err := s.operations.UpdateOperationProgress(ctx, op); err != nil {
		loggerFrom(c).Warn("could not store reconciled operation", slog.String("operation", op.ID.String()), slog.Any("error", err))
	}
}

// closedState maps a closed workflow's status to the operation state it
// implies, or "" while the workflow runs or when it completed (a completed
// workflow reports its own final state).
func closedState(status enumspb.WorkflowExecutionStatus) (domain.OperationState, string) {
	switch status {
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return domain.OpFailed, "the workflow failed; see it in the Temporal Web UI"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return domain.OpFailed, "the workflow timed out"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return domain.OpAborted, "the workflow was terminated by an operator"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return domain.OpAborted, "the workflow was cancelled"
	default:
		return "", ""
	}
}

func (s *Server) listOperations(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.OperationFilter{
		State: domain.OperationState(c.Query("state")), Kind: c.Query("kind"),
		TargetType: c.Query("target_type"), TargetID: c.Query("target_id"), Page: page,
	}
	if raw := c.Query("user"); raw != "" {
		uid, err := uuid.Parse(raw)
		if err != nil {
			abortWithError(c, &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields", Fields: map[string]string{"user": "must be a user id"}})
			return
		}
		f.RequestedBy = &uid
	}
	// Without read access to every operation a caller sees only their own.
	if s.authorize(c, domain.TypeRef(domain.ObjectOperation), domain.KeyRead) != nil {
		me := currentUser(c).ID
		if f.RequestedBy != nil && *f.RequestedBy != me {
			c.JSON(http.StatusOK, newList[domain.Operation](nil, ""))
			return
		}
		f.RequestedBy = &me
	}
	ops, next, err := s.operations.ListOperations(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(ops, next))
}

// acceptOperation answers 202 with the operation and where to poll it.
func acceptOperation(c *gin.Context, op *domain.Operation) {
	c.Header("Location", fmt.Sprintf("/api/v1/operations/%s", op.ID))
	c.JSON(http.StatusAccepted, op)
}

// OperatorRequest is the optional body of a retry or abort: the
// operator's note, logged by the workflow with the decision.
type OperatorRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) retryOperation(c *gin.Context) { s.decideOperation(c, workflows.OperatorRetry) }

func (s *Server) abortOperation(c *gin.Context) { s.decideOperation(c, workflows.OperatorAbort) }

func (s *Server) skipOperation(c *gin.Context) { s.decideOperation(c, workflows.OperatorSkip) }

// decideOperation sends the operator signal with action to the workflow of
// an operation that waits for its operator (and, for a skip, on a step that
// may be skipped). It needs the operation.retry
// key (or full) on the operation: administrators hold it; the requester's
// own read access is not enough, since retry and abort are operator
// decisions.
func (s *Server) decideOperation(c *gin.Context, action workflows.OperatorAction) {
	id, err := pathID(c, domain.ObjectOperation)
	if err == nil {
		err = s.authorize(c, domain.Ref(domain.ObjectOperation, id), domain.KeyOperationRetry)
	}
	var req OperatorRequest
	if err == nil && c.Request.ContentLength != 0 {
		err = bindJSON(c, &req)
	}
	var v domain.Validator
	v.Check(len(req.Reason) <= 2000, "reason", "must be at most 2000 characters")
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	op, err := s.operations.FindOperation(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.reconcileOperation(c, op)
	if op.State != domain.OpAwaitingOperator {
		abortWithError(c, domain.Conflictf("operation %s is %s, not awaiting_operator; only a waiting operation can be retried, skipped or aborted", op.ID, op.State))
		return
	}
	if action == workflows.OperatorSkip && !op.Skippable {
		abortWithError(c, domain.Conflictf("step %q of operation %s cannot be skipped: the operation is not correct without it; retry or abort it", op.Step, op.ID))
		return
	}
	decision := workflows.OperatorDecision{Action: action, Reason: req.Reason}
	if decision.Reason == "" {
		decision.Reason = "by " + currentUser(c).Username + " through the API"
	}
	err = s.temporal.SignalWorkflow(ctx, op.WorkflowID, op.RunID, workflows.OperatorSignal, decision)
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		abortWithError(c, domain.Conflictf("the workflow of operation %s is no longer running", op.ID))
		return
	case err != nil:
		abortWithError(c, domain.Wrap(err, domain.KindUnavailable, "Temporal did not accept the signal; try again shortly"))
		return
	}
	s.recordAudit(c, "operation."+string(action), domain.ObjectOperation, op.ID.String(), nil, map[string]any{
		"workflow_id": op.WorkflowID, "step": op.Step, "action": action, "reason": decision.Reason,
	})
	acceptOperation(c, op)
}
