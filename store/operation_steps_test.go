package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestOperationProgressKeepsTheStepHistory checks that every progress
// report lands in the step history in the operation's own transaction,
// that a report stored twice (a retried activity) is kept once, and that
// skippable holds only while the operation awaits the operator.
func TestOperationProgressKeepsTheStepHistory(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	op := &domain.Operation{Kind: "clone_vm", TargetType: domain.ObjectVM, TargetID: unique("vm"), WorkflowID: unique("wf")}
	require.NoError(t, db.CreateOperation(ctx, op))
	steps, err := db.ListOperationSteps(ctx, op.ID)
	require.NoError(t, err)
	require.Empty(t, steps, "a pending operation has no steps yet")

	report := func(state domain.OperationState, step, msg string, skippable bool) {
		t.Helper()
		op.State, op.Step, op.Error, op.Skippable = state, step, msg, skippable
		require.NoError(t, db.UpdateOperationProgress(ctx, op))
		require.NoError(t, db.UpdateOperationProgress(ctx, op), "a report stored twice")
	}
	report(domain.OpRunning, "clone", "", false)
	report(domain.OpRunning, "baseline snapshot", "", false)
	report(domain.OpAwaitingOperator, "baseline snapshot", "storage full", true)
	got, err := db.FindOperation(ctx, op.ID)
	require.NoError(t, err)
	require.True(t, got.Skippable)

	report(domain.OpRunning, "start", "", true)
	got, err = db.FindOperation(ctx, op.ID)
	require.NoError(t, err)
	require.False(t, got.Skippable, "skippable is kept only while awaiting the operator")
	report(domain.OpCompleted, "done", "", false)

	steps, err = db.ListOperationSteps(ctx, op.ID)
	require.NoError(t, err)
	require.Len(t, steps, 3)
	names := []string{steps[0].Name, steps[1].Name, steps[2].Name}
	require.Equal(t, []string{"clone", "baseline snapshot", "start"}, names)
	require.Equal(t, []domain.StepState{domain.StepSucceeded, domain.StepSkipped, domain.StepSucceeded},
		[]domain.StepState{steps[0].State, steps[1].State, steps[2].State})
	require.Equal(t, "storage full", steps[1].Error)
	for _, s := range steps {
		require.NotNil(t, s.EndedAt, "step %q", s.Name)
		require.False(t, s.EndedAt.Before(s.StartedAt), "step %q", s.Name)
		require.Equal(t, 1, s.Attempts)
	}
	require.Equal(t, *steps[0].EndedAt, steps[1].StartedAt, "a step ends when the next starts")

	other, err := db.ListOperationSteps(ctx, id())
	require.NoError(t, err)
	require.Empty(t, other)
}
