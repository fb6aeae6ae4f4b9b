package activities

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

// moodleTemplateID is the template course of moodlesim.DefaultSeed.
const moodleTemplateID = 2

// moodleFixture is the Moodle activities against the simulator, with an
// in-memory course store.
type moodleFixture struct {
	ctx   context.Context
	sim   *moodlesim.Server
	store *memEventServices
	act   *Moodle
}

func newMoodleFixture(t *testing.T) *moodleFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	sim, err := moodlesim.NewServer(moodlesim.Config{RandomSeed: 7})
	require.NoError(t, err)
	require.NoError(t, sim.Start("127.0.0.1:0"))
	t.Cleanup(sim.Close)
	c, err := moodle.New(moodle.Config{URL: sim.URL(), Token: sim.Token(), Timeout: 2 * time.Second,
		Breaker: breaker.Settings{FailuresToTrip: 100}})
	require.NoError(t, err)
	st := newMemEventServices()
	return &moodleFixture{ctx: ctx, sim: sim, store: st, act: &Moodle{Client: c, Store: st}}
}

func TestMoodleCourseCopyEnrolUnenrolHideDelete(t *testing.T) {
	t.Parallel()
	f := newMoodleFixture(t)
	event := uuid.New()
	copyIn := CopyEventCourseInput{EventID: event, EventName: "Networking 101", ShortName: "net101", TemplateCourseID: moodleTemplateID}
	res, err := f.act.CopyEventCourse(f.ctx, copyIn)
	require.NoError(t, err)
	course := res.CourseID
	require.NotZero(t, course)
	got, ok := f.sim.Course(course)
	require.True(t, ok)
	require.Equal(t, moodleTemplateID, got.DuplicatedFrom)
	require.Equal(t, "Networking 101", got.Fullname)
	require.Equal(t, EventCourseShortname("net101", event), got.Shortname)
	require.True(t, got.Visible)
	stored, _ := f.store.EventMoodleCourse(f.ctx, event)
	require.Equal(t, course, stored)

	// A retry, and a retry after the store lost the id, make no second copy.
	again, err := f.act.CopyEventCourse(f.ctx, copyIn)
	require.NoError(t, err)
	require.Equal(t, course, again.CourseID)
	require.NoError(t, f.store.SetEventMoodleCourse(f.ctx, event, 0))
	again, err = f.act.CopyEventCourse(f.ctx, copyIn)
	require.NoError(t, err)
	require.Equal(t, course, again.CourseID)
	require.Len(t, f.sim.Courses(), 2, "the template and one copy")

	users := []MoodleUser{{Username: "Ann", Firstname: "Ann", Lastname: "A", Email: "ann@example.org"},
		{Username: "bob", Firstname: "Bob", Email: "bob@example.org"},
		{Username: "teach", Firstname: "Tea", Lastname: "Cher", Email: "teach@example.org"}}
	ens, err := f.act.EnsureMoodleUsers(f.ctx, EnsureMoodleUsersInput{Users: users})
	require.NoError(t, err)
	require.Equal(t, 3, ens.Count)
	_, err = f.act.EnsureMoodleUsers(f.ctx, EnsureMoodleUsersInput{Users: users})
	require.NoError(t, err)
	require.Len(t, f.sim.Users(), 5, "guest, admin and three made once")

	enrol := EnrolMoodleUsersInput{MoodleCourseInput: MoodleCourseInput{EventID: event},
		Students: []string{"Ann", "bob"}, Teachers: []string{"teach"}}
	er, err := f.act.EnrolMoodleUsers(f.ctx, enrol)
	require.NoError(t, err)
	require.Equal(t, 3, er.Count)
	_, err = f.act.EnrolMoodleUsers(f.ctx, enrol)
	require.NoError(t, err, "enrolling again is harmless")
	roles := map[string][]int{}
	for _, e := range f.sim.Enrolments(course) {
		roles[e.Username] = e.RoleIDs
	}
	require.Equal(t, map[string][]int{"ann": {moodle.RoleStudent}, "bob": {moodle.RoleStudent},
		"teach": {moodle.RoleEditingTeacher}}, roles)

	_, err = f.act.EnrolMoodleUsers(f.ctx, EnrolMoodleUsersInput{MoodleCourseInput: MoodleCourseInput{EventID: event},
		Students: []string{"nobody"}})
	requireRetryable(t, err, false)

	un, err := f.act.UnenrolMoodleUsers(f.ctx, UnenrolMoodleUsersInput{MoodleCourseInput: MoodleCourseInput{EventID: event},
		Usernames: []string{"ann", "bob", "ghost"}})
	require.NoError(t, err)
	require.Equal(t, 2, un.Count, "unknown users are left out")
	left := f.sim.Enrolments(course)
	require.Len(t, left, 1)
	require.Equal(t, "teach", left[0].Username, "instructors stay")

	_, err = f.act.HideMoodleCourse(f.ctx, MoodleCourseInput{EventID: event})
	require.NoError(t, err)
	got, _ = f.sim.Course(course)
	require.False(t, got.Visible)

	_, err = f.act.DeleteMoodleCourse(f.ctx, MoodleCourseInput{EventID: event})
	require.NoError(t, err)
	_, ok = f.sim.Course(course)
	require.False(t, ok)
	stored, _ = f.store.EventMoodleCourse(f.ctx, event)
	require.Zero(t, stored)
	del, err := f.act.DeleteMoodleCourse(f.ctx, MoodleCourseInput{EventID: event, CourseID: course})
	require.NoError(t, err, "deleting a deleted course is fine")
	require.False(t, del.Skipped)
	del, err = f.act.DeleteMoodleCourse(f.ctx, MoodleCourseInput{EventID: event})
	require.NoError(t, err)
	require.True(t, del.Skipped, "no course left to delete")
}

