package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

var routeLXCTplID = uuid.MustParse("0c7a1c0e-3333-4b7e-9c1e-2f6a8e1d0013")

// vmFakes fills the fake template and VM stores the VM tests use: a QEMU
// template (routeTplID), an LXC one (routeLXCTplID) and the participant's
// VM routeVMID in state, on which the participant holds the owner's keys
// and the instructor, who created it, read.
func vmFakes(h *fakeAPI, state domain.GuestState) domain.VM {
	h.templates.FindTemplateFn = func(_ context.Context, id uuid.UUID) (*domain.VMTemplate, error) {
		switch id {
		case routeTplID:
			return &domain.VMTemplate{ID: id, Cluster: "lab", VMID: 9000, Kind: domain.GuestQEMU, Name: "debian",
				Cores: 2, MemoryMB: 2048, Linked: true, Status: domain.TemplateAvailable}, nil
		case routeLXCTplID:
			return &domain.VMTemplate{ID: id, Cluster: "lab", VMID: 9100, Kind: domain.GuestLXC, Name: "alpine-ct",
				Cores: 1, MemoryMB: 512, Status: domain.TemplateAvailable}, nil
		}
		return nil, domain.NotFoundf("template %s not found", id)
	}
	vm := domain.VM{ID: routeVMID, Name: "web-1", OwnerID: h.participant.ID(), TemplateID: routeTplID, Cluster: "lab",
		Cores: 2, MemoryMB: 2048, State: state, Power: domain.PowerRunning}
	h.vms.FindVMFn = finds(domain.ObjectVM, routeVMID, vm)
	h.grant(h.participant, domain.ObjectVM, routeVMID, domain.OwnerKeys[domain.ObjectVM]...)
	h.grant(h.instructor, domain.ObjectVM, routeVMID, domain.KeyRead)
	return vm
}

// TestHandlerCreateVMValidation sends invalid VM requests: each answers
// 400 naming every bad field, and nothing is stored or started.
func TestHandlerCreateVMValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		body   func(h *fakeAPI) any
		fields map[string]string
	}{
		{"every field wrong", instructor, func(*fakeAPI) any {
			return map[string]any{"name": "Not A Label", "owner_id": uuid.New(), "template_id": uuid.New(), "cores": 500, "memory_mb": -1}
		}, map[string]string{
			"name": "must be a DNS label", "owner_id": "must name an existing user", "template_id": "must name an existing template",
			"cores": "between 1 and 128", "memory_mb": "between 1 and 1048576",
		}},
		{"malformed ids", instructor, func(*fakeAPI) any {
			return map[string]any{"name": "web-1", "template_id": "nine-thousand", "owner_id": "pat"}
		}, map[string]string{"template_id": "must be a template id", "owner_id": "must be a user id"}},
		{"no template", instructor, func(*fakeAPI) any { return map[string]any{"name": "web-1"} },
			map[string]string{"template_id": "must name a template"}},
		{"no name", instructor, func(*fakeAPI) any { return map[string]any{"template_id": routeTplID} },
			map[string]string{"name": "must be a DNS label"}},
		{"name longer than a DNS label", instructor, func(*fakeAPI) any {
			return map[string]any{"name": strings.Repeat("a", 64), "template_id": routeTplID}
		}, map[string]string{"name": "must be a DNS label"}},
		{"LXC template", instructor, func(*fakeAPI) any { return map[string]any{"name": "web-1", "template_id": routeLXCTplID} },
			map[string]string{"template_id": "must name a QEMU template, not an LXC one"}},
		{"too many cores", instructor, func(*fakeAPI) any { return map[string]any{"name": "web-1", "template_id": routeTplID, "cores": 129} },
			map[string]string{"cores": "between 1 and 128"}},
		{"too much memory", instructor, func(*fakeAPI) any {
			return map[string]any{"name": "web-1", "template_id": routeTplID, "memory_mb": 1<<20 + 1}
		}, map[string]string{"memory_mb": "between 1 and 1048576"}},
		{"cores as text", instructor, func(*fakeAPI) any {
			return `{"name": "web-1", "template_id": "` + routeTplID.String() + `", "cores": "two"}`
		}, map[string]string{"cores": "must be of type number"}},
		{"unknown field", instructor, func(*fakeAPI) any { return map[string]any{"name": "web-1", "template_id": routeTplID, "gpu": true} },
			map[string]string{"gpu": "is not a known field"}},
		{"template the caller may not see", func(h *fakeAPI) *caller {
			c := h.addUser("sam", domain.RoleParticipant)
			h.grant(c, domain.ObjectVM, uuid.Nil, domain.KeyCreate)
			return c
		}, func(*fakeAPI) any { return map[string]any{"name": "web-1", "template_id": routeTplID} },
			map[string]string{"template_id": "must name an existing template"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			vmFakes(h, domain.GuestReady)
			h.do(tc.as(h), "POST", "/api/v1/vms", tc.body(h)).requireFields(t, tc.fields)
			require.Empty(t, h.auditActions())
		})
	}
}

