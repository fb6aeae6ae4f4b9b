package domain_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func TestKeyGrantsNesting(t *testing.T) {
	cases := []struct {
		have, need domain.Key
		want       bool
	}{
		{domain.KeyRead, domain.KeyRead, true},
		{domain.KeyRead, domain.KeyUpdate, false},
		{domain.KeyUpdate, domain.KeyRead, true},
		{domain.KeyDelete, domain.KeyUpdate, true},
		{domain.KeyDelete, domain.KeyFull, false},
		{domain.KeyFull, domain.KeyDelete, true},
		{domain.KeyFull, domain.KeyVMStart, true},
		{domain.KeyDelete, domain.KeyVMStart, false},
		{domain.KeyVMStart, domain.KeyRead, true},
		{domain.KeyVMStart, domain.KeyVMStop, false},
		{domain.KeyVMStart, domain.KeyUpdate, false},
		{domain.KeyCreate, domain.KeyRead, false},
	}
	for _, c := range cases {
		if got := c.have.Grants(c.need); got != c.want {
			t.Errorf("%s grants %s = %v, want %v", c.have, c.need, got, c.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	alice, bob := uuid.New(), uuid.New()
	vm := uuid.New()
	perms := append([]domain.Permission{
		{ObjectType: domain.ObjectVM, ObjectID: &vm, Key: domain.KeyRead, UserID: &alice},
		{ObjectType: domain.ObjectVM, ObjectID: &vm, Key: domain.KeyVMStart, UserID: &alice},
	}, domain.SeedPermissions...)

	admin := domain.Subject{UserID: uuid.New(), Roles: []string{domain.RoleAdmin}}
	owner := domain.Subject{UserID: alice, Roles: []string{domain.RoleParticipant}}
	stranger := domain.Subject{UserID: bob, Roles: []string{domain.RoleParticipant}}
	instructor := domain.Subject{UserID: uuid.New(), Roles: []string{domain.RoleInstructor}}

	cases := []struct {
		name string
		s    domain.Subject
		obj  domain.ObjectRef
		need domain.Key
		want domain.Kind
	}{
		{"admin deletes any vm", admin, domain.Ref(domain.ObjectVM, vm), domain.KeyDelete, ""},
		{"admin resets any vm", admin, domain.Ref(domain.ObjectVM, vm), domain.KeyVMReset, ""},
		{"owner reads", owner, domain.Ref(domain.ObjectVM, vm), domain.KeyRead, ""},
		{"owner starts", owner, domain.Ref(domain.ObjectVM, vm), domain.KeyVMStart, ""},
		{"owner may not delete", owner, domain.Ref(domain.ObjectVM, vm), domain.KeyDelete, domain.KindForbidden},
		{"stranger does not see it", stranger, domain.Ref(domain.ObjectVM, vm), domain.KeyRead, domain.KindNotFound},
		{"stranger cannot start it and learns nothing", stranger, domain.Ref(domain.ObjectVM, vm), domain.KeyVMStart, domain.KindNotFound},
		{"instructor creates vms", instructor, domain.TypeRef(domain.ObjectVM), domain.KeyCreate, ""},
		{"participant may not create vms", stranger, domain.TypeRef(domain.ObjectVM), domain.KeyCreate, domain.KindForbidden},
		{"participant creates containers", stranger, domain.TypeRef(domain.ObjectContainer), domain.KeyCreate, ""},
		{"instructor does not see others' vms", instructor, domain.Ref(domain.ObjectVM, vm), domain.KeyRead, domain.KindNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := domain.Authorize(c.s, perms, c.obj, c.need)
			if c.want == "" {
				if err != nil {
					t.Fatalf("want allowed, got %v", err)
				}
				return
			}
			if domain.KindOf(err) != c.want {
				t.Fatalf("want %s, got %v", c.want, err)
			}
		})
	}
}

func TestPermissionValidateNamesGrantee(t *testing.T) {
	u := uuid.New()
	p := domain.Permission{ObjectType: domain.ObjectVM, Key: domain.KeyRead, UserID: &u, Role: domain.RoleAdmin}
	err := p.Validate()
	var de *domain.Error
	if !asDomain(err, &de) || de.Fields["grantee"] == "" {
		t.Fatalf("want a grantee field error, got %v", err)
	}
	p = domain.Permission{ObjectType: domain.ObjectVM, Key: "vm.explode", Role: domain.RoleAdmin}
	if !asDomain(p.Validate(), &de) || de.Fields["key"] == "" {
		t.Fatalf("want a key field error, got %v", p.Validate())
	}
}

func TestPermissionValidateNamesExactlyOneGrantee(t *testing.T) {
	u, g := uuid.New(), uuid.New()
	for _, tc := range []struct {
		name string
		p    domain.Permission
		ok   bool
	}{
		{"user", domain.Permission{UserID: &u}, true},
		{"role", domain.Permission{Role: domain.RoleInstructor}, true},
		{"group", domain.Permission{GroupID: &g}, true},
		{"nobody", domain.Permission{}, false},
		{"user and group", domain.Permission{UserID: &u, GroupID: &g}, false},
		{"role and group", domain.Permission{Role: domain.RoleInstructor, GroupID: &g}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.ObjectType, tc.p.Key = domain.ObjectVM, domain.KeyRead
			if err := tc.p.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestShareableKeys(t *testing.T) {
	for _, tc := range []struct {
		objectType string
		key        domain.Key
		want       bool
	}{
		{domain.ObjectVM, domain.KeyVMStart, true},
		{domain.ObjectVM, domain.KeyFull, true},
		{domain.ObjectVM, domain.KeyContainerStart, false},
		{domain.ObjectVM, domain.KeyCreate, false},
		{domain.ObjectContainer, domain.KeyContainerRestart, true},
		{domain.ObjectEnvironment, domain.KeyUpdate, true},
		{domain.ObjectEnvironment, domain.KeyEventManage, false},
		{domain.ObjectEvent, domain.KeyEventManage, true},
		{domain.ObjectEvent, "own", false},
		{domain.ObjectSite, domain.KeyRead, false},
	} {
		if got := domain.Shareable(tc.objectType, tc.key); got != tc.want {
			t.Errorf("Shareable(%s, %s) = %v, want %v", tc.objectType, tc.key, got, tc.want)
		}
	}
	// The owner keys of a shareable type are shareable: an owner may pass them on.
	for objectType := range domain.ShareableKeys {
		for _, k := range domain.OwnerKeys[objectType] {
			if !domain.Shareable(objectType, k) {
				t.Errorf("owner key %s of %s objects is not shareable", k, objectType)
			}
		}
	}
}

func TestGroupGrantHandedToAMemberAuthorizes(t *testing.T) {
	member, g, vm := uuid.New(), uuid.New(), uuid.New()
	s := domain.Subject{UserID: member, Roles: []string{domain.RoleParticipant}}
	// As PermissionStore.PermissionsFor hands a group's grant to a member.
	perms := []domain.Permission{{ObjectType: domain.ObjectVM, ObjectID: &vm, Key: domain.KeyVMStart, UserID: &member, GroupID: &g}}
	obj := domain.Ref(domain.ObjectVM, vm)
	if err := domain.Authorize(s, perms, obj, domain.KeyVMStart); err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := domain.Authorize(s, perms, obj, domain.KeyVMStop); !domain.IsKind(err, domain.KindForbidden) {
		t.Fatalf("stop: want forbidden, got %v", err)
	}
}

func TestRoleGrantable(t *testing.T) {
	if !domain.RoleGrantable(domain.ObjectAny, domain.KeyRead) || !domain.RoleGrantable(domain.ObjectEvent, domain.KeyCreate) {
		t.Fatal("known types and keys must be grantable to roles")
	}
	if domain.RoleGrantable("planet", domain.KeyRead) || domain.RoleGrantable(domain.ObjectVM, "own") {
		t.Fatal("unknown types and keys must not be grantable to roles")
	}
}