func TestMoodleDownIsRetryableAndUnknownTemplateIsNot(t *testing.T) {
	t.Parallel()
	f := newMoodleFixture(t)
	in := CopyEventCourseInput{EventID: uuid.New(), EventName: "Lab", ShortName: "lab1", TemplateCourseID: moodleTemplateID}
	f.sim.SetDown(true)
	_, err := f.act.CopyEventCourse(f.ctx, in)
	require.True(t, HasErrorType(err, ErrTypeMoodleUnavailable), "err = %v", err)
	requireRetryable(t, err, true)
	_, err = f.act.EnsureMoodleUsers(f.ctx, EnsureMoodleUsersInput{Users: []MoodleUser{{Username: "x", Email: "x@example.org"}}})
	require.True(t, HasErrorType(err, ErrTypeMoodleUnavailable), "err = %v", err)

	f.sim.SetDown(false)
	res, err := f.act.CopyEventCourse(f.ctx, in)
	require.NoError(t, err, "the retry after the outage succeeds")
	require.NotZero(t, res.CourseID)

	in.EventID, in.TemplateCourseID = uuid.New(), 999
	_, err = f.act.CopyEventCourse(f.ctx, in)
	require.True(t, HasErrorType(err, ErrTypeMoodlePrefix+string(moodle.NotFound)), "err = %v", err)
	requireRetryable(t, err, false)
}

func TestMoodleNotConfiguredSkips(t *testing.T) {
	t.Parallel()
	a := &Moodle{Store: newMemEventServices()}
	ctx := context.Background()
	event := uuid.New()
	for name, run := range map[string]func() (MoodleResult, error){
		"copy": func() (MoodleResult, error) {
			return a.CopyEventCourse(ctx, CopyEventCourseInput{EventID: event, TemplateCourseID: 2})
		},
		"users": func() (MoodleResult, error) {
			return a.EnsureMoodleUsers(ctx, EnsureMoodleUsersInput{Users: []MoodleUser{{Username: "a"}}})
		},
		"enrol": func() (MoodleResult, error) {
			return a.EnrolMoodleUsers(ctx, EnrolMoodleUsersInput{Students: []string{"a"}})
		},
		"unenrol": func() (MoodleResult, error) {
			return a.UnenrolMoodleUsers(ctx, UnenrolMoodleUsersInput{Usernames: []string{"a"}})
		},
		"hide":   func() (MoodleResult, error) { return a.HideMoodleCourse(ctx, MoodleCourseInput{EventID: event}) },
		"delete": func() (MoodleResult, error) { return a.DeleteMoodleCourse(ctx, MoodleCourseInput{EventID: event}) },
	} {
		res, err := run()
		require.NoError(t, err, name)
		require.True(t, res.Skipped, name)
	}
}

// TestEnsureMoodleUsersTakesTheConfiguredAuth: users of a single sign-on
// site are created with its plugin and no password.
func TestEnsureMoodleUsersTakesTheConfiguredAuth(t *testing.T) {
	t.Parallel()
	f := newMoodleFixture(t)
	f.act.UserAuth = "ldap"
	_, err := f.act.EnsureMoodleUsers(f.ctx, EnsureMoodleUsersInput{Users: []MoodleUser{{Username: "dora", Email: "dora@example.org"}}})
	require.NoError(t, err)
	_, err = f.act.EnsureMoodleUsers(f.ctx, EnsureMoodleUsersInput{Auth: "manual", Users: []MoodleUser{{Username: "ed", Email: "ed@example.org"}}})
	require.NoError(t, err)
	auth := map[string]string{}
	for _, u := range f.sim.Users() {
		auth[u.Username] = u.Auth
	}
	require.Equal(t, "ldap", auth["dora"])
	require.Equal(t, "manual", auth["ed"], "the input's plugin wins")
}