// TestHandlerCreateVM checks what a valid request stores and starts: the
// template's defaults, the owner and creator, CloneVM under the VM's
// workflow id. When Temporal refuses the start, the answer is 503 and the
// VM is recorded failed rather than left pending for ever.
func TestHandlerCreateVM(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		body     map[string]any
		startErr error
		status   int
		want     domain.VM // the fields of the stored VM the test checks
		audit    []string
	}{
		{"template defaults", map[string]any{"name": "web-1", "start": true},
			nil, http.StatusAccepted, domain.VM{Cores: 2, MemoryMB: 2048, Linked: true}, []string{"vm.create"}},
		{"own shape", map[string]any{"name": "web-1", "cores": 4, "memory_mb": 4096, "linked": false},
			nil, http.StatusAccepted, domain.VM{Cores: 4, MemoryMB: 4096, Linked: false}, []string{"vm.create"}},
		{"Temporal unreachable", map[string]any{"name": "web-1"},
			errors.New("connection refused"), http.StatusServiceUnavailable, domain.VM{Cores: 2, MemoryMB: 2048, Linked: true},
			[]string{"vm.create", "vm.update"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			vmFakes(h, domain.GuestReady)
			var stored domain.VM
			var creator uuid.UUID
			h.vms.CreateVMWithOwnerFn = func(_ context.Context, vm *domain.VM, c uuid.UUID) error {
				vm.ID = routeVMID
				stored, creator = *vm, c
				return nil
			}
			var observed domain.VMObservation
			if tc.startErr != nil {
				h.vms.RecordVMObservationFn = func(_ context.Context, _ uuid.UUID, obs domain.VMObservation) error {
					observed = obs
					return nil
				}
			}
			ops := h.operationsInMemory()
			start := h.expectStart(workflows.CloneVMType, tc.startErr)
			body := with(tc.body, map[string]any{"owner_id": h.participant.ID(), "template_id": routeTplID})
			r := h.do(h.instructor, "POST", "/api/v1/vms", body)
			require.Equal(t, tc.status, r.status, string(r.body))
			require.Equal(t, h.participant.ID(), stored.OwnerID)
			require.Equal(t, h.instructor.ID(), creator)
			require.Equal(t, "lab", stored.Cluster)
			require.Equal(t, domain.GuestPending, stored.State)
			require.Equal(t, []int{tc.want.Cores, tc.want.MemoryMB}, []int{stored.Cores, stored.MemoryMB})
			require.Equal(t, tc.want.Linked, stored.Linked)
			require.Equal(t, workflows.CloneVMWorkflowID(routeVMID), start.options.ID)
			in := start.input.(workflows.CloneVMInput)
			require.Equal(t, routeVMID, in.VM)
			require.Equal(t, tc.body["start"] == true, in.Start)
			require.Equal(t, tc.audit, h.auditActions())
			if tc.startErr != nil {
				e := r.requireError(t, http.StatusServiceUnavailable, domain.KindUnavailable)
				require.NotContains(t, e.Message, "connection refused")
				require.Equal(t, domain.GuestFailed, observed.State)
				require.Equal(t, domain.OpFailed, ops()[0].State)
				return
			}
			var op domain.Operation
			r.json(t, &op)
			require.Equal(t, "vm.create", op.Kind)
			require.Equal(t, in.OperationID, op.ID)
			require.Equal(t, "/api/v1/operations/"+op.ID.String(), r.header.Get("Location"))
		})
	}
}

