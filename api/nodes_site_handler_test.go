package api_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestHandlerNodeSite checks site_id on node create and update: it must
// name an existing site, an absent one keeps the node's site and null
// detaches it.
func TestHandlerNodeSite(t *testing.T) {
	t.Parallel()
	attached := storedNode()
	attached.SiteID = &routeSiteID
	for _, tc := range []struct {
		name   string
		method string
		stored domain.Node // for PATCH
		body   map[string]any
		fields map[string]string
		want   *uuid.UUID
	}{
		{name: "create on a site", method: "POST", body: with(validNodeRequest(), map[string]any{"site_id": routeSiteID.String()}), want: &routeSiteID},
		{name: "create without a site", method: "POST", body: validNodeRequest()},
		{name: "create on an unknown site", method: "POST", body: with(validNodeRequest(), map[string]any{"site_id": uuid.NewString()}),
			fields: map[string]string{"site_id": "must name an existing site"}},
		{name: "create on a malformed site id", method: "POST", body: with(validNodeRequest(), map[string]any{"site_id": "campus", "name": "PVE"}),
			fields: map[string]string{"site_id": "must be a site id", "name": ""}},
		{name: "attach", method: "PATCH", stored: storedNode(), body: map[string]any{"site_id": routeSiteID.String()}, want: &routeSiteID},
		{name: "absent keeps the site", method: "PATCH", stored: attached, body: map[string]any{"clone_concurrency": 3}, want: &routeSiteID},
		{name: "null detaches", method: "PATCH", stored: attached, body: map[string]any{"site_id": nil}},
		{name: "attach to an unknown site", method: "PATCH", stored: storedNode(), body: map[string]any{"site_id": uuid.NewString()},
			fields: map[string]string{"site_id": "must name an existing site"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
			var saved *domain.Node
			save := func(_ context.Context, n *domain.Node) error {
				if n.ID == uuid.Nil {
					n.ID, n.Status = uuid.New(), domain.NodeUnknown
				}
				cp := *n
				saved = &cp
				return nil
			}
			h.nodes.CreateNodeFn = save
			h.nodes.UpdateNodeFn = save
			h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, tc.stored)
			path := "/api/v1/nodes"
			if tc.method == "PATCH" {
				path += "/" + routeNodeID.String()
			}
			r := h.do(h.admin, tc.method, path, tc.body)
			if tc.fields != nil {
				r.requireFields(t, tc.fields)
				require.Nil(t, saved)
				return
			}
			require.Less(t, r.status, 300, string(r.body))
			require.Equal(t, tc.want, saved.SiteID)
			var n domain.Node
			r.json(t, &n)
			require.Equal(t, tc.want, n.SiteID)
		})
	}
}
