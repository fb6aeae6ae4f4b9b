package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestEnvironmentRoundTripKeepsMachineOrder(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	n := newNode(ctx, t, db, "lab")
	web, db9 := newTemplate(ctx, t, db, n, 9000), newTemplate(ctx, t, db, n, 9001)

	e := &domain.Environment{Name: "Web lab", Description: "two machines", OwnerID: owner.ID, MoodleTemplateCourse: 7,
		Machines: []domain.EnvironmentMachine{
			{TemplateID: web.ID, Name: "web", Protocol: "rdp", Port: 3390, Cores: 2, MemoryMB: 2048},
			{TemplateID: db9.ID, Name: "db", Protocol: "ssh"},
		}}
	require.NoError(t, db.CreateEnvironment(ctx, e))
	got, err := db.FindEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, e.Machines, got.Machines)
	require.Equal(t, 7, got.MoodleTemplateCourse)

	got.Machines = []domain.EnvironmentMachine{{TemplateID: db9.ID, Name: "db", Protocol: "vnc"}}
	got.Name = "DB lab"
	require.NoError(t, db.UpdateEnvironment(ctx, got))
	again, err := db.FindEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, got.Machines, again.Machines)
	require.Equal(t, "DB lab", again.Name)

	ghost := id()
	bad := &domain.Environment{Name: "Broken", OwnerID: owner.ID,
		Machines: []domain.EnvironmentMachine{{TemplateID: ghost, Name: "x", Protocol: "ssh"}}}
	requireKind(t, db.CreateEnvironment(ctx, bad), domain.KindInvalid, "template "+ghost.String()+" does not exist")
	_, err = db.FindEnvironment(ctx, bad.ID)
	requireKind(t, err, domain.KindNotFound, "")

	other := newEnvironment(ctx, t, db, newUser(ctx, t, db), web)
	mine, _, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{OwnerID: &owner.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	all, next, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, "DB lab", all[0].Name)
	all, _, err = db.ListEnvironments(ctx, domain.EnvironmentFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, other.ID, all[0].ID)

	require.NoError(t, db.DeleteEnvironment(ctx, e.ID))
	requireKind(t, db.DeleteEnvironment(ctx, e.ID), domain.KindNotFound, "environment "+e.ID.String()+" not found")
}

func TestDeleteEnvironmentWithEventsIsConflict(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	newEvent(ctx, t, db, owner, env)

	requireKind(t, db.DeleteEnvironment(ctx, env.ID), domain.KindConflict, "environment "+env.ID.String()+" still has events")
}
