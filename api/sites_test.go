package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
)

// TestSitesAPI runs the sites and external domains API on the real stack:
// an administrator registers a site, an external domain and a node on the
// site; the site cannot be deleted while either uses it; a participant
// reads both but changes neither.
func TestSitesAPI(t *testing.T) {
	t.Parallel()
	s, admin := nodesStack(t)

	var site domain.Site
	apptest.Step(t, "create site", func(t *testing.T) {
		bad := s.Do(t, "POST", "/api/v1/sites", admin, with(validSiteRequest(), map[string]any{"gateway_ip": "10.20.0.150"}))
		require.Equal(t, http.StatusBadRequest, bad.Status, string(bad.Body))
		require.Contains(t, string(bad.Body), `"gateway_ip"`)

		r := s.Do(t, "POST", "/api/v1/sites", admin, validSiteRequest())
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r.JSON(t, &site)
		require.Equal(t, 2000, site.ExternalPortFirst)
		require.Equal(t, 2999, site.ExternalPortLast)
		require.Nil(t, site.GatewayStatus)

		dup := s.Do(t, "POST", "/api/v1/sites", admin, validSiteRequest())
		require.Equal(t, http.StatusConflict, dup.Status, string(dup.Body))
		require.Contains(t, string(dup.Body), `site name \"campus\" is already taken`)
		require.Contains(t, string(dup.Body), `"name":"is already taken"`)
	})

	var dom domain.ExternalDomain
	apptest.Step(t, "create external domain", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/external-domains", admin, with(validDomainRequest(), map[string]any{"site_id": site.ID.String()}))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r.JSON(t, &dom)
		require.Equal(t, site.ID, dom.SiteID)
	})

	var node domain.Node
	apptest.Step(t, "attach a node", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/nodes", admin, with(validNodeRequest(), map[string]any{"site_id": site.ID.String()}))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r.JSON(t, &node)
		require.Equal(t, &site.ID, node.SiteID)
	})

	apptest.Step(t, "delete blocked", func(t *testing.T) {
		r := s.Do(t, "DELETE", "/api/v1/sites/"+site.ID.String(), admin, nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "still has external domains")

		r = s.Do(t, "DELETE", "/api/v1/external-domains/"+dom.ID.String(), admin, nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		r = s.Do(t, "DELETE", "/api/v1/sites/"+site.ID.String(), admin, nil)
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "still has nodes")

		r = s.Do(t, "POST", "/api/v1/external-domains", admin, with(validDomainRequest(), map[string]any{"site_id": site.ID.String()}))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		r.JSON(t, &dom)
	})

	apptest.Step(t, "gateway status", func(t *testing.T) {
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		require.NoError(t, s.Platform.DB.RecordSiteGateway(t.Context(), site.ID, domain.SiteGateway{
			AppliedAt: &at, Hash: "4711", Status: domain.GatewayFailed, Error: "nginx test failed: bad directive"}))
		r := s.Do(t, "GET", "/api/v1/sites/"+site.ID.String(), admin, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var got domain.Site
		r.JSON(t, &got)
		require.Equal(t, &domain.SiteGateway{AppliedAt: got.GatewayStatus.AppliedAt, Hash: "4711",
			Status: domain.GatewayFailed, Error: "nginx test failed: bad directive"}, got.GatewayStatus)
		require.True(t, at.Equal(*got.GatewayStatus.AppliedAt))
	})

	apptest.Step(t, "participant reads", func(t *testing.T) {
		pat := participantToken(t, s, admin)
		var sites struct{ Items []domain.Site }
		r := s.Do(t, "GET", "/api/v1/sites", pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &sites)
		require.Len(t, sites.Items, 1)
		require.Equal(t, site.ID, sites.Items[0].ID)

		r = s.Do(t, "GET", "/api/v1/sites/"+site.ID.String(), pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))

		var domains struct{ Items []domain.ExternalDomain }
		r = s.Do(t, "GET", "/api/v1/external-domains?site="+site.ID.String(), pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &domains)
		require.Len(t, domains.Items, 1)
		r = s.Do(t, "GET", "/api/v1/external-domains/"+dom.ID.String(), pat, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))

		r = s.Do(t, "PATCH", "/api/v1/sites/"+site.ID.String(), pat, map[string]any{"external_port_last": 3999})
		require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
		r = s.Do(t, "POST", "/api/v1/external-domains", pat, with(validDomainRequest(), map[string]any{"name": "x.example.org", "site_id": site.ID.String()}))
		require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
	})

	apptest.Step(t, "detach and delete", func(t *testing.T) {
		r := s.Do(t, "PATCH", "/api/v1/nodes/"+node.ID.String(), admin, map[string]any{"site_id": nil})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r = s.Do(t, "DELETE", "/api/v1/external-domains/"+dom.ID.String(), admin, nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		r = s.Do(t, "DELETE", "/api/v1/sites/"+site.ID.String(), admin, nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	})
}
