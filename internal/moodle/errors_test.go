package moodle_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

func TestBadTokenIsInvalidToken(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, func(c *moodle.Config) { c.Token = "0000" })
	_, err := c.SiteInfo(testCtx(t))
	e := wantKind(t, err, moodle.InvalidToken)
	if e.Code != "invalidtoken" || e.Exception != "moodle_exception" || e.Function != "core_webservice_get_site_info" || e.Op != "SiteInfo" {
		t.Errorf("error = %+v", e)
	}
	if c.BreakerState() != "closed" {
		t.Errorf("a bad token moved the breaker to %s", c.BreakerState())
	}
}

func TestExceptionsAreClassified(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) { c.Debug = true })
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	dup, err := c.DuplicateCourse(ctx, 2, "Event", "EV-1", 1, true)
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.CreateUsers(ctx, []moodle.NewUser{{Username: "u1", Firstname: "U", Lastname: "One", Email: "u1@example.com", CreatePassword: true}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		call  func() error
		kind  moodle.Kind
		code  string
		debug string // a part of debuginfo
	}{
		{"duplicate of an unknown course", func() error {
			_, err := c.DuplicateCourse(ctx, 999, "X", "X", 1, true)
			return err
		}, moodle.NotFound, "invalidcourseid", ""},
		{"duplicate into an unknown category", func() error {
			_, err := c.DuplicateCourse(ctx, 2, "X", "X", 77, true)
			return err
		}, moodle.NotFound, "invalidrecord", ""},
		{"duplicate onto a taken short name", func() error {
			_, err := c.DuplicateCourse(ctx, 2, "Again", "EV-1", 1, true)
			return err
		}, moodle.AlreadyExists, "shortnametaken", ""},
		{"empty names are refused before sending", func() error {
			_, err := c.DuplicateCourse(ctx, 2, " ", "X", 1, true)
			return err
		}, moodle.Invalid, "", ""},
		{"unknown search field", func() error {
			_, err := c.CourseByField(ctx, "colour", "red")
			return err
		}, moodle.InvalidParameter, "invalidparameter", "Invalid field name"},
		{"user field with bad characters", func() error {
			_, err := c.UsersByField(ctx, "user name", "x")
			return err
		}, moodle.InvalidParameter, "invalidparameter", "expecting \"alpha\" type"},
		{"username taken", func() error {
			_, err := c.CreateUsers(ctx, []moodle.NewUser{{Username: "u1", Firstname: "U", Lastname: "One", Email: "other@example.com", CreatePassword: true}})
			return err
		}, moodle.InvalidParameter, "invalidparameter", "Username already exists: u1"},
		{"upper-case username", func() error {
			_, err := c.CreateUsers(ctx, []moodle.NewUser{{Username: "Carol", Firstname: "C", Lastname: "C", Email: "c@example.com", CreatePassword: true}})
			return err
		}, moodle.InvalidParameter, "invalidparameter", "users => Invalid parameter value detected: username"},
		{"weak password", func() error {
			_, err := c.CreateUsers(ctx, []moodle.NewUser{{Username: "dave", Firstname: "D", Lastname: "D", Email: "d@example.com", Password: "short"}})
			return err
		}, moodle.InvalidParameter, "invalidparameter", "at least 8 characters"},
		{"enrol with a role that cannot be assigned", func() error {
			return c.Enrol(ctx, dup.ID, []moodle.Enrolment{{UserID: users[0].ID, RoleID: 6}})
		}, moodle.AccessDenied, "wsusercannotassign", ""},
		{"enrol in an unknown course", func() error {
			return c.Enrol(ctx, 999, []moodle.Enrolment{{UserID: users[0].ID, RoleID: moodle.RoleStudent}})
		}, moodle.InvalidParameter, "invalidparameter", "Context does not exist"},
		{"enrol an unknown user", func() error {
			return c.Enrol(ctx, dup.ID, []moodle.Enrolment{{UserID: 999, RoleID: moodle.RoleStudent}})
		}, moodle.Failed, "codingerror", ""},
		{"unenrol an unknown user", func() error { return c.Unenrol(ctx, dup.ID, 999) },
			moodle.InvalidParameter, "invalidparameter", "User id not exist: 999"},
		{"unenrol from an unknown course", func() error { return c.Unenrol(ctx, 999, users[0].ID) },
			moodle.NotFound, "invalidrecord", ""},
		{"enrolled users of an unknown course", func() error {
			_, err := c.EnrolledUsers(ctx, 999)
			return err
		}, moodle.NotFound, "invalidrecord", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wantKind(t, tt.call(), tt.kind)
			if e.Code != tt.code || !strings.Contains(e.DebugInfo, tt.debug) {
				t.Errorf("code %q debuginfo %q; want %q containing %q", e.Code, e.DebugInfo, tt.code, tt.debug)
			}
		})
	}
	// Moodle enrols all or none.
	if err := c.Enrol(ctx, dup.ID, []moodle.Enrolment{{UserID: users[0].ID, RoleID: moodle.RoleStudent}, {UserID: 999, RoleID: moodle.RoleStudent}}); err == nil {
		t.Fatal("enrolling an unknown user succeeded")
	}
	if e := s.Enrolments(dup.ID); len(e) != 0 {
		t.Errorf("a failed batch enrolled %+v", e)
	}
	if c.BreakerState() != "closed" {
		t.Errorf("Moodle exceptions moved the breaker to %s", c.BreakerState())
	}
}

