package activities

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
)

// Reconciliation covers containers: a ready container whose guest is gone
// is missing, a container guest whose record was deleted is an orphan
// (deleted when asked), and a container whose creation is under way is
// neither.
func TestReconcileClusterFindsContainerDrift(t *testing.T) {
	f := newCtFixture(t)
	allocate := func(hostname string) (*domain.Container, ContainerPlan) {
		ct := f.newContainer(t, hostname, debianCT)
		var p ContainerPlan
		f.must(t, &p, f.bk.AllocateContainer, ct.ID)
		return ct, p
	}
	create := func(p ContainerPlan) {
		var tpl string
		f.must(t, &tpl, f.px.EnsureContainerTemplate, p)
		f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: tpl})
	}
	gone, _ := allocate("gone")
	rec, err := f.db.FindContainer(f.ctx, gone.ID)
	require.NoError(t, err)
	rec.State = domain.GuestReady
	require.NoError(t, f.db.UpdateContainer(f.ctx, rec))
	left, leftPlan := allocate("left")
	create(leftPlan)
	_, busyPlan := allocate("busy")
	create(busyPlan) // its record is still provisioning
	require.NoError(t, f.db.DeleteContainer(f.ctx, left.ID))

	events := &memEvents{}
	inv := &Inventory{Nodes: f.db, Templates: f.db, VMs: f.db, Containers: f.db, Events: events,
		Clients: f.px.Clients, Grace: -1}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(inv)
	v, err := env.ExecuteActivity(inv.ReconcileCluster, ReconcileClusterInput{Cluster: "lab", DeleteOrphans: true})
	require.NoError(t, err)
	var res ClusterReconcileResult
	require.NoError(t, v.Get(&res))

	require.Len(t, res.Findings, 2, "%+v", res.Findings)
	byKind := map[string]Drift{}
	for _, d := range res.Findings {
		byKind[d.Kind] = d
	}
	orphan := byKind[EventOrphanGuest]
	require.Equal(t, "lxc", orphan.Type)
	require.Equal(t, leftPlan.Guest.VMID, orphan.VMID)
	require.Equal(t, left.ID.String(), orphan.ContainerID)
	require.True(t, orphan.Deleted, orphan.Error)
	_, exists := f.sim.Guest(leftPlan.Guest.Node, leftPlan.Guest.VMID)
	require.False(t, exists, "the orphan container is deleted")
	_, exists = f.sim.Guest(busyPlan.Guest.Node, busyPlan.Guest.VMID)
	require.True(t, exists, "a container being created is not an orphan")

	missing := byKind[EventMissingGuest]
	require.Equal(t, gone.ID.String(), missing.ContainerID)
	ev := events.ofKind(EventMissingGuest)
	require.Len(t, ev, 1)
	require.Equal(t, domain.ObjectContainer, ev[0].ObjectType)
	require.Contains(t, events.ofKind(EventOrphanGuest)[0].Message, ContainerTag)
}
