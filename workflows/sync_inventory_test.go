package workflows

import (
	"context"
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

func TestSyncInventorySyncsEveryCluster(t *testing.T) {
	env := newTestEnv(t)
	var inv *activities.Inventory
	env.OnActivity(inv.ListClusters, mock.Anything).Return([]string{"lab", "prod"}, nil).Once()
	env.OnActivity(inv.SyncCluster, mock.Anything, mock.Anything).Return(func(_ context.Context, c string) (activities.ClusterSyncResult, error) {
		return activities.ClusterSyncResult{Cluster: c, EntryNode: c + "-1", NodesOnline: 2, Templates: 3}, nil
	}).Times(2)

	env.ExecuteWorkflow(SyncInventoryType.Name, SyncInventoryInput{})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res SyncInventoryResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Zero(t, res.Failed)
	require.Len(t, res.Clusters, 2)
	require.Equal(t, "lab", res.Clusters[0].Cluster)
	require.Equal(t, "prod-1", res.Clusters[1].EntryNode)
	require.Equal(t, 3, res.Clusters[1].Templates)
}

func TestSyncInventoryReportsADownClusterAndSyncsTheOthers(t *testing.T) {
	env := newTestEnv(t)
	var inv *activities.Inventory
	env.OnActivity(inv.ListClusters, mock.Anything).Return([]string{"down", "lab"}, nil).Once()
	env.OnActivity(inv.SyncCluster, mock.Anything, "down").Return(activities.ClusterSyncResult{},
		temporal.NewApplicationError("no node of cluster \"down\" answered", activities.ErrTypeClusterUnreachable)).Times(3)
	env.OnActivity(inv.SyncCluster, mock.Anything, "lab").Return(activities.ClusterSyncResult{Cluster: "lab", EntryNode: "pve1"}, nil).Once()
	var events []domain.SystemEvent
	env.OnActivity(inv.RecordSystemEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, ev domain.SystemEvent) error {
		events = append(events, ev)
		return nil
	}).Once()

	env.ExecuteWorkflow(SyncInventoryType.Name, SyncInventoryInput{})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res SyncInventoryResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 1, res.Failed)
	require.Equal(t, "down", res.Clusters[0].Cluster)
	require.Contains(t, res.Clusters[0].Error, "no node of cluster")
	require.Empty(t, res.Clusters[1].Error)
	require.Len(t, events, 1)
	require.Equal(t, EventClusterUnreachable, events[0].Kind)
	require.Equal(t, domain.SeverityError, events[0].Severity)
	require.Equal(t, "down", events[0].ObjectID)
}
