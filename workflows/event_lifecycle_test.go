package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// eventBase is the test clock's start; the event starts two hours later,
// deploys 30 minutes ahead, ends two hours after its start and is torn
// down an hour after its end.
var eventBase = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

const (
	testLead       = 30 * time.Minute
	testTransition = time.Hour
)

var (
	testEventID = uuid.MustParse("00000000-0000-0000-0000-0000000000e1")
	alice       = domain.EventMember{UserID: uuid.MustParse("00000000-0000-0000-0000-00000000000a"), Username: "alice", Email: "alice@example.org", Role: domain.EventRoleParticipant}
	bob         = domain.EventMember{UserID: uuid.MustParse("00000000-0000-0000-0000-00000000000b"), Username: "bob", Email: "bob@example.org", Role: domain.EventRoleParticipant}
	carol       = domain.EventMember{UserID: uuid.MustParse("00000000-0000-0000-0000-00000000000c"), Username: "carol", Email: "carol@example.org", Role: domain.EventRoleParticipant}
	ines        = domain.EventMember{UserID: uuid.MustParse("00000000-0000-0000-0000-00000000001f"), Username: "ines", Email: "ines@example.org", Role: domain.EventRoleInstructor}
)

// eventEnv is a workflow test environment with the event activities, the
// e-mail activities and the VM child workflows mocked. It records the
// states (with the test clock's time), the items, the children and the
// e-mails.
type eventEnv struct {
	*testsuite.TestWorkflowEnvironment
	t  *testing.T
	mu sync.Mutex

	schedule activities.EventSchedule
	members  []domain.EventMember
	// cloneFails says whether the clone of this VM's item fails.
	cloneFails func(req activities.EventVMRequest) bool
	// createFails says whether creating this VM's record fails.
	createFails func(req activities.EventVMRequest) bool
	// cloneTakes is how long a CloneVM child runs (5 minutes if 0).
	cloneTakes time.Duration
	// deleteTakes is how long a DeleteVM child runs.
	deleteTakes time.Duration
	// sent and answered count Updates, so that none goes unanswered.
	sent, answered int
	// cloning and maxCloning count the CloneVM children in flight.
	cloning, maxCloning int

	// machines is the environment snapshot (one machine "web" of two
	// copies, without connection templates, if nil).
	machines []activities.EventMachine
	// course is what PlanEventCourse answers (no course by default).
	course activities.EventCoursePlan
	// guacOn makes the Guacamole activities work rather than skip;
	// connFails is EnsureConnection's error now, if any.
	guacOn    bool
	connFails func(in activities.EnsureConnectionInput) error
	// moodleTakes is how long a MoodleEnrolment child runs.
	moodleTakes time.Duration

	states  []domain.EventState
	stateAt map[domain.EventState]time.Time
	// notes are the timeline entries the lifecycle recorded.
	notes    []domain.EventActivity
	requests map[uuid.UUID]activities.EventVMRequest
	items    map[string]domain.EventItem
	clones   []string
	stops    []string
	deletes  []string
	emails   []string
	// connections are the EnsureConnection calls that succeeded
	// ("user/machine/index/position"), connRevokes and connDeletes the
	// RevokeConnections and DeleteConnections calls ("event" or the VM's
	// item), moodle the MoodleEnrolment children's inputs.
	connections []string
	connRevokes []string
	connDeletes []string
	moodle      []MoodleEnrolmentInput
	// mails are the e-mails' data by "template user".
	mails map[string]json.RawMessage
}

