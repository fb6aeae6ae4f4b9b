package api_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// validSiteRequest is a site registration every check accepts.
func validSiteRequest() map[string]any {
	return map[string]any{
		"name": "campus", "cidr": "10.20.0.0/24", "gateway_ip": "10.20.0.1",
		"dhcp_start": "10.20.0.100", "dhcp_end": "10.20.0.199", "internal_domain": "lab.example.org",
		"dns_forwarders": []string{"9.9.9.9"}, "external_ip": "192.0.2.10",
	}
}

// storedSite is the site the fake SiteStore knows in the site tests.
func storedSite() domain.Site {
	return domain.Site{ID: routeSiteID, Name: "campus", CIDR: netip.MustParsePrefix("10.20.0.0/24"),
		Gateway: netip.MustParseAddr("10.20.0.1"), DHCPStart: netip.MustParseAddr("10.20.0.100"),
		DHCPEnd: netip.MustParseAddr("10.20.0.199"), InternalDomain: "lab.example.org",
		DNSForwarders: []netip.Addr{netip.MustParseAddr("9.9.9.9")}, ExternalIP: netip.MustParseAddr("192.0.2.10"),
		ExternalPortFirst: 2000, ExternalPortLast: 2999}
}

// TestHandlerSiteValidation sends invalid site settings to create and
// update: each answers 400 naming every bad field and stores nothing.
func TestHandlerSiteValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		changes map[string]any
		fields  map[string]string
	}{
		{"cidr not a network", map[string]any{"cidr": "campus"}, map[string]string{"cidr": "IPv4 network"}},
		{"IPv6 cidr", map[string]any{"cidr": "fd00::/64"}, map[string]string{"cidr": "IPv4 network"}},
		{"gateway outside cidr", map[string]any{"gateway_ip": "10.30.0.1"}, map[string]string{"gateway_ip": "inside cidr"}},
		{"gateway in the DHCP range", map[string]any{"gateway_ip": "10.20.0.150"}, map[string]string{"gateway_ip": "outside the DHCP range"}},
		{"gateway not an address", map[string]any{"gateway_ip": "gw"}, map[string]string{"gateway_ip": "IPv4 address"}},
		{"DHCP start is the network address", map[string]any{"dhcp_start": "10.20.0.0"}, map[string]string{"dhcp_start": "network or broadcast"}},
		{"DHCP end is the broadcast address", map[string]any{"dhcp_end": "10.20.0.255"}, map[string]string{"dhcp_end": "network or broadcast"}},
		{"DHCP range reversed", map[string]any{"dhcp_start": "10.20.0.199", "dhcp_end": "10.20.0.100"}, map[string]string{"dhcp_end": "below dhcp_start"}},
		{"internal domain with a semicolon", map[string]any{"internal_domain": "lab;example"}, map[string]string{"internal_domain": "DNS domain"}},
		{"name with spaces", map[string]any{"name": "Campus A"}, map[string]string{"name": ""}},
		{"forwarder not an address", map[string]any{"dns_forwarders": []string{"9.9.9.9", "dns"}}, map[string]string{"dns_forwarders": "IP addresses"}},
		{"external IP not IPv4", map[string]any{"external_ip": "2001:db8::1"}, map[string]string{"external_ip": "IPv4"}},
		{"privileged port", map[string]any{"external_port_first": 80}, map[string]string{"external_port_first": "between 1024 and 65535"}},
		{"port pool reversed", map[string]any{"external_port_first": 3000, "external_port_last": 2500}, map[string]string{"external_port_last": "below external_port_first"}},
		{"port above 65535", map[string]any{"external_port_last": 70000}, map[string]string{"external_port_last": "between 1024 and 65535"}},
	} {
		t.Run("create/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.do(h.admin, "POST", "/api/v1/sites", with(validSiteRequest(), tc.changes)).requireFields(t, tc.fields)
			require.Empty(t, h.auditActions())
		})
		t.Run("update/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
			h.do(h.admin, "PATCH", "/api/v1/sites/"+routeSiteID.String(), tc.changes).requireFields(t, tc.fields)
			require.Empty(t, h.auditActions())
		})
	}
	t.Run("create/missing fields", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		h.do(h.admin, "POST", "/api/v1/sites", map[string]any{}).requireFields(t, map[string]string{
			"name": "", "cidr": "", "internal_domain": "", "external_ip": "",
		})
	})
}

