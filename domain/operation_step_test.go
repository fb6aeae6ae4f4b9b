package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// history applies reports in order, a second apart, as the store does.
func history(t *testing.T, reports ...domain.StepReport) []domain.OperationStep {
	t.Helper()
	var steps []domain.OperationStep
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, r := range reports {
		now = now.Add(time.Second)
		var last *domain.OperationStep
		if len(steps) > 0 {
			last = &steps[len(steps)-1]
		}
		changed, opened := domain.ApplyStepReport(last, r, now)
		if changed != nil {
			steps[len(steps)-1] = *changed
		}
		if opened != nil {
			steps = append(steps, *opened)
		}
		// Applying a report again changes nothing (activities retry).
		last = nil
		if len(steps) > 0 {
			last = &steps[len(steps)-1]
		}
		changed, opened = domain.ApplyStepReport(last, r, now.Add(time.Millisecond))
		require.Nil(t, changed, "report %+v applied twice", r)
		require.Nil(t, opened, "report %+v applied twice", r)
	}
	return steps
}

type stepView struct {
	Name     string
	State    domain.StepState
	Error    string
	Attempts int
	Ended    bool
}

func view(steps []domain.OperationStep) []stepView {
	out := make([]stepView, len(steps))
	for i, s := range steps {
		out[i] = stepView{s.Name, s.State, s.Error, s.Attempts, s.EndedAt != nil}
	}
	return out
}

func running(step string) domain.StepReport {
	return domain.StepReport{State: domain.OpRunning, Step: step}
}

func TestStepHistoryOfACompletedOperation(t *testing.T) {
	t.Parallel()
	steps := history(t,
		domain.StepReport{State: domain.OpPending},
		running("clone"), running("configure"),
		domain.StepReport{State: domain.OpCompleted, Step: "done"})
	require.Equal(t, []stepView{
		{"clone", domain.StepSucceeded, "", 1, true},
		{"configure", domain.StepSucceeded, "", 1, true},
	}, view(steps))
	require.Equal(t, time.Date(2026, 1, 1, 9, 0, 3, 0, time.UTC), *steps[0].EndedAt,
		"a step ends when the next one starts")
}

func TestStepHistoryCountsAnOperatorsRetries(t *testing.T) {
	t.Parallel()
	awaiting := domain.StepReport{State: domain.OpAwaitingOperator, Step: "start", Error: `step "start" failed: node down`}
	steps := history(t, running("start"), awaiting, running("start"), awaiting, running("start"), running("wait for IP"))
	require.Equal(t, []stepView{
		{"start", domain.StepSucceeded, "", 3, true},
		{"wait for IP", domain.StepRunning, "", 1, false},
	}, view(steps))
}

func TestStepHistoryShowsSkippedAndAbortedSteps(t *testing.T) {
	t.Parallel()
	steps := history(t,
		running("baseline snapshot"),
		domain.StepReport{State: domain.OpAwaitingOperator, Step: "baseline snapshot", Error: "snapshot failed"},
		running("start"),
		domain.StepReport{State: domain.OpAwaitingOperator, Step: "start", Error: "start failed"},
		domain.StepReport{State: domain.OpAborted, Step: "compensated", Error: "aborted by the operator"})
	require.Equal(t, []stepView{
		{"baseline snapshot", domain.StepSkipped, "snapshot failed", 1, true},
		{"start", domain.StepAborted, "start failed", 1, true},
		{"compensated", domain.StepAborted, "aborted by the operator", 1, true},
	}, view(steps))
}

func TestStepHistoryOfAFailure(t *testing.T) {
	t.Parallel()
	t.Run("a running step is failed by a failure reported under another name", func(t *testing.T) {
		t.Parallel()
		steps := history(t, running("clone"),
			domain.StepReport{State: domain.OpFailed, Step: "compensated", Error: "no capacity"})
		require.Equal(t, []stepView{
			{"clone", domain.StepFailed, "", 1, true},
			{"compensated", domain.StepFailed, "no capacity", 1, true},
		}, view(steps))
	})
	t.Run("a workflow terminated while its step waited ends that step", func(t *testing.T) {
		t.Parallel()
		steps := history(t, running("destroy"),
			domain.StepReport{State: domain.OpAwaitingOperator, Step: "destroy", Error: "node down"},
			domain.StepReport{State: domain.OpAborted, Step: "destroy", Error: "the workflow was terminated by an operator"})
		require.Equal(t, []stepView{
			{"destroy", domain.StepAborted, "the workflow was terminated by an operator", 1, true},
		}, view(steps))
	})
}
