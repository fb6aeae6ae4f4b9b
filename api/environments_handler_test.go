package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

var routeEnvID = uuid.MustParse("0c7a1c0e-8888-4b7e-9c1e-2f6a8e1d0102")

// validEnvironmentRequest is an environment every check accepts.
func validEnvironmentRequest() map[string]any {
	return map[string]any{"name": "Networking 101", "description": "two routers", "machines": []map[string]any{{
		"template_id": routeTplID, "name": "router", "count": 2, "clone_mode": "full",
		"connections": []map[string]any{
			{"protocol": "ssh", "username": "student", "password": "hunter2-secret"},
			{"protocol": "rdp", "port": 3390},
		},
	}}}
}

// storedEnvironment is owner's environment, with one sealed password.
func storedEnvironment(h *fakeAPI, owner uuid.UUID) domain.Environment {
	return domain.Environment{ID: routeEnvID, Name: "Networking 101", OwnerID: owner, Machines: []domain.EnvironmentMachine{{
		TemplateID: routeTplID, Name: "router", Count: 1, CloneMode: domain.CloneLinked,
		Connections: []domain.ConnectionTemplate{{Protocol: "ssh", Username: "student", Password: h.keys.Seal("old-secret")}},
	}}}
}

// fakeEnvironments lets the fakes find the template and owner's
// environment, and store environments.
func fakeEnvironments(h *fakeAPI, owner uuid.UUID) {
	h.templates.FindTemplateFn = finds(domain.ObjectTemplate, routeTplID, domain.VMTemplate{ID: routeTplID, Name: "debian", Kind: domain.GuestQEMU})
	h.environments.FindEnvironmentFn = finds(domain.ObjectEnvironment, routeEnvID, storedEnvironment(h, owner))
	h.environments.CreateEnvironmentFn = func(_ context.Context, e *domain.Environment) error { e.ID = uuid.New(); return nil }
	h.environments.UpdateEnvironmentFn = func(context.Context, *domain.Environment) error { return nil }
	h.environments.DeleteEnvironmentFn = func(context.Context, uuid.UUID) error { return nil }
	h.environments.ListEnvironmentsFn = func(context.Context, domain.EnvironmentFilter) ([]domain.Environment, string, error) {
		return []domain.Environment{storedEnvironment(h, owner)}, "", nil
	}
}

// TestHandlerEnvironmentPasswordsAreSealedAndNeverShown creates an
// environment with a password: the store receives it sealed, the answer
// and the audit record say only has_password.
func TestHandlerEnvironmentPasswordsAreSealedAndNeverShown(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEnvironments(h, h.instructor.ID())
	var stored *domain.Environment
	h.environments.CreateEnvironmentFn = func(_ context.Context, e *domain.Environment) error {
		e.ID, stored = uuid.New(), e
		return nil
	}
	r := h.do(h.instructor, "POST", "/api/v1/environments", validEnvironmentRequest())
	r.requireStatus(t, http.StatusCreated)
	require.Equal(t, h.instructor.ID(), stored.OwnerID)
	m := stored.Machines[0]
	require.Equal(t, 2, m.Count)
	require.Equal(t, domain.CloneFull, m.CloneMode)
	plain, err := h.keys.Open(m.Connections[0].Password)
	require.NoError(t, err)
	require.Equal(t, "hunter2-secret", plain)
	require.Nil(t, m.Connections[1].Password)

	require.NotContains(t, string(r.body), "hunter2")
	require.NotContains(t, string(r.body), "ciphertext")
	var view struct {
		Machines []struct {
			Connections []struct {
				HasPassword bool `json:"has_password"`
			} `json:"connections"`
		} `json:"machines"`
	}
	r.json(t, &view)
	require.True(t, view.Machines[0].Connections[0].HasPassword)
	require.False(t, view.Machines[0].Connections[1].HasPassword)

	audit, err := json.Marshal(h.auditRecords())
	require.NoError(t, err)
	require.Contains(t, string(audit), "has_password")
	require.NotContains(t, string(audit), "hunter2")
	require.NotContains(t, string(audit), "ciphertext")
	require.NotContains(t, h.logs.String(), "hunter2")
}

// TestHandlerEnvironmentUpdateKeepsPasswords: on PATCH an absent password
// keeps the stored one, "" removes it, a new one is sealed.
func TestHandlerEnvironmentUpdateKeepsPasswords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		password any
		want     string
	}{
		{"absent keeps", nil, "old-secret"},
		{"empty removes", "", ""},
		{"new replaces", "new-secret", "new-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEnvironments(h, h.instructor.ID())
			h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.OwnerKeys[domain.ObjectEnvironment]...)
			var stored *domain.Environment
			h.environments.UpdateEnvironmentFn = func(_ context.Context, e *domain.Environment) error { stored = e; return nil }
			conn := map[string]any{"protocol": "ssh", "username": "student"}
			if tc.password != nil {
				conn["password"] = tc.password
			}
			body := map[string]any{"machines": []map[string]any{{"template_id": routeTplID, "name": "router",
				"connections": []map[string]any{conn}}}}
			h.do(h.instructor, "PATCH", "/api/v1/environments/"+routeEnvID.String(), body).requireStatus(t, http.StatusOK)
			pw := stored.Machines[0].Connections[0].Password
			if tc.want == "" {
				require.Nil(t, pw)
				return
			}
			plain, err := h.keys.Open(pw)
			require.NoError(t, err)
			require.Equal(t, tc.want, plain)
			require.Equal(t, "Networking 101", stored.Name, "an absent field keeps its value")
		})
	}
}

