package api

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// UpdateContainerRequest changes the resources it names and, when
// Services is present, replaces the container's services with it.
type UpdateContainerRequest struct {
	workflows.ContainerResources
	Services *[]ServiceRequest `json:"services"`
}

// containerActionKeys are the container power actions and the key each
// needs.
var containerActionKeys = map[workflows.ContainerActionKind]domain.Key{
	workflows.ContainerStart:   domain.KeyContainerStart,
	workflows.ContainerStop:    domain.KeyContainerStop,
	workflows.ContainerRestart: domain.KeyContainerRestart,
}

// updateContainer replaces the services of a ready container at once,
// when the request names them, and starts UpdateContainer to apply them
// and the resource changes.
func (s *Server) updateContainer(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyUpdate)
	var req UpdateContainerRequest
	if err == nil {
		err = bindJSON(c, &req)
	}
	if err == nil {
		err = s.containerReady(c, ct)
	}
	var services []domain.Service
	if err == nil {
		services, err = checkContainerUpdate(ct, &req)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	var before, stored []domain.Service
	replaced := false
	op, err := s.startContainerOperation(c, ct, containerOp{
		kind: "container.update", workflowID: workflows.ContainerOpWorkflowID(ct.ID), workflow: workflows.UpdateContainerType,
		input: func(opID uuid.UUID) any {
			return workflows.UpdateContainerInput{OperationID: opID, Container: ct.ID, Resources: req.ContainerResources,
				ServicesChanged: req.Services != nil}
		},
		// The services change once the operation holds the container, so
		// that a concurrent update is refused before it changes them.
		prepare: func() error {
			var err error
			if before, err = s.containers.ListContainerServices(ctx, ct.ID); err != nil || req.Services == nil {
				stored = before
				return err
			}
			stored, err = s.containers.ReplaceContainerServices(ctx, ct.ID, services)
			replaced = err == nil
			return err
		},
	})
	if err != nil {
		if replaced {
			// Nothing will apply the new services: put the old ones back,
			// each on its external port.
			if _, rerr := s.containers.ReplaceContainerServices(context.WithoutCancel(ctx), ct.ID, before); rerr != nil {
				loggerFrom(c).Error("services of a container left changed without an operation applying them",
					slog.String("container", ct.ID.String()), slog.Any("error", rerr))
			}
		}
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "container.update", domain.ObjectContainer, ct.ID.String(),
		map[string]any{"container": auditedContainer(ct), "services": before},
		map[string]any{"resources": req.ContainerResources, "services": stored, "operation_id": op.ID})
	acceptOperation(c, op)
}

// checkContainerUpdate validates the changes req asks of ct and returns
// the services it names.
func checkContainerUpdate(ct *domain.Container, req *UpdateContainerRequest) ([]domain.Service, error) {
	r := req.ContainerResources
	if r == (workflows.ContainerResources{}) && req.Services == nil {
		return nil, domain.Errorf(domain.KindInvalid, "the request changes nothing; name cores, memory_mb, swap_mb, disk_gb or services")
	}
	next := *ct
	next.Cores, next.MemoryMB = orDefault(r.Cores, ct.Cores), orDefault(r.MemoryMB, ct.MemoryMB)
	next.SwapMB, next.DiskGB = orDefault(r.SwapMB, ct.SwapMB), orDefault(r.DiskGB, ct.DiskGB)
	var v domain.Validator
	v.Check(next.DiskGB >= ct.DiskGB, "disk_gb", fmt.Sprintf("must not be smaller than the current %d GB; a disk never shrinks", ct.DiskGB))
	var services []domain.Service
	var servicesErr error
	if req.Services != nil {
		services, servicesErr = servicesOf(*req.Services)
	}
	return services, mergeErrors(next.Validate(), servicesErr, v.Err())
}

// containerAction starts a power action on a ready container.
func (s *Server) containerAction(action workflows.ContainerActionKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		ct, err := s.loadContainer(c, containerActionKeys[action])
		if err == nil {
			err = s.containerReady(c, ct)
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		kind := "container." + string(action)
		op, err := s.startContainerOperation(c, ct, containerOp{
			kind: kind, workflowID: workflows.ContainerOpWorkflowID(ct.ID), workflow: workflows.ContainerActionType,
			input: func(opID uuid.UUID) any {
				return workflows.ContainerActionInput{OperationID: opID, Container: ct.ID, Action: action}
			},
		})
		if err != nil {
			abortWithError(c, err)
			return
		}
		s.recordAudit(c, kind, domain.ObjectContainer, ct.ID.String(), nil, map[string]any{"action": action, "operation_id": op.ID})
		acceptOperation(c, op)
	}
}

// deleteContainer starts DeleteContainer; the record stays, state
// deleted, for history. A failed or missing container may be deleted.
func (s *Server) deleteContainer(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyDelete)
	if err == nil {
		err = s.idle(c, domain.ObjectContainer, ct.ID)
	}
	if err == nil && (ct.Status() == domain.ContainerDeleting || ct.Status() == domain.ContainerDeleted) {
		err = domain.Conflictf("container %s is already %s", ct.Hostname, ct.Status())
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	op, err := s.startContainerOperation(c, ct, containerOp{
		kind: "container.delete", workflowID: workflows.DeleteContainerWorkflowID(ct.ID), workflow: workflows.DeleteContainerType,
		input: func(opID uuid.UUID) any { return workflows.DeleteContainerInput{OperationID: opID, Container: ct.ID} },
	})
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "container.delete", domain.ObjectContainer, ct.ID.String(), auditedContainer(ct), map[string]any{"operation_id": op.ID})
	acceptOperation(c, op)
}

// containerReady returns a KindConflict unless the container is running
// or stopped with no operation in progress.
func (s *Server) containerReady(c *gin.Context, ct *domain.Container) error {
	if err := s.idle(c, domain.ObjectContainer, ct.ID); err != nil {
		return err
	}
	if st := ct.Status(); st != domain.ContainerRunning && st != domain.ContainerStopped {
		return domain.Conflictf("container %s is %s, not running or stopped; it can be changed once it is ready", ct.Hostname, st)
	}
	return nil
}

// containerOp is an operation the API starts on a container: its kind,
// its workflow's ID and type, and the workflow's input for the operation's
// id.
type containerOp struct {
	kind       string
	workflowID string
	workflow   workflows.Type
	input      func(opID uuid.UUID) any
	// prepare, unless nil, changes the container once the operation is
	// recorded and before its workflow starts (see startOperationAfter).
	prepare func() error
}

// startContainerOperation records o on ct and starts its workflow with
// workflows.ContainerStartOptions.
func (s *Server) startContainerOperation(c *gin.Context, ct *domain.Container, o containerOp) (*domain.Operation, error) {
	site, err := s.sites.FindSite(c.Request.Context(), ct.SiteID)
	if err != nil {
		return nil, err
	}
	op := &domain.Operation{ID: uuid.New(), Kind: o.kind, TargetType: domain.ObjectContainer, TargetID: ct.ID.String(), WorkflowID: o.workflowID}
	opts := workflows.ContainerStartOptions(o.workflow, o.workflowID, ct.ID, site.Name)
	if err := s.startTargetOperation(c, op, o.prepare, opts, o.workflow, o.input(op.ID)); err != nil {
		return nil, err
	}
	return op, nil
}