// TestHandlerVMPermissions checks who may do what to a participant's VM:
// a caller who may not see it gets 404 whatever they ask, one who sees it
// but lacks the action's key 403.
func TestHandlerVMPermissions(t *testing.T) {
	t.Parallel()
	vmPath := "/api/v1/vms/" + routeVMID.String()
	stranger := func(h *fakeAPI) *caller { return h.addUser("sam", domain.RoleParticipant) }
	startsOnly := func(h *fakeAPI) *caller {
		c := h.addUser("sam", domain.RoleParticipant)
		h.grant(c, domain.ObjectVM, routeVMID, domain.KeyVMStart)
		return c
	}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		method string
		path   string
		status int
		starts workflows.Type // the workflow an accepted request starts
	}{
		{"stranger reads", stranger, "GET", vmPath, http.StatusNotFound, workflows.Type{}},
		{"stranger stops", stranger, "POST", vmPath + "/actions/stop", http.StatusNotFound, workflows.Type{}},
		{"stranger deletes", stranger, "DELETE", vmPath, http.StatusNotFound, workflows.Type{}},
		{"stranger reads a malformed id", stranger, "GET", "/api/v1/vms/web-1", http.StatusNotFound, workflows.Type{}},
		{"owner reads", participant, "GET", vmPath, http.StatusOK, workflows.Type{}},
		{"owner stops", participant, "POST", vmPath + "/actions/stop", http.StatusAccepted, workflows.VMActionType},
		{"owner resets", participant, "POST", vmPath + "/actions/reset", http.StatusAccepted, workflows.VMActionType},
		{"owner deletes", participant, "DELETE", vmPath, http.StatusForbidden, workflows.Type{}},
		{"owner asks for an unknown action", participant, "POST", vmPath + "/actions/explode", http.StatusNotFound, workflows.Type{}},
		{"creator reads", instructor, "GET", vmPath, http.StatusOK, workflows.Type{}},
		{"creator starts", instructor, "POST", vmPath + "/actions/start", http.StatusForbidden, workflows.Type{}},
		{"creator deletes", instructor, "DELETE", vmPath, http.StatusForbidden, workflows.Type{}},
		{"start-only holder starts", startsOnly, "POST", vmPath + "/actions/start", http.StatusAccepted, workflows.VMActionType},
		{"start-only holder reads", startsOnly, "GET", vmPath, http.StatusOK, workflows.Type{}},
		{"start-only holder shuts down", startsOnly, "POST", vmPath + "/actions/shutdown", http.StatusForbidden, workflows.Type{}},
		{"start-only holder reboots", startsOnly, "POST", vmPath + "/actions/reboot", http.StatusForbidden, workflows.Type{}},
		{"start-only holder resets", startsOnly, "POST", vmPath + "/actions/reset", http.StatusForbidden, workflows.Type{}},
		{"admin deletes", admin, "DELETE", vmPath, http.StatusAccepted, workflows.DeleteVMType},
		{"participant creates", participant, "POST", "/api/v1/vms", http.StatusForbidden, workflows.Type{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			vmFakes(h, domain.GuestReady)
			c := tc.as(h)
			if tc.starts.Name != "" {
				h.operationsInMemory()
				h.expectStart(tc.starts, nil)
			}
			var body any
			if tc.method == "POST" && tc.path == "/api/v1/vms" {
				body = map[string]any{"name": "mine", "template_id": routeTplID}
			}
			r := h.do(c, tc.method, tc.path, body)
			switch tc.status {
			case http.StatusNotFound:
				r.requireError(t, tc.status, domain.KindNotFound)
			case http.StatusForbidden:
				r.requireError(t, tc.status, domain.KindForbidden)
			default:
				require.Equal(t, tc.status, r.status, string(r.body))
			}
		})
	}

	t.Run("not found looks the same as no access", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		vmFakes(h, domain.GuestReady)
		sam := stranger(h)
		hidden := h.do(sam, "GET", vmPath, nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
		h.grant(sam, domain.ObjectVM, uuid.Nil, domain.KeyRead)
		other := uuid.New()
		missing := h.do(sam, "GET", "/api/v1/vms/"+other.String(), nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
		require.Equal(t, strings.ReplaceAll(hidden.Message, routeVMID.String(), other.String()), missing.Message)
	})
}

