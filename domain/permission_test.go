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
