package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func testKeyring(t *testing.T) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKey("test1", []byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	r, err := secrets.NewKeyring(k)
	require.NoError(t, err)
	return r
}

func TestEnvironmentRoundTripKeepsMachinesAndConnections(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	keys := testKeyring(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	n := newNode(ctx, t, db, "lab")
	web, db9 := newTemplate(ctx, t, db, n, 9000), newTemplate(ctx, t, db, n, 9001)

	e := &domain.Environment{Name: "Web lab", Description: "two machines", OwnerID: owner.ID, MoodleTemplateCourse: 7,
		Machines: []domain.EnvironmentMachine{
			{TemplateID: web.ID, Name: "web", Count: 2, CloneMode: domain.CloneFull, Cores: 2, MemoryMB: 2048,
				Connections: []domain.ConnectionTemplate{
					{Protocol: "rdp", Port: 3390, Username: "student", Password: keys.Seal("s3cret pass")},
					{Protocol: "ssh", Username: "root"},
				}},
			{TemplateID: db9.ID, Name: "db", Count: 1, CloneMode: domain.CloneLinked, Connections: []domain.ConnectionTemplate{}},
		}}
	require.NoError(t, db.CreateEnvironment(ctx, e))
	got, err := db.FindEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, e.Machines, got.Machines)
	require.Equal(t, 7, got.MoodleTemplateCourse)
	plain, err := keys.Open(got.Machines[0].Connections[0].Password)
	require.NoError(t, err, "the sealed password survives the round trip")
	require.Equal(t, "s3cret pass", plain)

	var raw []byte
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT password_ciphertext FROM environment_connections
		WHERE environment_id = $1 AND password_key_id = 'test1'`, e.ID).Scan(&raw))
	require.NotContains(t, string(raw), "s3cret", "PostgreSQL holds the ciphertext only")

	perms, err := db.PermissionsFor(ctx, domain.Subject{UserID: owner.ID}, domain.Ref(domain.ObjectEnvironment, e.ID))
	require.NoError(t, err)
	require.NoError(t, domain.Authorize(domain.Subject{UserID: owner.ID}, perms, domain.Ref(domain.ObjectEnvironment, e.ID), domain.KeyDelete),
		"the owner holds full on their environment")

	got.Machines = []domain.EnvironmentMachine{{TemplateID: db9.ID, Name: "db", Count: 3, CloneMode: domain.CloneLinked,
		Connections: []domain.ConnectionTemplate{{Protocol: "vnc"}}}}
	got.Name = "DB lab"
	require.NoError(t, db.UpdateEnvironment(ctx, got))
	again, err := db.FindEnvironment(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, got.Machines, again.Machines)
	require.Equal(t, "DB lab", again.Name)
	var left int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM environment_connections WHERE environment_id = $1`, e.ID).Scan(&left))
	require.Equal(t, 1, left, "replacing the machines replaces their connections")

	ghost := id()
	bad := &domain.Environment{Name: "Broken", OwnerID: owner.ID,
		Machines: []domain.EnvironmentMachine{{TemplateID: ghost, Name: "x", Count: 1, CloneMode: domain.CloneLinked}}}
	requireKind(t, db.CreateEnvironment(ctx, bad), domain.KindInvalid, "template "+ghost.String()+" does not exist")
	_, err = db.FindEnvironment(ctx, bad.ID)
	requireKind(t, err, domain.KindNotFound, "")

	other := newEnvironment(ctx, t, db, newUser(ctx, t, db), web)
	mine, _, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{OwnerID: &owner.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	visible, _, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{VisibleTo: &owner.ID})
	require.NoError(t, err)
	require.Len(t, visible, 1)
	require.Equal(t, e.ID, visible[0].ID)
	all, next, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, "DB lab", all[0].Name)
	all, _, err = db.ListEnvironments(ctx, domain.EnvironmentFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, other.ID, all[0].ID)

	require.NoError(t, db.DeleteEnvironment(ctx, e.ID))
	requireKind(t, db.DeleteEnvironment(ctx, e.ID), domain.KindNotFound, "environment "+e.ID.String()+" not found")
}

func TestEnvironmentConstraints(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	env := newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	for _, tc := range []struct {
		sql, field string
	}{
		{`UPDATE environment_machines SET count = 11 WHERE environment_id = $1`, "count"},
		{`UPDATE environment_machines SET clone_mode = 'copy' WHERE environment_id = $1`, "clone_mode"},
		{`UPDATE environment_connections SET protocol = 'telnet' WHERE environment_id = $1`, "protocol"},
		{`UPDATE environment_connections SET port = 70000 WHERE environment_id = $1`, "port"},
		{`UPDATE environment_connections SET password_key_id = 'k' WHERE environment_id = $1`, "password"},
		{`INSERT INTO environment_connections (environment_id, machine_position, position, protocol)
			VALUES ($1, 5, 0, 'ssh')`, ""},
	} {
		_, err := db.Pool().Exec(ctx, tc.sql, env.ID)
		err = store.MapErr(err)
		requireKind(t, err, domain.KindInvalid, "")
		if tc.field != "" {
			requireField(t, err, tc.field)
		}
	}
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
