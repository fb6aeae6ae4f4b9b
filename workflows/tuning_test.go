package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/config"
)

// testTuning is the tuning of a worker with the default configuration.
func testTuning() Tuning {
	c := config.Default()
	return Tuning{StepRetryInterval: c.StepRetryInterval, StepMaxAttempts: c.StepMaxAttempts, HeartbeatTimeout: c.HeartbeatTimeout}
}

func TestTuningAppliesToStepsAndHeartbeatsOnly(t *testing.T) {
	tn := Tuning{StepRetryInterval: 100 * time.Millisecond, StepMaxAttempts: 3, HeartbeatTimeout: 5 * time.Second}

	clone := cloneSpec.options(tn)
	require.Equal(t, 100*time.Millisecond, clone.RetryPolicy.InitialInterval)
	require.EqualValues(t, 3, clone.RetryPolicy.MaximumAttempts)
	require.Equal(t, maxStepRetryInterval, clone.RetryPolicy.MaximumInterval)
	require.Equal(t, 5*time.Second, clone.HeartbeatTimeout)
	require.Equal(t, 2*time.Hour, clone.StartToCloseTimeout, "only retries and heartbeats are tuned")
	require.Empty(t, clone.TaskQueue, "the queue comes from the activity's table")

	// Waits bounded by time keep their policy; so do the periodic cycles.
	agent := agentSpec.options(tn)
	require.Equal(t, agentSpec.retry, agent.RetryPolicy)
	require.Zero(t, agent.HeartbeatTimeout)
	slot := slotSpec.options(tn)
	require.Equal(t, slotSpec.retry, slot.RetryPolicy)
	require.Equal(t, 5*time.Second, slot.HeartbeatTimeout)
	periodic := periodicSpec.options(tn)
	require.Equal(t, 2*time.Minute, periodic.HeartbeatTimeout)
	require.EqualValues(t, 3, periodic.RetryPolicy.MaximumAttempts)

	require.NoError(t, testTuning().Validate())
	require.Error(t, Tuning{StepRetryInterval: time.Second}.Validate(), "no field has a default here")
}
