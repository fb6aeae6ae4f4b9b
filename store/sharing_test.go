package store_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestGroupGrantsReachTheGroupsMembersOnly(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	member, outsider := newUser(ctx, t, db), newUser(ctx, t, db)
	g := &domain.Group{Name: "class-a", MemberIDs: []uuid.UUID{member.ID}}
	require.NoError(t, db.CreateGroup(ctx, g))
	vm := id()

	granted, err := db.ShareObject(ctx, domain.ObjectVM, vm, domain.Grantee{GroupID: &g.ID}, []domain.Key{domain.KeyVMStart})
	require.NoError(t, err)
	require.Len(t, granted, 1)
	require.Equal(t, g.ID, *granted[0].GroupID)
	require.Nil(t, granted[0].UserID)

	obj := domain.Ref(domain.ObjectVM, vm)
	s := domain.Subject{UserID: member.ID, Roles: member.Roles}
	perms, err := db.PermissionsFor(ctx, s, obj)
	require.NoError(t, err)
	require.NoError(t, domain.Authorize(s, perms, obj, domain.KeyVMStart), "a member holds the group's grant")
	require.Error(t, domain.Authorize(s, perms, obj, domain.KeyVMStop))

	o := domain.Subject{UserID: outsider.ID, Roles: outsider.Roles}
	perms, err = db.PermissionsFor(ctx, o, obj)
	require.NoError(t, err)
	requireKind(t, domain.Authorize(o, perms, obj, domain.KeyVMStart), domain.KindNotFound, "")

	listed, _, err := db.ListPermissions(ctx, domain.PermissionFilter{ObjectType: domain.ObjectVM, ObjectID: &vm})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	require.Nil(t, listed[0].UserID, "the listing shows the grant as the group's")
	require.Equal(t, g.ID, *listed[0].GroupID)

	require.NoError(t, db.RemoveGroupMember(ctx, g.ID, member.ID))
	perms, err = db.PermissionsFor(ctx, s, obj)
	require.NoError(t, err)
	require.Empty(t, perms, "a former member holds nothing")

	require.NoError(t, db.DeleteGroup(ctx, g.ID))
	listed, _, err = db.ListPermissions(ctx, domain.PermissionFilter{ObjectType: domain.ObjectVM, ObjectID: &vm})
	require.NoError(t, err)
	require.Empty(t, listed, "deleting the group deletes its grants")
}

func TestShareAndUnshareObject(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)
	ev := id()
	to := domain.Grantee{UserID: &u.ID}

	first, err := db.ShareObject(ctx, domain.ObjectEvent, ev, to, []domain.Key{domain.KeyRead, domain.KeyEventManage})
	require.NoError(t, err)
	again, err := db.ShareObject(ctx, domain.ObjectEvent, ev, to, []domain.Key{domain.KeyRead})
	require.NoError(t, err)
	require.Equal(t, first[0].ID, again[0].ID, "sharing twice finds the first grant")

	ghost := id()
	_, err = db.ShareObject(ctx, domain.ObjectEvent, ev, domain.Grantee{GroupID: &ghost}, []domain.Key{domain.KeyRead})
	requireKind(t, err, domain.KindInvalid, "group "+ghost.String()+" does not exist")

	gone, err := db.UnshareObject(ctx, domain.ObjectEvent, ev, to, domain.KeyEventManage)
	require.NoError(t, err)
	require.Len(t, gone, 1)
	require.Equal(t, domain.KeyEventManage, gone[0].Key)
	_, err = db.UnshareObject(ctx, domain.ObjectEvent, ev, to, domain.KeyEventManage)
	requireKind(t, err, domain.KindNotFound, "")
	gone, err = db.UnshareObject(ctx, domain.ObjectEvent, ev, to, "")
	require.NoError(t, err)
	require.Len(t, gone, 1, "without a key every remaining grant goes")
}

func TestCustomRoleWithPermissions(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	r := &domain.Role{Name: "assistant", Description: "Helps instructors."}
	perms := []domain.Permission{{ObjectType: domain.ObjectEvent, Key: domain.KeyRead}, {ObjectType: domain.ObjectVM, Key: domain.KeyVMReset}}
	require.NoError(t, db.CreateRoleWithPermissions(ctx, r, perms))
	byRole, err := db.RolePermissions(ctx)
	require.NoError(t, err)
	require.Len(t, byRole["assistant"], 2)
	require.Len(t, byRole[domain.RoleAdmin], 1)

	u := newUser(ctx, t, db, "assistant")
	s := domain.Subject{UserID: u.ID, Roles: u.Roles}
	obj := domain.Ref(domain.ObjectVM, id())
	got, err := db.PermissionsFor(ctx, s, obj)
	require.NoError(t, err)
	require.NoError(t, domain.Authorize(s, got, obj, domain.KeyVMReset))

	dup := &domain.Role{Name: "assistant"}
	requireKind(t, db.CreateRoleWithPermissions(ctx, dup, nil), domain.KindConflict, "")
	bad := &domain.Role{Name: "broken"}
	require.Error(t, db.CreateRoleWithPermissions(ctx, bad, []domain.Permission{{ObjectType: domain.ObjectVM, Key: "nope"}}))
	roles, err := db.ListRoles(ctx)
	require.NoError(t, err)
	for _, x := range roles {
		require.NotEqual(t, "broken", x.Name, "a failed create leaves no role behind")
	}

	require.NoError(t, db.DeleteRole(ctx, "assistant"))
	byRole, err = db.RolePermissions(ctx)
	require.NoError(t, err)
	require.Empty(t, byRole["assistant"])
}

func TestObjectsSharedWithAGroupAreListedForItsMembers(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner, member, outsider := newUser(ctx, t, db, "instructor"), newUser(ctx, t, db), newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	env := newEnvironment(ctx, t, db, owner, tpl)
	ev := newEvent(ctx, t, db, owner, env)
	g := &domain.Group{Name: unique("group"), MemberIDs: []uuid.UUID{member.ID}}
	require.NoError(t, db.CreateGroup(ctx, g))
	to := domain.Grantee{GroupID: &g.ID}
	_, err := db.ShareObject(ctx, domain.ObjectEnvironment, env.ID, to, []domain.Key{domain.KeyRead})
	require.NoError(t, err)
	_, err = db.ShareObject(ctx, domain.ObjectEvent, ev.ID, to, []domain.Key{domain.KeyRead})
	require.NoError(t, err)

	for _, tc := range []struct {
		user *domain.User
		want int
	}{{member, 1}, {outsider, 0}} {
		envs, _, err := db.ListEnvironments(ctx, domain.EnvironmentFilter{VisibleTo: &tc.user.ID})
		require.NoError(t, err)
		require.Len(t, envs, tc.want)
		evs, _, err := db.ListEvents(ctx, domain.EventFilter{VisibleTo: &tc.user.ID})
		require.NoError(t, err)
		require.Len(t, evs, tc.want)
	}
}
