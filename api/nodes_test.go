package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// participantToken creates a participant and signs in as them.
func participantToken(t *testing.T, s *apptest.Stack, admin string) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{
		"username": "pat", "email": "pat@example.org", "password": "participant-password-1",
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	return s.Login(t, "pat", "participant-password-1")
}

// runPeriodic runs a periodic workflow on the pve-periodic queue and waits
// for its result.
func runPeriodic(t *testing.T, s *apptest.Stack, id string, wf workflows.Type, in, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := s.Platform.Temporal.ExecuteWorkflow(ctx, wf.StartOptions(id), wf.Name, in)
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, out))
}

// nodesStack starts a platform for a nodes test and signs in as its
// administrator.
func nodesStack(t *testing.T) (*apptest.Stack, string) {
	t.Helper()
	s := apptest.Start(t)
	return s, s.AdminToken(t)
}

func TestNodesAdminAPI(t *testing.T) {
	t.Parallel()
	s, admin := nodesStack(t)
	const secret = "node-token-secret-4711"

	apptest.Step(t, "invalid node", func(t *testing.T) {
		bad := s.Do(t, "POST", "/api/v1/nodes", admin, map[string]any{
			"name": "pve1", "cluster": "lab", "endpoint": "http://pve1:8006", "token_id": "labforge@pve!lf", "token_secret": secret,
		})
		require.Equal(t, http.StatusBadRequest, bad.Status, string(bad.Body))
		require.Contains(t, string(bad.Body), `"endpoint"`)
		require.Contains(t, string(bad.Body), `"tls_fingerprint"`)
		require.NotContains(t, string(bad.Body), secret)
	})

	var n domain.Node
	apptest.Step(t, "create", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/nodes", admin, map[string]any{
			"name": "pve1", "cluster": "lab", "endpoint": "https://pve1.example.org:8006", "token_id": "labforge@pve!lf",
			"token_secret": secret, "tls_insecure": true, "storages": []string{"local-lvm"}, "bridge": "vmbr0",
		})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.NotContains(t, string(r.Body), secret)
		r.JSON(t, &n)
		require.Equal(t, 2, n.CloneConcurrency)
		require.Equal(t, domain.NodeUnknown, n.Status)

		dup := s.Do(t, "POST", "/api/v1/nodes", admin, map[string]any{
			"name": "pve1", "cluster": "lab", "endpoint": "https://pve1.example.org:8006", "token_id": "labforge@pve!lf",
			"token_secret": secret, "tls_insecure": true,
		})
		require.Equal(t, http.StatusConflict, dup.Status, string(dup.Body))

		list := s.Do(t, "GET", "/api/v1/nodes?limit=10", admin, nil)
		require.Equal(t, http.StatusOK, list.Status)
		require.NotContains(t, string(list.Body), secret)
	})

	apptest.Step(t, "update without the secret keeps it", func(t *testing.T) {
		p := s.Do(t, "PATCH", "/api/v1/nodes/"+n.ID.String(), admin, map[string]any{"clone_concurrency": 4, "token_secret": ""})
		require.Equal(t, http.StatusOK, p.Status, string(p.Body))
		require.NotContains(t, string(p.Body), secret)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		stored, err := s.Platform.DB.FindNode(ctx, n.ID)
		require.NoError(t, err)
		keys, err := s.Platform.Config.Keyring()
		require.NoError(t, err)
		plain, err := keys.Open(stored.SealedToken)
		require.NoError(t, err)
		require.Equal(t, secret, plain)
		require.Equal(t, 4, stored.CloneConcurrency)
		require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/nodes/"+n.ID.String(), admin, nil).Status)
	})

	apptest.Step(t, "the audit log has the node, never its secret", func(t *testing.T) {
		recs := s.Audit(t, domain.AuditFilter{ObjectType: domain.ObjectNode, ObjectID: n.ID.String()})
		require.Len(t, recs, 2)
		for _, rec := range recs {
			for _, doc := range []map[string]any{rec.Before, rec.After} {
				for k, v := range doc {
					require.NotEqual(t, "token_secret", k)
					require.NotContains(t, strings.ToLower(k), "secret")
					if sv, ok := v.(string); ok {
						require.NotEqual(t, secret, sv)
					}
				}
			}
		}
	})

	apptest.Step(t, "participants see no node, template or system event", func(t *testing.T) {
		pat := participantToken(t, s, admin)
		require.Equal(t, http.StatusForbidden, s.Do(t, "GET", "/api/v1/nodes", pat, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/nodes/"+n.ID.String(), pat, nil).Status)
		require.Equal(t, http.StatusForbidden, s.Do(t, "POST", "/api/v1/nodes", pat, map[string]any{
			"name": "pve9", "cluster": "lab", "endpoint": "https://pve9:8006", "token_id": "a@pve!b", "token_secret": "x", "tls_insecure": true,
		}).Status)
		require.Equal(t, http.StatusForbidden, s.Do(t, "GET", "/api/v1/templates", pat, nil).Status)
		require.Equal(t, http.StatusForbidden, s.Do(t, "GET", "/api/v1/system/events", pat, nil).Status)
	})

	apptest.Step(t, "delete", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, s.Do(t, "DELETE", "/api/v1/nodes/"+n.ID.String(), admin, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/nodes/"+n.ID.String(), admin, nil).Status)
	})
}

func TestImportSyncTemplatesAndDriftEvents(t *testing.T) {
	t.Parallel()
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{VMID: 300, Node: "pve2", Name: "orphan", Status: "stopped",
		Cores: 1, Memory: 512, Disk: "4G", Storage: "local-lvm", Bridge: "vmbr0", Tags: activities.LabforgeTag})
	sim := pvesim.New(pvesim.Config{TimeScale: 0.001, Seed: seed})
	t.Cleanup(sim.Close)
	s, admin := nodesStack(t)

	importReq := map[string]any{
		"name": "pve1", "cluster": "lab", "endpoint": sim.URL(), "token_id": pvesim.DefaultTokenID, "token_secret": pvesim.DefaultTokenSecret,
		"tls_fingerprint": sim.Fingerprint(), "storages": []string{"local-lvm"}, "bridge": "vmbr0",
	}
	for _, want := range []string{"created", "updated"} { // for pve2; pve1 is the entry node
		apptest.Step(t, "import: pve2 "+want, func(t *testing.T) {
			r := s.Do(t, "POST", "/api/v1/nodes/import", admin, importReq)
			require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
			require.NotContains(t, string(r.Body), pvesim.DefaultTokenSecret)
			var op domain.Operation
			r.JSON(t, &op)
			require.True(t, strings.HasPrefix(op.WorkflowID, "nodes/import/"), op.WorkflowID)
			op = s.AwaitOperation(t, admin, r.Header.Get("Location"))
			require.Equal(t, domain.OpCompleted, op.State, op.Error)
			requireHistoryWithout(t, s, op.WorkflowID, pvesim.DefaultTokenSecret)
			items, _ := op.Result["nodes"].([]any)
			require.Len(t, items, 2, "%v", op.Result)
			actions := map[string]any{}
			for _, it := range items {
				actions[it.(map[string]any)["name"].(string)] = it.(map[string]any)["action"]
			}
			require.Equal(t, map[string]any{"pve1": "entry", "pve2": want}, actions)
		})
	}
	var nodes struct {
		Items []domain.Node `json:"items"`
	}
	apptest.Step(t, "both nodes listed", func(t *testing.T) {
		r := s.Do(t, "GET", "/api/v1/nodes", admin, nil)
		require.Equal(t, http.StatusOK, r.Status)
		r.JSON(t, &nodes)
		require.Len(t, nodes.Items, 2)
	})

	apptest.Step(t, "a new import keeps the nodes' site", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/sites", admin, validSiteRequest())
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var site domain.Site
		r.JSON(t, &site)
		for _, n := range nodes.Items {
			r := s.Do(t, "PATCH", "/api/v1/nodes/"+n.ID.String(), admin, map[string]any{"site_id": site.ID.String()})
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		}
		r = s.Do(t, "POST", "/api/v1/nodes/import", admin, importReq)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		op := s.AwaitOperation(t, admin, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
		for _, n := range nodes.Items {
			var got domain.Node
			s.Do(t, "GET", "/api/v1/nodes/"+n.ID.String(), admin, nil).JSON(t, &got)
			require.Equal(t, &site.ID, got.SiteID, "node %s", n.Name)
		}
	})

	apptest.Step(t, "sync finds the templates", func(t *testing.T) {
		var synced workflows.SyncInventoryResult
		runPeriodic(t, s, "test-sync", workflows.SyncInventoryType, workflows.SyncInventoryInput{}, &synced)
		require.Zero(t, synced.Failed, "%+v", synced)

		var templates struct {
			Items []domain.VMTemplate `json:"items"`
		}
		r := s.Do(t, "GET", "/api/v1/templates?cluster=lab&kind=qemu", admin, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &templates)
		require.Len(t, templates.Items, 3)
		require.Equal(t, 9000, templates.Items[0].VMID)
		one := s.Do(t, "GET", "/api/v1/templates/"+templates.Items[2].ID.String(), admin, nil)
		require.Equal(t, http.StatusOK, one.Status)
		var win domain.VMTemplate
		one.JSON(t, &win)
		require.Equal(t, "win11", win.OSType)
		require.Equal(t, nodes.Items[1].ID, win.NodeID)
		require.Equal(t, http.StatusBadRequest, s.Do(t, "GET", "/api/v1/templates?kind=docker", admin, nil).Status)
	})

	apptest.Step(t, "reconcile reports the orphan guest as a drift event", func(t *testing.T) {
		var drift workflows.ReconcileResult
		runPeriodic(t, s, "test-reconcile", workflows.ReconcileType, workflows.ReconcileInput{}, &drift)
		require.Equal(t, 1, drift.OrphanGuests, "%+v", drift)

		var events struct {
			Items []domain.SystemEvent `json:"items"`
		}
		r := s.Do(t, "GET", "/api/v1/system/events?kind=drift.orphan_guest&severity=warning", admin, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &events)
		require.Len(t, events.Items, 1)
		require.Equal(t, "lab/300", events.Items[0].ObjectID)
		_, exists := sim.Guest("pve2", 300)
		require.True(t, exists)
	})
}

// requireHistoryWithout fails t if secret appears anywhere in the
// workflow's history, which operators can read in the Web UI.
func requireHistoryWithout(t *testing.T, s *apptest.Stack, workflowID, secret string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NotZero(t, scanHistory(ctx, t, s, workflowID, "", secret))
}
