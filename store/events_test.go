package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestEventRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))

	e := newEvent(ctx, t, db, owner, env)
	require.Equal(t, domain.EventPlanned, e.State)
	got, err := db.FindEvent(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, e.StartsAt.Equal(got.StartsAt))
	require.Equal(t, 30*time.Minute, *got.LeadTime)
	require.Equal(t, 48*time.Hour, *got.TransitionPeriod)
	require.Equal(t, e.ShortName, got.ShortName)

	perms, err := db.PermissionsFor(ctx, domain.Subject{UserID: owner.ID}, domain.Ref(domain.ObjectEvent, e.ID))
	require.NoError(t, err)
	require.NoError(t, domain.Authorize(domain.Subject{UserID: owner.ID}, perms, domain.Ref(domain.ObjectEvent, e.ID), domain.KeyDelete))

	got.EndsAt, got.LeadTime, got.TransitionPeriod = nil, nil, nil
	got.Description = "runs until ended"
	require.NoError(t, db.UpdateEvent(ctx, got))
	require.NoError(t, db.SetEventState(ctx, e.ID, domain.EventRunning))
	again, err := db.FindEvent(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, domain.EventRunning, again.State)
	require.Nil(t, again.EndsAt, "no end: runs until ended")
	require.Nil(t, again.LeadTime, "no lead time: the configured default")
	require.Nil(t, again.TransitionPeriod)
	require.Equal(t, "runs until ended", again.Description)

	requireKind(t, db.SetEventState(ctx, e.ID, "exploded"), domain.KindInvalid, "the request has invalid fields")
	missing := id()
	requireKind(t, db.SetEventState(ctx, missing, domain.EventEnded), domain.KindNotFound, "event "+missing.String()+" not found")
	orphan := &domain.Event{Name: "x", ShortName: shortName(), EnvironmentID: missing, OwnerID: owner.ID, StartsAt: e.StartsAt}
	requireKind(t, db.CreateEvent(ctx, orphan), domain.KindInvalid, "environment "+missing.String()+" does not exist")

	later := newEvent(ctx, t, db, owner, env)
	later.StartsAt = later.StartsAt.Add(48 * time.Hour)
	later.EndsAt = nil
	require.NoError(t, db.UpdateEvent(ctx, later))
	page, next, err := db.ListEvents(ctx, domain.EventFilter{EnvironmentID: &env.ID, Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, e.ID, page[0].ID)
	page, _, err = db.ListEvents(ctx, domain.EventFilter{EnvironmentID: &env.ID, Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, later.ID, page[0].ID)
	running, _, err := db.ListEvents(ctx, domain.EventFilter{OwnerID: &owner.ID, State: domain.EventRunning})
	require.NoError(t, err)
	require.Len(t, running, 1)
	stranger := newUser(ctx, t, db)
	visible, _, err := db.ListEvents(ctx, domain.EventFilter{VisibleTo: &stranger.ID})
	require.NoError(t, err)
	require.Empty(t, visible)

	require.NoError(t, db.DeleteEvent(ctx, later.ID))
	_, err = db.FindEvent(ctx, later.ID)
	requireKind(t, err, domain.KindNotFound, "event "+later.ID.String()+" not found")
}

// TestShortNameIsUniqueAmongLiveEvents: a short name is taken while an
// event holding it is not decommissioned (or cancelled), and free again after.
func TestShortNameIsUniqueAmongLiveEvents(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	first := newEvent(ctx, t, db, owner, env)

	clash := &domain.Event{Name: "again", ShortName: first.ShortName, EnvironmentID: env.ID, OwnerID: owner.ID, StartsAt: first.StartsAt}
	err := db.CreateEvent(ctx, clash)
	requireKind(t, err, domain.KindConflict, "short name "+`"`+first.ShortName+`"`+" is already used by an event that is not decommissioned")
	requireField(t, err, "short_name")

	other := newEvent(ctx, t, db, owner, env)
	other.ShortName = first.ShortName
	requireKind(t, db.UpdateEvent(ctx, other), domain.KindConflict, "")

	for _, state := range []domain.EventState{domain.EventRunning, domain.EventDecommissioning} {
		require.NoError(t, db.SetEventState(ctx, first.ID, state))
		requireKind(t, db.CreateEvent(ctx, clash), domain.KindConflict, "")
	}
	require.NoError(t, db.SetEventState(ctx, first.ID, domain.EventDecommissioned))
	require.NoError(t, db.CreateEvent(ctx, clash), "a decommissioned event frees its short name")
	require.NoError(t, db.SetEventState(ctx, clash.ID, domain.EventCancelled))
	reuse := &domain.Event{Name: "third", ShortName: first.ShortName, EnvironmentID: env.ID, OwnerID: owner.ID, StartsAt: first.StartsAt}
	require.NoError(t, db.CreateEvent(ctx, reuse), "so does a cancelled one")
	requireKind(t, db.SetEventState(ctx, first.ID, domain.EventPlanned), domain.KindConflict, "")
}

func TestEventConstraints(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	e := newEvent(ctx, t, db, owner, newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)))
	for _, tc := range []struct{ set, field string }{
		{"short_name = 'AB'", "short_name"},
		{"short_name = 'abcdefghi'", "short_name"},
		{"state = 'scheduled'", "state"},
		{"lead_time = '-1 minute'", "lead_time"},
		{"transition_period = '-1 minute'", "transition_period"},
		{"environment_snapshot = '[]'", "environment_snapshot"},
		{"ends_at = starts_at", "ends_at"},
	} {
		_, err := db.Pool().Exec(ctx, `UPDATE events SET `+tc.set+` WHERE id = $1`, e.ID)
		err = store.MapErr(err)
		requireKind(t, err, domain.KindInvalid, "")
		requireField(t, err, tc.field)
	}
}

func TestEventParticipants(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	e := newEvent(ctx, t, db, owner, env)
	ann, bob := newUser(ctx, t, db), newUser(ctx, t, db)

	require.NoError(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: ann.ID, Role: domain.EventRoleParticipant}))
	require.NoError(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: bob.ID, Role: domain.EventRoleParticipant}))
	require.NoError(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: bob.ID, Role: domain.EventRoleInstructor}),
		"adding again changes the role")

	ps, err := db.ListParticipants(ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, ps, 2)
	require.Equal(t, ann.ID, ps[0].UserID)
	require.Equal(t, domain.EventRoleInstructor, ps[1].Role)

	mine, _, err := db.ListEvents(ctx, domain.EventFilter{ParticipantID: &ann.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1)

	require.NoError(t, db.RemoveParticipant(ctx, e.ID, ann.ID))
	requireKind(t, db.RemoveParticipant(ctx, e.ID, ann.ID), domain.KindNotFound,
		"user "+ann.ID.String()+" does not take part in event "+e.ID.String())
	ghost := id()
	requireKind(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: ghost, Role: "participant"}),
		domain.KindInvalid, "user "+ghost.String()+" does not exist")
	_, err = db.ListParticipants(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "event "+ghost.String()+" not found")
}
