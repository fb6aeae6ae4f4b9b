package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

var (
	moodleEvent       = uuid.MustParse("5e5e3a52-0f6e-4f7e-9a51-5b2c1d0e9f10")
	moodleStudents    = []activities.MoodleUser{{Username: "ann", Email: "ann@example.org"}, {Username: "bob", Email: "bob@example.org"}}
	moodleTeachers    = []activities.MoodleUser{{Username: "tess", Email: "tess@example.org"}}
	moodleDeployInput = MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleDeploy, EventName: "Networking 101",
		ShortName: "net101", TemplateCourseID: 2, Participants: moodleStudents, Instructors: moodleTeachers}
)

// onCore mocks a Moodle activity, checking it runs on the core queue.
func onCore[In any](t *testing.T, env *testsuite.TestWorkflowEnvironment, fn any, in any, res func(In) (activities.MoodleResult, error)) *testsuite.MockCallWrapper {
	return env.OnActivity(fn, mock.Anything, in).Return(func(ctx context.Context, in In) (activities.MoodleResult, error) {
		require.Equal(t, activities.QueueCore, activity.GetInfo(ctx).TaskQueue)
		return res(in)
	})
}

func ok[In any](r activities.MoodleResult) func(In) (activities.MoodleResult, error) {
	return func(In) (activities.MoodleResult, error) { return r, nil }
}

func runMoodle(t *testing.T, env *testsuite.TestWorkflowEnvironment, in MoodleEnrolmentInput) MoodleEnrolmentResult {
	t.Helper()
	env.ExecuteWorkflow(MoodleEnrolmentType.Name, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res MoodleEnrolmentResult
	require.NoError(t, env.GetWorkflowResult(&res))
	return res
}

func TestMoodleEnrolmentDeployCopiesCreatesAndEnrols(t *testing.T) {
	env := newTestEnv(t)
	onCore(t, env, mdl.CopyEventCourse, activities.CopyEventCourseInput{EventID: moodleEvent, EventName: "Networking 101",
		ShortName: "net101", TemplateCourseID: 2}, ok[activities.CopyEventCourseInput](activities.MoodleResult{CourseID: 7})).Once()
	onCore(t, env, mdl.EnsureMoodleUsers, activities.EnsureMoodleUsersInput{Users: append(append([]activities.MoodleUser{},
		moodleStudents...), moodleTeachers...)}, ok[activities.EnsureMoodleUsersInput](activities.MoodleResult{Count: 3})).Once()
	onCore(t, env, mdl.EnrolMoodleUsers, activities.EnrolMoodleUsersInput{
		MoodleCourseInput: activities.MoodleCourseInput{EventID: moodleEvent, CourseID: 7},
		Students:          []string{"ann", "bob"}, Teachers: []string{"tess"}},
		ok[activities.EnrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 3})).Once()

	res := runMoodle(t, env, moodleDeployInput)
	require.Equal(t, MoodleEnrolmentResult{CourseID: 7, Enrolled: 3}, res)
}

func TestMoodleEnrolmentSkipsWithoutMoodleOrTemplate(t *testing.T) {
	env := newTestEnv(t)
	onCore(t, env, mdl.CopyEventCourse, mock.Anything, ok[activities.CopyEventCourseInput](activities.MoodleResult{Skipped: true})).Once()
	require.True(t, runMoodle(t, env, moodleDeployInput).Skipped, "no user is made when Moodle is off")

	env = newTestEnv(t)
	noTemplate := moodleDeployInput
	noTemplate.TemplateCourseID = 0
	require.True(t, runMoodle(t, env, noTemplate).Skipped, "an environment without a template course calls nothing")
}

func TestMoodleEnrolmentWaitsOutAnOutage(t *testing.T) {
	env := newTestEnv(t)
	outage := temporal.NewApplicationError("Moodle is unavailable", activities.ErrTypeMoodleUnavailable)
	calls := 0
	onCore(t, env, mdl.CopyEventCourse, mock.Anything, func(activities.CopyEventCourseInput) (activities.MoodleResult, error) {
		calls++
		if calls <= 12 { // about an hour of backoff
			return activities.MoodleResult{}, outage
		}
		return activities.MoodleResult{CourseID: 7}, nil
	}).Times(13)
	onCore(t, env, mdl.EnsureMoodleUsers, mock.Anything, ok[activities.EnsureMoodleUsersInput](activities.MoodleResult{Count: 3})).Once()
	onCore(t, env, mdl.EnrolMoodleUsers, mock.Anything, ok[activities.EnrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 3})).Once()

	res := runMoodle(t, env, moodleDeployInput)
	require.Equal(t, 7, res.CourseID)
	require.Equal(t, 3, res.Enrolled)
}

