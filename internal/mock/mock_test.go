package mock_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/labforge/labforge/internal/mock"
)

// TestNilFieldPanicsNamingTheMethod calls every method of every zero-value
// fake and expects a panic that names the method and the field to set.
func TestNilFieldPanicsNamingTheMethod(t *testing.T) {
	t.Parallel()
	fakes := []any{
		&mock.VMStore{}, &mock.NodeStore{}, &mock.TemplateStore{}, &mock.OperationStore{},
		&mock.UserStore{}, &mock.PermissionStore{}, &mock.AuditLog{}, &mock.AuditOutbox{}, &mock.SystemEventLog{},
		&mock.CloneSlotStore{}, &mock.SiteStore{}, &mock.ExternalDomainStore{}, &mock.ContainerStore{}, &mock.EmailStore{},
		&mock.GroupStore{}, &mock.EnvironmentStore{}, &mock.EventStore{},
		&mock.CapacityStore{}, &mock.EventActivityLog{}, &mock.APIKeyStore{}, &mock.IdempotencyStore{}, &mock.AccountStore{},
		&mock.IdentityStore{},
	}
	for _, fake := range fakes {
		v := reflect.ValueOf(fake)
		typeName := v.Elem().Type().Name()
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			method := typeName + "." + m.Name
			t.Run(method, func(t *testing.T) {
				t.Parallel()
				args := make([]reflect.Value, m.Type.NumIn()-1)
				for j := range args {
					args[j] = reflect.Zero(m.Type.In(j + 1))
				}
				msg := panicMessage(func() { v.Method(i).Call(args) })
				want := "mock: unexpected call to " + method + ": set its " + m.Name + "Fn field"
				if msg != want {
					t.Fatalf("calling %s on a zero fake: panic %q, want %q", method, msg, want)
				}
			})
		}
	}
}

// TestMethodCallsItsField checks that a method passes its arguments to its
// field and returns what the field returns.
func TestMethodCallsItsField(t *testing.T) {
	t.Parallel()
	var gotRole string
	users := &mock.UserStore{CountUsersWithRoleFn: func(_ context.Context, role string) (int, error) {
		gotRole = role
		return 3, nil
	}}
	n, err := users.CountUsersWithRole(t.Context(), "admin")
	if n != 3 || err != nil || gotRole != "admin" {
		t.Fatalf("CountUsersWithRole = %d, %v (role %q), want 3, nil (role admin)", n, err, gotRole)
	}
}

func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
