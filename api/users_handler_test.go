package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// validUserRequest is an account every check accepts. The tests below
// never let one through: hashing its password takes longer than they may.
func validUserRequest() map[string]any {
	return map[string]any{
		"username": "ada", "email": "ada@example.org", "display_name": "Ada Lovelace",
		"roles": []string{domain.RoleInstructor}, "password": "analytical-engine-1843",
	}
}

// TestHandlerCreateUserValidation sends invalid accounts: each answers 400
// naming every bad field, before any password is hashed or user stored.
func TestHandlerCreateUserValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		changes map[string]any
		fields  map[string]string
	}{
		{"username with a space", map[string]any{"username": "Ada L"}, map[string]string{"username": "must be 2-63 characters"}},
		{"one-letter username", map[string]any{"username": "a"}, map[string]string{"username": "must be 2-63 characters"}},
		{"no username", map[string]any{"username": nil}, map[string]string{"username": ""}},
		{"bad email", map[string]any{"email": "ada at example"}, map[string]string{"email": "must be an e-mail address"}},
		{"email with a name", map[string]any{"email": "Ada <ada@example.org>"}, map[string]string{"email": "must be an e-mail address"}},
		{"display name with a newline", map[string]any{"display_name": "Ada\nLovelace"}, map[string]string{"display_name": "printable"}},
		{"display name too long", map[string]any{"display_name": strings.Repeat("a", 201)}, map[string]string{"display_name": "at most 200"}},
		{"empty roles", map[string]any{"roles": []string{}}, map[string]string{"roles": "at least one role"}},
		{"bad role name", map[string]any{"roles": []string{"Admin!"}}, map[string]string{"roles": "lower-case"}},
		{"short password", map[string]any{"password": "short"}, map[string]string{"password": "at least 12"}},
		{"long password", map[string]any{"password": strings.Repeat("p", 257)}, map[string]string{"password": "at most 256"}},
		{"no password", map[string]any{"password": nil}, map[string]string{"password": "at least 12"}},
		{"everything", map[string]any{"username": "A", "email": "x", "roles": []string{}, "password": ""},
			map[string]string{"username": "", "email": "", "roles": "", "password": ""}},
		{"unknown field", map[string]any{"is_admin": true}, map[string]string{"is_admin": "is not a known field"}},
		{"username as a number", map[string]any{"username": 7}, map[string]string{"username": "must be of type string"}},
		{"roles as a string", map[string]any{"roles": "admin"}, map[string]string{"roles": "must be of type array"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			r := h.do(h.admin, "POST", "/api/v1/users", with(validUserRequest(), tc.changes))
			r.requireFields(t, tc.fields)
			require.NotContains(t, string(r.body), "analytical-engine-1843")
		})
	}
}

// TestHandlerUpdateUserValidation sends invalid changes to an account.
func TestHandlerUpdateUserValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields map[string]string
	}{
		{"bad email", map[string]any{"email": "nope"}, map[string]string{"email": "must be an e-mail address"}},
		{"empty roles", map[string]any{"roles": []string{}}, map[string]string{"roles": "at least one role"}},
		{"short password", map[string]any{"password": "short"}, map[string]string{"password": "at least 12"}},
		{"blank display name", map[string]any{"display_name": " "}, map[string]string{"display_name": "printable"}},
		{"several", map[string]any{"email": "", "roles": []string{"x y"}, "password": ""},
			map[string]string{"email": "", "roles": "", "password": ""}},
		{"username cannot change", map[string]any{"username": "ada2"}, map[string]string{"username": "is not a known field"}},
		{"disabled as text", map[string]any{"disabled": "yes"}, map[string]string{"disabled": "must be of type boolean"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.do(h.admin, "PATCH", "/api/v1/users/"+h.instructor.ID().String(), tc.body).requireFields(t, tc.fields)
		})
	}
}

