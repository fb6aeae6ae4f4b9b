package api_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	tmock "github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/workflows"
)

// signalStartCall is what the API passed to the fake Temporal's
// SignalWithStartWorkflow.
type signalStartCall struct {
	workflowID string
	signal     string
	arg        workflows.SiteGatewayApplyRequest
	options    client.StartWorkflowOptions
	input      workflows.SiteGatewayInput
}

// expectSignalWithStart makes the fake Temporal expect one Signal-With-Start
// of a SiteGateway workflow and answer err or, when err is nil, a run.
func (h *fakeAPI) expectSignalWithStart(err error) *signalStartCall {
	call := &signalStartCall{}
	var run client.WorkflowRun
	if err == nil {
		r := mocks.NewWorkflowRun(h.t)
		r.On("GetRunID").Return("run-of-gateway").Maybe()
		run = r
	}
	h.temporal.On("SignalWithStartWorkflow", tmock.Anything, tmock.Anything, workflows.SiteGatewayApplySignal, tmock.Anything,
		tmock.Anything, workflows.SiteGatewayType.Name, tmock.Anything).
		Run(func(args tmock.Arguments) {
			call.workflowID = args.String(1)
			call.signal = args.String(2)
			call.arg = args.Get(3).(workflows.SiteGatewayApplyRequest)
			call.options = args.Get(4).(client.StartWorkflowOptions)
			call.input = args.Get(6).(workflows.SiteGatewayInput)
		}).
		Return(run, err).Once()
	return call
}

// gatewayApplyAPI is a fakeAPI that knows the stored site and keeps
// operations in memory.
func gatewayApplyAPI(t *testing.T) (*fakeAPI, func() []domain.Operation) {
	h := newFakeAPI(t)
	h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
	ops := h.operationsInMemory()
	h.operations.FindOperationByWorkflowIDFn = func(_ context.Context, id string) (*domain.Operation, error) {
		for _, o := range ops() {
			if o.WorkflowID == id && !o.State.Terminal() {
				return &o, nil
			}
		}
		return nil, domain.NotFoundf("no operation of %s", id)
	}
	return h, ops
}

func TestHandlerSiteGatewayApplyStartsOrSignals(t *testing.T) {
	t.Parallel()
	h, ops := gatewayApplyAPI(t)
	call := h.expectSignalWithStart(nil)

	r := h.do(h.admin, "POST", "/api/v1/sites/"+routeSiteID.String()+"/gateway/apply", nil)

	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	var op domain.Operation
	r.json(t, &op)
	wfID := workflows.SiteGatewayWorkflowID(routeSiteID)
	require.Equal(t, wfID, op.WorkflowID)
	require.Equal(t, "run-of-gateway", op.RunID)
	require.Equal(t, "/api/v1/operations/"+op.ID.String(), r.header.Get("Location"))
	require.Equal(t, wfID, call.workflowID)
	require.Equal(t, wfID, call.options.ID)
	require.Equal(t, workflows.SiteGatewayType.Queue, call.options.TaskQueue)
	site, ok := call.options.TypedSearchAttributes.GetKeyword(temporalx.KeySite)
	require.True(t, ok, "the workflow is findable by its site")
	require.Equal(t, "campus", site)
	require.Equal(t, workflows.SiteGatewayInput{SiteID: routeSiteID, SiteName: "campus", OperationID: op.ID}, call.input)
	require.Equal(t, op.ID, call.arg.OperationID, "a running workflow adopts the operation from the signal")
	require.Len(t, ops(), 1)
	require.Equal(t, []string{"site.gateway.apply"}, h.auditActions())
}

func TestHandlerSiteGatewayApplyJoinsTheUnfinishedOperation(t *testing.T) {
	t.Parallel()
	h, ops := gatewayApplyAPI(t)
	first := h.expectSignalWithStart(nil)
	path := "/api/v1/sites/" + routeSiteID.String() + "/gateway/apply"
	require.Equal(t, http.StatusAccepted, h.do(h.admin, "POST", path, nil).status)
	second := h.expectSignalWithStart(nil)

	r := h.do(h.admin, "POST", path, nil)

	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	var op domain.Operation
	r.json(t, &op)
	require.Len(t, ops(), 1, "the second request joins the first's operation")
	require.Equal(t, ops()[0].ID, op.ID)
	require.Equal(t, first.arg.OperationID, second.arg.OperationID)
}

func TestHandlerSiteGatewayApplyWhenTemporalIsDown(t *testing.T) {
	t.Parallel()
	h, ops := gatewayApplyAPI(t)
	h.expectSignalWithStart(errors.New("connection refused"))

	r := h.do(h.admin, "POST", "/api/v1/sites/"+routeSiteID.String()+"/gateway/apply", nil)

	r.requireError(t, http.StatusServiceUnavailable, domain.KindUnavailable)
	require.Equal(t, domain.OpFailed, ops()[0].State, "the request's operation does not stay pending")
}

func TestHandlerSiteGatewayApplyPermissions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		status int
		kind   domain.Kind
	}{
		{"participant", participant, http.StatusForbidden, domain.KindForbidden},
		{"instructor", instructor, http.StatusForbidden, domain.KindForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, ops := gatewayApplyAPI(t)
			r := h.do(tc.as(h), "POST", "/api/v1/sites/"+routeSiteID.String()+"/gateway/apply", nil)
			r.requireError(t, tc.status, tc.kind)
			require.Empty(t, ops())
		})
	}
}
