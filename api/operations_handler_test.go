package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	tmock "github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// participantsOperation is an operation the participant requested, in
// state, on which they hold the requester's read key.
func participantsOperation(h *fakeAPI, state domain.OperationState) domain.Operation {
	op := domain.Operation{ID: routeOpID, Kind: "vm.create", TargetType: domain.ObjectVM, TargetID: routeVMID.String(),
		WorkflowID: workflows.CloneVMWorkflowID(routeVMID), RunID: "run-1", State: state, Step: "clone",
		RequestedBy: h.participant.ID(), CreatedAt: time.Now()}
	h.grant(h.participant, domain.ObjectOperation, routeOpID, domain.OwnerKeys[domain.ObjectOperation]...)
	return op
}

// TestHandlerGetOperation checks who may read an operation, and that an
// unfinished one is caught up with a workflow that ended unreported.
func TestHandlerGetOperation(t *testing.T) {
	t.Parallel()
	opPath := "/api/v1/operations/" + routeOpID.String()
	for _, tc := range []struct {
		name     string
		as       func(h *fakeAPI) *caller
		path     string
		state    domain.OperationState
		workflow enumspb.WorkflowExecutionStatus // described when state is unfinished
		status   int
		want     domain.OperationState
	}{
		{name: "stranger", as: instructor, path: opPath, state: domain.OpCompleted, status: http.StatusNotFound},
		{name: "malformed id", as: admin, path: "/api/v1/operations/op-1", status: http.StatusNotFound},
		{name: "unknown id", as: admin, path: "/api/v1/operations/" + uuid.NewString(), state: domain.OpCompleted, status: http.StatusNotFound},
		{name: "requester, finished", as: participant, path: opPath, state: domain.OpCompleted, status: http.StatusOK, want: domain.OpCompleted},
		{name: "admin, running", as: admin, path: opPath, state: domain.OpRunning,
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, status: http.StatusOK, want: domain.OpRunning},
		{name: "requester, workflow terminated", as: participant, path: opPath, state: domain.OpRunning,
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, status: http.StatusOK, want: domain.OpAborted},
		{name: "requester, workflow timed out", as: participant, path: opPath, state: domain.OpAwaitingOperator,
			workflow: enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, status: http.StatusOK, want: domain.OpFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			op := participantsOperation(h, tc.state)
			stored := func() []domain.Operation { return nil }
			if tc.state != "" {
				stored = h.operationsInMemory(op)
			}
			if tc.status == http.StatusOK && !tc.state.Terminal() {
				h.expectDescribe(op.WorkflowID, tc.workflow)
			}
			r := h.do(tc.as(h), "GET", tc.path, nil)
			if tc.status == http.StatusNotFound {
				r.requireError(t, tc.status, domain.KindNotFound)
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			var got domain.Operation
			r.json(t, &got)
			require.Equal(t, tc.want, got.State)
			require.Equal(t, tc.want, stored()[0].State, "the store holds what the caller saw")
			if tc.want != tc.state {
				require.Len(t, got.Steps, 1, "the caught-up state ends the step in the history")
				require.Equal(t, "clone", got.Steps[0].Name)
				require.NotNil(t, got.Steps[0].EndedAt)
			}
		})
	}
}

// TestHandlerListOperations checks the list's validation and that a caller
// without read access to every operation sees only their own.
func TestHandlerListOperations(t *testing.T) {
	t.Parallel()
	other := uuid.New()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		fields map[string]string
		// requester is the filter the store must receive: "me", "other",
		// "" for none, or "skip" when the store must not be asked.
		requester string
	}{
		{name: "bad user", as: admin, query: "?user=pat", fields: map[string]string{"user": "must be a user id"}},
		{name: "bad limit", as: participant, query: "?limit=1000", fields: map[string]string{"limit": "from 1 to 500"}},
		{name: "admin sees all", as: admin, requester: ""},
		{name: "admin filters by requester", as: admin, query: "?user=" + other.String(), requester: "other"},
		{name: "participant sees own", as: participant, query: "?state=running&kind=vm.start", requester: "me"},
		{name: "participant asks for another's", as: participant, query: "?user=" + other.String(), requester: "skip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			if tc.fields != nil {
				h.do(c, "GET", "/api/v1/operations"+tc.query, nil).requireFields(t, tc.fields)
				return
			}
			var got *domain.OperationFilter
			if tc.requester != "skip" {
				h.operations.ListOperationsFn = func(_ context.Context, f domain.OperationFilter) ([]domain.Operation, string, error) {
					got = &f
					return nil, "", nil
				}
			}
			r := h.do(c, "GET", "/api/v1/operations"+tc.query, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.JSONEq(t, `{"items": []}`, string(r.body))
			switch tc.requester {
			case "skip":
				return
			case "":
				require.Nil(t, got.RequestedBy)
			case "me":
				require.Equal(t, c.ID(), *got.RequestedBy)
				require.Equal(t, domain.OpRunning, got.State)
				require.Equal(t, "vm.start", got.Kind)
			case "other":
				require.Equal(t, other, *got.RequestedBy)
			}
		})
	}
}

