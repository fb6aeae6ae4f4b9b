package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// CreateVMRequest asks for a VM cloned from a QEMU template. OwnerID
// defaults to the caller, Linked to the template's linked_clone setting,
// Cores and MemoryMB (0) to the template's.
type CreateVMRequest struct {
	Name       string `json:"name"`
	OwnerID    string `json:"owner_id"`
	TemplateID string `json:"template_id"`
	Linked     *bool  `json:"linked"`
	Cores      int    `json:"cores"`
	MemoryMB   int    `json:"memory_mb"`
	Start      bool   `json:"start"`
}

// vmActions maps the action path segment to the workflow action and the
// permission key it needs.
var vmActions = map[string]struct {
	action workflows.VMActionKind
	key    domain.Key
}{
	"start":    {workflows.ActionStart, domain.KeyVMStart},
	"stop":     {workflows.ActionStop, domain.KeyVMStop},
	"shutdown": {workflows.ActionShutdown, domain.KeyVMStop},
	"reboot":   {workflows.ActionReboot, domain.KeyVMStop},
	"reset":    {workflows.ActionReset, domain.KeyVMReset},
}

func (s *Server) listVMs(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.VMFilter{State: domain.GuestState(c.Query("state")), Page: page}
	var v domain.Validator
	v.Check(f.State == "" || validGuestState(f.State), "state", "must be one of pending, provisioning, ready, failed, deleting, deleted")
	f.EventID = queryID(&v, c, "event", "must be an event id")
	f.OwnerID = queryID(&v, c, "owner", "must be a user id")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	// Without read access to every VM a caller sees only the VMs they own.
	if s.authorize(c, domain.TypeRef(domain.ObjectVM), domain.KeyRead) != nil {
		me := currentUser(c).ID
		if f.OwnerID != nil && *f.OwnerID != me {
			c.JSON(http.StatusOK, newList[domain.VM](nil, ""))
			return
		}
		f.OwnerID = &me
	}
	vms, next, err := s.vms.ListVMs(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(vms, next))
}

func validGuestState(st domain.GuestState) bool {
	switch st {
	case domain.GuestPending, domain.GuestProvisioning, domain.GuestReady, domain.GuestFailed, domain.GuestDeleting, domain.GuestDeleted:
		return true
	}
	return false
}

func (s *Server) getVM(c *gin.Context) {
	vm, err := s.loadVM(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, vm)
}

// createVM stores the VM (state pending) with its owner's permissions,
// then starts CloneVM.
func (s *Server) createVM(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectVM), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req CreateVMRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	vm, err := s.newVM(c, &req)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.vms.CreateVMWithOwner(ctx, vm, currentUser(c).ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"vm.create", domain.ObjectVM, vm.ID.String(), nil, vm}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	op := &domain.Operation{ID: uuid.New(), Kind: "vm.create", TargetType: domain.ObjectVM, TargetID: vm.ID.String(),
		WorkflowID: workflows.CloneVMWorkflowID(vm.ID)}
	in := workflows.CloneVMInput{OperationID: op.ID, VM: vm.ID, Start: req.Start}
	if err := s.startVMOperation(c, op, vm.ID, workflows.CloneVMType, in); err != nil {
		// Without a workflow the record would stay pending for ever.
		before := *vm
		vm.State = domain.GuestFailed
		_ = s.auditedIn(context.WithoutCancel(ctx), c, func(ctx context.Context) (auditEntry, error) {
			if err := s.vms.RecordVMObservation(ctx, vm.ID, domain.VMObservation{State: vm.State}); err != nil {
				return auditEntry{}, err
			}
			return auditEntry{"vm.update", domain.ObjectVM, vm.ID.String(), &before, vm}, nil
		})
		abortWithError(c, err)
		return
	}
	acceptOperation(c, op)
}

