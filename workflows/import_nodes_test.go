package workflows

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

func TestImportNodesReportsPerNodeResults(t *testing.T) {
	env := newTestEnv(t)
	var ops *activities.Operations
	var inv *activities.Inventory
	opID := uuid.New()
	env.OnActivity(inv.ImportClusterNodes, mock.Anything, mock.Anything).Return([]activities.NodeImport{
		{Name: "pve1", NodeID: uuid.NewString(), Action: "created"},
		{Name: "pve2", Action: "failed", Error: "conflict"},
	}, nil).Once()
	var last activities.OperationProgress
	env.OnActivity(ops.RecordOperationProgress, mock.Anything, mock.Anything).Return(func(_ context.Context, p activities.OperationProgress) error {
		last = p
		return nil
	})

	env.ExecuteWorkflow(ImportNodesType.Name, ImportNodesInput{OperationID: opID, EntryNodeID: uuid.New(), Cluster: "lab"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, domain.OpFailed, last.State)
	require.Equal(t, "1 of 2 nodes could not be registered", last.Error)
	require.Len(t, last.Result["nodes"], 2)
	require.Equal(t, "nodes/import/"+opID.String(), ImportNodesWorkflowID(opID))
}
