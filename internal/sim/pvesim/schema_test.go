package pvesim_test

import (
	"testing"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestRoutesExistInSchema checks that every method the simulator serves is
// a method of the real PVE 9.1 API: serving anything else is a bug.
func TestRoutesExistInSchema(t *testing.T) {
	sc := schemaOrSkip(t)
	s, err := pvesim.NewServer(pvesim.Config{Schema: sc})
	if err != nil {
		t.Fatal(err)
	}
	routes := s.Routes()
	for _, rt := range routes {
		m, ok := sc.Lookup(rt.Method, rt.Template)
		if !ok {
			t.Errorf("%s %s is not in the PVE 9.1 schema", rt.Method, rt.Template)
			continue
		}
		if m.HTTPMethod != rt.Method || m.Path != rt.Template {
			t.Errorf("%s %s resolved to %s %s", rt.Method, rt.Template, m.HTTPMethod, m.Path)
		}
	}
	t.Logf("checked %d routes against the PVE 9.1 schema", len(routes))
}
