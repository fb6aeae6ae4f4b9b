package moodle_test

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

// TestEventCourseLifecycle runs what MoodleEnrolment does for an event:
// duplicate the template, create the missing users, enrol students and a
// teacher, unenrol one, hide the course, delete it.
func TestEventCourseLifecycle(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) {
		seed := moodlesim.DefaultSeed()
		seed.Users = append(seed.Users, moodlesim.SeedUser{Username: "teacher1", Firstname: "Tea", Lastname: "Cher", Email: "teacher1@example.com"})
		c.Seed = &seed
	})
	c := newClient(t, s, nil)
	ctx := testCtx(t)

	info, err := c.SiteInfo(ctx)
	if err != nil {
		t.Fatalf("SiteInfo: %v", err)
	}
	if info.Username != "admin" || info.SiteURL != s.URL() || len(info.Missing()) != 0 {
		t.Errorf("SiteInfo = %+v, missing %v", info, info.Missing())
	}

	tpl, err := c.CourseByField(ctx, moodle.CourseFieldShortname, moodlesim.DefaultTemplateShortname)
	if err != nil || len(tpl) != 1 {
		t.Fatalf("template lookup = %v, %v", tpl, err)
	}
	dup, err := c.DuplicateCourse(ctx, tpl[0].ID, "Linux lab — 2026-12", "EV-42", 1, false)
	if err != nil {
		t.Fatalf("DuplicateCourse: %v", err)
	}
	if dup.ID == tpl[0].ID || dup.Shortname != "EV-42" {
		t.Fatalf("DuplicateCourse = %+v", dup)
	}
	got, err := c.CourseByField(ctx, moodle.CourseFieldID, strconv.Itoa(dup.ID))
	if err != nil || len(got) != 1 {
		t.Fatalf("CourseByField(id) = %v, %v", got, err)
	}
	if g := got[0]; g.Fullname != "Linux lab — 2026-12" || g.Visible || g.CategoryID != 1 {
		t.Errorf("duplicated course = %+v", g)
	}
	if sc, _ := s.Course(dup.ID); sc.DuplicatedFrom != tpl[0].ID {
		t.Errorf("simulator says the course came from %d", sc.DuplicatedFrom)
	}

	people := []moodle.NewUser{
		{Username: "Alice", Firstname: "Alice", Lastname: "A", Email: "alice@example.com", CreatePassword: true},
		{Username: "bob", Firstname: "Bob", Lastname: "B", Email: "bob@example.com", Password: "Secret-pass1"},
		{Username: "teacher1", Firstname: "Tea", Lastname: "Cher", Email: "teacher1@example.com", CreatePassword: true},
	}
	before := len(s.Users())
	ids, err := c.EnsureUsers(ctx, slices.Clone(people))
	if err != nil {
		t.Fatalf("EnsureUsers: %v", err)
	}
	if len(ids) != 3 || ids["alice"] == 0 || ids["bob"] == 0 || ids["teacher1"] == 0 {
		t.Fatalf("EnsureUsers = %v", ids)
	}
	if n := len(s.Users()); n != before+2 {
		t.Errorf("%d users were created, want 2 (teacher1 existed)", n-before)
	}
	again, err := c.EnsureUsers(ctx, slices.Clone(people))
	if err != nil {
		t.Fatalf("EnsureUsers again: %v", err)
	}
	if !maps.Equal(again, ids) || len(s.Users()) != before+2 {
		t.Errorf("EnsureUsers again = %v (first %v), %d users", again, ids, len(s.Users()))
	}

	err = c.Enrol(ctx, dup.ID, []moodle.Enrolment{
		{UserID: ids["alice"], RoleID: moodle.RoleStudent},
		{UserID: ids["bob"], RoleID: moodle.RoleStudent},
		{UserID: ids["teacher1"], RoleID: moodle.RoleEditingTeacher},
	})
	if err != nil {
		t.Fatalf("Enrol: %v", err)
	}
	// Enrolling again changes nothing.
	if err := c.Enrol(ctx, dup.ID, []moodle.Enrolment{{UserID: ids["bob"], RoleID: moodle.RoleStudent}}); err != nil {
		t.Fatalf("Enrol again: %v", err)
	}
	enrolled, err := c.EnrolledUsers(ctx, dup.ID)
	if err != nil {
		t.Fatalf("EnrolledUsers: %v", err)
	}
	roles := map[string][]int{}
	for _, u := range enrolled {
		for _, r := range u.Roles {
			roles[u.Username] = append(roles[u.Username], r.ID)
		}
	}
	want := map[string][]int{"alice": {5}, "bob": {5}, "teacher1": {3}}
	if len(roles) != 3 || !slices.Equal(roles["alice"], want["alice"]) || !slices.Equal(roles["bob"], want["bob"]) || !slices.Equal(roles["teacher1"], want["teacher1"]) {
		t.Errorf("roles = %v, want %v", roles, want)
	}
	for _, u := range enrolled {
		if u.Username == "teacher1" && (!u.HasRole(moodle.RoleEditingTeacher) || u.HasRole(moodle.RoleStudent)) {
			t.Errorf("teacher1's roles: %+v", u.Roles)
		}
	}
	if tplEnrolled, err := c.EnrolledUsers(ctx, tpl[0].ID); err != nil || len(tplEnrolled) != 0 {
		t.Errorf("template enrolments = %v, %v; want none", tplEnrolled, err)
	}

	if err := c.Unenrol(ctx, dup.ID, ids["bob"]); err != nil {
		t.Fatalf("Unenrol: %v", err)
	}
	if err := c.Unenrol(ctx, dup.ID, ids["bob"]); err != nil {
		t.Fatalf("Unenrol again: %v", err)
	}
	if e := s.Enrolments(dup.ID); len(e) != 2 || e[0].Username != "teacher1" || e[1].Username != "alice" {
		t.Errorf("enrolments after unenrol = %+v", e)
	}

	if err := c.UpdateCourseVisibility(ctx, dup.ID, true); err != nil {
		t.Fatalf("show: %v", err)
	}
	if sc, _ := s.Course(dup.ID); !sc.Visible {
		t.Error("course still hidden")
	}
	if err := c.UpdateCourseVisibility(ctx, dup.ID, false); err != nil {
		t.Fatalf("hide: %v", err)
	}
	if sc, _ := s.Course(dup.ID); sc.Visible {
		t.Error("course still visible")
	}

	if err := c.DeleteCourses(ctx, dup.ID); err != nil {
		t.Fatalf("DeleteCourses: %v", err)
	}
	if got, err := c.CourseByField(ctx, moodle.CourseFieldID, strconv.Itoa(dup.ID)); err != nil || len(got) != 0 {
		t.Errorf("deleted course still found: %v, %v", got, err)
	}
	if len(s.Enrolments(dup.ID)) != 0 {
		t.Error("a deleted course kept its enrolments")
	}
	// Deleting again is NotFound, which an idempotent teardown ignores.
	err = c.DeleteCourses(ctx, dup.ID)
	if e := wantKind(t, err, moodle.NotFound); len(e.Warnings) != 1 || e.Warnings[0].ItemID != dup.ID {
		t.Errorf("second delete: %+v", e)
	}
	if !errors.Is(err, moodle.NotFound) {
		t.Error("errors.Is(err, NotFound) is false")
	}
	if _, ok := s.Course(tpl[0].ID); !ok {
		t.Error("the template was deleted")
	}
}

