//go:build record

package workflows

// Recording the histories replayed by TestReplayRecordedHistories needs the
// embedded Temporal server, so it is behind the "record" build tag:
//
//	go test -tags record -run TestRecordHistories -count=1 ./workflows/
//
// Record again (and keep the old files as new test cases, or use
// workflow.GetVersion) whenever a workflow change alters its history.

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// fakeProxmox answers the VM lifecycle activities without Proxmox; its
// methods carry the real activities' names and signatures.
type fakeProxmox struct{ rollbacks atomic.Int32 }

// abortedVM's clone fails, so that the operator aborts it.
var abortedVM = uuid.MustParse("33333333-3333-4333-8333-333333333333")

func (*fakeProxmox) ReserveAndPlace(_ context.Context, vm uuid.UUID) (activities.ClonePlan, error) {
	plan := testPlan
	plan.Guest.VM = vm
	return plan, nil
}
func (*fakeProxmox) AcquireCloneSlot(context.Context, activities.ClonePlan) error { return nil }
func (*fakeProxmox) ReleaseCloneSlot(context.Context) error                       { return nil }
func (f *fakeProxmox) CloneGuestInSlot(ctx context.Context, plan activities.ClonePlan) error {
	return f.CloneGuest(ctx, plan)
}
func (*fakeProxmox) CloneGuest(_ context.Context, plan activities.ClonePlan) error {
	if plan.Guest.VM == abortedVM {
		return temporal.NewNonRetryableApplicationError("clone failed", "TaskFailed", nil)
	}
	return nil
}
func (*fakeProxmox) ConfigureGuest(context.Context, activities.GuestConfig) error { return nil }
func (*fakeProxmox) EnsureBaseline(context.Context, activities.GuestRef) error    { return nil }
func (*fakeProxmox) PowerGuest(_ context.Context, in activities.PowerRequest) (domain.PowerState, error) {
	return domain.PowerRunning, nil
}
func (*fakeProxmox) GuestIPv4(context.Context, activities.GuestRef) (string, error) {
	return "10.10.0.100", nil
}
func (*fakeProxmox) RecordVM(context.Context, activities.VMUpdate) error { return nil }
func (*fakeProxmox) LoadVM(context.Context, uuid.UUID) (activities.VMTarget, error) {
	return activities.VMTarget{Guest: testPlan.Guest, Owner: testPlan.Owner, State: domain.GuestReady,
		Power: domain.PowerRunning, Placed: true}, nil
}
func (f *fakeProxmox) RollbackBaseline(context.Context, activities.RollbackRequest) error {
	if f.rollbacks.Add(1) == 1 {
		return temporal.NewNonRetryableApplicationError("rollback failed", "TaskFailed", nil)
	}
	return nil
}
func (*fakeProxmox) DeleteGuest(context.Context, activities.GuestRef) error      { return nil }
func (*fakeProxmox) ReleaseGuestVMID(context.Context, activities.GuestRef) error { return nil }

type fakeOperations struct{}

func (*fakeOperations) RecordOperationProgress(context.Context, activities.OperationProgress) error {
	return nil
}

func TestRecordHistories(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	require.NoError(t, temporalx.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace()))
	fake := &fakeProxmox{}
	for _, q := range []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions} {
		ts.NewWorker(q, func(r worker.Registry) {
			require.NoError(t, Register(r, q, testTuning()))
			r.RegisterActivity(fake)
			r.RegisterActivity(&fakeOperations{})
		})
	}
	vmID := testPlan.Guest.VM

	run, err := c.ExecuteWorkflow(ctx, VMStartOptions(CloneVMType, CloneVMWorkflowID(vmID), vmID), CloneVMType.Name,
		CloneVMInput{OperationID: uuid.MustParse("11111111-1111-4111-8111-111111111111"), VM: vmID, Start: true})
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "clone_vm.json")
	desc, err := c.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	for key, want := range map[temporal.SearchAttributeKeyKeyword]string{
		temporalx.KeyVMID: vmID.String(), temporalx.KeyNode: "pve1", temporalx.KeyState: StateValue(domain.OpCompleted),
	} {
		got, ok := desc.TypedSearchAttributes.GetKeyword(key)
		require.True(t, ok, key.GetName())
		require.Equal(t, want, got, key.GetName())
	}
	_, ownerSet := desc.TypedSearchAttributes.GetKeyword(temporalx.KeyOwner)
	require.False(t, ownerSet, "LabforgeOwner is the requester, which the API sets when it starts the workflow")

	run, err = c.ExecuteWorkflow(ctx, VMStartOptions(VMActionType, VMActionWorkflowID(vmID), vmID), VMActionType.Name,
		VMActionInput{OperationID: uuid.MustParse("22222222-2222-4222-8222-222222222222"), VM: vmID, Action: ActionReset})
	require.NoError(t, err)
	_, err = c.ExecuteWorkflow(ctx, VMStartOptions(VMActionType, VMActionWorkflowID(vmID), vmID), VMActionType.Name,
		VMActionInput{VM: vmID, Action: ActionStop})
	runID, ok := RunningWorkflow(err)
	require.True(t, ok, "a second operation on the VM conflicts: %v", err)
	require.Equal(t, run.GetRunID(), runID)
	awaitOperator(ctx, t, c, run)
	require.NoError(t, c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), OperatorSignal, OperatorDecision{Action: OperatorRetry}))
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "vm_action_reset_operator_retry.json")

	run, err = c.ExecuteWorkflow(ctx, VMStartOptions(DeleteVMType, DeleteVMWorkflowID(vmID), vmID), DeleteVMType.Name,
		DeleteVMInput{OperationID: uuid.MustParse("44444444-4444-4444-8444-444444444444"), VM: vmID})
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "delete_vm.json")

	run, err = c.ExecuteWorkflow(ctx, VMStartOptions(CloneVMType, CloneVMWorkflowID(abortedVM), abortedVM), CloneVMType.Name,
		CloneVMInput{OperationID: uuid.MustParse("55555555-5555-4555-8555-555555555555"), VM: abortedVM})
	require.NoError(t, err)
	awaitOperator(ctx, t, c, run)
	require.NoError(t, c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), OperatorSignal, OperatorDecision{Action: OperatorAbort}))
	require.True(t, IsAborted(run.Get(ctx, nil)))
	save(ctx, t, c, run, "clone_vm_aborted_compensated.json")
}

// awaitOperator waits until the run reports AwaitingOperator.
func awaitOperator(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun) {
	t.Helper()
	require.Eventually(t, func() bool {
		v, err := c.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), QueryProgress)
		var p Progress
		return err == nil && v.Get(&p) == nil && p.State == domain.OpAwaitingOperator
	}, 30*time.Second, 50*time.Millisecond)
}

// save writes a run's history as JSON under testdata.
func save(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun, name string) {
	t.Helper()
	var h history.History
	it := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(&h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("testdata", name), b, 0o644))
}