func TestHandlerEnvironmentValidation(t *testing.T) {
	t.Parallel()
	machine := func(changes map[string]any) map[string]any {
		return with(map[string]any{"template_id": routeTplID, "name": "router"}, changes)
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields map[string]string
	}{
		{"no machines", map[string]any{"name": "x", "machines": []any{}}, map[string]string{"machines": ""}},
		{"unknown template", map[string]any{"name": "x", "machines": []any{machine(map[string]any{"template_id": uuid.New()})}},
			map[string]string{"machines[0].template_id": "existing template"}},
		{"malformed template", map[string]any{"name": "x", "machines": []any{machine(map[string]any{"template_id": "debian"})}},
			map[string]string{"machines[0].template_id": "template id"}},
		{"count and clone mode", map[string]any{"name": "x", "machines": []any{machine(map[string]any{"count": 11, "clone_mode": "copy"})}},
			map[string]string{"machines[0].count": "between 1 and 10", "machines[0].clone_mode": "linked or full"}},
		{"bad connection", map[string]any{"name": "x", "machines": []any{machine(nil), machine(map[string]any{"name": "db", "connections": []any{
			map[string]any{"protocol": "ssh"},
			map[string]any{"protocol": "telnet", "port": 70000, "password": string(make([]byte, 300))},
		}})}}, map[string]string{"machines[1].connections[1].protocol": "", "machines[1].connections[1].port": "",
			"machines[1].connections[1].password": "256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEnvironments(h, h.instructor.ID())
			h.do(h.instructor, "POST", "/api/v1/environments", tc.body).requireFields(t, tc.fields)
			require.Empty(t, h.auditActions())
		})
	}
}

// TestHandlerEnvironmentPasswordWithoutKey: without LABFORGE_SECRET_KEY a
// password is refused, naming its field.
func TestHandlerEnvironmentPasswordWithoutKey(t *testing.T) {
	t.Parallel()
	h := newFakeAPIWithoutKeys(t)
	h.templates.FindTemplateFn = finds(domain.ObjectTemplate, routeTplID, domain.VMTemplate{ID: routeTplID, Name: "debian", Kind: domain.GuestQEMU})
	h.do(h.instructor, "POST", "/api/v1/environments", validEnvironmentRequest()).requireFields(t, map[string]string{
		"machines[0].connections[0].password": "LABFORGE_SECRET_KEY",
	})
}

// TestHandlerEnvironmentPermissions: instructors create; owners and
// administrators edit; others only with a grant.
func TestHandlerEnvironmentPermissions(t *testing.T) {
	t.Parallel()
	path := "/api/v1/environments/" + routeEnvID.String()
	patch := map[string]any{"name": "Renamed"}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		keys   []domain.Key
		method string
		path   string
		body   any
		status int
	}{
		{"participant creates", participant, nil, "POST", "/api/v1/environments", validEnvironmentRequest(), http.StatusForbidden},
		{"instructor creates", instructor, nil, "POST", "/api/v1/environments", validEnvironmentRequest(), http.StatusCreated},
		{"participant reads", participant, nil, "GET", path, nil, http.StatusNotFound},
		{"participant reads with read", participant, []domain.Key{domain.KeyRead}, "GET", path, nil, http.StatusOK},
		{"participant edits with read", participant, []domain.Key{domain.KeyRead}, "PATCH", path, patch, http.StatusForbidden},
		{"owner reads", instructor, []domain.Key{domain.KeyFull}, "GET", path, nil, http.StatusOK},
		{"owner edits", instructor, []domain.Key{domain.KeyFull}, "PATCH", path, patch, http.StatusOK},
		{"owner deletes", instructor, []domain.Key{domain.KeyFull}, "DELETE", path, nil, http.StatusNoContent},
		{"another instructor edits", instructor, nil, "PATCH", path, patch, http.StatusNotFound},
		{"admin edits", admin, nil, "PATCH", path, patch, http.StatusOK},
		{"admin deletes", admin, nil, "DELETE", path, nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			h.grant(c, domain.ObjectEnvironment, routeEnvID, tc.keys...)
			fakeEnvironments(h, h.admin.ID())
			h.do(c, tc.method, tc.path, tc.body).requireStatus(t, tc.status)
		})
	}
}

// TestHandlerEnvironmentList: administrators list every environment;
// others see those they own or were granted.
func TestHandlerEnvironmentList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		as      func(h *fakeAPI) *caller
		visible bool
	}{
		{"admin", admin, false},
		{"instructor", instructor, true},
		{"participant", participant, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEnvironments(h, h.instructor.ID())
			var filter domain.EnvironmentFilter
			h.environments.ListEnvironmentsFn = func(_ context.Context, f domain.EnvironmentFilter) ([]domain.Environment, string, error) {
				filter = f
				return []domain.Environment{storedEnvironment(h, h.instructor.ID())}, "", nil
			}
			c := tc.as(h)
			r := h.do(c, "GET", "/api/v1/environments", nil)
			r.requireStatus(t, http.StatusOK)
			require.NotContains(t, string(r.body), "old-secret")
			if tc.visible {
				require.Equal(t, c.ID(), *filter.VisibleTo)
			} else {
				require.Nil(t, filter.VisibleTo)
			}
		})
	}
}