// TestHandlerUserPermissions checks who may see and change accounts:
// administrators only by default; without read access an account is not
// found, with read but not the key needed the answer is 403.
func TestHandlerUserPermissions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		keys   []domain.Key // granted to the caller on the participant's account
		method string
		path   string // "{pat}" stands for the participant's id
		body   any
		status int
	}{
		{name: "instructor lists", as: instructor, method: "GET", path: "/api/v1/users", status: http.StatusForbidden},
		{name: "participant lists", as: participant, method: "GET", path: "/api/v1/users", status: http.StatusForbidden},
		{name: "instructor creates", as: instructor, method: "POST", path: "/api/v1/users", body: validUserRequest(), status: http.StatusForbidden},
		{name: "instructor reads", as: instructor, method: "GET", path: "/api/v1/users/{pat}", status: http.StatusNotFound},
		{name: "instructor reads a malformed id", as: instructor, method: "GET", path: "/api/v1/users/pat", status: http.StatusNotFound},
		{name: "instructor reads with read", as: instructor, keys: []domain.Key{domain.KeyRead}, method: "GET", path: "/api/v1/users/{pat}", status: http.StatusOK},
		{name: "instructor updates", as: instructor, method: "PATCH", path: "/api/v1/users/{pat}", body: map[string]any{"disabled": true}, status: http.StatusNotFound},
		{name: "instructor updates with read", as: instructor, keys: []domain.Key{domain.KeyRead}, method: "PATCH", path: "/api/v1/users/{pat}",
			body: map[string]any{"disabled": true}, status: http.StatusForbidden},
		{name: "instructor updates with update", as: instructor, keys: []domain.Key{domain.KeyUpdate}, method: "PATCH", path: "/api/v1/users/{pat}",
			body: map[string]any{"disabled": true}, status: http.StatusOK},
		{name: "instructor deletes", as: instructor, method: "DELETE", path: "/api/v1/users/{pat}", status: http.StatusNotFound},
		{name: "instructor deletes with update", as: instructor, keys: []domain.Key{domain.KeyUpdate}, method: "DELETE", path: "/api/v1/users/{pat}",
			status: http.StatusForbidden},
		{name: "instructor deletes with delete", as: instructor, keys: []domain.Key{domain.KeyDelete}, method: "DELETE", path: "/api/v1/users/{pat}",
			status: http.StatusNoContent},
		{name: "admin reads", as: admin, method: "GET", path: "/api/v1/users/{pat}", status: http.StatusOK},
		{name: "admin reads an unknown id", as: admin, method: "GET", path: "/api/v1/users/" + uuid.NewString(), status: http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			h.grant(c, domain.ObjectUser, h.participant.ID(), tc.keys...)
			if tc.status < 400 {
				h.users.UpdateUserFn = func(context.Context, *domain.User) error { return nil }
				h.users.DeleteUserFn = func(context.Context, uuid.UUID) error { return nil }
			}
			r := h.do(c, tc.method, strings.ReplaceAll(tc.path, "{pat}", h.participant.ID().String()), tc.body)
			r.requireStatus(t, tc.status)
			if tc.status >= 400 {
				require.Empty(t, h.auditActions(), "a refused request changed nothing")
			}
		})
	}
}

// TestHandlerKeepsAnAdmin checks that the last enabled administrator can
// be neither demoted, disabled nor deleted, and that any of these is fine
// while another administrator remains.
func TestHandlerKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		method string
		body   any
		admins int
		status int
	}{
		{"demote the last", "PATCH", map[string]any{"roles": []string{domain.RoleInstructor}}, 1, http.StatusConflict},
		{"disable the last", "PATCH", map[string]any{"disabled": true}, 1, http.StatusConflict},
		{"delete the last", "DELETE", nil, 1, http.StatusConflict},
		{"demote one of two", "PATCH", map[string]any{"roles": []string{domain.RoleInstructor}}, 2, http.StatusOK},
		{"delete one of two", "DELETE", nil, 2, http.StatusNoContent},
		{"rename the last", "PATCH", map[string]any{"display_name": "The Admin"}, 1, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.users.CountUsersWithRoleFn = func(_ context.Context, role string) (int, error) {
				require.Equal(t, domain.RoleAdmin, role)
				return tc.admins, nil
			}
			var updated *domain.User
			if tc.status < 400 {
				h.users.UpdateUserFn = func(_ context.Context, u *domain.User) error {
					updated = u
					return nil
				}
				h.users.DeleteUserFn = func(context.Context, uuid.UUID) error { return nil }
			}
			r := h.do(h.admin, tc.method, "/api/v1/users/"+h.admin.ID().String(), tc.body)
			if tc.status == http.StatusConflict {
				e := r.requireError(t, tc.status, domain.KindConflict)
				require.Contains(t, e.Message, "admin is the last enabled administrator")
				require.Empty(t, h.auditActions())
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			if tc.method == "PATCH" {
				require.NotNil(t, updated)
				require.NotContains(t, string(r.body), "password")
			}
		})
	}
}

// TestHandlerListUsers checks paging parameters reach the store and that
// no password hash leaves it.
func TestHandlerListUsers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		query  string
		fields map[string]string
		page   domain.Page
	}{
		{name: "default page", page: domain.Page{Limit: domain.DefaultPageLimit}},
		{name: "limit and cursor", query: "?limit=2&cursor=bob", page: domain.Page{Limit: 2, Cursor: "bob"}},
		{name: "limit zero", query: "?limit=0", fields: map[string]string{"limit": "from 1 to 500"}},
		{name: "negative limit", query: "?limit=-5", fields: map[string]string{"limit": "from 1 to 500"}},
		{name: "limit too high", query: "?limit=501", fields: map[string]string{"limit": "from 1 to 500"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			if tc.fields != nil {
				h.do(h.admin, "GET", "/api/v1/users"+tc.query, nil).requireFields(t, tc.fields)
				return
			}
			var got domain.Page
			h.users.ListUsersFn = func(_ context.Context, p domain.Page) ([]domain.User, string, error) {
				got = p
				return []domain.User{{ID: uuid.New(), Username: "ada", Source: domain.AuthLocal, Roles: []string{domain.RoleInstructor}, PasswordHash: "$argon2id$v=19$secret"}}, "", nil
			}
			r := h.do(h.admin, "GET", "/api/v1/users"+tc.query, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, tc.page, got)
			require.NotContains(t, string(r.body), "argon2")
		})
	}
}
