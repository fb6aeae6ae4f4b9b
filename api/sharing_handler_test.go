package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// shareCall is what the fake PermissionStore was asked to share.
type shareCall struct {
	objectType string
	id         uuid.UUID
	to         domain.Grantee
	keys       []domain.Key
}

// fakeSharing makes the PermissionStore share and unshare in memory and
// returns the ShareObject calls it received.
func fakeSharing(h *fakeAPI) *[]shareCall {
	var calls []shareCall
	h.permissions.ShareObjectFn = func(_ context.Context, objectType string, id uuid.UUID, to domain.Grantee, keys []domain.Key) ([]domain.Permission, error) {
		calls = append(calls, shareCall{objectType, id, to, keys})
		out := make([]domain.Permission, len(keys))
		for i, k := range keys {
			out[i] = domain.Permission{ID: uuid.New(), ObjectType: objectType, ObjectID: &id, Key: k, UserID: to.UserID, GroupID: to.GroupID}
		}
		return out, nil
	}
	h.permissions.UnshareObjectFn = func(_ context.Context, objectType string, id uuid.UUID, from domain.Grantee, key domain.Key) ([]domain.Permission, error) {
		if key == "" || key == domain.KeyVMStart || key == domain.KeyRead {
			k := key
			if k == "" {
				k = domain.KeyRead
			}
			return []domain.Permission{{ID: uuid.New(), ObjectType: objectType, ObjectID: &id, Key: k, UserID: from.UserID, GroupID: from.GroupID}}, nil
		}
		return nil, domain.NotFoundf("no matching permission on %s %s", objectType, id)
	}
	h.permissions.ListPermissionsFn = func(_ context.Context, f domain.PermissionFilter) ([]domain.Permission, string, error) {
		return []domain.Permission{{ID: uuid.New(), ObjectType: f.ObjectType, ObjectID: f.ObjectID, Key: domain.KeyFull, UserID: &uuid.UUID{}}}, "", nil
	}
	return &calls
}

// TestHandlerShareEnvironment checks who may share an environment: those
// holding full on it; a reader gets 403 and a stranger 404.
func TestHandlerShareEnvironment(t *testing.T) {
	t.Parallel()
	path := "/api/v1/environments/" + routeEnvID.String() + "/permissions"
	reader := func(h *fakeAPI) *caller {
		c := h.addUser("rita", domain.RoleInstructor)
		h.grant(c, domain.ObjectEnvironment, routeEnvID, domain.KeyRead)
		return c
	}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		method string
		path   string
		status int
	}{
		{"owner shares", instructor, "POST", path, http.StatusCreated},
		{"owner lists", instructor, "GET", path, http.StatusOK},
		{"owner revokes", instructor, "DELETE", path + "?user_id=" + uuid.NewString(), http.StatusNoContent},
		{"admin shares", admin, "POST", path, http.StatusCreated},
		{"reader shares", reader, "POST", path, http.StatusForbidden},
		{"reader lists", reader, "GET", path, http.StatusForbidden},
		{"reader revokes", reader, "DELETE", path + "?user_id=" + uuid.NewString(), http.StatusForbidden},
		{"stranger shares", participant, "POST", path, http.StatusNotFound},
		{"stranger lists", participant, "GET", path, http.StatusNotFound},
		{"admin shares a missing environment", admin, "POST", "/api/v1/environments/" + uuid.NewString() + "/permissions", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEnvironments(h, h.instructor.ID())
			h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.OwnerKeys[domain.ObjectEnvironment]...)
			calls := fakeSharing(h)
			var body any
			if tc.method == "POST" {
				body = map[string]any{"user_id": h.participant.ID(), "keys": []string{"read", "update"}}
			}
			h.do(tc.as(h), tc.method, tc.path, body).requireStatus(t, tc.status)
			switch tc.status {
			case http.StatusCreated:
				require.Equal(t, []shareCall{{domain.ObjectEnvironment, routeEnvID, domain.Grantee{UserID: new(h.participant.ID())},
					[]domain.Key{domain.KeyRead, domain.KeyUpdate}}}, *calls)
				require.Equal(t, []string{"permission.grant"}, h.auditActions())
			case http.StatusNoContent:
				require.Equal(t, []string{"permission.revoke"}, h.auditActions())
			default:
				require.Empty(t, *calls)
				require.Empty(t, h.auditActions())
			}
		})
	}
}

