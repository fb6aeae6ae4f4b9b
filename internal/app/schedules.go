package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/workflows"
)

// scheduleSpec is one Temporal Schedule Labforge owns instead of a cron job.
type scheduleSpec struct {
	id       string
	every    time.Duration
	workflow workflows.Type
	arg      any
}

func platformSchedules(cfg config.Config) []scheduleSpec {
	return []scheduleSpec{
		{id: workflows.SyncInventoryScheduleID, every: cfg.SyncInterval, workflow: workflows.SyncInventoryType, arg: workflows.SyncInventoryInput{}},
		{id: workflows.ReconcileScheduleID, every: cfg.ReconcileInterval, workflow: workflows.ReconcileType,
			arg: workflows.ReconcileInput{DeleteOrphans: cfg.ReconcileDeleteOrphans}},
	}
}

// EnsureSchedules creates the Temporal Schedules sync-inventory (every
// SyncInterval) and reconcile (every ReconcileInterval), or updates them
// to the current settings when they exist, so calling it on every worker
// start is idempotent. Both start their workflow on its type's queue
// (pve-periodic) and skip a run while the previous one is still going. A pause set by an
// operator is kept.
func EnsureSchedules(ctx context.Context, c client.Client, cfg config.Config) error {
	for _, s := range platformSchedules(cfg) {
		if err := ensureSchedule(ctx, c, s); err != nil {
			return fmt.Errorf("ensuring Temporal schedule %s: %w", s.id, err)
		}
	}
	return nil
}

func ensureSchedule(ctx context.Context, c client.Client, s scheduleSpec) error {
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.every}}}
	action := &client.ScheduleWorkflowAction{
		ID:        s.id,
		Workflow:  s.workflow.Name,
		Args:      []any{s.arg},
		TaskQueue: s.workflow.Queue,
		// A cycle that outlives several intervals is stuck; the next one
		// starts fresh.
		WorkflowExecutionTimeout: max(10*s.every, 30*time.Minute),
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:      s.id,
		Spec:    spec,
		Action:  action,
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if err == nil {
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return c.ScheduleClient().GetHandle(ctx, s.id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sched := in.Description.Schedule
			sched.Spec = &spec
			sched.Action = action
			if sched.Policy == nil {
				sched.Policy = &client.SchedulePolicies{}
			}
			sched.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &sched}, nil
		},
	})
}

// scheduleTimeout bounds EnsureSchedules at worker start.
const scheduleTimeout = 30 * time.Second

// ensureSchedulesFor ensures the platform's schedules when the worker
// serves the queue their workflows run on.
func (p *Platform) ensureSchedulesFor(queues []string) error {
	if !slices.ContainsFunc(platformSchedules(p.Config), func(s scheduleSpec) bool { return slices.Contains(queues, s.workflow.Queue) }) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), scheduleTimeout)
	defer cancel()
	if err := EnsureSchedules(ctx, p.Temporal, p.Config); err != nil {
		return err
	}
	p.Logger.Info("schedules ensured", slog.String("sync_interval", p.Config.SyncInterval.String()),
		slog.String("reconcile_interval", p.Config.ReconcileInterval.String()))
	return nil
}
