package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// nodeSecret is the token secret of every node request; no response may
// carry it.
const nodeSecret = "node-token-secret-4711"

// validNodeRequest is a node registration every check accepts.
func validNodeRequest() map[string]any {
	return map[string]any{
		"name": "pve1", "cluster": "lab", "endpoint": "https://pve1.example.org:8006",
		"token_id": "labforge@pve!lf", "token_secret": nodeSecret, "tls_fingerprint": "AB:CD:EF",
		"storages": []string{"local-lvm"}, "bridge": "vmbr0",
	}
}

// storedNode is the node the fake NodeStore knows in the node tests: as
// the store reads it, with its token secret sealed.
func storedNode() domain.Node {
	return domain.Node{ID: routeNodeID, Name: "pve1", Cluster: "lab", Endpoint: "https://pve1.example.org:8006",
		TokenID: "labforge@pve!lf", SealedToken: &domain.SealedSecret{KeyID: "test1", Ciphertext: []byte("sealed")}, TLSFingerprint: "AB:CD:EF",
		Storages: []string{"local-lvm"}, Bridge: "vmbr0", CloneConcurrency: 2, Status: domain.NodeOnline}
}

// TestHandlerNodeValidation sends invalid node settings to create, import
// and update: each answers 400 naming every bad field, calls no store
// method that changes anything, and never echoes the token secret.
func TestHandlerNodeValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		changes map[string]any
		fields  map[string]string
		// createOnly cases are valid in an update, where an empty
		// token_secret keeps the stored one.
		createOnly bool
	}{
		{name: "plain http endpoint", changes: map[string]any{"endpoint": "http://pve1:8006"},
			fields: map[string]string{"endpoint": "must be an https URL"}},
		{name: "endpoint without host", changes: map[string]any{"endpoint": "https://"},
			fields: map[string]string{"endpoint": "must be an https URL"}},
		{name: "no TLS verification", changes: map[string]any{"tls_fingerprint": ""},
			fields: map[string]string{"tls_fingerprint": "tls_insecure"}},
		{name: "name not a node name", changes: map[string]any{"name": "PVE 1"},
			fields: map[string]string{"name": "must be the Proxmox node name"}},
		{name: "cluster with underscore", changes: map[string]any{"cluster": "lab_1"},
			fields: map[string]string{"cluster": "cluster name"}},
		{name: "empty token id", changes: map[string]any{"token_id": ""},
			fields: map[string]string{"token_id": "must be an API token id"}},
		{name: "empty token secret", changes: map[string]any{"token_secret": ""}, createOnly: true,
			fields: map[string]string{"token_secret": "must not be empty"}},
		{name: "clone concurrency too high", changes: map[string]any{"clone_concurrency": 65},
			fields: map[string]string{"clone_concurrency": "between 1 and 64"}},
		{name: "negative clone concurrency", changes: map[string]any{"clone_concurrency": -1},
			fields: map[string]string{"clone_concurrency": "between 1 and 64"}},
		{name: "bridge with a space", changes: map[string]any{"bridge": "vmbr 0"},
			fields: map[string]string{"bridge": "bridge name"}},
		{name: "storage with a slash", changes: map[string]any{"storages": []string{"local-lvm", "nfs/iso"}},
			fields: map[string]string{"storages": "storage names"}},
		{name: "every field at once", changes: map[string]any{
			"name": "", "cluster": "", "endpoint": "ftp://x", "token_id": "", "tls_fingerprint": "", "clone_concurrency": 100,
			"bridge": "-", "storages": []string{"A"},
		}, fields: map[string]string{
			"name": "", "cluster": "", "endpoint": "", "token_id": "", "tls_fingerprint": "", "clone_concurrency": "",
			"bridge": "", "storages": "",
		}},
	} {
		t.Run("create/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			r := h.do(h.admin, "POST", "/api/v1/nodes", with(validNodeRequest(), tc.changes))
			r.requireFields(t, tc.fields)
			require.NotContains(t, string(r.body), nodeSecret)
		})
		t.Run("import/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			r := h.do(h.admin, "POST", "/api/v1/nodes/import", with(validNodeRequest(), tc.changes))
			r.requireFields(t, tc.fields)
			require.NotContains(t, string(r.body), nodeSecret)
		})
		if tc.createOnly {
			continue
		}
		t.Run("update/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, storedNode())
			r := h.do(h.admin, "PATCH", "/api/v1/nodes/"+routeNodeID.String(), tc.changes)
			r.requireFields(t, tc.fields)
			require.NotContains(t, string(r.body), nodeSecret)
		})
	}
}

