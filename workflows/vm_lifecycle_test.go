package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// vmEnv is a test environment with the VM lifecycle activities registered
// and the operation record mocked; calls records the order of activity
// calls, states the reported operation states.
type vmEnv struct {
	*testsuite.TestWorkflowEnvironment
	mu     sync.Mutex
	calls  []string
	states []domain.OperationState
}

var (
	px *activities.Proxmox
	bk *activities.Bookkeeping
)

func newVMEnv(t *testing.T) *vmEnv {
	e := &vmEnv{TestWorkflowEnvironment: newTestEnv(t)}
	var ops *activities.Operations
	e.OnActivity(ops.RecordOperationProgress, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.OperationProgress) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.states = append(e.states, p.State)
			return nil
		}).Maybe()
	// The VM workflows run on core, as VMStartOptions start them; their
	// local activities run there too.
	e.SetStartWorkflowOptions(client.StartWorkflowOptions{TaskQueue: activities.QueueCore})
	return e
}

// record notes an activity call and checks it ran on queue.
func (e *vmEnv) record(t *testing.T, ctx context.Context, name, queue string) {
	require.Equal(t, queue, activity.GetInfo(ctx).TaskQueue, "activity %s runs on the wrong queue", name)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, name)
}

func (e *vmEnv) progress(t *testing.T) Progress {
	v, err := e.QueryWorkflow(QueryProgress)
	require.NoError(t, err)
	var p Progress
	require.NoError(t, v.Get(&p))
	return p
}

// signalAt sends an operator decision after d of workflow time.
func (e *vmEnv) signalAt(d time.Duration, action OperatorAction, check func()) {
	e.RegisterDelayedCallback(func() {
		if check != nil {
			check()
		}
		e.SignalWorkflow(OperatorSignal, OperatorDecision{Action: action, Reason: "test"})
	}, d)
}

var testPlan = activities.ClonePlan{
	Guest: activities.GuestRef{VM: uuid.MustParse("7d1f3a52-0f6e-4f7e-9a51-5b2c1d0e9f10"), Name: "web-1", Cluster: "lab",
		NodeID: uuid.MustParse("1e1f3a52-0f6e-4f7e-9a51-5b2c1d0e9f10"), Node: "pve1", VMID: 10000},
	Owner: uuid.MustParse("0a0a3a52-0f6e-4f7e-9a51-5b2c1d0e9f10"), SourceNode: "pve1", TemplateVMID: 9000,
	Storage: "local-lvm", Cores: 2, MemoryMB: 2048, NodeCap: 2,
}

