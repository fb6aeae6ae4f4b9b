package workflows

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// TestGuacamoleStepsRunOnCoreAndWaitOutAnOutage runs the steps the event
// lifecycle calls: a Guacamole outage is retried until Guacamole answers.
func TestGuacamoleStepsRunOnCoreAndWaitOutAnOutage(t *testing.T) {
	env := newTestEnv(t)
	event := uuid.New()
	env.RegisterWorkflowWithOptions(tuned(testTuning(), func(ctx workflow.Context, in activities.EnsureConnectionInput) (int, error) {
		if _, err := EnsureConnectionStep(ctx, in); err != nil {
			return 0, err
		}
		rev, err := RevokeConnectionsStep(ctx, activities.EventConnectionsInput{EventID: in.EventID})
		if err != nil {
			return 0, err
		}
		del, err := DeleteConnectionsStep(ctx, activities.EventConnectionsInput{EventID: in.EventID})
		return rev.Changed + del.Changed, err
	}), workflow.RegisterOptions{Name: "GuacamoleStepsForTest"})
	calls := 0
	env.OnActivity(guac.EnsureConnection, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.EnsureConnectionInput) (activities.EnsureConnectionResult, error) {
			require.Equal(t, activities.QueueCore, activity.GetInfo(ctx).TaskQueue)
			if calls++; calls <= 5 {
				return activities.EnsureConnectionResult{}, temporal.NewApplicationError("Guacamole is down", activities.ErrTypeGuacamoleUnavailable)
			}
			return activities.EnsureConnectionResult{ConnectionID: "3"}, nil
		}).Times(6)
	env.OnActivity(guac.RevokeConnections, mock.Anything, activities.EventConnectionsInput{EventID: event}).
		Return(activities.EventConnectionsResult{Changed: 1}, nil).Once()
	env.OnActivity(guac.DeleteConnections, mock.Anything, activities.EventConnectionsInput{EventID: event}).
		Return(activities.EventConnectionsResult{Changed: 1}, nil).Once()

	env.ExecuteWorkflow("GuacamoleStepsForTest", activities.EnsureConnectionInput{EventID: event, Username: "ann"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var changed int
	require.NoError(t, env.GetWorkflowResult(&changed))
	require.Equal(t, 2, changed)
}
