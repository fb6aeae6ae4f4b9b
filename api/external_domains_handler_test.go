package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// validDomainRequest is an external domain registration every check
// accepts, on the site the fake SiteStore knows.
func validDomainRequest() map[string]any {
	return map[string]any{
		"name": "lab.example.org", "cert_path": "/etc/ssl/lab/fullchain.pem",
		"key_path": "/etc/ssl/lab/privkey.pem", "site_id": routeSiteID.String(),
	}
}

// storedDomain is the external domain the fake store knows.
func storedDomain() domain.ExternalDomain {
	return domain.ExternalDomain{ID: routeDomID, Name: "lab.example.org", CertPath: "/etc/ssl/lab/fullchain.pem",
		KeyPath: "/etc/ssl/lab/privkey.pem", SiteID: routeSiteID}
}

// TestHandlerExternalDomainValidation sends invalid domains to create and
// update: each answers 400 naming every bad field. Paths that could break
// out of an NGINX directive are refused.
func TestHandlerExternalDomainValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		changes map[string]any
		fields  map[string]string
	}{
		{"name with an underscore", map[string]any{"name": "lab_1.example.org"}, map[string]string{"name": "DNS name"}},
		{"upper-case name", map[string]any{"name": "Lab.Example.org"}, map[string]string{"name": "DNS name"}},
		{"relative certificate path", map[string]any{"cert_path": "fullchain.pem"}, map[string]string{"cert_path": "absolute path"}},
		{"certificate path closing the directive", map[string]any{"cert_path": "/etc/ssl/a.pem; include /tmp/x"}, map[string]string{"cert_path": ""}},
		{"key path with a brace", map[string]any{"key_path": "/etc/ssl/}"}, map[string]string{"key_path": ""}},
		{"key path with a variable", map[string]any{"key_path": "/etc/ssl/$host.key"}, map[string]string{"key_path": ""}},
		{"key path with a newline", map[string]any{"key_path": "/etc/ssl/a\n.key"}, map[string]string{"key_path": ""}},
		{"key path with a quote", map[string]any{"key_path": "/etc/ssl/\"a.key"}, map[string]string{"key_path": ""}},
		{"site id malformed", map[string]any{"site_id": "campus"}, map[string]string{"site_id": "must be a site id"}},
		{"site does not exist", map[string]any{"site_id": uuid.NewString()}, map[string]string{"site_id": "existing site"}},
	} {
		for _, op := range []string{"create", "update"} {
			t.Run(op+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				h := newFakeAPI(t)
				h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
				var r *reply
				if op == "create" {
					r = h.do(h.admin, "POST", "/api/v1/external-domains", with(validDomainRequest(), tc.changes))
				} else {
					h.extDomains.FindExternalDomainFn = finds(domain.ObjectExternalDomain, routeDomID, storedDomain())
					r = h.do(h.admin, "PATCH", "/api/v1/external-domains/"+routeDomID.String(), tc.changes)
				}
				r.requireFields(t, tc.fields)
				require.Empty(t, h.auditActions())
			})
		}
	}
}

// TestHandlerExternalDomainPermissions checks that every role reads
// external domains and only administrators change them.
func TestHandlerExternalDomainPermissions(t *testing.T) {
	t.Parallel()
	path := "/api/v1/external-domains/" + routeDomID.String()
	patch := map[string]any{"key_path": "/etc/ssl/lab/new.key"}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		method string
		path   string
		body   any
		status int
	}{
		{"participant lists", participant, "GET", "/api/v1/external-domains", nil, http.StatusOK},
		{"instructor lists by site", instructor, "GET", "/api/v1/external-domains?site=" + routeSiteID.String(), nil, http.StatusOK},
		{"participant reads", participant, "GET", path, nil, http.StatusOK},
		{"participant creates", participant, "POST", "/api/v1/external-domains", validDomainRequest(), http.StatusForbidden},
		{"instructor creates", instructor, "POST", "/api/v1/external-domains", validDomainRequest(), http.StatusForbidden},
		{"admin creates", admin, "POST", "/api/v1/external-domains", validDomainRequest(), http.StatusCreated},
		{"participant updates", participant, "PATCH", path, patch, http.StatusForbidden},
		{"admin updates", admin, "PATCH", path, patch, http.StatusOK},
		{"participant deletes", participant, "DELETE", path, nil, http.StatusForbidden},
		{"admin deletes", admin, "DELETE", path, nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			if tc.status < 400 {
				h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
				h.extDomains.FindExternalDomainFn = finds(domain.ObjectExternalDomain, routeDomID, storedDomain())
				h.extDomains.ListExternalDomainsFn = func(_ context.Context, f domain.ExternalDomainFilter) ([]domain.ExternalDomain, string, error) {
					return []domain.ExternalDomain{storedDomain()}, "", nil
				}
				h.extDomains.CreateExternalDomainFn = func(_ context.Context, d *domain.ExternalDomain) error {
					d.ID = uuid.New()
					return nil
				}
				h.extDomains.UpdateExternalDomainFn = func(context.Context, *domain.ExternalDomain) error { return nil }
				h.extDomains.DeleteExternalDomainFn = func(context.Context, uuid.UUID) error { return nil }
			}
			r := h.do(tc.as(h), tc.method, tc.path, tc.body)
			if tc.status >= 400 {
				r.requireError(t, tc.status, domain.KindForbidden)
				require.Empty(t, h.auditActions(), "a refused request changed nothing")
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			if tc.method != "GET" {
				require.Len(t, h.auditActions(), 1)
			}
		})
	}
}

// TestHandlerListExternalDomainsBySite checks the site filter reaches the
// store and a malformed one is 400 naming it.
func TestHandlerListExternalDomainsBySite(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	var got domain.ExternalDomainFilter
	h.extDomains.ListExternalDomainsFn = func(_ context.Context, f domain.ExternalDomainFilter) ([]domain.ExternalDomain, string, error) {
		got = f
		return nil, "", nil
	}
	r := h.do(h.participant, "GET", "/api/v1/external-domains?site="+routeSiteID.String()+"&limit=5", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, &routeSiteID, got.SiteID)
	require.Equal(t, 5, got.Page.Limit)
	require.JSONEq(t, `{"items": []}`, string(r.body))

	h.do(h.participant, "GET", "/api/v1/external-domains?site=campus", nil).
		requireFields(t, map[string]string{"site": "must be a site id"})
}

// TestHandlerCreateExternalDomain checks a valid registration: stored with
// its site, answered with a Location, audited; a taken name is 409 naming
// the field.
func TestHandlerCreateExternalDomain(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
	var stored domain.ExternalDomain
	h.extDomains.CreateExternalDomainFn = func(_ context.Context, d *domain.ExternalDomain) error {
		if d.Name == "taken.example.org" {
			return &domain.Error{Kind: domain.KindConflict, Message: `external domain name "taken.example.org" is already taken`,
				Fields: map[string]string{"name": "is already taken"}}
		}
		d.ID = routeDomID
		stored = *d
		return nil
	}
	r := h.do(h.admin, "POST", "/api/v1/external-domains", validDomainRequest())
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Equal(t, "/api/v1/external-domains/"+routeDomID.String(), r.header.Get("Location"))
	want := storedDomain()
	require.Equal(t, want, stored)
	require.Equal(t, []string{"external_domain.create"}, h.auditActions())

	e := h.do(h.admin, "POST", "/api/v1/external-domains", with(validDomainRequest(), map[string]any{"name": "taken.example.org"})).
		requireError(t, http.StatusConflict, domain.KindConflict)
	require.Equal(t, map[string]string{"name": "is already taken"}, e.Fields)
}
