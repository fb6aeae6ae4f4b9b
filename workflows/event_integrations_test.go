package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// mockIntegrations mocks the Guacamole activities (they skip unless
// guacOn), PlanEventCourse (answers e.course) and the MoodleEnrolment
// child (course 42; a deploy takes moodleTakes), recording every call.
func (e *eventEnv) mockIntegrations() {
	e.OnActivity(mdl.PlanEventCourse, mock.Anything, testEventID).Return(func(context.Context, uuid.UUID) (activities.EventCoursePlan, error) {
		return e.course, nil
	}).Maybe()
	e.OnActivity(guac.EnsureConnection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EnsureConnectionInput) (activities.EnsureConnectionResult, error) {
			if !e.guacOn {
				return activities.EnsureConnectionResult{Skipped: true}, nil
			}
			if err := e.connFails(in); err != nil {
				return activities.EnsureConnectionResult{}, err
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			name := fmt.Sprintf("%s/%s/%d/%d", in.Username, in.Machine, in.Index, in.TemplatePosition)
			e.connections = append(e.connections, name)
			return activities.EnsureConnectionResult{ConnectionID: name, URL: "https://guac.example.org/#/client/" + name}, nil
		}).Maybe()
	record := func(list *[]string) func(context.Context, activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
		return func(_ context.Context, in activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
			if !e.guacOn {
				return activities.EventConnectionsResult{Skipped: true}, nil
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			what := "event"
			if in.VMID != nil {
				what = e.nameOf(*in.VMID)
			}
			*list = append(*list, what)
			return activities.EventConnectionsResult{Changed: 1}, nil
		}
	}
	e.OnActivity(guac.RevokeConnections, mock.Anything, mock.Anything).Return(record(&e.connRevokes)).Maybe()
	e.OnActivity(guac.DeleteConnections, mock.Anything, mock.Anything).Return(record(&e.connDeletes)).Maybe()
	e.OnWorkflow(MoodleEnrolmentType.Name, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in MoodleEnrolmentInput) (MoodleEnrolmentResult, error) {
			e.mu.Lock()
			e.moodle = append(e.moodle, in)
			e.mu.Unlock()
			if in.Phase == MoodleDeploy && e.moodleTakes > 0 {
				if err := workflow.Sleep(ctx, e.moodleTakes); err != nil {
					return MoodleEnrolmentResult{}, err
				}
			}
			res := MoodleEnrolmentResult{CourseID: 42}
			if in.CourseID != 0 {
				res.CourseID = in.CourseID
			}
			return res, nil
		}).Maybe()
}

// withServices makes the event's machine "web" (two copies) have one ssh
// connection template, Guacamole work and the event keep course 7's copy.
func (e *eventEnv) withServices() {
	e.machines = []activities.EventMachine{{Name: "web", TemplateID: uuid.New(), Count: 2, CloneMode: domain.CloneLinked,
		Connections: []domain.ConnectionTemplate{{Protocol: "ssh", Username: "student"}}}}
	e.guacOn = true
	e.course = activities.EventCoursePlan{Enabled: true, TemplateCourseID: 7, DeleteCourse: true}
}

// phases are the Moodle phases run, in order.
func (e *eventEnv) phases() []MoodlePhase {
	var out []MoodlePhase
	for _, in := range e.moodle {
		out = append(out, in.Phase)
	}
	return out
}

// deployedConnections are the connections in user's event.deployed e-mail.
func (e *eventEnv) deployedConnections(t *testing.T, user string) []mail.Connection {
	raw, ok := e.mails[mail.EventDeployed+" "+user+"@example.org"]
	require.True(t, ok, "%s has the event.deployed e-mail: %v", user, e.emails)
	var data mail.EventDeployedData
	require.NoError(t, json.Unmarshal(raw, &data))
	return data.Connections
}

