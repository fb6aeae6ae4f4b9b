package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// appsSite registers a site with the external domain apps.example.org.
func appsSite(ctx context.Context, t *testing.T, db *store.DB, cidr, start, end string) *domain.Site {
	t.Helper()
	site := newSite(ctx, t, db, cidr, start, end)
	require.NoError(t, db.CreateExternalDomain(ctx, &domain.ExternalDomain{Name: unique("apps") + ".example.org",
		CertPath: "/etc/ssl/apps.pem", KeyPath: "/etc/ssl/apps.key", SiteID: site.ID}))
	return site
}

// appsHost returns a host name under the site's external domain.
func appsHost(ctx context.Context, t *testing.T, db *store.DB, site *domain.Site, label string) string {
	t.Helper()
	ds, _, err := db.ListExternalDomains(ctx, domain.ExternalDomainFilter{SiteID: &site.ID})
	require.NoError(t, err)
	require.NotEmpty(t, ds)
	return label + "." + ds[0].Name
}

func httpService(host string, port int) domain.Service {
	return domain.Service{Protocol: domain.ServiceHTTP, ExternalHostname: host, InternalPort: port}
}

func streamService(proto domain.ServiceProtocol, port int, external *int) domain.Service {
	return domain.Service{Protocol: proto, InternalPort: port, ExternalPort: external}
}

func newContainerShape(owner *domain.User, site *domain.Site, hostname string) *domain.Container {
	return &domain.Container{Hostname: hostname, OwnerID: owner.ID, SiteID: site.ID, Source: "docker.io/library/nginx:1.27",
		Cores: 1, MemoryMB: 512, SwapMB: 512, DiskGB: 8, Env: map[string]string{"MODE": "demo"}}
}

func TestCreateContainerWithOwnerStoresEverythingOrNothing(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := appsSite(ctx, t, db, "10.60.0.0/24", "10.60.0.10", "10.60.0.20")
	host := appsHost(ctx, t, db, site, "web")

	c := newContainerShape(owner, site, "web")
	services, err := db.CreateContainerWithOwner(ctx, c, []domain.Service{httpService(host, 8080), streamService(domain.ServiceTCP, 22, nil)})
	require.NoError(t, err)
	require.Equal(t, domain.GuestPending, c.State)
	require.Len(t, services, 2)
	require.Equal(t, host, services[0].ExternalHostname)
	require.Equal(t, domain.BackendHTTP, services[0].Backend)
	require.Nil(t, services[1].ExternalPort, "no port before the container holds an address")
	stored, err := db.ListContainerServices(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, stored, 2)
	bare := newContainerShape(owner, site, "bare")
	_, err = db.CreateContainerWithOwner(ctx, bare, nil)
	require.NoError(t, err)
	byContainer, err := db.ServicesOf(ctx, []uuid.UUID{c.ID, bare.ID})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID][]domain.Service{c.ID: stored}, byContainer, "one query for a page of containers")

	subject := domain.Subject{UserID: owner.ID, Roles: owner.Roles}
	perms, err := db.PermissionsFor(ctx, subject, domain.Ref(domain.ObjectContainer, c.ID))
	require.NoError(t, err)
	require.NoError(t, domain.Authorize(subject, perms, domain.Ref(domain.ObjectContainer, c.ID), domain.KeyFull))
	collaborators, err := db.ListCollaborators(ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, collaborators, "the owner is no collaborator")

	// A taken hostname stores neither the container nor its services.
	twin := newContainerShape(owner, site, "web")
	_, err = db.CreateContainerWithOwner(ctx, twin, []domain.Service{httpService(appsHost(ctx, t, db, site, "other"), 80)})
	requireKind(t, err, domain.KindConflict, "")
	require.Equal(t, map[string]string{"hostname": "is already taken"}, domain.FieldsOf(err))
	all, _, err := db.ListServices(ctx, domain.ServiceFilter{SiteID: &site.ID})
	require.NoError(t, err)
	require.Len(t, all, 2)

	// So does a service outside the site's external domains or a name
	// another container uses.
	for _, tc := range []struct {
		service domain.Service
		kind    domain.Kind
		field   string
	}{
		{httpService("web.elsewhere.example.net", 80), domain.KindInvalid, "services[0].external_hostname"},
		{httpService(host, 80), domain.KindConflict, "services[0].external_hostname"},
		{streamService(domain.ServiceTCP, 22, ptr(80)), domain.KindInvalid, "services[0].external_port"},
	} {
		other := newContainerShape(owner, site, unique("ct"))
		_, err = db.CreateContainerWithOwner(ctx, other, []domain.Service{tc.service})
		requireKind(t, err, tc.kind, "")
		require.Contains(t, domain.FieldsOf(err), tc.field)
		_, err = db.FindContainerByHostname(ctx, site.ID, other.Hostname)
		requireKind(t, err, domain.KindNotFound, "")
	}
}