func newEventEnv(t *testing.T) *eventEnv {
	end := eventBase.Add(4 * time.Hour)
	e := &eventEnv{TestWorkflowEnvironment: newTestEnv(t), t: t,
		schedule: activities.EventSchedule{StartsAt: eventBase.Add(2 * time.Hour), EndsAt: &end, LeadTime: testLead, TransitionPeriod: testTransition},
		members:  []domain.EventMember{alice, bob, ines},
		stateAt:  map[domain.EventState]time.Time{}, requests: map[uuid.UUID]activities.EventVMRequest{}, items: map[string]domain.EventItem{},
		cloneFails:  func(activities.EventVMRequest) bool { return false },
		connFails:   func(activities.EnsureConnectionInput) error { return nil },
		mails:       map[string]json.RawMessage{},
		createFails: func(activities.EventVMRequest) bool { return false },
	}
	e.SetStartTime(eventBase)
	e.SetStartWorkflowOptions(client.StartWorkflowOptions{TaskQueue: activities.QueueCore})
	e.OnActivity(eventActs.LoadEvent, mock.Anything, testEventID).Return(func(context.Context, uuid.UUID) (activities.EventInfo, error) {
		return activities.EventInfo{ID: testEventID, Name: "Linux 101", ShortName: "lin101", OwnerID: ines.UserID,
			State: domain.EventPlanned, Schedule: e.schedule}, nil
	}).Maybe()
	e.OnActivity(eventActs.SetEventState, mock.Anything, mock.Anything).Return(func(_ context.Context, c activities.EventStateChange) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.states = append(e.states, c.State)
		e.stateAt[c.State] = e.Now().UTC()
		return nil
	}).Maybe()
	e.OnActivity(timeline.RecordEventActivity, mock.Anything, mock.Anything).Return(func(_ context.Context, a domain.EventActivity) error {
		require.NoError(t, a.Validate())
		e.mu.Lock()
		defer e.mu.Unlock()
		e.notes = append(e.notes, a)
		return nil
	}).Maybe()
	e.OnActivity(eventActs.ResolveEventMembers, mock.Anything, testEventID).Return(func(context.Context, uuid.UUID) ([]domain.EventMember, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return append([]domain.EventMember(nil), e.members...), nil
	}).Maybe()
	e.OnActivity(eventActs.SnapshotEventEnvironment, mock.Anything, testEventID).Return(func(context.Context, uuid.UUID) ([]activities.EventMachine, error) {
		if e.machines != nil {
			return e.machines, nil
		}
		return []activities.EventMachine{{Name: "web", TemplateID: uuid.New(), Count: 2, CloneMode: domain.CloneLinked}}, nil
	}).Maybe()
	e.OnActivity(eventActs.CreateEventVM, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.EventVMRequest) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.createFails(r) {
			return temporal.NewNonRetryableApplicationError("template not found", activities.ErrTypeNotFound, nil)
		}
		e.requests[r.VM] = r
		return nil
	}).Maybe()
	e.OnActivity(eventActs.RecordEventItem, mock.Anything, mock.Anything).Return(func(_ context.Context, it domain.EventItem) error {
		require.NoError(t, it.Validate())
		e.mu.Lock()
		defer e.mu.Unlock()
		e.items[itemKey(it.UserID, it.Machine, it.Index)] = it
		return nil
	}).Maybe()
	e.OnActivity(eventActs.StoreEventSchedule, mock.Anything, mock.Anything).Return(nil).Maybe()
	e.OnActivity(emails.QueueEmail, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.QueueEmailInput) (uuid.UUID, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.emails = append(e.emails, in.Template+" "+in.To)
		e.mails[in.Template+" "+in.To] = in.Data
		return in.ID, nil
	}).Maybe()
	e.OnWorkflow(SendEmailType.Name, mock.Anything, mock.Anything).Return(activities.SendEmailResult{}, nil).Maybe()
	e.OnWorkflow(CloneVMType.Name, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in CloneVMInput) (CloneVMResult, error) {
		e.mu.Lock()
		r := e.requests[in.VM]
		e.clones = append(e.clones, r.Username+"/"+r.Machine.Name+"/"+fmt.Sprint(r.Index))
		fails := e.cloneFails(r)
		e.cloning++
		e.maxCloning = max(e.maxCloning, e.cloning)
		e.mu.Unlock()
		takes := 5 * time.Minute
		if e.cloneTakes > 0 {
			takes = e.cloneTakes
		}
		err := workflow.Sleep(ctx, takes)
		e.mu.Lock()
		e.cloning--
		e.mu.Unlock()
		if err != nil {
			return CloneVMResult{}, err
		}
		if fails {
			return CloneVMResult{}, temporal.NewNonRetryableApplicationError("clone task failed: storage full", "CloneFailed", nil)
		}
		return CloneVMResult{Node: "pve1", VMID: 100, Power: domain.PowerRunning, IPv4: "10.0.0.5"}, nil
	}).Maybe()
	e.OnWorkflow(VMActionType.Name, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in VMActionInput) (VMActionResult, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.stops = append(e.stops, e.nameOf(in.VM))
		return VMActionResult{Power: domain.PowerStopped}, nil
	}).Maybe()
	e.OnWorkflow(DeleteVMType.Name, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in DeleteVMInput) error {
		e.mu.Lock()
		e.deletes = append(e.deletes, e.nameOf(in.VM))
		e.mu.Unlock()
		if e.deleteTakes > 0 {
			return workflow.Sleep(ctx, e.deleteTakes)
		}
		return nil
	}).Maybe()
	e.mockIntegrations()
	t.Cleanup(func() { require.Equal(t, e.sent, e.answered, "every Update is answered") })
	return e
}

