//go:build record

package workflows

// Records MoodleEnrolment histories for TestReplayRecordedHistories; see
// record_histories_test.go:
//
//	go test -tags record -run TestRecordMoodleHistories -count=1 ./workflows/

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/temporalx"
)

// fakeMoodle answers the Moodle activities without a Moodle site; its
// methods carry the real activities' names and signatures. The first copy
// finds Moodle down (retryable), the first unenrol is refused for good, so
// the histories hold a retry and an operator decision.
type fakeMoodle struct {
	copies, unenrols atomic.Int32
}

func (f *fakeMoodle) CopyEventCourse(context.Context, activities.CopyEventCourseInput) (activities.MoodleResult, error) {
	if f.copies.Add(1) == 1 {
		return activities.MoodleResult{}, temporal.NewApplicationError("Moodle is unavailable", activities.ErrTypeMoodleUnavailable)
	}
	return activities.MoodleResult{CourseID: 7}, nil
}
func (*fakeMoodle) EnsureMoodleUsers(_ context.Context, in activities.EnsureMoodleUsersInput) (activities.MoodleResult, error) {
	return activities.MoodleResult{Count: len(in.Users)}, nil
}
func (*fakeMoodle) EnrolMoodleUsers(_ context.Context, in activities.EnrolMoodleUsersInput) (activities.MoodleResult, error) {
	return activities.MoodleResult{CourseID: 7, Count: len(in.Students) + len(in.Teachers)}, nil
}
func (f *fakeMoodle) UnenrolMoodleUsers(_ context.Context, in activities.UnenrolMoodleUsersInput) (activities.MoodleResult, error) {
	if f.unenrols.Add(1) == 1 {
		return activities.MoodleResult{}, temporal.NewNonRetryableApplicationError("no permission", activities.ErrTypeMoodlePrefix+"AccessDenied", nil)
	}
	return activities.MoodleResult{CourseID: 7, Count: len(in.Usernames)}, nil
}
func (*fakeMoodle) HideMoodleCourse(context.Context, activities.MoodleCourseInput) (activities.MoodleResult, error) {
	return activities.MoodleResult{CourseID: 7}, nil
}
func (*fakeMoodle) DeleteMoodleCourse(context.Context, activities.MoodleCourseInput) (activities.MoodleResult, error) {
	return activities.MoodleResult{CourseID: 7}, nil
}

func TestRecordMoodleHistories(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	require.NoError(t, temporalx.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace()))
	ts.NewWorker(activities.QueueCore, func(r worker.Registry) {
		require.NoError(t, Register(r, activities.QueueCore, testTuning()))
		r.RegisterActivity(&fakeMoodle{})
	})
	event := uuid.MustParse("cccccccc-cccc-4ccc-8ccc-cccccccccccc")
	start := func(in MoodleEnrolmentInput) client.WorkflowRun {
		run, err := c.ExecuteWorkflow(ctx, MoodleEnrolmentType.StartOptions(MoodleEnrolmentWorkflowID(event)), MoodleEnrolmentType.Name, in)
		require.NoError(t, err)
		return run
	}
	students := []activities.MoodleUser{{Username: "ann", Email: "ann@example.org"}, {Username: "bob", Email: "bob@example.org"}}
	teachers := []activities.MoodleUser{{Username: "tess", Email: "tess@example.org"}}

	run := start(MoodleEnrolmentInput{EventID: event, Phase: MoodleDeploy, EventName: "Networking 101", ShortName: "net101",
		TemplateCourseID: 2, Participants: students, Instructors: teachers})
	var res MoodleEnrolmentResult
	require.NoError(t, run.Get(ctx, &res))
	require.Equal(t, 7, res.CourseID)
	save(ctx, t, c, run, "moodle_enrolment_deploy_outage.json")

	run = start(MoodleEnrolmentInput{EventID: event, Phase: MoodleEnd, CourseID: 7, Participants: students, Instructors: teachers})
	awaitOperator(ctx, t, c, run)
	require.NoError(t, c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), OperatorSignal, OperatorDecision{Action: OperatorRetry}))
	require.NoError(t, run.Get(ctx, &res))
	require.True(t, res.Hidden)
	save(ctx, t, c, run, "moodle_enrolment_end_operator_retry.json")

	run = start(MoodleEnrolmentInput{EventID: event, Phase: MoodleTeardown, CourseID: 7, DeleteCourse: true})
	require.NoError(t, run.Get(ctx, &res))
	require.True(t, res.Deleted)
	save(ctx, t, c, run, "moodle_enrolment_teardown.json")
}
