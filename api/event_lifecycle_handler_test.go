package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	tmock "github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// updateCall is what the API passed to the fake Temporal's UpdateWorkflow.
type updateCall struct {
	options client.UpdateWorkflowOptions
	args    []any
}

// expectUpdate makes the fake Temporal expect one Update called name and
// answer sum, or err (a rejection) when err is not nil.
func (h *fakeAPI) expectUpdate(name string, sum workflows.EventSummary, err error) *updateCall {
	call := &updateCall{}
	handle := mocks.NewWorkflowUpdateHandle(h.t)
	handle.On("Get", tmock.Anything, tmock.Anything).Run(func(args tmock.Arguments) {
		if err == nil {
			*args.Get(1).(*workflows.EventSummary) = sum
		}
	}).Return(err).Once()
	h.temporal.On("UpdateWorkflow", tmock.Anything, tmock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		return o.UpdateName == name
	})).Run(func(args tmock.Arguments) {
		call.options = args.Get(1).(client.UpdateWorkflowOptions)
		call.args = call.options.Args
	}).Return(handle, nil).Once()
	return call
}

func TestHandlerEventActionsGoThroughTheLifecycle(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String()
	for _, tc := range []struct {
		path, update string
		state        domain.EventState
		answer       domain.EventState
	}{
		{"/deploy", workflows.UpdateDeployNow, domain.EventPlanned, domain.EventDeploying},
		{"/cancel", workflows.UpdateCancel, domain.EventPlanned, domain.EventCancelled},
		{"/end", workflows.UpdateEndNow, domain.EventRunning, domain.EventEnded},
		{"/retry-failed", workflows.UpdateRetryFailed, domain.EventRunning, domain.EventRunning},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEvents(h, tc.state, nil)
			if tc.state == domain.EventPlanned {
				start := h.expectStart(workflows.EventLifecycleType, nil)
				defer func() { require.Equal(t, workflows.EventLifecycleWorkflowID(routeEventID), start.options.ID) }()
			}
			call := h.expectUpdate(tc.update, workflows.EventSummary{EventID: routeEventID, State: tc.answer,
				Items: map[domain.EventItemState]int{domain.ItemReady: 2}}, nil)
			r := h.do(h.admin, "POST", path+tc.path, nil)
			r.requireStatus(t, http.StatusOK)
			var sum workflows.EventSummary
			r.json(t, &sum)
			require.Equal(t, tc.answer, sum.State)
			require.Equal(t, workflows.EventLifecycleWorkflowID(routeEventID), call.options.WorkflowID)
			require.Equal(t, client.WorkflowUpdateStageCompleted, call.options.WaitForStage)
			require.Equal(t, []string{"event." + tc.update}, h.auditActions())
		})
	}
}

func TestHandlerEventActionRejectionsAnswerSynchronously(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventRunning, nil)
	h.expectUpdate(workflows.UpdateRetryFailed, workflows.EventSummary{},
		temporal.NewNonRetryableApplicationError("event has no failed items to retry", "Conflict", nil))
	h.do(h.admin, "POST", path+"/retry-failed", nil).requireStatus(t, http.StatusConflict)

	h.expectUpdate(workflows.UpdateChangeDates, workflows.EventSummary{},
		temporal.NewNonRetryableApplicationError("ends_at must be in the future", "Invalid", nil))
	// The API checks what it can (an end after the start); the lifecycle
	// refuses the rest (here, as if the end had passed meanwhile).
	end := eventStart.Add(48 * time.Hour).Format(time.RFC3339)
	h.do(h.admin, "PATCH", path, map[string]any{"ends_at": end}).requireStatus(t, http.StatusUnprocessableEntity)

	h.do(h.admin, "PATCH", path, map[string]any{"name": "renamed"}).requireStatus(t, http.StatusConflict)
	h.temporal.On("UpdateWorkflow", tmock.Anything, tmock.Anything).
		Return(nil, serviceerror.NewNotFound("workflow not found")).Once()
	h.do(h.admin, "POST", path+"/end", nil).requireStatus(t, http.StatusConflict)
	h.do(h.participant, "POST", path+"/end", nil).requireStatus(t, http.StatusNotFound)
}

func TestHandlerEventDatesOfARunningEvent(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventRunning, nil)
	end := eventStart.Add(48 * time.Hour)
	call := h.expectUpdate(workflows.UpdateChangeDates, workflows.EventSummary{State: domain.EventRunning}, nil)
	h.do(h.admin, "PATCH", "/api/v1/events/"+routeEventID.String(), map[string]any{"ends_at": end.Format(time.RFC3339)}).
		requireStatus(t, http.StatusOK)
	req := call.args[0].(workflows.ChangeDatesRequest)
	require.True(t, end.Equal(*req.EndsAt))
	require.Nil(t, req.StartsAt, "only what the request names changes")
	require.Nil(t, req.LeadTime)
}

func TestHandlerEventParticipantsOfARunningEvent(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String() + "/participants"
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventRunning, nil)
	add := h.expectUpdate(workflows.UpdateAddParticipant, workflows.EventSummary{State: domain.EventRunning}, nil)
	user := h.participant.ID()
	h.do(h.admin, "POST", path, map[string]any{"user_id": user}).requireStatus(t, http.StatusOK)
	require.Equal(t, workflows.ParticipantChange{UserID: user}, add.args[0])

	remove := h.expectUpdate(workflows.UpdateRemoveParticipant, workflows.EventSummary{State: domain.EventRunning}, nil)
	h.do(h.admin, "DELETE", path+"?user_id="+user.String(), nil).requireStatus(t, http.StatusNoContent)
	require.Equal(t, workflows.ParticipantChange{UserID: user}, remove.args[0])

	h.expectUpdate(workflows.UpdateRemoveParticipant, workflows.EventSummary{},
		temporal.NewNonRetryableApplicationError("user still takes part in the event through a group", "Conflict", nil))
	h.do(h.admin, "DELETE", path+"?user_id="+uuid.NewString(), nil).requireStatus(t, http.StatusConflict)
}

func TestHandlerGroupMembershipReachesLiveEvents(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventRunning, nil)
	var filters []domain.EventFilter
	h.events.ListEventsFn = func(_ context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
		filters = append(filters, f)
		if f.State != domain.EventRunning {
			return nil, "", nil
		}
		return []domain.Event{storedEvent(h.admin.ID(), domain.EventRunning)}, "", nil
	}
	members := "/api/v1/groups/" + routeGroupID.String() + "/members"
	add := h.expectUpdate(workflows.UpdateAddParticipant, workflows.EventSummary{State: domain.EventRunning}, nil)
	h.do(h.admin, "POST", members, map[string]any{"user_id": h.participant.ID()}).requireStatus(t, http.StatusOK)
	require.Equal(t, workflows.ParticipantChange{GroupID: routeGroupID}, add.args[0])
	require.Equal(t, workflows.EventLifecycleWorkflowID(routeEventID), add.options.WorkflowID)
	require.Len(t, filters, 3, "deploying, ready and running events")
	require.Equal(t, h.participant.ID(), *filters[0].ParticipantID)

	// A lifecycle that refuses does not undo the group change.
	h.expectUpdate(workflows.UpdateRemoveParticipant, workflows.EventSummary{},
		temporal.NewNonRetryableApplicationError("event has ended", "Conflict", nil))
	h.do(h.admin, "DELETE", members+"/"+h.participant.ID().String(), nil).requireStatus(t, http.StatusNoContent)
}
