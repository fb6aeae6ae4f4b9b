package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"

	"github.com/labforge/labforge/activities"
)

// TestReplayRecordedHistories replays the histories under testdata (recorded
// by TestRecordHistories, build tag "record") against today's workflow code:
// a change that alters history without workflow.GetVersion fails here.
// Histories of older workflow versions stay, renamed after the change that
// superseded them (before-<change-id>_*.json; versions.go lists the
// change ids), so every branch a running workflow may still take replays.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no recorded histories; see record_histories_test.go")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			for _, q := range activities.StandardQueues {
				require.NoError(t, Register(r, q, testTuning()))
			}
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(nil, f))
		})
	}
}