func itemKey(user uuid.UUID, machine string, index int) string {
	return fmt.Sprintf("%s/%s/%d", user, machine, index)
}

// nameOf is "user/machine/index" of the item a VM was made for.
func (e *eventEnv) nameOf(vm uuid.UUID) string {
	r := e.requests[vm]
	return r.Username + "/" + r.Machine.Name + "/" + fmt.Sprint(r.Index)
}

func (e *eventEnv) input() EventLifecycleInput {
	return EventLifecycleInput{EventID: testEventID, DeployConcurrency: 2}
}

// update sends an Update at d of workflow time; check gets its result or
// rejection.
func (e *eventEnv) update(d time.Duration, name string, check func(s EventSummary, err error), args ...any) {
	e.sent++
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(name, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				e.answered++
				check(EventSummary{}, err)
			},
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				e.answered++
				s, _ := v.(EventSummary)
				check(s, err)
			},
		}, args...)
	}, d)
}

// rejected checks an Update was refused with an error of type typ.
func rejected(t *testing.T, typ string) func(EventSummary, error) {
	return func(_ EventSummary, err error) {
		require.Error(t, err)
		require.True(t, activities.HasErrorType(err, typ), "want %s, got %v", typ, err)
	}
}

// accepted checks an Update was answered with the event in state want.
func accepted(t *testing.T, want domain.EventState) func(EventSummary, error) {
	return func(s EventSummary, err error) {
		require.NoError(t, err)
		require.Equal(t, want, s.State)
	}
}

func (e *eventEnv) itemStates() map[string]domain.EventItemState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]domain.EventItemState{}
	for _, it := range e.items {
		name := map[uuid.UUID]string{alice.UserID: "alice", bob.UserID: "bob", carol.UserID: "carol"}[it.UserID]
		out[fmt.Sprintf("%s/%s/%d", name, it.Machine, it.Index)] = it.State
	}
	return out
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

func TestEventLifecycleFollowsItsSchedule(t *testing.T) {
	e := newEventEnv(t)
	e.cloneFails = func(r activities.EventVMRequest) bool { return r.Username == "bob" && r.Index == 1 }
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())

	require.Equal(t, []domain.EventState{domain.EventDeploying, domain.EventReady, domain.EventRunning, domain.EventEnded,
		domain.EventDecommissioning, domain.EventDecommissioned}, e.states)
	start := e.schedule.StartsAt
	require.Equal(t, start.Add(-testLead), e.stateAt[domain.EventDeploying])
	require.Equal(t, start, e.stateAt[domain.EventRunning])
	require.Equal(t, *e.schedule.EndsAt, e.stateAt[domain.EventEnded])
	require.Equal(t, e.schedule.EndsAt.Add(testTransition), e.stateAt[domain.EventDecommissioning])

	require.ElementsMatch(t, []string{"alice/web/0", "alice/web/1", "bob/web/0", "bob/web/1"}, e.clones)
	require.Equal(t, 2, e.maxCloning, "at most DeployConcurrency clones at once")
	require.Equal(t, start.Add(-testLead+10*time.Minute), e.stateAt[domain.EventReady], "two rounds of two five-minute clones")
	require.ElementsMatch(t, []string{"alice/web/0", "alice/web/1", "bob/web/0"}, e.stops, "only ready VMs are stopped")
	require.ElementsMatch(t, []string{"alice/web/0", "alice/web/1", "bob/web/0", "bob/web/1"}, e.deletes)
	for name, st := range e.itemStates() {
		require.Equal(t, domain.ItemRemoved, st, name)
	}
	require.Equal(t, 1, countPrefix(e.emails, mail.EventDeployed+" alice"), e.emails)
	require.Equal(t, 0, countPrefix(e.emails, mail.EventDeployed+" bob"), "bob has a failed item")
	require.Equal(t, 1, countPrefix(e.emails, mail.EventItemsFailed+" ines"), e.emails)
	require.Equal(t, 2, countPrefix(e.emails, mail.EventEnded), e.emails)
	require.Equal(t, 2, countPrefix(e.emails, mail.EventEndingSoon), e.emails)
	for _, r := range e.requests {
		require.Equal(t, "lin101-"+r.Username+"-web-"+fmt.Sprint(r.Index+1),
			activities.EventVMName(r.ShortName, r.Username, r.Machine.Name, r.Index))
	}

	// The timeline has every state change, and each item's steps.
	var states []string
	kinds := map[domain.EventActivityKind]int{}
	for _, a := range e.notes {
		kinds[a.Kind]++
		if a.Kind == domain.EventActivityStateChanged {
			states = append(states, a.Details["state"].(string))
		}
	}
	require.Equal(t, []string{"deploying", "ready", "running", "ended", "decommissioning", "decommissioned"}, states)
	require.Equal(t, 4, kinds[domain.EventActivityItemProvisioning], "each item's clone")
	require.Equal(t, 3, kinds[domain.EventActivityItemReady])
	require.Equal(t, 1, kinds[domain.EventActivityItemFailed], "bob's second machine")
	require.Equal(t, 4, kinds[domain.EventActivityItemRemoved])
}

