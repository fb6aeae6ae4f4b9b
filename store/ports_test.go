package store_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestConcurrentAllocateExternalPortGivesDistinctPorts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	site := newSite(ctx, t, db, "10.90.0.0/24", "10.90.0.10", "10.90.0.200")
	c := newContainer(ctx, t, db, newUser(ctx, t, db), site)

	const workers = 20
	svcs := make([]*domain.Service, workers)
	for i := range svcs {
		svcs[i] = newService(ctx, t, db, c, domain.ServiceTCP, 1000+i)
	}
	got := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			got[i], errs[i] = db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 30000, 30000+workers-1, svcs[i].ID)
		})
	}
	wg.Wait()
	seen := map[int]bool{}
	for i := range workers {
		require.NoError(t, errs[i])
		require.False(t, seen[got[i]], "port %d handed out twice", got[i])
		seen[got[i]] = true
		s, err := db.FindService(ctx, svcs[i].ID)
		require.NoError(t, err)
		require.Equal(t, got[i], *s.ExternalPort)
	}

	again, err := db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 30000, 30019, svcs[3].ID)
	require.NoError(t, err)
	require.Equal(t, got[3], again, "a service keeps its port")

	extra := newService(ctx, t, db, c, domain.ServiceTCP, 9)
	_, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 30000, 30019, extra.ID)
	requireKind(t, err, domain.KindConflict, "no free tcp port left in 30000-30019 in site "+site.ID.String())
	udp := newService(ctx, t, db, c, domain.ServiceUDP, 53)
	p, err := db.AllocateExternalPort(ctx, site.ID, domain.ServiceUDP, 30000, 30019, udp.ID)
	require.NoError(t, err)
	require.Equal(t, 30000, p, "UDP ports are counted apart from TCP ones")

	require.NoError(t, db.ReleaseExternalPort(ctx, svcs[0].ID))
	p, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 30000, 30019, extra.ID)
	require.NoError(t, err)
	require.Equal(t, got[0], p)

	_, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceUDP, 30000, 30019, extra.ID)
	requireKind(t, err, domain.KindInvalid, "service "+extra.ID.String()+" is a tcp service of site "+site.ID.String()+
		", not a udp service of site "+site.ID.String())
	_, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceHTTP, 80, 80, extra.ID)
	requireKind(t, err, domain.KindInvalid, "the request has invalid fields")
	ghost := id()
	_, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 1, 2, ghost)
	requireKind(t, err, domain.KindNotFound, "service "+ghost.String()+" not found")
	requireKind(t, db.ReleaseExternalPort(ctx, ghost), domain.KindNotFound, "service "+ghost.String()+" not found")
}
