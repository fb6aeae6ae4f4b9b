package api_test

import (
	"context"
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
			r.requireStatus(t, tc.status)
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