// TestHandlerVMActionConflicts checks the 409s of VM actions and deletion:
// a VM that is not ready, already deleted, or busy with an operation,
// and a workflow Temporal reports already running.
func TestHandlerVMActionConflicts(t *testing.T) {
	t.Parallel()
	vmPath := "/api/v1/vms/" + routeVMID.String()
	busy := domain.Operation{ID: uuid.New(), Kind: "vm.shutdown", TargetType: domain.ObjectVM, TargetID: routeVMID.String(),
		WorkflowID: workflows.VMActionWorkflowID(routeVMID), State: domain.OpRunning}
	for _, tc := range []struct {
		name     string
		state    domain.GuestState
		ops      []domain.Operation
		workflow enumspb.WorkflowExecutionStatus // of the unfinished operation, if any
		method   string
		path     string
		startErr error // nil: no start expected unless status is 202
		status   int
		message  string
	}{
		{name: "action while provisioning", state: domain.GuestProvisioning, method: "POST", path: vmPath + "/actions/start",
			status: http.StatusConflict, message: "VM web-1 is provisioning, not ready"},
		{name: "action after deletion", state: domain.GuestDeleted, method: "POST", path: vmPath + "/actions/start",
			status: http.StatusConflict, message: "not ready"},
		{name: "delete after deletion", state: domain.GuestDeleted, method: "DELETE", path: vmPath,
			status: http.StatusConflict, message: "VM web-1 is already deleted"},
		{name: "delete while deleting", state: domain.GuestDeleting, method: "DELETE", path: vmPath,
			status: http.StatusConflict, message: "VM web-1 is already deleting"},
		{name: "action while another runs", state: domain.GuestReady, ops: []domain.Operation{busy},
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, method: "POST", path: vmPath + "/actions/start",
			status: http.StatusConflict, message: "operation " + busy.ID.String() + " (vm.shutdown) is in progress for this VM"},
		{name: "delete while another runs", state: domain.GuestReady, ops: []domain.Operation{busy},
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, method: "DELETE", path: vmPath,
			status: http.StatusConflict, message: busy.ID.String()},
		{name: "action after the other was terminated", state: domain.GuestReady, ops: []domain.Operation{busy},
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, method: "POST", path: vmPath + "/actions/start",
			status: http.StatusAccepted},
		{name: "workflow already running", state: domain.GuestReady, method: "POST", path: vmPath + "/actions/stop",
			startErr: serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "run-7"),
			status:   http.StatusConflict, message: "workflow " + workflows.VMActionWorkflowID(routeVMID) + " (run run-7) is in progress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			vmFakes(h, tc.state)
			stored := h.operationsInMemory(tc.ops...)
			if len(tc.ops) > 0 {
				h.expectDescribe(tc.ops[0].WorkflowID, tc.workflow)
			}
			if tc.startErr != nil || tc.status == http.StatusAccepted {
				h.expectStart(workflows.VMActionType, tc.startErr)
			}
			r := h.do(h.admin, tc.method, tc.path, nil)
			if tc.status == http.StatusAccepted {
				require.Equal(t, tc.status, r.status, string(r.body))
				require.Equal(t, domain.OpAborted, stored()[0].State, "the terminated operation was reconciled")
				return
			}
			e := r.requireError(t, tc.status, domain.KindConflict)
			require.Contains(t, e.Message, tc.message)
		})
	}
}

// TestHandlerListVMs checks the list's query validation and that a caller
// without read access to every VM sees only their own.
func TestHandlerListVMs(t *testing.T) {
	t.Parallel()
	other := uuid.New()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		fields map[string]string
		// owner is the owner filter the store must receive: "me" for the
		// caller, "other", or "" for none; "skip" when the store must not be asked.
		owner string
	}{
		{name: "bad state", as: admin, query: "?state=sleeping", fields: map[string]string{"state": "must be one of"}},
		{name: "bad event", as: admin, query: "?event=spring", fields: map[string]string{"event": "must be an event id"}},
		{name: "bad owner", as: admin, query: "?owner=pat", fields: map[string]string{"owner": "must be a user id"}},
		{name: "all bad", as: participant, query: "?state=x&event=y&owner=z", fields: map[string]string{"state": "", "event": "", "owner": ""}},
		{name: "limit zero", as: admin, query: "?limit=0", fields: map[string]string{"limit": "from 1 to 500"}},
		{name: "limit too high", as: admin, query: "?limit=501", fields: map[string]string{"limit": "from 1 to 500"}},
		{name: "admin sees all", as: admin, owner: ""},
		{name: "admin filters by owner", as: admin, query: "?owner=" + other.String(), owner: "other"},
		{name: "participant sees own", as: participant, owner: "me"},
		{name: "instructor sees own", as: instructor, query: "?state=ready", owner: "me"},
		{name: "participant asks for own", as: participant, query: "?owner=me", owner: "me"},
		{name: "participant asks for another's", as: participant, query: "?owner=" + other.String(), owner: "skip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			query := strings.ReplaceAll(tc.query, "owner=me", "owner="+c.ID().String())
			if tc.fields != nil {
				h.do(c, "GET", "/api/v1/vms"+query, nil).requireFields(t, tc.fields)
				return
			}
			var got *domain.VMFilter
			if tc.owner != "skip" {
				h.vms.ListVMsFn = func(_ context.Context, f domain.VMFilter) ([]domain.VM, string, error) {
					got = &f
					return []domain.VM{{ID: routeVMID, Name: "web-1", State: domain.GuestReady, Power: domain.PowerStopped}}, "", nil
				}
			}
			r := h.do(c, "GET", "/api/v1/vms"+query, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			switch tc.owner {
			case "skip":
				require.JSONEq(t, `{"items": []}`, string(r.body))
				return
			case "":
				require.Nil(t, got.OwnerID)
			case "me":
				require.Equal(t, c.ID(), *got.OwnerID)
			case "other":
				require.Equal(t, other, *got.OwnerID)
			}
			require.Equal(t, domain.DefaultPageLimit, got.Page.Limit)
			require.Contains(t, string(r.body), routeVMID.String())
		})
	}
}