// TestHandlerNodePermissions checks who may do what to nodes: only
// administrators see them by default; a caller who may not read a node
// gets 404, one who may read but not change it 403.
func TestHandlerNodePermissions(t *testing.T) {
	t.Parallel()
	nodePath := "/api/v1/nodes/" + routeNodeID.String()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		keys   []domain.Key // granted to the caller on the node
		method string
		path   string
		body   any
		status int
	}{
		{"participant lists", participant, nil, "GET", "/api/v1/nodes", nil, http.StatusForbidden},
		{"instructor lists", instructor, nil, "GET", "/api/v1/nodes", nil, http.StatusForbidden},
		{"admin lists", admin, nil, "GET", "/api/v1/nodes", nil, http.StatusOK},
		{"participant creates", participant, nil, "POST", "/api/v1/nodes", validNodeRequest(), http.StatusForbidden},
		{"instructor creates", instructor, nil, "POST", "/api/v1/nodes", validNodeRequest(), http.StatusForbidden},
		{"instructor imports", instructor, nil, "POST", "/api/v1/nodes/import", validNodeRequest(), http.StatusForbidden},
		{"participant reads", participant, nil, "GET", nodePath, nil, http.StatusNotFound},
		{"participant reads a malformed id", participant, nil, "GET", "/api/v1/nodes/pve1", nil, http.StatusNotFound},
		{"admin reads a malformed id", admin, nil, "GET", "/api/v1/nodes/pve1", nil, http.StatusNotFound},
		{"participant reads with read", participant, []domain.Key{domain.KeyRead}, "GET", nodePath, nil, http.StatusOK},
		{"participant updates", participant, nil, "PATCH", nodePath, map[string]any{"clone_concurrency": 3}, http.StatusNotFound},
		{"participant updates with read", participant, []domain.Key{domain.KeyRead}, "PATCH", nodePath, map[string]any{"clone_concurrency": 3}, http.StatusForbidden},
		{"participant updates with update", participant, []domain.Key{domain.KeyUpdate}, "PATCH", nodePath, map[string]any{"clone_concurrency": 3}, http.StatusOK},
		{"participant deletes", participant, nil, "DELETE", nodePath, nil, http.StatusNotFound},
		{"participant deletes with update", participant, []domain.Key{domain.KeyUpdate}, "DELETE", nodePath, nil, http.StatusForbidden},
		{"participant deletes with delete", participant, []domain.Key{domain.KeyDelete}, "DELETE", nodePath, nil, http.StatusNoContent},
		{"participant deletes with full", participant, []domain.Key{domain.KeyFull}, "DELETE", nodePath, nil, http.StatusNoContent},
		{"participant deletes with an action key", participant, []domain.Key{domain.KeyVMStop}, "DELETE", nodePath, nil, http.StatusForbidden},
		{"participant reads another node with read on this one", participant, []domain.Key{domain.KeyFull}, "GET",
			"/api/v1/nodes/" + uuid.NewString(), nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			h.grant(c, domain.ObjectNode, routeNodeID, tc.keys...)
			// Only allowed requests reach the store; a refused one that
			// did would answer 500 (see package mock).
			if tc.status < 400 {
				h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, storedNode())
				h.nodes.ListNodesFn = func(context.Context, domain.Page) ([]domain.Node, string, error) {
					return []domain.Node{storedNode()}, "", nil
				}
				h.nodes.UpdateNodeFn = func(context.Context, *domain.Node) error { return nil }
				h.nodes.DeleteNodeFn = func(context.Context, uuid.UUID) error { return nil }
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
			require.NotContains(t, string(r.body), nodeSecret)
		})
	}
}