func TestMoodleEnrolmentUpdateEnrolsAddedAndUnenrolsRemoved(t *testing.T) {
	env := newTestEnv(t)
	course := activities.MoodleCourseInput{EventID: moodleEvent, CourseID: 7}
	onCore(t, env, mdl.EnsureMoodleUsers, activities.EnsureMoodleUsersInput{Users: moodleStudents[1:]},
		ok[activities.EnsureMoodleUsersInput](activities.MoodleResult{Count: 1})).Once()
	onCore(t, env, mdl.EnrolMoodleUsers, activities.EnrolMoodleUsersInput{MoodleCourseInput: course, Students: []string{"bob"},
		Teachers: []string{}}, ok[activities.EnrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 1})).Once()
	onCore(t, env, mdl.UnenrolMoodleUsers, activities.UnenrolMoodleUsersInput{MoodleCourseInput: course, Usernames: []string{"carl"}},
		ok[activities.UnenrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 1})).Once()

	res := runMoodle(t, env, MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleUpdate, CourseID: 7,
		Participants: moodleStudents[1:], Remove: []string{"carl"}})
	require.Equal(t, MoodleEnrolmentResult{CourseID: 7, Enrolled: 1, Unenrolled: 1}, res)
}

func TestMoodleEnrolmentEndUnenrolsParticipantsAndHides(t *testing.T) {
	env := newTestEnv(t)
	stored := activities.MoodleCourseInput{EventID: moodleEvent}
	onCore(t, env, mdl.UnenrolMoodleUsers, activities.UnenrolMoodleUsersInput{MoodleCourseInput: stored, Usernames: []string{"ann", "bob"}},
		ok[activities.UnenrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 2})).Once()
	onCore(t, env, mdl.HideMoodleCourse, activities.MoodleCourseInput{EventID: moodleEvent, CourseID: 7},
		ok[activities.MoodleCourseInput](activities.MoodleResult{CourseID: 7})).Once()

	res := runMoodle(t, env, MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleEnd, Participants: moodleStudents,
		Instructors: moodleTeachers})
	require.Equal(t, MoodleEnrolmentResult{CourseID: 7, Unenrolled: 2, Hidden: true}, res, "instructors stay enrolled")
}

func TestMoodleEnrolmentTeardownDeletesOnlyWhenAsked(t *testing.T) {
	env := newTestEnv(t)
	onCore(t, env, mdl.DeleteMoodleCourse, activities.MoodleCourseInput{EventID: moodleEvent},
		ok[activities.MoodleCourseInput](activities.MoodleResult{CourseID: 7})).Once()
	res := runMoodle(t, env, MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleTeardown, DeleteCourse: true})
	require.True(t, res.Deleted)

	env = newTestEnv(t)
	res = runMoodle(t, env, MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleTeardown})
	require.False(t, res.Deleted, "the hidden course stays")
}

func TestMoodleEnrolmentWaitsForTheOperatorOnAPermanentFailure(t *testing.T) {
	env := newTestEnv(t)
	onCore(t, env, mdl.UnenrolMoodleUsers, mock.Anything, func(activities.UnenrolMoodleUsersInput) (activities.MoodleResult, error) {
		return activities.MoodleResult{}, temporal.NewNonRetryableApplicationError("no permission", activities.ErrTypeMoodlePrefix+"AccessDenied", nil)
	}).Once()
	onCore(t, env, mdl.UnenrolMoodleUsers, mock.Anything,
		ok[activities.UnenrolMoodleUsersInput](activities.MoodleResult{CourseID: 7, Count: 2})).Once()
	onCore(t, env, mdl.HideMoodleCourse, mock.Anything, ok[activities.MoodleCourseInput](activities.MoodleResult{CourseID: 7})).Once()
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryProgress)
		require.NoError(t, err)
		var p Progress
		require.NoError(t, v.Get(&p))
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "unenrol", p.Step)
		require.Contains(t, p.Error, "MoodleAccessDenied")
		env.SignalWorkflow(OperatorSignal, OperatorDecision{Action: OperatorRetry, Reason: "token fixed"})
	}, time.Hour)

	res := runMoodle(t, env, MoodleEnrolmentInput{EventID: moodleEvent, Phase: MoodleEnd, Participants: moodleStudents})
	require.Equal(t, 2, res.Unenrolled)
	require.True(t, res.Hidden)
}

func TestMoodleEnrolmentRejectsAnUnknownPhase(t *testing.T) {
	env := newTestEnv(t)
	env.ExecuteWorkflow(MoodleEnrolmentType.Name, MoodleEnrolmentInput{EventID: moodleEvent, Phase: "later"})
	require.True(t, activities.HasErrorType(env.GetWorkflowError(), activities.ErrTypeInvalid))
}

func TestMoodleEnrolmentWorkflowID(t *testing.T) {
	require.Equal(t, "event/"+moodleEvent.String()+"/moodle", MoodleEnrolmentWorkflowID(moodleEvent))
}
