package store_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestSiteRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	s := &domain.Site{Name: "campus", CIDR: netip.MustParsePrefix("10.20.0.7/24"), Gateway: netip.MustParseAddr("10.20.0.1"),
		DHCPStart: netip.MustParseAddr("10.20.0.100"), DHCPEnd: netip.MustParseAddr("10.20.0.199"),
		InternalDomain: "lab.example.org",
		DNSForwarders:  []netip.Addr{netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("9.9.9.9")},
		ExternalIP:     netip.MustParseAddr("192.0.2.10"), ExternalPortFirst: 20000, ExternalPortLast: 20999}
	require.NoError(t, db.CreateSite(ctx, s))
	require.Equal(t, netip.MustParsePrefix("10.20.0.0/24"), s.CIDR, "host bits are cleared")

	got, err := db.FindSite(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, s.CIDR, got.CIDR)
	require.Equal(t, s.Gateway, got.Gateway)
	require.Equal(t, s.DHCPStart, got.DHCPStart)
	require.Equal(t, s.DHCPEnd, got.DHCPEnd)
	require.Equal(t, s.DNSForwarders, got.DNSForwarders)
	require.Equal(t, s.ExternalIP, got.ExternalIP)
	require.Equal(t, 20000, got.ExternalPortFirst)
	require.Equal(t, 20999, got.ExternalPortLast)
	byName, err := db.FindSiteByName(ctx, "campus")
	require.NoError(t, err)
	require.Equal(t, s.ID, byName.ID)

	got.DHCPEnd = netip.MustParseAddr("10.20.0.250")
	got.DNSForwarders = nil
	require.NoError(t, db.UpdateSite(ctx, got))
	again, err := db.FindSite(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, got.DHCPEnd, again.DHCPEnd)
	require.Empty(t, again.DNSForwarders)

	dup := *s
	dup.ID = [16]byte{}
	err = db.CreateSite(ctx, &dup)
	requireKind(t, err, domain.KindConflict, `site name "campus" is already taken`)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, map[string]string{"name": "is already taken"}, de.Fields)
	_, err = db.FindSiteByName(ctx, "nowhere")
	requireKind(t, err, domain.KindNotFound, `site "nowhere" not found`)

	newSite(ctx, t, db, "10.30.0.0/24", "10.30.0.10", "10.30.0.20")
	list, next, err := db.ListSites(ctx, domain.Page{})
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Empty(t, next)

	require.NoError(t, db.DeleteSite(ctx, s.ID))
	requireKind(t, db.DeleteSite(ctx, s.ID), domain.KindNotFound, "site "+s.ID.String()+" not found")
}

func TestDeleteSiteWithContainersIsConflict(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	site := newSite(ctx, t, db, "10.40.0.0/24", "10.40.0.10", "10.40.0.20")
	newContainer(ctx, t, db, newUser(ctx, t, db), site)

	requireKind(t, db.DeleteSite(ctx, site.ID), domain.KindConflict, "site "+site.ID.String()+" still has containers")
}

func TestDeleteSiteBlockedByExternalDomainsAndNodes(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	site := newSite(ctx, t, db, "10.41.0.0/24", "10.41.0.10", "10.41.0.20")
	d := &domain.ExternalDomain{Name: unique("d") + ".example.org", CertPath: "/etc/ssl/a.pem", KeyPath: "/etc/ssl/a.key", SiteID: site.ID}
	require.NoError(t, db.CreateExternalDomain(ctx, d))
	requireKind(t, db.DeleteSite(ctx, site.ID), domain.KindConflict, "site "+site.ID.String()+" still has external domains")
	require.NoError(t, db.DeleteExternalDomain(ctx, d.ID))

	n := newNode(ctx, t, db, "lab")
	n.SiteID = &site.ID
	require.NoError(t, db.UpdateNode(ctx, n))
	requireKind(t, db.DeleteSite(ctx, site.ID), domain.KindConflict, "site "+site.ID.String()+" still has nodes")
	n.SiteID = nil
	require.NoError(t, db.UpdateNode(ctx, n))
	require.NoError(t, db.DeleteSite(ctx, site.ID))
}

// TestSiteChecksMirrorValidation writes sites that skip Validate straight
// into the table: the CHECK constraints refuse them with the field named.
func TestSiteChecksMirrorValidation(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	for _, tc := range []struct {
		name, set, field string
	}{
		{"gateway inside the DHCP range", "gateway = '10.42.0.15'", "gateway_ip"},
		{"DHCP range from the network address", "dhcp_start = '10.42.0.0'", "dhcp_start"},
		{"IPv6 external IP", "external_ip = '2001:db8::1'", "external_ip"},
		{"privileged external port", "external_port_first = 80", "external_port_first"},
		{"reversed port pool", "external_port_first = 3000, external_port_last = 2500", "external_port_first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newSite(ctx, t, db, "10.42.0.0/24", "10.42.0.10", "10.42.0.20")
			_, err := db.Pool().Exec(ctx, `UPDATE sites SET `+tc.set+` WHERE id = $1`, site.ID)
			err = store.MapErr(err)
			require.Equal(t, domain.KindInvalid, domain.KindOf(err), "error: %v", err)
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Contains(t, de.Fields, tc.field)
		})
	}
}