// newVM validates req and builds the VM record it asks for, filling in
// the template's defaults.
func (s *Server) newVM(c *gin.Context, req *CreateVMRequest) (*domain.VM, error) {
	ctx := c.Request.Context()
	var v domain.Validator
	owner := currentUser(c).ID
	if req.OwnerID != "" {
		id, err := uuid.Parse(req.OwnerID)
		v.Check(err == nil, "owner_id", "must be a user id")
		owner = id
	}
	var templateID uuid.UUID
	if req.TemplateID != "" {
		id, err := uuid.Parse(req.TemplateID)
		v.Check(err == nil, "template_id", "must be a template id")
		templateID = id
	}
	vm := &domain.VM{Name: req.Name, OwnerID: owner, TemplateID: templateID, Cores: req.Cores, MemoryMB: req.MemoryMB,
		State: domain.GuestPending, Power: domain.PowerUnknown}
	if owner != uuid.Nil {
		_, err := s.users.FindUserByID(ctx, owner)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
		v.Check(err == nil, "owner_id", "must name an existing user")
	}
	if templateID != uuid.Nil {
		tpl, err := s.visibleTemplate(c, templateID)
		if err != nil {
			return nil, err
		}
		v.Check(tpl != nil, "template_id", "must name an existing template")
		if tpl != nil {
			v.Check(tpl.Kind == domain.GuestQEMU, "template_id", "must name a QEMU template, not an LXC one")
			vm.Cluster, vm.Linked = tpl.Cluster, tpl.Linked
			if vm.Cores == 0 {
				vm.Cores = tpl.Cores
			}
			if vm.MemoryMB == 0 {
				vm.MemoryMB = tpl.MemoryMB
			}
		}
	}
	if req.Linked != nil {
		vm.Linked = *req.Linked
	}
	check := *vm
	check.Cores, check.MemoryMB = req.Cores, req.MemoryMB
	if err := mergeErrors(check.Validate(), v.Err()); err != nil {
		return nil, err
	}
	return vm, nil
}

// visibleTemplate returns the template, or nil when it does not exist or
// the caller may not see it.
func (s *Server) visibleTemplate(c *gin.Context, id uuid.UUID) (*domain.VMTemplate, error) {
	err := s.authorize(c, domain.Ref(domain.ObjectTemplate, id), domain.KeyRead)
	if err == nil {
		var tpl *domain.VMTemplate
		if tpl, err = s.templates.FindTemplate(c.Request.Context(), id); err == nil {
			return tpl, nil
		}
	}
	if domain.IsKind(err, domain.KindNotFound) || domain.IsKind(err, domain.KindForbidden) {
		return nil, nil
	}
	return nil, err
}

// vmAction starts a power action or reset-to-template.
func (s *Server) vmAction(c *gin.Context) {
	act, ok := vmActions[c.Param("action")]
	if !ok {
		abortWithError(c, domain.NotFoundf("unknown VM action %q; use start, stop, shutdown, reboot or reset", c.Param("action")))
		return
	}
	vm, err := s.loadVM(c, act.key)
	if err == nil {
		err = s.idle(c, domain.ObjectVM, vm.ID)
	}
	if err == nil && vm.State != domain.GuestReady {
		err = domain.Conflictf("VM %s is %s, not ready; actions are possible once it is ready", vm.Name, vm.State)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	kind := "vm." + c.Param("action")
	op := &domain.Operation{ID: uuid.New(), Kind: kind, TargetType: domain.ObjectVM, TargetID: vm.ID.String(),
		WorkflowID: workflows.VMActionWorkflowID(vm.ID)}
	in := workflows.VMActionInput{OperationID: op.ID, VM: vm.ID, Action: act.action}
	if err := s.startVMOperation(c, op, vm.ID, workflows.VMActionType, in); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, kind, domain.ObjectVM, vm.ID.String(), nil, map[string]any{"action": act.action, "operation_id": op.ID})
	acceptOperation(c, op)
}

// deleteVM starts DeleteVM; the record stays, state deleted, for history.
func (s *Server) deleteVM(c *gin.Context) {
	vm, err := s.loadVM(c, domain.KeyDelete)
	if err == nil {
		err = s.idle(c, domain.ObjectVM, vm.ID)
	}
	if err == nil && (vm.State == domain.GuestDeleting || vm.State == domain.GuestDeleted) {
		err = domain.Conflictf("VM %s is already %s", vm.Name, vm.State)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	op := &domain.Operation{ID: uuid.New(), Kind: "vm.delete", TargetType: domain.ObjectVM, TargetID: vm.ID.String(),
		WorkflowID: workflows.DeleteVMWorkflowID(vm.ID)}
	in := workflows.DeleteVMInput{OperationID: op.ID, VM: vm.ID}
	if err := s.startVMOperation(c, op, vm.ID, workflows.DeleteVMType, in); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "vm.delete", domain.ObjectVM, vm.ID.String(), vm, map[string]any{"operation_id": op.ID})
	acceptOperation(c, op)
}

// startVMOperation starts a VM workflow with workflows.VMStartOptions
// (see startTargetOperation).
func (s *Server) startVMOperation(c *gin.Context, op *domain.Operation, vmID uuid.UUID, t workflows.Type, input any) error {
	return s.startTargetOperation(c, op, nil, workflows.VMStartOptions(t, op.WorkflowID, vmID), t, input)
}

// loadVM finds the :id VM after checking the caller may do need to it.
func (s *Server) loadVM(c *gin.Context, need domain.Key) (*domain.VM, error) {
	return loadObject(s, c, domain.ObjectVM, need, s.vms.FindVM)
}
