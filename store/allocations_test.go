package store_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestConcurrentAllocateVMIDGivesDistinctVMIDs(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := newNode(ctx, t, db, "lab")
	newTemplate(ctx, t, db, n, 102) // a template's VMID is never handed out

	const workers = 20
	r := domain.VMIDRange{First: 100, Last: 100 + workers}
	got := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { got[i], errs[i] = db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, uuid.New()) })
	}
	wg.Wait()

	seen := map[int]bool{}
	for i := range workers {
		require.NoError(t, errs[i])
		require.False(t, seen[got[i]], "VMID %d handed out twice", got[i])
		require.NotEqual(t, 102, got[i])
		require.True(t, got[i] >= r.First && got[i] <= r.Last)
		seen[got[i]] = true
	}

	_, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, uuid.New())
	requireKind(t, err, domain.KindConflict, `no free VMID left in 100-120 in cluster "lab"`)
	other, err := db.AllocateVMID(ctx, "other", r, domain.ObjectVM, uuid.New())
	require.NoError(t, err)
	require.Equal(t, 100, other, "clusters have separate VMID spaces")
}

func TestAllocateVMIDIsIdempotentAndReleasable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	vm := newVM(ctx, t, db, owner, tpl)
	r := domain.VMIDRange{First: 100, Last: 199}

	first, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, vm.ID)
	require.NoError(t, err)
	again, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, vm.ID)
	require.NoError(t, err)
	require.Equal(t, first, again, "a retried allocation returns the VMID the owner holds")

	vm.VMID = &first
	require.NoError(t, db.UpdateVM(ctx, vm))
	require.NoError(t, db.ReleaseVMID(ctx, "lab", first))
	require.NoError(t, db.ReleaseVMID(ctx, "lab", first), "releasing a free VMID is a no-op")
	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Nil(t, got.VMID, "releasing a VMID clears it from its VM")

	_, err = db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 10, Last: 5}, domain.ObjectVM, vm.ID)
	requireKind(t, err, domain.KindInvalid, "the request has invalid fields")
	_, err = db.AllocateVMID(ctx, "lab", r, "", vm.ID)
	requireKind(t, err, domain.KindInvalid, "the request has invalid fields")
}

func TestVMIDAllocationKeysForbidDoubleAllocation(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := uuid.New()
	_, err := db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 500, Last: 500}, domain.ObjectVM, owner)
	require.NoError(t, err)

	// Even a statement that bypasses the allocator cannot take it twice.
	_, err = db.Pool().Exec(ctx, `INSERT INTO vmid_allocations (cluster, vmid, owner_type, owner_id) VALUES ('lab', 500, 'vm', $1)`, uuid.New())
	require.Error(t, err)
	_, err = db.Pool().Exec(ctx, `INSERT INTO vmid_allocations (cluster, vmid, owner_type, owner_id) VALUES ('lab', 501, 'vm', $1)`, owner)
	require.Error(t, err, "an owner holds one VMID per cluster")
}

func TestAForeignVMIDIsTakenFromItsVMAndNeverHandedOut(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	vm := newVM(ctx, t, db, owner, tpl)
	r := domain.VMIDRange{First: 100, Last: 199}

	first, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, vm.ID)
	require.NoError(t, err)
	vm.VMID = &first
	require.NoError(t, db.UpdateVM(ctx, vm))

	// Another guest turns out to hold it: the VM loses it, nobody gets it.
	require.NoError(t, db.MarkVMIDForeign(ctx, "lab", first))
	require.NoError(t, db.MarkVMIDForeign(ctx, "lab", first), "marking again changes nothing")
	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Nil(t, got.VMID)
	next, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, vm.ID)
	require.NoError(t, err)
	require.NotEqual(t, first, next, "a foreign VMID is not handed out")

	// A VMID nobody held is marked too, and skipped.
	require.NoError(t, db.MarkVMIDForeign(ctx, "lab", next+1))
	other, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, uuid.New())
	require.NoError(t, err)
	require.NotEqual(t, next+1, other)

	// An operator's release frees it again.
	require.NoError(t, db.ReleaseVMID(ctx, "lab", first))
	reused, err := db.AllocateVMID(ctx, "lab", r, domain.ObjectVM, uuid.New())
	require.NoError(t, err)
	require.Equal(t, first, reused)
}