// TestHandlerShareValidation sends invalid share and revoke requests: each
// answers 400 naming the bad field, and nothing is granted.
func TestHandlerShareValidation(t *testing.T) {
	t.Parallel()
	user, group := uuid.NewString(), uuid.NewString()
	envPath := "/api/v1/environments/" + routeEnvID.String() + "/permissions"
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   map[string]any
		fields map[string]string
	}{
		{"unknown key", "POST", envPath, map[string]any{"user_id": user, "keys": []string{"read", "own"}},
			map[string]string{"keys[1]": "must be one of read, update, delete, full for environment objects"}},
		{"another type's action key", "POST", envPath, map[string]any{"user_id": user, "keys": []string{"vm.start"}},
			map[string]string{"keys[0]": ""}},
		{"create is not shared", "POST", envPath, map[string]any{"group_id": group, "keys": []string{"create"}},
			map[string]string{"keys[0]": ""}},
		{"no keys", "POST", envPath, map[string]any{"user_id": user, "keys": []string{}}, map[string]string{"keys": "at least one"}},
		{"user and group", "POST", envPath, map[string]any{"user_id": user, "group_id": group, "keys": []string{"read"}},
			map[string]string{"user_id": "not both"}},
		{"no grantee", "POST", envPath, map[string]any{"keys": []string{"read"}}, map[string]string{"user_id": ""}},
		{"malformed group", "POST", envPath, map[string]any{"group_id": "class-a", "keys": []string{"read"}},
			map[string]string{"group_id": "must be a group id"}},
		{"revoke without grantee", "DELETE", envPath, nil, map[string]string{"user_id": ""}},
		{"revoke an unknown key", "DELETE", envPath + "?group_id=" + group + "&key=vm.start", nil, map[string]string{"key": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEnvironments(h, h.instructor.ID())
			h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.KeyFull)
			calls := fakeSharing(h)
			var body any
			if tc.body != nil {
				body = tc.body
			}
			h.do(h.instructor, tc.method, tc.path, body).requireFields(t, tc.fields)
			require.Empty(t, *calls)
			require.Empty(t, h.auditActions())
		})
	}
}

// TestHandlerShareVMAsOwner checks that a VM's owner, who holds only the
// owner keys on it, may share those and nothing more, and that a reader
// of the VM may not share it.
func TestHandlerShareVMAsOwner(t *testing.T) {
	t.Parallel()
	path := "/api/v1/vms/" + routeVMID.String() + "/permissions"
	group := uuid.New()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		method string
		path   string
		keys   []string
		status int
	}{
		{"owner shares start with a group", participant, "POST", path, []string{"vm.start"}, http.StatusCreated},
		{"owner shares full", participant, "POST", path, []string{"vm.start", "full"}, http.StatusForbidden},
		{"owner shares delete", participant, "POST", path, []string{"delete"}, http.StatusForbidden},
		{"owner lists", participant, "GET", path, nil, http.StatusOK},
		{"owner revokes the group's keys", participant, "DELETE", path + "?group_id=" + group.String(), nil, http.StatusNoContent},
		{"owner revokes start", participant, "DELETE", path + "?group_id=" + group.String() + "&key=vm.start", nil, http.StatusNoContent},
		{"owner revokes update", participant, "DELETE", path + "?group_id=" + group.String() + "&key=update", nil, http.StatusForbidden},
		{"owner revokes their own keys", participant, "DELETE", path, nil, http.StatusBadRequest},
		{"reader shares", instructor, "POST", path, []string{"vm.start"}, http.StatusForbidden},
		{"admin shares full", admin, "POST", path, []string{"full"}, http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			vmFakes(h, domain.GuestReady)
			calls := fakeSharing(h)
			var body any
			if tc.method == "POST" {
				body = map[string]any{"group_id": group, "keys": tc.keys}
			}
			p := tc.path
			if tc.name == "owner revokes their own keys" {
				p = path + "?user_id=" + h.participant.ID().String()
			}
			h.do(tc.as(h), tc.method, p, body).requireStatus(t, tc.status)
			if tc.status == http.StatusCreated {
				require.Len(t, *calls, 1)
				require.Equal(t, group, *(*calls)[0].to.GroupID)
			} else {
				require.Empty(t, *calls)
			}
		})
	}
}