// TestHandlerCreateNode checks what a valid registration stores and
// answers: the default clone concurrency, the secret stored but never
// shown, a Location and an audit record.
func TestHandlerCreateNode(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	var stored domain.Node
	h.nodes.CreateNodeFn = func(_ context.Context, n *domain.Node) error {
		n.ID, n.Status = routeNodeID, domain.NodeUnknown
		stored = *n
		return nil
	}
	r := h.do(h.admin, "POST", "/api/v1/nodes", with(validNodeRequest(), map[string]any{"storages": nil, "bridge": nil}))
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Equal(t, "/api/v1/nodes/"+routeNodeID.String(), r.header.Get("Location"))
	require.NotContains(t, string(r.body), nodeSecret)
	require.Equal(t, nodeSecret, stored.TokenSecret)
	require.Equal(t, 2, stored.CloneConcurrency)
	require.Equal(t, []string{}, stored.Storages)
	var n domain.Node
	r.json(t, &n)
	require.Equal(t, routeNodeID, n.ID)
	require.Equal(t, []string{"node.create"}, h.auditActions())
	require.NotContains(t, strings.ToLower(string(mustJSON(t, h.auditRecords()))), "secret")
}

// TestHandlerUpdateNodeKeepsSecret checks that an update without a token
// secret asks the store to keep the stored one (passing neither a plain
// nor the sealed secret it read, which a rotation may have replaced), and
// one with a secret stores it.
func TestHandlerUpdateNodeKeepsSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		body   map[string]any
		stored string
	}{
		{"absent", map[string]any{"clone_concurrency": 4}, ""},
		{"empty", map[string]any{"clone_concurrency": 4, "token_secret": ""}, ""},
		{"new", map[string]any{"clone_concurrency": 4, "token_secret": "rotated-secret"}, "rotated-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, storedNode())
			var updated domain.Node
			h.nodes.UpdateNodeFn = func(_ context.Context, n *domain.Node) error {
				updated = *n
				return nil
			}
			r := h.do(h.admin, "PATCH", "/api/v1/nodes/"+routeNodeID.String(), tc.body)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, tc.stored, updated.TokenSecret)
			require.Nil(t, updated.SealedToken)
			require.Equal(t, 4, updated.CloneConcurrency)
			require.NotContains(t, string(r.body), nodeSecret)
			require.NotContains(t, string(r.body), "rotated-secret")
		})
	}
}

// TestHandlerImportNodes checks that an import registers or updates the
// entry node and starts ImportNodes with the node's id, not its secret;
// Temporal refusing the start is 503, a running import 409.
func TestHandlerImportNodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		known    bool
		startErr error
		status   int
		audit    []string
	}{
		{"new entry node", false, nil, http.StatusAccepted, []string{"node.create", "node.import"}},
		{"known entry node", true, nil, http.StatusAccepted, []string{"node.update", "node.import"}},
		{"Temporal unreachable", false, errors.New("connection refused"), http.StatusServiceUnavailable, []string{"node.create"}},
		{"import already running", false, serviceerror.NewWorkflowExecutionAlreadyStarted("running", "", "run-1"), http.StatusConflict, []string{"node.create"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			var saved domain.Node
			h.nodes.FindNodeByNameFn = func(_ context.Context, cluster, name string) (*domain.Node, error) {
				if tc.known && cluster == "lab" && name == "pve1" {
					n := storedNode()
					return &n, nil
				}
				return nil, domain.NotFoundf("no node %s in %s", name, cluster)
			}
			h.nodes.CreateNodeFn = func(_ context.Context, n *domain.Node) error {
				n.ID = uuid.New()
				saved = *n
				return nil
			}
			h.nodes.UpdateNodeFn = func(_ context.Context, n *domain.Node) error {
				saved = *n
				return nil
			}
			ops := h.operationsInMemory()
			start := h.expectStart(workflows.ImportNodesType, tc.startErr)
			r := h.do(h.admin, "POST", "/api/v1/nodes/import", validNodeRequest())
			require.Equal(t, tc.status, r.status, string(r.body))
			require.NotContains(t, string(r.body), nodeSecret)
			require.Equal(t, tc.audit, h.auditActions())
			if tc.known {
				require.Equal(t, routeNodeID, saved.ID)
			}
			in := start.input.(workflows.ImportNodesInput)
			require.Equal(t, saved.ID, in.EntryNodeID)
			require.NotContains(t, string(mustJSON(t, in)), nodeSecret)
			require.Len(t, ops(), 1)
			if tc.startErr != nil {
				require.Equal(t, domain.OpFailed, ops()[0].State, "an operation whose workflow never started is failed")
				return
			}
			require.True(t, strings.HasPrefix(start.options.ID, "nodes/import/"), start.options.ID)
			require.Equal(t, "/api/v1/operations/"+ops()[0].ID.String(), r.header.Get("Location"))
		})
	}
}