func TestEventLifecycleDeployFailsWhenNothingDeploys(t *testing.T) {
	e := newEventEnv(t)
	e.cloneFails = func(activities.EventVMRequest) bool { return true }
	e.update(3*time.Hour, UpdateEndNow, accepted(t, domain.EventDeployFailed))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []domain.EventState{domain.EventDeploying, domain.EventDeployFailed, domain.EventDecommissioning,
		domain.EventDecommissioned}, e.states)
	require.Equal(t, 1, countPrefix(e.emails, mail.EventDeployFailed+" ines"), e.emails)
	require.Empty(t, e.stops)
}

func TestEventLifecycleValidatorsRefuseInvalidChanges(t *testing.T) {
	e := newEventEnv(t)
	past := eventBase.Add(-time.Hour)
	early := e.schedule.StartsAt.Add(-time.Hour)
	later := e.schedule.StartsAt.Add(time.Hour)
	e.update(time.Minute, UpdateEndNow, rejected(t, activities.ErrTypeConflict))
	e.update(time.Minute, UpdateRetryFailed, rejected(t, activities.ErrTypeConflict))
	e.update(time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeInvalid), ChangeDatesRequest{StartsAt: &past})
	e.update(time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeInvalid), ChangeDatesRequest{EndsAt: &early})
	e.update(time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeInvalid), ChangeDatesRequest{})
	e.update(time.Minute, UpdateAddParticipant, rejected(t, activities.ErrTypeInvalid), ParticipantChange{})
	// A later start re-arms the deploy timer.
	e.update(2*time.Minute, UpdateChangeDates, func(s EventSummary, err error) {
		require.NoError(t, err)
		require.Equal(t, domain.EventPlanned, s.State)
		require.Equal(t, later, s.Schedule.StartsAt)
	}, ChangeDatesRequest{StartsAt: &later})
	// After the start, the start no longer changes; in the transition
	// only the transition period does.
	e.update(3*time.Hour+time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeConflict), ChangeDatesRequest{StartsAt: timePtr(later.Add(time.Hour))})
	e.update(3*time.Hour+time.Minute, UpdateCancel, rejected(t, activities.ErrTypeConflict))
	e.update(3*time.Hour+time.Minute, UpdateDeployNow, rejected(t, activities.ErrTypeConflict))
	e.update(4*time.Hour+time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeConflict), ChangeDatesRequest{EndsAt: timePtr(later.Add(9 * time.Hour))})
	e.update(4*time.Hour+time.Minute, UpdateAddParticipant, rejected(t, activities.ErrTypeConflict), ParticipantChange{UserID: carol.UserID})
	twoHours := 2 * time.Hour
	e.update(4*time.Hour+2*time.Minute, UpdateChangeDates, accepted(t, domain.EventEnded), ChangeDatesRequest{TransitionPeriod: &twoHours})
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, later.Add(-testLead), e.stateAt[domain.EventDeploying], "the new start re-armed the timer")
	require.Equal(t, later, e.stateAt[domain.EventRunning])
	require.Equal(t, e.schedule.EndsAt.Add(twoHours), e.stateAt[domain.EventDecommissioning])
}