// TestHandlerRoles lists, creates and deletes roles: any signed-in user
// lists them, only administrators change them.
func TestHandlerRoles(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*fakeAPI, *[]domain.Permission) {
		h := newFakeAPI(t)
		h.permissions.ListRolesFn = func(context.Context) ([]domain.Role, error) {
			return []domain.Role{{Name: "admin", Description: "All.", Builtin: true}, {Name: "assistant"}}, nil
		}
		h.permissions.RolePermissionsFn = func(context.Context) (map[string][]domain.Permission, error) {
			return map[string][]domain.Permission{"admin": {{ObjectType: "*", Key: domain.KeyFull, Role: "admin"}}}, nil
		}
		var created []domain.Permission
		h.permissions.CreateRoleFn = func(_ context.Context, r *domain.Role, perms []domain.Permission) error {
			created = perms
			return nil
		}
		h.permissions.DeleteRoleFn = func(_ context.Context, name string) error {
			if name == "admin" {
				return domain.Conflictf("role %q is built in and cannot be deleted", name)
			}
			return nil
		}
		return h, &created
	}

	t.Run("everyone lists", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		var got struct {
			Items []struct {
				Name        string `json:"name"`
				Permissions []struct {
					ObjectType string `json:"object_type"`
					Key        string `json:"key"`
				} `json:"permissions"`
			} `json:"items"`
		}
		h.do(h.participant, "GET", "/api/v1/roles", nil).json(t, &got)
		require.Len(t, got.Items, 2)
		require.Equal(t, "*", got.Items[0].Permissions[0].ObjectType)
		require.Empty(t, got.Items[1].Permissions)
	})
	t.Run("admin creates", func(t *testing.T) {
		t.Parallel()
		h, created := setup(t)
		body := map[string]any{"name": "assistant", "permissions": []map[string]any{{"object_type": "event", "key": "read"}}}
		h.do(h.admin, "POST", "/api/v1/roles", body).requireStatus(t, http.StatusCreated)
		require.Equal(t, []domain.Permission{{ObjectType: domain.ObjectEvent, Key: domain.KeyRead}}, *created)
		require.Equal(t, []string{"role.create"}, h.auditActions())
	})
	t.Run("instructor may not create", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		h.do(h.instructor, "POST", "/api/v1/roles", map[string]any{"name": "assistant"}).requireStatus(t, http.StatusForbidden)
	})
	t.Run("invalid role", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		body := map[string]any{"name": "Assistant", "permissions": []map[string]any{
			{"object_type": "event", "key": "read"}, {"object_type": "planet", "key": "own"}}}
		h.do(h.admin, "POST", "/api/v1/roles", body).requireFields(t, map[string]string{
			"name": "", "permissions[1].object_type": "", "permissions[1].key": ""})
	})
	t.Run("admin deletes a custom role", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		h.do(h.admin, "DELETE", "/api/v1/roles/assistant", nil).requireStatus(t, http.StatusNoContent)
		require.Equal(t, []string{"role.delete"}, h.auditActions())
	})
	t.Run("seeded roles stay", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		h.do(h.admin, "DELETE", "/api/v1/roles/admin", nil).requireStatus(t, http.StatusConflict)
	})
	t.Run("participant may not delete", func(t *testing.T) {
		t.Parallel()
		h, _ := setup(t)
		h.do(h.participant, "DELETE", "/api/v1/roles/assistant", nil).requireStatus(t, http.StatusForbidden)
	})
}