// mockCloneHappyPath mocks every CloneVM activity to succeed, recording calls.
func (e *vmEnv) mockCloneHappyPath(t *testing.T) {
	e.OnActivity(bk.ReserveAndPlace, mock.Anything, testPlan.Guest.VM).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ClonePlan, error) {
			e.record(t, ctx, "ReserveAndPlace", activities.QueueCore)
			return testPlan, nil
		}).Maybe()
	e.OnActivity(bk.AcquireCloneSlot, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClonePlan) error {
		e.record(t, ctx, "AcquireCloneSlot", activities.QueueCore)
		return nil
	}).Maybe()
	e.OnActivity(bk.ReleaseCloneSlot, mock.Anything).Return(func(ctx context.Context) error {
		e.record(t, ctx, "ReleaseCloneSlot", activities.QueueCore)
		return nil
	}).Maybe()
	e.OnActivity(px.CloneGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClonePlan) error {
		e.record(t, ctx, "CloneGuest", activities.QueuePVEClone)
		return nil
	}).Maybe()
	e.OnActivity(px.CloneGuestInSlot, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClonePlan) error {
		e.record(t, ctx, "CloneGuestInSlot", activities.QueuePVEClone)
		return nil
	}).Maybe()
	e.OnActivity(px.ConfigureGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.GuestConfig) error {
		e.record(t, ctx, "ConfigureGuest", activities.QueuePVEActions)
		require.Equal(t, 2048, in.MemoryMB)
		return nil
	}).Maybe()
	e.OnActivity(px.EnsureBaseline, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.GuestRef) error {
		e.record(t, ctx, "EnsureBaseline", activities.QueuePVEActions)
		return nil
	}).Maybe()
	e.OnActivity(px.PowerGuest, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.PowerRequest) (domain.PowerState, error) {
			e.record(t, ctx, "PowerGuest:"+string(in.Action), activities.QueuePVEActions)
			if in.Action == activities.PowerStart || in.Action == activities.PowerReboot {
				return domain.PowerRunning, nil
			}
			return domain.PowerStopped, nil
		}).Maybe()
	e.OnActivity(px.GuestIPv4, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.GuestRef) (string, error) {
		e.record(t, ctx, "GuestIPv4", activities.QueuePVEActions)
		return "10.10.0.100", nil
	}).Maybe()
	e.OnActivity(bk.RecordVM, mock.Anything, mock.Anything).Return(func(ctx context.Context, u activities.VMUpdate) error {
		e.record(t, ctx, "RecordVM:"+string(u.State)+":"+string(u.Power)+":"+u.IPv4, activities.QueueCore)
		return nil
	}).Maybe()
	e.OnActivity(px.DeleteGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.GuestRef) error {
		e.record(t, ctx, "DeleteGuest", activities.QueuePVEClone)
		return nil
	}).Maybe()
	e.OnActivity(bk.ReleaseGuestVMID, mock.Anything, mock.Anything).Return(func(ctx context.Context, g activities.GuestRef) error {
		e.record(t, ctx, "ReleaseGuestVMID", activities.QueueCore)
		require.Equal(t, 10000, g.VMID)
		return nil
	}).Maybe()
	e.OnActivity(bk.LoadVM, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ uuid.UUID) (activities.VMTarget, error) {
		e.record(t, ctx, "LoadVM", activities.QueueCore)
		return activities.VMTarget{Guest: testPlan.Guest, Owner: testPlan.Owner, State: domain.GuestReady,
			Power: domain.PowerRunning, Placed: true}, nil
	}).Maybe()
	e.OnActivity(px.RollbackBaseline, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.RollbackRequest) error {
		e.record(t, ctx, "RollbackBaseline", activities.QueuePVEActions)
		require.True(t, in.Start, "a running VM is started again after the rollback")
		return nil
	}).Maybe()
}

func TestCloneVMClonesConfiguresStartsAndRecords(t *testing.T) {
	e := newVMEnv(t)
	e.mockCloneHappyPath(t)
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{OperationID: uuid.New(), VM: testPlan.Guest.VM, Start: true})
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var res CloneVMResult
	require.NoError(t, e.GetWorkflowResult(&res))
	require.Equal(t, CloneVMResult{Node: "pve1", VMID: 10000, Power: domain.PowerRunning, IPv4: "10.10.0.100"}, res)
	require.Equal(t, []string{"ReserveAndPlace", "CloneGuestInSlot", "ReleaseCloneSlot", "ConfigureGuest",
		"EnsureBaseline", "PowerGuest:start", "GuestIPv4", "RecordVM:ready:running:10.10.0.100"}, e.calls)
	require.Equal(t, domain.OpCompleted, e.states[len(e.states)-1])
	require.Equal(t, domain.OpCompleted, e.progress(t).State)
}

func TestCloneVMAbortDeletesTheGuestThenReleasesTheVMID(t *testing.T) {
	e := newVMEnv(t)
	e.OnActivity(px.CloneGuestInSlot, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ClonePlan) error {
		e.record(t, ctx, "CloneGuestInSlot", activities.QueuePVEClone)
		return temporal.NewNonRetryableApplicationError("clone failed: disk full", "TaskFailed", nil)
	})
	e.mockCloneHappyPath(t)
	e.signalAt(time.Minute, OperatorAbort, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "clone", p.Step)
		require.Contains(t, p.Error, "clone failed: disk full")
	})
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{VM: testPlan.Guest.VM})
	err := e.GetWorkflowError()
	require.Error(t, err)
	require.True(t, IsAborted(err), "error: %v", err)
	require.Equal(t, []string{"ReserveAndPlace", "CloneGuestInSlot", "ReleaseCloneSlot",
		"DeleteGuest", "ReleaseGuestVMID", "RecordVM:failed::"}, e.calls)
	require.Equal(t, domain.OpAborted, e.progress(t).State)
}

