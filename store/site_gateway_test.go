package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestLoadGatewaySiteReadsLiveContainersWithServices(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.60.0.0/24", "10.60.0.10", "10.60.0.20")
	other := newSite(ctx, t, db, "10.61.0.0/24", "10.61.0.10", "10.61.0.20")
	dom := &domain.ExternalDomain{Name: unique("apps") + ".example.org", CertPath: "/etc/tls/apps.crt",
		KeyPath: "/etc/tls/apps.key", SiteID: site.ID}
	require.NoError(t, db.CreateExternalDomain(ctx, dom))

	web := newContainer(ctx, t, db, owner, site)
	_, err := db.AllocateIP(ctx, site.ID, web.ID, "bc:24:11:00:60:01")
	require.NoError(t, err)
	web.State = domain.GuestReady
	require.NoError(t, db.UpdateContainer(ctx, web))
	http := newService(ctx, t, db, web, domain.ServiceHTTP, 8080)
	tcp := newService(ctx, t, db, web, domain.ServiceTCP, 22)
	_, err = db.AllocateExternalPort(ctx, site.ID, domain.ServiceTCP, 2000, 2999, tcp.ID)
	require.NoError(t, err)
	bare := newContainer(ctx, t, db, owner, site)
	_, err = db.AllocateIP(ctx, site.ID, bare.ID, "bc:24:11:00:60:02")
	require.NoError(t, err)
	bare.State = domain.GuestProvisioning
	require.NoError(t, db.UpdateContainer(ctx, bare))
	failed := newContainer(ctx, t, db, owner, site) // holds its address until its guest is gone: not served
	_, err = db.AllocateIP(ctx, site.ID, failed.ID, "bc:24:11:00:60:04")
	require.NoError(t, err)
	failed.State = domain.GuestFailed
	require.NoError(t, db.UpdateContainer(ctx, failed))
	newContainer(ctx, t, db, owner, site) // no address yet: not served
	gone := newContainer(ctx, t, db, owner, site)
	_, err = db.AllocateIP(ctx, site.ID, gone.ID, "bc:24:11:00:60:03")
	require.NoError(t, err)
	gone.State = domain.GuestDeleted
	require.NoError(t, db.UpdateContainer(ctx, gone))
	elsewhere := newContainer(ctx, t, db, owner, other)
	_, err = db.AllocateIP(ctx, other.ID, elsewhere.ID, "bc:24:11:00:61:01")
	require.NoError(t, err)

	gs, err := db.LoadGatewaySite(ctx, site.ID)
	require.NoError(t, err)
	require.Equal(t, site.ID, gs.Site.ID)
	require.Equal(t, site.InternalDomain, gs.Site.InternalDomain)
	require.Len(t, gs.ExternalDomains, 1)
	require.Equal(t, dom.Name, gs.ExternalDomains[0].Name)
	byID := map[string]domain.GatewayContainer{}
	for _, c := range gs.Containers {
		byID[c.Container.ID.String()] = c
	}
	require.Len(t, byID, 2, "provisioning and ready containers with an address, of this site only")
	got := byID[web.ID.String()]
	require.Equal(t, "BC:24:11:00:60:01", got.Container.MAC)
	require.NotNil(t, got.Container.IPv4)
	require.Len(t, got.Services, 2)
	require.Equal(t, http.ExternalHostname, got.Services[0].ExternalHostname)
	require.Equal(t, 8080, got.Services[0].InternalPort)
	require.Equal(t, domain.ServiceTCP, got.Services[1].Protocol)
	require.Equal(t, 2000, *got.Services[1].ExternalPort)
	require.Empty(t, byID[bare.ID.String()].Services)

	unknown := id()
	_, err = db.LoadGatewaySite(ctx, unknown)
	requireKind(t, err, domain.KindNotFound, "site "+unknown.String()+" not found")
}

func TestRecordSiteGatewayShowsOnTheSite(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	site := newSite(ctx, t, db, "10.62.0.0/24", "10.62.0.10", "10.62.0.20")
	fresh, err := db.FindSite(ctx, site.ID)
	require.NoError(t, err)
	require.Nil(t, fresh.GatewayStatus, "never applied")

	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	require.NoError(t, db.RecordSiteGateway(ctx, site.ID, domain.SiteGateway{AppliedAt: &at, Hash: "abc", Status: domain.GatewayApplied}))
	got, err := db.FindSite(ctx, site.ID)
	require.NoError(t, err)
	require.Equal(t, "abc", got.GatewayStatus.Hash)
	require.Equal(t, domain.GatewayApplied, got.GatewayStatus.Status)
	require.True(t, at.Equal(*got.GatewayStatus.AppliedAt))

	require.NoError(t, db.RecordSiteGateway(ctx, site.ID, domain.SiteGateway{AppliedAt: &at, Hash: "def",
		Status: domain.GatewayFailed, Error: "nginx test failed: unknown directive"}))
	list, _, err := db.ListSites(ctx, domain.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, domain.GatewayFailed, list[0].GatewayStatus.Status)
	require.Equal(t, "nginx test failed: unknown directive", list[0].GatewayStatus.Error)

	requireKind(t, db.RecordSiteGateway(ctx, site.ID, domain.SiteGateway{Status: "maybe"}), domain.KindInvalid,
		`gateway status "maybe" is not applied or failed`)
	unknown := id()
	requireKind(t, db.RecordSiteGateway(ctx, unknown, domain.SiteGateway{Status: domain.GatewayApplied}), domain.KindNotFound,
		"site "+unknown.String()+" not found")
}
