package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestHandlerListTemplates checks the list's query validation, that the
// filters reach the store, and who may list: instructors and
// administrators, not participants.
func TestHandlerListTemplates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		status int
		fields map[string]string
		want   domain.TemplateFilter
	}{
		{name: "participant", as: participant, status: http.StatusForbidden},
		{name: "instructor", as: instructor, status: http.StatusOK, want: domain.TemplateFilter{Page: domain.Page{Limit: domain.DefaultPageLimit}}},
		{name: "admin filters", as: admin, query: "?cluster=lab&kind=lxc&node=" + routeNodeID.String() + "&limit=5&cursor=abc", status: http.StatusOK,
			want: domain.TemplateFilter{Cluster: "lab", Kind: domain.GuestLXC, NodeID: &routeNodeID, Page: domain.Page{Limit: 5, Cursor: "abc"}}},
		{name: "bad kind", as: instructor, query: "?kind=docker", fields: map[string]string{"kind": "must be qemu or lxc"}},
		{name: "bad node", as: instructor, query: "?node=pve1", fields: map[string]string{"node": "must be a node id"}},
		{name: "bad kind and node", as: admin, query: "?kind=vm&node=1", fields: map[string]string{"kind": "", "node": ""}},
		{name: "bad limit", as: admin, query: "?limit=ten", fields: map[string]string{"limit": "whole number"}},
		// Permission comes before validation: a participant learns nothing.
		{name: "participant with a bad kind", as: participant, query: "?kind=docker", status: http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			if tc.fields != nil {
				h.do(c, "GET", "/api/v1/templates"+tc.query, nil).requireFields(t, tc.fields)
				return
			}
			var got domain.TemplateFilter
			if tc.status == http.StatusOK {
				h.templates.ListTemplatesFn = func(_ context.Context, f domain.TemplateFilter) ([]domain.VMTemplate, string, error) {
					got = f
					return []domain.VMTemplate{{ID: routeTplID, Name: "debian", Kind: domain.GuestQEMU}}, "next-page", nil
				}
			}
			r := h.do(c, "GET", "/api/v1/templates"+tc.query, nil)
			if tc.status == http.StatusForbidden {
				r.requireError(t, tc.status, domain.KindForbidden)
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			require.Equal(t, tc.want, got)
			var page struct {
				Items      []domain.VMTemplate `json:"items"`
				NextCursor string              `json:"next_cursor"`
			}
			r.json(t, &page)
			require.Equal(t, "next-page", page.NextCursor)
			require.Len(t, page.Items, 1)
		})
	}
}

// TestHandlerGetTemplate checks that a caller who may not read a template
// gets 404, as for one that does not exist.
func TestHandlerGetTemplate(t *testing.T) {
	t.Parallel()
	tplPath := "/api/v1/templates/" + routeTplID.String()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		keys   []domain.Key // granted on the template
		path   string
		status int
	}{
		{"participant", participant, nil, tplPath, http.StatusNotFound},
		{"participant with read", participant, []domain.Key{domain.KeyRead}, tplPath, http.StatusOK},
		{"instructor", instructor, nil, tplPath, http.StatusOK},
		{"instructor, unknown template", instructor, nil, "/api/v1/templates/" + uuid.NewString(), http.StatusNotFound},
		{"instructor, malformed id", instructor, nil, "/api/v1/templates/9000", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			h.grant(c, domain.ObjectTemplate, routeTplID, tc.keys...)
			if tc.status == http.StatusOK || tc.path != tplPath {
				h.templates.FindTemplateFn = finds(domain.ObjectTemplate, routeTplID, domain.VMTemplate{ID: routeTplID, Name: "debian", Kind: domain.GuestQEMU})
			}
			r := h.do(c, "GET", tc.path, nil)
			if tc.status == http.StatusNotFound {
				r.requireError(t, tc.status, domain.KindNotFound)
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			var tpl domain.VMTemplate
			r.json(t, &tpl)
			require.Equal(t, routeTplID, tpl.ID)
		})
	}
}
