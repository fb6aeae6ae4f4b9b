package moodle_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/labforge/labforge/internal/moodle"
)

// beforeCall runs hook once, just before the first request calling fn is
// sent: a stand-in for another worker acting at the worst moment.
type beforeCall struct {
	fn   string
	hook func()
	once sync.Once
}

func (b *beforeCall) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.Contains(string(body), "wsfunction="+b.fn+"&") {
		b.once.Do(b.hook)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestEnsureUsersSurvivesAConcurrentCreator(t *testing.T) {
	s := newSim(t, nil)
	other := newClient(t, s, nil)
	ctx := testCtx(t)
	people := []moodle.NewUser{
		{Username: "erin", Firstname: "E", Lastname: "E", Email: "erin@example.com", CreatePassword: true},
		{Username: "finn", Firstname: "F", Lastname: "F", Email: "finn@example.com", CreatePassword: true},
	}
	c := newClient(t, s, func(cfg *moodle.Config) {
		cfg.Transport = &beforeCall{fn: "core_user_create_users", hook: func() {
			if _, err := other.CreateUsers(ctx, people[:1]); err != nil {
				t.Errorf("the other creator: %v", err)
			}
		}}
	})
	ids, err := c.EnsureUsers(ctx, people)
	if err == nil {
		t.Fatalf("Moodle accepted a taken username: %v", ids)
	}
	wantKind(t, err, moodle.InvalidParameter)
	// finn was not created (all or nothing); the next attempt creates him.
	ids, err = c.EnsureUsers(ctx, people)
	if err != nil || ids["erin"] == 0 || ids["finn"] == 0 {
		t.Fatalf("EnsureUsers = %v, %v", ids, err)
	}

	// When the other creator made every missing user, the conflict is
	// resolved by looking them up again.
	gina := []moodle.NewUser{{Username: "gina", Firstname: "G", Lastname: "G", Email: "gina@example.com", CreatePassword: true}}
	c = newClient(t, s, func(cfg *moodle.Config) {
		cfg.Transport = &beforeCall{fn: "core_user_create_users", hook: func() {
			if _, err := other.CreateUsers(ctx, gina); err != nil {
				t.Errorf("the other creator: %v", err)
			}
		}}
	})
	ids, err = c.EnsureUsers(ctx, gina)
	if err != nil || ids["gina"] == 0 {
		t.Fatalf("EnsureUsers with a concurrent creator = %v, %v", ids, err)
	}
	if people[0].Username != "erin" {
		t.Error("EnsureUsers changed its argument")
	}
}

func TestCopyCourseIsIdempotent(t *testing.T) {
	s := newSim(t, nil)
	other := newClient(t, s, nil)
	ctx := testCtx(t)
	c := newClient(t, s, nil)
	first, err := c.CopyCourse(ctx, 2, "Event 7", "EV-7", 1, false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CopyCourse(ctx, 2, "Event 7", "EV-7", 1, false)
	if err != nil || again.ID != first.ID || again.Visible {
		t.Fatalf("CopyCourse again = %+v, %v (first %+v)", again, err, first)
	}
	if n := s.Stats().Calls["core_course_duplicate_course"]; n != 1 {
		t.Errorf("%d duplications, want 1", n)
	}

	// Another worker duplicates between the lookup and ours.
	c = newClient(t, s, func(cfg *moodle.Config) {
		cfg.Transport = &beforeCall{fn: "core_course_duplicate_course", hook: func() {
			if _, err := other.DuplicateCourse(ctx, 2, "Event 8", "EV-8", 1, false); err != nil {
				t.Errorf("the other worker: %v", err)
			}
		}}
	})
	got, err := c.CopyCourse(ctx, 2, "Event 8", "EV-8", 1, false)
	if err != nil || got.Shortname != "EV-8" {
		t.Fatalf("CopyCourse with a concurrent duplicate = %+v, %v", got, err)
	}
	if n := len(s.Courses()); n != 3 {
		t.Errorf("%d courses, want the template and two copies", n)
	}
	_, err = c.CopyCourse(ctx, 999, "X", "EV-9", 1, false)
	wantKind(t, err, moodle.NotFound)
}
