package store_test

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

var ctVMIDs = domain.VMIDRange{First: 100, Last: 199}

// siteNode registers an online node of the site, reached on endpoint, with
// freeGiB of 64 GiB free.
func siteNode(t *testing.T, db *store.DB, site *domain.Site, endpoint string, freeGiB int64) *domain.Node {
	t.Helper()
	ctx := testContext(t)
	n := &domain.Node{Name: unique("pve"), Cluster: "lab", Endpoint: endpoint, TokenID: "labforge@pve!labforge",
		TokenSecret: "s3cret", Storages: []string{"local-lvm"}, Bridge: "vmbr0", CloneConcurrency: 2, SiteID: &site.ID}
	require.NoError(t, db.CreateNode(ctx, n))
	n.Status, n.MaxMemoryBytes, n.UsedMemoryBytes = domain.NodeOnline, 64<<30, (64-freeGiB)<<30
	require.NoError(t, db.UpdateNodeStatus(ctx, n))
	return n
}

// requireNothingAllocated checks that the container holds no node, VMID,
// address or external port, and is still pending.
func requireNothingAllocated(ctx context.Context, t *testing.T, db *store.DB, c *domain.Container) {
	t.Helper()
	got, err := db.FindContainer(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, domain.GuestPending, got.State)
	require.Nil(t, got.NodeID)
	require.Nil(t, got.VMID)
	require.Nil(t, got.IPv4)
	require.Empty(t, got.MAC)
	var vmids, ports int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM vmid_allocations WHERE owner_id = $1`, c.ID).Scan(&vmids))
	require.NoError(t, db.Pool().QueryRow(ctx,
		`SELECT count(*) FROM services WHERE container_id = $1 AND external_port IS NOT NULL`, c.ID).Scan(&ports))
	require.Zero(t, vmids, "VMIDs held")
	require.Zero(t, ports, "external ports held")
}

func TestAllocateContainerStoresEverythingOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.90.0.0/24", "10.90.0.2", "10.90.0.30")
	siteNode(t, db, site, "https://10.90.0.2:8006", 4) // its address is in the range
	big := siteNode(t, db, site, "https://pve-big.example.org:8006", 30)
	c := newContainer(ctx, t, db, owner, site)
	ssh := newService(ctx, t, db, c, domain.ServiceTCP, 22)
	dns := newService(ctx, t, db, c, domain.ServiceUDP, 53)
	web := newService(ctx, t, db, c, domain.ServiceHTTP, 80)

	a, err := db.AllocateContainer(ctx, c.ID, ctVMIDs)
	require.NoError(t, err)
	require.Equal(t, big.ID, a.Node.ID, "the node with the most free memory")
	got, err := db.FindContainer(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, a.Container, *got)
	require.Equal(t, domain.GuestProvisioning, got.State)
	require.Equal(t, big.ID, *got.NodeID)
	require.Equal(t, big.Cluster, got.Cluster)
	require.Equal(t, 100, *got.VMID)
	require.Equal(t, netip.MustParseAddr("10.90.0.3"), *got.IPv4, "the gateway (.1) and the node's address (.2) are skipped")
	require.Regexp(t, `^BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}$`, got.MAC)
	ports := map[uuid.UUID]*int{}
	for _, s := range a.Services {
		ports[s.ID] = s.ExternalPort
	}
	require.Len(t, ports, 3)
	require.Equal(t, 2000, *ports[ssh.ID])
	require.Equal(t, 2000, *ports[dns.ID], "ports are allocated per protocol")
	require.Nil(t, ports[web.ID], "HTTP services are routed by host name")
	stored, err := db.FindService(ctx, ssh.ID)
	require.NoError(t, err)
	require.Equal(t, 2000, *stored.ExternalPort)

	// Allocated again (a retried activity), it keeps everything, even where
	// the other node now has more room.
	big.UsedMemoryBytes = 63 << 30
	require.NoError(t, db.UpdateNodeStatus(ctx, big))
	again, err := db.AllocateContainer(ctx, c.ID, ctVMIDs)
	require.NoError(t, err)
	require.Equal(t, a.Node.ID, again.Node.ID)
	require.Equal(t, a.Services, again.Services)
	again.Container.UpdatedAt = a.Container.UpdatedAt
	require.Equal(t, a.Container, again.Container)
	var held int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM vmid_allocations WHERE owner_id = $1`, c.ID).Scan(&held))
	require.Equal(t, 1, held)

	// The next container gets the next of everything.
	next := newContainer(ctx, t, db, owner, site)
	nextSSH := newService(ctx, t, db, next, domain.ServiceTCP, 22)
	b, err := db.AllocateContainer(ctx, next.ID, ctVMIDs)
	require.NoError(t, err)
	require.Equal(t, 101, *b.Container.VMID)
	require.Equal(t, netip.MustParseAddr("10.90.0.4"), *b.Container.IPv4)
	require.NotEqual(t, got.MAC, b.Container.MAC)
	require.Equal(t, nextSSH.ID, b.Services[0].ID)
	require.Equal(t, 2001, *b.Services[0].ExternalPort)

	_, err = db.AllocateContainer(ctx, uuid.New(), ctVMIDs)
	requireKind(t, err, domain.KindNotFound, "")
	_, err = db.AllocateContainer(ctx, c.ID, domain.VMIDRange{First: 1, Last: 2})
	requireKind(t, err, domain.KindInvalid, "")
}

func TestAllocateContainerWhenFullAllocatesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		start    string // the site's DHCP range start (10.91.0.2-10.91.0.30 unless set)
		end      string
		freeGiB  int64
		pool     int // the site's external port pool size (100 unless set)
		vmids    domain.VMIDRange
		kind     domain.Kind
		capacity bool
		message  string // of the second allocation, the first taking what is left
	}{
		{name: "no node has room", freeGiB: 0, kind: domain.KindUnavailable, capacity: true},
		{name: "IP range", start: "10.91.0.2", end: "10.91.0.2", kind: domain.KindConflict,
			message: "no free IP address left in 10.91.0.2-10.91.0.2 in site %s"},
		{name: "VMID range", vmids: domain.VMIDRange{First: 100, Last: 100}, kind: domain.KindConflict,
			message: `no free VMID left in 100-100 in cluster "lab"`},
		{name: "port pool", pool: 1, kind: domain.KindConflict, message: "no free tcp port left in 2000-2000 in site %s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t)
			db := storetest.New(t)
			owner := newUser(ctx, t, db)
			start, end := "10.91.0.2", "10.91.0.30"
			if tc.start != "" {
				start, end = tc.start, tc.end
			}
			site := newSite(ctx, t, db, "10.91.0.0/24", start, end)
			if tc.pool != 0 {
				site.ExternalPortLast = site.ExternalPortFirst + tc.pool - 1
				require.NoError(t, db.UpdateSite(ctx, site))
			}
			if tc.vmids == (domain.VMIDRange{}) {
				tc.vmids = ctVMIDs
			}
			free := int64(1) // room for the first 512 MiB container only
			if tc.capacity {
				free = tc.freeGiB
			}
			siteNode(t, db, site, "https://pve.example.org:8006", free)
			first := newContainer(ctx, t, db, owner, site)
			newService(ctx, t, db, first, domain.ServiceTCP, 22)
			if !tc.capacity {
				_, err := db.AllocateContainer(ctx, first.ID, tc.vmids)
				require.NoError(t, err)
			}
			c := newContainer(ctx, t, db, owner, site)
			c.MemoryMB = 256 // fits the node's memory, so only what is full fails
			if tc.capacity {
				c.MemoryMB = 4096
			}
			require.NoError(t, db.UpdateContainer(ctx, c))
			newService(ctx, t, db, c, domain.ServiceTCP, 22)

			_, err := db.AllocateContainer(ctx, c.ID, tc.vmids)
			msg := tc.message
			if msg != "" && msg[len(msg)-2:] == "%s" {
				msg = msg[:len(msg)-2] + site.ID.String()
			}
			requireKind(t, err, tc.kind, msg)
			require.Equal(t, tc.capacity, errors.Is(err, domain.ErrNoCapacity))
			requireNothingAllocated(ctx, t, db, c)
		})
	}
}

