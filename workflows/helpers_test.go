package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/activities"
)

// newTestEnv is a workflow test environment with every workflow registered,
// as workers register them, under the default tuning, and every activity
// struct's methods registered for mocking. Mocked activities must be
// called as their expectations say.
func newTestEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	for _, a := range []any{bookkeeping, pve, inventory, operations, system, gateways, gatewayHost, emails, guac, mdl, timeline, eventActs} {
		env.RegisterActivity(a)
	}
	for _, q := range activities.StandardQueues {
		require.NoError(t, Register(env, q, testTuning()))
	}
	env.SetTestTimeout(30 * time.Second)
	t.Cleanup(func() { env.AssertExpectations(t) })
	return env
}
