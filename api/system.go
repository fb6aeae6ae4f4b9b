package api

import (
	"fmt"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// DiagnosticsRequest optionally narrows which queues are probed.
type DiagnosticsRequest struct {
	Queues               []string `json:"queues"`
	PickupTimeoutSeconds int      `json:"pickup_timeout_seconds"`
}

// startDiagnostics starts a Diagnostics workflow that checks that every
// worker queue is served and every worker reaches its stores.
func (s *Server) startDiagnostics(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectSystem), domain.KeySystemDiagnose); err != nil {
		abortWithError(c, err)
		return
	}
	var req DiagnosticsRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			abortWithError(c, err)
			return
		}
	}
	if len(req.Queues) == 0 {
		req.Queues = s.queues
	}
	var v domain.Validator
	for _, q := range req.Queues {
		v.Check(activities.ValidQueue(q), "queues", "must be task queues: "+activities.KnownQueues())
	}
	v.Check(!hasDuplicates(req.Queues), "queues", "must not repeat a queue")
	v.Check(req.PickupTimeoutSeconds >= 0 && req.PickupTimeoutSeconds <= 600, "pickup_timeout_seconds", fmt.Sprintf("must be between 1 and 600, or 0 for the default of %d", int(workflows.DefaultPickupTimeout.Seconds())))
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	op := &domain.Operation{ID: uuid.New(), Kind: "system.diagnostics", TargetType: domain.ObjectSystem, TargetID: "workers"}
	op.WorkflowID = workflows.DiagnosticsWorkflowID(op.ID)
	in := workflows.DiagnosticsInput{OperationID: op.ID, Queues: req.Queues, PickupTimeout: time.Duration(req.PickupTimeoutSeconds) * time.Second}
	if err := s.startOperation(c, op, workflows.DiagnosticsType, in); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "system.diagnostics", domain.ObjectOperation, op.ID.String(), nil, op)
	acceptOperation(c, op)
}

func hasDuplicates(items []string) bool {
	sorted := slices.Clone(items)
	slices.Sort(sorted)
	return len(slices.Compact(sorted)) != len(items)
}
