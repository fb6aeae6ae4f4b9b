package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestEnvironmentSnapshotIsTakenOnce: the snapshot keeps the environment
// as it was at the first call, sealed passwords included.
func TestEnvironmentSnapshotIsTakenOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	keys := testKeyring(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	env.Machines[0].Connections[0].Password = keys.Seal("pw")
	require.NoError(t, db.UpdateEnvironment(ctx, env))
	e := newEvent(ctx, t, db, owner, env)

	none, err := db.EnvironmentSnapshot(ctx, e.ID)
	require.NoError(t, err)
	require.Nil(t, none, "no snapshot before the event deploys")

	snap, err := db.SnapshotEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, env.Machines, snap.Machines)

	env.Machines[0].Count = 5
	env.Name = "changed later"
	require.NoError(t, db.UpdateEnvironment(ctx, env))
	again, err := db.SnapshotEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, 1, again.Machines[0].Count, "a second call keeps the first snapshot")
	stored, err := db.EnvironmentSnapshot(ctx, e.ID)
	require.NoError(t, err)
	require.NotEqual(t, "changed later", stored.Name)
	plain, err := keys.Open(stored.Machines[0].Connections[0].Password)
	require.NoError(t, err)
	require.Equal(t, "pw", plain)

	ghost := id()
	_, err = db.SnapshotEnvironment(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "event "+ghost.String()+" not found")
	_, err = db.EnvironmentSnapshot(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "")
}
