package store_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// TestMigration7MovesConnectionsAndRenamesStates applies 00007_events.sql
// to data written under 00006: each machine's protocol and port become
// one connection template, old states get their new names, existing
// events get a short name, and the migration rolls back cleanly.
func TestMigration7MovesConnectionsAndRenamesStates(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db, err := store.Open(ctx, storetest.NewEmptyDatabase(t), 2)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	require.NoError(t, db.MigrateTo(ctx, 6))

	_, err = db.Pool().Exec(ctx, `
		INSERT INTO users (id, username, email, source) VALUES ('00000000-0000-0000-0000-000000000001', 'ines', 'i@x.org', 'local');
		INSERT INTO nodes (id, name, cluster, endpoint, token_id, token_secret)
			VALUES ('00000000-0000-0000-0000-000000000002', 'pve1', 'lab', 'https://pve1:8006', 't', 's');
		INSERT INTO vm_templates (id, node_id, cluster, vmid, kind, name)
			VALUES ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002', 'lab', 9000, 'qemu', 'debian');
		INSERT INTO environments (id, name, owner_id) VALUES ('00000000-0000-0000-0000-000000000004', 'old', '00000000-0000-0000-0000-000000000001');
		INSERT INTO environment_machines (environment_id, position, template_id, name, protocol, port)
			VALUES ('00000000-0000-0000-0000-000000000004', 0, '00000000-0000-0000-0000-000000000003', 'web', 'rdp', 3390);
		INSERT INTO events (id, name, environment_id, owner_id, starts_at, ends_at, state) VALUES
			('00000000-0000-0000-0000-000000000005', 'a', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000001', now(), now() + interval '1 hour', 'scheduled'),
			('00000000-0000-0000-0000-000000000006', 'b', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000001', now(), now() + interval '1 hour', 'torn_down');`)
	require.NoError(t, err)

	require.NoError(t, db.MigrateTo(ctx, 7))
	env, err := db.FindEnvironment(ctx, mustID("00000000-0000-0000-0000-000000000004"))
	require.NoError(t, err)
	require.Equal(t, []domain.ConnectionTemplate{{Protocol: "rdp", Port: 3390}}, env.Machines[0].Connections)
	require.Equal(t, 1, env.Machines[0].Count)
	require.Equal(t, domain.CloneLinked, env.Machines[0].CloneMode)
	a, err := db.FindEvent(ctx, mustID("00000000-0000-0000-0000-000000000005"))
	require.NoError(t, err)
	require.Equal(t, domain.EventPlanned, a.State)
	require.True(t, domain.ValidShortName(a.ShortName), "short name %q", a.ShortName)
	b, err := db.FindEvent(ctx, mustID("00000000-0000-0000-0000-000000000006"))
	require.NoError(t, err)
	require.Equal(t, domain.EventDecommissioned, b.State)
	require.Equal(t, "0s", b.LeadTime.String(), "an old event keeps its lead time")

	require.NoError(t, db.MigrateTo(ctx, 6))
	var protocol, state string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT m.protocol, (SELECT state FROM events WHERE name = 'b')
		FROM environment_machines m`).Scan(&protocol, &state))
	require.Equal(t, "rdp", protocol)
	require.Equal(t, "torn_down", state)
}

func mustID(s string) uuid.UUID { return uuid.MustParse(s) }
