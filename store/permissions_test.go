package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestSeededRolesAndPermissionsMatchTheDomain(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	roles, err := db.ListRoles(ctx)
	require.NoError(t, err)
	var names []string
	for _, r := range roles {
		require.True(t, r.Builtin)
		require.NotEmpty(t, r.Description)
		names = append(names, r.Name)
	}
	require.ElementsMatch(t, domain.BuiltinRoles, names)

	seeded, _, err := db.ListPermissions(ctx, domain.PermissionFilter{Page: domain.Page{Limit: 100}})
	require.NoError(t, err)
	for i := range seeded {
		seeded[i].ID = [16]byte{}
	}
	require.ElementsMatch(t, domain.SeedPermissions, seeded)
}

func TestGrantIsIdempotentAndRevokable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)
	obj := id()

	p := domain.Permission{ObjectType: domain.ObjectVM, ObjectID: &obj, Key: domain.KeyVMStart, UserID: &u.ID}
	require.NoError(t, db.GrantPermission(ctx, &p))
	again := domain.Permission{ObjectType: domain.ObjectVM, ObjectID: &obj, Key: domain.KeyVMStart, UserID: &u.ID}
	require.NoError(t, db.GrantPermission(ctx, &again))
	require.Equal(t, p.ID, again.ID, "granting twice finds the first grant")

	global := domain.Permission{ObjectType: domain.ObjectSite, Key: domain.KeyRead, Role: domain.RoleParticipant}
	require.NoError(t, db.GrantPermission(ctx, &global), "re-granting a seeded role permission")
	list, _, err := db.ListPermissions(ctx, domain.PermissionFilter{ObjectType: domain.ObjectSite, Role: domain.RoleParticipant})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, list[0].ID, global.ID)

	require.NoError(t, db.RevokePermission(ctx, p.ID))
	requireKind(t, db.RevokePermission(ctx, p.ID), domain.KindNotFound, "permission "+p.ID.String()+" not found")

	bad := domain.Permission{ObjectType: domain.ObjectVM, Key: domain.KeyRead, Role: "ghosts"}
	requireKind(t, db.GrantPermission(ctx, &bad), domain.KindInvalid, `role "ghosts" does not exist`)
	both := domain.Permission{ObjectType: domain.ObjectVM, Key: domain.KeyRead, Role: "admin", UserID: &u.ID}
	requireKind(t, db.GrantPermission(ctx, &both), domain.KindInvalid, "the request has invalid fields")
}

// authorize loads the permissions that might apply and asks the domain.
func authorize(t *testing.T, db *store.DB, u *domain.User, obj domain.ObjectRef, need domain.Key) error {
	t.Helper()
	s := domain.Subject{UserID: u.ID, Roles: u.Roles}
	perms, err := db.PermissionsFor(testContext(t), s, obj)
	require.NoError(t, err)
	return domain.Authorize(s, perms, obj, need)
}

func TestPermissionsForDriveAuthorize(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	admin := newUser(ctx, t, db, domain.RoleAdmin)
	instructor := newUser(ctx, t, db, domain.RoleInstructor)
	owner := newUser(ctx, t, db, domain.RoleParticipant)
	other := newUser(ctx, t, db, domain.RoleParticipant)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	vm := newVM(ctx, t, db, owner, tpl)
	require.NoError(t, db.GrantOwner(ctx, domain.ObjectVM, vm.ID, owner.ID))
	ref := domain.Ref(domain.ObjectVM, vm.ID)

	// The admin role holds full on every type.
	require.NoError(t, authorize(t, db, admin, ref, domain.KeyDelete))
	require.NoError(t, authorize(t, db, admin, domain.TypeRef(domain.ObjectNode), domain.KeyCreate))

	// The owner's keys: see, start, stop, reset, but not delete.
	require.NoError(t, authorize(t, db, owner, ref, domain.KeyRead))
	require.NoError(t, authorize(t, db, owner, ref, domain.KeyVMStart))
	requireKind(t, authorize(t, db, owner, ref, domain.KeyDelete), domain.KindForbidden, "")

	// Someone else's VM does not exist as far as a participant can tell.
	requireKind(t, authorize(t, db, other, ref, domain.KeyVMStart), domain.KindNotFound, "vm "+vm.ID.String()+" not found")

	// Role grants on a type: instructors create VMs, participants do not.
	require.NoError(t, authorize(t, db, instructor, domain.TypeRef(domain.ObjectVM), domain.KeyCreate))
	requireKind(t, authorize(t, db, other, domain.TypeRef(domain.ObjectVM), domain.KeyCreate), domain.KindForbidden, "")
	require.NoError(t, authorize(t, db, other, domain.TypeRef(domain.ObjectContainer), domain.KeyCreate))

	// Deleting the VM takes its permissions with it.
	require.NoError(t, db.DeleteVM(ctx, vm.ID))
	owned, _, err := db.ListPermissions(ctx, domain.PermissionFilter{ObjectID: &vm.ID})
	require.NoError(t, err)
	require.Empty(t, owned)

	requireKind(t, db.GrantOwner(ctx, domain.ObjectSite, vm.ID, owner.ID), domain.KindInvalid, "site objects have no owner")
}

func TestCustomRoles(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	r := &domain.Role{Name: "tutor", Description: "helps out", Builtin: true}
	require.NoError(t, db.CreateRole(ctx, r))
	require.False(t, r.Builtin, "only seeded roles are built in")
	requireKind(t, db.CreateRole(ctx, &domain.Role{Name: "tutor"}), domain.KindConflict, `role "tutor" already exists`)

	u := newUser(ctx, t, db, "tutor")
	grant := domain.Permission{ObjectType: domain.ObjectEvent, Key: domain.KeyRead, Role: "tutor"}
	require.NoError(t, db.GrantPermission(ctx, &grant))

	require.NoError(t, db.DeleteRole(ctx, "tutor"))
	got, err := db.FindUserByID(ctx, u.ID)
	require.NoError(t, err)
	require.Empty(t, got.Roles, "deleting a role takes it from its holders")
	requireKind(t, db.RevokePermission(ctx, grant.ID), domain.KindNotFound, "")

	requireKind(t, db.DeleteRole(ctx, "tutor"), domain.KindNotFound, `role "tutor" not found`)
	requireKind(t, db.DeleteRole(ctx, domain.RoleAdmin), domain.KindConflict, `role "admin" is built in and cannot be deleted`)
}
