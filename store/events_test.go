package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestEventRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))

	e := newEvent(ctx, t, db, owner, env)
	require.Equal(t, domain.EventScheduled, e.State)
	got, err := db.FindEvent(ctx, e.ID)
	require.NoError(t, err)
	require.True(t, e.StartsAt.Equal(got.StartsAt))
	require.Equal(t, 30*time.Minute, got.LeadTime)
	require.Equal(t, 48*time.Hour, got.TransitionPeriod)

	got.EndsAt = got.EndsAt.Add(time.Hour)
	got.State = domain.EventDeploying
	require.NoError(t, db.UpdateEvent(ctx, got))
	require.NoError(t, db.SetEventState(ctx, e.ID, domain.EventRunning))
	again, err := db.FindEvent(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, domain.EventRunning, again.State)
	require.True(t, got.EndsAt.Equal(again.EndsAt))

	requireKind(t, db.SetEventState(ctx, e.ID, "exploded"), domain.KindInvalid, "the request has invalid fields")
	missing := id()
	requireKind(t, db.SetEventState(ctx, missing, domain.EventEnded), domain.KindNotFound, "event "+missing.String()+" not found")
	orphan := &domain.Event{Name: "x", EnvironmentID: missing, OwnerID: owner.ID, StartsAt: e.StartsAt, EndsAt: e.EndsAt}
	requireKind(t, db.CreateEvent(ctx, orphan), domain.KindInvalid, "environment "+missing.String()+" does not exist")

	later := newEvent(ctx, t, db, owner, env)
	later.StartsAt, later.EndsAt = later.StartsAt.Add(48*time.Hour), later.EndsAt.Add(48*time.Hour)
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

	require.NoError(t, db.DeleteEvent(ctx, later.ID))
	_, err = db.FindEvent(ctx, later.ID)
	requireKind(t, err, domain.KindNotFound, "event "+later.ID.String()+" not found")
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
