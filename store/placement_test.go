package store_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// onlineNode registers an online node of cluster with freeGiB of 64 GiB free.
func onlineNode(t *testing.T, db *store.DB, cluster string, freeGiB int64) *domain.Node {
	t.Helper()
	ctx := testContext(t)
	n := newNode(ctx, t, db, cluster)
	n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 64<<30, (64-freeGiB)<<30
	require.NoError(t, db.UpdateNodeStatus(ctx, n))
	return n
}

func TestPlaceVMStoresTheVMIDNodeAndStateOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	cluster := unique("c")
	small, big := onlineNode(t, db, cluster, 4), onlineNode(t, db, cluster, 30)
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, small, 9000)
	vm := newVM(ctx, t, db, owner, tpl) // a full clone of 2048 MiB
	vmids := domain.VMIDRange{First: 100, Last: 199}

	p, err := db.PlaceVM(ctx, vm.ID, vmids)
	require.NoError(t, err)
	require.Equal(t, big.ID, p.Target.ID, "the node with the most free memory")
	require.Equal(t, small.ID, p.Source.ID, "the template's node")
	require.Equal(t, 100, p.VMID)
	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.GuestProvisioning, got.State)
	require.Equal(t, big.ID, *got.NodeID)
	require.Equal(t, 100, *got.VMID)

	// Placed again (a retried activity), it keeps its VMID and node even
	// where the other node now has more room.
	big.UsedMemoryBytes = 63 << 30
	require.NoError(t, db.UpdateNodeStatus(ctx, big))
	again, err := db.PlaceVM(ctx, vm.ID, vmids)
	require.NoError(t, err)
	require.Equal(t, big.ID, again.Target.ID)
	require.Equal(t, 100, again.VMID)

	// The VM being provisioned counts against its node for the next one.
	next := newVM(ctx, t, db, owner, tpl)
	p2, err := db.PlaceVM(ctx, next.ID, vmids)
	require.NoError(t, err)
	require.Equal(t, small.ID, p2.Target.ID, "1 GiB free less the 2 GiB provisioning is less than the small node's 4 GiB")
	require.Equal(t, 101, p2.VMID)
}

func TestPlaceVMWithoutRoomReservesNothing(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := onlineNode(t, db, unique("c"), 1)
	owner := newUser(ctx, t, db)
	vm := newVM(ctx, t, db, owner, newTemplate(ctx, t, db, n, 9000))

	_, err := db.PlaceVM(ctx, vm.ID, domain.VMIDRange{First: 100, Last: 199})
	require.True(t, errors.Is(err, domain.ErrNoCapacity), "got %v", err)
	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Nil(t, got.VMID)
	require.Equal(t, domain.GuestPending, got.State)
	// The VMID a failed placement looked at is still free.
	free, err := db.AllocateVMID(ctx, n.Cluster, domain.VMIDRange{First: 100, Last: 199}, domain.ObjectVM, id())
	require.NoError(t, err)
	require.Equal(t, 100, free)
}

func TestConcurrentPlacementsNeverOverbookANode(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := onlineNode(t, db, unique("c"), 10) // room for five 2 GiB VMs
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, n, 9000)
	vms := make([]*domain.VM, 8)
	for i := range vms {
		vms[i] = newVM(ctx, t, db, owner, tpl)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(vms))
	for i, vm := range vms {
		wg.Go(func() { _, errs[i] = db.PlaceVM(ctx, vm.ID, domain.VMIDRange{First: 100, Last: 199}) })
	}
	wg.Wait()
	placed := 0
	for _, err := range errs {
		if err == nil {
			placed++
			continue
		}
		require.True(t, errors.Is(err, domain.ErrNoCapacity), "got %v", err)
	}
	require.Equal(t, 5, placed)
}

// A linked clone of a template with a copy on another node lands on the
// roomier of the two, cloned from the copy there; a missing copy is no
// alternative.
func TestPlaceVMSpreadsLinkedClonesOverTheTemplatesCopies(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	cluster := unique("c")
	small, big, gone := onlineNode(t, db, cluster, 4), onlineNode(t, db, cluster, 30), onlineNode(t, db, cluster, 60)
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, small, 9000)
	cp := *tpl
	cp.ID, cp.NodeID, cp.VMID = [16]byte{}, big.ID, 9001
	require.NoError(t, db.UpsertTemplate(ctx, &cp))
	lost := *tpl
	lost.ID, lost.NodeID, lost.VMID, lost.Status = [16]byte{}, gone.ID, 9002, domain.TemplateMissing
	require.NoError(t, db.UpsertTemplate(ctx, &lost))
	vm := newVM(ctx, t, db, owner, tpl)
	vm.Linked = true
	require.NoError(t, db.UpdateVM(ctx, vm))

	p, err := db.PlaceVM(ctx, vm.ID, domain.VMIDRange{First: 100, Last: 199})
	require.NoError(t, err)
	require.Equal(t, big.ID, p.Target.ID, "the roomier node holding a copy, not the roomiest node")
	require.Equal(t, big.ID, p.Source.ID)
	require.Equal(t, 9001, p.Template.VMID, "cloned from the copy on its node")
}

// TestPlaceVMsCountsEachAgainstTheNextAndFailsOneAtATime places VMs
// together: each counts against the node for the ones after it, one
// without room or unknown fails alone and reserves nothing, and one
// already placed keeps its VMID and node.
func TestPlaceVMsCountsEachAgainstTheNextAndFailsOneAtATime(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := onlineNode(t, db, unique("c"), 5) // room for two 2 GiB VMs
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, n, 9000)
	vmids := domain.VMIDRange{First: 100, Last: 199}
	first := newVM(ctx, t, db, owner, tpl)
	p, err := db.PlaceVM(ctx, first.ID, vmids)
	require.NoError(t, err)
	a, b := newVM(ctx, t, db, owner, tpl), newVM(ctx, t, db, owner, tpl)

	out, err := db.PlaceVMs(ctx, []uuid.UUID{a.ID, id(), first.ID, b.ID}, vmids)
	require.NoError(t, err)
	require.Len(t, out, 4)
	require.NoError(t, out[0].Err)
	require.Equal(t, 101, out[0].Placement.VMID)
	require.Equal(t, domain.GuestProvisioning, out[0].Placement.VM.State)
	require.Equal(t, domain.KindNotFound, domain.KindOf(out[1].Err), "got %v", out[1].Err)
	require.NoError(t, out[2].Err, "the VM placed before keeps its place")
	require.Equal(t, p.VMID, out[2].Placement.VMID)
	require.True(t, errors.Is(out[3].Err, domain.ErrNoCapacity), "the first two fill the node: %v", out[3].Err)
	got, err := db.FindVM(ctx, b.ID)
	require.NoError(t, err)
	require.Nil(t, got.VMID, "the VM without room holds no VMID")
	require.Equal(t, domain.GuestPending, got.State)
	got, err = db.FindVM(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, 101, *got.VMID)
	require.Equal(t, n.ID, *got.NodeID)
}
