package apptest

import "testing"

// Step runs fn as the subtest name of t, one phase of a long scenario, and
// stops t when the phase fails: later phases would only fail again on
// what it left behind. State shared between phases lives in t's function.
// Whatever must outlive the phase (workers, servers) is cleaned up with
// t's Cleanup, not the phase's, which runs when the phase ends.
func Step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, fn) {
		t.FailNow()
	}
}
