package pveschema

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// loadSchema returns the real PVE 9.1 schema. Without it the test is
// skipped, except in CI (CI set), which always has ../shared.
func loadSchema(tb testing.TB) *Schema {
	tb.Helper()
	s, err := LoadDefault()
	if errors.Is(err, ErrNotFound) {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PVE schema not found, and CI always has ../shared: %v", err)
		}
		tb.Skipf("PVE schema not found: set %s to pve-9.1-api-schema.json (%v)", EnvSchemaPath, err)
	}
	if err != nil {
		tb.Fatalf("load PVE schema: %v", err)
	}
	return s
}

// mustLookup returns the method for a template or fails the test.
func mustLookup(tb testing.TB, s *Schema, verb, template string) *Method {
	tb.Helper()
	m, ok := s.Lookup(verb, template)
	if !ok {
		tb.Fatalf("schema has no %s %s", verb, template)
	}
	return m
}

// request is an API call as a client sends it: a concrete path plus query
// or form parameters.
type request struct {
	verb, path string
	params     map[string]string
}

// validateRequest matches, merges and validates a request the way the
// simulator does, failing the test if the path does not match.
func validateRequest(tb testing.TB, s *Schema, r request) (*Method, map[string]string) {
	tb.Helper()
	m, pathParams, ok := s.Match(r.verb, r.path)
	if !ok {
		tb.Fatalf("%s %s: no method matches", r.verb, r.path)
	}
	merged, errs := MergeParams(pathParams, r.params)
	if errs != nil {
		return m, errs
	}
	return m, m.Validate(merged)
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
