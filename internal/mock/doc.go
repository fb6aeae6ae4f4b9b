// Package mock provides in-memory fakes of the domain's store interfaces,
// for tests that exercise a caller (an API handler, say) without
// PostgreSQL or MongoDB.
//
// Each fake is a struct with one function field per method, named after
// the method with an Fn suffix; the method calls its field. A test sets
// only the fields the code under test should call. Calling a method whose
// field is nil panics with a message naming the method, so an unexpected
// call fails the test visibly instead of returning a zero value.
package mock

import (
	"fmt"
	"strings"
)

// unexpected panics because method ("Type.Method") was called on a fake
// that has no function for it.
func unexpected(method string) {
	_, name, _ := strings.Cut(method, ".")
	panic(fmt.Sprintf("mock: unexpected call to %s: set its %sFn field", method, name))
}