// TestHandlerSitePermissions checks who may do what to sites: every
// role reads them, only administrators (or holders of a grant) change them.
func TestHandlerSitePermissions(t *testing.T) {
	t.Parallel()
	sitePath := "/api/v1/sites/" + routeSiteID.String()
	patch := map[string]any{"external_port_last": 3999}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		keys   []domain.Key
		method string
		path   string
		body   any
		status int
	}{
		{"participant lists", participant, nil, "GET", "/api/v1/sites", nil, http.StatusOK},
		{"instructor lists", instructor, nil, "GET", "/api/v1/sites", nil, http.StatusOK},
		{"participant reads", participant, nil, "GET", sitePath, nil, http.StatusOK},
		{"participant reads a malformed id", participant, nil, "GET", "/api/v1/sites/campus", nil, http.StatusNotFound},
		{"participant creates", participant, nil, "POST", "/api/v1/sites", validSiteRequest(), http.StatusForbidden},
		{"instructor creates", instructor, nil, "POST", "/api/v1/sites", validSiteRequest(), http.StatusForbidden},
		{"admin creates", admin, nil, "POST", "/api/v1/sites", validSiteRequest(), http.StatusCreated},
		{"participant updates", participant, nil, "PATCH", sitePath, patch, http.StatusForbidden},
		{"instructor updates", instructor, nil, "PATCH", sitePath, patch, http.StatusForbidden},
		{"participant updates with update", participant, []domain.Key{domain.KeyUpdate}, "PATCH", sitePath, patch, http.StatusOK},
		{"admin updates", admin, nil, "PATCH", sitePath, patch, http.StatusOK},
		{"participant deletes", participant, nil, "DELETE", sitePath, nil, http.StatusForbidden},
		{"instructor deletes with update", instructor, []domain.Key{domain.KeyUpdate}, "DELETE", sitePath, nil, http.StatusForbidden},
		{"admin deletes", admin, nil, "DELETE", sitePath, nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			h.grant(c, domain.ObjectSite, routeSiteID, tc.keys...)
			if tc.status < 400 {
				h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
				h.sites.ListSitesFn = func(context.Context, domain.Page) ([]domain.Site, string, error) {
					return []domain.Site{storedSite()}, "", nil
				}
				h.sites.CreateSiteFn = func(_ context.Context, s *domain.Site) error {
					s.ID = uuid.New()
					return nil
				}
				h.sites.UpdateSiteFn = func(context.Context, *domain.Site) error { return nil }
				h.sites.DeleteSiteFn = func(context.Context, uuid.UUID) error { return nil }
			}
			r := h.do(c, tc.method, tc.path, tc.body)
			if tc.status >= 400 {
				kind := domain.KindForbidden
				if tc.status == http.StatusNotFound {
					kind = domain.KindNotFound
				}
				r.requireError(t, tc.status, kind)
				require.Empty(t, h.auditActions(), "a refused request changed nothing")
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
		})
	}
}

// TestHandlerCreateSite checks what a valid registration stores and
// answers: the default port pool, the parsed addresses, a Location, a
// null gateway status and an audit record.
func TestHandlerCreateSite(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	var stored domain.Site
	h.sites.CreateSiteFn = func(_ context.Context, s *domain.Site) error {
		s.ID = routeSiteID
		stored = *s
		return nil
	}
	r := h.do(h.admin, "POST", "/api/v1/sites", with(validSiteRequest(), map[string]any{"dns_forwarders": nil}))
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Equal(t, "/api/v1/sites/"+routeSiteID.String(), r.header.Get("Location"))
	require.Equal(t, domain.DefaultExternalPortFirst, stored.ExternalPortFirst)
	require.Equal(t, domain.DefaultExternalPortLast, stored.ExternalPortLast)
	require.Equal(t, netip.MustParseAddr("10.20.0.1"), stored.Gateway)
	require.Equal(t, netip.MustParseAddr("192.0.2.10"), stored.ExternalIP)
	require.Equal(t, []netip.Addr{}, stored.DNSForwarders)
	var body map[string]any
	r.json(t, &body)
	require.Contains(t, body, "gateway")
	require.Nil(t, body["gateway"])
	require.Equal(t, "10.20.0.1", body["gateway_ip"])
	require.Equal(t, []string{"site.create"}, h.auditActions())
}

