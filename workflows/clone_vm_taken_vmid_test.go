package workflows

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// TestCloneVMStepsOverAVMIDTakenOutsideLabforge: the clone finds its VMID
// held by a guest Labforge does not own. The VMID is marked taken, the VM
// placed anew with another, and the clone goes on there, without the
// operator and without touching the other guest.
func TestCloneVMStepsOverAVMIDTakenOutsideLabforge(t *testing.T) {
	e := newVMEnv(t)
	moved := testPlan
	moved.Guest.VMID = 10001
	placements := 0
	e.OnActivity(bk.ReserveAndPlace, mock.Anything, testPlan.Guest.VM).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ClonePlan, error) {
			e.record(t, ctx, "ReserveAndPlace", activities.QueueCore)
			placements++
			if placements == 1 {
				return testPlan, nil
			}
			return moved, nil
		})
	e.OnActivity(px.CloneGuestInSlot, mock.Anything, mock.Anything).Return(func(ctx context.Context, p activities.ClonePlan) error {
		e.record(t, ctx, "CloneGuestInSlot:"+itoa(p.Guest.VMID), activities.QueuePVEClone)
		if p.Guest.VMID == 10000 {
			return temporal.NewNonRetryableApplicationError(
				"close (rename) atomic file '/etc/pve/nodes/pve2/qemu-server/10000.conf' failed: File exists",
				string(proxmox.AlreadyExists), nil)
		}
		return nil
	})
	e.OnActivity(bk.MarkVMIDTaken, mock.Anything, mock.Anything).Return(func(ctx context.Context, g activities.GuestRef) error {
		e.record(t, ctx, "MarkVMIDTaken:"+itoa(g.VMID), activities.QueueCore)
		return nil
	})
	e.mockCloneHappyPath(t)

	e.ExecuteWorkflow(CloneVMType.Name, CloneVMInput{OperationID: uuid.New(), VM: testPlan.Guest.VM})
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var res CloneVMResult
	require.NoError(t, e.GetWorkflowResult(&res))
	require.Equal(t, 10001, res.VMID)
	require.Equal(t, []string{"ReserveAndPlace", "CloneGuestInSlot:10000", "ReleaseCloneSlot", "MarkVMIDTaken:10000",
		"ReserveAndPlace", "CloneGuestInSlot:10001", "ReleaseCloneSlot", "ConfigureGuest", "EnsureBaseline",
		"RecordVM:ready:stopped:"}, e.calls)
	require.NotContains(t, e.calls, "DeleteGuest", "a guest Labforge does not own is never deleted")
	require.NotContains(t, e.states, domain.OpAwaitingOperator)
}

func itoa(n int) string { return fmt.Sprint(n) }