func TestCloneVMCancelledWhilePlacingUndoesTheStoredPlacement(t *testing.T) {
	e := newVMEnv(t)
	// The placement is stored, but the workflow is cancelled before it
	// sees the result.
	e.OnActivity(bk.ReserveAndPlace, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ClonePlan, error) {
			e.record(t, ctx, "ReserveAndPlace", activities.QueueCore)
			return testPlan, nil
		}).After(time.Hour)
	e.mockCloneHappyPath(t)
	e.RegisterDelayedCallback(e.CancelWorkflow, time.Minute)
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{VM: testPlan.Guest.VM})
	require.Error(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadVM", "DeleteGuest", "ReleaseGuestVMID", "RecordVM:failed::"}, withoutLate(e.calls))
}

// withoutLate drops the calls of activities whose result the workflow
// no longer waited for (a cancelled ReserveAndPlace still runs).
func withoutLate(calls []string) []string {
	var out []string
	for _, c := range calls {
		if c != "ReserveAndPlace" {
			out = append(out, c)
		}
	}
	return out
}

func TestOperatorRetryRunsTheStepAgainAndSkipIsRefusedWhereUnsafe(t *testing.T) {
	e := newVMEnv(t)
	attempts := 0
	e.OnActivity(px.ConfigureGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.GuestConfig) error {
		attempts++
		e.record(t, ctx, "ConfigureGuest", activities.QueuePVEActions)
		if attempts == 1 {
			return temporal.NewNonRetryableApplicationError("bad config", "Invalid", nil)
		}
		return nil
	})
	e.mockCloneHappyPath(t)
	e.signalAt(time.Minute, OperatorSkip, nil) // configure cannot be skipped: ignored
	e.signalAt(2*time.Minute, OperatorRetry, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State, "a refused skip keeps the workflow waiting")
		require.False(t, p.Skippable, "configure is reported as a step that may not be skipped")
	})
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{OperationID: uuid.New(), VM: testPlan.Guest.VM})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 2, attempts)
	require.Contains(t, e.states, domain.OpAwaitingOperator)
	require.Equal(t, domain.OpCompleted, e.progress(t).State)
}

func TestOperatorSkipPassesASkippableStep(t *testing.T) {
	e := newVMEnv(t)
	e.OnActivity(px.EnsureBaseline, mock.Anything, mock.Anything).Return(
		temporal.NewNonRetryableApplicationError("snapshot failed", "TaskFailed", nil)).Once()
	e.mockCloneHappyPath(t)
	e.signalAt(time.Minute, OperatorSkip, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "baseline snapshot", p.Step)
		require.True(t, p.Skippable, "the wait says the step may be skipped")
	})
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{VM: testPlan.Guest.VM})
	require.NoError(t, e.GetWorkflowError())
	require.NotContains(t, e.calls, "EnsureBaseline")
	require.Equal(t, "RecordVM:ready:stopped:", e.calls[len(e.calls)-1])
}

func TestSlotBusyIsRetriedUntilASlotFrees(t *testing.T) {
	e := newVMEnv(t)
	busy := 0
	e.OnActivity(bk.AcquireCloneSlot, mock.Anything, mock.Anything).Return(func(context.Context, activities.ClonePlan) error {
		busy++
		if busy < 5 {
			return temporal.NewApplicationError("all clone slots are taken", activities.ErrTypeSlotBusy)
		}
		return nil
	})
	e.mockCloneHappyPath(t)
	// Workflows started before clones waited for their own slot.
	e.OnGetVersion(changeCloneWaitsForSlot, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{VM: testPlan.Guest.VM})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 5, busy)
	require.Equal(t, []string{"ReserveAndPlace", "CloneGuest", "ReleaseCloneSlot", "ConfigureGuest", "EnsureBaseline",
		"RecordVM:ready:stopped:"}, e.calls)
	require.NotContains(t, e.states, domain.OpAwaitingOperator)
}