func TestEventLifecycleMakesConnectionsAndKeepsTheCourse(t *testing.T) {
	e := newEventEnv(t)
	e.withServices()
	// Carol joins while the event runs.
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, bob, ines, carol}
	}, 2*time.Hour+10*time.Minute)
	e.update(2*time.Hour+10*time.Minute, UpdateAddParticipant, accepted(t, domain.EventRunning), ParticipantChange{UserID: carol.UserID})
	e.RegisterDelayedCallback(func() {
		require.Len(t, e.connections, 6, "one connection per VM: alice's, bob's, then carol's")
		require.Empty(t, e.connRevokes, "nothing is revoked while the event runs")
	}, 3*time.Hour)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())

	require.ElementsMatch(t, []string{"alice/web/0/0", "alice/web/1/0", "bob/web/0/0", "bob/web/1/0", "carol/web/0/0", "carol/web/1/0"},
		e.connections)
	conns := e.deployedConnections(t, "alice")
	require.Len(t, conns, 2, "alice's e-mail lists her two connections")
	require.ElementsMatch(t, []string{"web", "web #2"}, []string{conns[0].Machine, conns[1].Machine})
	require.Equal(t, "https://guac.example.org/#/client/alice/web/0/0", conns[0].URL)
	require.Equal(t, "10.0.0.5", conns[0].Address)
	require.Len(t, e.deployedConnections(t, "carol"), 2, "carol's too, once hers are made")
	require.Equal(t, []string{"event"}, e.connRevokes, "the end revokes every connection")
	require.Equal(t, []string{"event"}, e.connDeletes, "the teardown deletes them before the VMs")

	require.Equal(t, []MoodlePhase{MoodleDeploy, MoodleUpdate, MoodleEnd, MoodleTeardown}, e.phases())
	deploy, update, end, teardown := e.moodle[0], e.moodle[1], e.moodle[2], e.moodle[3]
	require.Equal(t, 7, deploy.TemplateCourseID)
	require.Equal(t, "lin101", deploy.ShortName)
	require.Equal(t, []string{"alice", "bob"}, usernames(deploy.Participants))
	require.Equal(t, []string{"ines"}, usernames(deploy.Instructors))
	require.Equal(t, []string{"carol"}, usernames(update.Participants), "only the new participant is enrolled")
	require.Empty(t, update.Remove)
	require.Equal(t, 42, update.CourseID)
	require.ElementsMatch(t, []string{"alice", "bob", "carol"}, usernames(end.Participants), "instructors stay enrolled")
	require.True(t, teardown.DeleteCourse)

	kinds := map[domain.EventActivityKind]int{}
	for _, a := range e.notes {
		kinds[a.Kind]++
	}
	require.Equal(t, 6+2, kinds[domain.EventActivityConnections], "each item's connections, the revocation and the deletion")
	require.Equal(t, 4, kinds[domain.EventActivityCourse], "each Moodle phase")
}

func TestEventLifecycleRemovesALeavingParticipantsConnectionsAndEnrolment(t *testing.T) {
	e := newEventEnv(t)
	e.withServices()
	e.RegisterDelayedCallback(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.members = []domain.EventMember{alice, ines}
	}, 2*time.Hour+10*time.Minute)
	e.update(2*time.Hour+10*time.Minute, UpdateRemoveParticipant, accepted(t, domain.EventRunning), ParticipantChange{UserID: bob.UserID})
	e.RegisterDelayedCallback(func() {
		require.ElementsMatch(t, []string{"bob/web/0", "bob/web/1"}, e.connDeletes, "bob's connections go before his VMs")
		require.ElementsMatch(t, []string{"bob/web/0", "bob/web/1"}, e.deletes)
		require.Equal(t, []MoodlePhase{MoodleDeploy, MoodleUpdate}, e.phases())
		require.Equal(t, []string{"bob"}, e.moodle[1].Remove)
	}, 2*time.Hour+30*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"alice"}, usernames(e.moodle[2].Participants), "only alice is left to unenrol at the end")
}

