package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func TestEnvironmentValidateIndexesMachinesAndConnections(t *testing.T) {
	e := domain.Environment{Name: "Networking 101", Machines: []domain.EnvironmentMachine{
		{TemplateID: uuid.New(), Name: "router", Count: 1, CloneMode: domain.CloneLinked,
			Connections: []domain.ConnectionTemplate{{Protocol: "ssh"}}},
		{TemplateID: uuid.New(), Name: "router", Count: 11, CloneMode: "copy", Connections: []domain.ConnectionTemplate{
			{Protocol: "ssh"}, {Protocol: "telnet", Port: 70000, Password: &domain.SealedSecret{}},
		}},
	}}
	f := fieldsOf(t, e.Validate())
	for _, want := range []string{"machines[1].name", "machines[1].count", "machines[1].clone_mode",
		"machines[1].connections[1].protocol", "machines[1].connections[1].port", "machines[1].connections[1].password"} {
		if f[want] == "" {
			t.Errorf("want %s, got %v", want, f)
		}
	}
	if len(f) != 6 {
		t.Errorf("want only machine 1's fields, got %v", f)
	}
}

func TestConnectionDefaultPort(t *testing.T) {
	for _, tc := range []struct {
		c    domain.ConnectionTemplate
		want int
	}{
		{domain.ConnectionTemplate{Protocol: "rdp"}, 3389},
		{domain.ConnectionTemplate{Protocol: "ssh"}, 22},
		{domain.ConnectionTemplate{Protocol: "vnc"}, 5900},
		{domain.ConnectionTemplate{Protocol: "ssh", Port: 2222}, 2222},
	} {
		if got := tc.c.DefaultPort(); got != tc.want {
			t.Errorf("%+v: port %d, want %d", tc.c, got, tc.want)
		}
	}
}

func validEvent() domain.Event {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	end := start.Add(4 * time.Hour)
	return domain.Event{Name: "Lab", ShortName: "net-101", EnvironmentID: uuid.New(), StartsAt: start, EndsAt: &end}
}

func TestEventValidate(t *testing.T) {
	neg, long := -time.Minute, 8*24*time.Hour
	for _, tc := range []struct {
		name   string
		change func(e *domain.Event)
		field  string
	}{
		{"end before start", func(e *domain.Event) { before := e.StartsAt.Add(-time.Hour); e.EndsAt = &before }, "ends_at"},
		{"end at start", func(e *domain.Event) { at := e.StartsAt; e.EndsAt = &at }, "ends_at"},
		{"short name too short", func(e *domain.Event) { e.ShortName = "abc" }, "short_name"},
		{"short name too long", func(e *domain.Event) { e.ShortName = "abcdefghi" }, "short_name"},
		{"short name upper case", func(e *domain.Event) { e.ShortName = "Lab1" }, "short_name"},
		{"short name with a dot", func(e *domain.Event) { e.ShortName = "lab.1" }, "short_name"},
		{"negative lead time", func(e *domain.Event) { e.LeadTime = &neg }, "lead_time"},
		{"long lead time", func(e *domain.Event) { e.LeadTime = &long }, "lead_time"},
		{"negative transition", func(e *domain.Event) { e.TransitionPeriod = &neg }, "transition_period"},
		{"no environment", func(e *domain.Event) { e.EnvironmentID = uuid.Nil }, "environment_id"},
	} {
		e := validEvent()
		tc.change(&e)
		if f := fieldsOf(t, e.Validate()); f[tc.field] == "" || len(f) != 1 {
			t.Errorf("%s: want only %s, got %v", tc.name, tc.field, f)
		}
	}
	open := validEvent()
	open.EndsAt = nil
	if err := open.Validate(); err != nil {
		t.Errorf("an event without an end is valid: %v", err)
	}
	for _, s := range []string{"abcd", "a_b-1234", "0000"} {
		if !domain.ValidShortName(s) {
			t.Errorf("short name %q rejected", s)
		}
	}
}

func TestEventNewScheduleStartsInTheFuture(t *testing.T) {
	e := validEvent()
	if err := e.ValidateNewSchedule(e.StartsAt.Add(-time.Second)); err != nil {
		t.Errorf("a start ahead of now is fine: %v", err)
	}
	if f := fieldsOf(t, e.ValidateNewSchedule(e.StartsAt)); f["starts_at"] == "" {
		t.Errorf("want starts_at, got %v", f)
	}
}

func TestEventDefaultsFillUnsetDurations(t *testing.T) {
	d := domain.EventDefaults{LeadTime: 30 * time.Minute, TransitionPeriod: 72 * time.Hour}
	e := validEvent()
	if e.EffectiveLeadTime(d) != 30*time.Minute || e.EffectiveTransitionPeriod(d) != 72*time.Hour {
		t.Fatal("unset durations take the defaults")
	}
	zero := time.Duration(0)
	e.LeadTime, e.TransitionPeriod = &zero, &zero
	if e.EffectiveLeadTime(d) != 0 || e.EffectiveTransitionPeriod(d) != 0 {
		t.Fatal("a set zero is kept")
	}
}

func TestEventStateDeletable(t *testing.T) {
	for _, s := range domain.EventStates {
		want := s == domain.EventPlanned || s == domain.EventDecommissioned || s == domain.EventCancelled
		if s.Deletable() != want {
			t.Errorf("%s deletable = %v", s, !want)
		}
	}
}

func TestEventItemValidate(t *testing.T) {
	it := domain.EventItem{EventID: uuid.New(), UserID: uuid.New(), Machine: "web", Index: 10, State: "lost"}
	if f := fieldsOf(t, it.Validate()); f["index"] == "" || f["state"] == "" || len(f) != 2 {
		t.Errorf("want index and state, got %v", f)
	}
}

func TestEventRolePermissions(t *testing.T) {
	user, event := uuid.New(), uuid.New()
	s := domain.Subject{UserID: user, Roles: []string{domain.RoleParticipant}}
	obj := domain.Ref(domain.ObjectEvent, event)
	participant := domain.EventRolePermissions(user, event, domain.EventRoleParticipant)
	if err := domain.Authorize(s, participant, obj, domain.KeyRead); err != nil {
		t.Errorf("a participant reads the event: %v", err)
	}
	if !domain.IsKind(domain.Authorize(s, participant, obj, domain.KeyUpdate), domain.KindForbidden) {
		t.Error("a participant may not change the event")
	}
	instructor := domain.EventRolePermissions(user, event, domain.EventRoleInstructor)
	for _, k := range []domain.Key{domain.KeyRead, domain.KeyUpdate, domain.KeyEventManage} {
		if err := domain.Authorize(s, instructor, obj, k); err != nil {
			t.Errorf("an instructor of the event may %s: %v", k, err)
		}
	}
	if !domain.IsKind(domain.Authorize(s, instructor, obj, domain.KeyDelete), domain.KindForbidden) {
		t.Error("an instructor of the event may not delete it")
	}
	if !domain.IsKind(domain.Authorize(s, domain.EventRolePermissions(user, event, ""), obj, domain.KeyRead), domain.KindNotFound) {
		t.Error("without a role the event is not found")
	}
}

func FuzzValidShortName(f *testing.F) {
	for _, s := range []string{"abcd", "net-101", "a_b", "ABCD", "abcdefghi", "ab.c", "ab c", "abc\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !domain.ValidShortName(s) {
			return
		}
		if len(s) < 4 || len(s) > 8 || strings.ContainsAny(s, " ;{}\n\r\t$'\"`/\\.:ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("accepted %q", s)
		}
	})
}
