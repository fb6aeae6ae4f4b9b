package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/mail"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// serviceLab is a VM lab whose stack also talks to the Guacamole and
// Moodle simulators and sends mail to the SMTP sink.
type serviceLab struct {
	*vmLab
	guac   *guacsim.Server
	moodle *moodlesim.Server
	sink   *smtpsink.Sink
}

// newServiceLab starts the simulators, then a lab whose stack uses them.
func newServiceLab(t *testing.T, sim pvesim.Config, cloneConcurrency int) *serviceLab {
	t.Helper()
	g := guacsim.New(guacsim.Config{})
	t.Cleanup(g.Close)
	m := moodlesim.New(moodlesim.Config{})
	t.Cleanup(m.Close)
	sink, err := smtpsink.Start(smtpsink.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	guser, gpass := g.AdminCredentials()
	l := startVMLab(t, labOptions{sim: sim, cloneConcurrency: cloneConcurrency, stack: []apptest.Option{func(c *config.Config) {
		c.GuacamoleURL, c.GuacamoleUsername, c.GuacamolePassword = g.URL(), guser, gpass
		c.MoodleURL, c.MoodleToken, c.MoodleDeleteCourses = m.URL(), m.Token(), true
		c.SMTPHost, c.SMTPPort, c.SMTPTLS = sink.Host(), sink.Port(), mail.TLSNone
		c.EventDeployConcurrency = 60
	}}})
	return &serviceLab{vmLab: l, guac: g, moodle: m, sink: sink}
}

// participants creates n participants named prefix-NN in a new group and
// returns the group's id and the users' ids by username.
func (l *serviceLab) participants(t *testing.T, prefix string, n int) (uuid.UUID, map[string]uuid.UUID) {
	t.Helper()
	r := l.s.Do(t, "POST", "/api/v1/groups", l.admin, map[string]any{"name": prefix + " class"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var group struct {
		ID uuid.UUID `json:"id"`
	}
	r.JSON(t, &group)
	ids := map[string]uuid.UUID{}
	for i := range n {
		name := fmt.Sprintf("%s-%02d", prefix, i+1)
		r := l.s.Do(t, "POST", "/api/v1/users", l.admin, map[string]any{"username": name, "email": name + "@example.org",
			"display_name": "Student " + name, "password": "a-long-enough-password-1", "roles": []string{domain.RoleParticipant}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var u domain.User
		r.JSON(t, &u)
		ids[name] = u.ID
		r = l.s.Do(t, "POST", "/api/v1/groups/"+group.ID.String()+"/members", l.admin, map[string]any{"user_id": u.ID})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	return group.ID, ids
}

// labEnvironment creates an environment of two machines, each with one
// connection template, that copies Moodle's template course.
func (l *serviceLab) labEnvironment(t *testing.T) uuid.UUID {
	t.Helper()
	r := l.s.Do(t, "POST", "/api/v1/environments", l.instructor, map[string]any{"name": "Network lab",
		"moodle_template_course": 2, "machines": []map[string]any{
			{"template_id": l.template.ID, "name": "router", "count": 1, "clone_mode": "linked",
				"connections": []map[string]any{{"protocol": "ssh", "username": "student", "password": "lab-pass-1"}}},
			{"template_id": l.template.ID, "name": "desktop", "count": 1, "clone_mode": "linked",
				"connections": []map[string]any{{"protocol": "rdp", "username": "student", "password": "lab-pass-2"}}},
		}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)
	return env.ID
}

// eventOverview is the part of GET /events/{id}/overview these tests read.
type eventOverview struct {
	Items       []domain.EventItem       `json:"items"`
	Connections []domain.EventConnection `json:"connections"`
}

func (l *serviceLab) overview(t *testing.T, path, token string) eventOverview {
	t.Helper()
	var o eventOverview
	r := l.s.Do(t, "GET", path+"/overview", token, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &o)
	return o
}

func (l *serviceLab) eventState(t *testing.T, path string) domain.EventState {
	t.Helper()
	var e eventFields
	l.s.Do(t, "GET", path, l.instructor, nil).JSON(t, &e)
	return e.State
}

// eventCourse is the course the simulator copied for the event.
func (l *serviceLab) eventCourse(t *testing.T, shortName string) (moodlesim.Course, bool) {
	t.Helper()
	for _, c := range l.moodle.Courses() {
		if c.DuplicatedFrom == 2 && strings.Contains(c.Shortname, shortName) {
			return c, true
		}
	}
	return moodlesim.Course{}, false
}

// TestEventEndToEndWithConnectionsCourseAndMail runs a 30-participant event of
// two machines each on the whole stack with Guacamole, Moodle and the SMTP
// sink: at the start 60 VMs run, 60 connections are each granted to their
// participant only, 30 students and the instructor are enrolled in the
// event's copy of the template course, and every participant has an
// e-mail with both connections; at the end the VMs are stopped, the
// connections revoked, the students unenrolled and the course hidden;
// after the transition no event VM is left, every VMID is released, the
// connections and the course are deleted and the event is decommissioned.
// (Its name keeps it out of make test's race-detector run, which would
// take minutes for its 60 VMs; TestE2EEventRunsItsLifecycle runs the
// lifecycle under the race detector.)
func TestEventEndToEndWithConnectionsCourseAndMail(t *testing.T) {
	t.Parallel()
	const n = 30
	l := newServiceLab(t, pvesim.Config{TimeScale: 0.001}, 16)
	group, ids := l.participants(t, "stu", n)
	env := l.labEnvironment(t)

	start := time.Now().Add(45 * time.Second).UTC().Truncate(time.Second)
	r := l.s.Do(t, "POST", "/api/v1/events", l.instructor, map[string]any{"name": "Networks 101", "short_name": "net101",
		"environment_id": env, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
		"lead_time": "44s", "transition_period": "15s"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev eventFields
	r.JSON(t, &ev)
	path := "/api/v1/events/" + ev.ID.String()
	r = l.s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"group_id": group})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var ines domain.User
	l.s.Do(t, "GET", "/api/v1/me", l.instructor, nil).JSON(t, &ines)
	r = l.s.Do(t, "POST", path+"/participants", l.instructor, map[string]any{"user_id": ines.ID, "role": domain.EventRoleInstructor})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	require.Eventually(t, func() bool { return l.eventState(t, path) == domain.EventRunning }, 3*time.Minute, 250*time.Millisecond,
		"the event deploys ahead of its start and runs at its start")

	// Once deployed: 60 VMs, 60 connections each visible only to its
	// participant, 30 students and the instructor enrolled, 30 e-mails.
	// (On a busy machine the last seats may get ready after the start;
	// the event runs at its start regardless.)
	var o eventOverview
	require.Eventually(t, func() bool {
		o = l.overview(t, path, l.instructor)
		if len(o.Items) != 2*n {
			return false
		}
		for _, it := range o.Items {
			if it.State != domain.ItemReady {
				return false
			}
		}
		return true
	}, 2*time.Minute, 250*time.Millisecond, "every seat gets ready")
	require.Len(t, labforgeGuests(l.sim), 2*n, "one guest per participant and machine")
	require.Eventually(t, func() bool { return len(l.guac.Connections()) == 2*n }, time.Minute, 200*time.Millisecond,
		"one connection per participant and machine")
	o = l.overview(t, path, l.instructor)
	require.Len(t, o.Connections, 2*n)
	byID := map[string]domain.EventConnection{}
	for _, c := range o.Connections {
		require.Equal(t, domain.ConnectionActive, c.State)
		require.True(t, strings.HasPrefix(c.URL, l.guac.URL()+"/#/client/"), c.URL)
		byID[c.GuacamoleID] = c
	}
	for _, gc := range l.guac.Connections() {
		c, ok := byID[gc.Identifier]
		require.True(t, ok, "Guacamole's connection %s is one of the event's", gc.Identifier)
		require.Contains(t, gc.Name, "Networks 101")
		require.Equal(t, ids[c.GuacamoleUser], c.UserID)
		for _, u := range l.guac.Users() {
			perms, _ := l.guac.Permissions(u.Username)
			require.Equal(t, u.Username == c.GuacamoleUser, slices.Contains(perms, gc.Identifier),
				"connection %s is granted to %s only (%s has %v)", gc.Identifier, c.GuacamoleUser, u.Username, perms)
		}
	}
	mine := l.overview(t, path, l.s.Login(t, "stu-07", "a-long-enough-password-1"))
	require.Len(t, mine.Items, 2)
	require.Len(t, mine.Connections, 2, "a participant sees their own connections")

	course, ok := l.eventCourse(t, "net101")
	require.True(t, ok, "the template course is copied for the event")
	require.True(t, course.Visible)
	if !assert.Eventually(t, func() bool { return len(l.moodle.Enrolments(course.ID)) == n+1 }, time.Minute, 200*time.Millisecond,
		"30 students and the instructor are enrolled") {
		t.Fatalf("enrolled: %+v; timeline: %s", l.moodle.Enrolments(course.ID), l.s.Do(t, "GET", path+"/timeline?limit=500", l.instructor, nil).Body)
	}

	require.Eventually(t, func() bool { return len(sentTo(l.sink, "Your lab for Networks 101")) == n }, time.Minute, 200*time.Millisecond,
		"every participant has the event.deployed e-mail")
	for _, m := range sentTo(l.sink, "Your lab for Networks 101") {
		require.Equal(t, 2, strings.Count(m.HTML, l.guac.URL()+"/#/client/"), "both connections are in %s's e-mail", m.To)
	}

	// The end: stopped, revoked, unenrolled, hidden.
	r = l.s.Do(t, "POST", path+"/end", l.instructor, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Eventually(t, func() bool {
		for _, g := range labforgeGuests(l.sim) {
			if g[0].Status != "stopped" {
				return false
			}
		}
		return true
	}, time.Minute, 200*time.Millisecond, "every event VM is stopped")
	require.Eventually(t, func() bool {
		for _, c := range l.overview(t, path, l.instructor).Connections {
			if c.State != domain.ConnectionRevoked {
				return false
			}
		}
		return true
	}, time.Minute, 200*time.Millisecond, "every connection is revoked")
	for _, u := range l.guac.Users() {
		if _, ok := ids[u.Username]; ok {
			perms, _ := l.guac.Permissions(u.Username)
			require.Empty(t, perms, "%s keeps no connection", u.Username)
		}
	}
	require.Eventually(t, func() bool {
		c, _ := l.moodle.Course(course.ID)
		return !c.Visible && len(l.moodle.Enrolments(course.ID)) == 1
	}, time.Minute, 200*time.Millisecond, "the students are unenrolled (the instructor stays) and the course is hidden: %+v",
		l.moodle.Enrolments(course.ID))
	require.Equal(t, "ines", l.moodle.Enrolments(course.ID)[0].Username)

	// After the transition: nothing of the event is left.
	require.Eventually(t, func() bool { return l.eventState(t, path) == domain.EventDecommissioned }, 2*time.Minute,
		250*time.Millisecond, "the event is torn down after its transition period")
	require.Empty(t, labforgeGuests(l.sim), "no event VM is left in the simulator")
	require.Empty(t, l.guac.Connections(), "the connections are deleted")
	_, ok = l.moodle.Course(course.ID)
	require.False(t, ok, "the course is deleted (LABFORGE_MOODLE_DELETE_COURSES)")
	var vms struct {
		Items []domain.VM `json:"items"`
	}
	l.s.Do(t, "GET", "/api/v1/vms?limit=200", l.admin, nil).JSON(t, &vms)
	for _, vm := range vms.Items {
		require.Equal(t, domain.GuestDeleted, vm.State, "%s", vm.Name)
		require.Nil(t, vm.VMID, "%s's VMID is released", vm.Name)
	}
}

// sentTo is the sink's messages whose subject mentions subject.
func sentTo(sink *smtpsink.Sink, subject string) []smtpsink.Message {
	return slices.DeleteFunc(sink.Messages(), func(m smtpsink.Message) bool { return !strings.Contains(m.Subject, subject) })
}
