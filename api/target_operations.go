package api

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// targetNouns names, in messages, the objects the store allows one
// unfinished operation at a time on.
var targetNouns = map[string]string{domain.ObjectVM: "VM", domain.ObjectContainer: "container"}

// idle returns a KindConflict naming the operation in progress on the
// object of targetType with id, if there is one; an operation whose
// workflow ended unreported is reconciled from Temporal first.
func (s *Server) idle(c *gin.Context, targetType string, id uuid.UUID) error {
	op, err := s.unfinishedOperation(c.Request.Context(), targetType, id.String(), uuid.Nil)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	s.reconcileOperation(c, op)
	if !op.State.Terminal() {
		return inProgress(op)
	}
	return nil
}

func inProgress(op *domain.Operation) error {
	return domain.Conflictf("operation %s (%s) is in progress for this %s", op.ID, op.Kind, targetNouns[op.TargetType])
}

// unfinishedOperation finds the unfinished operation on the object other
// than except (the store allows one per VM or container, whatever its
// workflow).
func (s *Server) unfinishedOperation(ctx context.Context, targetType, targetID string, except uuid.UUID) (*domain.Operation, error) {
	ops, _, err := s.operations.ListOperations(ctx, domain.OperationFilter{
		TargetType: targetType, TargetID: targetID, Unfinished: true, Page: domain.Page{Limit: 2},
	})
	if err != nil {
		return nil, err
	}
	for i := range ops {
		if ops[i].ID != except {
			return &ops[i], nil
		}
	}
	return nil, domain.NotFoundf("no unfinished operation on %s %s", targetNouns[targetType], targetID)
}

// startTargetOperation starts the workflow of an operation on one object
// (op.TargetType, op.TargetID) with opts, after prepare, unless nil (see
// startOperationAfter). A second unfinished operation on the object,
// refused by the store, or a workflow with the same ID that is still
// running makes it a KindConflict naming the operation in progress.
func (s *Server) startTargetOperation(c *gin.Context, op *domain.Operation, prepare func() error,
	opts client.StartWorkflowOptions, t workflows.Type, input any) error {
	err := s.startOperationAfter(c, op, prepare, opts, t, input)
	if err == nil {
		return nil
	}
	_, conflict := workflows.RunningWorkflow(err)
	if !conflict && !domain.IsKind(err, domain.KindConflict) {
		return err
	}
	if other, ferr := s.unfinishedOperation(c.Request.Context(), op.TargetType, op.TargetID, op.ID); ferr == nil {
		return inProgress(other)
	}
	if runID, running := workflows.RunningWorkflow(err); running {
		return domain.Conflictf("workflow %s (run %s) is in progress for this %s; see it in the Temporal Web UI",
			op.WorkflowID, runID, targetNouns[op.TargetType])
	}
	return err
}