func TestVMActionPowerAndReset(t *testing.T) {
	for _, tc := range []struct {
		action VMActionKind
		calls  []string
		power  domain.PowerState
	}{
		{ActionStop, []string{"LoadVM", "PowerGuest:stop", "RecordVM::stopped:"}, domain.PowerStopped},
		{ActionReboot, []string{"LoadVM", "PowerGuest:reboot", "RecordVM::running:"}, domain.PowerRunning},
		{ActionReset, []string{"LoadVM", "RollbackBaseline", "RecordVM::running:"}, domain.PowerRunning},
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			e := newVMEnv(t)
			e.mockCloneHappyPath(t)
			e.ExecuteWorkflow(VMActionType.Name, VMActionInput{OperationID: uuid.New(), VM: testPlan.Guest.VM, Action: tc.action})
			require.NoError(t, e.GetWorkflowError())
			var res VMActionResult
			require.NoError(t, e.GetWorkflowResult(&res))
			require.Equal(t, tc.power, res.Power)
			require.Equal(t, tc.calls, e.calls)
		})
	}
}

func TestVMActionResetWithoutBaselineReclones(t *testing.T) {
	e := newVMEnv(t)
	e.OnActivity(px.RollbackBaseline, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.RollbackRequest) error {
		e.record(t, ctx, "RollbackBaseline", activities.QueuePVEActions)
		return temporal.NewNonRetryableApplicationError("no snapshot", activities.ErrTypeSnapshotMissing, nil)
	})
	e.mockCloneHappyPath(t)
	e.ExecuteWorkflow(VMActionType.Name, VMActionInput{OperationID: uuid.New(), VM: testPlan.Guest.VM, Action: ActionReset})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadVM", "RollbackBaseline", "ReserveAndPlace", "DeleteGuest", "CloneGuestInSlot",
		"ReleaseCloneSlot", "ConfigureGuest", "EnsureBaseline", "PowerGuest:start", "GuestIPv4",
		"RecordVM:ready:running:10.10.0.100"}, e.calls)
	require.NotContains(t, e.states, domain.OpAwaitingOperator)
}

func TestVMActionFailedStepWaitsAndAborts(t *testing.T) {
	e := newVMEnv(t)
	e.OnActivity(px.PowerGuest, mock.Anything, mock.Anything).Return(domain.PowerUnknown,
		temporal.NewNonRetryableApplicationError("VM 10000 not running", "Conflict", nil))
	e.mockCloneHappyPath(t)
	e.signalAt(time.Minute, OperatorAbort, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "reboot", p.Step)
		require.Contains(t, p.Error, "Conflict")
	})
	e.ExecuteWorkflow(VMActionType.Name, VMActionInput{VM: testPlan.Guest.VM, Action: ActionReboot})
	require.True(t, IsAborted(e.GetWorkflowError()))
	require.Equal(t, domain.OpAborted, e.progress(t).State)
}

func TestDeleteVMDeletesThenReleasesThenMarksDeleted(t *testing.T) {
	e := newVMEnv(t)
	e.mockCloneHappyPath(t)
	e.ExecuteWorkflow(DeleteVMType.Name, DeleteVMInput{OperationID: uuid.New(), VM: testPlan.Guest.VM})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadVM", "RecordVM:deleting::", "DeleteGuest", "ReleaseGuestVMID", "RecordVM:deleted:stopped:"}, e.calls)
}

func TestVMWorkflowIDsAndRunningWorkflow(t *testing.T) {
	id := uuid.MustParse("0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00")
	require.Equal(t, "vm/0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00/clone", CloneVMWorkflowID(id))
	require.Equal(t, "vm/0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00/op", VMActionWorkflowID(id))
	require.Equal(t, "vm/0b0e3e6a-6f0e-4a43-9d4e-3f2a7d1c0f00/delete", DeleteVMWorkflowID(id))

	opts := VMStartOptions(VMActionType, VMActionWorkflowID(id), id)
	require.True(t, opts.WorkflowExecutionErrorWhenAlreadyStarted)
	require.Equal(t, activities.QueueCore, opts.TaskQueue)

	runID, ok := RunningWorkflow(serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "req", "run-1"))
	require.True(t, ok)
	require.Equal(t, "run-1", runID)
	_, ok = RunningWorkflow(serviceerror.NewNotFound("nope"))
	require.False(t, ok)
}
