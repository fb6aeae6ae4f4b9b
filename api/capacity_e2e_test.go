package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
)

// TestE2ECapacityPlanning runs capacity planning on the real stack: an
// event of 3 participants × 2 VMs on a node with 2 clone slots needs 3
// rounds of the default linked clone time, shows on the node's planned
// load, refuses a start it cannot meet, and its timeline (FerretDB) lists
// what the API did.
func TestE2ECapacityPlanning(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := s.AdminToken(t)
	node := &domain.Node{Name: "pve1", Cluster: "lab", Endpoint: "https://pve1:8006", TokenID: "labforge@pve!t", TokenSecret: "s",
		Storages: []string{"local-lvm"}, Bridge: "vmbr0", CloneConcurrency: 2}
	require.NoError(t, s.Platform.DB.CreateNode(ctx, node))
	node.Status, node.MaxMemoryBytes = domain.NodeOnline, 64<<30
	require.NoError(t, s.Platform.DB.UpdateNodeStatus(ctx, node))
	tpl := &domain.VMTemplate{NodeID: node.ID, Cluster: "lab", VMID: 9000, Kind: domain.GuestQEMU, Name: "deb12", MemoryMB: 2048, Status: "stopped"}
	require.NoError(t, s.Platform.DB.UpsertTemplate(ctx, tpl))

	r := s.Do(t, "POST", "/api/v1/environments", admin, map[string]any{"name": "Linux lab", "machines": []map[string]any{{
		"template_id": tpl.ID, "name": "shell", "count": 2, "connections": []map[string]any{{"protocol": "ssh"}}}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)
	start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	r = s.Do(t, "POST", "/api/v1/events", admin, map[string]any{"name": "Linux basics", "short_name": "lin-01", "environment_id": env.ID,
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(6 * time.Hour).Format(time.RFC3339), "lead_time": "10m"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev struct{ ID uuid.UUID }
	r.JSON(t, &ev)
	path := "/api/v1/events/" + ev.ID.String()
	for _, name := range []string{"ann", "bob", "cyd"} {
		r = s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": name, "email": name + "@example.org",
			"roles": []string{domain.RoleParticipant}, "password": "analytical-engine-1843"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var u domain.User
		r.JSON(t, &u)
		require.Equal(t, http.StatusOK, s.Do(t, "POST", path+"/participants", admin, map[string]any{"user_id": u.ID}).Status)
	}

	var view struct {
		RequiredLeadTime string `json:"required_lead_time"`
	}
	r = s.Do(t, "GET", path, admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &view)
	require.Equal(t, "3m0s", view.RequiredLeadTime, "6 VMs on 2 slots: 3 rounds of 60 s")

	r = s.Do(t, "GET", "/api/v1/capacity?from="+start.Add(-time.Hour).Format(time.RFC3339)+"&to="+start.Add(time.Hour).Format(time.RFC3339), admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var capacity struct {
		Nodes []struct {
			Node   struct{ ID uuid.UUID } `json:"node"`
			Points []struct {
				VMs         int   `json:"planned_vms"`
				MemoryBytes int64 `json:"planned_memory_bytes"`
			} `json:"points"`
		} `json:"nodes"`
		Events []struct{ ID uuid.UUID } `json:"events"`
	}
	r.JSON(t, &capacity)
	require.Len(t, capacity.Nodes, 1)
	require.Len(t, capacity.Nodes[0].Points, 2)
	require.Equal(t, 6, capacity.Nodes[0].Points[1].VMs)
	require.Equal(t, int64(6*2048)<<20, capacity.Nodes[0].Points[1].MemoryBytes)
	require.Equal(t, ev.ID, capacity.Events[0].ID)

	r = s.Do(t, "PATCH", path, admin, map[string]any{"lead_time": "1m"})
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"lead_time"`)
	r = s.Do(t, "PATCH", path, admin, map[string]any{"lead_time": "1m", "force": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	r = s.Do(t, "GET", path+"/timeline?order=oldest", admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var timeline struct {
		Items []domain.EventActivity `json:"items"`
	}
	r.JSON(t, &timeline)
	kinds := make([]domain.EventActivityKind, len(timeline.Items))
	for i, a := range timeline.Items {
		kinds[i] = a.Kind
	}
	require.Equal(t, []domain.EventActivityKind{domain.EventActivityCreated, domain.EventActivityParticipantAdded,
		domain.EventActivityParticipantAdded, domain.EventActivityParticipantAdded, domain.EventActivityDatesChanged}, kinds)
}
