package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
