package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/labforge/labforge/activities"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/workflows"
)

func TestEnsureSchedulesIsIdempotent(t *testing.T) {
	// Starting the pve-periodic worker already ensured the schedules once.
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore, activities.QueuePVEPeriodic))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := s.Platform.Temporal
	cfg := s.Platform.Config
	cfg.SyncInterval, cfg.ReconcileInterval, cfg.ReconcileDeleteOrphans = 90*time.Second, 15*time.Minute, true

	// An operator's pause survives EnsureSchedules.
	require.NoError(t, c.ScheduleClient().GetHandle(ctx, workflows.ReconcileScheduleID).Pause(ctx, client.SchedulePauseOptions{Note: "maintenance"}))
	require.NoError(t, app.EnsureSchedules(ctx, c, cfg))
	require.NoError(t, app.EnsureSchedules(ctx, c, cfg))

	// Schedule listing goes through visibility, which may lag a moment.
	want := map[string]int{workflows.SyncInventoryScheduleID: 1, workflows.ReconcileScheduleID: 1}
	var ids map[string]int
	require.Eventually(t, func() bool {
		ids = map[string]int{}
		iter, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
		if err != nil {
			return false
		}
		for iter.HasNext() {
			e, err := iter.Next()
			if err != nil {
				return false
			}
			ids[e.ID]++
		}
		return len(ids) == len(want)
	}, 20*time.Second, 200*time.Millisecond)
	require.Equal(t, want, ids)

	for id, every := range map[string]time.Duration{workflows.SyncInventoryScheduleID: 90 * time.Second, workflows.ReconcileScheduleID: 15 * time.Minute} {
		d, err := c.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		require.NoError(t, err)
		require.Len(t, d.Schedule.Spec.Intervals, 1)
		require.Equal(t, every, d.Schedule.Spec.Intervals[0].Every, id)
		require.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, d.Schedule.Policy.Overlap, id)
		action, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
		require.True(t, ok, "%T", d.Schedule.Action)
		require.Equal(t, activities.QueuePVEPeriodic, action.TaskQueue)
		require.Equal(t, id == workflows.ReconcileScheduleID, d.Schedule.State.Paused, id)
	}
	d, err := c.ScheduleClient().GetHandle(ctx, workflows.ReconcileScheduleID).Describe(ctx)
	require.NoError(t, err)
	action := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	require.Equal(t, "Reconcile", action.Workflow)
	require.Len(t, action.Args, 1)
}

func TestDefaultWorkerQueuesAreTheStandardQueues(t *testing.T) {
	require.Equal(t, activities.StandardQueues, config.Default().WorkerQueues)
	require.NoError(t, app.ValidateQueues([]string{"core", "gateway.lab-a"}))
	require.ErrorContains(t, app.ValidateQueues([]string{"pve-clonee"}), `LABFORGE_WORKER_QUEUES names unknown task queue "pve-clonee"`)
}