func TestReleaseContainerAllocationFreesEverythingOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.92.0.0/24", "10.92.0.2", "10.92.0.30")
	siteNode(t, db, site, "https://pve.example.org:8006", 30)
	c := newContainer(ctx, t, db, owner, site)
	newService(ctx, t, db, c, domain.ServiceTCP, 22)
	a, err := db.AllocateContainer(ctx, c.ID, ctVMIDs)
	require.NoError(t, err)

	require.NoError(t, db.ReleaseContainerAllocation(ctx, c.ID))
	got, err := db.FindContainer(ctx, c.ID)
	require.NoError(t, err)
	require.Nil(t, got.NodeID)
	require.Nil(t, got.VMID)
	require.Nil(t, got.IPv4)
	require.Empty(t, got.MAC)
	require.Equal(t, domain.GuestProvisioning, got.State, "the state is the caller's")
	require.NoError(t, db.ReleaseContainerAllocation(ctx, c.ID), "releasing again is a no-op")

	// Another container gets what was freed.
	d := newContainer(ctx, t, db, owner, site)
	newService(ctx, t, db, d, domain.ServiceTCP, 22)
	b, err := db.AllocateContainer(ctx, d.ID, ctVMIDs)
	require.NoError(t, err)
	require.Equal(t, *a.Container.VMID, *b.Container.VMID)
	require.Equal(t, *a.Container.IPv4, *b.Container.IPv4)
	require.Equal(t, *a.Services[0].ExternalPort, *b.Services[0].ExternalPort)

	err = db.ReleaseContainerAllocation(ctx, uuid.New())
	requireKind(t, err, domain.KindNotFound, "")
}

func TestConcurrentContainerAllocationsGetDistinctResources(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.93.0.0/24", "10.93.0.2", "10.93.0.21") // 20 addresses
	siteNode(t, db, site, "https://pve1.example.org:8006", 30)
	siteNode(t, db, site, "https://pve2.example.org:8006", 30)

	const workers = 20
	cts := make([]*domain.Container, workers)
	for i := range cts {
		cts[i] = newContainer(ctx, t, db, owner, site)
		newService(ctx, t, db, cts[i], domain.ServiceTCP, 22)
	}
	got := make([]*domain.ContainerAllocation, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { got[i], errs[i] = db.AllocateContainer(ctx, cts[i].ID, ctVMIDs) })
	}
	wg.Wait()

	ips, macs, vmids, ports := map[netip.Addr]bool{}, map[string]bool{}, map[int]bool{}, map[int]bool{}
	perNode := map[uuid.UUID]int{}
	for i := range workers {
		require.NoError(t, errs[i])
		c, err := db.FindContainer(ctx, cts[i].ID)
		require.NoError(t, err)
		s, err := db.FindService(ctx, got[i].Services[0].ID)
		require.NoError(t, err)
		require.False(t, ips[*c.IPv4], "IP %s handed out twice", *c.IPv4)
		require.False(t, macs[c.MAC], "MAC %s handed out twice", c.MAC)
		require.False(t, vmids[*c.VMID], "VMID %d handed out twice", *c.VMID)
		require.False(t, ports[*s.ExternalPort], "port %d handed out twice", *s.ExternalPort)
		ips[*c.IPv4], macs[c.MAC], vmids[*c.VMID], ports[*s.ExternalPort] = true, true, true, true
		perNode[*c.NodeID]++
	}
	// Each allocation sees the ones before it: the two equal nodes share
	// the load.
	for n, count := range perNode {
		require.Equal(t, workers/2, count, "containers on node %s", n)
	}
}
