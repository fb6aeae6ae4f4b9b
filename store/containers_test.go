package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestContainerRoundTripReadsItsAddress(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.50.0.0/24", "10.50.0.10", "10.50.0.20")
	n := newNode(ctx, t, db, "lab")

	c := newContainer(ctx, t, db, owner, site)
	require.Nil(t, c.IPv4)
	ip, err := db.AllocateIP(ctx, site.ID, c.ID, "bc:24:11:aa:bb:cc")
	require.NoError(t, err)
	vmid, err := db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 200, Last: 299}, domain.ObjectContainer, c.ID)
	require.NoError(t, err)

	c.NodeID, c.VMID, c.State, c.Power = &n.ID, &vmid, domain.GuestReady, domain.PowerRunning
	require.NoError(t, db.UpdateContainer(ctx, c))
	require.Equal(t, ip, *c.IPv4, "an update reads the address back")
	require.Equal(t, "BC:24:11:AA:BB:CC", c.MAC)

	got, err := db.FindContainer(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, ip, *got.IPv4)
	require.Equal(t, "BC:24:11:AA:BB:CC", got.MAC)
	require.Equal(t, vmid, *got.VMID)
	byName, err := db.FindContainerByHostname(ctx, site.ID, c.Hostname)
	require.NoError(t, err)
	require.Equal(t, c.ID, byName.ID)

	twin := *c
	twin.ID, twin.VMID, twin.State = [16]byte{}, nil, ""
	requireKind(t, db.CreateContainer(ctx, &twin), domain.KindConflict,
		`hostname "`+c.Hostname+`" is already taken in site `+site.ID.String())

	// A deleted container's hostname is free again.
	c.State = domain.GuestDeleted
	require.NoError(t, db.UpdateContainer(ctx, c))
	require.NoError(t, db.CreateContainer(ctx, &twin))
	_, err = db.FindContainerByHostname(ctx, site.ID, c.Hostname)
	require.NoError(t, err)

	live, _, err := db.ListContainers(ctx, domain.ContainerFilter{SiteID: &site.ID, OwnerID: &owner.ID, State: domain.GuestPending})
	require.NoError(t, err)
	require.Len(t, live, 1)
	require.Equal(t, twin.ID, live[0].ID)
	page, next, err := db.ListContainers(ctx, domain.ContainerFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, c.ID, page[0].ID)
	page, _, err = db.ListContainers(ctx, domain.ContainerFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, twin.ID, page[0].ID)

	// Deleting the record frees its address, VMID and services.
	newService(ctx, t, db, c, domain.ServiceTCP, 22)
	require.NoError(t, db.DeleteContainer(ctx, c.ID))
	again, err := db.AllocateIP(ctx, site.ID, twin.ID, "")
	require.NoError(t, err)
	require.Equal(t, ip, again)
	vmidAgain, err := db.AllocateVMID(ctx, "lab", domain.VMIDRange{First: 200, Last: 299}, domain.ObjectContainer, twin.ID)
	require.NoError(t, err)
	require.Equal(t, vmid, vmidAgain)
	svcs, _, err := db.ListServices(ctx, domain.ServiceFilter{SiteID: &site.ID})
	require.NoError(t, err)
	require.Empty(t, svcs)

	_, err = db.FindContainer(ctx, c.ID)
	requireKind(t, err, domain.KindNotFound, "container "+c.ID.String()+" not found")
	ghost := id()
	bad := &domain.Container{Hostname: "x", OwnerID: owner.ID, SiteID: ghost, Source: "docker.io/library/nginx:1.27", Cores: 1, MemoryMB: 64, DiskGB: 1}
	requireKind(t, db.CreateContainer(ctx, bad), domain.KindInvalid, "site "+ghost.String()+" does not exist")
}
