package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// applySiteGateway asks the site's gateway workflow to apply the site's
// newest snapshot and answers 202 with the operation that follows it. An
// unfinished apply operation of the site is reused: the request joins it
// (the workflow applies once more after the running apply).
func (s *Server) applySiteGateway(c *gin.Context) {
	site, err := loadObject(s, c, domain.ObjectSite, domain.KeyUpdate, s.sites.FindSite)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	op := &domain.Operation{ID: uuid.New(), Kind: "site.gateway.apply", TargetType: domain.ObjectSite,
		TargetID: site.ID.String(), WorkflowID: workflows.SiteGatewayWorkflowID(site.ID),
		RequestedBy: currentUser(c).ID, State: domain.OpPending}
	err = s.operations.CreateOperation(ctx, op)
	created := err == nil
	if domain.IsKind(err, domain.KindConflict) {
		op, err = s.operations.FindOperationByWorkflowID(ctx, op.WorkflowID)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	in := workflows.SiteGatewayInput{SiteID: site.ID, SiteName: site.Name, OperationID: op.ID}
	run, err := workflows.RequestSiteGatewayApplyFor(ctx, s.temporal, in, "requested by "+currentUser(c).Username)
	if err != nil {
		if created {
			s.failUnstarted(c, op, err)
		}
		abortWithError(c, domain.Wrap(err, domain.KindUnavailable, "Temporal did not accept the request; try again shortly"))
		return
	}
	if op.RunID == "" {
		op.RunID = run.GetRunID()
	}
	s.recordAudit(c, "site.gateway.apply", domain.ObjectSite, site.ID.String(), nil, op)
	c.Header("Location", "/api/v1/operations/"+op.ID.String())
	c.JSON(http.StatusAccepted, op)
}

// failUnstarted records as failed a new operation whose request Temporal
// did not accept.
func (s *Server) failUnstarted(c *gin.Context, op *domain.Operation, err error) {
	op.State, op.Error = domain.OpFailed, "could not request the apply: "+err.Error()
	if uerr := s.operations.UpdateOperationProgress(context.WithoutCancel(c.Request.Context()), op); uerr != nil {
		loggerFrom(c).Error("operation left pending", slog.String("operation", op.ID.String()), slog.Any("error", uerr))
	}
}
