package store_test

import (
	"net/netip"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestConcurrentAllocateIPGivesDistinctAddresses(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	// Sites keep the gateway (.1) and the network address (.0) out of
	// the range: 20 addresses.
	site := newSite(ctx, t, db, "10.70.0.0/24", "10.70.0.2", "10.70.0.21")

	const workers = 20
	cts := make([]*domain.Container, workers)
	for i := range cts {
		cts[i] = newContainer(ctx, t, db, owner, site)
	}
	got := make([]netip.Addr, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { got[i], errs[i] = db.AllocateIP(ctx, site.ID, cts[i].ID, "") })
	}
	wg.Wait()

	seenIP, seenMAC := map[netip.Addr]bool{}, map[string]bool{}
	for i := range workers {
		require.NoError(t, errs[i])
		require.False(t, seenIP[got[i]], "IP %s handed out twice", got[i])
		require.NotEqual(t, site.Gateway, got[i])
		require.NotEqual(t, site.CIDR.Addr(), got[i])
		seenIP[got[i]] = true
		c, err := db.FindContainer(ctx, cts[i].ID)
		require.NoError(t, err)
		require.Equal(t, got[i], *c.IPv4)
		require.Regexp(t, `^BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}$`, c.MAC)
		require.False(t, seenMAC[c.MAC])
		seenMAC[c.MAC] = true
	}
	require.True(t, seenIP[netip.MustParseAddr("10.70.0.2")])
	require.True(t, seenIP[netip.MustParseAddr("10.70.0.21")])

	late := newContainer(ctx, t, db, owner, site)
	_, err := db.AllocateIP(ctx, site.ID, late.ID, "")
	requireKind(t, err, domain.KindConflict, "no free IP address left in 10.70.0.2-10.70.0.21 in site "+site.ID.String())

	require.NoError(t, db.ReleaseIP(ctx, site.ID, got[0]))
	require.NoError(t, db.ReleaseIP(ctx, site.ID, got[0]), "releasing a free address is a no-op")
	ip, err := db.AllocateIP(ctx, site.ID, late.ID, "")
	require.NoError(t, err)
	require.Equal(t, got[0], ip, "the lowest free address is reused")
}

func TestAllocateIPIsIdempotentAndChecksItsInput(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.80.0.0/24", "10.80.0.100", "10.80.0.200")
	other := newSite(ctx, t, db, "10.81.0.0/24", "10.81.0.100", "10.81.0.200")
	c := newContainer(ctx, t, db, owner, site)

	ip, err := db.AllocateIP(ctx, site.ID, c.ID, "BC:24:11:00:00:01")
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("10.80.0.100"), ip)
	again, err := db.AllocateIP(ctx, site.ID, c.ID, "bc:24:11:00:00:01")
	require.NoError(t, err)
	require.Equal(t, ip, again, "a retried allocation returns the address the container holds")
	again, err = db.AllocateIP(ctx, site.ID, c.ID, "")
	require.NoError(t, err)
	require.Equal(t, ip, again)
	_, err = db.AllocateIP(ctx, site.ID, c.ID, "BC:24:11:00:00:02")
	requireKind(t, err, domain.KindConflict, "container "+c.ID.String()+" already holds IP 10.80.0.100 with MAC BC:24:11:00:00:01")

	d := newContainer(ctx, t, db, owner, site)
	_, err = db.AllocateIP(ctx, site.ID, d.ID, "BC:24:11:00:00:01")
	requireKind(t, err, domain.KindConflict, "MAC bc:24:11:00:00:01 is already in use")
	_, err = db.AllocateIP(ctx, site.ID, d.ID, "not-a-mac")
	requireKind(t, err, domain.KindInvalid, "the request has invalid fields")
	_, err = db.AllocateIP(ctx, other.ID, d.ID, "")
	requireKind(t, err, domain.KindInvalid, "container "+d.ID.String()+" does not exist in site "+other.ID.String())
	ghost := uuid.New()
	_, err = db.AllocateIP(ctx, ghost, d.ID, "")
	requireKind(t, err, domain.KindNotFound, "site "+ghost.String()+" not found")
}
