package store_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestVMRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	n := newNode(ctx, t, db, "lab")
	tpl := newTemplate(ctx, t, db, n, 9000)
	env := newEnvironment(ctx, t, db, owner, tpl)
	ev := newEvent(ctx, t, db, owner, env)

	vm := &domain.VM{Name: "web-1", OwnerID: owner.ID, EventID: &ev.ID, TemplateID: tpl.ID, Cluster: "lab", Linked: true}
	require.NoError(t, db.CreateVM(ctx, vm))
	require.Equal(t, domain.GuestPending, vm.State)
	require.Equal(t, domain.PowerUnknown, vm.Power)

	// The clone workflow reserves a VMID, places the VM and records what it saw.
	vmid, err := db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 100, Last: 199}, domain.ObjectVM, vm.ID)
	require.NoError(t, err)
	vm.VMID, vm.NodeID = &vmid, &n.ID
	vm.State, vm.Power, vm.IPv4 = domain.GuestReady, domain.PowerRunning, ptr(netip.MustParseAddr("10.0.0.5"))
	require.NoError(t, db.UpdateVM(ctx, vm))

	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, vmid, *got.VMID)
	require.Equal(t, n.ID, *got.NodeID)
	require.Equal(t, ev.ID, *got.EventID)
	require.Equal(t, netip.MustParseAddr("10.0.0.5"), *got.IPv4)
	require.Equal(t, domain.PowerRunning, got.Power)
	require.True(t, got.Linked)

	// A VMID that is not this VM's cannot be recorded.
	other := newVM(ctx, t, db, owner, tpl)
	other.VMID = &vmid
	requireKind(t, db.UpdateVM(ctx, other), domain.KindInvalid,
		`VMID `+itoa(vmid)+` in cluster "lab" is not allocated to VM `+other.ID.String())

	byEvent, _, err := db.ListVMs(ctx, store.VMFilter{EventID: &ev.ID})
	require.NoError(t, err)
	require.Len(t, byEvent, 1)
	ready, _, err := db.ListVMs(ctx, store.VMFilter{OwnerID: &owner.ID, NodeID: &n.ID, State: domain.GuestReady})
	require.NoError(t, err)
	require.Len(t, ready, 1)
	page, next, err := db.ListVMs(ctx, store.VMFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, vm.ID, page[0].ID)
	page, next, err = db.ListVMs(ctx, store.VMFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, other.ID, page[0].ID)
	require.Empty(t, next)

	requireKind(t, db.DeleteEvent(ctx, ev.ID), domain.KindConflict, "event "+ev.ID.String()+" still has VMs")

	// Deleting the VM frees its VMID.
	require.NoError(t, db.DeleteVM(ctx, vm.ID))
	requireKind(t, db.DeleteVM(ctx, vm.ID), domain.KindNotFound, "vm "+vm.ID.String()+" not found")
	again, err := db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 100, Last: 199}, domain.ObjectVM, other.ID)
	require.NoError(t, err)
	require.Equal(t, vmid, again)
}

func TestCreateVMWithUnknownReferencesIsInvalid(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	ghost := id()

	vm := &domain.VM{Name: "x", OwnerID: owner.ID, TemplateID: ghost, Cluster: "lab"}
	requireKind(t, db.CreateVM(ctx, vm), domain.KindInvalid, "template "+ghost.String()+" does not exist")
	vm = &domain.VM{Name: "Not A Label", OwnerID: owner.ID, TemplateID: ghost}
	requireKind(t, db.CreateVM(ctx, vm), domain.KindInvalid, "the request has invalid fields")
}
