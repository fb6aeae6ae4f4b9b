package store_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestSiteRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	s := &domain.Site{Name: "campus", CIDR: netip.MustParsePrefix("10.20.0.7/24"), Gateway: netip.MustParseAddr("10.20.0.1"),
		DHCPStart: netip.MustParseAddr("10.20.0.100"), DHCPEnd: netip.MustParseAddr("10.20.0.199"),
		InternalDomain: "lab.example.org",
		DNSForwarders:  []netip.Addr{netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("9.9.9.9")}}
	require.NoError(t, db.CreateSite(ctx, s))
	require.Equal(t, netip.MustParsePrefix("10.20.0.0/24"), s.CIDR, "host bits are cleared")

	got, err := db.FindSite(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, s.CIDR, got.CIDR)
	require.Equal(t, s.Gateway, got.Gateway)
	require.Equal(t, s.DHCPStart, got.DHCPStart)
	require.Equal(t, s.DHCPEnd, got.DHCPEnd)
	require.Equal(t, s.DNSForwarders, got.DNSForwarders)
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
	requireKind(t, db.CreateSite(ctx, &dup), domain.KindConflict, `site name "campus" is already taken`)
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