func timePtr(t time.Time) *time.Time { return &t }

func TestEventLifecycleCancelBeforeDeploy(t *testing.T) {
	e := newEventEnv(t)
	e.update(10*time.Minute, UpdateCancel, accepted(t, domain.EventCancelled))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []domain.EventState{domain.EventCancelled}, e.states)
	require.Empty(t, e.clones)
}

func TestEventLifecycleDeployNowAndEndNow(t *testing.T) {
	e := newEventEnv(t)
	e.update(time.Minute, UpdateDeployNow, accepted(t, domain.EventDeploying))
	e.update(time.Hour, UpdateEndNow, accepted(t, domain.EventEnded))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, eventBase.Add(time.Minute), e.stateAt[domain.EventDeploying])
	require.Equal(t, eventBase.Add(time.Hour), e.stateAt[domain.EventEnded])
	require.NotContains(t, e.states, domain.EventRunning, "ended before its start")
	require.Len(t, e.stops, 4)
}

func TestEventLifecycleParticipantChanges(t *testing.T) {
	e := newEventEnv(t)
	// Planned: recorded only; the deployment resolves carol too.
	e.update(time.Minute, UpdateAddParticipant, func(s EventSummary, err error) {
		require.NoError(t, err)
		require.Equal(t, domain.EventPlanned, s.State)
		require.Empty(t, e.clones)
	}, ParticipantChange{UserID: carol.UserID})
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, bob, ines, carol}
	}, time.Minute)
	// Running: bob leaves, only his VMs go.
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, ines, carol}
	}, 2*time.Hour+10*time.Minute)
	e.update(2*time.Hour+10*time.Minute, UpdateRemoveParticipant, accepted(t, domain.EventRunning), ParticipantChange{UserID: bob.UserID})
	e.update(2*time.Hour+30*time.Minute, UpdateRemoveParticipant, rejected(t, activities.ErrTypeConflict), ParticipantChange{UserID: alice.UserID})
	e.update(2*time.Hour+31*time.Minute, UpdateAddParticipant, rejected(t, activities.ErrTypeInvalid), ParticipantChange{UserID: uuid.New()})
	e.RegisterDelayedCallback(func() {
		require.ElementsMatch(t, []string{"bob/web/0", "bob/web/1"}, e.deletes)
		require.Equal(t, domain.ItemRemoved, e.itemStates()["bob/web/0"])
		// And he comes back: only what is missing is provisioned.
		e.mu.Lock()
		e.members = []domain.EventMember{alice, bob, ines, carol}
		e.clones = nil
		e.mu.Unlock()
	}, 2*time.Hour+40*time.Minute)
	e.update(2*time.Hour+41*time.Minute, UpdateAddParticipant, accepted(t, domain.EventRunning), ParticipantChange{UserID: bob.UserID})
	e.RegisterDelayedCallback(func() {
		require.ElementsMatch(t, []string{"bob/web/0", "bob/web/1"}, e.clones)
		require.Equal(t, domain.ItemReady, e.itemStates()["bob/web/1"])
	}, 3*time.Hour)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Len(t, e.deletes, 2+6, "bob's first VMs, then all six at the teardown")
}

func TestEventLifecycleAddParticipantWhileDeploying(t *testing.T) {
	e := newEventEnv(t)
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, bob, ines, carol}
	}, 90*time.Minute+time.Minute)
	e.update(90*time.Minute+time.Minute, UpdateAddParticipant, accepted(t, domain.EventDeploying), ParticipantChange{UserID: carol.UserID})
	e.RegisterDelayedCallback(func() {
		require.Len(t, e.clones, 6)
		require.Equal(t, domain.ItemReady, e.itemStates()["carol/web/1"])
	}, 2*time.Hour)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
}

