package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

// memCourses is an in-memory domain.EventCourseStore.
type memCourses struct {
	mu sync.Mutex
	m  map[uuid.UUID]int
}

func (c *memCourses) SetEventMoodleCourse(_ context.Context, id uuid.UUID, course int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[id] = course
	return nil
}

func (c *memCourses) EventMoodleCourse(_ context.Context, id uuid.UUID) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[id], nil
}

// TestMoodleEnrolmentPhasesAgainstTheSimulator runs every phase with the
// real activities against the Moodle simulator, which is down when the
// deploy starts and comes back a minute later.
func TestMoodleEnrolmentPhasesAgainstTheSimulator(t *testing.T) {
	sim, err := moodlesim.NewServer(moodlesim.Config{RandomSeed: 7})
	require.NoError(t, err)
	require.NoError(t, sim.Start("127.0.0.1:0"))
	t.Cleanup(sim.Close)
	c, err := moodle.New(moodle.Config{URL: sim.URL(), Token: sim.Token(), Timeout: 2 * time.Second,
		Breaker: breaker.Settings{FailuresToTrip: 1000}})
	require.NoError(t, err)
	act := &activities.Moodle{Client: c, Store: &memCourses{m: map[uuid.UUID]int{}}}
	run := func(in MoodleEnrolmentInput, setup func(*testsuite.TestWorkflowEnvironment)) MoodleEnrolmentResult {
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		require.NoError(t, Register(env, activities.QueueCore, testTuning()))
		env.RegisterActivity(act)
		env.SetTestTimeout(30 * time.Second)
		if setup != nil {
			setup(env)
		}
		return runMoodle(t, env, in)
	}
	event := uuid.New()
	deploy := moodleDeployInput
	deploy.EventID = event

	sim.SetDown(true)
	res := run(deploy, func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() { sim.SetDown(false) }, time.Minute)
	})
	require.NotZero(t, res.CourseID, "the deploy finished once Moodle was back")
	require.Equal(t, 3, res.Enrolled)
	course := res.CourseID
	require.Len(t, sim.Enrolments(course), 3)

	res = run(MoodleEnrolmentInput{EventID: event, Phase: MoodleUpdate, Participants: []activities.MoodleUser{
		{Username: "cleo", Email: "cleo@example.org"}}, Remove: []string{"bob"}}, nil)
	require.Equal(t, MoodleEnrolmentResult{CourseID: course, Enrolled: 1, Unenrolled: 1}, res)

	res = run(MoodleEnrolmentInput{EventID: event, Phase: MoodleEnd, Participants: []activities.MoodleUser{
		{Username: "ann"}, {Username: "cleo"}}, Instructors: moodleTeachers}, nil)
	require.True(t, res.Hidden)
	left := sim.Enrolments(course)
	require.Len(t, left, 1)
	require.Equal(t, "tess", left[0].Username, "instructors stay")
	got, _ := sim.Course(course)
	require.False(t, got.Visible)

	res = run(MoodleEnrolmentInput{EventID: event, Phase: MoodleTeardown, DeleteCourse: true}, nil)
	require.True(t, res.Deleted)
	_, ok := sim.Course(course)
	require.False(t, ok)
}
