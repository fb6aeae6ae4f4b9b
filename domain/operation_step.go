package domain

import "time"

// StepState is where one step of an operation stands.
type StepState string

// Step states. A step awaiting an operator ends skipped when the operator
// skips it and aborted when the operator aborts the operation.
const (
	StepRunning          StepState = "running"
	StepAwaitingOperator StepState = "awaiting_operator"
	StepSucceeded        StepState = "succeeded"
	StepFailed           StepState = "failed"
	StepSkipped          StepState = "skipped"
	StepAborted          StepState = "aborted"
)

// Ended reports whether the step is over.
func (s StepState) Ended() bool {
	return s == StepSucceeded || s == StepFailed || s == StepSkipped || s == StepAborted
}

// OperationStep is one step an operation went through, as its workflow
// reported it. A step the operator retried keeps one entry, with Attempts
// counting its runs.
type OperationStep struct {
	Name      string     `json:"name"`
	State     StepState  `json:"state"`
	Error     string     `json:"error,omitempty"`
	Attempts  int        `json:"attempts"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

// StepReport is one progress report of an operation's workflow: the
// operation's new state, the step it names and the error it gives.
type StepReport struct {
	State OperationState
	Step  string
	Error string
}

// ApplyStepReport works out how report r, made at now, changes an
// operation's step history whose last entry is last (nil when empty). It
// returns last as changed (nil when unchanged) and the entry r opens (nil
// when none), so that applying the same report twice changes nothing:
//
//   - a report naming the last step updates it: an operator's retry (a
//     step awaiting the operator running again) counts one more attempt;
//   - a report naming another step ends the last one, if open: succeeded
//     when it was running, skipped when it awaited the operator, and
//     failed or aborted when the operation ends so;
//   - every other report opens an entry for its step, except the one that
//     completes the operation, which names no work of its own ("done").
//
// A report without a step (an operation not started yet) changes nothing.
func ApplyStepReport(last *OperationStep, r StepReport, now time.Time) (changed, opened *OperationStep) {
	if r.Step == "" {
		return nil, nil
	}
	state := stepStateOf(r.State)
	if last != nil && last.Name == r.Step {
		c := *last
		if c.State == StepAwaitingOperator && state == StepRunning {
			c.Attempts++
		}
		c.State, c.Error = state, r.Error
		c.EndedAt = endOf(state, last.EndedAt, now)
		if sameStep(&c, last) {
			return nil, nil
		}
		return &c, nil
	}
	if last != nil && last.EndedAt == nil {
		c := *last
		c.State = endedBy(last.State, state)
		c.EndedAt = &now
		changed = &c
	}
	if r.State == OpCompleted {
		return changed, nil
	}
	return changed, &OperationStep{Name: r.Step, State: state, Error: r.Error, Attempts: 1,
		StartedAt: now, EndedAt: endOf(state, nil, now)}
}

// stepStateOf is the state of the step an operation in state s reports.
func stepStateOf(s OperationState) StepState {
	switch s {
	case OpAwaitingOperator:
		return StepAwaitingOperator
	case OpCompleted:
		return StepSucceeded
	case OpFailed:
		return StepFailed
	case OpAborted:
		return StepAborted
	default:
		return StepRunning
	}
}

// endedBy is how an open step in state was ends when the operation moves
// on to another step in state next.
func endedBy(was, next StepState) StepState {
	switch {
	case was == StepAwaitingOperator && (next == StepFailed || next == StepAborted):
		return StepAborted
	case was == StepAwaitingOperator:
		return StepSkipped
	case next == StepFailed || next == StepAborted:
		return next
	default:
		return StepSucceeded
	}
}

// endOf is a step's end time in state: the earlier end, or now, once it
// has ended; none while it runs.
func endOf(state StepState, ended *time.Time, now time.Time) *time.Time {
	switch {
	case !state.Ended():
		return nil
	case ended != nil:
		return ended
	default:
		return &now
	}
}

func sameStep(a, b *OperationStep) bool {
	return a.State == b.State && a.Error == b.Error && a.Attempts == b.Attempts &&
		(a.EndedAt == nil) == (b.EndedAt == nil)
}
