package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestServiceRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.60.0.0/24", "10.60.0.10", "10.60.0.20")
	c := newContainer(ctx, t, db, owner, site)

	web := newService(ctx, t, db, c, domain.ServiceHTTP, 8080)
	require.Equal(t, site.ID, web.SiteID, "a service takes its container's site")
	ssh := &domain.Service{ContainerID: c.ID, Protocol: domain.ServiceTCP, InternalPort: 22, ExternalPort: ptr(2222)}
	require.NoError(t, db.CreateService(ctx, ssh))

	got, err := db.FindService(ctx, ssh.ID)
	require.NoError(t, err)
	require.Equal(t, 2222, *got.ExternalPort)
	require.Empty(t, got.ExternalHostname)

	clash := &domain.Service{ContainerID: c.ID, Protocol: domain.ServiceTCP, InternalPort: 80, ExternalPort: ptr(2222)}
	requireKind(t, db.CreateService(ctx, clash), domain.KindConflict, "tcp port 2222 is already in use in site "+site.ID.String())
	udp := &domain.Service{ContainerID: c.ID, Protocol: domain.ServiceUDP, InternalPort: 53, ExternalPort: ptr(2222)}
	require.NoError(t, db.CreateService(ctx, udp), "the same port number is free for another protocol")
	sameHost := &domain.Service{ContainerID: c.ID, Protocol: domain.ServiceHTTP, InternalPort: 9090, ExternalHostname: web.ExternalHostname}
	requireKind(t, db.CreateService(ctx, sameHost), domain.KindConflict, "")

	got.InternalPort = 2200
	got.ExternalPort = nil
	require.NoError(t, db.UpdateService(ctx, got))
	again, err := db.FindService(ctx, ssh.ID)
	require.NoError(t, err)
	require.Nil(t, again.ExternalPort)
	require.Equal(t, 2200, again.InternalPort)

	mine, _, err := db.ListServices(ctx, domain.ServiceFilter{ContainerID: &c.ID, Page: domain.Page{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, mine, 2)

	require.NoError(t, db.DeleteService(ctx, ssh.ID))
	requireKind(t, db.DeleteService(ctx, ssh.ID), domain.KindNotFound, "service "+ssh.ID.String()+" not found")
	ghost := id()
	orphan := &domain.Service{ContainerID: ghost, Protocol: domain.ServiceTCP, InternalPort: 1}
	requireKind(t, db.CreateService(ctx, orphan), domain.KindNotFound, "container "+ghost.String()+" not found")
}
