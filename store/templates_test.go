package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestUpsertTemplateByClusterAndVMID(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := newNode(ctx, t, db, "lab")

	first := newTemplate(ctx, t, db, n, 9000)
	require.False(t, first.SyncedAt.IsZero())

	// Inventory sync finds the same template again with new settings.
	seen := &domain.VMTemplate{NodeID: n.ID, Cluster: "lab", VMID: 9000, Kind: domain.GuestQEMU, Name: "debian-13",
		Cores: 4, MemoryMB: 4096, DiskGB: 32, Status: "stopped"}
	require.NoError(t, db.UpsertTemplate(ctx, seen))
	require.Equal(t, first.ID, seen.ID, "a known template keeps its id")
	require.True(t, first.CreatedAt.Equal(seen.CreatedAt))

	got, err := db.FindTemplateByVMID(ctx, "lab", 9000)
	require.NoError(t, err)
	require.Equal(t, "debian-13", got.Name)
	require.Equal(t, 4, got.Cores)

	lxc := &domain.VMTemplate{NodeID: n.ID, Cluster: "lab", VMID: 9001, Kind: domain.GuestLXC, Name: "alpine"}
	require.NoError(t, db.UpsertTemplate(ctx, lxc))
	qemu, _, err := db.ListTemplates(ctx, domain.TemplateFilter{Cluster: "lab", Kind: domain.GuestQEMU})
	require.NoError(t, err)
	require.Len(t, qemu, 1)
	page, next, err := db.ListTemplates(ctx, domain.TemplateFilter{NodeID: &n.ID, Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, 9000, page[0].VMID)
	page, _, err = db.ListTemplates(ctx, domain.TemplateFilter{NodeID: &n.ID, Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, 9001, page[0].VMID)

	wrong := &domain.VMTemplate{NodeID: n.ID, Cluster: "elsewhere", VMID: 9002, Kind: domain.GuestQEMU, Name: "x"}
	requireKind(t, db.UpsertTemplate(ctx, wrong), domain.KindInvalid,
		"node "+n.ID.String()+` does not exist in cluster "elsewhere"`)
	_, err = db.FindTemplateByVMID(ctx, "lab", 4242)
	requireKind(t, err, domain.KindNotFound, `template with VMID 4242 in cluster "lab" not found`)

	require.NoError(t, db.DeleteTemplate(ctx, lxc.ID))
	_, err = db.FindTemplate(ctx, lxc.ID)
	requireKind(t, err, domain.KindNotFound, "template "+lxc.ID.String()+" not found")
}

func TestDeleteTemplateUsedByVMsIsConflict(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	newVM(ctx, t, db, newUser(ctx, t, db), tpl)

	requireKind(t, db.DeleteTemplate(ctx, tpl.ID), domain.KindConflict, "template "+tpl.ID.String()+" is still used by VMs")
}
