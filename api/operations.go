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
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/workflows"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// neverStartedAfter is how long an operation may stay pending without a
// workflow before it is reported failed (the API died between recording
// the operation and starting its workflow).
const neverStartedAfter = time.Minute

// startOperation records op, grants the requester read access to it and
// starts its workflow. The caller answers 202 with the returned operation.
func (s *Server) startOperation(c *gin.Context, op *domain.Operation, workflow any, input any, attrs ...temporal.SearchAttributeUpdate) error {
	ctx := c.Request.Context()
	user := currentUser(c)
	op.RequestedBy, op.State = user.ID, domain.OpPending
	if err := s.operations.CreateOperation(ctx, op); err != nil {
		return err
	}
	for _, k := range domain.OwnerKeys[domain.ObjectOperation] {
		if err := s.permissions.GrantPermission(ctx, &domain.Permission{ObjectType: domain.ObjectOperation, ObjectID: &op.ID, Key: k, UserID: &user.ID}); err != nil {
			return err
		}
	}
	attrs = append(attrs, temporalx.KeyState.ValueSet(workflows.StateValue(domain.OpPending)), temporalx.KeyOwner.ValueSet(user.Username))
	run, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       op.WorkflowID,
		TaskQueue:                config.QueueCore,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes:    temporal.NewSearchAttributes(attrs...),
	}, workflow, input)
	if err != nil {
		op.State, op.Error = domain.OpFailed, "could not start the workflow: "+err.Error()
		if uerr := s.operations.UpdateOperationProgress(context.WithoutCancel(ctx), op); uerr != nil {
			loggerFrom(c).Error("operation left pending", slog.String("operation", op.ID.String()), slog.Any("error", uerr))
		}
		return domain.Wrap(err, domain.KindUnavailable, "Temporal did not accept the operation; try again shortly")
	}
	op.RunID = run.GetRunID()
	return nil
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
