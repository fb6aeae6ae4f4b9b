package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

var routeGroupID = uuid.MustParse("0c7a1c0e-8888-4b7e-9c1e-2f6a8e1d0101")

// storedGroup is the group the fake GroupStore knows in the group tests.
func storedGroup() domain.Group {
	return domain.Group{ID: routeGroupID, Name: "Class 3B", Description: "networking", MemberIDs: []uuid.UUID{}}
}

// fakeGroups lets the fake GroupStore find, list, create, change and
// delete storedGroup.
func fakeGroups(h *fakeAPI) {
	h.groups.FindGroupFn = finds(domain.ObjectGroup, routeGroupID, storedGroup())
	h.groups.ListGroupsFn = func(context.Context, domain.Page) ([]domain.Group, string, error) {
		return []domain.Group{storedGroup()}, "", nil
	}
	h.groups.CreateGroupFn = func(_ context.Context, g *domain.Group) error { g.ID = uuid.New(); return nil }
	h.groups.UpdateGroupFn = func(context.Context, *domain.Group) error { return nil }
	h.groups.DeleteGroupFn = func(context.Context, uuid.UUID) error { return nil }
	h.groups.AddGroupMemberFn = func(context.Context, uuid.UUID, uuid.UUID) error { return nil }
	h.groups.RemoveGroupMemberFn = func(context.Context, uuid.UUID, uuid.UUID) error { return nil }
	h.events.ListEventsFn = func(context.Context, domain.EventFilter) ([]domain.Event, string, error) { return nil, "", nil }
}

// TestHandlerGroupPermissions: administrators write groups, instructors
// read them, participants neither.
func TestHandlerGroupPermissions(t *testing.T) {
	t.Parallel()
	path := "/api/v1/groups/" + routeGroupID.String()
	create := map[string]any{"name": "Class 4A"}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		method string
		path   string
		body   any
		status int
	}{
		{"participant lists", participant, "GET", "/api/v1/groups", nil, http.StatusForbidden},
		{"instructor lists", instructor, "GET", "/api/v1/groups", nil, http.StatusOK},
		{"admin lists", admin, "GET", "/api/v1/groups", nil, http.StatusOK},
		{"participant reads", participant, "GET", path, nil, http.StatusNotFound},
		{"instructor reads", instructor, "GET", path, nil, http.StatusOK},
		{"instructor creates", instructor, "POST", "/api/v1/groups", create, http.StatusForbidden},
		{"admin creates", admin, "POST", "/api/v1/groups", create, http.StatusCreated},
		{"instructor renames", instructor, "PATCH", path, create, http.StatusForbidden},
		{"admin renames", admin, "PATCH", path, create, http.StatusOK},
		{"instructor deletes", instructor, "DELETE", path, nil, http.StatusForbidden},
		{"admin deletes", admin, "DELETE", path, nil, http.StatusNoContent},
		{"instructor adds a member", instructor, "POST", path + "/members", map[string]any{"user_id": routeUserID}, http.StatusForbidden},
		{"participant removes a member", participant, "DELETE", path + "/members/" + routeUserID.String(), nil, http.StatusNotFound},
		{"instructor removes a member", instructor, "DELETE", path + "/members/" + routeUserID.String(), nil, http.StatusForbidden},
		{"admin removes a member", admin, "DELETE", path + "/members/" + routeUserID.String(), nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeGroups(h)
			h.do(tc.as(h), tc.method, tc.path, tc.body).requireStatus(t, tc.status)
		})
	}
}

func TestHandlerGroupLifecycle(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeGroups(h)
	var created *domain.Group
	h.groups.CreateGroupFn = func(_ context.Context, g *domain.Group) error {
		g.ID, created = uuid.New(), g
		return nil
	}
	member := h.participant.ID()
	r := h.do(h.admin, "POST", "/api/v1/groups", map[string]any{"name": "Class 4A", "description": "routing",
		"member_ids": []uuid.UUID{member}})
	r.requireStatus(t, http.StatusCreated)
	require.Equal(t, []uuid.UUID{member}, created.MemberIDs)
	require.Equal(t, "/api/v1/groups/"+created.ID.String(), r.header.Get("Location"))

	var updated *domain.Group
	h.groups.UpdateGroupFn = func(_ context.Context, g *domain.Group) error { updated = g; return nil }
	h.do(h.admin, "PATCH", "/api/v1/groups/"+routeGroupID.String(), map[string]any{"description": "switching"}).requireStatus(t, http.StatusOK)
	require.Equal(t, "Class 3B", updated.Name, "an absent field keeps its value")
	require.Equal(t, "switching", updated.Description)

	var added uuid.UUID
	h.groups.AddGroupMemberFn = func(_ context.Context, _, user uuid.UUID) error { added = user; return nil }
	h.do(h.admin, "POST", "/api/v1/groups/"+routeGroupID.String()+"/members", map[string]any{"user_id": member}).requireStatus(t, http.StatusOK)
	require.Equal(t, member, added)

	require.Equal(t, []string{"group.create", "group.update", "group.member.add"}, h.auditActions())
}

func TestHandlerGroupValidation(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeGroups(h)
	h.do(h.admin, "POST", "/api/v1/groups", map[string]any{"name": ""}).requireFields(t, map[string]string{"name": ""})
	members := "/api/v1/groups/" + routeGroupID.String() + "/members"
	h.do(h.admin, "POST", members, map[string]any{"user_id": "ann"}).requireFields(t, map[string]string{"user_id": "user id"})
	h.do(h.admin, "POST", members, map[string]any{"user_id": uuid.New()}).requireFields(t, map[string]string{"user_id": "existing user"})
	h.groups.DeleteGroupFn = func(context.Context, uuid.UUID) error {
		return domain.Errorf(domain.KindConflict, "group %s still takes part in events", routeGroupID)
	}
	h.do(h.admin, "DELETE", "/api/v1/groups/"+routeGroupID.String(), nil).requireStatus(t, http.StatusConflict)
	h.do(h.admin, "DELETE", members+"/bob", nil).requireStatus(t, http.StatusNotFound)
	require.Empty(t, h.auditActions())
}
