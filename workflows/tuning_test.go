package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTuningAppliesToBoundedStepsOnly(t *testing.T) {
	tn := Tuning{StepRetryInterval: 100 * time.Millisecond, StepMaxAttempts: 3, HeartbeatTimeout: 5 * time.Second}.withDefaults()

	clone := tn.apply(cloneOptions)
	require.Equal(t, 100*time.Millisecond, clone.RetryPolicy.InitialInterval)
	require.EqualValues(t, 3, clone.RetryPolicy.MaximumAttempts)
	require.Equal(t, maxStepRetryInterval, clone.RetryPolicy.MaximumInterval)
	require.Equal(t, 5*time.Second, clone.HeartbeatTimeout)
	require.Equal(t, 2*time.Hour, clone.StartToCloseTimeout, "only retries and heartbeats are tuned")
	require.Equal(t, 5*time.Second, cloneOptions.RetryPolicy.InitialInterval, "the shared options are not modified")

	// Waits bounded by time keep their policy.
	agent := tn.apply(agentOptions)
	require.Equal(t, agentOptions.RetryPolicy, agent.RetryPolicy)

	// A zero tuning is the default one.
	require.Equal(t, DefaultTuning(), Tuning{}.withDefaults())
	require.Equal(t, Tuning{StepRetryInterval: time.Second, StepMaxAttempts: 8, HeartbeatTimeout: time.Minute},
		Tuning{StepRetryInterval: time.Second}.withDefaults())
}
