package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestE2ESharing shares on the real stack: an instructor shares an event
// with another instructor, who may then read it but not change or share
// it; a participant shares their VM's vm.start with a group, whose member
// may then start it until the participant revokes it; others may not
// share what is not theirs.
func TestE2ESharing(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{})
	s := l.s
	userID := func(token string) uuid.UUID {
		var me domain.User
		s.Do(t, "GET", "/api/v1/me", token, nil).JSON(t, &me)
		return me.ID
	}
	ivy, gus := l.user(t, "ivy", domain.RoleInstructor), l.user(t, "gus", domain.RoleParticipant)

	// An event shared for reading.
	r := s.Do(t, "POST", "/api/v1/environments", l.instructor, map[string]any{"name": "Linux lab", "machines": []map[string]any{{
		"template_id": l.template.ID, "name": "web", "count": 1, "clone_mode": "linked"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var env environmentFields
	r.JSON(t, &env)
	start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	r = s.Do(t, "POST", "/api/v1/events", l.instructor, map[string]any{"name": "Linux basics", "short_name": "shr-e2e",
		"environment_id": env.ID, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339)})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var ev eventFields
	r.JSON(t, &ev)
	event := "/api/v1/events/" + ev.ID.String()
	require.Equal(t, http.StatusNotFound, s.Do(t, "GET", event, ivy, nil).Status, "not shared yet")
	r = s.Do(t, "POST", event+"/permissions", ivy, map[string]any{"user_id": userID(ivy), "keys": []string{"read"}})
	require.Equal(t, http.StatusNotFound, r.Status, "one who cannot read the event cannot share it: %s", r.Body)

	r = s.Do(t, "POST", event+"/permissions", l.instructor, map[string]any{"user_id": userID(ivy), "keys": []string{"read"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, http.StatusOK, s.Do(t, "GET", event, ivy, nil).Status, "shared for reading")
	require.Equal(t, http.StatusForbidden, s.Do(t, "PATCH", event, ivy, map[string]any{"name": "mine"}).Status)
	r = s.Do(t, "POST", event+"/permissions", ivy, map[string]any{"user_id": userID(ivy), "keys": []string{"update"}})
	require.Equal(t, http.StatusForbidden, r.Status, "a reader cannot share: %s", r.Body)
	var grants struct {
		Items []domain.Permission `json:"items"`
	}
	r = s.Do(t, "GET", event+"/permissions", l.instructor, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &grants)
	require.Len(t, grants.Items, 2, "the owner's full and ivy's read")

	// A VM's start shared with a group.
	vm, created := l.createVM(t, "shared-1", false)
	awaitState(t, s, l.instructor, created, domain.OpCompleted)
	r = s.Do(t, "POST", "/api/v1/groups", l.admin, map[string]any{"name": "Pat's friends", "member_ids": []uuid.UUID{userID(gus)}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var group domain.Group
	r.JSON(t, &group)
	vmPath := "/api/v1/vms/" + vm.String()
	share := map[string]any{"group_id": group.ID, "keys": []string{"vm.start"}}
	require.Equal(t, http.StatusNotFound, s.Do(t, "POST", vmPath+"/actions/start", gus, nil).Status, "not shared yet")
	require.Equal(t, http.StatusNotFound, s.Do(t, "POST", vmPath+"/permissions", l.stranger, share).Status, "a stranger cannot share")
	require.Equal(t, http.StatusForbidden, s.Do(t, "POST", vmPath+"/permissions", l.instructor, share).Status,
		"its creator reads it but does not own it")
	r = s.Do(t, "POST", vmPath+"/permissions", l.pat, map[string]any{"group_id": group.ID, "keys": []string{"full"}})
	require.Equal(t, http.StatusForbidden, r.Status, "the owner shares only the keys they hold: %s", r.Body)

	r = s.Do(t, "POST", vmPath+"/permissions", l.pat, share)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = s.Do(t, "POST", vmPath+"/actions/start", gus, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "a member of the group starts the VM: %s", r.Body)
	awaitState(t, s, gus, r.Header.Get("Location"), domain.OpCompleted)
	require.Equal(t, http.StatusForbidden, s.Do(t, "POST", vmPath+"/actions/stop", gus, nil).Status, "start only")

	r = s.Do(t, "DELETE", vmPath+"/permissions?group_id="+group.ID.String(), l.pat, nil)
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	require.Equal(t, http.StatusNotFound, s.Do(t, "GET", vmPath, gus, nil).Status, "revoked")
	r = s.Do(t, "DELETE", vmPath+"/permissions?group_id="+group.ID.String(), l.pat, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "nothing left to revoke: %s", r.Body)

	// A custom role, given through the users API.
	r = s.Do(t, "POST", "/api/v1/roles", l.instructor, map[string]any{"name": "observer"})
	require.Equal(t, http.StatusForbidden, r.Status, "only administrators create roles: %s", r.Body)
	r = s.Do(t, "POST", "/api/v1/roles", l.admin, map[string]any{"name": "observer", "description": "Reads every event.",
		"permissions": []map[string]any{{"object_type": "event", "key": "read"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var roles struct {
		Items []struct {
			Name        string `json:"name"`
			Builtin     bool   `json:"builtin"`
			Permissions []struct {
				ObjectType string `json:"object_type"`
				Key        string `json:"key"`
			} `json:"permissions"`
		} `json:"items"`
	}
	r = s.Do(t, "GET", "/api/v1/roles", gus, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &roles)
	require.Len(t, roles.Items, 4)
	require.Equal(t, "observer", roles.Items[2].Name)
	require.False(t, roles.Items[2].Builtin)
	require.Len(t, roles.Items[2].Permissions, 1)

	gusPath := "/api/v1/users/" + userID(gus).String()
	r = s.Do(t, "PATCH", gusPath, l.admin, map[string]any{"roles": []string{"participant", "ghosts"}})
	require.Equal(t, http.StatusBadRequest, r.Status, "roles must exist: %s", r.Body)
	r = s.Do(t, "PATCH", gusPath, l.admin, map[string]any{"roles": []string{"participant", "observer"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	gus = s.Login(t, "gus", "a-long-enough-password-1")
	require.Equal(t, http.StatusOK, s.Do(t, "GET", event, gus, nil).Status, "observers read every event")

	require.Equal(t, http.StatusConflict, s.Do(t, "DELETE", "/api/v1/roles/instructor", l.admin, nil).Status)
	require.Equal(t, http.StatusNoContent, s.Do(t, "DELETE", "/api/v1/roles/observer", l.admin, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, "DELETE", "/api/v1/roles/observer", l.admin, nil).Status)
}
