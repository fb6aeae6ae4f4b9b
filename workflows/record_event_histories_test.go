//go:build record

package workflows

// Records an EventLifecycle history for TestReplayRecordedHistories; see
// record_histories_test.go:
//
//	go test -tags record -run TestRecordEventHistories -count=1 ./workflows/
//
// The event has two participants with one VM each, deploys on its timer,
// takes a change-dates Update (and refuses one), runs, ends and is torn
// down, with real CloneVM, VMAction, DeleteVM and MoodleEnrolment children
// on the fake Proxmox and Moodle activities, and fake Guacamole
// connections (one per VM).

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// fakeEvents answers the event and e-mail activities without PostgreSQL
// or SMTP; its methods carry the real activities' names and signatures.
type fakeEvents struct {
	mu       sync.Mutex
	schedule activities.EventSchedule
	states   []domain.EventState
}

func (f *fakeEvents) LoadEvent(_ context.Context, id uuid.UUID) (activities.EventInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return activities.EventInfo{ID: id, Name: "Linux 101", ShortName: "lin101", OwnerID: ines.UserID, State: domain.EventPlanned,
		Schedule: f.schedule}, nil
}
func (f *fakeEvents) SetEventState(_ context.Context, c activities.EventStateChange) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.states = append(f.states, c.State)
	return nil
}
func (*fakeEvents) StoreEventSchedule(context.Context, activities.EventScheduleChange) error {
	return nil
}
func (*fakeEvents) SnapshotEventEnvironment(context.Context, uuid.UUID) ([]activities.EventMachine, error) {
	return []activities.EventMachine{{Name: "web", TemplateID: uuid.MustParse("cccccccc-cccc-4ccc-8ccc-cccccccccccc"), Count: 1,
		CloneMode: domain.CloneLinked, Connections: []domain.ConnectionTemplate{{Protocol: "ssh", Username: "student"}}}}, nil
}
func (*fakeEvents) ResolveEventMembers(context.Context, uuid.UUID) ([]domain.EventMember, error) {
	return []domain.EventMember{alice, bob, ines}, nil
}
func (*fakeEvents) CreateEventVM(context.Context, activities.EventVMRequest) error { return nil }
func (*fakeEvents) RecordEventItem(context.Context, domain.EventItem) error        { return nil }
func (*fakeEvents) QueueEmail(_ context.Context, in activities.QueueEmailInput) (uuid.UUID, error) {
	return in.ID, nil
}
func (*fakeEvents) PlanEventCourse(context.Context, uuid.UUID) (activities.EventCoursePlan, error) {
	return activities.EventCoursePlan{Enabled: true, TemplateCourseID: 2, DeleteCourse: true}, nil
}
func (*fakeEvents) EnsureConnection(_ context.Context, in activities.EnsureConnectionInput) (activities.EnsureConnectionResult, error) {
	return activities.EnsureConnectionResult{ConnectionID: in.Username, URL: "https://guac.example.org/#/client/" + in.Username}, nil
}
func (*fakeEvents) RevokeConnections(context.Context, activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
	return activities.EventConnectionsResult{Changed: 2}, nil
}
func (*fakeEvents) DeleteConnections(context.Context, activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
	return activities.EventConnectionsResult{Changed: 2}, nil
}
func (*fakeEvents) RecordEventActivity(context.Context, domain.EventActivity) error { return nil }
func (*fakeEvents) SendEmail(context.Context, activities.SendEmailInput) (activities.SendEmailResult, error) {
	return activities.SendEmailResult{}, nil
}

func TestRecordEventHistories(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	require.NoError(t, temporalx.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace()))
	start := time.Now().Add(4 * time.Second).UTC().Truncate(time.Millisecond)
	end := start.Add(2 * time.Second)
	events := &fakeEvents{schedule: activities.EventSchedule{StartsAt: start, EndsAt: &end, LeadTime: 2 * time.Second,
		TransitionPeriod: time.Second}}
	fake := &fakeProxmox{}
	// A Moodle without the faults the Moodle histories record.
	moodle := &fakeMoodle{}
	moodle.copies.Add(1)
	moodle.unenrols.Add(1)
	for _, q := range []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions} {
		ts.NewWorker(q, func(r worker.Registry) {
			require.NoError(t, Register(r, q, testTuning()))
			r.RegisterActivity(fake)
			r.RegisterActivity(&fakeOperations{})
			r.RegisterActivity(events)
			r.RegisterActivity(moodle)
		})
	}
	run, err := c.ExecuteWorkflow(ctx, EventStartOptions(testEventID), EventLifecycleType.Name,
		EventLifecycleInput{EventID: testEventID, DeployConcurrency: 1})
	require.NoError(t, err)
	// Starting again is a no-op: the API may call it before every action.
	again, err := c.ExecuteWorkflow(ctx, EventStartOptions(testEventID), EventLifecycleType.Name, EventLifecycleInput{EventID: testEventID})
	require.NoError(t, err)
	require.Equal(t, run.GetRunID(), again.GetRunID())

	update := func(name string, args ...any) (EventSummary, error) {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: name, Args: args,
			WaitForStage: client.WorkflowUpdateStageCompleted})
		var sum EventSummary
		if err == nil {
			err = h.Get(ctx, &sum)
		}
		return sum, err
	}
	transition := 2 * time.Second
	sum, err := update(UpdateChangeDates, ChangeDatesRequest{TransitionPeriod: &transition})
	require.NoError(t, err)
	require.Equal(t, domain.EventPlanned, sum.State)
	_, err = update(UpdateEndNow)
	require.True(t, activities.HasErrorType(err, activities.ErrTypeConflict), "a planned event does not end: %v", err)
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "event_lifecycle.json")
	require.Equal(t, []domain.EventState{domain.EventDeploying, domain.EventReady, domain.EventRunning, domain.EventEnded,
		domain.EventDecommissioning, domain.EventDecommissioned}, events.states)
	desc, err := c.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	got, _ := desc.TypedSearchAttributes.GetKeyword(temporalx.KeyEventID)
	require.Equal(t, testEventID.String(), got)
	got, _ = desc.TypedSearchAttributes.GetKeyword(temporalx.KeyState)
	require.Equal(t, string(domain.EventDecommissioned), got)

	cancelled := uuid.MustParse("00000000-0000-0000-0000-0000000000e2")
	events.mu.Lock()
	events.schedule.StartsAt = time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	events.schedule.EndsAt = nil
	events.mu.Unlock()
	run, err = c.ExecuteWorkflow(ctx, EventStartOptions(cancelled), EventLifecycleType.Name, EventLifecycleInput{EventID: cancelled})
	require.NoError(t, err)
	sum, err = update(UpdateCancel)
	require.NoError(t, err)
	require.Equal(t, domain.EventCancelled, sum.State)
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "event_lifecycle_cancelled.json")
}