// TestHandlerOperatorDecisions checks retry, skip and abort: only a holder
// of operation.retry may decide, only for an operation awaiting its
// operator (and skip only on a step that may be skipped), and the
// decision reaches the workflow as the operator signal.
func TestHandlerOperatorDecisions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		as        func(h *fakeAPI) *caller
		action    string
		body      any
		state     domain.OperationState
		skippable bool
		signalErr error // answered by the fake Temporal when a signal is expected
		status    int
		message   string
		fields    map[string]string
	}{
		{name: "stranger", as: instructor, action: "retry", state: domain.OpAwaitingOperator, status: http.StatusNotFound},
		{name: "requester", as: participant, action: "abort", state: domain.OpAwaitingOperator, status: http.StatusForbidden},
		{name: "holder of operation.retry", as: func(h *fakeAPI) *caller {
			h.grant(h.instructor, domain.ObjectOperation, routeOpID, domain.KeyOperationRetry)
			return h.instructor
		}, action: "retry", state: domain.OpAwaitingOperator, status: http.StatusAccepted},
		{name: "reason too long", as: admin, action: "retry", body: map[string]any{"reason": strings.Repeat("r", 2001)},
			state: domain.OpAwaitingOperator, fields: map[string]string{"reason": "at most 2000"}},
		{name: "unknown field", as: admin, action: "retry", body: map[string]any{"action": "skip"},
			state: domain.OpAwaitingOperator, fields: map[string]string{"action": "is not a known field"}},
		{name: "finished operation", as: admin, action: "retry", state: domain.OpCompleted,
			status: http.StatusConflict, message: "is completed, not awaiting_operator"},
		{name: "running operation", as: admin, action: "abort", state: domain.OpRunning,
			status: http.StatusConflict, message: "is running, not awaiting_operator"},
		{name: "retry with a reason", as: admin, action: "retry", body: map[string]any{"reason": "storage fixed"},
			state: domain.OpAwaitingOperator, status: http.StatusAccepted},
		{name: "abort", as: admin, action: "abort", state: domain.OpAwaitingOperator, status: http.StatusAccepted},
		{name: "skip a step that may be skipped", as: admin, action: "skip", state: domain.OpAwaitingOperator,
			skippable: true, status: http.StatusAccepted},
		{name: "skip a step that may not be skipped", as: admin, action: "skip", state: domain.OpAwaitingOperator,
			status: http.StatusConflict, message: `step "clone" of operation ` + routeOpID.String() + " cannot be skipped"},
		{name: "skip by the requester", as: participant, action: "skip", state: domain.OpAwaitingOperator,
			skippable: true, status: http.StatusForbidden},
		{name: "workflow gone", as: admin, action: "retry", state: domain.OpAwaitingOperator,
			signalErr: serviceerror.NewNotFound("workflow not found"), status: http.StatusConflict, message: "is no longer running"},
		{name: "Temporal unreachable", as: admin, action: "retry", state: domain.OpAwaitingOperator,
			signalErr: errors.New(secretCause), status: http.StatusServiceUnavailable, message: "Temporal did not accept the signal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			op := participantsOperation(h, tc.state)
			op.Skippable = tc.skippable
			h.operationsInMemory(op)
			c := tc.as(h)
			reachesOp := tc.fields == nil && tc.status != http.StatusNotFound && tc.status != http.StatusForbidden
			if reachesOp && !tc.state.Terminal() {
				h.expectDescribe(op.WorkflowID, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
			}
			var decision workflows.OperatorDecision
			if reachesOp && tc.state == domain.OpAwaitingOperator && (tc.action != "skip" || tc.skippable) {
				h.temporal.On("SignalWorkflow", tmock.Anything, op.WorkflowID, op.RunID, workflows.OperatorSignal, tmock.Anything).
					Run(func(args tmock.Arguments) { decision = args.Get(4).(workflows.OperatorDecision) }).
					Return(tc.signalErr).Once()
			}
			r := h.do(c, "POST", "/api/v1/operations/"+routeOpID.String()+"/"+tc.action, tc.body)
			switch {
			case tc.fields != nil:
				r.requireFields(t, tc.fields)
			case tc.status == http.StatusNotFound:
				r.requireError(t, tc.status, domain.KindNotFound)
			case tc.status == http.StatusForbidden:
				r.requireError(t, tc.status, domain.KindForbidden)
			case tc.status == http.StatusConflict:
				require.Contains(t, r.requireError(t, tc.status, domain.KindConflict).Message, tc.message)
			case tc.status == http.StatusServiceUnavailable:
				e := r.requireError(t, tc.status, domain.KindUnavailable)
				require.Contains(t, e.Message, tc.message)
				require.NotContains(t, string(r.body), secretCause)
			default:
				require.Equal(t, tc.status, r.status, string(r.body))
				require.Equal(t, workflows.OperatorAction(tc.action), decision.Action)
				require.NotEmpty(t, decision.Reason)
				require.Equal(t, []string{"operation." + tc.action}, h.auditActions())
				return
			}
			require.Empty(t, h.auditActions())
		})
	}
}
