package store_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
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

	byEvent, _, err := db.ListVMs(ctx, domain.VMFilter{EventID: &ev.ID})
	require.NoError(t, err)
	require.Len(t, byEvent, 1)
	ready, _, err := db.ListVMs(ctx, domain.VMFilter{OwnerID: &owner.ID, NodeID: &n.ID, State: domain.GuestReady})
	require.NoError(t, err)
	require.Len(t, ready, 1)
	page, next, err := db.ListVMs(ctx, domain.VMFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, vm.ID, page[0].ID)
	page, next, err = db.ListVMs(ctx, domain.VMFilter{Page: domain.Page{Limit: 1, Cursor: next}})
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

func TestCreateVMWithOwnerGrantsTheOwnerAndLetsTheCreatorRead(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner, admin := newUser(ctx, t, db), newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)

	vm := &domain.VM{Name: unique("vm"), OwnerID: owner.ID, TemplateID: tpl.ID, Cluster: "lab"}
	require.NoError(t, db.CreateVMWithOwner(ctx, vm, admin.ID))
	ref := domain.Ref(domain.ObjectVM, vm.ID)
	for _, k := range domain.OwnerKeys[domain.ObjectVM] {
		require.NoError(t, authorize(t, db, owner, ref, k))
	}
	require.NoError(t, authorize(t, db, admin, ref, domain.KeyRead))
	require.Error(t, authorize(t, db, admin, ref, domain.KeyUpdate))

	// A refused grant (to a creator who does not exist) leaves no VM behind.
	bad := &domain.VM{Name: unique("vm"), OwnerID: owner.ID, TemplateID: tpl.ID, Cluster: "lab"}
	require.Error(t, db.CreateVMWithOwner(ctx, bad, id()))
	all, _, err := db.ListVMs(ctx, domain.VMFilter{OwnerID: &owner.ID})
	require.NoError(t, err)
	require.Len(t, all, 1)
}

func TestRecordVMObservationKeepsTheFieldsItDoesNotName(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	vm := newVM(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000))
	ip := netip.MustParseAddr("10.0.0.7")

	require.NoError(t, db.RecordVMObservation(ctx, vm.ID, domain.VMObservation{State: domain.GuestReady, IPv4: &ip}))
	require.NoError(t, db.RecordVMObservation(ctx, vm.ID, domain.VMObservation{Power: domain.PowerRunning}))
	got, err := db.FindVM(ctx, vm.ID)
	require.NoError(t, err)
	require.Equal(t, domain.GuestReady, got.State)
	require.Equal(t, domain.PowerRunning, got.Power)
	require.Equal(t, ip, *got.IPv4)

	requireKind(t, db.RecordVMObservation(ctx, id(), domain.VMObservation{Power: domain.PowerStopped}), domain.KindNotFound, "")
	require.Equal(t, domain.KindInvalid, domain.KindOf(db.RecordVMObservation(ctx, vm.ID, domain.VMObservation{State: "sleeping"})))
}