func TestReplaceContainerServicesKeepsPortsAndNamesTheField(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := appsSite(ctx, t, db, "10.61.0.0/24", "10.61.0.10", "10.61.0.20")
	c := newContainerShape(owner, site, "db")
	_, err := db.CreateContainerWithOwner(ctx, c, []domain.Service{streamService(domain.ServiceTCP, 22, nil)})
	require.NoError(t, err)
	_, err = db.AllocateIP(ctx, site.ID, c.ID, "bc:24:11:00:00:61")
	require.NoError(t, err)

	// Once the container holds an address, new TCP/UDP services get ports.
	got, err := db.ReplaceContainerServices(ctx, c.ID, []domain.Service{streamService(domain.ServiceTCP, 22, nil)})
	require.NoError(t, err)
	require.NotNil(t, got[0].ExternalPort)
	sshPort, sshID := *got[0].ExternalPort, got[0].ID
	host := appsHost(ctx, t, db, site, "admin")
	got, err = db.ReplaceContainerServices(ctx, c.ID, []domain.Service{
		streamService(domain.ServiceTCP, 22, nil), streamService(domain.ServiceUDP, 53, nil), httpService(host, 8443),
	})
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, sshID, got[0].ID, "a kept service keeps its ID")
	require.Equal(t, sshPort, *got[0].ExternalPort, "and its port")
	require.NotNil(t, got[1].ExternalPort, "a new UDP service gets a port at once")
	require.Nil(t, got[2].ExternalPort)

	other := newContainerShape(owner, site, "other")
	_, err = db.CreateContainerWithOwner(ctx, other, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		service domain.Service
		kind    domain.Kind
		field   string
	}{
		{"name taken", httpService(host, 80), domain.KindConflict, "services[0].external_hostname"},
		{"port taken", streamService(domain.ServiceTCP, 2222, ptr(sshPort)), domain.KindConflict, "services[0].external_port"},
		{"port outside the pool", streamService(domain.ServiceTCP, 2222, ptr(80)), domain.KindInvalid, "services[0].external_port"},
		{"host outside the site's domains", httpService("x.example.com", 80), domain.KindInvalid, "services[0].external_hostname"},
	} {
		_, err := db.ReplaceContainerServices(ctx, other.ID, []domain.Service{tc.service})
		requireKind(t, err, tc.kind, "")
		require.Contains(t, domain.FieldsOf(err), tc.field, tc.name)
	}
	mine, err := db.ListContainerServices(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, mine, 3, "a refused replacement changes nothing")

	// Dropping a service frees it for others.
	_, err = db.ReplaceContainerServices(ctx, c.ID, nil)
	require.NoError(t, err)
	got, err = db.ReplaceContainerServices(ctx, other.ID, []domain.Service{httpService(host, 80)})
	require.NoError(t, err)
	require.Len(t, got, 1)
	_, err = db.ReplaceContainerServices(ctx, id(), nil)
	requireKind(t, err, domain.KindNotFound, "")
}

func TestADeletedContainerFreesItsNamesAndPorts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := appsSite(ctx, t, db, "10.73.0.0/24", "10.73.0.10", "10.73.0.20")
	host := appsHost(ctx, t, db, site, "web")
	port := site.ExternalPortFirst
	services := []domain.Service{httpService(host, 8080), streamService(domain.ServiceTCP, 22, &port)}

	first := newContainerShape(owner, site, "web")
	_, err := db.CreateContainerWithOwner(ctx, first, services)
	require.NoError(t, err)
	first.State = domain.GuestDeleted
	require.NoError(t, db.UpdateContainer(ctx, first))
	left, err := db.ListContainerServices(ctx, first.ID)
	require.NoError(t, err)
	require.Empty(t, left, "a deleted container publishes nothing")

	again := newContainerShape(owner, site, "web")
	_, err = db.CreateContainerWithOwner(ctx, again, services)
	require.NoError(t, err, "the hostname, host name and port are free again")
}
