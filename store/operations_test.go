package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestOperationLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)
	vmID := id()

	op := &domain.Operation{Kind: "clone_vm", TargetType: domain.ObjectVM, TargetID: vmID.String(),
		WorkflowID: "vm/" + vmID.String() + "/clone", RequestedBy: u.ID}
	require.NoError(t, db.CreateOperation(ctx, op))
	require.Equal(t, domain.OpPending, op.State)
	require.Nil(t, op.CompletedAt)

	dup := &domain.Operation{Kind: "clone_vm", WorkflowID: op.WorkflowID}
	requireKind(t, db.CreateOperation(ctx, dup), domain.KindConflict,
		`an operation of workflow "`+op.WorkflowID+`" is already in progress`)

	op.State, op.Step, op.RunID = domain.OpRunning, "clone", "run-1"
	require.NoError(t, db.UpdateOperationProgress(ctx, op))
	require.Nil(t, op.CompletedAt)

	op.State, op.Step, op.RunID = domain.OpCompleted, "done", ""
	op.Result = map[string]any{"vmid": float64(101)}
	require.NoError(t, db.UpdateOperationProgress(ctx, op))
	require.NotNil(t, op.CompletedAt)
	require.Equal(t, "run-1", op.RunID, "an empty run id keeps the stored one")

	got, err := db.FindOperation(ctx, op.ID)
	require.NoError(t, err)
	require.Equal(t, domain.OpCompleted, got.State)
	require.Equal(t, "done", got.Step)
	require.Equal(t, op.Result, got.Result)
	require.Equal(t, u.ID, got.RequestedBy)

	// A finished operation frees the workflow id for the next one.
	next := &domain.Operation{Kind: "clone_vm", WorkflowID: op.WorkflowID}
	require.NoError(t, db.CreateOperation(ctx, next))
	newest, err := db.FindOperationByWorkflowID(ctx, op.WorkflowID)
	require.NoError(t, err)
	require.Equal(t, next.ID, newest.ID)
	require.Equal(t, [16]byte{}, [16]byte(newest.RequestedBy), "no requester means the system")

	// Reopening the first one would give the workflow two unfinished operations.
	op.State = domain.OpRunning
	requireKind(t, db.UpdateOperationProgress(ctx, op), domain.KindConflict, "")

	_, err = db.FindOperationByWorkflowID(ctx, "vm/none/clone")
	requireKind(t, err, domain.KindNotFound, `operation of workflow "vm/none/clone" not found`)
	missing := &domain.Operation{ID: id(), State: domain.OpFailed}
	requireKind(t, db.UpdateOperationProgress(ctx, missing), domain.KindNotFound, "operation "+missing.ID.String()+" not found")
	bad := &domain.Operation{Kind: "x", WorkflowID: "w", State: "exploded"}
	requireKind(t, db.CreateOperation(ctx, bad), domain.KindInvalid, "the request has invalid fields")
}

func TestListOperationsNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)
	var ids []string
	for i := range 5 {
		op := &domain.Operation{Kind: "vm_action", TargetType: domain.ObjectVM, TargetID: unique("vm"),
			WorkflowID: unique("wf"), State: domain.OpRunning}
		if i%2 == 0 {
			op.RequestedBy = u.ID
			op.Kind = "delete_vm"
		}
		require.NoError(t, db.CreateOperation(ctx, op))
		ids = append([]string{op.ID.String()}, ids...)
	}

	var got []string
	cursor := ""
	for range 10 {
		page, next, err := db.ListOperations(ctx, domain.OperationFilter{Page: domain.Page{Limit: 2, Cursor: cursor}})
		require.NoError(t, err)
		for _, op := range page {
			got = append(got, op.ID.String())
		}
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, ids, got)

	mine, _, err := db.ListOperations(ctx, domain.OperationFilter{RequestedBy: &u.ID, Kind: "delete_vm", State: domain.OpRunning})
	require.NoError(t, err)
	require.Len(t, mine, 3)
	none, _, err := db.ListOperations(ctx, domain.OperationFilter{TargetType: domain.ObjectVM, TargetID: "other"})
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestOneUnfinishedOperationPerVM(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	vmID := id()
	vmOp := func(workflow string) *domain.Operation {
		return &domain.Operation{Kind: "vm." + workflow, TargetType: domain.ObjectVM, TargetID: vmID.String(),
			WorkflowID: "vm/" + vmID.String() + "/" + workflow}
	}
	action := vmOp("op")
	require.NoError(t, db.CreateOperation(ctx, action))
	requireKind(t, db.CreateOperation(ctx, vmOp("delete")), domain.KindConflict,
		"an operation on VM "+vmID.String()+" is already in progress")

	// Other VMs and other kinds of target are not affected.
	require.NoError(t, db.CreateOperation(ctx, &domain.Operation{Kind: "vm.op", TargetType: domain.ObjectVM,
		TargetID: id().String(), WorkflowID: "vm/other/op"}))
	for range 2 {
		require.NoError(t, db.CreateOperation(ctx, &domain.Operation{Kind: "system.diagnostics", TargetType: "system",
			TargetID: vmID.String(), WorkflowID: "diagnostics/" + id().String()}))
	}

	unfinished, _, err := db.ListOperations(ctx, domain.OperationFilter{TargetType: domain.ObjectVM, TargetID: vmID.String(), Unfinished: true})
	require.NoError(t, err)
	require.Len(t, unfinished, 1)
	require.Equal(t, action.ID, unfinished[0].ID)

	action.State = domain.OpCompleted
	require.NoError(t, db.UpdateOperationProgress(ctx, action))
	unfinished, _, err = db.ListOperations(ctx, domain.OperationFilter{TargetType: domain.ObjectVM, TargetID: vmID.String(), Unfinished: true})
	require.NoError(t, err)
	require.Empty(t, unfinished)
	require.NoError(t, db.CreateOperation(ctx, vmOp("delete")), "a finished operation frees the VM")
}