func TestDebugInfoOnlyWithDebugging(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, nil)
	_, err := c.CourseByField(testCtx(t), "colour", "red")
	if e := wantKind(t, err, moodle.InvalidParameter); e.DebugInfo != "" || e.Message != "Invalid parameter value detected" {
		t.Errorf("error = %+v", e)
	}
}

func TestFunctionOutsideTheServiceIsAccessDenied(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) {
		c.ServiceFunctions = []string{"core_webservice_get_site_info", "core_course_get_courses_by_field"}
	})
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	info, err := c.SiteInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := info.Missing(); len(m) != len(moodle.RequiredFunctions)-2 {
		t.Errorf("Missing = %v", m)
	}
	err = c.DeleteCourses(ctx, 2)
	if e := wantKind(t, err, moodle.AccessDenied); e.Code != "accessexception" {
		t.Errorf("error = %+v", e)
	}
}

func TestUpdateWarningNamesTheCourse(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, nil)
	err := c.UpdateCourseVisibility(testCtx(t), 4242, false)
	e := wantKind(t, err, moodle.NotFound)
	if len(e.Warnings) != 1 || e.Warnings[0].ItemID != 4242 || e.Code != "invalidrecord" {
		t.Fatalf("error = %+v", e)
	}
	if !strings.Contains(err.Error(), "course 4242") {
		t.Errorf("the error does not name the course: %v", err)
	}
}

func TestMaintenanceAndInjectedErrorsAreUnavailable(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) { c.Faults.Maintenance = true })
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	_, err := c.SiteInfo(ctx)
	if e := wantKind(t, err, moodle.Unavailable); e.Code != "sitemaintenance" {
		t.Errorf("error = %+v", e)
	}
	if err := s.SetFaults(moodlesim.Faults{ErrorRate: 1, ErrorStatus: 502}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SiteInfo(ctx)
	if e := wantKind(t, err, moodle.Unavailable); e.Status != 502 {
		t.Errorf("error = %+v", e)
	}
}

func TestAnswersThatAreNotMoodles(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   moodle.Kind
	}{
		{"login page", 200, "<!DOCTYPE html><html>Log in to the site</html>", moodle.Invalid},
		{"no such path", 404, "Not Found", moodle.Invalid},
		{"REST protocol off", 403, "", moodle.AccessDenied},
		{"rate limited", 429, "", moodle.Unavailable},
		{"bad gateway", 502, "<html>", moodle.Unavailable},
		{"wrong shape", 200, `{"sitename": 5}`, moodle.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(hs.Close)
			c, err := moodle.New(moodle.Config{URL: hs.URL, Token: "t"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.SiteInfo(testCtx(t))
			wantKind(t, err, tt.kind)
		})
	}
}

func TestNewChecksItsConfig(t *testing.T) {
	for _, cfg := range []moodle.Config{
		{URL: "", Token: "t"},
		{URL: "moodle.example.edu", Token: "t"},
		{URL: "ftp://moodle.example.edu", Token: "t"},
		{URL: "https://moodle.example.edu", Token: ""},
	} {
		_, err := moodle.New(cfg)
		wantKind(t, err, moodle.Invalid)
	}
	c, err := moodle.New(moodle.Config{URL: "https://moodle.example.edu/sub/webservice/rest/server.php", Token: "t"})
	if err != nil || c.Site() != "https://moodle.example.edu/sub" {
		t.Errorf("New = %v, %v", c, err)
	}
}

func TestKindOf(t *testing.T) {
	if moodle.KindOf(nil) != "" || moodle.KindOf(context.Canceled) != moodle.Unavailable ||
		moodle.KindOf(http.ErrBodyNotAllowed) != moodle.Unknown {
		t.Error("KindOf of foreign errors")
	}
}