// A Guacamole outage from before the VMs are ready until 20 minutes after
// the start, and a course copy that takes three hours (Moodle down), hold
// neither the event's start nor its end: the connections are made and the
// e-mails sent when Guacamole returns, and the course's phases run in order
// once the copy is done.
func TestEventLifecycleWaitsOutGuacamoleAndMoodleOutages(t *testing.T) {
	e := newEventEnv(t)
	e.withServices()
	back := e.schedule.StartsAt.Add(20 * time.Minute)
	e.connFails = func(activities.EnsureConnectionInput) error {
		if e.Now().Before(back) {
			return temporal.NewApplicationError("Guacamole is unreachable", "GuacamoleUnavailable")
		}
		return nil
	}
	e.moodleTakes = 3 * time.Hour
	e.RegisterDelayedCallback(func() {
		require.Empty(t, e.connections)
		require.Zero(t, countPrefix(e.emails, mail.EventDeployed), "the e-mails wait for the connections")
	}, 2*time.Hour+10*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())

	require.Equal(t, e.schedule.StartsAt, e.stateAt[domain.EventRunning], "the event runs at its start")
	require.Equal(t, *e.schedule.EndsAt, e.stateAt[domain.EventEnded], "and ends at its end")
	require.Len(t, e.connections, 4, "every connection is made once Guacamole is back")
	require.Len(t, e.deployedConnections(t, "bob"), 2)
	require.Equal(t, []MoodlePhase{MoodleDeploy, MoodleEnd, MoodleTeardown}, e.phases(), "the course ends after its copy")
	require.False(t, e.stateAt[domain.EventDecommissioned].Before(e.schedule.StartsAt.Add(-testLead+3*time.Hour)),
		"the teardown waits for the course")
}

func TestEventLifecycleRetriesFailedConnections(t *testing.T) {
	e := newEventEnv(t)
	e.withServices()
	broken := true
	e.connFails = func(in activities.EnsureConnectionInput) error {
		if broken && in.Username == "bob" && in.Index == 1 {
			return temporal.NewNonRetryableApplicationError("the VM has no address yet", activities.ErrTypeInvalid, nil)
		}
		return nil
	}
	e.RegisterDelayedCallback(func() {
		it := e.items[itemKey(bob.UserID, "web", 1)]
		require.Equal(t, domain.ItemReady, it.State)
		require.Equal(t, stepConnections, it.LastStep)
		require.Contains(t, it.LastError, "no address")
		broken = false
	}, 2*time.Hour+5*time.Minute)
	e.update(2*time.Hour+10*time.Minute, UpdateRetryFailed, accepted(t, domain.EventRunning))
	e.RegisterDelayedCallback(func() {
		require.Contains(t, e.connections, "bob/web/1/0", "retry-failed makes the failed connection again")
		require.Equal(t, 1, countPrefix(e.clones, "bob/web/1"), "without cloning again")
	}, 2*time.Hour+20*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	require.NoError(t, e.GetWorkflowError())
}

// A continued run keeps the course and the connections: it revokes and
// deletes what the first run made, and runs the course's remaining phases
// on the course the first run copied.
func TestEventLifecycleContinuesAsNewWithItsCourseAndConnections(t *testing.T) {
	e := newEventEnv(t)
	e.withServices()
	e.RegisterDelayedCallback(func() { e.SetContinueAsNewSuggested(true) }, 100*time.Minute)
	e.ExecuteWorkflow(EventLifecycleType.Name, e.input())
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(e.GetWorkflowError(), &can), "want continue-as-new, got %v", e.GetWorkflowError())
	var next EventLifecycleInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.True(t, next.Carried.Integrations)
	require.Equal(t, 42, next.Carried.Course.CourseID)
	require.Equal(t, []MoodlePhase{MoodleDeploy}, e.phases())
	require.Len(t, e.connections, 4)
	for _, it := range next.Carried.Items {
		require.Equal(t, ConnMade, it.ConnState)
		require.Len(t, it.Connections, 1)
	}

	e2 := newEventEnv(t)
	e2.withServices()
	e2.SetStartTime(e.Now())
	e2.requests = e.requests
	e2.ExecuteWorkflow(EventLifecycleType.Name, next)
	require.NoError(t, e2.GetWorkflowError())
	require.Equal(t, domain.EventDecommissioned, e2.states[len(e2.states)-1])
	require.Equal(t, []MoodlePhase{MoodleEnd, MoodleTeardown}, e2.phases(), "no second copy")
	require.Equal(t, 42, e2.moodle[0].CourseID)
	require.ElementsMatch(t, []string{"alice", "bob"}, usernames(e2.moodle[0].Participants))
	require.Equal(t, []string{"event"}, e2.connRevokes)
	require.Equal(t, []string{"event"}, e2.connDeletes)
	require.Empty(t, e2.connections, "no connection is made twice")
}