func TestEventLifecycleRetriesOnlyFailedItems(t *testing.T) {
	e := newEventEnv(t)
	failing := true
	e.cloneFails = func(r activities.EventVMRequest) bool { return failing && r.Username == "alice" && r.Index == 0 }
	e.RegisterDelayedCallback(func() {
		require.Equal(t, domain.ItemFailed, e.itemStates()["alice/web/0"])
		e.mu.Lock()
		failing, e.clones = false, nil
		e.mu.Unlock()
	}, 2*time.Hour+time.Minute)
	e.update(2*time.Hour+2*time.Minute, UpdateRetryFailed, func(s EventSummary, err error) {
		require.NoError(t, err)
		require.Equal(t, domain.EventRunning, s.State)
	})
	e.RegisterDelayedCallback(func() {
		require.Equal(t, []string{"alice/web/0"}, e.clones)
		require.Equal(t, domain.ItemReady, e.itemStates()["alice/web/0"])
		require.Equal(t, []string{"alice/web/0"}, e.deletes, "the failed record is deleted before the retry")
	}, 2*time.Hour+30*time.Minute)
	e.update(2*time.Hour+31*time.Minute, UpdateRetryFailed, rejected(t, activities.ErrTypeConflict))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 1, countPrefix(e.emails, mail.EventDeployed+" alice"), "told once all of hers were ready")
}

func TestEventLifecycleContinuesAsNewAndKeepsItsUpdates(t *testing.T) {
	e := newEventEnv(t)
	// Once deployed, the server suggests continuing as new; the next
	// workflow task sees it.
	e.RegisterDelayedCallback(func() { e.SetContinueAsNewSuggested(true) }, 100*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(e.GetWorkflowError(), &can), "want continue-as-new, got %v", e.GetWorkflowError())
	var next EventLifecycleInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Carried)
	carried := next.Carried
	require.Len(t, carried.Items, 4)
	require.Equal(t, domain.EventReady, carried.Phase)

	// The next run picks up the carried state and answers Updates.
	e2 := newEventEnv(t)
	e2.SetStartTime(e.Now())
	e2.requests = e.requests
	e2.update(time.Minute, UpdateEndNow, func(s EventSummary, err error) {
		require.NoError(t, err)
		require.Equal(t, domain.EventEnded, s.State)
		require.Equal(t, 4, s.Items[domain.ItemReady])
	})
	e2.ExecuteWorkflow(EventLifecycleType.Name, next)
	require.NoError(t, e2.GetWorkflowError())
	require.Equal(t, domain.EventDecommissioned, e2.states[len(e2.states)-1])
	require.Len(t, e2.stops, 4)
	require.Len(t, e2.deletes, 4)
	require.NotContains(t, e2.states, domain.EventDeploying, "nothing is deployed twice")
}

func TestEventLifecycleAnswersAnUpdateInItsFirstTask(t *testing.T) {
	e := newEventEnv(t)
	later := e.schedule.StartsAt.Add(time.Hour)
	// Sent with the start: the handler waits for the event to be loaded
	// and validates again with its schedule.
	e.update(0, UpdateChangeDates, accepted(t, domain.EventPlanned), ChangeDatesRequest{StartsAt: &later})
	e.update(0, UpdateChangeDates, rejected(t, activities.ErrTypeInvalid), ChangeDatesRequest{EndsAt: timePtr(e.schedule.StartsAt.Add(-time.Minute))})
	e.update(time.Minute, UpdateCancel, accepted(t, domain.EventCancelled))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
}

func TestEventLifecycleAddParticipantWhileReady(t *testing.T) {
	e := newEventEnv(t)
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, bob, ines, carol}
		e.clones = nil
	}, 110*time.Minute)
	e.update(110*time.Minute, UpdateAddParticipant, accepted(t, domain.EventReady), ParticipantChange{UserID: carol.UserID})
	e.RegisterDelayedCallback(func() {
		require.ElementsMatch(t, []string{"carol/web/0", "carol/web/1"}, e.clones, "only what is missing")
	}, 2*time.Hour+30*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 1, countPrefix(e.emails, mail.EventDeployed+" carol"), e.emails)
}

func TestEventLifecycleRefusesChangesWhileDecommissioning(t *testing.T) {
	e := newEventEnv(t)
	// Deletes take a while, so that the Updates find the teardown.
	e.deleteTakes = 10 * time.Minute
	teardown := 4*time.Hour + testTransition
	e.update(teardown+time.Minute, UpdateChangeDates, rejected(t, activities.ErrTypeConflict), ChangeDatesRequest{ClearEnd: true})
	e.update(teardown+time.Minute, UpdateRetryFailed, rejected(t, activities.ErrTypeConflict))
	e.update(teardown+time.Minute, UpdateRemoveParticipant, rejected(t, activities.ErrTypeConflict), ParticipantChange{UserID: bob.UserID})
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
}