func TestEmptyBatchesSendNothing(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	if err := c.Enrol(ctx, 2, nil); err != nil {
		t.Error(err)
	}
	if err := c.Unenrol(ctx, 2); err != nil {
		t.Error(err)
	}
	if err := c.DeleteCourses(ctx); err != nil {
		t.Error(err)
	}
	if u, err := c.CreateUsers(ctx, nil); err != nil || u != nil {
		t.Error(u, err)
	}
	if u, err := c.UsersByField(ctx, moodle.UserFieldUsername); err != nil || u != nil {
		t.Error(u, err)
	}
	if n := len(s.Stats().Calls); n != 0 {
		t.Errorf("%d calls were sent", n)
	}
}

// TestAwkwardTextSurvivesTheWire sends names full of characters that mean
// something in a form body or in PHP's bracket syntax.
func TestAwkwardTextSurvivesTheWire(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	full, short := "R&D = 100% [lab] + Übung #1 ?x=y", "EV+1&2=[3]"
	dup, err := c.DuplicateCourse(ctx, 2, full, short, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.CourseByField(ctx, moodle.CourseFieldShortname, short)
	if err != nil || len(got) != 1 || got[0].ID != dup.ID || got[0].Fullname != full || got[0].Shortname != short {
		t.Fatalf("CourseByField = %+v, %v", got, err)
	}
	ids, err := c.EnsureUsers(ctx, []moodle.NewUser{{Username: "o.brien@x", Firstname: "Seán", Lastname: "O'Brien & Co", Email: "o.brien+lab@example.com", Password: "Pa&ss=w0rd[1]"}})
	if err != nil || ids["o.brien@x"] == 0 {
		t.Fatalf("EnsureUsers = %v, %v", ids, err)
	}
	users, err := c.UsersByField(ctx, moodle.UserFieldEmail, "o.brien+lab@example.com")
	if err != nil || len(users) != 1 || users[0].Lastname != "O'Brien & Co" || users[0].Firstname != "Seán" {
		t.Fatalf("UsersByField = %+v, %v", users, err)
	}
}
