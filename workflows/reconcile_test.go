package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

func TestReconcileCountsOrphansAndMissingGuests(t *testing.T) {
	env := newTestEnv(t)
	var inv *activities.Inventory
	env.OnActivity(inv.ListClusters, mock.Anything).Return([]string{"lab"}, nil).Once()
	env.OnActivity(inv.ReconcileCluster, mock.Anything, activities.ReconcileClusterInput{Cluster: "lab", DeleteOrphans: true}).Return(
		activities.ClusterReconcileResult{Cluster: "lab", EntryNode: "pve1", Findings: []activities.Drift{
			{Kind: activities.EventOrphanGuest, Node: "pve1", VMID: 4711, Deleted: true},
			{Kind: activities.EventOrphanGuest, Node: "pve2", VMID: 4712, Error: "locked"},
			{Kind: activities.EventMissingGuest, VMID: 4713, VMRecID: "0b6c3f0e-8a51-4c1d-9a57-2f0d6f1e2a11"},
		}}, nil).Once()

	env.ExecuteWorkflow(ReconcileType.Name, ReconcileInput{DeleteOrphans: true})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res ReconcileResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 2, res.OrphanGuests)
	require.Equal(t, 1, res.DeletedOrphans)
	require.Equal(t, 1, res.MissingGuests)
	require.Zero(t, res.Failed)
	require.Len(t, res.Clusters[0].Findings, 3)
}

func TestReconcileReportsADownCluster(t *testing.T) {
	env := newTestEnv(t)
	var inv *activities.Inventory
	env.OnActivity(inv.ListClusters, mock.Anything).Return([]string{"down", "lab"}, nil).Once()
	env.OnActivity(inv.ReconcileCluster, mock.Anything, activities.ReconcileClusterInput{Cluster: "down"}).Return(
		activities.ClusterReconcileResult{}, temporal.NewApplicationError("unreachable", activities.ErrTypeClusterUnreachable)).Times(3)
	env.OnActivity(inv.ReconcileCluster, mock.Anything, activities.ReconcileClusterInput{Cluster: "lab"}).Return(
		activities.ClusterReconcileResult{Cluster: "lab", Findings: []activities.Drift{{Kind: activities.EventMissingGuest, VMID: 200}}}, nil).Once()
	env.OnActivity(inv.RecordSystemEvent, mock.Anything, mock.MatchedBy(func(ev domain.SystemEvent) bool {
		return ev.Kind == EventClusterUnreachable && ev.ObjectID == "down"
	})).Return(nil).Once()

	env.ExecuteWorkflow(ReconcileType.Name, ReconcileInput{})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res ReconcileResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 1, res.Failed)
	require.Equal(t, 1, res.MissingGuests)
	require.Equal(t, "unreachable [ClusterUnreachable]", res.Clusters[0].Error)
}
