package store_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestExternalDomainRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	a := newSite(ctx, t, db, "10.50.0.0/24", "10.50.0.10", "10.50.0.20")
	b := newSite(ctx, t, db, "10.51.0.0/24", "10.51.0.10", "10.51.0.20")

	d := &domain.ExternalDomain{Name: "lab.example.org", CertPath: "/etc/ssl/lab/fullchain.pem",
		KeyPath: "/etc/ssl/lab/privkey.pem", SiteID: a.ID}
	require.NoError(t, db.CreateExternalDomain(ctx, d))
	require.NotEqual(t, uuid.Nil, d.ID)
	require.False(t, d.CreatedAt.IsZero())
	other := &domain.ExternalDomain{Name: "apps.example.org", CertPath: "/etc/ssl/apps.pem", KeyPath: "/etc/ssl/apps.key", SiteID: b.ID}
	require.NoError(t, db.CreateExternalDomain(ctx, other))

	got, err := db.FindExternalDomain(ctx, d.ID)
	require.NoError(t, err)
	require.Equal(t, d.Name, got.Name)
	require.Equal(t, d.CertPath, got.CertPath)
	require.Equal(t, d.KeyPath, got.KeyPath)
	require.Equal(t, a.ID, got.SiteID)

	all, next, err := db.ListExternalDomains(ctx, domain.ExternalDomainFilter{})
	require.NoError(t, err)
	require.Empty(t, next)
	require.Equal(t, []string{"apps.example.org", "lab.example.org"}, []string{all[0].Name, all[1].Name})
	ofA, _, err := db.ListExternalDomains(ctx, domain.ExternalDomainFilter{SiteID: &a.ID})
	require.NoError(t, err)
	require.Len(t, ofA, 1)
	require.Equal(t, d.ID, ofA[0].ID)
	page, next, err := db.ListExternalDomains(ctx, domain.ExternalDomainFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Len(t, page, 1)
	rest, _, err := db.ListExternalDomains(ctx, domain.ExternalDomainFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, "lab.example.org", rest[0].Name)

	got.KeyPath, got.SiteID = "/etc/ssl/lab/new.key", b.ID
	require.NoError(t, db.UpdateExternalDomain(ctx, got))
	again, err := db.FindExternalDomain(ctx, d.ID)
	require.NoError(t, err)
	require.Equal(t, "/etc/ssl/lab/new.key", again.KeyPath)
	require.Equal(t, b.ID, again.SiteID)

	dup := &domain.ExternalDomain{Name: "lab.example.org", CertPath: "/a", KeyPath: "/b", SiteID: a.ID}
	err = db.CreateExternalDomain(ctx, dup)
	requireKind(t, err, domain.KindConflict, `external domain name "lab.example.org" is already taken`)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, map[string]string{"name": "is already taken"}, de.Fields)

	orphan := &domain.ExternalDomain{Name: "x.example.org", CertPath: "/a", KeyPath: "/b", SiteID: uuid.New()}
	requireKind(t, db.CreateExternalDomain(ctx, orphan), domain.KindInvalid, "site "+orphan.SiteID.String()+" does not exist")
	bad := &domain.ExternalDomain{Name: "x.example.org", CertPath: "/etc/ssl/x.pem;", KeyPath: "/b", SiteID: a.ID}
	requireKind(t, db.CreateExternalDomain(ctx, bad), domain.KindInvalid, "")

	require.NoError(t, db.DeleteExternalDomain(ctx, d.ID))
	requireKind(t, db.DeleteExternalDomain(ctx, d.ID), domain.KindNotFound, "external_domain "+d.ID.String()+" not found")
	_, err = db.FindExternalDomain(ctx, d.ID)
	requireKind(t, err, domain.KindNotFound, "external domain "+d.ID.String()+" not found")
}

func TestNodeSite(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	site := newSite(ctx, t, db, "10.52.0.0/24", "10.52.0.10", "10.52.0.20")
	n := newNode(ctx, t, db, "lab")
	require.Nil(t, n.SiteID)
	n.SiteID = &site.ID
	require.NoError(t, db.UpdateNode(ctx, n))
	got, err := db.FindNode(ctx, n.ID)
	require.NoError(t, err)
	require.Equal(t, &site.ID, got.SiteID)

	missing := uuid.New()
	got.SiteID = &missing
	requireKind(t, db.UpdateNode(ctx, got), domain.KindInvalid, "site "+missing.String()+" does not exist")
}