func TestEventLifecycleEndsQuietlyForADeletedPlannedEvent(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	for _, q := range activities.StandardQueues {
		require.NoError(t, Register(env, q, testTuning()))
	}
	env.RegisterActivity(eventActs)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{TaskQueue: activities.QueueCore})
	end := eventBase.Add(4 * time.Hour)
	env.SetStartTime(eventBase)
	env.OnActivity(eventActs.LoadEvent, mock.Anything, testEventID).Return(activities.EventInfo{ID: testEventID, State: domain.EventPlanned,
		Schedule: activities.EventSchedule{StartsAt: eventBase.Add(time.Hour), EndsAt: &end}}, nil)
	env.OnActivity(eventActs.SetEventState, mock.Anything, mock.Anything).Return(
		temporal.NewNonRetryableApplicationError("event not found", activities.ErrTypeNotFound, nil))
	env.ExecuteWorkflow(EventLifecycleType.Name, EventLifecycleInput{EventID: testEventID})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
}

func TestEventLifecycleRetriesAnItemWithoutARecord(t *testing.T) {
	e := newEventEnv(t)
	failing := true
	e.createFails = func(r activities.EventVMRequest) bool { return failing && r.Username == "bob" && r.Index == 1 }
	e.RegisterDelayedCallback(func() {
		require.Equal(t, domain.ItemFailed, e.itemStates()["bob/web/1"])
		require.Equal(t, stepCreateRecord, e.items[itemKey(bob.UserID, "web", 1)].LastStep)
		failing = false
	}, 2*time.Hour)
	e.update(2*time.Hour+time.Minute, UpdateRetryFailed, accepted(t, domain.EventRunning))
	e.RegisterDelayedCallback(func() {
		require.Empty(t, e.deletes, "no record to delete before the retry")
		require.Equal(t, domain.ItemReady, e.itemStates()["bob/web/1"])
	}, 2*time.Hour+30*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Len(t, e.deletes, 4)
}

func TestEventLifecycleRemovesAParticipantWhoseClonesAreQueued(t *testing.T) {
	e := newEventEnv(t)
	// One clone at a time: bob's wait in the queue when he leaves.
	in := e.input()
	in.DeployConcurrency = 1
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, ines}
	}, 90*time.Minute+time.Minute)
	e.update(90*time.Minute+time.Minute, UpdateRemoveParticipant, accepted(t, domain.EventDeploying), ParticipantChange{UserID: bob.UserID})
	e.ExecuteWorkflow(EventLifecycleType.Name, in)
	require.NoError(t, e.GetWorkflowError())
	require.ElementsMatch(t, []string{"alice/web/0", "alice/web/1"}, e.clones, "bob's queued clones never ran")
	require.Equal(t, domain.ItemRemoved, e.itemStates()["bob/web/1"])
	require.Len(t, e.deletes, 2, "alice's two at the teardown; bob had no records")
}

func TestEventLifecycleEndsOnTimeWhileClonesStillWait(t *testing.T) {
	e := newEventEnv(t)
	// As if every clone waited for an operator until long after the end.
	e.cloneTakes = 10 * time.Hour
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, *e.schedule.EndsAt, e.stateAt[domain.EventEnded], "the end does not wait for the deployment")
	require.Equal(t, []domain.EventState{domain.EventDeploying, domain.EventReady, domain.EventRunning, domain.EventEnded,
		domain.EventDecommissioning, domain.EventDecommissioned}, e.states)
	require.ElementsMatch(t, []string{"alice/web/0", "alice/web/1"}, e.deletes,
		"the teardown waited for the clones in flight and deleted them; the queued ones never ran")
	require.Equal(t, domain.ItemRemoved, e.itemStates()["bob/web/0"])
}

func TestEventLifecycleEndNowWhileRunning(t *testing.T) {
	e := newEventEnv(t)
	e.update(2*time.Hour+10*time.Minute, UpdateEndNow, accepted(t, domain.EventEnded))
	e.update(2*time.Hour+11*time.Minute, UpdateEndNow, rejected(t, activities.ErrTypeConflict))
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, e.schedule.StartsAt.Add(10*time.Minute), e.stateAt[domain.EventEnded])
	require.Equal(t, 0, countPrefix(e.emails, mail.EventEndingSoon), "ended before the notice")
	require.Len(t, e.stops, 4)
}
