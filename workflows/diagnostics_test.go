package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

func TestDiagnosticsHealthy(t *testing.T) {
	env := newTestEnv(t)
	opID := uuid.New()
	var sys *activities.System
	var ops *activities.Operations
	env.OnActivity(sys.ProbeWorker, mock.Anything).Return(func(ctx context.Context) (activities.ProbeReport, error) {
		q := activity.GetInfo(ctx).TaskQueue
		return activities.ProbeReport{Queue: q, Healthy: true, Checks: map[string]string{"postgresql": "ok"}}, nil
	}).Times(2)
	var states []domain.OperationState
	env.OnActivity(ops.RecordOperationProgress, mock.Anything, mock.Anything).Return(func(_ context.Context, p activities.OperationProgress) error {
		require.Equal(t, opID, p.OperationID)
		states = append(states, p.State)
		return nil
	})

	env.ExecuteWorkflow(DiagnosticsType.Name, DiagnosticsInput{OperationID: opID, Queues: []string{"core", "pve-clone"}})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res DiagnosticsResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.True(t, res.Healthy)
	require.Len(t, res.Probes, 2)
	require.Equal(t, "pve-clone", res.Probes[1].Report.Queue)
	require.Equal(t, []domain.OperationState{domain.OpRunning, domain.OpCompleted}, states)

	v, err := env.QueryWorkflow(QueryProgress)
	require.NoError(t, err)
	var p Progress
	require.NoError(t, v.Get(&p))
	require.Equal(t, domain.OpCompleted, p.State)
}

func TestDiagnosticsReportsUnreachedQueueAndUnhealthyWorker(t *testing.T) {
	env := newTestEnv(t)
	var sys *activities.System
	var ops *activities.Operations
	env.OnActivity(sys.ProbeWorker, mock.Anything).Return(func(ctx context.Context) (activities.ProbeReport, error) {
		switch q := activity.GetInfo(ctx).TaskQueue; q {
		case "pve-clone":
			return activities.ProbeReport{}, temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START, nil)
		default:
			return activities.ProbeReport{Queue: q, Healthy: false, Checks: map[string]string{"mongodb": "unreachable: refused"}}, nil
		}
	})
	var recorded activities.OperationProgress
	env.OnActivity(ops.RecordOperationProgress, mock.Anything, mock.Anything).Return(func(_ context.Context, p activities.OperationProgress) error {
		recorded = p
		return nil
	})

	env.ExecuteWorkflow(DiagnosticsType.Name, DiagnosticsInput{OperationID: uuid.New(), Queues: []string{"core", "pve-clone"}, PickupTimeout: 5 * time.Second})
	require.NoError(t, env.GetWorkflowError())
	var res DiagnosticsResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.False(t, res.Healthy)
	require.True(t, res.Probes[0].Reached)
	require.False(t, res.Probes[1].Reached)
	require.Contains(t, res.Probes[1].Error, `no worker picked up the probe on queue "pve-clone"`)
	require.Equal(t, domain.OpCompleted, recorded.State)
	require.Equal(t, false, recorded.Result["healthy"])
}

func TestDiagnosticsRetriesBookkeepingUntilStoreAnswers(t *testing.T) {
	env := newTestEnv(t)
	var sys *activities.System
	var ops *activities.Operations
	env.OnActivity(sys.ProbeWorker, mock.Anything).Return(activities.ProbeReport{Healthy: true}, nil)
	calls := 0
	env.OnActivity(ops.RecordOperationProgress, mock.Anything, mock.Anything).Return(func(context.Context, activities.OperationProgress) error {
		calls++
		if calls < 3 {
			return temporal.NewApplicationError("PostgreSQL is unreachable", "Unavailable")
		}
		return nil
	})
	env.ExecuteWorkflow(DiagnosticsType.Name, DiagnosticsInput{OperationID: uuid.New(), Queues: []string{"core"}})
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, 4, calls, "two failed attempts, then running and completed recorded")
}

func TestDiagnosticsWorkflowID(t *testing.T) {
	id := uuid.MustParse("0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00")
	require.Equal(t, "system/diagnostics/0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00", DiagnosticsWorkflowID(id))
}
