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

// TestE2EInstructorPlansAnEvent runs the planning half of an event on the
// real stack: an administrator makes a group, an instructor an environment
// with a connection password and an event for the group, and a
// participant sees the event but cannot change it.
func TestE2EInstructorPlansAnEvent(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := s.AdminToken(t)
	const pw = "analytical-engine-1843"
	users := map[string]uuid.UUID{}
	for _, u := range []struct{ name, role string }{{"ines", domain.RoleInstructor}, {"ann", domain.RoleParticipant}, {"bob", domain.RoleParticipant}} {
		r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": u.name, "email": u.name + "@example.org",
			"roles": []string{u.role}, "password": pw})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var created domain.User
		r.JSON(t, &created)
		users[u.name] = created.ID
	}
	ines, ann := s.Login(t, "ines", pw), s.Login(t, "ann", pw)
	node := &domain.Node{Name: "pve1", Cluster: "lab", Endpoint: "https://pve1:8006", TokenID: "labforge@pve!t", TokenSecret: "s",
		Storages: []string{"local-lvm"}, Bridge: "vmbr0", CloneConcurrency: 2}
	require.NoError(t, s.Platform.DB.CreateNode(ctx, node))
	tpl := &domain.VMTemplate{NodeID: node.ID, Cluster: "lab", VMID: 9000, Kind: domain.GuestQEMU, Name: "win11", Status: "stopped"}
	require.NoError(t, s.Platform.DB.UpsertTemplate(ctx, tpl))

	r := s.Do(t, "POST", "/api/v1/groups", admin, map[string]any{"name": "Class 3B", "member_ids": []uuid.UUID{users["ann"], users["bob"]}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var group domain.Group
	r.JSON(t, &group)
	require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/groups/"+group.ID.String(), ines, nil).Status, "instructors read groups")

	r = s.Do(t, "POST", "/api/v1/environments", ines, map[string]any{"name": "Windows lab", "machines": []map[string]any{{
		"template_id": tpl.ID, "name": "desktop", "count": 2,
		"connections": []map[string]any{{"protocol": "rdp", "username": "student", "password": "P@ssw0rd-lab"}},
	}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "P@ssw0rd")
	var env environmentFields
	r.JSON(t, &env)
	require.True(t, env.Machines[0].Connections[0].HasPassword)

	start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	event := map[string]any{"name": "Windows basics", "short_name": "win-01", "environment_id": env.ID,
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(6 * time.Hour).Format(time.RFC3339)}
	r = s.Do(t, "POST", "/api/v1/events", ines, event)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev domain.Event
	r.JSON(t, &ev)
	r = s.Do(t, "POST", "/api/v1/events", ines, event)
	require.Equal(t, http.StatusConflict, r.Status, "a live event holds the short name: %s", r.Body)
	require.Contains(t, string(r.Body), `"short_name"`)

	path := "/api/v1/events/" + ev.ID.String()
	require.Equal(t, http.StatusOK, s.Do(t, "POST", path+"/participants", ines, map[string]any{"group_id": group.ID}).Status)
	r = s.Do(t, "POST", path+"/participants", ines, map[string]any{"user_id": users["bob"], "role": "instructor"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var parts struct {
		Members []domain.EventMember `json:"members"`
	}
	r.JSON(t, &parts)
	require.Len(t, parts.Members, 2)
	require.Equal(t, domain.EventRoleParticipant, parts.Members[0].Role, "ann through the group")
	require.Equal(t, domain.EventRoleInstructor, parts.Members[1].Role, "bob's instructor role wins")

	r = s.Do(t, "GET", "/api/v1/events", ann, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), ev.ID.String(), "ann sees the event she takes part in through her group")
	require.Equal(t, http.StatusOK, s.Do(t, "GET", path+"/overview", ann, nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, "PATCH", path, ann, map[string]any{"name": "mine"}).Status)
	bob := s.Login(t, "bob", pw)
	require.Equal(t, http.StatusOK, s.Do(t, "PATCH", path, bob, map[string]any{"description": "bring a laptop"}).Status)

	snap, err := s.Platform.DB.SnapshotEnvironment(ctx, ev.ID)
	require.NoError(t, err)
	keys, err := s.Platform.Config.Keyring()
	require.NoError(t, err)
	plain, err := keys.Open(snap.Machines[0].Connections[0].Password)
	require.NoError(t, err)
	require.Equal(t, "P@ssw0rd-lab", plain, "the snapshot keeps the sealed password")
	r = s.Do(t, "PATCH", "/api/v1/environments/"+env.ID.String(), ines, map[string]any{"machines": []map[string]any{{
		"template_id": tpl.ID, "name": "desktop", "count": 1, "connections": []map[string]any{{"protocol": "rdp", "username": "student"}},
	}}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"has_password":true`, "an absent password is kept")
	snap, err = s.Platform.DB.EnvironmentSnapshot(ctx, ev.ID)
	require.NoError(t, err)
	require.Equal(t, 2, snap.Machines[0].Count, "the deployed event keeps its snapshot")

	require.Equal(t, http.StatusNoContent, s.Do(t, "DELETE", path, ines, nil).Status)
	require.Equal(t, http.StatusCreated, s.Do(t, "POST", "/api/v1/events", ines, event).Status, "the short name is free again")
}

// environmentFields is the part of an environment these tests read.
type environmentFields struct {
	ID       uuid.UUID `json:"id"`
	Machines []struct {
		Connections []struct {
			HasPassword bool `json:"has_password"`
		} `json:"connections"`
	} `json:"machines"`
}
