package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestPlannedEvents: an event's demand is its machines' count times its
// participants (direct or through groups, instructors excepted), on the
// template's node with the machine's memory; PlannedEvents keeps the live
// events whose VMs exist in the window.
func TestPlannedEvents(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	n := newNode(ctx, t, db, "lab")
	n.Status, n.MaxMemoryBytes = domain.NodeOnline, 64<<30
	require.NoError(t, db.UpdateNodeStatus(ctx, n))
	tpl := newTemplate(ctx, t, db, n, 9200)
	env := newEnvironment(ctx, t, db, owner, tpl)
	env.Machines[0].Count = 2
	env.Machines[0].MemoryMB = 4096
	require.NoError(t, db.UpdateEnvironment(ctx, env))

	e := newEvent(ctx, t, db, owner, env)
	a, b, c := newUser(ctx, t, db), newUser(ctx, t, db), newUser(ctx, t, db)
	for _, p := range []domain.EventParticipant{{UserID: a.ID, Role: domain.EventRoleParticipant},
		{UserID: b.ID, Role: domain.EventRoleParticipant}, {UserID: owner.ID, Role: domain.EventRoleInstructor}} {
		p.EventID = e.ID
		require.NoError(t, db.AddParticipant(ctx, &p))
	}
	g := &domain.Group{Name: unique("group")}
	require.NoError(t, db.CreateGroup(ctx, g))
	for _, u := range []uuid.UUID{b.ID, c.ID, owner.ID} {
		require.NoError(t, db.AddGroupMember(ctx, g.ID, u))
	}
	require.NoError(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: g.ID, Role: domain.EventRoleParticipant}))

	standalone := newVM(ctx, t, db, owner, tpl)
	standalone.NodeID, standalone.State = &n.ID, domain.GuestReady
	require.NoError(t, db.UpdateVM(ctx, standalone))
	nodes, err := db.CapacityNodes(ctx)
	require.NoError(t, err)
	require.Contains(t, nodes, domain.CapacityNode{ID: n.ID, Name: n.Name, CloneSlots: 2, Storages: []string{"local-lvm"},
		MemoryBytes: 64 << 30, BaseBytes: 2048 << 20}, "a VM outside events takes its memory")

	got, err := db.PlannedEvents(ctx, e.StartsAt.Add(-time.Hour), e.StartsAt, time.Hour)
	require.NoError(t, err)
	require.Len(t, got, 1)
	p := got[0]
	assert.Equal(t, e.ID, p.ID)
	assert.True(t, p.DeployAt.Equal(e.StartsAt.Add(-30*time.Minute)), "start − the event's lead time")
	require.Len(t, p.Machines, 1)
	assert.Equal(t, domain.MachineDemand{TemplateID: tpl.ID, NodeID: n.ID, VMs: 6, MemoryBytes: 4096 << 20,
		CloneTime: domain.DefaultLinkedCloneTime}, p.Machines[0], "2 VMs for each of a, b and c")

	_, err = db.SnapshotEnvironment(ctx, e.ID)
	require.NoError(t, err)
	env.Machines[0].Count = 1
	require.NoError(t, db.UpdateEnvironment(ctx, env))
	d, err := db.EventDemand(ctx, e, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 6, d.VMs(), "a deployed event keeps its snapshot's machines")
	assert.Equal(t, int64(4096<<20), d.Machines[0].MemoryBytes)

	none, err := db.PlannedEvents(ctx, e.EndsAt.Add(time.Minute), e.EndsAt.Add(time.Hour), time.Hour)
	require.NoError(t, err)
	assert.Empty(t, none, "over by then")
	require.NoError(t, db.SetEventState(ctx, e.ID, domain.EventCancelled))
	none, err = db.PlannedEvents(ctx, e.StartsAt.Add(-time.Hour), e.StartsAt, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, none, "cancelled")

	fresh := &domain.Event{EnvironmentID: env.ID, StartsAt: e.StartsAt}
	d, err = db.EventDemand(ctx, fresh, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 0, d.VMs(), "no participants yet")
	assert.True(t, d.DeployAt.Equal(e.StartsAt.Add(-time.Hour)), "the default lead time")
}