// TestHandlerSiteShowsItsGatewayStatus checks that a site's gateway object
// is what its gateway last applied, as openapi.yaml describes it.
func TestHandlerSiteShowsItsGatewayStatus(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	site := storedSite()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	site.GatewayStatus = &domain.SiteGateway{AppliedAt: &at, Hash: "4711", Status: domain.GatewayFailed,
		Error: "nginx test failed: unknown directive"}
	h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, site)
	r := h.do(h.admin, "GET", "/api/v1/sites/"+routeSiteID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var body struct{ Gateway map[string]any }
	r.json(t, &body)
	require.Equal(t, map[string]any{"applied_at": "2026-12-01T10:00:00Z", "hash": "4711", "status": "failed",
		"error": "nginx test failed: unknown directive"}, body.Gateway)
}

// TestHandlerUpdateSiteKeepsUnnamedFields checks that a PATCH changes only
// the fields it names and records the before and after.
func TestHandlerUpdateSiteKeepsUnnamedFields(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
	var updated domain.Site
	h.sites.UpdateSiteFn = func(_ context.Context, s *domain.Site) error {
		updated = *s
		return nil
	}
	r := h.do(h.admin, "PATCH", "/api/v1/sites/"+routeSiteID.String(),
		map[string]any{"external_port_first": 40000, "external_port_last": 40999, "external_ip": "198.51.100.7"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	want := storedSite()
	want.ExternalPortFirst, want.ExternalPortLast = 40000, 40999
	want.ExternalIP = netip.MustParseAddr("198.51.100.7")
	require.Equal(t, want, updated)
	recs := h.auditRecords()
	require.Len(t, recs, 1)
	require.Equal(t, "site.update", recs[0].Action)
	require.Equal(t, float64(2000), recs[0].Before["external_port_first"])
	require.Equal(t, float64(40000), recs[0].After["external_port_first"])
}

// TestHandlerSiteConflicts checks that a taken name and a site still in
// use are 409 with the store's message, and that the taken field is named.
func TestHandlerSiteConflicts(t *testing.T) {
	t.Parallel()
	taken := &domain.Error{Kind: domain.KindConflict, Message: `site name "campus" is already taken`,
		Fields: map[string]string{"name": "is already taken"}}
	t.Run("taken name", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		h.sites.CreateSiteFn = func(context.Context, *domain.Site) error { return taken }
		e := h.do(h.admin, "POST", "/api/v1/sites", validSiteRequest()).requireError(t, http.StatusConflict, domain.KindConflict)
		require.Equal(t, taken.Message, e.Message)
		require.Equal(t, taken.Fields, e.Fields)
		require.Empty(t, h.auditActions())
	})
	t.Run("renamed to a taken name", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
		h.sites.UpdateSiteFn = func(context.Context, *domain.Site) error { return taken }
		e := h.do(h.admin, "PATCH", "/api/v1/sites/"+routeSiteID.String(), map[string]any{"name": "campus"}).
			requireError(t, http.StatusConflict, domain.KindConflict)
		require.Equal(t, taken.Fields, e.Fields)
	})
	t.Run("site in use", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
		h.sites.DeleteSiteFn = func(context.Context, uuid.UUID) error {
			return domain.Conflictf("site %s still has external domains", routeSiteID)
		}
		e := h.do(h.admin, "DELETE", "/api/v1/sites/"+routeSiteID.String(), nil).requireError(t, http.StatusConflict, domain.KindConflict)
		require.Contains(t, e.Message, "still has external domains")
		require.Empty(t, h.auditActions())
	})
}
